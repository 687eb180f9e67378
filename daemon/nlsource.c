/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* nlsource.c - see nlsource.h. */
#include "nlsource.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/socket.h>

#define RECV_ROUNDS 64          /* recvmsg calls per receive */
#define DRAIN_ROUNDS 100000

struct nlsource {
	struct nl_sock *nl;   /* notifications */
	struct nl_sock *dump; /* request/response dumps */
	uint32_t rcvbuf;
	/* the current receive's consumer */
	collector_obj_fn *fn;
	void *arg;
	bool discard;
};

int nlsource_errno(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case NLE_SUCCESS: return 0;
	case NLE_INTR: return -EINTR;
	case NLE_BAD_SOCK: return -EBADF;
	case NLE_AGAIN: return -EAGAIN;
	case NLE_NOMEM: return -ENOMEM;
	case NLE_EXIST: return -EEXIST;
	case NLE_INVAL: return -EINVAL;
	case NLE_RANGE: return -ERANGE;
	case NLE_MSGSIZE: return -EMSGSIZE;
	case NLE_OPNOTSUPP: return -EOPNOTSUPP;
	case NLE_AF_NOSUPPORT: return -EAFNOSUPPORT;
	case NLE_OBJ_NOTFOUND: return -ENOENT;
	case NLE_NOATTR: return -ENODATA;
	case NLE_AF_MISMATCH: return -EAFNOSUPPORT;
	case NLE_SEQ_MISMATCH: return -EPROTO;
	case NLE_MSG_OVERFLOW: return -EOVERFLOW;
	case NLE_MSG_TRUNC: return -EMSGSIZE;
	case NLE_NOADDR: return -EADDRNOTAVAIL;
	case NLE_SRCRT_NOSUPPORT: return -EOPNOTSUPP;
	case NLE_MSG_TOOSHORT: return -EBADMSG;
	case NLE_MSGTYPE_NOSUPPORT: return -EOPNOTSUPP;
	case NLE_OBJ_MISMATCH: return -EINVAL;
	case NLE_NOCACHE: return -ENOENT;
	case NLE_BUSY: return -EBUSY;
	case NLE_PROTO_MISMATCH: return -EPROTONOSUPPORT;
	case NLE_NOACCESS: return -EACCES;
	case NLE_PERM: return -EPERM;
	case NLE_NODEV: return -ENODEV;
	case NLE_IMMUTABLE: return -EROFS;
	case NLE_DUMP_INTR: return -EINTR;
	case NLE_ATTRSIZE: return -EMSGSIZE;
	}
	return -EIO;
}

/* ---- notifications ---- */

static void parsed(struct nl_object *obj, void *arg)
{
	struct nlsource *s = arg;

	s->fn(obj, s->arg);
}

static int on_msg(struct nl_msg *msg, void *arg)
{
	struct nlsource *s = arg;

	if (s->discard)
		return NL_OK;
	/* Messages libnl cannot parse (other types) are skipped. */
	(void)nl_msg_parse(msg, parsed, s);
	return NL_OK;
}

static int receive(void *src, collector_obj_fn *fn, void *arg)
{
	struct nlsource *s = src;
	int overflow = 0, err = 0;

	s->fn = fn;
	s->arg = arg;
	for (int i = 0; i < RECV_ROUNDS; i++) {
		int r = nl_recvmsgs_default(s->nl);

		if (r == -NLE_AGAIN)
			break;
		if (r == -NLE_NOMEM) {
			/* recvmsg said ENOBUFS (libnl calls it NLE_NOMEM):
			 * the kernel dropped messages.  Keep reading what
			 * it still has; the caller resyncs. */
			overflow = -ENOBUFS;
			continue;
		}
		if (r < 0) {
			err = nlsource_errno(r);
			break;
		}
	}
	s->fn = NULL;
	return overflow ? overflow : err;
}

static void drain(void *src)
{
	struct nlsource *s = src;

	s->discard = true;
	for (int i = 0; i < DRAIN_ROUNDS; i++) {
		int r = nl_recvmsgs_default(s->nl);

		if (r == -NLE_AGAIN || (r < 0 && r != -NLE_NOMEM))
			break;
	}
	s->discard = false;
}

static int request_link(void *src, int32_t ifindex)
{
	struct nlsource *s = src;
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
	int r = nl_send_simple(s->nl, RTM_GETLINK, 0, &ifi, sizeof(ifi));

	return r < 0 ? nlsource_errno(r) : 0;
}

/* ---- dumps ---- */

static int dump(void *src, struct nl_cache **ret_links, struct nl_cache **ret_addrs)
{
	struct nlsource *s = src;
	struct nl_cache *links = NULL, *addrs = NULL;
	int r;

	r = rtnl_link_alloc_cache(s->dump, AF_UNSPEC, &links);
	if (r < 0)
		return nlsource_errno(r);
	r = rtnl_addr_alloc_cache(s->dump, &addrs);
	if (r < 0) {
		nl_cache_free(links);
		return nlsource_errno(r);
	}
	*ret_links = links;
	*ret_addrs = addrs;
	return 0;
}

struct stats_ctx {
	struct link_stats *v;
	size_t n, cap;
	int err;
};

/* One RTM_NEWSTATS message of the dump: IFLA_STATS_LINK_64 only. */
static int stats_msg_cb(struct nl_msg *msg, void *arg)
{
	struct stats_ctx *x = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *tb[IFLA_STATS_MAX + 1];
	struct rtnl_link_stats64 st;
	struct link_stats *ls;

	if (nlh->nlmsg_type != RTM_NEWSTATS ||
	    nlmsg_parse(nlh, sizeof(struct if_stats_msg), tb, IFLA_STATS_MAX, NULL) < 0 ||
	    !tb[IFLA_STATS_LINK_64] || nla_len(tb[IFLA_STATS_LINK_64]) < (int)sizeof(st))
		return NL_SKIP;
	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 256;
		struct link_stats *v = realloc(x->v, cap * sizeof(*v));

		if (!v) {
			x->err = -ENOMEM;
			return NL_STOP;
		}
		x->v = v;
		x->cap = cap;
	}
	memcpy(&st, nla_data(tb[IFLA_STATS_LINK_64]), sizeof(st));
	ls = &x->v[x->n++];
	ls->ifindex = ((struct if_stats_msg *)nlmsg_data(nlh))->ifindex;
	ls->rx = (struct seg_counters){ st.rx_bytes, st.rx_packets, st.rx_errors, st.rx_dropped };
	ls->tx = (struct seg_counters){ st.tx_bytes, st.tx_packets, st.tx_errors, st.tx_dropped };
	return NL_OK;
}

/* An RTM_GETSTATS dump asking for the 64-bit link counters only: far
 * cheaper for the kernel (and for us) than a full RTM_GETLINK dump. */
static int dump_stats(void *src, struct link_stats **v, size_t *n, size_t *cap)
{
	struct nlsource *s = src;
	struct if_stats_msg req = {
		.family = AF_UNSPEC,
		.filter_mask = IFLA_STATS_FILTER_BIT(IFLA_STATS_LINK_64),
	};
	struct stats_ctx x = { .v = *v, .cap = *cap };
	/* nl_socket_get_cb returns a reference of its own: put it, or the
	 * socket's callbacks outlive nl_socket_free. */
	struct nl_cb *base = nl_socket_get_cb(s->dump);
	struct nl_cb *cb = base ? nl_cb_clone(base) : NULL;
	int r = cb ? 0 : -NLE_NOMEM;

	nl_cb_put(base);
	if (r == 0)
		r = nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, stats_msg_cb, &x);
	if (r == 0)
		r = nl_send_simple(s->dump, RTM_GETSTATS, NLM_F_DUMP, &req, sizeof(req));
	if (r >= 0)
		r = nl_recvmsgs(s->dump, cb);
	nl_cb_put(cb);
	*v = x.v;
	*cap = x.cap;
	*n = x.n;
	if (r < 0)
		return nlsource_errno(r);
	return x.err;
}

const struct collector_source_ops nlsource_ops = {
	.receive = receive,
	.drain = drain,
	.dump = dump,
	.request_link = request_link,
	.dump_stats = dump_stats,
};

/* ---- set-up ---- */

/* nl_connect() set a 32 KiB buffer: size it now, as root past rmem_max. */
static int size_rcvbuf(struct nlsource *s, uint64_t rcvbuf)
{
	int fd = nl_socket_get_fd(s->nl), want, got = 0;
	socklen_t len = sizeof(got);

	want = rcvbuf > INT32_MAX / 2 ? INT32_MAX / 2 : (int)rcvbuf;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &want, sizeof(want)) < 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &want, sizeof(want)) < 0)
		return -errno;
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &got, &len) < 0)
		return -errno;
	s->rcvbuf = (uint32_t)got;
	return 0;
}

int nlsource_open(uint64_t rcvbuf, struct nlsource **ret)
{
	struct nlsource *s = calloc(1, sizeof(*s));
	int r;

	if (!s)
		return -ENOMEM;
	s->nl = nl_socket_alloc();
	s->dump = nl_socket_alloc();
	r = s->nl && s->dump ? 0 : -NLE_NOMEM;
	if (r == 0) {
		nl_socket_disable_seq_check(s->nl);
		nl_socket_disable_auto_ack(s->nl);
		r = nl_socket_modify_cb(s->nl, NL_CB_VALID, NL_CB_CUSTOM, on_msg, s);
	}
	if (r == 0)
		r = nl_connect(s->nl, NETLINK_ROUTE);
	if (r == 0)
		r = nl_socket_add_memberships(s->nl, RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR,
					      RTNLGRP_IPV6_IFADDR, 0);
	if (r == 0)
		r = nl_socket_set_nonblocking(s->nl);
	if (r == 0)
		r = nl_connect(s->dump, NETLINK_ROUTE);
	if (r < 0) {
		r = nlsource_errno(r);
		goto fail;
	}
	r = size_rcvbuf(s, rcvbuf);
	if (r < 0)
		goto fail;
	*ret = s;
	return 0;
fail:
	nlsource_close(s);
	return r;
}

void nlsource_close(struct nlsource *s)
{
	if (!s)
		return;
	nl_socket_free(s->nl);
	nl_socket_free(s->dump);
	free(s);
}

int nlsource_fd(const struct nlsource *s)
{
	return nl_socket_get_fd(s->nl);
}

uint32_t nlsource_rcvbuf(const struct nlsource *s)
{
	return s->rcvbuf;
}
