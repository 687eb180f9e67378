/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* fifolog.h - the human-readable event and log stream on the FIFO.
 *
 * The parent writes one line per event and per log record, each with one
 * non-blocking write of at most PIPE_BUF bytes, so lines never interleave
 * and no reader (or none) can stall the daemon.  Lines that cannot be
 * written are dropped and counted.  What a line says, in text or JSON,
 * is the event model's (common/event.h): this file only keeps the FIFO
 * safe and the writes atomic.
 */
#ifndef IPCMON_FIFOLOG_H
#define IPCMON_FIFOLOG_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "event.h" /* what the lines say; its users need it too */
#include "segment.h"

struct fifolog;

/* Create the FIFO at cfg->fifo_path (mode cfg->fifo_mode) safely: never
 * through a symlink, never into a file we did not create.  Returns 0 or
 * -errno with a message naming the path and what was found in err. */
int fifolog_open(struct fifolog **ret, const struct config *cfg, char *err,
		 size_t errlen);

/* A log record (log.h's sink signature, userdata = the fifolog):
 * event_record_line() in the FIFO's format, written or counted. */
void fifolog_log(int prio, const char *source, const char *msg,
		 void *userdata);

/* One event: event_line() in the FIFO's format, written or counted. */
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

#endif
