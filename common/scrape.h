/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* scrape.h - one scrape: which daemon instances there are, a consistent
 * copy of each one's segment, and their metrics text (common/metrics.h).
 *
 * What `ipcmonctl metrics` and each GET /metrics of ipcmon-exporter do.
 * Segments are found by their names rather than by a list to keep in
 * step with the units: the configured one (shm_name) and, with scan,
 * every object in the shm directory that config_instance_names() names,
 * "ipc_shm" (instance "") and "ipc_shm.NAME" (instance NAME): so an
 * instance started by ipcmond@NAME.service or by hand with --instance
 * is exported from its first second, with no configuration.  A segment
 * whose daemon is gone (its pid no longer runs: killed, its segment left
 * behind) or that another program owns is not one.
 *
 * Read-only and lock-free (common/segview.h): no semaphore, no byte
 * written, nothing the daemon waits for.  No logging: 0 or -errno.
 */
#ifndef IPCMON_SCRAPE_H
#define IPCMON_SCRAPE_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "metrics.h"

/* Where glibc's shm_open() keeps its objects. */
#define SCRAPE_SHM_DIR "/dev/shm"

struct scrape_opts {
	const struct config *cfg; /* shm_name and metrics_names */
	bool scan;                /* also every instance found in shm_dir */
	const char *shm_dir;      /* NULL: SCRAPE_SHM_DIR */
};

struct scrape_result {
	size_t found; /* segments of live daemons */
	size_t read;  /* of them, copied whole (the others: ipcmon_up 0) */
};

/* The label of the segment named shm_name ("/ipc_shm.blue"): the
 * instance the naming rule gives ("blue"; "" for "/ipc_shm"), or for a
 * name outside the rule the name without its '/'.  buf: at least
 * NAME_MAX + 1 bytes. */
void scrape_instance_label(const char *shm_name, char *buf, size_t len);

/* Find, copy and render into *b (appended).  Returns 0 (res->found > 0),
 * -ENOENT when no segment of a live daemon was found (nothing is
 * appended: answer "no daemon"), or -ENOMEM.  *res (may be NULL) is
 * filled in every case. */
int scrape_run(const struct scrape_opts *o, struct metrics_buf *b,
	       struct scrape_result *res);

#endif
