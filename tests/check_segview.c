/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* check_segview.c - a client's lock-free view of the segment: opening
 * (not ours, another ABI, missing), following growth, and a stress test:
 * a writer process changing the tables, growing them and appending
 * events as fast as it can while reader threads copy records and events
 * and check each copy (every record of one snapshot written in the same
 * round, every event's text naming its own seq and checksum).  No torn
 * read may pass. */
#include "segview.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "segmap.h"
#include "usec.h"

#define RING 64

static char shm_name[64], sem_name[64];
static int fd = -1;
static sem_t *sem;

static void setup(void)
{
	struct seg_layout l;
	struct segmap m;

	snprintf(shm_name, sizeof(shm_name), "/check_segview-%d", (int)getpid());
	snprintf(sem_name, sizeof(sem_name), "/check_segview-sem-%d", (int)getpid());
	shm_unlink(shm_name);
	fd = shm_open(shm_name, O_RDWR | O_CREAT | O_EXCL, 0600);
	ck_assert_int_ge(fd, 0);
	seg_layout_compute(&l, 4, 4, RING);
	ck_assert_int_eq(ftruncate(fd, (off_t)l.total_size), 0);
	ck_assert_int_eq(segmap_open(&m, fd, NULL, true), 0);
	seg_init(m.h, &l);
	m.h->state = SEG_STATE_READY;
	segmap_close(&m);
	sem_unlink(sem_name);
	sem = sem_open(sem_name, O_CREAT | O_EXCL, 0600, 1);
	ck_assert_ptr_ne(sem, SEM_FAILED);
	sem_unlink(sem_name);
}

static void teardown(void)
{
	shm_unlink(shm_name);
	close(fd);
	sem_close(sem);
}

START_TEST(test_open_errors)
{
	struct segview v;
	struct segmap m;
	char other[80];
	int ofd;

	ck_assert_int_eq(segview_open(&v, "/check_segview-none"), -ENOENT);
	/* an object that is not a segment */
	snprintf(other, sizeof(other), "%s-x", shm_name);
	ofd = shm_open(other, O_RDWR | O_CREAT | O_EXCL, 0600);
	ck_assert_int_ge(ofd, 0);
	ck_assert_int_eq(ftruncate(ofd, 8192), 0);
	ck_assert_int_eq(segview_open(&v, other), -EPROTO);
	/* a segment of another ABI: the version is told */
	ck_assert_int_eq(segmap_open(&m, fd, NULL, true), 0);
	m.h->abi_version = 1;
	ck_assert_int_eq(segview_open(&v, shm_name), -EPROTONOSUPPORT);
	ck_assert_uint_eq(v.abi, 1);
	ck_assert_ptr_null(v.h);
	m.h->abi_version = SEG_ABI_VERSION;
	segmap_close(&m);
	ck_assert_int_eq(segview_open(&v, shm_name), 0);
	ck_assert(segview_current(&v));
	segview_close(&v);
	shm_unlink(other);
	close(ofd);
}
END_TEST

/* A reader that mapped the segment before it grew sees the new tables
 * in its next snapshot; a name that now names another object is not
 * current. */
START_TEST(test_snapshot_follows_growth)
{
	struct seg_snapshot s = { 0 };
	struct seg_layout big;
	struct segmap w;
	struct segview v;

	ck_assert_int_eq(segview_open(&v, shm_name), 0);
	ck_assert_int_eq(segmap_open(&w, fd, sem, true), 0);
	ck_assert_int_eq(segmap_lock(&w, 1000), 0);
	seg_layout_compute(&big, 512, 1024, RING);
	ck_assert_int_eq(segmap_grow(&w, &big), 0);
	for (int i = 0; i < 300; i++)
		seg_links(w.h)[i].ifindex = i + 1;
	w.h->links.count = 300;
	segmap_unlock(&w);
	ck_assert_uint_lt(v.mapped, big.total_size);
	ck_assert_int_eq(segview_snapshot(&v, &s), 0);
	ck_assert_uint_eq(v.mapped, big.total_size);
	ck_assert_uint_eq(s.hdr.links.count, 300);
	ck_assert_int_eq(s.links[299].ifindex, 300);
	/* a dead writer's odd count: no snapshot, "try later" */
	ck_assert(seg_write_begin(w.h));
	ck_assert_int_eq(segview_snapshot(&v, &s), -EAGAIN);
	seg_write_end(w.h);
	ck_assert_int_eq(segview_snapshot(&v, &s), 0);
	/* the daemon went and another made the name anew */
	shm_unlink(shm_name);
	ck_assert(!segview_current(&v));
	seg_snapshot_free(&s);
	segmap_close(&w);
	segview_close(&v);
}
END_TEST

/* ---- the stress test ---- */

/* Every field of a link record written in round r derives from r, so a
 * record mixing two rounds is caught; so is a snapshot mixing records of
 * two rounds. */
static void link_fill(struct seg_link *l, int32_t ifindex, uint32_t round)
{
	memset(l, 0, sizeof(*l));
	l->ifindex = ifindex;
	l->mtu = round;
	l->flags = ~round;
	snprintf(l->name, sizeof(l->name), "r%u", round % 100000);
	memset(l->address, (int)(round & 0xff), sizeof(l->address));
	l->rx.bytes = (uint64_t)round * 3;
	l->tx.bytes = (uint64_t)round * 7;
	l->carrier_changes = round ^ 0x5a5a5a5au;
}

/* The round of a whole record, or -1 when it is torn. */
static int64_t link_round(const struct seg_link *l)
{
	uint32_t round = l->mtu;
	char name[SEG_IFNAMSIZ];

	snprintf(name, sizeof(name), "r%u", round % 100000);
	if (l->flags != ~round || strcmp(l->name, name) != 0 ||
	    l->rx.bytes != (uint64_t)round * 3 || l->tx.bytes != (uint64_t)round * 7 ||
	    l->carrier_changes != (round ^ 0x5a5a5a5au))
		return -1;
	for (size_t i = 0; i < sizeof(l->address); i++)
		if (l->address[i] != (round & 0xff))
			return -1;
	return round;
}

static uint32_t text_sum(uint64_t seq)
{
	return (uint32_t)(seq * 2654435761u) ^ 0xabcdefu;
}

/* The writer: until told to stop, rounds of changes, each inside the
 * semaphore and the sequence count, as the collector's; the tables grow
 * now and then (moving them), and every round appends events. */
static void writer(int usec)
{
	uint64_t end = usec_mono() + (uint64_t)usec;
	struct segmap w;
	uint32_t round = 0, nlinks = 4;

	if (segmap_open(&w, fd, sem, true) < 0)
		_exit(2);
	while (usec_mono() < end) {
		struct seg_header *h;

		if (segmap_lock(&w, USEC_PER_SEC) < 0)
			_exit(3);
		h = w.h;
		round++;
		if (round % 500 == 0 && nlinks < 4000) {
			struct seg_layout l;

			nlinks *= 2;
			seg_layout_compute(&l, nlinks, h->addrs.capacity, RING);
			if (segmap_grow(&w, &l) < 0)
				_exit(4);
			h = w.h;
		}
		for (uint32_t i = 0; i < nlinks; i++)
			link_fill(&seg_links(h)[i], (int32_t)i + 1, round);
		h->links.count = nlinks;
		/* Bursts of events, so that the edge reader meets slots being
		 * rewritten often. */
		for (int e = 0; e < (round % 2 ? 3 : 4 * RING); e++) {
			struct seg_event ev = { .type = SEG_EV_LINK_CHANGE };
			uint64_t seq = h->event_last_seq + 1;

			snprintf(ev.text, sizeof(ev.text), "seq %llu sum %u",
				 (unsigned long long)seq, text_sum(seq));
			memset(ev.addr, (int)(seq & 0xff), sizeof(ev.addr));
			seg_event_append(h, &ev);
		}
		seg_bump(h);
		segmap_unlock(&w);
	}
	segmap_close(&w);
	_exit(0);
}

struct reader {
	atomic_bool *stop;
	bool edge;              /* read the oldest slot: the one the writer
				 * rewrites next */
	unsigned long snapshots, events, retries_busy;
	unsigned long torn_records, mixed_snapshots, torn_events;
	unsigned long lost;
};

static void check_event(struct reader *rd, const struct seg_event *ev, uint64_t seq)
{
	char want[SEG_EVENT_TEXT];

	snprintf(want, sizeof(want), "seq %llu sum %u", (unsigned long long)seq,
		 text_sum(seq));
	if (ev->seq != seq || strcmp(ev->text, want) != 0 ||
	    ev->addr[15] != (seq & 0xff) || ev->addr[0] != (seq & 0xff))
		rd->torn_events++;
	rd->events++;
}

/* Reads the slot the writer is about to rewrite, over and over: where a
 * missing slot protocol would let a torn copy through. */
static void edge_reader(struct reader *rd, struct segview *v)
{
	while (!atomic_load(rd->stop)) {
		uint64_t seq = seg_event_first_seq(v->h);
		struct seg_event ev;
		int r = seg_event_read(v->h, seq, &ev);

		if (r == -ESTALE || r == -ENOENT) {
			rd->lost++;
			continue;
		}
		ck_assert_int_eq(r, 0);
		check_event(rd, &ev, seq);
	}
}

static void *reader_thread(void *arg)
{
	struct reader *rd = arg;
	struct seg_snapshot s = { 0 };
	struct segview v;
	uint64_t next = 1;

	ck_assert_int_eq(segview_open(&v, shm_name), 0);
	if (rd->edge) {
		edge_reader(rd, &v);
		segview_close(&v);
		return NULL;
	}
	while (!atomic_load(rd->stop)) {
		int r = segview_snapshot(&v, &s);

		if (r == -EAGAIN) {
			rd->retries_busy++;
		} else {
			int64_t first = s.hdr.links.count ? link_round(&s.links[0]) : 0;

			ck_assert_int_eq(r, 0);
			rd->snapshots++;
			for (uint32_t i = 0; i < s.hdr.links.count; i++) {
				int64_t round = link_round(&s.links[i]);

				if (round < 0)
					rd->torn_records++;
				else if (round != first)
					rd->mixed_snapshots++;
			}
		}
		/* events: from where we are to the newest */
		for (uint64_t last = seg_event_last_seq(v.h); next <= last; next++) {
			struct seg_event ev;

			r = seg_event_read(v.h, next, &ev);
			if (r == -ESTALE) {
				rd->lost++;
				continue;
			}
			ck_assert_int_eq(r, 0);
			check_event(rd, &ev, next);
		}
	}
	seg_snapshot_free(&s);
	segview_close(&v);
	return NULL;
}

START_TEST(test_stress_no_torn_reads)
{
	const char *env = getenv("IPCMON_STRESS_SECONDS");
	int seconds = env ? atoi(env) : 10, status;
	struct reader rd[3] = { [2] = { .edge = true } };
	atomic_bool stop = false;
	pthread_t t[3];
	pid_t pid;

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		writer(seconds * (int)USEC_PER_SEC);
	for (int i = 0; i < 3; i++) {
		rd[i].stop = &stop;
		ck_assert_int_eq(pthread_create(&t[i], NULL, reader_thread, &rd[i]), 0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	atomic_store(&stop, true);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "writer status %d", status);
	for (int i = 0; i < 3; i++) {
		fprintf(stderr, "reader %d: %lu snapshots (%lu busy), %lu events read, "
			"%lu overwritten before read; torn: %lu records, %lu mixed "
			"snapshots, %lu events\n", i, rd[i].snapshots, rd[i].retries_busy,
			rd[i].events, rd[i].lost, rd[i].torn_records,
			rd[i].mixed_snapshots, rd[i].torn_events);
		ck_assert_uint_gt(rd[i].events, 10);
		if (!rd[i].edge)
			ck_assert_uint_gt(rd[i].snapshots, 10);
		ck_assert_uint_eq(rd[i].torn_records, 0);
		ck_assert_uint_eq(rd[i].mixed_snapshots, 0);
		ck_assert_uint_eq(rd[i].torn_events, 0);
	}
}
END_TEST

static Suite *segview_suite(void)
{
	Suite *s = suite_create("segview");
	TCase *tc = tcase_create("core");
	TCase *stress = tcase_create("stress");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_open_errors);
	tcase_add_test(tc, test_snapshot_follows_growth);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(stress, setup, teardown);
	tcase_set_timeout(stress, 120);
	tcase_add_test(stress, test_stress_no_torn_reads);
	suite_add_tcase(s, stress);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(segview_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
