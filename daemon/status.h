/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* status.h - the parent's own figures, shared between its threads.
 *
 * The segment holds what the collector knows; what only the parent knows
 * (restarts, FIFO drops, requests) lives here, in atomics, and the
 * dispatcher merges both into a status reply.
 */
#ifndef IPCMON_STATUS_H
#define IPCMON_STATUS_H

#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

enum daemon_degraded {
	DEGRADED_NONE = 0,
	DEGRADED_STARTING,          /* first dump not finished */
	DEGRADED_COLLECTOR_DOWN,    /* collector died; restart pending */
	DEGRADED_COLLECTOR_HUNG,    /* collector stopped answering pings */
	DEGRADED_RESYNCING,         /* netlink overflowed; dump running */
};

struct daemon_status {
	pid_t pid;
	int64_t start_usec;                   /* CLOCK_REALTIME */
	_Atomic int collector_pid;
	_Atomic int degraded;                 /* enum daemon_degraded */
	_Atomic uint64_t collector_restarts;
	_Atomic uint64_t fifo_dropped;
	_Atomic uint64_t requests_total;      /* dispatcher */
	_Atomic uint64_t bad_requests;        /* dispatcher */
	_Atomic uint64_t dispatcher_beat;     /* dispatcher: bumped per request
					       * and per idle wake-up */
};

/* "collector restarting", ... ; "" for DEGRADED_NONE. */
static inline const char *daemon_degraded_reason(int d)
{
	switch (d) {
	case DEGRADED_NONE: return "";
	case DEGRADED_STARTING: return "first netlink dump not finished";
	case DEGRADED_COLLECTOR_DOWN: return "collector restarting";
	case DEGRADED_COLLECTOR_HUNG: return "collector not answering";
	case DEGRADED_RESYNCING: return "netlink resync in progress";
	}
	return "unknown";
}

#endif
