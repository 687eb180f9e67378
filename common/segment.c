/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* segment.c - layout, growth, the event ring and the read discipline of
 * the shared segment (segment.h).
 *
 * The lock-free parts follow the seqlock of Boehm's "Can seqlocks get
 * along with programming language memory models?" (MSPC 2012): the
 * writer stores the count (odd), issues a release fence, writes the data
 * and stores the count (even) with release; a reader loads the count
 * with acquire, copies, issues an acquire fence and loads the count
 * again.  The copies are plain memcpy, as in the kernel's seqlocks.
 */
#include "segment.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "usec.h"

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
	l->event_offset = off;
	off = align_up(off + (uint64_t)events * sizeof(struct seg_event), SEG_ALIGN);
	l->link_offset = off;
	off = align_up(off + (uint64_t)links * sizeof(struct seg_link), SEG_ALIGN);
	l->addr_offset = off;
	off += (uint64_t)addrs * sizeof(struct seg_addr);
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
	h->start_time_usec = usec_now();
	table_set(&h->events, l->event_offset, sizeof(struct seg_event), l->event_capacity);
	table_set(&h->links, l->link_offset, sizeof(struct seg_link), l->link_capacity);
	table_set(&h->addrs, l->addr_offset, sizeof(struct seg_addr), l->addr_capacity);
	h->events.count = l->event_capacity;
}

int seg_relayout(void *base, const struct seg_layout *l)
{
	struct seg_header *h = base;
	char *b = base;

	if (l->link_capacity < h->links.count || l->addr_capacity < h->addrs.count ||
	    l->event_capacity != h->events.capacity ||
	    l->event_offset != h->events.offset ||
	    l->link_offset < h->links.offset || l->addr_offset < h->addrs.offset)
		return -EINVAL;
	/* Tables only move up: move the higher one first so that neither
	 * overwrites the other before it has moved. */
	memmove(b + l->addr_offset, b + h->addrs.offset,
		(size_t)h->addrs.count * sizeof(struct seg_addr));
	memmove(b + l->link_offset, b + h->links.offset,
		(size_t)h->links.count * sizeof(struct seg_link));
	table_set(&h->links, l->link_offset, sizeof(struct seg_link), l->link_capacity);
	table_set(&h->addrs, l->addr_offset, sizeof(struct seg_addr), l->addr_capacity);
	h->total_size = l->total_size;
	return 0;
}

static bool table_fits(const struct seg_table *t, size_t rsize, size_t mapped)
{
	return t->record_size == rsize && t->count <= t->capacity &&
	       t->offset <= mapped && t->offset % 8 == 0 &&
	       (uint64_t)t->capacity * rsize <= mapped - t->offset;
}

uint32_t seg_abi_version(const void *base)
{
	const struct seg_header *h = base;

	return h->magic == SEG_MAGIC ? h->abi_version : 0;
}

int seg_validate(const void *base, size_t mapped)
{
	const struct seg_header *h = base;

	if (mapped < 16 || h->magic != SEG_MAGIC)
		return -EPROTO;
	if (h->abi_version != SEG_ABI_VERSION)
		return -EPROTONOSUPPORT;
	if (mapped < sizeof(*h) || h->header_size != sizeof(*h))
		return -EPROTO;
	if (h->total_size > mapped)
		return -ERANGE;
	if (!table_fits(&h->events, sizeof(struct seg_event), mapped) ||
	    h->events.capacity == 0 || h->events.count != h->events.capacity ||
	    !table_fits(&h->links, sizeof(struct seg_link), mapped) ||
	    !table_fits(&h->addrs, sizeof(struct seg_addr), mapped))
		return -EPROTO;
	return 0;
}

/* ---- the writer ---- */

bool seg_write_begin(struct seg_header *h)
{
	uint32_t s = __atomic_load_n(&h->seqcount, __ATOMIC_RELAXED);

	if (s & 1)
		return false; /* a dead writer's: stays odd until repaired */
	__atomic_store_n(&h->seqcount, s + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	return true;
}

void seg_write_end(struct seg_header *h)
{
	uint32_t s = __atomic_load_n(&h->seqcount, __ATOMIC_RELAXED);

	__atomic_store_n(&h->seqcount, (s | 1) + 1, __ATOMIC_RELEASE);
}

void seg_event_append(struct seg_header *h, struct seg_event *ev)
{
	struct seg_event *slot;
	uint64_t seq = h->event_last_seq + 1;

	ev->seq = seq;
	if (!ev->time_usec)
		ev->time_usec = usec_now();
	slot = &seg_events(h)[seq % h->events.capacity];
	/* Mark the slot as being rewritten before any byte of it changes. */
	__atomic_store_n(&slot->seq, 0, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	memcpy((char *)slot + sizeof(slot->seq), (const char *)ev + sizeof(ev->seq),
	       sizeof(*ev) - sizeof(ev->seq));
	__atomic_store_n(&slot->seq, seq, __ATOMIC_RELEASE);
	__atomic_store_n(&h->event_last_seq, seq, __ATOMIC_RELEASE);
	h->events_total++;
	if (ev->type < sizeof(h->events_by_type) / sizeof(h->events_by_type[0]))
		h->events_by_type[ev->type]++;
	if (ev->type == SEG_EV_ADDR_NEW || ev->type == SEG_EV_ADDR_DEL) {
		uint64_t *fam = ev->type == SEG_EV_ADDR_NEW ? h->addrs_added : h->addrs_removed;

		fam[ev->family == AF_INET6]++;
	}
	h->last_event_usec = ev->time_usec;
}

void seg_bump(struct seg_header *h)
{
	h->update_time_usec = usec_now();
	__atomic_add_fetch(&h->generation, 1, __ATOMIC_RELEASE);
}

/* ---- readers ---- */

uint64_t seg_event_last_seq(const struct seg_header *h)
{
	return __atomic_load_n(&h->event_last_seq, __ATOMIC_ACQUIRE);
}

uint64_t seg_event_first_seq(const struct seg_header *h)
{
	uint64_t last = seg_event_last_seq(h);

	if (last < h->events.capacity)
		return 1;
	return last - h->events.capacity + 1;
}

int seg_event_read(const struct seg_header *h, uint64_t seq,
		   struct seg_event *ret)
{
	const struct seg_event *slot;
	uint64_t s1, s2;

	if (seq == 0 || seq > seg_event_last_seq(h))
		return -ENOENT;
	slot = &seg_events((struct seg_header *)h)[seq % h->events.capacity];
	s1 = __atomic_load_n(&slot->seq, __ATOMIC_ACQUIRE);
	if (s1 != seq)
		return -ESTALE; /* rewritten, or being rewritten, for a later seq */
	memcpy(ret, slot, sizeof(*ret));
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	s2 = __atomic_load_n(&slot->seq, __ATOMIC_RELAXED);
	if (s2 != seq)
		return -ESTALE;
	ret->seq = seq;
	ret->ifname[SEG_IFNAMSIZ - 1] = '\0';
	ret->text[SEG_EVENT_TEXT - 1] = '\0';
	return 0;
}

uint32_t seg_read_begin(const struct seg_header *h)
{
	return __atomic_load_n(&h->seqcount, __ATOMIC_ACQUIRE);
}

bool seg_read_retry(const struct seg_header *h, uint32_t begin)
{
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return (begin & 1) || __atomic_load_n(&h->seqcount, __ATOMIC_RELAXED) != begin;
}

uint32_t seg_generation(const struct seg_header *h)
{
	return __atomic_load_n(&h->generation, __ATOMIC_ACQUIRE);
}
