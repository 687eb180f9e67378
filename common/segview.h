/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* segview.h - a client's read-only view of the segment, without a lock.
 *
 * What ipcmonctl (wait, events), the exporter and the tests use: map the
 * object read-only, read the ring slot by slot (seg_event_read) and the
 * tables as a consistent copy (segview_snapshot), wait on the generation
 * word.  Nothing here takes the semaphore or writes a byte, so a
 * thousand readers cost the daemon nothing.  No logging: 0 or -errno.
 */
#ifndef IPCMON_SEGVIEW_H
#define IPCMON_SEGVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "segment.h"

struct segview {
	const struct seg_header *h; /* NULL when closed */
	size_t mapped;              /* bytes mapped at h */
	int fd;                     /* the object, read-only */
	dev_t dev;                  /* its identity, to notice that a new */
	ino_t ino;                  /* daemon made another under the name */
	char name[256];
	uint32_t abi;               /* after -EPROTONOSUPPORT: the segment's ABI */
};

/* Open and map the shared-memory object name (e.g. "/ipc_shm").
 * Returns 0, or:
 *   -ENOENT / -EACCES / -errno  shm_open or mmap failed
 *   -EPROTO                     not an ipcmon segment (or a damaged one)
 *   -EPROTONOSUPPORT            a segment of another ABI: v->abi says which
 * On error nothing stays open. */
int segview_open(struct segview *v, const char *name);

void segview_close(struct segview *v);

/* Whether name still names the object we mapped (a daemon that stopped
 * removes it, a new one makes another).  -errno other than ENOENT counts
 * as "still there" (we cannot tell). */
bool segview_current(const struct segview *v);

/* Map the whole object again if it grew.  Returns 0 or -errno. */
int segview_remap(struct segview *v);

/* A consistent copy of the header and both tables (see segment.h's read
 * discipline), taken without the semaphore. */
struct seg_snapshot {
	struct seg_header hdr;   /* the header as it was (figures, counts) */
	struct seg_link *links;  /* hdr.links.count records, malloc'd */
	struct seg_addr *addrs;  /* hdr.addrs.count records, malloc'd */
	size_t links_cap, addrs_cap; /* records the arrays can hold */
};

/* Fill *s (whose arrays may be reused from an earlier call: zero it
 * before the first).  Returns 0, -EAGAIN when the writer kept changing
 * the tables for longer than about 100 ms or a dead writer left them
 * half-written (the next generation bump says when to try again),
 * -EPROTO (damaged header) or -ENOMEM.  On error *s keeps its arrays
 * (free them with seg_snapshot_free) but its contents are undefined. */
int segview_snapshot(struct segview *v, struct seg_snapshot *s);

void seg_snapshot_free(struct seg_snapshot *s);

#endif
