/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* check_log.c - stderr for people and for the journal, levels, the sink,
 * and the rate limit for records a peer can provoke. */
#include "log.h"

#include <check.h>
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "event.h"

static char errpath[64];
static int saved_stderr = -1;

/* stderr goes to a temporary file for each test. */
static void setup(void)
{
	int fd;

	snprintf(errpath, sizeof(errpath), "/tmp/check_log.XXXXXX");
	fd = mkstemp(errpath);
	ck_assert_int_ge(fd, 0);
	fflush(stderr);
	saved_stderr = dup(STDERR_FILENO);
	ck_assert_int_eq(dup2(fd, STDERR_FILENO), STDERR_FILENO);
	close(fd);
	unsetenv("JOURNAL_STREAM");
	log_set_sink(NULL, NULL, true);
}

static void teardown(void)
{
	fflush(stderr);
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	unlink(errpath);
}

/* What was written to stderr so far. */
static const char *err_text(void)
{
	static char buf[65536];
	FILE *f;
	size_t n;

	fflush(stderr);
	f = fopen(errpath, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

/* JOURNAL_STREAM as systemd sets it: "DEV:INODE" of stderr (or not). */
static void set_journal_stream(bool matching)
{
	struct stat st;
	char v[64];

	ck_assert_int_eq(fstat(STDERR_FILENO, &st), 0);
	snprintf(v, sizeof(v), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino + (matching ? 0 : 1));
	setenv("JOURNAL_STREAM", v, 1);
}

static void assert_matches(const char *text, const char *re)
{
	regex_t rx;

	ck_assert_int_eq(regcomp(&rx, re, REG_EXTENDED | REG_NOSUB), 0);
	ck_assert_msg(regexec(&rx, text, 0, NULL, 0) == 0, "'%s' does not match /%s/", text, re);
	regfree(&rx);
}

#define TS_RE "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}Z"

START_TEST(test_plain_stderr)
{
	log_init(LOGLEVEL_DEBUG, "main");
	log_warnx("disk %s", "full");
	log_debug("detail");
	assert_matches(err_text(), "^" TS_RE " warning main disk full\n" TS_RE
				   " debug main detail\n$");
}
END_TEST

START_TEST(test_journal_prefixes)
{
	set_journal_stream(true);
	log_init(LOGLEVEL_DEBUG, "main");
	log_err("e");
	log_warnx("w");
	log_notice("n");
	log_info("i");
	log_debug("d");
	ck_assert_str_eq(err_text(), "<3>main: e\n<4>main: w\n<5>main: n\n<6>main: i\n<7>main: d\n");
}
END_TEST

/* JOURNAL_STREAM inherited by a process whose stderr is elsewhere (a
 * shell started from a unit): time stamps, no prefixes. */
START_TEST(test_journal_stream_elsewhere)
{
	set_journal_stream(false);
	log_init(LOGLEVEL_INFO, "main");
	log_info("hello");
	assert_matches(err_text(), "^" TS_RE " info main hello\n$");

	setenv("JOURNAL_STREAM", "garbage", 1);
	log_init(LOGLEVEL_INFO, "main");
	log_info("again");
	assert_matches(err_text(), "\n" TS_RE " info main again\n$");
}
END_TEST

struct seen {
	int n, prio;
	char source[32], msg[128];
};

static void sink(int prio, const char *source, const char *msg, void *userdata)
{
	struct seen *s = userdata;

	s->n++;
	s->prio = prio;
	snprintf(s->source, sizeof(s->source), "%s", source);
	snprintf(s->msg, sizeof(s->msg), "%s", msg);
}

START_TEST(test_levels_filter_both)
{
	struct seen s = { 0 };

	set_journal_stream(true);
	log_init(LOGLEVEL_NOTICE, "main");
	log_set_sink(sink, &s, true);
	log_info("not shown");
	log_debug("not shown");
	ck_assert_int_eq(s.n, 0);
	log_notice("shown");
	ck_assert_int_eq(s.n, 1);
	ck_assert_int_eq(s.prio, LOGLEVEL_NOTICE);
	ck_assert_int_eq(log_getlevel(), LOGLEVEL_NOTICE);
	log_setlevel(LOGLEVEL_INFO); /* SIGHUP */
	log_info("now shown");
	ck_assert_int_eq(s.n, 2);
	ck_assert_str_eq(err_text(), "<5>main: shown\n<6>main: now shown\n");
}
END_TEST

START_TEST(test_sink_and_sources)
{
	struct seen s = { 0 };

	set_journal_stream(true);
	log_init(LOGLEVEL_INFO, "main");
	log_set_sink(sink, &s, true);
	log_record(LOGLEVEL_WARNING, "collector", "netlink: No buffer space available");
	ck_assert_str_eq(s.source, "collector");
	ck_assert_str_eq(s.msg, "netlink: No buffer space available");
	/* the collector: records to its sink (the parent) only */
	log_procinit("collector");
	log_set_sink(sink, &s, false);
	log_info("dump done");
	ck_assert_str_eq(s.source, "collector");
	ck_assert_str_eq(s.msg, "dump done");
	ck_assert_str_eq(err_text(), "<4>collector: netlink: No buffer space available\n");
	log_set_sink(NULL, NULL, false); /* no sink: stderr again */
	log_info("back");
	ck_assert_str_eq(err_text(), "<4>collector: netlink: No buffer space available\n"
				     "<6>collector: back\n");
}
END_TEST

START_TEST(test_warn_errno)
{
	set_journal_stream(true);
	log_init(LOGLEVEL_INFO, "main");
	errno = ENOENT;
	log_warn("open %s", "/x");
	ck_assert_int_eq(errno, ENOENT);
	log_info("x");
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_str_eq(err_text(), "<4>main: open /x: No such file or directory\n<6>main: x\n");
}
END_TEST

/* A record is one line, whatever it holds; the sink gets it raw (the
 * FIFO escapes for itself). */
START_TEST(test_one_line_per_record)
{
	struct seen s = { 0 };

	set_journal_stream(true);
	log_init(LOGLEVEL_INFO, "main");
	log_set_sink(sink, &s, true);
	log_warnx("bad name 'a\nb\x1b[2J'");
	ck_assert_str_eq(err_text(), "<4>main: bad name 'a\\nb\\x1b[2J'\n");
	ck_assert_str_eq(s.msg, "bad name 'a\nb\x1b[2J'");
}
END_TEST

/* Outside the journal a record is the event model's text line, the one
 * the FIFO shows: the same escapes, UTF-8 as it is. */
START_TEST(test_plain_line_is_fifo_line)
{
	const char *got, *sp;
	char want[EVENT_LINE_MIN];

	log_init(LOGLEVEL_INFO, "main");
	log_warnx("bad name 'a\nb\\\xc3\xa9\xff'");
	got = err_text();
	sp = strchr(got, ' '); /* after the time stamp */
	ck_assert_ptr_nonnull(sp);
	event_record_line(want, sizeof(want), FIFO_FORMAT_TEXT, 1, LOGLEVEL_WARNING, "main",
			  "bad name 'a\nb\\\xc3\xa9\xff'");
	ck_assert_str_eq(sp, strchr(want, ' '));
	ck_assert_str_eq(sp, " warning main bad name 'a\\nb\\\\\xc3\xa9\\xff'\n");
}
END_TEST

START_TEST(test_ratelimit)
{
	struct log_ratelimit rl = LOG_RATELIMIT_INIT(1000000, 3);
	struct seen s = { 0 };
	int allowed = 0;

	log_init(LOGLEVEL_INFO, "dispatcher");
	log_set_sink(sink, &s, false);
	for (int i = 0; i < 1000; i++)
		if (log_ratelimit(&rl, "bad requests"))
			allowed++;
	ck_assert_int_eq(allowed, 3);
	ck_assert_int_eq(s.n, 0);
	log_ratelimit_flush(&rl, "bad requests"); /* interval not over */
	ck_assert_int_eq(s.n, 0);

	rl.begin_usec -= 1000000; /* the interval ends */
	log_ratelimit_flush(&rl, "bad requests");
	ck_assert_int_eq(s.n, 1);
	ck_assert_int_eq(s.prio, LOGLEVEL_WARNING);
	ck_assert_str_eq(s.msg, "bad requests: 997 similar messages suppressed");
	log_ratelimit_flush(&rl, "bad requests"); /* once */
	ck_assert_int_eq(s.n, 1);

	/* a new interval allows a new burst; its summary comes with the
	 * first record after it */
	allowed = 0;
	for (int i = 0; i < 10; i++)
		if (log_ratelimit(&rl, "bad requests"))
			allowed++;
	ck_assert_int_eq(allowed, 3);
	rl.begin_usec -= 1000000;
	ck_assert(log_ratelimit(&rl, "bad requests"));
	ck_assert_int_eq(s.n, 2);
	ck_assert_str_eq(s.msg, "bad requests: 7 similar messages suppressed");
}
END_TEST

static Suite *log_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("log");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_plain_stderr);
	tcase_add_test(tc, test_journal_prefixes);
	tcase_add_test(tc, test_journal_stream_elsewhere);
	tcase_add_test(tc, test_levels_filter_both);
	tcase_add_test(tc, test_sink_and_sources);
	tcase_add_test(tc, test_warn_errno);
	tcase_add_test(tc, test_one_line_per_record);
	tcase_add_test(tc, test_plain_line_is_fifo_line);
	tcase_add_test(tc, test_ratelimit);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(log_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
