/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* dispatcher.h - answers clients on the System V message queue.
 *
 * A thread of the parent (msgrcv cannot be polled): it owns the queue,
 * reads requests, answers from the segment (locked only while copying)
 * and the parent's daemon_status, and sends replies without ever
 * blocking for longer than reply_timeout.
 */
#ifndef IPCMON_DISPATCHER_H
#define IPCMON_DISPATCHER_H

#include <semaphore.h>
#include <stddef.h>

#include "config.h"
#include "proto.h"
#include "segmap.h"
#include "segment.h"
#include "status.h"

struct dispatcher;

/* Create the queue (removing a stale one with our key: we hold the lock
 * file, so no live daemon owns it), and start the thread.  shm_fd, sem
 * and gate stay owned by the caller and must outlive the dispatcher; the
 * thread enters gate around every read of the segment.  Returns 0 or
 * -errno (nothing left behind on error). */
int dispatcher_start(struct dispatcher **ret, const struct config *cfg,
		     int shm_fd, sem_t *sem, struct segmap_gate *gate,
		     struct daemon_status *st);

/* Wake the thread so that it proves it is alive (bumps
 * st->dispatcher_beat); the parent's watchdog tick calls this. */
void dispatcher_poke(struct dispatcher *d);

/* From the parent's loop, about once a second: look at the queue
 * (IPC_STAT) and wake the thread only when it has work (a queue at least
 * half full of messages to sweep, a summary of bad requests to log).
 * The idle thread has no timer of its own. */
void dispatcher_tick(struct dispatcher *d);

/* Stop the thread and remove the queue.  Accepts NULL. */
void dispatcher_stop(struct dispatcher *d);

/* Counters of the queue's housekeeping, for tests and the status log. */
struct dispatcher_stats {
	unsigned long long swept;     /* messages removed for dead processes */
	unsigned long long given_up;  /* replies abandoned after reply_timeout */
	unsigned long long purged;    /* leftover messages of those clients */
	unsigned long long qbytes;    /* the queue's byte limit */
};
void dispatcher_get_stats(struct dispatcher *d, struct dispatcher_stats *ret);

#endif
