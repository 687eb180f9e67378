/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* check_json.c - the JSON writer, checked against a real parser: every
 * string we write, whatever its bytes, must parse (python3's json) to the
 * string we meant: valid UTF-8 as it is, each stray byte as U+00XX. */
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

static void add_case(FILE *js, FILE *hx, const char *s, size_t len)
{
	json_write_string(js, s, len);
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

	json_write_string(f, "a\"\\\x01\xff\xc3\xa9", 7);
	fclose(f);
	ck_assert_str_eq(buf, "\"a\\\"\\\\\\u0001\\u00ff\xc3\xa9\"");
	free(buf);
}
END_TEST

static Suite *json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_escape_exact);
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
