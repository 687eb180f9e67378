/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* escape.h - make arbitrary bytes safe for one line of text or JSON.
 *
 * Interface names, messages and netlink strings are bytes: they may hold
 * newlines, quotes, control characters or invalid UTF-8.  A log line must
 * stay one line, and a JSON line must parse.  Both escapers write into a
 * bounded buffer and stop before an escape that would not fit, never in
 * the middle of one (or of a UTF-8 sequence), so a caller can cut a long
 * message and still produce a valid line.  Pure functions, no allocation.
 */
#ifndef IPCMON_ESCAPE_H
#define IPCMON_ESCAPE_H

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
 * that is not part of valid UTF-8 as \u00XX (its value, as common/json.c
 * does for the client), so that the result is valid UTF-8 JSON whatever
 * src holds.  Same bounds and return as escape_text(). */
size_t escape_json(char *dst, size_t cap, const char *src, size_t srclen,
		   size_t *consumed);

/* Length (1..4) of the valid UTF-8 sequence at s (n bytes available), or
 * 0 when s does not start one (overlong forms, surrogates and code points
 * above U+10FFFF are invalid). */
size_t escape_utf8_len(const unsigned char *s, size_t n);

#endif
