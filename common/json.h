/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* json.h - a small streaming JSON writer, compact like `ip -j`.
 *
 * Strings are bytes (interface names may hold anything but '/', NUL and
 * white space): valid UTF-8 passes through, '"', '\\' and control
 * characters are escaped, and each byte that is not part of valid UTF-8
 * becomes \u00XX (the byte's value), so the output is always valid JSON
 * (RFC 8259) whatever the input.
 */
#ifndef IPCMON_JSON_H
#define IPCMON_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_DEPTH_MAX 16

struct json {
	FILE *f;
	int depth;
	bool first[JSON_DEPTH_MAX]; /* no member written yet at this depth */
};

void json_init(struct json *j, FILE *f);

/* Write s (len bytes) as a JSON string, quotes included. */
void json_write_string(FILE *f, const char *s, size_t len);

/* Members: key is the member name inside an object, NULL inside an
 * array or at the top. */
void json_object_begin(struct json *j, const char *key);
void json_object_end(struct json *j);
void json_array_begin(struct json *j, const char *key);
void json_array_end(struct json *j);
void json_str(struct json *j, const char *key, const char *s);
/* A string of at most max bytes, ended early by a NUL (fixed-size fields). */
void json_strn(struct json *j, const char *key, const char *s, size_t max);
void json_uint(struct json *j, const char *key, uint64_t v);
void json_int(struct json *j, const char *key, int64_t v);
void json_double(struct json *j, const char *key, double v, int decimals);
void json_bool(struct json *j, const char *key, bool v);
void json_null(struct json *j, const char *key);

#endif
