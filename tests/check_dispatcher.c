/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* check_dispatcher.c - the real thread on a real queue: requests,
 * garbage, a client that stops reading, junk for dead processes, the
 * gate that keeps it out of the segment during a repair. */
#include "dispatcher.h"

#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
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
#include "testseg.h"
#include "usec.h"


/* ---- the thread on a real queue ---- */

struct live {
	pthread_t ticker;           /* the parent's heartbeat: dispatcher_tick */
	atomic_bool stop_ticking;
	struct config cfg;
	struct daemon_status *st;
	struct dispatcher *d;
	struct segmap_gate gate;
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

static void *ticker(void *arg)
{
	struct live *t = arg;

	while (!atomic_load(&t->stop_ticking)) {
		dispatcher_tick(t->d);
		nanosleep(&(struct timespec){ .tv_nsec = 200 * 1000 * 1000 }, NULL);
	}
	return NULL;
}

static void live_start(struct live *t, uint32_t nlinks)
{
	struct seg_header *h;
	size_t size;

	config_defaults(&t->cfg);
	t->cfg.msg_key = (key_t)(0x5e000000 | (getpid() & 0xffffff));
	t->cfg.reply_timeout_usec = 300000;
	live_key = t->cfg.msg_key;
	t->st = testseg_status();
	atomic_store(&t->st->requests_total, 0);
	h = testseg_make(nlinks, 2, 16, &size);
	t->fd = memfd_create("check_dispatcher", 0);
	ck_assert_int_ge(t->fd, 0);
	ck_assert_int_eq(write(t->fd, h, size), (ssize_t)size);
	free(h);
	ck_assert_int_eq(sem_init(&t->sem, 0, 1), 0);
	segmap_gate_init(&t->gate);
	ck_assert_int_eq(dispatcher_start(&t->d, &t->cfg, t->fd, &t->sem, &t->gate, t->st), 0);
	t->qid = msgget(t->cfg.msg_key, 0);
	ck_assert_int_ge(t->qid, 0);
	atomic_init(&t->stop_ticking, false);
	ck_assert_int_eq(pthread_create(&t->ticker, NULL, ticker, t), 0);
}

static void live_stop(struct live *t)
{
	atomic_store(&t->stop_ticking, true);
	pthread_join(t->ticker, NULL);
	dispatcher_stop(t->d);
	segmap_gate_destroy(&t->gate);
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
 * locked out until the sweep the parent's tick asks for removes it
 * (within seconds). */
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
	ck_assert(segmap_gate_close(&t.gate, USEC_PER_SEC));
	/* a segment query waits about a second, then "try again" */
	ck_assert_int_eq(query(&t, PROTO_OP_LINKS, NULL, 0, &a), EAGAIN);
	proto_asm_free(&a);
	/* ping does not need the segment */
	ck_assert_int_eq(query(&t, PROTO_OP_PING, NULL, 0, &a), 0);
	proto_asm_free(&a);
	segmap_gate_open(&t.gate);
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
	TCase *live = tcase_create("live");

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
