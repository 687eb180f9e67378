/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* answer.c - see answer.h. */
#include "answer.h"

#include <errno.h>
#include <linux/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "usec.h"

static int answer_ping(const struct daemon_status *st, void **buf, size_t *len)
{
	struct proto_ping *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	p->pid = (int32_t)st->pid;
	p->time_usec = usec_now();
	*buf = p;
	*len = sizeof(*p);
	return 0;
}

static int answer_status(const struct seg_header *h,
			 const struct daemon_status *st, void **buf, size_t *len)
{
	struct proto_status *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	snprintf(s->version, sizeof(s->version), "%s", PACKAGE_VERSION);
	s->pid = (int32_t)st->pid;
	s->collector_pid = (int32_t)atomic_load(&st->collector_pid);
	s->degraded = atomic_load(&st->degraded);
	s->start_usec = st->start_usec;
	s->now_usec = usec_now();
	s->collector_restarts = atomic_load(&st->collector_restarts);
	s->fifo_dropped = atomic_load(&st->fifo_dropped);
	s->requests_total = atomic_load(&st->requests_total);
	s->bad_requests = atomic_load(&st->bad_requests);
	if (h) {
		s->seg_state = h->state;
		s->cpu_usage_centi = h->cpu_usage_centi;
		s->ncpu = h->ncpu;
		s->mem_total = h->mem_total;
		s->mem_used = h->mem_used;
		s->mem_available = h->mem_available;
		s->links = h->links.count;
		s->addrs = h->addrs.count;
		s->events_total = h->events_total;
		s->last_event_usec = h->last_event_usec;
		s->generation = h->generation;
		s->resyncs = h->resyncs;
		s->event_last_seq = h->event_last_seq;
	} else {
		s->seg_state = SEG_STATE_STARTING;
	}
	if (s->degraded == DEGRADED_NONE && s->seg_state == SEG_STATE_STARTING)
		s->degraded = DEGRADED_STARTING;
	if (s->degraded == DEGRADED_NONE && s->seg_state == SEG_STATE_RESYNCING)
		s->degraded = DEGRADED_RESYNCING;
	snprintf(s->state_reason, sizeof(s->state_reason), "%s",
		 daemon_degraded_reason(s->degraded));
	*buf = s;
	*len = sizeof(*s);
	return 0;
}

/* iproute2's M-DOWN rule for a link whose IFLA_LINK device is in this
 * namespace: peer_up is 1 (up), 0 (down) or -1 (not in the table). */
static uint8_t link_lflags(const struct seg_link *l, int peer_up)
{
	if (l->link > 0 && l->link_netnsid == -1 && peer_up != 1)
		return PROTO_LINK_M_DOWN;
	return 0;
}

static int peer_up_scan(const struct seg_link *links, uint32_t n, int32_t ifindex)
{
	for (uint32_t i = 0; i < n; i++)
		if (links[i].ifindex == ifindex)
			return (links[i].flags & IFF_UP) != 0;
	return -1;
}

/* lf[i] for each of the n links of a whole-table copy, through a hash of
 * ifindex -> up: O(n), so 8000 veths do not cost 8000 scans. */
static int lflags_all(const struct seg_link *l, uint32_t n, uint8_t *lf)
{
	struct slot { int32_t ifindex, up; } *t;
	size_t cap = 16, mask, k;

	while (cap < 2 * (size_t)n)
		cap <<= 1;
	mask = cap - 1;
	t = calloc(cap, sizeof(*t));
	if (!t)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++) {
		if (l[i].ifindex <= 0)
			continue;
		for (k = ((uint32_t)l[i].ifindex * 2654435761u) & mask;
		     t[k].ifindex && t[k].ifindex != l[i].ifindex; k = (k + 1) & mask)
			;
		t[k].ifindex = l[i].ifindex;
		t[k].up = (l[i].flags & IFF_UP) != 0;
	}
	for (uint32_t i = 0; i < n; i++) {
		int up = -1;

		if (l[i].link > 0) {
			for (k = ((uint32_t)l[i].link * 2654435761u) & mask;
			     t[k].ifindex && t[k].ifindex != l[i].link; k = (k + 1) & mask)
				;
			if (t[k].ifindex)
				up = t[k].up;
		}
		lf[i] = link_lflags(&l[i], up);
	}
	free(t);
	return 0;
}

static int answer_links(const struct seg_header *h, const struct proto_request *rq,
			void **buf, size_t *len, char *err, size_t errlen)
{
	struct seg_header *hh = (struct seg_header *)h; /* read only here */
	const struct seg_link *links = seg_links(hh);
	const struct seg_addr *addrs = seg_addrs(hh);
	bool one = rq->ifname[0] != '\0';
	uint32_t nl = h->links.count, na = h->addrs.count, i;
	const struct seg_link *match = NULL;
	struct seg_link *lo;
	struct seg_addr *ao;
	uint8_t *lf;
	int r;

	if (h->seqcount & 1) {
		/* Read under the semaphore, an odd count is a dead writer's. */
		snprintf(err, errlen, "the collector died while writing the tables; "
			 "they are being rebuilt, try again");
		return -EAGAIN;
	}
	if (one) {
		for (i = 0; i < h->links.count && !match; i++)
			if (strncmp(links[i].name, rq->ifname, SEG_IFNAMSIZ) == 0)
				match = &links[i];
		if (!match) {
			snprintf(err, errlen, "no such interface: %s", rq->ifname);
			return -ENODEV;
		}
		nl = 1;
		na = 0;
		for (i = 0; i < h->addrs.count; i++)
			na += addrs[i].ifindex == match->ifindex;
	}
	if (!(rq->flags & PROTO_RQ_ADDRS))
		na = 0;
	r = proto_pack_links(nl, na, h->generation, buf, len, &lo, &ao, &lf);
	if (r < 0)
		return r;
	memcpy(lo, one ? match : links, (size_t)nl * sizeof(*lo));
	if (one) {
		lf[0] = link_lflags(match, match->link > 0 ?
				    peer_up_scan(links, h->links.count, match->link) : -1);
	} else if (lflags_all(lo, nl, lf) < 0) {
		free(*buf);
		*buf = NULL;
		return -ENOMEM;
	}
	if (na && !one)
		memcpy(ao, addrs, (size_t)na * sizeof(*ao));
	else if (na)
		for (i = 0; i < h->addrs.count; i++)
			if (addrs[i].ifindex == match->ifindex)
				*ao++ = addrs[i];
	return 0;
}

int answer_request(const struct seg_header *h,
		      const struct daemon_status *st,
		      const struct proto_request *rq, void **ret_buf,
		      size_t *ret_len, char *err, size_t errlen)
{
	*ret_buf = NULL;
	*ret_len = 0;
	switch (rq->hdr.op) {
	case PROTO_OP_PING:
		return answer_ping(st, ret_buf, ret_len);
	case PROTO_OP_STATUS:
		return answer_status(h, st, ret_buf, ret_len);
	case PROTO_OP_LINKS:
		if (!h) {
			snprintf(err, errlen, "the daemon is starting, try again");
			return -EAGAIN;
		}
		return answer_links(h, rq, ret_buf, ret_len, err, errlen);
	}
	snprintf(err, errlen, "unknown operation %u", rq->hdr.op);
	return -EOPNOTSUPP;
}
