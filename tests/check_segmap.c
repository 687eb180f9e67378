/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* check_segmap.c - locking, growth seen by a reader, the sequence count
 * a dead writer leaves odd, and the repair of a semaphore whose holder
 * died, which never posts while a daemon reader may hold it. */
#include "segmap.h"

#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "usec.h"

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
	struct segmap_gate gate;
	struct segmap parent;
	int status;
	pid_t pid;

	segmap_gate_init(&gate);
	ck_assert_int_eq(segmap_open(&parent, fd, sem, true), 0);
	ck_assert_int_eq(segmap_repair(&parent, &gate, 1000), 0);
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

	ck_assert_int_eq(segmap_repair(&parent, &gate, 1000), 1);
	ck_assert_int_eq(sem_value(), 1);
	ck_assert_int_eq(parent.h->lock_owner, 0);
	ck_assert_int_eq(segmap_repair(&parent, &gate, 1000), 0);
	ck_assert_int_eq(sem_value(), 1);
	ck_assert_int_eq(segmap_lock(&parent, 1000), 0);
	segmap_unlock(&parent);
	segmap_close(&parent);
	segmap_gate_destroy(&gate);
}
END_TEST

/* A daemon reader (the dispatcher) inside the gate, holding the
 * semaphore for longer than the repair waits (a thread descheduled for a
 * while), when the collector dies without holding it: the repair must
 * not post (the count would end at 2 for good), but say "later". */
struct reader {
	struct segmap_gate *gate;
	struct segmap m;
	atomic_bool holding, done;
	uint64_t hold_usec;
};

static void *reader_thread(void *arg)
{
	struct reader *rd = arg;

	ck_assert_int_eq(segmap_gate_enter(rd->gate, USEC_PER_SEC), 0);
	ck_assert_int_eq(segmap_lock(&rd->m, USEC_PER_SEC), 0);
	atomic_store(&rd->holding, true);
	nanosleep(&(struct timespec){ .tv_nsec = (long)rd->hold_usec * 1000 }, NULL);
	segmap_unlock(&rd->m);
	segmap_gate_leave(rd->gate);
	atomic_store(&rd->done, true);
	return NULL;
}

START_TEST(test_repair_waits_for_reader)
{
	struct segmap_gate gate;
	struct reader rd = { .gate = &gate, .hold_usec = 400 * USEC_PER_MSEC };
	struct segmap parent;
	pthread_t t;
	int max = 0, v, r;

	segmap_gate_init(&gate);
	ck_assert_int_eq(segmap_open(&parent, fd, sem, true), 0);
	ck_assert_int_eq(segmap_open(&rd.m, fd, sem, false), 0);
	ck_assert_int_eq(pthread_create(&t, NULL, reader_thread, &rd), 0);
	while (!atomic_load(&rd.holding))
		sched_yield();
	/* The collector died (not holding it); the reader holds it. */
	ck_assert_int_eq(sem_value(), 0);
	r = segmap_repair(&parent, &gate, 50 * USEC_PER_MSEC);
	ck_assert_int_eq(r, -EBUSY);
	ck_assert_int_eq(sem_value(), 0);
	/* Try again until the reader has left, as the parent does, and
	 * watch the count the whole time. */
	do {
		r = segmap_repair(&parent, &gate, 50 * USEC_PER_MSEC);
		v = sem_value();
		if (v > max)
			max = v;
	} while (r == -EBUSY);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert(atomic_load(&rd.done));
	ck_assert_int_eq(r, 0); /* it was free: nothing to give back */
	v = sem_value();
	ck_assert_int_le(max, 1);
	ck_assert_int_eq(v, 1);
	/* The gate is open again: readers get in. */
	ck_assert_int_eq(segmap_gate_enter(&gate, 1000), 0);
	segmap_gate_leave(&gate);
	segmap_close(&rd.m);
	segmap_close(&parent);
	segmap_gate_destroy(&gate);
}
END_TEST

/* While the repair holds the gate closed, a reader waits; it gets in
 * once the gate opens, or gives up with -EAGAIN. */
START_TEST(test_gate_keeps_readers_out)
{
	struct segmap_gate gate;

	segmap_gate_init(&gate);
	ck_assert(segmap_gate_close(&gate, 1000));
	ck_assert_int_eq(segmap_gate_enter(&gate, 20 * USEC_PER_MSEC), -EAGAIN);
	segmap_gate_open(&gate);
	ck_assert_int_eq(segmap_gate_enter(&gate, 1000), 0);
	/* A reader inside: closing waits, then reports it, and reopens. */
	ck_assert(!segmap_gate_close(&gate, 20 * USEC_PER_MSEC));
	ck_assert_int_eq(segmap_gate_enter(&gate, 1000), 0);
	segmap_gate_leave(&gate);
	segmap_gate_leave(&gate);
	ck_assert(segmap_gate_close(&gate, 1000));
	segmap_gate_open(&gate);
	segmap_gate_destroy(&gate);
}
END_TEST

/* The writer's lock makes the sequence count odd, its unlock even; a
 * writer that dies inside leaves it odd, and the next writer keeps it odd
 * (tainted) until it has rewritten the tables (segmap_untaint). */
START_TEST(test_seqcount_and_taint)
{
	struct segmap w;
	uint32_t s0;
	int status;
	pid_t pid;

	ck_assert_int_eq(segmap_open(&w, fd, sem, true), 0);
	s0 = seg_read_begin(w.h);
	ck_assert_uint_eq(s0 & 1, 0);
	ck_assert_int_eq(segmap_lock(&w, 1000), 0);
	ck_assert_uint_eq(seg_read_begin(w.h), s0 + 1);
	ck_assert(seg_read_retry(w.h, s0));
	segmap_unlock(&w);
	ck_assert_uint_eq(seg_read_begin(w.h), s0 + 2);

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct segmap c;

		if (segmap_open(&c, fd, sem, true) < 0 || segmap_lock(&c, 100000) < 0)
			_exit(2);
		_exit(0); /* dies inside a change */
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_uint_eq(seg_read_begin(w.h) & 1, 1);
	sem_post(sem); /* what the parent's repair does */
	ck_assert_int_eq(segmap_lock(&w, 1000), 0);
	ck_assert(w.tainted);
	segmap_unlock(&w);
	ck_assert_uint_eq(seg_read_begin(w.h) & 1, 1); /* still: not rewritten */
	ck_assert_int_eq(segmap_lock(&w, 1000), 0);
	segmap_untaint(&w);
	segmap_unlock(&w);
	ck_assert_uint_eq(seg_read_begin(w.h) & 1, 0);
	segmap_close(&w);
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
	tcase_add_test(tc, test_repair_waits_for_reader);
	tcase_add_test(tc, test_gate_keeps_readers_out);
	tcase_add_test(tc, test_seqcount_and_taint);
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
