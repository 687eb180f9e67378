/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* log.h - the daemon's log, in the shape of OpenBSD's log.c.
 *
 * Every record goes to stderr (with sd-daemon "<N>" prefixes when stderr
 * is the journal, with a time stamp otherwise) and to an optional sink:
 * the FIFO in the parent, the socketpair in the collector.  errno is
 * preserved by every function here.  A record is always one line on
 * stderr: control characters and invalid UTF-8 in it are escaped
 * (escape.h).  The stderr line is
 *   "2026-11-21T10:00:00.123456Z warning main message"  (not the journal:
 *                                   the FIFO's text line, common/event.h)
 *   "<4>main: message"                                  (the journal)
 */
#ifndef IPCMON_LOG_H
#define IPCMON_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"

/* A second destination for records.  msg has no time stamp and no
 * newline; source is the process name ("main", "collector"). */
typedef void log_sink_fn(int prio, const char *source, const char *msg,
			 void *userdata);

void log_init(enum log_level level, const char *procname);
/* Rename the process in later records (after fork). */
void log_procinit(const char *procname);
void log_setlevel(enum log_level level);
enum log_level log_getlevel(void);
/* Install a sink; with to_stderr false, records go to the sink only (the
 * collector: its parent writes them).  fn NULL removes the sink. */
void log_set_sink(log_sink_fn *fn, void *userdata, bool to_stderr);

/* Record from another process (source given), already formatted. */
void log_record(int prio, const char *source, const char *msg);

/* The same, to stderr only (for events, which reach the sink in their
 * own form). */
void log_stderr(int prio, const char *source, const char *msg);

void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vlog(int prio, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Log at err and exit(1).  fatal() appends strerror(errno). */
void fatal(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

/* Rate limit for records a peer can provoke (bad requests): at most
 * burst records per interval from one call site.  Not thread-safe: one
 * per thread.  Initialise with LOG_RATELIMIT_INIT(interval_usec, burst). */
struct log_ratelimit {
	uint64_t interval_usec;
	unsigned burst;
	uint64_t begin_usec;  /* CLOCK_MONOTONIC start of this interval */
	unsigned count;       /* records allowed in this interval */
	uint64_t suppressed;  /* records refused since the last summary */
};
#define LOG_RATELIMIT_INIT(interval_usec, burst) \
	{ (interval_usec), (burst), 0, 0, 0 }

/* True when the caller may log now; false means skip the record (it is
 * counted).  When an interval ends with records refused, logs
 * "WHAT: N similar messages suppressed" at warning first. */
bool log_ratelimit(struct log_ratelimit *rl, const char *what);
/* Log that summary now if the interval is over and records were
 * refused (call it from an idle path, so that a flood that stops still
 * gets its summary). */
void log_ratelimit_flush(struct log_ratelimit *rl, const char *what);


#endif
