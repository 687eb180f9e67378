/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* check_json.c - the JSON writer, checked against a real parser: every
 * string we write, whatever its bytes, must parse (python3's json) to the
 * string we meant: valid UTF-8 as it is, each stray byte as U+00XX; and
 * its memory buffer writes what its stream writes, never past its end. */
#include "json.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Each case is written as one JSON string per line, and its bytes as hex
 * on the matching line of a second file; python3 compares. */
static const char *const verify_py =
	"import json, sys, codecs\n"
	"def stray(e):\n"
	"    return (''.join(chr(b) for b in e.object[e.start:e.end]), e.end)\n"
	"codecs.register_error('stray', stray)\n"
	"js = open(sys.argv[1], encoding='utf-8').read().split('\\n')[:-1]\n"
	"hx = open(sys.argv[2]).read().split('\\n')[:-1]\n"
	"assert len(js) == len(hx), (len(js), len(hx))\n"
	"for i, (j, h) in enumerate(zip(js, hx)):\n"
	"    want = bytes.fromhex(h).decode('utf-8', 'stray')\n"
	"    got = json.loads(j)\n"
	"    if got != want:\n"
	"        print('case %d: %r parsed as %r, want %r' % (i, j, got, want))\n"
	"        sys.exit(1)\n"
	"doc = json.loads(open(sys.argv[3], encoding='utf-8').read())\n"
	"assert doc == {'a': [1, -2, True, None, 'x\"y', {'b': 1.50}], 'c': {}}, doc\n";

/* s as a JSON string on a stream, and the same into a memory buffer:
 * both sinks must write the same bytes. */
static void add_case(FILE *js, FILE *hx, const char *s, size_t len)
{
	char *sbuf = NULL, mbuf[6 * 64 + 2];
	size_t slen = 0;
	FILE *sf = open_memstream(&sbuf, &slen);
	struct json j;

	ck_assert_ptr_nonnull(sf);
	json_init(&j, sf);
	json_bytes(&j, NULL, s, len);
	fclose(sf);
	json_init_buf(&j, mbuf, sizeof(mbuf));
	json_bytes(&j, NULL, s, len);
	ck_assert(!j.overflow);
	ck_assert_uint_eq(j.len, slen);
	ck_assert_int_eq(memcmp(mbuf, sbuf, slen), 0);
	fwrite(sbuf, 1, slen, js);
	free(sbuf);
	fputc('\n', js);
	for (size_t i = 0; i < len; i++)
		fprintf(hx, "%02x", (unsigned char)s[i]);
	fputc('\n', hx);
}

START_TEST(test_escape_against_python)
{
	static const char *const cases[] = {
		"", "veth0", "a\"b", "back\\slash", "tab\there", "nl\nx", "\r",
		"\x01\x1f", "del\x7f", "caf\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
		"\xff", "\xfe\xff", "\xc3", "\xc3(", "\xe2\x82", "\xe2\x82\x41",
		"\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
		"\xf8\x88\x80\x80\x80", "\x80", "\xbf\xbf", "a\"\\\xff\x01",
		"\xef\xbb\xbf", "\xf0\x9f\x98", "</script>", "\\u0041",
	};
	char jpath[] = "/tmp/check_json.XXXXXX", hpath[] = "/tmp/check_json.XXXXXX";
	char dpath[] = "/tmp/check_json.XXXXXX", cmd[512];
	char py[] = "/tmp/check_json.XXXXXX";
	FILE *js, *hx, *doc, *pf;
	struct json j;
	int fd, rc;

	if (access("/usr/bin/python3", X_OK) != 0 && system("command -v python3 >/dev/null") != 0)
		ck_abort_msg("python3 is needed to check JSON against a real parser");
	fd = mkstemp(jpath);
	js = fdopen(fd, "w");
	fd = mkstemp(hpath);
	hx = fdopen(fd, "w");
	fd = mkstemp(dpath);
	doc = fdopen(fd, "w");
	fd = mkstemp(py);
	pf = fdopen(fd, "w");
	ck_assert(js && hx && doc && pf);
	fputs(verify_py, pf);
	fclose(pf);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		add_case(js, hx, cases[i], strlen(cases[i]));
	add_case(js, hx, "nul\0inside", 10); /* bytes, not C strings */
	/* Every interface name the kernel could give: random bytes (no NUL,
	 * '/' or white space, as dev_valid_name wants), 1..15 long. */
	srandom(4242);
	for (int n = 0; n < 2000; n++) {
		char name[16];
		size_t len = 1 + (size_t)random() % 15;

		for (size_t i = 0; i < len; i++) {
			do
				name[i] = (char)(random() % 256);
			while (name[i] == 0 || name[i] == '/' || name[i] == ' ');
		}
		add_case(js, hx, name, len);
	}
	fclose(js);
	fclose(hx);

	json_init(&j, doc);
	json_object_begin(&j, NULL);
	json_array_begin(&j, "a");
	json_int(&j, NULL, 1);
	json_int(&j, NULL, -2);
	json_bool(&j, NULL, true);
	json_null(&j, NULL);
	json_str(&j, NULL, "x\"y");
	json_object_begin(&j, NULL);
	json_double(&j, "b", 1.5, 2);
	json_object_end(&j);
	json_array_end(&j);
	json_object_begin(&j, "c");
	json_object_end(&j);
	json_object_end(&j);
	fclose(doc);

	snprintf(cmd, sizeof(cmd), "python3 %s %s %s %s", py, jpath, hpath, dpath);
	rc = system(cmd);
	unlink(jpath);
	unlink(hpath);
	unlink(dpath);
	unlink(py);
	ck_assert_msg(rc == 0, "python3's json disagrees with our writer (status %d)", rc);
}
END_TEST

START_TEST(test_escape_exact)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json j;

	json_init(&j, f);
	json_bytes(&j, NULL, "a\"\\\x01\xff\xc3\xa9", 7);
	fclose(f);
	ck_assert_str_eq(buf, "\"a\\\"\\\\\\u0001\\u00ff\xc3\xa9\"");
	free(buf);
}
END_TEST

static void write_doc(struct json *j)
{
	json_object_begin(j, NULL);
	json_uint(j, "seq", 18446744073709551615ULL);
	json_int(j, "i", -5);
	json_array_begin(j, "l");
	json_str(j, NULL, "x");
	json_bool(j, NULL, false);
	json_null(j, NULL);
	json_array_end(j);
	json_double(j, "d", 0.25, 2);
	json_strn(j, "n", "veth0\0junk", 16);
	json_object_end(j);
}

/* A document into a buffer: the same bytes as on a stream when it fits;
 * when it does not, overflow is set and no byte lands past cap. */
START_TEST(test_buffer_sink)
{
	char *sbuf = NULL, mbuf[128];
	size_t slen = 0;
	FILE *sf = open_memstream(&sbuf, &slen);
	struct json j;

	ck_assert_ptr_nonnull(sf);
	for (int sink = 0; sink < 2; sink++) {
		if (sink == 0)
			json_init(&j, sf);
		else
			json_init_buf(&j, mbuf, sizeof(mbuf));
		write_doc(&j);
	}
	fclose(sf);
	ck_assert(!j.overflow);
	ck_assert_uint_eq(j.len, slen);
	ck_assert_int_eq(memcmp(mbuf, sbuf, slen), 0);
	ck_assert_str_eq(sbuf, "{\"seq\":18446744073709551615,\"i\":-5,"
			       "\"l\":[\"x\",false,null],\"d\":0.25,\"n\":\"veth0\"}");

	/* every cap short of the whole: overflow, nothing written past it */
	for (size_t cap = 0; cap < slen; cap++) {
		memset(mbuf, '#', sizeof(mbuf));
		json_init_buf(&j, mbuf, cap);
		write_doc(&j);
		ck_assert_msg(j.overflow, "cap %zu", cap);
		ck_assert_uint_le(j.len, cap);
		ck_assert_int_eq(memcmp(mbuf, sbuf, j.len), 0); /* a prefix */
		for (size_t i = cap; i < sizeof(mbuf); i++)
			ck_assert_int_eq(mbuf[i], '#');
	}
	free(sbuf);
}
END_TEST

/* json_bytes_cut: whole when it fits, else cut between escapes with the
 * marker, leaving reserve bytes free; a stream takes it whole. */
START_TEST(test_bytes_cut)
{
	char buf[64];
	struct json j;
	bool cut;

	json_init_buf(&j, buf, sizeof(buf));
	cut = json_bytes_cut(&j, "m", "short", 5, 1, "~");
	ck_assert(!cut);
	ck_assert_uint_eq(j.len, strlen("\"m\":\"short\""));
	ck_assert_int_eq(memcmp(buf, "\"m\":\"short\"", j.len), 0);

	/* "m":" is 5 bytes; 64 - 5 - 1 (quote) - 1 (reserve) = 57 for the
	 * body and the marker: 49 a's and one \u0001 (55 bytes), the next
	 * \u0001 (6) is not split, then the marker */
	json_init_buf(&j, buf, sizeof(buf));
	cut = json_bytes_cut(&j, "m", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\x01\x01\x01", 52,
			     1, "~");
	ck_assert(cut);
	ck_assert(!j.overflow);
	ck_assert_uint_eq(j.len, 5 + 55 + 1 + 1);
	ck_assert_int_eq(memcmp(buf + 5, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\\u0001~\"", 57), 0);

	/* no room even for the marker: overflow */
	json_init_buf(&j, buf, 8);
	ck_assert(json_bytes_cut(&j, "m", "abc", 3, 1, "~~~"));
	ck_assert(j.overflow);
}
END_TEST

static Suite *json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_escape_exact);
	tcase_add_test(tc, test_buffer_sink);
	tcase_add_test(tc, test_bytes_cut);
	tcase_add_test(tc, test_escape_against_python);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(json_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
