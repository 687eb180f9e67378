/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* check_fifolog.c - the FIFO log stream: FIFO safety against planted
 * files, and readers that come, go, stall or crowd in.  What the lines
 * say is the event model's, tested in check_event.c. */
#include "fifolog.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* 2026-11-21T10:00:00.123456Z (date -u -d @1795255200) */
#define T0 INT64_C(1795255200123456)
#define TS0 "2026-11-21T10:00:00.123456Z"

static char base[64];  /* per test case, made and removed by the runner */
static char dir[128];  /* per test, inside base */
static char path[160];
static char err[1024];
static struct config cfg;

/* Unchecked fixture: runs in the runner process, so the teardown runs
 * also when a test fails (a failed test's own process just exits). */
static void base_setup(void)
{
	snprintf(base, sizeof(base), "/tmp/check_fifolog.XXXXXX");
	if (!mkdtemp(base))
		abort();
}

static void base_teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", base);
}

static void fifo_setup(void)
{
	snprintf(dir, sizeof(dir), "%s/t.XXXXXX", base);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/fifo", dir);
	config_defaults(&cfg);
	snprintf(cfg.fifo_path, sizeof(cfg.fifo_path), "%s", path);
	err[0] = '\0';
}

static size_t count_nl(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += s[i] == '\n';
	return n;
}

/* ---- the FIFO: creation and planted files ---- */

static void make_file(const char *p, const char *content)
{
	FILE *f = fopen(p, "w");
	struct timespec old[2] = { { 1000000000, 0 }, { 1000000000, 0 } };

	ck_assert_ptr_nonnull(f);
	fputs(content, f);
	fclose(f);
	/* an old mtime, so that any write would show */
	ck_assert_int_eq(utimensat(AT_FDCWD, p, old, 0), 0);
}

static void assert_untouched(const char *p, const char *content)
{
	char buf[256] = "";
	struct stat st;
	FILE *f;
	size_t n;

	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_int_eq(st.st_mtim.tv_sec, 1000000000);
	ck_assert_int_eq(st.st_size, (off_t)strlen(content));
	f = fopen(p, "r");
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	ck_assert_str_eq(buf, content);
}

START_TEST(test_create_mode)
{
	struct fifolog *f = NULL;
	struct stat st;

	umask(077); /* the mode must not depend on it */
	cfg.fifo_mode = 0644;
	ck_assert_int_eq(fifolog_open(&f, &cfg, err, sizeof(err)), 0);
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	ck_assert_int_eq(st.st_mode & 07777, 0644);
	ck_assert_int_eq(st.st_uid, geteuid());
	fifolog_close(f);
	ck_assert_int_eq(lstat(path, &st), -1);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(test_symlink_refused)
{
	char target[160], want[512];
	struct fifolog *f = NULL;
	struct stat st;

	snprintf(target, sizeof(target), "%s/passwd", dir);
	make_file(target, "root:x:0:0\n");
	ck_assert_int_eq(symlink(target, path), 0);
	ck_assert_int_eq(fifolog_open(&f, &cfg, err, sizeof(err)), -ELOOP);
	ck_assert_ptr_null(f);
	snprintf(want, sizeof(want),
		 "%s: is a symbolic link (to %s); refusing to use it; remove it or set fifo_path",
		 path, target);
	ck_assert_str_eq(err, want);
	assert_untouched(target, "root:x:0:0\n");
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISLNK(st.st_mode)); /* left as found */
}
END_TEST

START_TEST(test_dangling_symlink_refused)
{
	char target[160];
	struct fifolog *f = NULL;
	struct stat st;

	snprintf(target, sizeof(target), "%s/nonexistent", dir);
	ck_assert_int_eq(symlink(target, path), 0);
	ck_assert_int_eq(fifolog_open(&f, &cfg, err, sizeof(err)), -ELOOP);
	ck_assert_ptr_nonnull(strstr(err, "is a symbolic link"));
	ck_assert_int_eq(lstat(target, &st), -1); /* nothing made through it */
}
END_TEST

START_TEST(test_regular_file_refused)
{
	struct fifolog *f = NULL;
	char want[512];

	make_file(path, "someone's data\n");
	ck_assert_int_eq(fifolog_open(&f, &cfg, err, sizeof(err)), -EEXIST);
	snprintf(want, sizeof(want),
		 "%s: is a regular file; refusing to use it; remove it or set fifo_path", path);
	ck_assert_str_eq(err, want);
	assert_untouched(path, "someone's data\n");
}
END_TEST

START_TEST(test_directory_refused)
{
	struct fifolog *f = NULL;
	struct stat st;

	ck_assert_int_eq(mkdir(path, 0700), 0);
	ck_assert_int_eq(fifolog_open(&f, &cfg, err, sizeof(err)), -EEXIST);
	ck_assert_ptr_nonnull(strstr(err, ": is a directory; refusing"));
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
}
END_TEST

START_TEST(test_foreign_fifo_refused)
{
	struct fifolog *f = NULL;
	char want[512];
	struct stat st;

	if (geteuid() != 0) {
		fprintf(stderr, "test_foreign_fifo_refused: needs root (chown), not run\n");
		return;
	}
	ck_assert_int_eq(mkfifo(path, 0666), 0);
	ck_assert_int_eq(chown(path, 65534, 65534), 0);
	ck_assert_int_eq(fifolog_open(&f, &cfg, err, sizeof(err)), -EPERM);
	snprintf(want, sizeof(want), "%s: is a FIFO owned by uid 65534", path);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "message: %s", err);
	ck_assert_ptr_nonnull(strstr(err, "not by us (uid 0); refusing to use it"));
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert_int_eq(st.st_uid, 65534); /* still there, still theirs */
}
END_TEST

/* A FIFO of ours left by a crashed instance is taken over (the lock file
 * says no instance runs), with the configured mode. */
START_TEST(test_stale_own_fifo_reused)
{
	struct fifolog *f = NULL;
	struct stat before, after;

	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_int_eq(lstat(path, &before), 0);
	cfg.fifo_mode = 0640;
	ck_assert_int_eq(fifolog_open(&f, &cfg, err, sizeof(err)), 0);
	ck_assert_int_eq(lstat(path, &after), 0);
	ck_assert_int_eq(after.st_ino, before.st_ino);
	ck_assert_int_eq(after.st_mode & 07777, 0640);
	fifolog_close(f);
}
END_TEST

/* At close, a path that is no longer our FIFO is left alone. */
START_TEST(test_close_leaves_replacement)
{
	struct fifolog *f = NULL;

	ck_assert_int_eq(fifolog_open(&f, &cfg, err, sizeof(err)), 0);
	ck_assert_int_eq(unlink(path), 0);
	make_file(path, "new\n");
	fifolog_log(LOGLEVEL_INFO, "main", "not for this file", f);
	ck_assert_uint_eq(fifolog_dropped(f), 1);
	fifolog_close(f);
	assert_untouched(path, "new\n");
}
END_TEST

/* ---- readers ---- */

static int reader_open(void)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	return fd;
}

/* Read what is there now (the FIFO is non-blocking); "" when nothing. */
static const char *read_now(int fd)
{
	static char buf[70000];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static struct fifolog *open_ok(void)
{
	struct fifolog *f = NULL;

	ck_assert_msg(fifolog_open(&f, &cfg, err, sizeof(err)) == 0, "%s", err);
	return f;
}

START_TEST(test_no_reader_drops)
{
	struct fifolog *f = open_ok();

	for (int i = 0; i < 1000; i++)
		fifolog_log(LOGLEVEL_INFO, "main", "nobody listens", f);
	ck_assert_uint_eq(fifolog_dropped(f), 1000);
	fifolog_close(f);
}
END_TEST

START_TEST(test_reader_gets_new_lines_only)
{
	struct fifolog *f = open_ok();
	struct seg_event ev = { .seq = 42, .time_usec = T0, .type = SEG_EV_LINK_NEW,
				.ifindex = 4, .ifname = "veth9", .text = "added" };
	const char *got;
	int r;

	fifolog_log(LOGLEVEL_INFO, "main", "before anyone came", f);
	r = reader_open();
	fifolog_event(f, &ev);
	got = read_now(r);
	ck_assert_str_eq(got, TS0 " info link veth9 (4): added\n");
	ck_assert_uint_eq(fifolog_dropped(f), 1);
	close(r);
	fifolog_close(f);
}
END_TEST

/* A reader that goes away: no SIGPIPE (even with its default action),
 * the line is counted, and the next reader gets the lines after it. */
START_TEST(test_reader_leaves_no_sigpipe)
{
	struct fifolog *f = open_ok();
	int r;

	signal(SIGPIPE, SIG_DFL);
	r = reader_open();
	fifolog_log(LOGLEVEL_INFO, "main", "one", f);
	close(r);
	fifolog_log(LOGLEVEL_INFO, "main", "into the void", f);
	ck_assert_uint_eq(fifolog_dropped(f), 1);
	r = reader_open();
	fifolog_log(LOGLEVEL_INFO, "main", "two", f);
	ck_assert_ptr_nonnull(strstr(read_now(r), " info main two\n"));
	ck_assert_uint_eq(fifolog_dropped(f), 1);
	close(r);
	fifolog_close(f);
}
END_TEST

/* Lines a reader left unread are not handed to the next one: the event
 * fd says the reader went, and fifolog_dispatch lets the pipe go. */
START_TEST(test_no_stale_backlog)
{
	struct fifolog *f = open_ok();
	struct pollfd p = { .fd = fifolog_fd(f), .events = POLLIN };
	const char *got;
	int r;

	ck_assert_int_eq(poll(&p, 1, 0), 0);
	r = reader_open();
	for (int i = 0; i < 3; i++)
		fifolog_log(LOGLEVEL_INFO, "main", "stale", f);
	ck_assert_int_eq(poll(&p, 1, 0), 0); /* a reader is there */
	close(r);
	ck_assert_int_eq(poll(&p, 1, 5000), 1);
	fifolog_dispatch(f);
	ck_assert_int_eq(poll(&p, 1, 0), 0);

	r = reader_open();
	ck_assert_str_eq(read_now(r), "");
	fifolog_log(LOGLEVEL_INFO, "main", "fresh", f);
	got = read_now(r);
	ck_assert_ptr_null(strstr(got, "stale"));
	ck_assert_ptr_nonnull(strstr(got, " info main fresh\n"));
	ck_assert_uint_eq(count_nl(got, strlen(got)), 1);
	ck_assert_uint_eq(fifolog_dropped(f), 0);
	close(r);
	fifolog_close(f);
}
END_TEST

/* A reader that stops reading: the pipe fills, lines are dropped, no
 * call blocks, and what is in the pipe is whole lines. */
START_TEST(test_slow_reader)
{
	struct fifolog *f = open_ok();
	char msg[3001];
	const char *got;
	size_t len, lines;
	int r;

	memset(msg, 'z', sizeof(msg) - 1);
	msg[sizeof(msg) - 1] = '\0';
	r = reader_open();
	for (int i = 0; i < 100; i++)
		fifolog_log(LOGLEVEL_INFO, "main", msg, f);
	ck_assert_uint_gt(fifolog_dropped(f), 0);
	got = read_now(r);
	len = strlen(got);
	lines = count_nl(got, len);
	ck_assert_uint_eq(lines + fifolog_dropped(f), 100);
	ck_assert_int_eq(got[len - 1], '\n');
	ck_assert_uint_eq(len % (strlen(TS0 " info main \n") + 3000), 0);
	/* and it reads again once there is room */
	fifolog_log(LOGLEVEL_INFO, "main", "after", f);
	ck_assert_ptr_nonnull(strstr(read_now(r), " info main after\n"));
	close(r);
	fifolog_close(f);
}
END_TEST

/* A reader blocked in open() (cat started before any line) gets end of
 * file when the daemon stops, instead of waiting forever. */
START_TEST(test_close_releases_blocked_reader)
{
	struct fifolog *f = open_ok();
	char sc[64], buf[64];
	pid_t pid;
	int st, fd;

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char b[100];
		int rfd = open(path, O_RDONLY); /* blocks until a writer */

		_exit(rfd >= 0 && read(rfd, b, sizeof(b)) == 0 ? 0 : 1);
	}
	snprintf(sc, sizeof(sc), "/proc/%d/syscall", (int)pid);
	for (int i = 0; i < 500; i++) { /* until it sits in openat() */
		ssize_t n = -1;

		fd = open(sc, O_RDONLY);
		if (fd >= 0) {
			n = read(fd, buf, sizeof(buf) - 1);
			close(fd);
		}
		if (n > 0 && atoi(buf) == SYS_openat)
			break;
		usleep(10000);
	}
	ck_assert_int_eq(atoi(buf), SYS_openat);
	fifolog_close(f);
	alarm(10);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}
END_TEST

/* Lines per writer thread in a burst; each writer has its own range of
 * sequence numbers, in order within it. */
static int burst_per;

/* Reader process: read until end of file with a buffer larger than the
 * pipe (like cat), check that every chunk ends a line and every line is
 * whole and in order within its writer's range; print "LINES BAD". */
static void burst_reader(struct fifolog *f, int ready, int out)
{
	char *buf = malloc(1 << 17), *line, *save;
	long lines = 0, bad = 0, last[8];
	struct pollfd p;
	int fd = open(path, O_RDONLY | O_NONBLOCK);

	for (int i = 0; i < 8; i++)
		last[i] = -1;
	if (!buf || fd < 0 || write(ready, "r", 1) != 1)
		_exit(3);
	p.fd = fd;
	p.events = POLLIN;
	for (;;) {
		ssize_t n;

		/* poll waits for the first writer: before it, a FIFO reader
		 * gets neither data nor POLLHUP */
		if (poll(&p, 1, 20000) <= 0)
			_exit(4);
		n = read(fd, buf, (1 << 17) - 1);
		if (n == 0)
			break;
		if (n < 0)
			continue;
		buf[n] = '\0';
		if (buf[n - 1] != '\n')
			bad++;
		for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			const char *body = strstr(line, " info burst L");
			char fill[2] = { 0, 0 };
			long seq, len, w;
			int off = 0;

			lines++;
			if (!body || sscanf(body, " info burst L%ld %ld %n", &seq, &len, &off) != 2 ||
			    off == 0 || seq < 0 || (w = seq / burst_per) >= 8 || seq <= last[w]) {
				bad++;
				continue;
			}
			fill[0] = (char)('a' + seq % 26);
			if ((long)strlen(body + off) != len || strspn(body + off, fill) != (size_t)len) {
				bad++;
				continue;
			}
			last[w] = seq;
		}
	}
	dprintf(out, "%ld %ld\n", lines, bad);
	free(buf);
	fifolog_close(f); /* a forked copy: frees, touches nothing */
	_exit(0);
}

struct burst_arg {
	struct fifolog *f;
	int first, count;
};

static void *burst_writer(void *arg)
{
	struct burst_arg *a = arg;
	char msg[4000];

	for (int i = a->first; i < a->first + a->count; i++) {
		int len = 10 + (i * 397) % 3900;
		int n = snprintf(msg, sizeof(msg), "L%d %d ", i, len);

		memset(msg + n, 'a' + i % 26, (size_t)len);
		msg[n + len] = '\0';
		fifolog_log(LOGLEVEL_INFO, "burst", msg, a->f);
	}
	return NULL;
}

/* Two readers (like two cats) under a burst from `threads` writers: each
 * line reaches one reader whole, or is counted as dropped. */
static void run_burst(int threads, int per_thread)
{
	struct fifolog *f = open_ok();
	struct burst_arg a[8];
	pthread_t t[8];
	int ready[2], out[2];
	long total = 0;
	uint64_t dropped;
	pid_t pids[2];
	char c;
	FILE *o;

	burst_per = per_thread;
	ck_assert_int_eq(pipe(ready), 0);
	ck_assert_int_eq(pipe(out), 0);
	for (int i = 0; i < 2; i++) {
		pids[i] = fork();
		ck_assert_int_ge(pids[i], 0);
		if (pids[i] == 0)
			burst_reader(f, ready[1], out[1]);
	}
	close(ready[1]);
	close(out[1]);
	ck_assert_int_eq(read(ready[0], &c, 1), 1);
	ck_assert_int_eq(read(ready[0], &c, 1), 1);

	for (int i = 0; i < threads; i++) {
		a[i] = (struct burst_arg){ f, i * per_thread, per_thread };
		ck_assert_int_eq(pthread_create(&t[i], NULL, burst_writer, &a[i]), 0);
	}
	for (int i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	dropped = fifolog_dropped(f);
	fifolog_close(f); /* end of file for both */

	o = fdopen(out[0], "r");
	for (int i = 0; i < 2; i++) {
		long lines, bad;

		ck_assert_int_eq(fscanf(o, "%ld %ld", &lines, &bad), 2);
		ck_assert_msg(bad == 0, "reader %d: %ld of %ld lines not whole or out of order",
			      i, bad, lines);
		total += lines;
	}
	fclose(o);
	for (int i = 0; i < 2; i++) {
		int st;

		ck_assert_int_eq(waitpid(pids[i], &st, 0), pids[i]);
		ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	close(ready[0]);
	ck_assert_int_eq(total + (long)dropped, threads * per_thread);
	ck_assert_int_gt(total, 0);
}

START_TEST(test_two_readers_burst)
{
	run_burst(1, 1000);
}
END_TEST

START_TEST(test_two_readers_threads)
{
	run_burst(4, 500);
}
END_TEST

static Suite *fifolog_suite(void)
{
	Suite *s = suite_create("fifolog");
	TCase *tc;

	tc = tcase_create("safety");
	tcase_add_unchecked_fixture(tc, base_setup, base_teardown);
	tcase_add_checked_fixture(tc, fifo_setup, NULL);
	tcase_add_test(tc, test_create_mode);
	tcase_add_test(tc, test_symlink_refused);
	tcase_add_test(tc, test_dangling_symlink_refused);
	tcase_add_test(tc, test_regular_file_refused);
	tcase_add_test(tc, test_directory_refused);
	tcase_add_test(tc, test_foreign_fifo_refused);
	tcase_add_test(tc, test_stale_own_fifo_reused);
	tcase_add_test(tc, test_close_leaves_replacement);
	suite_add_tcase(s, tc);

	tc = tcase_create("readers");
	tcase_add_unchecked_fixture(tc, base_setup, base_teardown);
	tcase_add_checked_fixture(tc, fifo_setup, NULL);
	tcase_add_test(tc, test_no_reader_drops);
	tcase_add_test(tc, test_reader_gets_new_lines_only);
	tcase_add_test(tc, test_reader_leaves_no_sigpipe);
	tcase_add_test(tc, test_no_stale_backlog);
	tcase_add_test(tc, test_slow_reader);
	tcase_add_test(tc, test_close_releases_blocked_reader);
	tcase_add_test(tc, test_two_readers_burst);
	tcase_add_test(tc, test_two_readers_threads);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(fifolog_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
