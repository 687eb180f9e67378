/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* json.h - a small streaming JSON writer, compact like `ip -j`.
 *
 * It writes to a stdio stream (the client's answers) or into a bounded
 * memory buffer (one line of the event model, common/event.h), with the
 * same calls, so every JSON ipcmon prints comes from this one writer.
 *
 * Strings are bytes (interface names may hold anything but '/', NUL and
 * white space) escaped by escape_json() (common/escape.h): valid UTF-8
 * passes through, '"', '\\' and control characters are escaped, and each
 * byte that is not part of valid UTF-8 becomes \u00XX (the byte's value),
 * so the output is always valid JSON (RFC 8259) whatever the input.
 */
#ifndef IPCMON_JSON_H
#define IPCMON_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_DEPTH_MAX 16

struct json {
	FILE *f;       /* the stream, or NULL for the memory buffer: */
	char *buf;     /* buf[0 .. cap), not NUL-terminated */
	size_t cap;
	size_t len;    /* bytes written to buf */
	bool overflow; /* something did not fit: buf holds a cut document,
			* and nothing more was written after the cut */
	int depth;
	bool first[JSON_DEPTH_MAX]; /* no member written yet at this depth */
};

/* Write to the stream f, with unlocked stdio: no other thread may use f
 * while the document is written. */
void json_init(struct json *j, FILE *f);

/* Write into buf (cap bytes, the caller's): j->len tells how much was
 * written, j->overflow whether all of it fitted.  No NUL is written. */
void json_init_buf(struct json *j, char *buf, size_t cap);

/* Members: key is the member name inside an object, NULL inside an
 * array or at the top. */
void json_object_begin(struct json *j, const char *key);
void json_object_end(struct json *j);
void json_array_begin(struct json *j, const char *key);
void json_array_end(struct json *j);
void json_str(struct json *j, const char *key, const char *s);
/* A string of at most max bytes, ended early by a NUL (fixed-size fields). */
void json_strn(struct json *j, const char *key, const char *s, size_t max);
/* A string of exactly len bytes (a NUL among them is escaped). */
void json_bytes(struct json *j, const char *key, const char *s, size_t len);
/* A string of len bytes that, in a memory buffer, is cut (between
 * escapes, never inside one) so that at least reserve bytes stay free
 * after its closing quote, and then ends with marker.  A stream takes it
 * whole.  Returns true when it was cut. */
bool json_bytes_cut(struct json *j, const char *key, const char *s, size_t len,
		    size_t reserve, const char *marker);
void json_uint(struct json *j, const char *key, uint64_t v);
void json_int(struct json *j, const char *key, int64_t v);
void json_double(struct json *j, const char *key, double v, int decimals);
void json_bool(struct json *j, const char *key, bool v);
void json_null(struct json *j, const char *key);

#endif
