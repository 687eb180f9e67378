/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* check_dispatcher.c - answers built from a segment made in memory (the
 * seam), then the real thread on a real queue: requests, garbage, a
 * client that stops reading, junk for dead processes. */
#include "usec.h"
#include "dispatcher.h"

#include <check.h>
#include <errno.h>
#include <linux/if.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static struct seg_header *make_segment(uint32_t nlinks, uint32_t addrs_per_link,
				       uint32_t ring, size_t *ret_size)
{
	struct seg_layout l;
	struct seg_header *h;

	seg_layout_compute(&l, nlinks ? nlinks : 1, nlinks * addrs_per_link + 1, ring);
	h = calloc(1, l.total_size);
	ck_assert_ptr_nonnull(h);
	seg_init(h, &l);
	for (uint32_t i = 0; i < nlinks; i++) {
		struct seg_link *k = &seg_links(h)[i];

		k->ifindex = (int32_t)(1000 - i); /* no order in the table */
		snprintf(k->name, sizeof(k->name), "if%u", i);
		k->flags = IFF_UP | IFF_BROADCAST;
		k->mtu = 1500 + i;
		for (uint32_t a = 0; a < addrs_per_link; a++) {
			struct seg_addr *ad = &seg_addrs(h)[h->addrs.count++];

			ad->ifindex = k->ifindex;
			ad->family = AF_INET;
			ad->prefixlen = 24;
			ad->local[0] = 10;
			ad->local[2] = (uint8_t)i;
			ad->local[3] = (uint8_t)(a + 1);
		}
	}
	h->links.count = nlinks;
	h->state = SEG_STATE_READY;
	if (ret_size)
		*ret_size = l.total_size;
	return h;
}

static struct daemon_status *make_status(void)
{
	struct daemon_status *st = calloc(1, sizeof(*st));

	st->pid = getpid();
	st->start_usec = usec_now() - 5000000;
	atomic_store(&st->requests_total, 17);
	return st;
}

START_TEST(test_answer_links_all)
{
	struct seg_header *h = make_segment(5, 2, 16, NULL);
	struct daemon_status *st = make_status();
	struct proto_request rq = { .hdr.op = PROTO_OP_LINKS, .flags = PROTO_RQ_ADDRS };
	const struct seg_link *l;
	const struct seg_addr *a;
	struct proto_links pl;
	char err[128];
	void *buf;
	size_t len;

	ck_assert_int_eq(dispatcher_answer(h, st, &rq, &buf, &len, err, sizeof(err)), 0);
	ck_assert_int_eq(proto_unpack_links(buf, len, &pl, &l, &a, NULL), 0);
	ck_assert_uint_eq(pl.nlinks, 5);
	ck_assert_uint_eq(pl.naddrs, 10);
	ck_assert_str_eq(l[3].name, "if3");
	ck_assert_uint_eq(l[3].mtu, 1503);
	ck_assert_int_eq(a[7].ifindex, 1000 - 3);
	free(buf);

	/* without addresses */
	rq.flags = 0;
	ck_assert_int_eq(dispatcher_answer(h, st, &rq, &buf, &len, err, sizeof(err)), 0);
	ck_assert_int_eq(proto_unpack_links(buf, len, &pl, &l, &a, NULL), 0);
	ck_assert_uint_eq(pl.nlinks, 5);
	ck_assert_uint_eq(pl.naddrs, 0);
	free(buf);
	free(h);
	free(st);
}
END_TEST

/* iproute2's M-DOWN: the IFLA_LINK device in this namespace is down or
 * unknown; a peer in another namespace or no IFLA_LINK never counts. */
START_TEST(test_answer_links_m_down)
{
	struct seg_header *h = make_segment(6, 0, 16, NULL);
	struct daemon_status *st = make_status();
	struct proto_request rq = { .hdr.op = PROTO_OP_LINKS };
	struct seg_link *k = seg_links(h);
	static const uint8_t want[6] = { PROTO_LINK_M_DOWN, 0, PROTO_LINK_M_DOWN, 0, 0, 0 };
	const struct seg_link *l;
	const struct seg_addr *a;
	const uint8_t *lf;
	struct proto_links pl;
	char err[128], name[8];
	void *buf;
	size_t len;

	for (int i = 0; i < 6; i++)
		k[i].link_netnsid = -1;
	k[0].link = 999;        /* if1, down */
	k[1].flags = 0;
	k[1].link = 1000;       /* if0, up */
	k[2].link = 12345;      /* nowhere */
	k[3].link = 998;        /* if2, up */
	k[4].link = 999;        /* if1, but in another namespace */
	k[4].link_netnsid = 3;
	/* k[5]: no IFLA_LINK */

	ck_assert_int_eq(dispatcher_answer(h, st, &rq, &buf, &len, err, sizeof(err)), 0);
	ck_assert_int_eq(proto_unpack_links(buf, len, &pl, &l, &a, &lf), 0);
	ck_assert_uint_eq(pl.nlinks, 6);
	for (int i = 0; i < 6; i++)
		ck_assert_msg(lf[i] == want[i], "%s: lflags %u, want %u", l[i].name, lf[i], want[i]);
	free(buf);

	/* one link at a time: the same answers, found in the whole table */
	for (int i = 0; i < 6; i++) {
		snprintf(name, sizeof(name), "if%d", i);
		strcpy(rq.ifname, name);
		ck_assert_int_eq(dispatcher_answer(h, st, &rq, &buf, &len, err, sizeof(err)), 0);
		ck_assert_int_eq(proto_unpack_links(buf, len, &pl, &l, &a, &lf), 0);
		ck_assert_uint_eq(pl.nlinks, 1);
		ck_assert_msg(lf[0] == want[i], "%s alone: lflags %u, want %u", name, lf[0], want[i]);
		free(buf);
	}
	free(h);
	free(st);
}
END_TEST

START_TEST(test_answer_links_one)
{
	struct seg_header *h = make_segment(5, 3, 16, NULL);
	struct daemon_status *st = make_status();
	struct proto_request rq = { .hdr.op = PROTO_OP_LINKS, .flags = PROTO_RQ_ADDRS };
	const struct seg_link *l;
	const struct seg_addr *a;
	struct proto_links pl;
	char err[128] = "";
	void *buf;
	size_t len;

	strcpy(rq.ifname, "if2");
	ck_assert_int_eq(dispatcher_answer(h, st, &rq, &buf, &len, err, sizeof(err)), 0);
	ck_assert_int_eq(proto_unpack_links(buf, len, &pl, &l, &a, NULL), 0);
	ck_assert_uint_eq(pl.nlinks, 1);
	ck_assert_str_eq(l[0].name, "if2");
	ck_assert_uint_eq(pl.naddrs, 3);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(a[i].ifindex, 998);
		ck_assert_uint_eq(a[i].local[3], i + 1);
	}
	free(buf);

	strcpy(rq.ifname, "nope0");
	ck_assert_int_eq(dispatcher_answer(h, st, &rq, &buf, &len, err, sizeof(err)), -ENODEV);
	ck_assert_str_eq(err, "no such interface: nope0");
	ck_assert_ptr_null(buf);

	/* no segment yet */
	strcpy(rq.ifname, "if2");
	ck_assert_int_eq(dispatcher_answer(NULL, st, &rq, &buf, &len, err, sizeof(err)), -EAGAIN);
	free(h);
	free(st);
}
END_TEST

START_TEST(test_answer_events)
{
	struct seg_header *h = make_segment(1, 0, 16, NULL);
	struct daemon_status *st = make_status();
	struct proto_request rq = { .hdr.op = PROTO_OP_EVENTS };
	const struct seg_event *ev;
	struct proto_events pe;
	char err[128];
	void *buf;
	size_t len;

	for (int i = 0; i < 40; i++) { /* the ring keeps 24 .. 40 (16) */
		struct seg_event e = { .type = SEG_EV_LINK_CHANGE, .ifindex = i };

		seg_event_append(h, &e);
	}
	rq.count = 5;
	ck_assert_int_eq(dispatcher_answer(h, st, &rq, &buf, &len, err, sizeof(err)), 0);
	ck_assert_int_eq(proto_unpack_events(buf, len, &pe, &ev), 0);
	ck_assert_uint_eq(pe.n, 5);
	ck_assert_uint_eq(ev[0].seq, 36);
	ck_assert_uint_eq(ev[4].seq, 40);
	ck_assert_uint_eq(pe.last_seq, 40);
	ck_assert_uint_eq(pe.first_seq, 25);
	free(buf);

	/* after a seq that was overwritten: from the oldest kept */
	rq.seq = 3;
	rq.count = 100;
	ck_assert_int_eq(dispatcher_answer(h, st, &rq, &buf, &len, err, sizeof(err)), 0);
	ck_assert_int_eq(proto_unpack_events(buf, len, &pe, &ev), 0);
	ck_assert_uint_eq(pe.n, 16);
	ck_assert_uint_eq(ev[0].seq, 25);
	free(buf);

	/* after the newest: nothing */
	rq.seq = 40;
	ck_assert_int_eq(dispatcher_answer(h, st, &rq, &buf, &len, err, sizeof(err)), 0);
	ck_assert_int_eq(proto_unpack_events(buf, len, &pe, &ev), 0);
	ck_assert_uint_eq(pe.n, 0);
	free(buf);
	free(h);
	free(st);
}
END_TEST

START_TEST(test_answer_status)
{
	struct seg_header *h = make_segment(3, 1, 16, NULL);
	struct daemon_status *st = make_status();
	struct proto_request rq = { .hdr.op = PROTO_OP_STATUS };
	struct proto_status s;
	char err[128];
	void *buf;
	size_t len;

	h->mem_total = 1000;
	h->mem_used = 400;
	h->generation = 77;
	atomic_store(&st->collector_restarts, 2);
	atomic_store(&st->degraded, DEGRADED_COLLECTOR_DOWN);
	ck_assert_int_eq(dispatcher_answer(h, st, &rq, &buf, &len, err, sizeof(err)), 0);
	ck_assert_int_eq(proto_unpack_status(buf, len, &s), 0);
	ck_assert_uint_eq(s.links, 3);
	ck_assert_uint_eq(s.addrs, 3);
	ck_assert_uint_eq(s.mem_total, 1000);
	ck_assert_uint_eq(s.generation, 77);
	ck_assert_uint_eq(s.requests_total, 17);
	ck_assert_uint_eq(s.collector_restarts, 2);
	ck_assert_int_eq(s.degraded, DEGRADED_COLLECTOR_DOWN);
	ck_assert_str_eq(s.state_reason, "collector restarting");
	ck_assert_str_eq(s.version, PACKAGE_VERSION);
	free(buf);

	/* no segment: still an answer, starting */
	atomic_store(&st->degraded, DEGRADED_NONE);
	ck_assert_int_eq(dispatcher_answer(NULL, st, &rq, &buf, &len, err, sizeof(err)), 0);
	ck_assert_int_eq(proto_unpack_status(buf, len, &s), 0);
	ck_assert_int_eq(s.degraded, DEGRADED_STARTING);
	free(buf);
	free(h);
	free(st);
}
END_TEST

/* ---- the thread on a real queue ---- */

struct live {
	struct config cfg;
	struct daemon_status *st;
	struct dispatcher *d;
	sem_t sem;
	int fd, qid;
};

/* A failed assertion ends the test's process without live_stop: the
 * queue must not outlive it. */
static key_t live_key;

static void live_cleanup(void)
{
	int q = live_key ? msgget(live_key, 0) : -1;

	if (q >= 0)
		msgctl(q, IPC_RMID, NULL);
}

static void live_start(struct live *t, uint32_t nlinks)
{
	struct seg_header *h;
	size_t size;

	config_defaults(&t->cfg);
	t->cfg.msg_key = (key_t)(0x5e000000 | (getpid() & 0xffffff));
	t->cfg.reply_timeout_usec = 300000;
	live_key = t->cfg.msg_key;
	t->st = make_status();
	atomic_store(&t->st->requests_total, 0);
	h = make_segment(nlinks, 2, 16, &size);
	t->fd = memfd_create("check_dispatcher", 0);
	ck_assert_int_ge(t->fd, 0);
	ck_assert_int_eq(write(t->fd, h, size), (ssize_t)size);
	free(h);
	ck_assert_int_eq(sem_init(&t->sem, 0, 1), 0);
	ck_assert_int_eq(dispatcher_start(&t->d, &t->cfg, t->fd, &t->sem, t->st), 0);
	t->qid = msgget(t->cfg.msg_key, 0);
	ck_assert_int_ge(t->qid, 0);
}

static void live_stop(struct live *t)
{
	dispatcher_stop(t->d);
	ck_assert_int_lt(msgget(t->cfg.msg_key, 0), 0); /* queue removed */
	sem_destroy(&t->sem);
	close(t->fd);
	free(t->st);
}


/* One query as a client does it; returns the reassembly (status set on
 * an error reply). */
static int query(struct live *t, uint16_t op, const char *ifname, uint32_t flags,
		 struct proto_asm *a)
{
	static uint32_t id = 100;
	struct proto_request rq = { 0 };
	struct proto_msg m;
	struct proto_reply rp;
	const void *pl;
	ssize_t n;
	int r;

	rq.hdr.op = op;
	rq.hdr.id = ++id;
	rq.hdr.reply_type = getpid();
	rq.flags = flags;
	if (ifname)
		strcpy(rq.ifname, ifname);
	proto_asm_init(a, rq.hdr.id, op);
	ck_assert_int_eq(msgsnd(t->qid, &m, proto_pack_request(&m, &rq), 0), 0);
	do {
		alarm(10);
		n = msgrcv(t->qid, &m, sizeof(m.u), getpid(), 0);
		alarm(0);
		ck_assert_int_ge(n, 0);
		ck_assert_int_eq(proto_unpack_reply(&m, (size_t)n, &rp, &pl), 0);
		r = proto_asm_add(a, &rp, pl);
		ck_assert_int_ge(r, 0);
	} while (r == 0);
	return a->status;
}

START_TEST(test_live_queries)
{
	struct live t;
	struct proto_asm a;
	struct proto_links pl;
	struct proto_ping p;
	const struct seg_link *l;
	const struct seg_addr *ad;

	live_start(&t, 3000); /* about 1 MB: many parts */
	ck_assert_int_eq(query(&t, PROTO_OP_PING, NULL, 0, &a), 0);
	ck_assert_int_eq(proto_unpack_ping(a.buf, a.len, &p), 0);
	ck_assert_int_eq(p.pid, getpid());
	proto_asm_free(&a);

	ck_assert_int_eq(query(&t, PROTO_OP_LINKS, NULL, PROTO_RQ_ADDRS, &a), 0);
	ck_assert_uint_gt(proto_parts(a.len), 50);
	ck_assert_int_eq(proto_unpack_links(a.buf, a.len, &pl, &l, &ad, NULL), 0);
	ck_assert_uint_eq(pl.nlinks, 3000);
	ck_assert_uint_eq(pl.naddrs, 6000);
	ck_assert_str_eq(l[2999].name, "if2999");
	proto_asm_free(&a);

	ck_assert_int_eq(query(&t, PROTO_OP_LINKS, "missing", 0, &a), ENODEV);
	ck_assert_str_eq(a.buf, "no such interface: missing");
	proto_asm_free(&a);
	ck_assert_uint_eq(atomic_load(&t.st->requests_total), 3);
	ck_assert_uint_eq(atomic_load(&t.st->bad_requests), 0);
	live_stop(&t);
}
END_TEST

static pid_t dead_pid(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	return pid;
}

START_TEST(test_live_garbage)
{
	struct live t;
	struct proto_asm a;
	struct proto_msg m;
	struct proto_request rq = { .hdr.op = PROTO_OP_PING };
	size_t len;
	uint64_t deadline;
	int n = 0;

	live_start(&t, 2);
	/* random bytes of random sizes */
	srandom(7);
	for (int i = 0; i < 500; i++) {
		size_t sz = (size_t)random() % 200;

		m.mtype = PROTO_REQUEST_TYPE;
		for (size_t k = 0; k < sz; k++)
			m.u.bytes[k] = (char)random();
		ck_assert_int_eq(msgsnd(t.qid, &m, sz, 0), 0);
		n++;
	}
	/* a well-formed request for a process that does not exist */
	rq.hdr.reply_type = dead_pid();
	ck_assert_int_eq(msgsnd(t.qid, &m, proto_pack_request(&m, &rq), 0), 0);
	n++;
	/* a wrong version from us: answered with an error */
	rq.hdr.reply_type = getpid();
	rq.hdr.id = 5;
	len = proto_pack_request(&m, &rq);
	m.u.hdr.version = 77;
	ck_assert_int_eq(msgsnd(t.qid, &m, len, 0), 0);
	n++;
	{
		struct proto_reply rp;
		const void *pl;
		ssize_t r;

		alarm(10);
		r = msgrcv(t.qid, &m, sizeof(m.u), getpid(), 0);
		alarm(0);
		ck_assert_int_ge(r, 0);
		ck_assert_int_eq(proto_unpack_reply(&m, (size_t)r, &rp, &pl), 0);
		ck_assert_int_eq(rp.status, EPROTONOSUPPORT);
		ck_assert_uint_eq(rp.hdr.id, 5);
	}
	/* and it still answers, having counted every bad one */
	ck_assert_int_eq(query(&t, PROTO_OP_PING, NULL, 0, &a), 0);
	proto_asm_free(&a);
	deadline = usec_mono() + 5000000;
	while (atomic_load(&t.st->bad_requests) < (uint64_t)n && usec_mono() < deadline)
		usleep(1000);
	ck_assert_uint_eq(atomic_load(&t.st->bad_requests), (uint64_t)n);
	live_stop(&t);
}
END_TEST

/* A client that asks for a big answer and stops reading (SIGSTOP) costs
 * about reply_timeout; then its leftovers are gone and others served. */
START_TEST(test_live_stopped_client)
{
	struct live t;
	struct proto_asm a;
	struct dispatcher_stats ds;
	struct msqid_ds q;
	uint64_t t0, took;
	int pipefd[2];
	pid_t child;
	char c;

	live_start(&t, 3000);
	ck_assert_int_eq(pipe(pipefd), 0);
	child = fork();
	if (child == 0) {
		struct proto_request rq = { .hdr.op = PROTO_OP_LINKS, .flags = PROTO_RQ_ADDRS };
		struct proto_msg m;

		rq.hdr.reply_type = getpid();
		rq.hdr.id = 1;
		msgsnd(t.qid, &m, proto_pack_request(&m, &rq), 0);
		if (write(pipefd[1], "x", 1) != 1)
			_exit(1);
		pause(); /* never reads */
		_exit(0);
	}
	ck_assert_int_eq(read(pipefd[0], &c, 1), 1);
	kill(child, SIGSTOP);
	t0 = usec_mono();
	ck_assert_int_eq(query(&t, PROTO_OP_PING, NULL, 0, &a), 0);
	took = usec_mono() - t0;
	proto_asm_free(&a);
	/* reply_timeout is 300 ms: served within it and a margin */
	ck_assert_uint_lt(took, 300000 + 700000);
	dispatcher_get_stats(t.d, &ds);
	ck_assert_uint_eq(ds.given_up, 1);
	ck_assert_uint_gt(ds.purged, 0);
	ck_assert_int_eq(msgctl(t.qid, IPC_STAT, &q), 0);
	ck_assert_uint_eq(q.msg_qnum, 0);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	close(pipefd[0]);
	close(pipefd[1]);
	live_stop(&t);
}
END_TEST

/* Junk for a dead pid fills the queue to its byte limit: clients are
 * locked out until the housekeeping sweep removes it (within seconds). */
START_TEST(test_live_sweep)
{
	struct live t;
	struct proto_asm a;
	struct proto_msg m;
	struct msqid_ds q;
	struct dispatcher_stats ds;
	long dead = dead_pid();
	unsigned long sent = 0;
	uint64_t t0;

	live_start(&t, 2);
	memset(&m, 0x5a, sizeof(m));
	m.mtype = dead;
	/* big messages, then bytes: not even a small request fits */
	while (msgsnd(t.qid, &m, 4000, IPC_NOWAIT) == 0)
		sent++;
	while (msgsnd(t.qid, &m, 1, IPC_NOWAIT) == 0)
		sent++;
	ck_assert_int_eq(errno, EAGAIN);
	ck_assert_int_eq(msgctl(t.qid, IPC_STAT, &q), 0);
	ck_assert_uint_eq(q.msg_cbytes, q.msg_qbytes);
	t0 = usec_mono();
	ck_assert_int_eq(query(&t, PROTO_OP_PING, NULL, 0, &a), 0); /* blocks until swept */
	proto_asm_free(&a);
	ck_assert_uint_lt(usec_mono() - t0, 3000000);
	dispatcher_get_stats(t.d, &ds);
	ck_assert_uint_eq(ds.swept, sent);
	live_stop(&t);
}
END_TEST

/* Junk for a live process survives a sweep, in its order. */
START_TEST(test_live_sweep_keeps_live)
{
	struct live t;
	struct proto_msg m;
	struct msqid_ds q;
	struct dispatcher_stats ds;
	long dead = dead_pid();
	uint64_t deadline;
	int i;

	live_start(&t, 2);
	memset(&m, 0, sizeof(m));
	for (i = 0; i < 3; i++) {
		m.mtype = getpid();
		memset(m.u.bytes, 'a' + i, 16);
		ck_assert_int_eq(msgsnd(t.qid, &m, 16, 0), 0);
	}
	m.mtype = dead;
	while (msgsnd(t.qid, &m, 4000, IPC_NOWAIT) == 0)
		;
	deadline = usec_mono() + 5000000;
	do {
		usleep(20000);
		dispatcher_get_stats(t.d, &ds);
	} while (ds.swept == 0 && usec_mono() < deadline);
	ck_assert_uint_gt(ds.swept, 0);
	ck_assert_int_eq(msgctl(t.qid, IPC_STAT, &q), 0);
	ck_assert_uint_eq(q.msg_qnum, 3);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(msgrcv(t.qid, &m, sizeof(m.u), getpid(), IPC_NOWAIT), 16);
		ck_assert_int_eq(m.u.bytes[0], 'a' + i);
	}
	live_stop(&t);
}
END_TEST

START_TEST(test_live_pause)
{
	struct live t;
	struct proto_asm a;

	live_start(&t, 2);
	dispatcher_pause(t.d);
	/* a segment query waits about a second, then "try again" */
	ck_assert_int_eq(query(&t, PROTO_OP_LINKS, NULL, 0, &a), EAGAIN);
	proto_asm_free(&a);
	/* ping does not need the segment */
	ck_assert_int_eq(query(&t, PROTO_OP_PING, NULL, 0, &a), 0);
	proto_asm_free(&a);
	dispatcher_resume(t.d);
	ck_assert_int_eq(query(&t, PROTO_OP_LINKS, NULL, 0, &a), 0);
	proto_asm_free(&a);
	{
		uint64_t beat = atomic_load(&t.st->dispatcher_beat), deadline;

		dispatcher_poke(t.d);
		deadline = usec_mono() + 2000000;
		while (atomic_load(&t.st->dispatcher_beat) == beat && usec_mono() < deadline)
			usleep(1000);
		ck_assert_uint_gt(atomic_load(&t.st->dispatcher_beat), beat);
	}
	live_stop(&t);
}
END_TEST

static Suite *dispatcher_suite(void)
{
	Suite *s = suite_create("dispatcher");
	TCase *tc = tcase_create("answers");
	TCase *live = tcase_create("live");

	tcase_add_test(tc, test_answer_links_all);
	tcase_add_test(tc, test_answer_links_one);
	tcase_add_test(tc, test_answer_links_m_down);
	tcase_add_test(tc, test_answer_events);
	tcase_add_test(tc, test_answer_status);
	suite_add_tcase(s, tc);
	tcase_add_test(live, test_live_queries);
	tcase_add_test(live, test_live_garbage);
	tcase_add_test(live, test_live_stopped_client);
	tcase_add_test(live, test_live_sweep);
	tcase_add_test(live, test_live_sweep_keeps_live);
	tcase_add_test(live, test_live_pause);
	suite_add_tcase(s, live);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(dispatcher_suite());
	int failed;

	log_init(LOGLEVEL_ERR, "check");
	atexit(live_cleanup);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
