/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* event.h - the one event model: how an event (struct seg_event, of a
 * link, an address or the daemon itself) and a log record read, for
 * people and for programs.
 *
 * Every place that shows an event uses these functions: the FIFO, the
 * journal (stderr), `ipcmonctl events` (text and --json) and anything
 * later, so the same event gives the same line and the same JSON object
 * everywhere.  A line is
 *
 *   text:  "TIME LEVEL SOURCE MESSAGE\n"
 *          2026-11-21T10:00:00.123456Z info link veth0 (5): operstate DOWN -> UP
 *   JSON:  one object and "\n" (JSON Lines), the schema in ipcmond(8):
 *          {"time":"2026-11-21T10:00:00.123456Z","level":"info",
 *           "source":"link","seq":42,"type":"link-change","ifindex":5,
 *           "ifname":"veth0","changed":["operstate"],
 *           "message":"veth0 (5): operstate DOWN -> UP"}
 *
 * TIME is ISO 8601 UTC with microseconds (usec_format_iso), LEVEL a
 * log_level name ("info"), and names and messages are escaped by
 * common/escape.h (UTF-8 as it is where the bytes are valid UTF-8).  Only
 * the message is ever cut, cleanly and marked with EVENT_TRUNCATED, so
 * that a line fits the caller's buffer (the FIFO's: EVENT_LINE_MAX).
 * Pure functions, no allocation, no logging.
 */
#ifndef IPCMON_EVENT_H
#define IPCMON_EVENT_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "segment.h"

/* The longest FIFO line, newline included: written with one write(), so
 * that lines never interleave.  A buffer for it is EVENT_LINE_MAX + 1. */
#define EVENT_LINE_MAX PIPE_BUF
/* The smallest buffer the line functions take: every part of a line but
 * the message fits in it, so only the message is ever cut. */
#define EVENT_LINE_MIN 1024
/* What ends a message that was cut. */
#define EVENT_TRUNCATED "...[truncated]"
/* A buffer of this size holds any event_message(). */
#define EVENT_MSG_MAX (SEG_IFNAMSIZ + SEG_EVENT_TEXT + 64)
/* Bytes of a source that are shown ("main", "collector", "link"). */
#define EVENT_SOURCE_MAX 32

/* The type's name: "link-new", "link-del", "link-change", "addr-new",
 * "addr-del", "resync", "daemon-start", "collector-restart",
 * "daemon-stop"; NULL for other values. */
const char *event_type_name(uint16_t type);

/* The level of an event: LOGLEVEL_WARNING for a resync and a collector
 * restart, LOGLEVEL_INFO for the others. */
enum log_level event_level(const struct seg_event *ev);

/* What an event is about: "link", "addr", "netlink" (a resync), "daemon"
 * (start, collector restart, stop), "event" (a type we do not know). */
const char *event_source(const struct seg_event *ev);

/* The event for people, unescaped, into buf (size bytes, NUL-terminated
 * when size > 0; EVENT_MSG_MAX bytes always suffice): for link and
 * address events "IFNAME (IFINDEX): TEXT" ("veth0 (5): operstate DOWN ->
 * UP", "veth0 (5): added 10.0.0.1 peer 10.0.0.2/32 scope global"), for
 * the others TEXT ("overflow: resynced, 3 changes").  An event without
 * text gets words from its fields ("veth0 (5): deleted", "added
 * 192.0.2.1/24").  Returns the message's length, like snprintf. */
size_t event_message(const struct seg_event *ev, char *buf, size_t size);

/* The line of an event in format fmt, into buf (size bytes, at least
 * EVENT_LINE_MIN): the line, newline included, then a NUL.  Returns the
 * line's length (at most size - 1).  An event's line never needs more
 * than EVENT_LINE_MAX bytes. */
size_t event_line(char *buf, size_t size, enum fifo_format fmt,
		  const struct seg_event *ev);

/* The line of a log record that is not an event (time_usec 0: now;
 * level an enum log_level; source the process, "main", "collector"; msg
 * NUL-terminated).  Same buffer and return as event_line(); a message
 * too long for size is cut and ends with EVENT_TRUNCATED. */
size_t event_record_line(char *buf, size_t size, enum fifo_format fmt,
			 int64_t time_usec, int level, const char *source,
			 const char *msg);

/* The line a reader of the ring prints when events from..to (seqs) were
 * overwritten before it read them: level warning, source "ipcmonctl",
 * type "lost" with from_seq and to_seq in JSON, "N events lost ..." in
 * text (time_usec 0: now).  Same buffer and return as event_line(). */
size_t event_lost_line(char *buf, size_t size, enum fifo_format fmt,
		       int64_t time_usec, uint64_t from, uint64_t to);

#endif
