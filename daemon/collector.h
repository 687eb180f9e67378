/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* collector.h - the forked child that follows rtnetlink.
 *
 * The parent creates the segment (seg_init'ed, daemon_pid set), the
 * semaphore and a socketpair, then forks; the child calls collector_main.
 * The collector is the only writer of the segment.  It talks to nobody
 * but the parent, in frames (frame.h):
 *   to the parent:   READY once its first full dump is in the segment,
 *                    EVENT for every change (also appended to the ring),
 *                    LOG for every log record, STATS now and then, PONG;
 *   from the parent: RESYNC, SHUTDOWN, SET_LOG_LEVEL, PING.
 * It exits when told to shut down, or when the parent goes away (EOF on
 * the socket).
 */
#ifndef IPCMON_COLLECTOR_H
#define IPCMON_COLLECTOR_H

#include <semaphore.h>

#include "config.h"

struct collector_args {
	const struct config *cfg;
	int sock;   /* our end of the socketpair (SOCK_SEQPACKET) */
	int shm_fd; /* the segment, O_RDWR */
	sem_t *sem; /* the segment's semaphore */
};

/* Run the collector in the forked child.  Returns the exit status. */
int collector_main(const struct collector_args *a);

#endif
