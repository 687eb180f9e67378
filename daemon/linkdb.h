/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* linkdb.h - the segment's link and address tables, with our own indexes.
 *
 * The tables in the segment are dense arrays (segment.h).  linkdb keeps,
 * in the collector's private memory, a hash ifindex -> link slot, a hash
 * address key -> address slot, and per link a list of its addresses, so
 * that every change costs O(1) in the number of links and addresses:
 * add = append, delete = move the last record into the hole and fix the
 * indexes, update = in place.  Full tables are grown by doubling
 * (segmap_grow).
 *
 * The seams take libnl objects, parsed by libnl from netlink messages (or
 * built by a test with rtnl_link_alloc + setters): no socket here.
 *
 * Every function below except linkdb_new/linkdb_free needs the segment
 * locked for writing (segmap_lock on a writer segmap) and does no system
 * call that can block.  Changes are reported to the emit callback as
 * events (seq and time not yet set); the caller appends them to the ring
 * and tells the parent.  Counter refreshes are not events.
 */
#ifndef IPCMON_LINKDB_H
#define IPCMON_LINKDB_H

#include <stdbool.h>
#include <stdint.h>

#include "segmap.h"
#include "segment.h"

struct rtnl_link;
struct rtnl_addr;
struct linkdb;

typedef void linkdb_emit_fn(struct seg_event *ev, void *userdata);

/* A linkdb over the (writer) segmap m, whose segment must stay mapped
 * through m while db lives.  Returns 0 or -ENOMEM. */
int linkdb_new(struct segmap *m, linkdb_emit_fn *emit, void *userdata,
	       struct linkdb **ret);
void linkdb_free(struct linkdb *db);

/* Index the records already in the segment (a restarted collector finds
 * its predecessor's tables).  Records that cannot be indexed (duplicates,
 * addresses of unknown links) are dropped.  Returns how many records
 * were dropped, or -ENOMEM. */
int linkdb_load(struct linkdb *db);

/* RTM_NEWLINK: add or update a link.  Per-protocol views of a link are
 * ignored: libnl >= 3.6 AF_INET6 stubs and bridge port (AF_BRIDGE)
 * messages; a bridge device itself, which libnl labels AF_BRIDGE from its
 * kind, is a link.  Returns the
 * number of events emitted (0: nothing but counters or nothing at all
 * changed), or -errno (-ENOMEM, or segmap_grow's error). */
int linkdb_link_update(struct linkdb *db, struct rtnl_link *link);

/* RTM_DELLINK: remove the link and its addresses (ADDR_DEL events, then
 * LINK_DEL).  Unknown links are fine (idempotent); a bridge port's
 * AF_BRIDGE RTM_DELLINK (it left the bridge) is ignored.  Returns the number
 * of events emitted. */
int linkdb_link_delete(struct linkdb *db, struct rtnl_link *link);

/* RTM_NEWADDR / RTM_DELADDR.  Addresses of links not in the table are
 * ignored (0).  An update of a known address (flags, lifetimes) changes
 * the record but is not an event.  Returns events emitted or -errno. */
int linkdb_addr_update(struct linkdb *db, struct rtnl_addr *addr);
int linkdb_addr_delete(struct linkdb *db, struct rtnl_addr *addr);

/* Refresh the 64-bit counters of the link from link's statistics and
 * compute rx/tx bytes per second against the previous sample taken at
 * the record's stats_time_usec.  now_usec is CLOCK_MONOTONIC.  Returns 1
 * when the link is known, 0 otherwise. */
int linkdb_link_counters(struct linkdb *db, struct rtnl_link *link,
			 int64_t now_usec);

/* The same from counters the caller read itself (RTM_GETSTATS). */
int linkdb_counters_set(struct linkdb *db, int32_t ifindex,
			const struct seg_counters *rx, const struct seg_counters *tx,
			int64_t now_usec);

/* A full dump: linkdb_sync_begin(), then an update for every link and
 * address the kernel has (links first), then linkdb_sync_end(), which
 * removes what the dump did not show (emitting the deletes).  Returns
 * the number of events linkdb_sync_end emitted. */
void linkdb_sync_begin(struct linkdb *db);
int linkdb_sync_end(struct linkdb *db);

/* Copy the record of ifindex into *ret.  Returns 0 or -ENOENT. */
int linkdb_link_get(const struct linkdb *db, int32_t ifindex, struct seg_link *ret);

uint32_t linkdb_link_count(const struct linkdb *db);
uint32_t linkdb_addr_count(const struct linkdb *db);

/* Check every index against the tables; 0 when consistent, else -EBADMSG
 * (for tests and debug builds). */
int linkdb_verify(const struct linkdb *db);

#endif
