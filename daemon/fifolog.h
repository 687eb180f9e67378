/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* fifolog.h - the human-readable event and log stream on the FIFO.
 *
 * The parent writes one line per event and per log record, each with one
 * non-blocking write of at most PIPE_BUF bytes, so lines never interleave
 * and no reader (or none) can stall the daemon.  Lines that cannot be
 * written are dropped and counted.
 */
#ifndef IPCMON_FIFOLOG_H
#define IPCMON_FIFOLOG_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "segment.h"

struct fifolog;

/* Create the FIFO at cfg->fifo_path (mode cfg->fifo_mode) safely: never
 * through a symlink, never into a file we did not create.  Returns 0 or
 * -errno with a message naming the path and what was found in err. */
int fifolog_open(struct fifolog **ret, const struct config *cfg, char *err,
		 size_t errlen);

/* A log record (log.h's sink signature, userdata = the fifolog). */
void fifolog_log(int prio, const char *source, const char *msg,
		 void *userdata);

/* One event from the collector. */
void fifolog_event(struct fifolog *f, const struct seg_event *ev);

/* Lines dropped so far. */
uint64_t fifolog_dropped(const struct fifolog *f);

/* Switch text/json at reload. */
void fifolog_set_format(struct fifolog *f, enum fifo_format fmt);

/* Close and remove the FIFO (only if it is still the one we made).
 * Readers get end of file, also one still blocked in open().  Accepts
 * NULL. */
void fifolog_close(struct fifolog *f);

/* Optional, for the event loop: an fd that becomes readable (EPOLLIN)
 * when the last reader has gone; then call fifolog_dispatch(), which lets
 * go of the pipe so that lines nobody read are not handed to the next
 * reader.  Without it the same happens at the next line written. */
int fifolog_fd(const struct fifolog *f);
void fifolog_dispatch(struct fifolog *f);

/* The formatting, for tests and tools.  A line is at most
 * FIFOLOG_LINE_MAX bytes, newline included (a longer message is cut and
 * ends with FIFOLOG_TRUNCATED); buf must hold FIFOLOG_LINE_MAX bytes.
 * Returns the line's length.  time_usec 0 means now. */
#define FIFOLOG_LINE_MAX PIPE_BUF
#define FIFOLOG_TRUNCATED "...[truncated]"
size_t fifolog_format_record(char *buf, enum fifo_format fmt,
			     int64_t time_usec, int prio, const char *source,
			     const char *msg);
size_t fifolog_format_event(char *buf, enum fifo_format fmt,
			    const struct seg_event *ev);

/* An event as people read it, the same words on the FIFO and stderr:
 * "NAME (IFINDEX): TEXT" into msg (FIFOLOG_EVENT_MSG_MAX bytes suffice),
 * the source ("link", "addr", "netlink") in *ret_source.  Returns the
 * level (info; warning for a resync). */
#define FIFOLOG_EVENT_MSG_MAX (SEG_IFNAMSIZ + SEG_EVENT_TEXT + 64)
int fifolog_event_describe(const struct seg_event *ev, char *msg, size_t size,
			   const char **ret_source);

#endif
