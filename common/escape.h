/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* escape.h - make arbitrary bytes safe for one line of text or JSON.
 *
 * Interface names, messages and netlink strings are bytes: they may hold
 * newlines, quotes, control characters or invalid UTF-8.  This is the
 * one UTF-8 validator and the one escaper of ipcmon: the FIFO's lines,
 * stderr, the client's tables and every JSON string go through it, so a
 * name reads the same everywhere (UTF-8 as it is where the bytes are
 * valid UTF-8, escaped where not).  A log line must
 * stay one line, and a JSON line must parse.  Both escapers write into a
 * bounded buffer and stop before an escape that would not fit, never in
 * the middle of one (or of a UTF-8 sequence), so a caller can cut a long
 * message and still produce a valid line.  Pure functions, no allocation.
 */
#ifndef IPCMON_ESCAPE_H
#define IPCMON_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>

/* For people: printable ASCII and valid UTF-8 pass, a backslash doubles,
 * \n \r \t stay readable as such, other control bytes, DEL, C1 controls
 * and invalid UTF-8 bytes become \xNN.  Writes at most cap bytes to dst
 * (no NUL), returns the bytes written; *consumed (may be NULL) gets the
 * bytes of src used: less than srclen when dst was too small. */
size_t escape_text(char *dst, size_t cap, const char *src, size_t srclen,
		   size_t *consumed);

/* For a JSON string body (without the quotes): " and \ escaped, control
 * bytes and DEL as \n, \t, ... or \u00XX, valid UTF-8 as is, each byte
 * that is not part of valid UTF-8 as \u00XX (its value), so that the
 * result is valid UTF-8 JSON whatever src holds.  Same bounds and return
 * as escape_text(). */
size_t escape_json(char *dst, size_t cap, const char *src, size_t srclen,
		   size_t *consumed);

/* escape_text() or escape_json() of all of src when it fits in cap
 * bytes; otherwise as much of it as fits with marker (copied as it is,
 * e.g. "...[truncated]") after it, cut between escapes and UTF-8
 * sequences, never inside one.  cap should be at least strlen(marker)
 * (a smaller cap gets the cut escape without the marker).  Returns the
 * bytes written (no NUL); *ret_cut (may be NULL) says whether src was
 * cut. */
size_t escape_text_cut(char *dst, size_t cap, const char *src, size_t srclen,
		       const char *marker, bool *ret_cut);
size_t escape_json_cut(char *dst, size_t cap, const char *src, size_t srclen,
		       const char *marker, bool *ret_cut);

/* Length (1..4) of the valid UTF-8 sequence at s (n bytes available), or
 * 0 when s does not start one (overlong forms, surrogates and code points
 * above U+10FFFF are invalid). */
size_t escape_utf8_len(const unsigned char *s, size_t n);

#endif
