/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* proto.c - see proto.h. */
#include "proto.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const op_names[PROTO_OP_MAX] = {
	[PROTO_OP_PING] = "ping",
	[PROTO_OP_STATUS] = "status",
	[PROTO_OP_LINKS] = "links",
};

const char *proto_op_name(unsigned op)
{
	return op > 0 && op < PROTO_OP_MAX && op_names[op] ? op_names[op] : "?";
}

size_t proto_pack_request(struct proto_msg *m, const struct proto_request *rq)
{
	m->mtype = PROTO_REQUEST_TYPE;
	memcpy(&m->u.rq, rq, sizeof(*rq));
	m->u.rq.hdr.magic = PROTO_MAGIC;
	m->u.rq.hdr.version = PROTO_VERSION;
	return sizeof(*rq);
}

int proto_unpack_request(const struct proto_msg *m, size_t len,
			 struct proto_request *ret, long *ret_reply_type)
{
	const struct proto_request *rq = &m->u.rq;

	*ret_reply_type = 0;
	if (len < sizeof(struct proto_hdr) || rq->hdr.magic != PROTO_MAGIC)
		return -EBADMSG;
	*ret_reply_type = rq->hdr.reply_type;
	if (rq->hdr.version != PROTO_VERSION)
		return -EPROTONOSUPPORT;
	if (len != sizeof(*rq))
		return -EMSGSIZE;
	if (rq->hdr.op == 0 || rq->hdr.op >= PROTO_OP_MAX)
		return -EOPNOTSUPP;
	if (rq->hdr.reply_type <= PROTO_REQUEST_TYPE)
		return -EINVAL;
	if (rq->flags & ~PROTO_RQ_FLAGS_ALL)
		return -EINVAL;
	if (!memchr(rq->ifname, '\0', sizeof(rq->ifname)))
		return -EINVAL;
	memcpy(ret, rq, sizeof(*ret));
	return 0;
}

size_t proto_pack_reply(struct proto_msg *m, const struct proto_hdr *rq,
			int status, uint32_t part, bool last,
			const void *payload, size_t len)
{
	struct proto_reply *r = &m->u.rp;

	m->mtype = rq->reply_type;
	r->hdr = *rq;
	r->hdr.magic = PROTO_MAGIC;
	r->hdr.version = PROTO_VERSION;
	r->status = status;
	r->part = part;
	r->flags = last ? PROTO_REPLY_LAST : 0;
	r->len = (uint32_t)len;
	if (len)
		memcpy(m->u.bytes + sizeof(*r), payload, len);
	return sizeof(*r) + len;
}

int proto_unpack_reply(const struct proto_msg *m, size_t len,
		       struct proto_reply *ret, const void **ret_payload)
{
	const struct proto_reply *r = &m->u.rp;

	if (len < sizeof(struct proto_hdr) || r->hdr.magic != PROTO_MAGIC)
		return -EBADMSG;
	if (r->hdr.version != PROTO_VERSION)
		return -EPROTONOSUPPORT;
	if (len < sizeof(*r) || r->len > PROTO_PART_MAX ||
	    len != sizeof(*r) + r->len)
		return -EMSGSIZE;
	if (r->status < 0)
		return -EBADMSG;
	*ret = *r;
	*ret_payload = m->u.bytes + sizeof(*r);
	return 0;
}

uint32_t proto_parts(size_t len)
{
	return len == 0 ? 1 : (uint32_t)((len + PROTO_PART_MAX - 1) / PROTO_PART_MAX);
}

void proto_asm_init(struct proto_asm *a, uint32_t id, uint16_t op)
{
	memset(a, 0, sizeof(*a));
	a->id = id;
	a->op = op;
}

void proto_asm_free(struct proto_asm *a)
{
	free(a->buf);
	free(a->seen);
	a->buf = NULL;
	a->seen = NULL;
}

static int grow(void **p, size_t *cap, size_t need)
{
	size_t n = *cap ? *cap : 64;
	void *q;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	q = realloc(*p, n);
	if (!q)
		return -ENOMEM;
	memset((char *)q + *cap, 0, n - *cap);
	*p = q;
	*cap = n;
	return 0;
}

static int asm_error(struct proto_asm *a, const struct proto_reply *r,
		     const void *payload)
{
	if (a->received > 0 || r->part != 0 || !(r->flags & PROTO_REPLY_LAST))
		return -EPROTO;
	free(a->buf);
	a->buf = malloc(r->len + 1);
	if (!a->buf)
		return -ENOMEM;
	memcpy(a->buf, payload, r->len);
	a->buf[r->len] = '\0';
	a->len = r->len;
	a->cap = r->len + 1;
	a->status = r->status;
	a->received = 1;
	a->have_last = true;
	return 1;
}

int proto_asm_add(struct proto_asm *a, const struct proto_reply *r,
		  const void *payload)
{
	uint64_t off = (uint64_t)r->part * PROTO_PART_MAX, end = off + r->len;
	bool last = r->flags & PROTO_REPLY_LAST;
	int ret;

	if (r->hdr.id != a->id || r->hdr.op != a->op)
		return -ESTALE;
	if (r->status)
		return asm_error(a, r, payload);
	if (a->status)
		return -EPROTO;
	if (end > PROTO_ANSWER_MAX)
		return -EMSGSIZE;
	if (r->part / 8 < a->seen_cap && (a->seen[r->part / 8] >> (r->part % 8)) & 1)
		return -EALREADY;
	if (!last && r->len != PROTO_PART_MAX)
		return -EPROTO;
	if (last && a->have_last)
		return -EPROTO;
	if (a->have_last && r->part > a->last_part)
		return -EPROTO;
	if (last && end < a->len) /* a part beyond this "last" one arrived */
		return -EPROTO;
	ret = grow((void **)&a->seen, &a->seen_cap, r->part / 8 + 1);
	if (ret == 0)
		ret = grow((void **)&a->buf, &a->cap, end ? end : 1);
	if (ret < 0)
		return ret;
	memcpy(a->buf + off, payload, r->len);
	a->seen[r->part / 8] |= (uint8_t)(1u << (r->part % 8));
	a->received++;
	if (end > a->len)
		a->len = end;
	if (last) {
		a->have_last = true;
		a->last_part = r->part;
	}
	return a->have_last && a->received == a->last_part + 1 ? 1 : 0;
}

int proto_pack_links(uint32_t nlinks, uint32_t naddrs, uint32_t generation,
		     void **ret_buf, size_t *ret_len, struct seg_link **ret_links,
		     struct seg_addr **ret_addrs, uint8_t **ret_lflags)
{
	struct proto_links h = {
		.nlinks = nlinks, .naddrs = naddrs,
		.link_size = sizeof(struct seg_link), .addr_size = sizeof(struct seg_addr),
		.generation = generation, .lflag_size = 1,
	};
	size_t len = sizeof(h) + (size_t)nlinks * (sizeof(struct seg_link) + 1) +
		     (size_t)naddrs * sizeof(struct seg_addr);
	char *buf = calloc(1, len);

	if (!buf)
		return -ENOMEM;
	memcpy(buf, &h, sizeof(h));
	*ret_links = (struct seg_link *)(void *)(buf + sizeof(h));
	*ret_addrs = (struct seg_addr *)(void *)(buf + sizeof(h) +
						 (size_t)nlinks * sizeof(struct seg_link));
	*ret_lflags = (uint8_t *)buf + sizeof(h) + (size_t)nlinks * sizeof(struct seg_link) +
		      (size_t)naddrs * sizeof(struct seg_addr);
	*ret_buf = buf;
	*ret_len = len;
	return 0;
}

int proto_unpack_links(const void *buf, size_t len, struct proto_links *ret,
		       const struct seg_link **ret_links,
		       const struct seg_addr **ret_addrs,
		       const uint8_t **ret_lflags)
{
	struct proto_links h;
	uint64_t need;

	if (len < sizeof(h))
		return -EBADMSG;
	memcpy(&h, buf, sizeof(h));
	if (h.link_size != sizeof(struct seg_link) ||
	    h.addr_size != sizeof(struct seg_addr) || h.lflag_size != 1)
		return -EBADMSG;
	need = sizeof(h) + (uint64_t)h.nlinks * (h.link_size + h.lflag_size) +
	       (uint64_t)h.naddrs * h.addr_size;
	if (need != len)
		return -EBADMSG;
	*ret = h;
	*ret_links = (const void *)((const char *)buf + sizeof(h));
	*ret_addrs = (const void *)((const char *)buf + sizeof(h) +
				    (size_t)h.nlinks * h.link_size);
	if (ret_lflags)
		*ret_lflags = (const uint8_t *)buf + sizeof(h) +
			      (size_t)h.nlinks * h.link_size +
			      (size_t)h.naddrs * h.addr_size;
	return 0;
}

int proto_unpack_status(const void *buf, size_t len, struct proto_status *ret)
{
	if (len != sizeof(*ret))
		return -EBADMSG;
	memcpy(ret, buf, sizeof(*ret));
	ret->version[sizeof(ret->version) - 1] = '\0';
	return 0;
}

int proto_unpack_ping(const void *buf, size_t len, struct proto_ping *ret)
{
	if (len != sizeof(*ret))
		return -EBADMSG;
	memcpy(ret, buf, sizeof(*ret));
	return 0;
}
