/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* check_segment.c - segment layout, growth, event ring, futex wake-up. */
#include "segment.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "futex.h"

START_TEST(test_layout)
{
	struct seg_layout l;

	seg_layout_compute(&l, 10, 20, 30);
	/* ABI 2: the ring first, where it never moves, then the tables */
	ck_assert_uint_ge(l.event_offset, sizeof(struct seg_header));
	ck_assert_uint_ge(l.link_offset, l.event_offset + 30 * sizeof(struct seg_event));
	ck_assert_uint_ge(l.addr_offset, l.link_offset + 10 * sizeof(struct seg_link));
	ck_assert_uint_ge(l.total_size, l.addr_offset + 20 * sizeof(struct seg_addr));
	ck_assert_uint_eq(l.total_size % 4096, 0);
	ck_assert_uint_eq(l.link_offset % 8, 0);
	ck_assert_uint_eq(l.addr_offset % 8, 0);
	ck_assert_uint_eq(l.event_offset % 8, 0);
}
END_TEST

START_TEST(test_generation_offset)
{
	/* Clients of every ABI version wait on offset 24. */
	ck_assert_uint_eq(offsetof(struct seg_header, generation), 24);
}
END_TEST

START_TEST(test_init_validate)
{
	struct seg_layout l;
	struct seg_header *h;
	void *base;

	seg_layout_compute(&l, 4, 4, 16);
	base = malloc(l.total_size);
	ck_assert_ptr_nonnull(base);
	seg_init(base, &l);
	h = base;
	ck_assert_int_eq(seg_validate(base, l.total_size), 0);
	ck_assert_int_eq(seg_validate(base, l.total_size - 4096), -ERANGE);
	ck_assert_int_eq(seg_validate(base, 8), -EPROTO);
	h->abi_version++;
	ck_assert_int_eq(seg_validate(base, l.total_size), -EPROTONOSUPPORT);
	h->abi_version--;
	h->links.record_size--;
	ck_assert_int_eq(seg_validate(base, l.total_size), -EPROTO);
	h->links.record_size++;
	h->addrs.count = h->addrs.capacity + 1;
	ck_assert_int_eq(seg_validate(base, l.total_size), -EPROTO);
	h->addrs.count = 0;
	h->magic = 0;
	ck_assert_int_eq(seg_validate(base, l.total_size), -EPROTO);
	free(base);
}
END_TEST

START_TEST(test_ring_wrap)
{
	struct seg_layout l;
	struct seg_header *h;
	struct seg_event ev, got;
	void *base;

	seg_layout_compute(&l, 1, 1, 16);
	base = calloc(1, l.total_size);
	ck_assert_ptr_nonnull(base);
	seg_init(base, &l);
	h = base;
	ck_assert_int_eq(seg_event_read(h, 1, &got), -ENOENT);
	ck_assert_uint_eq(seg_event_first_seq(h), 1);
	for (int i = 1; i <= 40; i++) {
		memset(&ev, 0, sizeof(ev));
		ev.type = SEG_EV_LINK_CHANGE;
		ev.ifindex = i;
		seg_event_append(h, &ev);
		ck_assert_uint_eq(ev.seq, (uint64_t)i);
	}
	ck_assert_uint_eq(h->event_last_seq, 40);
	ck_assert_uint_eq(h->events_total, 40);
	ck_assert_uint_eq(seg_event_first_seq(h), 25);
	/* The 16 newest are there, in order; older ones are gone. */
	for (uint64_t s = 25; s <= 40; s++) {
		ck_assert_int_eq(seg_event_read(h, s, &got), 0);
		ck_assert_uint_eq(got.seq, s);
		ck_assert_int_eq(got.ifindex, (int)s);
		ck_assert_int_ne(got.time_usec, 0);
	}
	ck_assert_int_eq(seg_event_read(h, 24, &got), -ESTALE); /* overwritten */
	ck_assert_int_eq(seg_event_read(h, 41, &got), -ENOENT);
	ck_assert_int_eq(seg_event_read(h, 0, &got), -ENOENT);
	free(base);
}
END_TEST

START_TEST(test_relayout_keeps_records)
{
	struct seg_layout small, big;
	struct seg_header *h;
	struct seg_event ev, got;
	void *base;

	seg_layout_compute(&small, 4, 4, 8);
	seg_layout_compute(&big, 64, 128, 8);
	base = calloc(1, big.total_size);
	ck_assert_ptr_nonnull(base);
	seg_init(base, &small);
	h = base;
	for (int i = 0; i < 4; i++) {
		seg_links(h)[i].ifindex = 100 + i;
		snprintf(seg_links(h)[i].name, SEG_IFNAMSIZ, "veth%d", i);
		seg_addrs(h)[i].ifindex = 200 + i;
	}
	h->links.count = h->addrs.count = 4;
	for (int i = 0; i < 5; i++) {
		memset(&ev, 0, sizeof(ev));
		ev.ifindex = 300 + i;
		seg_event_append(h, &ev);
	}
	/* Shrinking below what is in use, or moving tables down, is refused. */
	seg_layout_compute(&small, 2, 4, 8);
	ck_assert_int_eq(seg_relayout(base, &small), -EINVAL);

	ck_assert_int_eq(seg_relayout(base, &big), 0);
	ck_assert_int_eq(seg_validate(base, big.total_size), 0);
	ck_assert_uint_eq(h->links.capacity, 64);
	ck_assert_uint_eq(h->addrs.capacity, 128);
	ck_assert_uint_eq(h->total_size, big.total_size);
	for (int i = 0; i < 4; i++) {
		char want[SEG_IFNAMSIZ];

		snprintf(want, sizeof(want), "veth%d", i);
		ck_assert_int_eq(seg_links(h)[i].ifindex, 100 + i);
		ck_assert_str_eq(seg_links(h)[i].name, want);
		ck_assert_int_eq(seg_addrs(h)[i].ifindex, 200 + i);
	}
	for (uint64_t s = 1; s <= 5; s++) {
		ck_assert_int_eq(seg_event_read(h, s, &got), 0);
		ck_assert_int_eq(got.ifindex, 300 + (int)s - 1);
	}
	free(base);
}
END_TEST

/* A client that mapped the segment read-only in another process sleeps
 * on the generation and is woken by the writer. */
START_TEST(test_futex_readonly_waiter)
{
	char name[64];
	struct seg_layout l;
	struct seg_header *h;
	int fd, status, pipefd[2];
	pid_t pid;
	char c;

	snprintf(name, sizeof(name), "/check_segment-%d", (int)getpid());
	seg_layout_compute(&l, 1, 1, 16);
	fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	ck_assert_int_ge(fd, 0);
	shm_unlink(name);
	ck_assert_int_eq(ftruncate(fd, (off_t)l.total_size), 0);
	h = mmap(NULL, l.total_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ck_assert_ptr_ne(h, MAP_FAILED);
	seg_init(h, &l);
	ck_assert_int_eq(pipe(pipefd), 0);

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		const struct seg_header *ro =
			mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
		struct timespec ts = { 10, 0 };
		uint32_t seen;

		if (ro == MAP_FAILED)
			_exit(2);
		seen = __atomic_load_n(&ro->generation, __ATOMIC_ACQUIRE);
		if (write(pipefd[1], "r", 1) != 1)
			_exit(3);
		while (__atomic_load_n(&ro->generation, __ATOMIC_ACQUIRE) == seen)
			if (futex_wait_change(&ro->generation, seen, &ts) == -ETIMEDOUT)
				_exit(4);
		_exit(0);
	}
	ck_assert_int_eq(read(pipefd[0], &c, 1), 1);
	seg_bump(h);
	futex_wake_all(&h->generation);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	munmap(h, l.total_size);
	close(fd);
}
END_TEST

START_TEST(test_futex_timeout)
{
	uint32_t word = 7;
	struct timespec ts = { 0, 1000000 };

	ck_assert_int_eq(futex_wait_change(&word, 7, &ts), -ETIMEDOUT);
	ck_assert_int_eq(futex_wait_change(&word, 6, &ts), 0);
}
END_TEST

static Suite *segment_suite(void)
{
	Suite *s = suite_create("segment");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_layout);
	tcase_add_test(tc, test_generation_offset);
	tcase_add_test(tc, test_init_validate);
	tcase_add_test(tc, test_ring_wrap);
	tcase_add_test(tc, test_relayout_keeps_records);
	tcase_add_test(tc, test_futex_readonly_waiter);
	tcase_add_test(tc, test_futex_timeout);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(segment_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
