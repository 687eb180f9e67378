/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* check_segmap.c - locking, growth seen by a reader, and the release of a
 * semaphore whose holder died. */
#include "segmap.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static char shm_name[64], sem_name[64];
static int fd = -1;
static sem_t *sem;

static void setup(void)
{
	struct seg_layout l;
	struct segmap m;

	snprintf(shm_name, sizeof(shm_name), "/check_segmap-%d", (int)getpid());
	snprintf(sem_name, sizeof(sem_name), "/check_segmap-sem-%d", (int)getpid());
	fd = shm_open(shm_name, O_RDWR | O_CREAT | O_EXCL, 0600);
	ck_assert_int_ge(fd, 0);
	shm_unlink(shm_name);
	seg_layout_compute(&l, 4, 4, 16);
	ck_assert_int_eq(ftruncate(fd, (off_t)l.total_size), 0);
	ck_assert_int_eq(segmap_open(&m, fd, NULL, true), 0);
	seg_init(m.h, &l);
	segmap_close(&m);
	sem = sem_open(sem_name, O_CREAT | O_EXCL, 0600, 1);
	ck_assert_ptr_ne(sem, SEM_FAILED);
	sem_unlink(sem_name);
}

static void teardown(void)
{
	close(fd);
	sem_close(sem);
}

static int sem_value(void)
{
	int v = -1;

	ck_assert_int_eq(sem_getvalue(sem, &v), 0);
	return v;
}

START_TEST(test_lock_records_owner)
{
	struct segmap w;

	ck_assert_int_eq(segmap_open(&w, fd, sem, true), 0);
	ck_assert_int_eq(segmap_lock(&w, 100000), 0);
	ck_assert_int_eq(w.h->lock_owner, getpid());
	ck_assert_int_eq(sem_value(), 0);
	/* Held: a second lock times out, bounded. */
	ck_assert_int_eq(segmap_lock(&w, 1000), -ETIMEDOUT);
	ck_assert_int_eq(segmap_lock(&w, 0), -ETIMEDOUT);
	segmap_unlock(&w);
	ck_assert_int_eq(w.h->lock_owner, 0);
	ck_assert_int_eq(sem_value(), 1);
	segmap_close(&w);
}
END_TEST

/* A reader mapped before the writer grew the object sees the new tables
 * at its next lock. */
START_TEST(test_reader_follows_growth)
{
	struct segmap w, r;
	struct seg_layout big;

	ck_assert_int_eq(segmap_open(&w, fd, sem, true), 0);
	ck_assert_int_eq(segmap_open(&r, fd, sem, false), 0);
	seg_layout_compute(&big, 1024, 4096, 16);
	ck_assert_int_eq(segmap_lock(&w, 100000), 0);
	for (int i = 0; i < 4; i++)
		seg_links(w.h)[i].ifindex = 10 + i;
	w.h->links.count = 4;
	ck_assert_int_eq(segmap_grow(&w, &big), 0);
	seg_links(w.h)[1000].ifindex = 99;
	w.h->links.count = 1001;
	segmap_unlock(&w);

	ck_assert_uint_lt(r.mapped, big.total_size);
	ck_assert_int_eq(segmap_lock(&r, 100000), 0);
	ck_assert_uint_eq(r.mapped, big.total_size);
	ck_assert_uint_eq(r.h->links.capacity, 1024);
	ck_assert_int_eq(seg_links(r.h)[3].ifindex, 13);
	ck_assert_int_eq(seg_links(r.h)[1000].ifindex, 99);
	ck_assert_int_eq(r.h->lock_owner, 0); /* readers do not claim it */
	segmap_unlock(&r);
	segmap_close(&w);
	segmap_close(&r);
}
END_TEST

/* The writer dies holding the semaphore: the parent gives it back once,
 * and a free semaphore is left alone (not posted twice). */
START_TEST(test_release_dead_holder)
{
	struct segmap parent;
	int status;
	pid_t pid;

	ck_assert_int_eq(segmap_open(&parent, fd, sem, true), 0);
	ck_assert_int_eq(segmap_release_dead(&parent), 0);
	ck_assert_int_eq(sem_value(), 1);

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct segmap c;

		if (segmap_open(&c, fd, sem, true) < 0 || segmap_lock(&c, 100000) < 0)
			_exit(2);
		_exit(0); /* dies holding it */
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	ck_assert_int_eq(sem_value(), 0);
	ck_assert_int_eq(parent.h->lock_owner, pid);
	/* Without the release the next lock would never be had. */
	ck_assert_int_eq(segmap_lock(&parent, 1000), -ETIMEDOUT);

	ck_assert_int_eq(segmap_release_dead(&parent), 1);
	ck_assert_int_eq(sem_value(), 1);
	ck_assert_int_eq(parent.h->lock_owner, 0);
	ck_assert_int_eq(segmap_release_dead(&parent), 0);
	ck_assert_int_eq(sem_value(), 1);
	ck_assert_int_eq(segmap_lock(&parent, 1000), 0);
	segmap_unlock(&parent);
	segmap_close(&parent);
}
END_TEST

START_TEST(test_refuses_foreign_object)
{
	struct segmap r;
	struct seg_header *h;

	ck_assert_int_eq(segmap_open(&r, fd, sem, true), 0);
	h = r.h;
	h->magic ^= 1;
	ck_assert_int_eq(segmap_lock(&r, 1000), -EPROTO);
	ck_assert_int_eq(sem_value(), 1); /* not left held on error */
	h->magic ^= 1;
	segmap_close(&r);
}
END_TEST

static Suite *segmap_suite(void)
{
	Suite *s = suite_create("segmap");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_lock_records_owner);
	tcase_add_test(tc, test_reader_follows_growth);
	tcase_add_test(tc, test_release_dead_holder);
	tcase_add_test(tc, test_refuses_foreign_object);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(segmap_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
