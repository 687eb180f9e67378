/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* json.c - see json.h. */
#include "json.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "escape.h"

void json_init(struct json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
	j->first[0] = true;
}

void json_init_buf(struct json *j, char *buf, size_t cap)
{
	memset(j, 0, sizeof(*j));
	j->buf = buf;
	j->cap = cap;
	j->first[0] = true;
}

/* Raw bytes; in a buffer, all of them or (from then on) nothing.  A
 * document is many small writes: unlocked stdio (json.h) makes them cost
 * a copy each instead of a lock and a copy (8000 links, as ipcmonctl
 * --json links writes them: 21 ms instead of 46 with fwrite, 54-80 ms
 * with the putc of before). */
static void put(struct json *j, const char *s, size_t n)
{
	if (j->f) {
		fwrite_unlocked(s, 1, n, j->f);
		return;
	}
	if (j->overflow || n > j->cap - j->len) {
		j->overflow = true;
		return;
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
}

/* s (len bytes) as a JSON string, quotes included. */
static void put_string(struct json *j, const char *s, size_t len)
{
	size_t used = 0;

	put(j, "\"", 1);
	if (j->f) {
		char chunk[512];

		while (used < len) {
			size_t u, n = escape_json(chunk, sizeof(chunk), s + used,
						  len - used, &u);

			fwrite_unlocked(chunk, 1, n, j->f);
			used += u;
		}
	} else if (!j->overflow) {
		j->len += escape_json(j->buf + j->len, j->cap - j->len, s, len, &used);
		if (used < len)
			j->overflow = true;
	}
	put(j, "\"", 1);
}

static void member(struct json *j, const char *key)
{
	if (!j->first[j->depth])
		put(j, ",", 1);
	j->first[j->depth] = false;
	if (key) {
		put_string(j, key, strlen(key));
		put(j, ":", 1);
	}
}

static void open_(struct json *j, const char *key, char c)
{
	member(j, key);
	put(j, &c, 1);
	if (j->depth < JSON_DEPTH_MAX - 1)
		j->depth++;
	j->first[j->depth] = true;
}

static void close_(struct json *j, char c)
{
	put(j, &c, 1);
	if (j->depth > 0)
		j->depth--;
	if (j->depth == 0)
		j->first[0] = true; /* top-level values stand alone (JSON Lines) */
}

void json_object_begin(struct json *j, const char *key) { open_(j, key, '{'); }
void json_object_end(struct json *j) { close_(j, '}'); }
void json_array_begin(struct json *j, const char *key) { open_(j, key, '['); }
void json_array_end(struct json *j) { close_(j, ']'); }

void json_str(struct json *j, const char *key, const char *s)
{
	member(j, key);
	put_string(j, s, strlen(s));
}

void json_strn(struct json *j, const char *key, const char *s, size_t max)
{
	member(j, key);
	put_string(j, s, strnlen(s, max));
}

void json_bytes(struct json *j, const char *key, const char *s, size_t len)
{
	member(j, key);
	put_string(j, s, len);
}

bool json_bytes_cut(struct json *j, const char *key, const char *s, size_t len,
		    size_t reserve, const char *marker)
{
	size_t need = 2 + reserve + strlen(marker); /* quotes, reserve, marker */
	bool cut = false;

	member(j, key);
	if (j->f) {
		put_string(j, s, len);
		return false;
	}
	if (j->overflow || j->cap - j->len < need) {
		j->overflow = true;
		return true;
	}
	j->buf[j->len++] = '"';
	j->len += escape_json_cut(j->buf + j->len, j->cap - j->len - 1 - reserve,
				  s, len, marker, &cut);
	j->buf[j->len++] = '"';
	return cut;
}

/* A number (or literal) printed with fmt. */
static void put_fmt(struct json *j, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void put_fmt(struct json *j, const char *key, const char *fmt, ...)
{
	char num[64];
	va_list ap;
	int n;

	member(j, key);
	va_start(ap, fmt);
	n = vsnprintf(num, sizeof(num), fmt, ap);
	va_end(ap);
	put(j, num, n < 0 ? 0 : (size_t)n < sizeof(num) ? (size_t)n : sizeof(num) - 1);
}

void json_uint(struct json *j, const char *key, uint64_t v)
{
	put_fmt(j, key, "%" PRIu64, v);
}

void json_int(struct json *j, const char *key, int64_t v)
{
	put_fmt(j, key, "%" PRId64, v);
}

void json_double(struct json *j, const char *key, double v, int decimals)
{
	put_fmt(j, key, "%.*f", decimals, v);
}

void json_bool(struct json *j, const char *key, bool v)
{
	member(j, key);
	put(j, v ? "true" : "false", v ? 4 : 5);
}

void json_null(struct json *j, const char *key)
{
	member(j, key);
	put(j, "null", 4);
}
