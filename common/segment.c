/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* segment.c - layout, growth and the event ring of the shared segment. */
#include "segment.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#define SEG_ALIGN 64
#define SEG_PAGE 4096

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

void seg_layout_compute(struct seg_layout *l, uint32_t links, uint32_t addrs,
			uint32_t events)
{
	uint64_t off = align_up(sizeof(struct seg_header), SEG_ALIGN);

	l->link_capacity = links;
	l->addr_capacity = addrs;
	l->event_capacity = events;
	l->link_offset = off;
	off = align_up(off + (uint64_t)links * sizeof(struct seg_link), SEG_ALIGN);
	l->addr_offset = off;
	off = align_up(off + (uint64_t)addrs * sizeof(struct seg_addr), SEG_ALIGN);
	l->event_offset = off;
	off += (uint64_t)events * sizeof(struct seg_event);
	l->total_size = align_up(off, SEG_PAGE);
}

static void table_set(struct seg_table *t, uint64_t offset, uint32_t size,
		      uint32_t capacity)
{
	t->offset = offset;
	t->record_size = size;
	t->capacity = capacity;
}

void seg_init(void *base, const struct seg_layout *l)
{
	struct seg_header *h = base;

	memset(base, 0, l->total_size);
	h->magic = SEG_MAGIC;
	h->abi_version = SEG_ABI_VERSION;
	h->header_size = sizeof(*h);
	h->total_size = l->total_size;
	h->state = SEG_STATE_STARTING;
	h->start_time_usec = seg_now_usec();
	table_set(&h->links, l->link_offset, sizeof(struct seg_link), l->link_capacity);
	table_set(&h->addrs, l->addr_offset, sizeof(struct seg_addr), l->addr_capacity);
	table_set(&h->events, l->event_offset, sizeof(struct seg_event), l->event_capacity);
	h->events.count = l->event_capacity;
}

int seg_relayout(void *base, const struct seg_layout *l)
{
	struct seg_header *h = base;
	char *b = base;

	if (l->link_capacity < h->links.count || l->addr_capacity < h->addrs.count ||
	    l->event_capacity != h->events.capacity ||
	    l->link_offset < h->links.offset || l->addr_offset < h->addrs.offset ||
	    l->event_offset < h->events.offset)
		return -EINVAL;
	/* Tables only move up: move the highest first so none overwrites
	 * another before it has moved. */
	memmove(b + l->event_offset, b + h->events.offset,
		(size_t)h->events.capacity * sizeof(struct seg_event));
	memmove(b + l->addr_offset, b + h->addrs.offset,
		(size_t)h->addrs.count * sizeof(struct seg_addr));
	memmove(b + l->link_offset, b + h->links.offset,
		(size_t)h->links.count * sizeof(struct seg_link));
	table_set(&h->links, l->link_offset, sizeof(struct seg_link), l->link_capacity);
	table_set(&h->addrs, l->addr_offset, sizeof(struct seg_addr), l->addr_capacity);
	table_set(&h->events, l->event_offset, sizeof(struct seg_event), l->event_capacity);
	h->total_size = l->total_size;
	return 0;
}

static bool table_fits(const struct seg_table *t, size_t rsize, size_t mapped)
{
	return t->record_size == rsize && t->count <= t->capacity &&
	       t->offset <= mapped &&
	       (uint64_t)t->capacity * rsize <= mapped - t->offset;
}

int seg_validate(const void *base, size_t mapped)
{
	const struct seg_header *h = base;

	if (mapped < sizeof(*h) || h->magic != SEG_MAGIC ||
	    h->abi_version != SEG_ABI_VERSION || h->header_size != sizeof(*h))
		return -EPROTO;
	if (h->total_size > mapped)
		return -ERANGE;
	if (!table_fits(&h->links, sizeof(struct seg_link), mapped) ||
	    !table_fits(&h->addrs, sizeof(struct seg_addr), mapped) ||
	    !table_fits(&h->events, sizeof(struct seg_event), mapped) ||
	    h->events.capacity == 0)
		return -EPROTO;
	return 0;
}

void seg_event_append(struct seg_header *h, struct seg_event *ev)
{
	struct seg_event *ring = seg_events(h);

	ev->seq = h->event_last_seq + 1;
	if (!ev->time_usec)
		ev->time_usec = seg_now_usec();
	ring[ev->seq % h->events.capacity] = *ev;
	h->event_last_seq = ev->seq;
	h->events_total++;
	h->last_event_usec = ev->time_usec;
}

uint64_t seg_event_first_seq(const struct seg_header *h)
{
	if (h->event_last_seq < h->events.capacity)
		return 1;
	return h->event_last_seq - h->events.capacity + 1;
}

int seg_event_get(struct seg_header *h, uint64_t seq, struct seg_event *ret)
{
	const struct seg_event *e;

	if (seq == 0 || seq > h->event_last_seq || seq < seg_event_first_seq(h))
		return -ENOENT;
	e = &seg_events(h)[seq % h->events.capacity];
	if (e->seq != seq)
		return -ENOENT;
	*ret = *e;
	return 0;
}

void seg_bump(struct seg_header *h)
{
	h->update_time_usec = seg_now_usec();
	__atomic_add_fetch(&h->generation, 1, __ATOMIC_RELEASE);
}

int64_t seg_now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}
