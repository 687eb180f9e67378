/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* check_proto.c - request/reply encoding, every malformed request, and
 * the reassembly of answers in parts. */
#include "proto.h"

#include <check.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static struct proto_request good_request(void)
{
	struct proto_request rq = { 0 };

	rq.hdr.op = PROTO_OP_LINKS;
	rq.hdr.id = 42;
	rq.hdr.reply_type = 4242;
	rq.flags = PROTO_RQ_ADDRS;
	strcpy(rq.ifname, "veth0");
	return rq;
}

START_TEST(test_request_roundtrip)
{
	struct proto_request rq = good_request(), out;
	struct proto_msg m;
	size_t len = proto_pack_request(&m, &rq);
	long rt = -1;

	ck_assert_int_eq(m.mtype, PROTO_REQUEST_TYPE);
	ck_assert_uint_eq(len, sizeof(struct proto_request));
	ck_assert_int_eq(proto_unpack_request(&m, len, &out, &rt), 0);
	ck_assert_int_eq(rt, 4242);
	ck_assert_uint_eq(out.hdr.magic, PROTO_MAGIC);
	ck_assert_uint_eq(out.hdr.version, PROTO_VERSION);
	ck_assert_uint_eq(out.hdr.op, PROTO_OP_LINKS);
	ck_assert_uint_eq(out.hdr.id, 42);
	ck_assert_uint_eq(out.flags, PROTO_RQ_ADDRS);
	ck_assert_str_eq(out.ifname, "veth0");
}
END_TEST

/* Each malformed case: the error, and whether the reply type is known. */
START_TEST(test_request_malformed)
{
	struct proto_request rq = good_request(), out;
	struct proto_msg m;
	size_t len;
	long rt;

	/* shorter than the header: nobody to answer */
	len = proto_pack_request(&m, &rq);
	ck_assert_int_eq(proto_unpack_request(&m, 0, &out, &rt), -EBADMSG);
	ck_assert_int_eq(rt, 0);
	ck_assert_int_eq(proto_unpack_request(&m, sizeof(struct proto_hdr) - 1, &out, &rt), -EBADMSG);
	ck_assert_int_eq(rt, 0);

	/* not our magic (garbage): nobody to answer */
	m.u.hdr.magic ^= 1;
	ck_assert_int_eq(proto_unpack_request(&m, len, &out, &rt), -EBADMSG);
	ck_assert_int_eq(rt, 0);
	memset(m.u.bytes, 0xa5, sizeof(m.u.bytes));
	ck_assert_int_eq(proto_unpack_request(&m, len, &out, &rt), -EBADMSG);

	/* another version: answerable */
	proto_pack_request(&m, &rq);
	m.u.hdr.version = PROTO_VERSION + 1;
	ck_assert_int_eq(proto_unpack_request(&m, len, &out, &rt), -EPROTONOSUPPORT);
	ck_assert_int_eq(rt, 4242);

	/* wrong sizes: header readable, so answerable */
	proto_pack_request(&m, &rq);
	ck_assert_int_eq(proto_unpack_request(&m, len - 1, &out, &rt), -EMSGSIZE);
	ck_assert_int_eq(rt, 4242);
	ck_assert_int_eq(proto_unpack_request(&m, len + 1, &out, &rt), -EMSGSIZE);
	ck_assert_int_eq(proto_unpack_request(&m, sizeof(struct proto_hdr), &out, &rt), -EMSGSIZE);
	ck_assert_int_eq(proto_unpack_request(&m, PROTO_MSG_MAX, &out, &rt), -EMSGSIZE);

	/* unknown operations */
	m.u.hdr.op = 0;
	ck_assert_int_eq(proto_unpack_request(&m, len, &out, &rt), -EOPNOTSUPP);
	m.u.hdr.op = PROTO_OP_MAX;
	ck_assert_int_eq(proto_unpack_request(&m, len, &out, &rt), -EOPNOTSUPP);
	m.u.hdr.op = 0xffff;
	ck_assert_int_eq(proto_unpack_request(&m, len, &out, &rt), -EOPNOTSUPP);

	/* reply types that cannot be a client's */
	proto_pack_request(&m, &rq);
	m.u.hdr.reply_type = 1; /* the request type itself */
	ck_assert_int_eq(proto_unpack_request(&m, len, &out, &rt), -EINVAL);
	m.u.hdr.reply_type = 0;
	ck_assert_int_eq(proto_unpack_request(&m, len, &out, &rt), -EINVAL);
	m.u.hdr.reply_type = -7;
	ck_assert_int_eq(proto_unpack_request(&m, len, &out, &rt), -EINVAL);

	/* unknown flags */
	proto_pack_request(&m, &rq);
	m.u.rq.flags |= 0x80;
	ck_assert_int_eq(proto_unpack_request(&m, len, &out, &rt), -EINVAL);

	/* an interface name without its NUL */
	proto_pack_request(&m, &rq);
	memset(m.u.rq.ifname, 'x', sizeof(m.u.rq.ifname));
	ck_assert_int_eq(proto_unpack_request(&m, len, &out, &rt), -EINVAL);
}
END_TEST

START_TEST(test_reply_roundtrip)
{
	struct proto_request rq = good_request();
	struct proto_reply rp;
	struct proto_msg m;
	const void *pl;
	size_t len;

	len = proto_pack_reply(&m, &rq.hdr, 0, 3, true, "hello", 5);
	ck_assert_int_eq(m.mtype, 4242);
	ck_assert_int_eq(proto_unpack_reply(&m, len, &rp, &pl), 0);
	ck_assert_uint_eq(rp.hdr.id, 42);
	ck_assert_uint_eq(rp.part, 3);
	ck_assert_uint_eq(rp.flags, PROTO_REPLY_LAST);
	ck_assert_uint_eq(rp.len, 5);
	ck_assert_mem_eq(pl, "hello", 5);

	ck_assert_int_eq(proto_unpack_reply(&m, len - 1, &rp, &pl), -EMSGSIZE);
	ck_assert_int_eq(proto_unpack_reply(&m, len + 1, &rp, &pl), -EMSGSIZE);
	ck_assert_int_eq(proto_unpack_reply(&m, 3, &rp, &pl), -EBADMSG);
	m.u.rp.len = PROTO_PART_MAX + 1;
	ck_assert_int_eq(proto_unpack_reply(&m, len, &rp, &pl), -EMSGSIZE);
	proto_pack_reply(&m, &rq.hdr, 0, 3, true, "hello", 5);
	m.u.hdr.version = 99;
	ck_assert_int_eq(proto_unpack_reply(&m, len, &rp, &pl), -EPROTONOSUPPORT);
	m.u.hdr.version = PROTO_VERSION;
	m.u.hdr.magic = 0;
	ck_assert_int_eq(proto_unpack_reply(&m, len, &rp, &pl), -EBADMSG);

	ck_assert_uint_eq(proto_parts(0), 1);
	ck_assert_uint_eq(proto_parts(1), 1);
	ck_assert_uint_eq(proto_parts(PROTO_PART_MAX), 1);
	ck_assert_uint_eq(proto_parts(PROTO_PART_MAX + 1), 2);
}
END_TEST

/* An answer of n bytes (pattern) cut in parts, as the dispatcher sends. */
struct parts {
	struct proto_reply r[16];
	char *data;
	size_t len;
	uint32_t n;
};

static void make_parts(struct parts *p, size_t len, uint32_t id)
{
	struct proto_hdr h = { .magic = PROTO_MAGIC, .version = PROTO_VERSION,
			       .op = PROTO_OP_LINKS, .id = id, .reply_type = 99 };

	p->len = len;
	p->data = malloc(len + 1);
	for (size_t i = 0; i < len; i++)
		p->data[i] = (char)(i * 7 + i / 251);
	p->n = proto_parts(len);
	ck_assert_uint_le(p->n, 16);
	for (uint32_t k = 0; k < p->n; k++) {
		size_t off = (size_t)k * PROTO_PART_MAX;

		p->r[k].hdr = h;
		p->r[k].status = 0;
		p->r[k].part = k;
		p->r[k].flags = k + 1 == p->n ? PROTO_REPLY_LAST : 0;
		p->r[k].len = (uint32_t)(len - off < PROTO_PART_MAX ? len - off : PROTO_PART_MAX);
	}
}

static const void *payload_of(const struct parts *p, uint32_t k)
{
	return p->data + (size_t)k * PROTO_PART_MAX;
}

START_TEST(test_asm_in_order)
{
	struct parts p;
	struct proto_asm a;
	uint32_t k;

	make_parts(&p, 3 * PROTO_PART_MAX + 100, 7);
	proto_asm_init(&a, 7, PROTO_OP_LINKS);
	for (k = 0; k + 1 < p.n; k++)
		ck_assert_int_eq(proto_asm_add(&a, &p.r[k], payload_of(&p, k)), 0);
	ck_assert_int_eq(proto_asm_add(&a, &p.r[k], payload_of(&p, k)), 1);
	ck_assert_uint_eq(a.len, p.len);
	ck_assert_mem_eq(a.buf, p.data, p.len);
	ck_assert_int_eq(a.status, 0);
	proto_asm_free(&a);
	free(p.data);

	/* an empty answer is one empty last part */
	make_parts(&p, 0, 8);
	proto_asm_init(&a, 8, PROTO_OP_LINKS);
	ck_assert_int_eq(proto_asm_add(&a, &p.r[0], p.data), 1);
	ck_assert_uint_eq(a.len, 0);
	proto_asm_free(&a);
	free(p.data);
}
END_TEST

START_TEST(test_asm_out_of_order)
{
	static const uint32_t order[] = { 3, 1, 0, 2 };
	struct parts p;
	struct proto_asm a;

	make_parts(&p, 3 * PROTO_PART_MAX + 5, 9);
	proto_asm_init(&a, 9, PROTO_OP_LINKS);
	for (size_t i = 0; i < 4; i++)
		ck_assert_int_eq(proto_asm_add(&a, &p.r[order[i]], payload_of(&p, order[i])),
				 i == 3 ? 1 : 0);
	ck_assert_uint_eq(a.len, p.len);
	ck_assert_mem_eq(a.buf, p.data, p.len);
	proto_asm_free(&a);
	free(p.data);
}
END_TEST

START_TEST(test_asm_duplicate_and_stale)
{
	struct parts p, other;
	struct proto_asm a;

	make_parts(&p, 2 * PROTO_PART_MAX + 1, 11);
	make_parts(&other, 10, 12); /* another request's answer */
	proto_asm_init(&a, 11, PROTO_OP_LINKS);
	ck_assert_int_eq(proto_asm_add(&a, &p.r[0], payload_of(&p, 0)), 0);
	ck_assert_int_eq(proto_asm_add(&a, &p.r[0], payload_of(&p, 0)), -EALREADY);
	ck_assert_int_eq(proto_asm_add(&a, &other.r[0], other.data), -ESTALE);
	other.r[0].hdr.id = 11;
	other.r[0].hdr.op = PROTO_OP_STATUS; /* same id, other op */
	ck_assert_int_eq(proto_asm_add(&a, &other.r[0], other.data), -ESTALE);
	ck_assert_int_eq(proto_asm_add(&a, &p.r[1], payload_of(&p, 1)), 0);
	ck_assert_int_eq(proto_asm_add(&a, &p.r[2], payload_of(&p, 2)), 1);
	ck_assert_mem_eq(a.buf, p.data, p.len);
	proto_asm_free(&a);
	free(p.data);
	free(other.data);
}
END_TEST

START_TEST(test_asm_missing_last)
{
	struct parts p;
	struct proto_asm a;

	make_parts(&p, 3 * PROTO_PART_MAX, 13);
	proto_asm_init(&a, 13, PROTO_OP_LINKS);
	/* every part but the last: never complete */
	ck_assert_int_eq(proto_asm_add(&a, &p.r[0], payload_of(&p, 0)), 0);
	ck_assert_int_eq(proto_asm_add(&a, &p.r[1], payload_of(&p, 1)), 0);
	ck_assert(!a.have_last);
	/* the last without a middle one: still not complete */
	proto_asm_free(&a);
	proto_asm_init(&a, 13, PROTO_OP_LINKS);
	ck_assert_int_eq(proto_asm_add(&a, &p.r[0], payload_of(&p, 0)), 0);
	ck_assert_int_eq(proto_asm_add(&a, &p.r[2], payload_of(&p, 2)), 0);
	ck_assert_int_eq(proto_asm_add(&a, &p.r[1], payload_of(&p, 1)), 1);
	proto_asm_free(&a);
	free(p.data);
}
END_TEST

START_TEST(test_asm_contradictions)
{
	struct parts p;
	struct proto_asm a;
	struct proto_reply r;

	make_parts(&p, 2 * PROTO_PART_MAX + 10, 14);
	/* a short part that is not the last */
	proto_asm_init(&a, 14, PROTO_OP_LINKS);
	r = p.r[0];
	r.len = 10;
	ck_assert_int_eq(proto_asm_add(&a, &r, p.data), -EPROTO);
	proto_asm_free(&a);

	/* a part after the last */
	proto_asm_init(&a, 14, PROTO_OP_LINKS);
	ck_assert_int_eq(proto_asm_add(&a, &p.r[2], payload_of(&p, 2)), 0);
	r = p.r[1];
	r.part = 3;
	ck_assert_int_eq(proto_asm_add(&a, &r, payload_of(&p, 1)), -EPROTO);
	/* a second last part */
	r = p.r[2];
	r.part = 1;
	ck_assert_int_eq(proto_asm_add(&a, &r, payload_of(&p, 2)), -EPROTO);
	/* an error after data */
	r = p.r[0];
	r.status = EIO;
	r.flags = PROTO_REPLY_LAST;
	r.part = 0;
	ck_assert_int_eq(proto_asm_add(&a, &r, "x"), -EPROTO);
	proto_asm_free(&a);

	/* a last part that ends before data already received */
	proto_asm_init(&a, 14, PROTO_OP_LINKS);
	ck_assert_int_eq(proto_asm_add(&a, &p.r[1], payload_of(&p, 1)), 0);
	r = p.r[0];
	r.flags = PROTO_REPLY_LAST;
	ck_assert_int_eq(proto_asm_add(&a, &r, p.data), -EPROTO);
	proto_asm_free(&a);

	/* beyond the largest answer */
	proto_asm_init(&a, 14, PROTO_OP_LINKS);
	r = p.r[0];
	r.part = PROTO_ANSWER_MAX / PROTO_PART_MAX + 1;
	ck_assert_int_eq(proto_asm_add(&a, &r, p.data), -EMSGSIZE);
	proto_asm_free(&a);
	free(p.data);
}
END_TEST

START_TEST(test_asm_error_reply)
{
	struct proto_hdr h = { .magic = PROTO_MAGIC, .version = PROTO_VERSION,
			       .op = PROTO_OP_LINKS, .id = 5, .reply_type = 99 };
	struct proto_msg m;
	struct proto_reply r;
	struct proto_asm a;
	const void *pl;
	size_t len;

	len = proto_pack_reply(&m, &h, ENODEV, 0, true, "no such interface: x", 20);
	ck_assert_int_eq(proto_unpack_reply(&m, len, &r, &pl), 0);
	proto_asm_init(&a, 5, PROTO_OP_LINKS);
	ck_assert_int_eq(proto_asm_add(&a, &r, pl), 1);
	ck_assert_int_eq(a.status, ENODEV);
	ck_assert_str_eq(a.buf, "no such interface: x");
	proto_asm_free(&a);
}
END_TEST

START_TEST(test_payloads)
{
	struct {
		struct proto_links h;
		struct seg_link l[2];
		struct seg_addr a[3];
		uint8_t lf[2];
	} p = { 0 };
	const struct seg_link *l;
	const struct seg_addr *a;
	const uint8_t *lf;
	struct proto_links h;

	p.h.nlinks = 2;
	p.h.naddrs = 3;
	p.h.link_size = sizeof(struct seg_link);
	p.h.addr_size = sizeof(struct seg_addr);
	p.h.lflag_size = 1;
	/* offsetof: the struct's tail padding is not part of the payload */
	size_t size = offsetof(__typeof__(p), lf) + sizeof(p.lf);

	p.l[1].ifindex = 77;
	p.a[2].ifindex = 78;
	p.lf[1] = PROTO_LINK_M_DOWN;
	ck_assert_int_eq(proto_unpack_links(&p, size, &h, &l, &a, &lf), 0);
	ck_assert_int_eq(l[1].ifindex, 77);
	ck_assert_int_eq(a[2].ifindex, 78);
	ck_assert_uint_eq(lf[0], 0);
	ck_assert_uint_eq(lf[1], PROTO_LINK_M_DOWN);
	ck_assert_int_eq(proto_unpack_links(&p, size, &h, &l, &a, NULL), 0);
	ck_assert_int_eq(proto_unpack_links(&p, size - 1, &h, &l, &a, NULL), -EBADMSG);
	ck_assert_int_eq(proto_unpack_links(&p, size + 1, &h, &l, &a, NULL), -EBADMSG);
	ck_assert_int_eq(proto_unpack_links(&p, 3, &h, &l, &a, NULL), -EBADMSG);
	p.h.nlinks = 0xffffffff; /* counts that overflow 32 bits */
	ck_assert_int_eq(proto_unpack_links(&p, size, &h, &l, &a, NULL), -EBADMSG);
	p.h.nlinks = 2;
	p.h.link_size--;
	ck_assert_int_eq(proto_unpack_links(&p, size, &h, &l, &a, NULL), -EBADMSG);
	p.h.link_size++;
	p.h.lflag_size = 0; /* a payload without the per-link bytes */
	ck_assert_int_eq(proto_unpack_links(&p, size - 2, &h, &l, &a, NULL), -EBADMSG);
}
END_TEST

static Suite *proto_suite(void)
{
	Suite *s = suite_create("proto");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_request_roundtrip);
	tcase_add_test(tc, test_request_malformed);
	tcase_add_test(tc, test_reply_roundtrip);
	tcase_add_test(tc, test_asm_in_order);
	tcase_add_test(tc, test_asm_out_of_order);
	tcase_add_test(tc, test_asm_duplicate_and_stale);
	tcase_add_test(tc, test_asm_missing_last);
	tcase_add_test(tc, test_asm_contradictions);
	tcase_add_test(tc, test_asm_error_reply);
	tcase_add_test(tc, test_payloads);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(proto_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
