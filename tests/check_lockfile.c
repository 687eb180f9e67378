/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* check_lockfile.c - lock and pid files: missing parents are made, one
 * holder at a time, no symlink followed.  No root needed. */
#include "lockfile.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmp[64]; /* short: the paths below always fit */

/* One directory for the suite, made and removed by the parent (an
 * unchecked fixture), so a failed test (its forked child exits at the
 * failed assertion) leaves nothing behind.  Each test uses its own
 * names in it. */
static void setup(void)
{
	snprintf(tmp, sizeof(tmp), "/tmp/check_lockfile.XXXXXX");
	if (!mkdtemp(tmp))
		abort();
	umask(022);
}

static void teardown(void)
{
	char cmd[sizeof(tmp) + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "check_lockfile: cannot remove %s\n", tmp);
}

static mode_t mode_of(const char *path)
{
	struct stat st;

	ck_assert_msg(stat(path, &st) == 0, "%s: %s", path, strerror(errno));
	return st.st_mode;
}

/* A plain `make install` has no $prefix/var/run: every missing parent is
 * made, 0755, not only the last one. */
START_TEST(test_all_parents_made)
{
	char path[PATH_MAX], dir[PATH_MAX];
	pid_t holder = -1;
	int fd;

	snprintf(path, sizeof(path), "%s/usr/local/var/run/ipcmond/x.lock", tmp);
	fd = lockfile_acquire(path, &holder);
	ck_assert_msg(fd >= 0, "lockfile_acquire(%s): %s", path, strerror(-fd));
	ck_assert_int_eq(holder, 0);
	static const char *const dirs[] = { "/usr", "/usr/local", "/usr/local/var",
					    "/usr/local/var/run",
					    "/usr/local/var/run/ipcmond" };
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(dir, sizeof(dir), "%s%s", tmp, dirs[i]);
		ck_assert_msg(S_ISDIR(mode_of(dir)), "%s is no directory", dir);
		ck_assert_int_eq(mode_of(dir) & 07777, 0755);
	}
	ck_assert_int_eq(mode_of(path) & 07777, 0644);
	close(fd);
}
END_TEST

START_TEST(test_mkdir_parent_only)
{
	char path[PATH_MAX], dir[PATH_MAX];

	snprintf(path, sizeof(path), "%s/a/b/c/pidfile", tmp);
	ck_assert_int_eq(lockfile_mkdir_parent(path), 0);
	snprintf(dir, sizeof(dir), "%s/a/b/c", tmp);
	ck_assert(S_ISDIR(mode_of(dir)));
	/* the file itself is not made */
	ck_assert_int_eq(access(path, F_OK), -1);
	/* existing directories are fine, and a repeated call too */
	ck_assert_int_eq(lockfile_mkdir_parent(path), 0);
	/* "//" and "/." in the path */
	snprintf(path, sizeof(path), "%s//d/./e//f", tmp);
	ck_assert_int_eq(lockfile_mkdir_parent(path), 0);
	snprintf(dir, sizeof(dir), "%s/d/e", tmp);
	ck_assert(S_ISDIR(mode_of(dir)));
}
END_TEST

/* A file where a directory should be: an error, nothing replaced. */
START_TEST(test_parent_is_a_file)
{
	char path[PATH_MAX], file[PATH_MAX];
	pid_t holder;
	int fd;

	snprintf(file, sizeof(file), "%s/f", tmp);
	fd = open(file, O_WRONLY | O_CREAT, 0644);
	ck_assert_int_ge(fd, 0);
	close(fd);
	snprintf(path, sizeof(path), "%s/f/sub/x.lock", tmp);
	ck_assert_int_eq(lockfile_acquire(path, &holder), -ENOTDIR);
	ck_assert(S_ISREG(mode_of(file)));
}
END_TEST

START_TEST(test_second_holder_refused)
{
	char path[PATH_MAX];
	pid_t holder = 0;
	int fd, fd2;

	snprintf(path, sizeof(path), "%s/run/x.lock", tmp);
	fd = lockfile_acquire(path, &holder);
	ck_assert_int_ge(fd, 0);
	/* flock belongs to the open file: a second open conflicts even in
	 * the same process, and names the holder. */
	fd2 = lockfile_acquire(path, &holder);
	ck_assert_int_eq(fd2, -EWOULDBLOCK);
	ck_assert_int_eq(holder, getpid());
	close(fd);
	fd2 = lockfile_acquire(path, &holder);
	ck_assert_int_ge(fd2, 0);
	close(fd2);
}
END_TEST

START_TEST(test_symlink_refused)
{
	char path[PATH_MAX], target[PATH_MAX];
	pid_t holder;

	snprintf(target, sizeof(target), "%s/target", tmp);
	snprintf(path, sizeof(path), "%s/link.lock", tmp);
	ck_assert_int_eq(symlink(target, path), 0);
	ck_assert_int_eq(lockfile_acquire(path, &holder), -ELOOP);
	ck_assert_int_eq(access(target, F_OK), -1);
}
END_TEST

static Suite *lockfile_suite(void)
{
	Suite *s = suite_create("lockfile");
	TCase *tc = tcase_create("lockfile");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_all_parents_made);
	tcase_add_test(tc, test_mkdir_parent_only);
	tcase_add_test(tc, test_parent_is_a_file);
	tcase_add_test(tc, test_second_holder_refused);
	tcase_add_test(tc, test_symlink_refused);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(lockfile_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
