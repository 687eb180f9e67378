/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* collector.h - the collector's state machine: netlink into the segment.
 *
 * The only writer of the segment.  It takes parsed netlink objects from a
 * source (the kernel through libnl, nlsource.h, or a test), applies them
 * to the tables (linkdb) under the semaphore, appends every change to the
 * event ring and rings the parent's doorbell (FRAME_EVENTS).  When the
 * source reports an overflow (ENOBUFS: the kernel dropped messages) it
 * throws away what is queued, dumps, and emits what differs after a
 * RESYNC event; a dump that fails is retried.  It talks to nobody but
 * the parent, in frames (frame.h): READY once its first dump is in,
 * EVENTS, LOG, STATS.
 *
 * No event loop and no sockets here: collector_main.c runs the loop and
 * calls the collector_on_*() handlers; tests call them directly with a
 * source of their own.  Handlers log what went wrong and carry on.
 */
#ifndef IPCMON_COLLECTOR_H
#define IPCMON_COLLECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frame.h"
#include "segmap.h"
#include "segment.h"

struct nl_object;
struct nl_cache;
struct collector;

/* 64-bit counters of one link (IFLA_STATS_LINK_64). */
struct link_stats {
	int32_t ifindex;
	struct seg_counters rx, tx;
};

typedef void collector_obj_fn(struct nl_object *obj, void *arg);

/* Where netlink comes from.  Every function returns 0 or -errno. */
struct collector_source_ops {
	/* Read what is queued, without blocking, handing each object
	 * parsed from a notification to fn (which takes its own reference
	 * if it keeps it).  Reads a bounded number of times and returns 0
	 * (more may be queued: the fd stays readable), or -ENOBUFS when the
	 * kernel dropped messages (what was read is handed over all the
	 * same), or -errno. */
	int (*receive)(void *src, collector_obj_fn *fn, void *arg);
	/* Throw away everything queued: a dump follows. */
	void (*drain)(void *src);
	/* A full dump of links and addresses into new caches (the caller
	 * frees them).  -EINTR: the kernel's dump was interrupted by a
	 * change, try again. */
	int (*dump)(void *src, struct nl_cache **ret_links,
		    struct nl_cache **ret_addrs);
	/* Ask for one link again; the answer comes through receive. */
	int (*request_link)(void *src, int32_t ifindex);
	/* The counters of every link into *v (*n records; *v grown with
	 * realloc as needed, *cap its capacity; the caller frees it). */
	int (*dump_stats)(void *src, struct link_stats **v, size_t *n,
			  size_t *cap);
};

struct collector_params {
	const struct frame_config *cfg; /* must outlive the collector */
	struct segmap *map;             /* writer, mapped; not owned */
	int parent_fd;                  /* frames to the parent; not owned */
	const struct collector_source_ops *ops;
	void *src;
	uint32_t rcvbuf;                /* the source's receive buffer, for
					 * STATS (bytes, 0 unknown) */
};

/* Returns 0, or -ENOMEM. */
int collector_new(const struct collector_params *p, struct collector **ret);
void collector_free(struct collector *c);

/* Take the segment over: index what a previous collector left, then
 * the first dump.  On a new segment it is quiet and ends with a
 * DAEMON_START event; after a restart (cfg->restarts > 0) it reports
 * what changed while no collector ran, after a COLLECTOR_RESTART event
 * naming cfg->restart_reason.  Sends READY once the dump is in.
 * Returns 0, or -errno when the segment cannot be taken (a dump that
 * fails is retried instead: see collector_retry_due). */
int collector_start(struct collector *c);

/* The source has something to read. */
void collector_on_netlink(struct collector *c);

/* The parent asked for a resync (FRAME_RESYNC): dump, emit what differs
 * after a RESYNC event saying why. */
void collector_on_resync(struct collector *c, const char *why);

/* A dump or a lock failed and is to be tried again: true until a retry
 * succeeds.  The loop calls collector_on_retry after a second. */
bool collector_retry_due(const struct collector *c);
void collector_on_retry(struct collector *c);

/* Timers: CPU and memory from /proc (figures, not events), and the link
 * counters from the source. */
void collector_on_sample(struct collector *c);
void collector_on_counters(struct collector *c);

/* Send the parent a STATS frame. */
void collector_send_stats(struct collector *c);

/* Counters for tests and the STATS frame. */
struct collector_stats {
	uint64_t netlink_objects;  /* objects received */
	uint64_t resyncs;          /* dumps that replaced the tables */
	uint64_t dump_failures;    /* dumps that failed and were retried */
	uint64_t doorbells_dropped;/* EVENTS frames the parent's socket
				    * could not take (the next one covers) */
	uint64_t apply_errors;
};
void collector_get_stats(const struct collector *c, struct collector_stats *ret);

#endif
