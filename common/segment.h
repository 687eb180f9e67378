/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* segment.h - the shared-memory segment: a versioned ABI, like /proc.
 *
 * Layout: a header, then three tables at offsets the header gives (links,
 * addresses, an event ring).  Records are fixed-size; the header says
 * each table's record size, capacity and count so that readers can check
 * the ABI.  The link and address tables are dense (0 .. count-1, no
 * holes, no order: a delete moves the last record into the hole).
 *
 * Writers: only the collector, with the named semaphore held (it sets
 * lock_owner to its pid while it holds it).  Readers in the daemon take
 * the semaphore too.  Clients map the segment read-only and only read the
 * generation word, as a futex.
 *
 * Growth: when a table is full the collector grows the object
 * (ftruncate), remaps, moves the tables (seg_relayout) and bumps
 * total_size; a reader that sees total_size larger than its mapping
 * remaps before it reads a table.  The object never shrinks.
 */
#ifndef IPCMON_SEGMENT_H
#define IPCMON_SEGMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SEG_MAGIC UINT64_C(0x4745534e4f4d5049) /* "IPMONSEG" little-endian */
#define SEG_ABI_VERSION 1

#define SEG_IFNAMSIZ 16 /* IFNAMSIZ */
#define SEG_HWADDR_MAX 32 /* MAX_ADDR_LEN */
#define SEG_KIND_MAX 16
#define SEG_EVENT_TEXT 120

enum seg_state {
	SEG_STATE_STARTING = 0, /* collector has not finished its first dump */
	SEG_STATE_READY = 1,    /* tables equal the kernel's view */
	SEG_STATE_RESYNCING = 2, /* netlink overflowed; a fresh dump is running */
	SEG_STATE_STOPPED = 3    /* the daemon stopped cleanly: waiters are
				  * woken, and this segment is gone */
};

struct seg_table {
	uint64_t offset;      /* from the start of the segment */
	uint32_t record_size; /* sizeof the record: part of the ABI check */
	uint32_t capacity;
	uint32_t count;       /* records in use (ring: slots, = capacity) */
	uint32_t _pad;
};

struct seg_header {
	uint64_t magic;
	uint32_t abi_version;
	uint32_t header_size;
	uint64_t total_size;      /* bytes of the object now */
	/* Futex word, bumped (wrapping) after every change; kept at offset 24
	 * in every ABI version so that any client can wait on it. */
	uint32_t generation;
	uint32_t state;           /* enum seg_state */
	int32_t daemon_pid;
	int32_t collector_pid;
	int32_t lock_owner;       /* pid holding the semaphore, 0 when free */
	uint32_t _pad0;
	int64_t start_time_usec;  /* CLOCK_REALTIME, daemon start */
	int64_t update_time_usec; /* CLOCK_REALTIME, last change */
	int64_t last_event_usec;  /* CLOCK_REALTIME, last event, 0 none */
	uint64_t events_total;
	uint64_t resyncs;         /* netlink overflows recovered by a dump */

	/* CPU and memory, from /proc/stat and /proc/meminfo */
	int64_t sample_time_usec;
	uint32_t cpu_usage_centi; /* percent * 100 over the last interval */
	uint32_t ncpu;
	uint64_t mem_total;       /* bytes */
	uint64_t mem_available;
	uint64_t mem_used;        /* total - available */

	struct seg_table links;
	struct seg_table addrs;
	struct seg_table events;
	uint64_t event_last_seq;  /* newest event's seq, 0 when none yet */
	uint64_t reserved[16];
};

struct seg_counters {
	uint64_t bytes, packets, errors, dropped;
};

struct seg_link {
	int32_t ifindex;
	uint32_t flags;            /* IFF_* as the kernel reports them */
	char name[SEG_IFNAMSIZ];
	char kind[SEG_KIND_MAX];   /* IFLA_INFO_KIND: "veth", "bridge", "" */
	uint8_t operstate;         /* IF_OPER_* */
	uint8_t carrier;           /* 0 or 1 */
	uint8_t addr_len;          /* bytes used in address and broadcast */
	uint8_t _pad0;
	uint16_t link_type;        /* ARPHRD_* */
	uint16_t _pad1;
	uint32_t mtu;
	int32_t master;            /* ifindex, 0 none */
	int32_t link;              /* IFLA_LINK: peer or lower ifindex, 0 none */
	int32_t link_netnsid;      /* -1 when the peer is in this namespace */
	uint8_t address[SEG_HWADDR_MAX];
	uint8_t broadcast[SEG_HWADDR_MAX];
	int64_t last_change_usec;  /* CLOCK_REALTIME of the last state change */
	uint64_t carrier_changes;  /* flaps */
	struct seg_counters rx, tx;
	uint64_t rx_bps, tx_bps;   /* bytes per second over the last interval */
	int64_t stats_time_usec;   /* CLOCK_MONOTONIC of the counter sample */
};

struct seg_addr {
	int32_t ifindex;
	uint8_t family;            /* AF_INET, AF_INET6 */
	uint8_t prefixlen;
	uint8_t scope;             /* RT_SCOPE_* */
	uint8_t _pad0;
	uint32_t flags;            /* IFA_F_* */
	uint8_t local[16];         /* IFA_LOCAL (IFA_ADDRESS when no local) */
	uint8_t peer[16];          /* IFA_ADDRESS when it differs (point-to-point) */
	uint8_t broadcast[16];     /* IPv4 IFA_BROADCAST, zero when none */
	char label[SEG_IFNAMSIZ];
	uint32_t valid_lft;        /* seconds, 0xffffffff forever */
	uint32_t preferred_lft;
};

enum seg_event_type {
	SEG_EV_LINK_NEW = 1,
	SEG_EV_LINK_DEL = 2,
	SEG_EV_LINK_CHANGE = 3,
	SEG_EV_ADDR_NEW = 4,
	SEG_EV_ADDR_DEL = 5,
	SEG_EV_RESYNC = 6,     /* netlink overflowed; changes found follow */
};

/* What a SEG_EV_LINK_CHANGE changed. */
#define SEG_CH_NAME 0x001u
#define SEG_CH_FLAGS 0x002u
#define SEG_CH_OPERSTATE 0x004u
#define SEG_CH_CARRIER 0x008u
#define SEG_CH_MTU 0x010u
#define SEG_CH_ADDRESS 0x020u
#define SEG_CH_MASTER 0x040u
#define SEG_CH_OTHER 0x080u

struct seg_event {
	uint64_t seq;               /* 1, 2, 3, ... assigned by seg_event_append */
	int64_t time_usec;          /* CLOCK_REALTIME */
	uint16_t type;              /* enum seg_event_type */
	uint8_t family;             /* address events */
	uint8_t prefixlen;          /* address events */
	int32_t ifindex;
	uint32_t changed;           /* SEG_CH_* for link changes */
	char ifname[SEG_IFNAMSIZ];  /* the name now (the old name for a delete) */
	uint8_t addr[16];           /* address events */
	char text[SEG_EVENT_TEXT];  /* what changed, for people:
				     * "operstate DOWN -> UP, mtu 1500 -> 9000" */
};

struct seg_layout {
	uint32_t link_capacity, addr_capacity, event_capacity;
	uint64_t link_offset, addr_offset, event_offset;
	uint64_t total_size; /* page-rounded */
};

/* Compute offsets and size for the given capacities. */
void seg_layout_compute(struct seg_layout *l, uint32_t links, uint32_t addrs,
			uint32_t events);

/* Write a fresh header and empty tables into base (total_size bytes). */
void seg_init(void *base, const struct seg_layout *l);

/* Move the tables of the segment at base (mapped at least as large as the
 * new layout) to the new layout's offsets and update the header.  New
 * capacities must not be smaller than the counts in use, and the event
 * capacity does not change.  Returns 0 or -EINVAL. */
int seg_relayout(void *base, const struct seg_layout *l);

/* Check a mapping before reading it: magic, ABI version, record sizes,
 * and that every table lies within mapped bytes.  Returns 0, -EPROTO
 * (not ours or another ABI) or -ERANGE (remap: the object grew). */
int seg_validate(const void *base, size_t mapped);

static inline struct seg_link *seg_links(struct seg_header *h)
{
	return (struct seg_link *)(void *)((char *)h + h->links.offset);
}

static inline struct seg_addr *seg_addrs(struct seg_header *h)
{
	return (struct seg_addr *)(void *)((char *)h + h->addrs.offset);
}

static inline struct seg_event *seg_events(struct seg_header *h)
{
	return (struct seg_event *)(void *)((char *)h + h->events.offset);
}

/* Append ev to the ring: assigns ev->seq (copied back to *ev) and
 * updates events_total and last_event_usec.  ev->time_usec is kept when
 * set, else now.  Does not bump the generation: the writer does once per
 * batch (seg_bump). */
void seg_event_append(struct seg_header *h, struct seg_event *ev);

/* Copy the event with sequence number seq into *ret.  Returns 0, or
 * -ENOENT when it is no longer (or not yet) in the ring. */
int seg_event_get(struct seg_header *h, uint64_t seq, struct seg_event *ret);

/* Oldest seq still in the ring (event_last_seq + 1 when empty). */
uint64_t seg_event_first_seq(const struct seg_header *h);

/* Mark a change: generation++ (atomically, release) and update_time. */
void seg_bump(struct seg_header *h);

/* Wall-clock time in microseconds. */
int64_t seg_now_usec(void);

#endif
