/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* check_frame.c - frame encode/decode, and every malformed frame. */
#include "frame.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

START_TEST(test_roundtrip)
{
	char buf[FRAME_MAX];
	struct frame_events ev = { .last_seq = 42 };
	struct frame_config cfg = { .log_level = 6, .restarts = 2 };
	const struct frame_hdr *h;
	const void *p;
	int n;

	n = frame_pack(buf, sizeof(buf), FRAME_EVENTS, &ev, sizeof(ev));
	ck_assert_int_eq(n, (int)(sizeof(struct frame_hdr) + sizeof(ev)));
	ck_assert_int_eq(frame_unpack(buf, (size_t)n, &h, &p), 0);
	ck_assert_uint_eq(h->type, FRAME_EVENTS);
	ck_assert_uint_eq(h->len, sizeof(ev));
	ck_assert_mem_eq(p, &ev, sizeof(ev));
	ck_assert_str_eq(frame_type_name(h->type), "events");
	/* The configuration fits one frame. */
	strcpy(cfg.sem_name, "/ipc_sem");
	n = frame_pack(buf, sizeof(buf), FRAME_CONFIG, &cfg, sizeof(cfg));
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(frame_unpack(buf, (size_t)n, &h, &p), 0);
	ck_assert_uint_eq(h->type, FRAME_CONFIG);
	ck_assert_mem_eq(p, &cfg, sizeof(cfg));
}
END_TEST

START_TEST(test_empty_payload)
{
	char buf[FRAME_MAX];
	const struct frame_hdr *h;
	const void *p;
	int n = frame_pack(buf, sizeof(buf), FRAME_SHUTDOWN, NULL, 0);

	ck_assert_int_eq(n, (int)sizeof(struct frame_hdr));
	ck_assert_int_eq(frame_unpack(buf, (size_t)n, &h, &p), 0);
	ck_assert_uint_eq(h->type, FRAME_SHUTDOWN);
}
END_TEST

START_TEST(test_log)
{
	char buf[FRAME_MAX], big[FRAME_MAX * 2];
	const struct frame_hdr *h;
	const void *p;
	const struct frame_log *l;
	int n;

	n = frame_pack_log(buf, sizeof(buf), 4, "netlink overflow");
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(frame_unpack(buf, (size_t)n, &h, &p), 0);
	l = p;
	ck_assert_uint_eq(l->prio, 4);
	ck_assert_uint_eq(h->len - sizeof(*l), strlen("netlink overflow"));
	ck_assert_mem_eq(l->msg, "netlink overflow", strlen("netlink overflow"));

	/* A message too long for one frame is cut, not refused. */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	n = frame_pack_log(buf, sizeof(buf), 6, big);
	ck_assert_int_eq(n, FRAME_MAX);
	ck_assert_int_eq(frame_unpack(buf, (size_t)n, &h, &p), 0);
}
END_TEST

START_TEST(test_pack_refuses_bad_sizes)
{
	char buf[FRAME_MAX];
	struct frame_ping ping = { 1 };

	ck_assert_int_eq(frame_pack(buf, sizeof(buf), FRAME_PING, &ping, sizeof(ping) - 1), -EINVAL);
	ck_assert_int_eq(frame_pack(buf, sizeof(buf), FRAME_SHUTDOWN, &ping, sizeof(ping)), -EINVAL);
	ck_assert_int_eq(frame_pack(buf, sizeof(buf), (enum frame_type)99, NULL, 0), -EINVAL);
	ck_assert_int_eq(frame_pack(buf, 4, FRAME_PING, &ping, sizeof(ping)), -EMSGSIZE);
}
END_TEST

/* Every way a frame can be malformed is refused before the payload is
 * looked at. */
START_TEST(test_malformed)
{
	char good[FRAME_MAX], bad[FRAME_MAX + 16];
	struct frame_ping ping = { 7 };
	struct frame_hdr *hp = (struct frame_hdr *)(void *)bad;
	const struct frame_hdr *h;
	const void *p;
	int n = frame_pack(good, sizeof(good), FRAME_PING, &ping, sizeof(ping));

	ck_assert_int_gt(n, 0);
	/* short: nothing, a partial header, a header without its payload */
	ck_assert_int_eq(frame_unpack(good, 0, &h, &p), -EBADMSG);
	ck_assert_int_eq(frame_unpack(good, 3, &h, &p), -EBADMSG);
	ck_assert_int_eq(frame_unpack(good, sizeof(struct frame_hdr), &h, &p), -EBADMSG);
	/* trailing bytes after the payload */
	memcpy(bad, good, (size_t)n);
	ck_assert_int_eq(frame_unpack(bad, (size_t)n + 1, &h, &p), -EBADMSG);
	/* bad magic */
	memcpy(bad, good, (size_t)n);
	hp->magic ^= 1;
	ck_assert_int_eq(frame_unpack(bad, (size_t)n, &h, &p), -EBADMSG);
	/* unknown types: 0, a gap in the enum, past the end */
	memcpy(bad, good, (size_t)n);
	hp->type = 0;
	ck_assert_int_eq(frame_unpack(bad, (size_t)n, &h, &p), -EBADMSG);
	hp->type = 10;
	ck_assert_int_eq(frame_unpack(bad, (size_t)n, &h, &p), -EBADMSG);
	hp->type = 0xffff;
	ck_assert_int_eq(frame_unpack(bad, (size_t)n, &h, &p), -EBADMSG);
	/* a length the type does not allow, consistent with n */
	memcpy(bad, good, (size_t)n);
	hp->type = FRAME_READY;
	ck_assert_int_eq(frame_unpack(bad, (size_t)n, &h, &p), -EBADMSG);
	/* a length field that lies about n */
	memcpy(bad, good, (size_t)n);
	hp->len = 0xffffffffu;
	ck_assert_int_eq(frame_unpack(bad, (size_t)n, &h, &p), -EBADMSG);
	/* larger than any frame */
	memset(bad, 0, sizeof(bad));
	ck_assert_int_eq(frame_unpack(bad, sizeof(bad), &h, &p), -EBADMSG);
	/* and the good one still passes */
	ck_assert_int_eq(frame_unpack(good, (size_t)n, &h, &p), 0);
}
END_TEST

/* One frame per packet over the socketpair; a full peer is -EAGAIN at
 * once, never a blocked sender. */
START_TEST(test_send)
{
	struct frame_ping ping = { 42 };
	const struct frame_hdr *h;
	const void *p;
	char buf[FRAME_MAX];
	int sv[2], r, sent = 0;
	ssize_t n;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	ck_assert_int_eq(frame_send(sv[0], FRAME_PING, &ping, sizeof(ping)), 0);
	n = recv(sv[1], buf, sizeof(buf), 0);
	ck_assert_int_eq(n, (ssize_t)(sizeof(struct frame_hdr) + sizeof(ping)));
	ck_assert_int_eq(frame_unpack(buf, (size_t)n, &h, &p), 0);
	ck_assert_uint_eq(h->type, FRAME_PING);
	ck_assert_uint_eq(((const struct frame_ping *)p)->cookie, 42);
	ck_assert_int_eq(frame_send(sv[0], FRAME_PING, &ping, 1), -EINVAL);

	while ((r = frame_send(sv[0], FRAME_PING, &ping, sizeof(ping))) == 0)
		ck_assert_int_lt(++sent, 1000000);
	ck_assert_int_eq(r, -EAGAIN);
	ck_assert_int_gt(sent, 0);
	close(sv[1]); /* with unread frames in it: the kernel says reset */
	r = frame_send(sv[0], FRAME_PING, &ping, sizeof(ping));
	ck_assert_msg(r == -EPIPE || r == -ECONNRESET, "got %d", r);
	close(sv[0]);
}
END_TEST

static Suite *frame_suite(void)
{
	Suite *s = suite_create("frame");
	TCase *tc = tcase_create("codec");

	tcase_add_test(tc, test_roundtrip);
	tcase_add_test(tc, test_empty_payload);
	tcase_add_test(tc, test_log);
	tcase_add_test(tc, test_pack_refuses_bad_sizes);
	tcase_add_test(tc, test_malformed);
	tcase_add_test(tc, test_send);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(frame_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
