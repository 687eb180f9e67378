/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* check_answer.c - answers built from a segment made in memory. */
#include "answer.h"

#include <check.h>
#include <errno.h>
#include <linux/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testseg.h"
#include "usec.h"

START_TEST(test_answer_links_all)
{
	struct seg_header *h = testseg_make(5, 2, 16, NULL);
	struct daemon_status *st = testseg_status();
	struct proto_request rq = { .hdr.op = PROTO_OP_LINKS, .flags = PROTO_RQ_ADDRS };
	const struct seg_link *l;
	const struct seg_addr *a;
	struct proto_links pl;
	char err[128];
	void *buf;
	size_t len;

	ck_assert_int_eq(answer_request(h, st, &rq, &buf, &len, err, sizeof(err)), 0);
	ck_assert_int_eq(proto_unpack_links(buf, len, &pl, &l, &a, NULL), 0);
	ck_assert_uint_eq(pl.nlinks, 5);
	ck_assert_uint_eq(pl.naddrs, 10);
	ck_assert_str_eq(l[3].name, "if3");
	ck_assert_uint_eq(l[3].mtu, 1503);
	ck_assert_int_eq(a[7].ifindex, 1000 - 3);
	free(buf);

	/* without addresses */
	rq.flags = 0;
	ck_assert_int_eq(answer_request(h, st, &rq, &buf, &len, err, sizeof(err)), 0);
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
	struct seg_header *h = testseg_make(6, 0, 16, NULL);
	struct daemon_status *st = testseg_status();
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

	ck_assert_int_eq(answer_request(h, st, &rq, &buf, &len, err, sizeof(err)), 0);
	ck_assert_int_eq(proto_unpack_links(buf, len, &pl, &l, &a, &lf), 0);
	ck_assert_uint_eq(pl.nlinks, 6);
	for (int i = 0; i < 6; i++)
		ck_assert_msg(lf[i] == want[i], "%s: lflags %u, want %u", l[i].name, lf[i], want[i]);
	free(buf);

	/* one link at a time: the same answers, found in the whole table */
	for (int i = 0; i < 6; i++) {
		snprintf(name, sizeof(name), "if%d", i);
		strcpy(rq.ifname, name);
		ck_assert_int_eq(answer_request(h, st, &rq, &buf, &len, err, sizeof(err)), 0);
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
	struct seg_header *h = testseg_make(5, 3, 16, NULL);
	struct daemon_status *st = testseg_status();
	struct proto_request rq = { .hdr.op = PROTO_OP_LINKS, .flags = PROTO_RQ_ADDRS };
	const struct seg_link *l;
	const struct seg_addr *a;
	struct proto_links pl;
	char err[128] = "";
	void *buf;
	size_t len;

	strcpy(rq.ifname, "if2");
	ck_assert_int_eq(answer_request(h, st, &rq, &buf, &len, err, sizeof(err)), 0);
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
	ck_assert_int_eq(answer_request(h, st, &rq, &buf, &len, err, sizeof(err)), -ENODEV);
	ck_assert_str_eq(err, "no such interface: nope0");
	ck_assert_ptr_null(buf);

	/* no segment yet */
	strcpy(rq.ifname, "if2");
	ck_assert_int_eq(answer_request(NULL, st, &rq, &buf, &len, err, sizeof(err)), -EAGAIN);
	free(h);
	free(st);
}
END_TEST

/* A dead writer left the sequence count odd: the tables may hold a
 * half-written record, so no answer is built from them until the next
 * collector rewrote them. */
START_TEST(test_answer_links_tainted)
{
	struct seg_header *h = testseg_make(3, 1, 8, NULL);
	struct daemon_status *st = testseg_status();
	struct proto_request rq = { .hdr.op = PROTO_OP_LINKS, .flags = PROTO_RQ_ADDRS };
	char err[128] = "";
	void *buf = NULL;
	size_t len = 0;

	seg_write_begin(h); /* and it died there */
	ck_assert_int_eq(answer_request(h, st, &rq, &buf, &len, err, sizeof(err)), -EAGAIN);
	ck_assert_ptr_null(buf);
	ck_assert_ptr_nonnull(strstr(err, "rebuilt"));
	seg_write_end(h);
	ck_assert_int_eq(answer_request(h, st, &rq, &buf, &len, err, sizeof(err)), 0);
	free(buf);
	free(h);
	free(st);
}
END_TEST

START_TEST(test_answer_status)
{
	struct seg_header *h = testseg_make(3, 1, 16, NULL);
	struct daemon_status *st = testseg_status();
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
	ck_assert_int_eq(answer_request(h, st, &rq, &buf, &len, err, sizeof(err)), 0);
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
	ck_assert_int_eq(answer_request(NULL, st, &rq, &buf, &len, err, sizeof(err)), 0);
	ck_assert_int_eq(proto_unpack_status(buf, len, &s), 0);
	ck_assert_int_eq(s.degraded, DEGRADED_STARTING);
	free(buf);
	free(h);
	free(st);
}
END_TEST

static Suite *answer_suite(void)
{
	Suite *s = suite_create("answer");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_answer_links_all);
	tcase_add_test(tc, test_answer_links_one);
	tcase_add_test(tc, test_answer_links_m_down);
	tcase_add_test(tc, test_answer_links_tainted);
	tcase_add_test(tc, test_answer_status);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(answer_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
