/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* child.h - the collector's life, as the parent sees it.
 *
 * Starts the collector (fork, then exec of our own executable in the
 * collector role: collector_main.h), sends it the configuration, reads
 * its frames, pings it, and when it dies repairs the semaphore and starts
 * another with back-off (100 ms doubling to 10 s; a collector that ran
 * 30 s is healthy and the back-off starts over).  Runs on the parent's
 * sd-event loop; what the frames say goes to the supervisor through
 * child_ops.
 */
#ifndef IPCMON_CHILD_H
#define IPCMON_CHILD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <systemd/sd-event.h>

#include "frame.h"
#include "segmap.h"
#include "status.h"

struct child;

struct child_ops {
	/* The first full dump is in the segment. */
	void (*ready)(void *userdata, const struct frame_ready *r);
	/* The ring grew up to last_seq (a doorbell: frames may be dropped,
	 * so read from the ring what is new). */
	void (*events)(void *userdata, uint64_t last_seq);
	/* The collector's heartbeat (its STATS frame, about once a second
	 * while it runs): the parent's periodic work rides on it. */
	void (*heartbeat)(void *userdata);
	/* The collector's state changed (st->degraded, restarts). */
	void (*changed)(void *userdata);
	/* After child_stop: the collector is gone. */
	void (*stopped)(void *userdata);
	/* A collector could not be started at all (fork or exec set-up):
	 * the daemon cannot go on. */
	void (*failed)(void *userdata);
};

struct child_params {
	sd_event *event;
	struct frame_config cfg;      /* sent as the first frame; restarts,
				       * restart_reason and heartbeat_usec
				       * are ours */
	uint64_t timeout_usec;        /* a silent collector is pinged after
				       * half of it, killed when a ping is
				       * not answered within it
				       * (collector_timeout) */
	int shm_fd;                   /* the segment, read-write */
	struct segmap *map;           /* for the repair (writer map) */
	struct segmap_gate *gate;     /* the dispatcher's gate */
	struct daemon_status *st;     /* collector_pid, restarts, degraded */
	const struct child_ops *ops;
	void *userdata;
};

/* Prepare (open our own executable, build the collector's environment)
 * and start the first collector.  Returns 0 or -errno (logged). */
int child_new(const struct child_params *p, struct child **ret);

/* Send a frame to the running collector (RESYNC, SET_LOG_LEVEL).
 * Returns 0, -ENOTCONN when none runs, or frame_send's error. */
int child_send(struct child *ch, enum frame_type type, const void *payload,
	       size_t len);

/* Later collectors get this log level. */
void child_set_log_level(struct child *ch, int level);

/* Stop: SHUTDOWN, SIGKILL after a grace period, no restart.  ops->stopped
 * follows (also at once when none runs). */
void child_stop(struct child *ch);

/* Kill what runs (SIGKILL, reaped) and free.  Accepts NULL. */
void child_free(struct child *ch);

#endif
