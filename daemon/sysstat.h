/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* sysstat.h - CPU and memory figures from /proc/stat and /proc/meminfo.
 *
 * The parsers take the file's text, so that tests can feed them samples;
 * they return 0 or -EINVAL and fill *ret only on success.  No logging.
 */
#ifndef IPCMON_SYSSTAT_H
#define IPCMON_SYSSTAT_H

#include <stddef.h>
#include <stdint.h>

struct sysstat_cpu {
	uint64_t total; /* jiffies, all CPUs: user..steal */
	uint64_t idle;  /* idle + iowait */
	uint32_t ncpu;  /* "cpuN" lines */
};

struct sysstat_mem {
	uint64_t total;     /* bytes: MemTotal */
	uint64_t available; /* bytes: MemAvailable */
};

/* Parse /proc/stat text: the aggregate "cpu" line (at least user, nice,
 * system, idle) and the count of "cpuN" lines. */
int sysstat_parse_stat(const char *text, struct sysstat_cpu *ret);

/* Parse /proc/meminfo text: MemTotal and MemAvailable (kB). */
int sysstat_parse_meminfo(const char *text, struct sysstat_mem *ret);

/* Busy share between two samples, in percent * 100 (0..10000); 0 when
 * no time passed or the counters went back. */
uint32_t sysstat_cpu_usage_centi(const struct sysstat_cpu *prev,
				 const struct sysstat_cpu *cur);

/* Read a (small, /proc) file into buf and NUL-terminate it.  Returns the
 * length, -errno, or -EFBIG when it does not fit. */
int sysstat_read_file(const char *path, char *buf, size_t len);

#endif
