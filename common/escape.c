/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* escape.c - see escape.h. */
#include "escape.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

size_t escape_utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len;
	unsigned char lo = 0x80, hi = 0xbf; /* bounds for the second byte */

	if (c < 0x80)
		return 1;
	if (c < 0xc2) /* continuation byte, or overlong 2-byte lead */
		return 0;
	if (c < 0xe0) {
		len = 2;
	} else if (c < 0xf0) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0; /* overlong */
		else if (c == 0xed)
			hi = 0x9f; /* UTF-16 surrogates */
	} else if (c < 0xf5) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90; /* overlong */
		else if (c == 0xf4)
			hi = 0x8f; /* above U+10FFFF */
	} else {
		return 0;
	}
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

/* The escape for one unit of src at s, into unit (at least 8 bytes);
 * returns its length and sets *used to the source bytes it stands for. */
typedef size_t escape_unit_fn(const unsigned char *s, size_t n, char *unit,
			      size_t *used);

static size_t text_unit(const unsigned char *s, size_t n, char *unit,
			size_t *used)
{
	unsigned char c = s[0];
	size_t len;

	*used = 1;
	switch (c) {
	case '\\': memcpy(unit, "\\\\", 2); return 2;
	case '\n': memcpy(unit, "\\n", 2); return 2;
	case '\r': memcpy(unit, "\\r", 2); return 2;
	case '\t': memcpy(unit, "\\t", 2); return 2;
	}
	if (c >= 0x20 && c < 0x7f) {
		unit[0] = (char)c;
		return 1;
	}
	len = c < 0x80 ? 0 : escape_utf8_len(s, n);
	/* C1 controls (U+0080..U+009F, 0xc2 0x80..0x9f) move a terminal as
	 * much as C0 ones: escape their bytes too. */
	if (len > 1 && !(c == 0xc2 && s[1] < 0xa0)) {
		memcpy(unit, s, len);
		*used = len;
		return len;
	}
	snprintf(unit, 8, "\\x%02x", c);
	return 4;
}

static size_t json_unit(const unsigned char *s, size_t n, char *unit,
			size_t *used)
{
	unsigned char c = s[0];
	size_t len;

	*used = 1;
	switch (c) {
	case '"': memcpy(unit, "\\\"", 2); return 2;
	case '\\': memcpy(unit, "\\\\", 2); return 2;
	case '\b': memcpy(unit, "\\b", 2); return 2;
	case '\f': memcpy(unit, "\\f", 2); return 2;
	case '\n': memcpy(unit, "\\n", 2); return 2;
	case '\r': memcpy(unit, "\\r", 2); return 2;
	case '\t': memcpy(unit, "\\t", 2); return 2;
	}
	if (c < 0x20 || c == 0x7f) {
		snprintf(unit, 8, "\\u%04x", c);
		return 6;
	}
	if (c < 0x80) {
		unit[0] = (char)c;
		return 1;
	}
	len = escape_utf8_len(s, n);
	if (len == 0) {
		snprintf(unit, 8, "\\u%04x", c);
		return 6;
	}
	memcpy(unit, s, len);
	*used = len;
	return len;
}

/* Inlined into each caller, so that fn is a known function there and the
 * common bytes (printable ASCII that needs no escape) cost a store. */
static inline __attribute__((always_inline)) size_t
escape_with(escape_unit_fn *fn, char *dst, size_t cap, const char *src,
	    size_t srclen, size_t *consumed)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t in = 0, out = 0;

	while (in < srclen) {
		unsigned char c = s[in];
		char unit[8];
		size_t used, len;

		if (c >= 0x20 && c < 0x7f && c != '\\' &&
		    (c != '"' || fn == text_unit)) {
			if (out == cap)
				break;
			dst[out++] = (char)c;
			in++;
			continue;
		}
		len = fn(s + in, srclen - in, unit, &used);
		if (out + len > cap)
			break;
		memcpy(dst + out, unit, len);
		out += len;
		in += used;
	}
	if (consumed)
		*consumed = in;
	return out;
}

size_t escape_text(char *dst, size_t cap, const char *src, size_t srclen,
		   size_t *consumed)
{
	return escape_with(text_unit, dst, cap, src, srclen, consumed);
}

size_t escape_json(char *dst, size_t cap, const char *src, size_t srclen,
		   size_t *consumed)
{
	return escape_with(json_unit, dst, cap, src, srclen, consumed);
}

static size_t escape_cut_with(escape_unit_fn *fn, char *dst, size_t cap,
			      const char *src, size_t srclen,
			      const char *marker, bool *ret_cut)
{
	size_t used, mlen = strlen(marker);
	size_t n = escape_with(fn, dst, cap, src, srclen, &used);

	if (ret_cut)
		*ret_cut = used < srclen;
	if (used == srclen || cap < mlen)
		return n;
	/* Again, with room for the marker: the cut falls between units. */
	n = escape_with(fn, dst, cap - mlen, src, srclen, NULL);
	memcpy(dst + n, marker, mlen);
	return n + mlen;
}

size_t escape_text_cut(char *dst, size_t cap, const char *src, size_t srclen,
		       const char *marker, bool *ret_cut)
{
	return escape_cut_with(text_unit, dst, cap, src, srclen, marker, ret_cut);
}

size_t escape_json_cut(char *dst, size_t cap, const char *src, size_t srclen,
		       const char *marker, bool *ret_cut)
{
	return escape_cut_with(json_unit, dst, cap, src, srclen, marker, ret_cut);
}
