/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* segmap.h - a daemon process's view of the segment, with the semaphore.
 *
 * Only daemon processes use this (clients never hold the semaphore).  The
 * collector opens it as the writer: it records itself in lock_owner while
 * it holds the semaphore and may grow the object.  The parent's readers
 * (the dispatcher) lock, copy what they need, and unlock before they do
 * anything that can block on the outside world.
 */
#ifndef IPCMON_SEGMAP_H
#define IPCMON_SEGMAP_H

#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "segment.h"

struct segmap {
	int fd;                 /* not owned */
	sem_t *sem;             /* not owned */
	struct seg_header *h;   /* the mapping, NULL when closed */
	size_t mapped;
	bool writer;
	bool tainted;           /* writer: a dead writer left the sequence
				 * count odd; it stays odd (readers keep
				 * off) until segmap_untaint */
};

/* Map the object behind fd at its current size.  writer maps it
 * read-write.  Returns 0 or -errno. */
int segmap_open(struct segmap *m, int fd, sem_t *sem, bool writer);

/* Take the semaphore, waiting at most timeout_usec (0: do not wait), then
 * remap if the object grew and validate it.  On success m->h may be read
 * (and, for the writer, written) until segmap_unlock.  Returns 0,
 * -ETIMEDOUT, -EPROTO (not a segment of this ABI) or -errno; the
 * semaphore is not held on error. */
int segmap_lock(struct segmap *m, uint64_t timeout_usec);

/* Writer: segmap_lock also enters the segment's sequence count
 * (seg_write_begin) and segmap_unlock leaves it, unless tainted. */
void segmap_unlock(struct segmap *m);

/* Writer, lock held: the tables were rewritten from a full dump, so the
 * next segmap_unlock makes the count even again. */
void segmap_untaint(struct segmap *m);

/* Writer, semaphore held: grow the object to layout l (ftruncate, remap,
 * move the tables).  Returns 0 or -errno; on error nothing changed. */
int segmap_grow(struct segmap *m, const struct seg_layout *l);

/* The gate keeps the daemon's readers (the dispatcher) out of the
 * segment while the parent repairs the semaphore.  A reader enters
 * before it takes the semaphore and leaves after it let go of it. */
struct segmap_gate {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool closed;
	unsigned inside;
};

void segmap_gate_init(struct segmap_gate *g);
void segmap_gate_destroy(struct segmap_gate *g);

/* Enter, waiting at most timeout_usec while the gate is closed.
 * Returns 0, or -EAGAIN when it stayed closed. */
int segmap_gate_enter(struct segmap_gate *g, uint64_t timeout_usec);
void segmap_gate_leave(struct segmap_gate *g);

/* Close the gate and wait at most timeout_usec for the readers inside to
 * leave.  Returns true when none is inside (the gate stays closed until
 * segmap_gate_open), false when one still is (the gate is open again,
 * as it was). */
bool segmap_gate_close(struct segmap_gate *g, uint64_t timeout_usec);
void segmap_gate_open(struct segmap_gate *g);

/* After the writer process died: with the gate closed, a taken semaphore
 * can only be the dead writer's hold (only daemon processes take it), so
 * release it.  A reader still inside the gate after timeout_usec may be
 * the holder: then nothing is done and -EBUSY says to call again later,
 * so the count never goes above 1.  Returns 1 when it released, 0 when
 * the semaphore was free, -EBUSY, or -errno. */
int segmap_repair(struct segmap *m, struct segmap_gate *g, uint64_t timeout_usec);

void segmap_close(struct segmap *m);

#endif
