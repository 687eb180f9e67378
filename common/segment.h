/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* segment.h - the shared-memory segment: a versioned ABI, like /proc.
 *
 * Layout (ABI 2):
 *
 *   header | event ring | link table | address table
 *
 * The header gives each part's offset, record size and capacity, so that
 * readers can check the ABI.  The event ring comes right after the
 * header and never moves; the tables behind it move up when the object
 * grows (ftruncate, then the tables are moved), and the object never
 * shrinks.  The link and address tables are dense (0 .. count-1, no
 * holes, no order: a delete moves the last record into the hole).
 *
 * Writer: only the collector, with the named semaphore held.  Readers in
 * the daemon (the dispatcher) take the semaphore too.  Clients never do:
 * they map the object read-only and read without any lock:
 *
 * - Events: each ring slot carries its event's sequence number, which the
 *   writer sets to 0 before it rewrites the slot and to the new number
 *   after (seg_event_append).  A reader copies a slot and checks that the
 *   number was the one it wanted before and after the copy
 *   (seg_event_read): then its copy is whole.  event_last_seq is
 *   published after the slot, so every seq up to it has been written.
 * - Tables and figures: every change happens inside the header's
 *   sequence count (odd while the writer changes anything but the ring).
 *   A reader notes an even count, copies, and retries if the count moved
 *   (seg_read_begin / seg_read_retry).  A writer that died inside a
 *   change leaves the count odd: readers see "being written" until the
 *   next collector has rebuilt the tables from a fresh dump.
 * - The generation word is bumped after every change the tables or the
 *   ring saw; waiters FUTEX_WAIT on it.
 */
#ifndef IPCMON_SEGMENT_H
#define IPCMON_SEGMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SEG_MAGIC UINT64_C(0x4745534e4f4d5049) /* "IPMONSEG" little-endian */
#define SEG_ABI_VERSION 2

#define SEG_IFNAMSIZ 16 /* IFNAMSIZ */
#define SEG_HWADDR_MAX 32 /* MAX_ADDR_LEN */
#define SEG_KIND_MAX 16
#define SEG_EVENT_TEXT 176

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

/* Offsets 0, 8 and 24 (magic, abi_version, generation) are the same in
 * every ABI version, so that any client can tell a version it does not
 * read and still wait on the generation word. */
struct seg_header {
	uint64_t magic;
	uint32_t abi_version;
	uint32_t header_size;
	uint64_t total_size;      /* bytes of the object now */
	uint32_t generation;      /* futex word, bumped (wrapping) per change */
	uint32_t state;           /* enum seg_state */
	int32_t daemon_pid;
	int32_t collector_pid;
	int32_t lock_owner;       /* pid holding the semaphore, 0 when free
				   * (for people and tests; never trusted) */
	uint32_t seqcount;        /* odd while the writer changes the tables
				   * or the figures below */
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

	struct seg_table events;  /* right after the header; never moves */
	struct seg_table links;
	struct seg_table addrs;
	uint64_t event_last_seq;  /* newest event's seq, 0 when none yet */

	/* Counters for the metrics, kept by seg_event_append: since the
	 * segment was made (they outlive collector restarts), inside the
	 * sequence count.  The quiet first dump adds nothing. */
	uint64_t events_by_type[16];   /* index: enum seg_event_type */
	uint64_t addrs_added[2];       /* [0] AF_INET, [1] AF_INET6 */
	uint64_t addrs_removed[2];

	/* Written by the parent alone, with atomic stores, outside the
	 * semaphore and the sequence count: what only the parent knows,
	 * refreshed about once a second.  Read each with an atomic load. */
	uint64_t parent_collector_restarts;
	uint64_t parent_fifo_dropped;   /* FIFO lines nobody could take */
	uint64_t parent_requests;       /* queue requests answered */
	uint64_t parent_bad_requests;   /* garbage on the queue */

	/* Zero.  A later field taken from here keeps the ABI version:
	 * readers of this version ignore it. */
	uint64_t reserved[32];
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
	/* Since the link appeared (counted by the collector, not the kernel):
	 * operstate changes by the state entered (index IF_OPER_*, 0..6),
	 * and IFF_UP set and cleared. */
	uint64_t oper_transitions[8];
	uint64_t admin_up, admin_down;
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

/* Every event, of the kernel's objects and of the daemon itself. */
enum seg_event_type {
	SEG_EV_LINK_NEW = 1,
	SEG_EV_LINK_DEL = 2,
	SEG_EV_LINK_CHANGE = 3,
	SEG_EV_ADDR_NEW = 4,
	SEG_EV_ADDR_DEL = 5,
	SEG_EV_RESYNC = 6,            /* a fresh dump replaced the tables
				       * (netlink overflow, or asked for);
				       * text: why, and the changes found,
				       * which follow as events */
	SEG_EV_DAEMON_START = 7,      /* a new daemon's first dump is in */
	SEG_EV_COLLECTOR_RESTART = 8, /* a new collector took over; text:
				       * how the last one ended; the
				       * changes it missed follow */
	SEG_EV_DAEMON_STOP = 9,       /* a clean stop; the segment goes */
	SEG_EV_TYPE_MAX
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

/* One event: a ring slot (256 bytes). */
struct seg_event {
	uint64_t seq;               /* 1, 2, 3, ... (seg_event_append);
				     * 0 while the slot is being rewritten */
	int64_t time_usec;          /* CLOCK_REALTIME */
	uint16_t type;              /* enum seg_event_type */
	uint8_t family;             /* address events: AF_INET, AF_INET6 */
	uint8_t prefixlen;          /* address events */
	int32_t ifindex;            /* link and address events, else 0 */
	uint32_t changed;           /* SEG_CH_* for link changes */
	uint32_t _pad;
	char ifname[SEG_IFNAMSIZ];  /* the name now (the old name for a delete) */
	uint8_t addr[16];           /* address events: IFA_LOCAL */
	uint8_t peer[16];           /* address events: IFA_ADDRESS when it
				     * differs from the local (point-to-point),
				     * zero otherwise */
	char text[SEG_EVENT_TEXT];  /* what changed, for people, NUL-ended:
				     * "operstate DOWN -> UP, mtu 1500 -> 9000" */
};

struct seg_layout {
	uint32_t link_capacity, addr_capacity, event_capacity;
	uint64_t event_offset, link_offset, addr_offset;
	uint64_t total_size; /* page-rounded */
};

/* Compute offsets and size for the given capacities. */
void seg_layout_compute(struct seg_layout *l, uint32_t links, uint32_t addrs,
			uint32_t events);

/* Write a fresh header and empty tables into base (total_size bytes). */
void seg_init(void *base, const struct seg_layout *l);

/* Writer: move the tables of the segment at base (mapped at least as
 * large as the new layout) to the new layout's offsets and update the
 * header, inside seg_write_begin/end.  New capacities must not be smaller
 * than the counts in use, and the ring does not change.  Returns 0 or
 * -EINVAL. */
int seg_relayout(void *base, const struct seg_layout *l);

/* Check a mapping of mapped bytes before reading it: magic, ABI version,
 * record sizes, and that every part lies within mapped bytes.  Returns
 * 0, -EPROTO (not an ipcmon segment, or a damaged one),
 * -EPROTONOSUPPORT (another ABI version: see seg_abi_version) or -ERANGE
 * (remap: the object grew).  A reader without the semaphore calls it
 * inside seg_read_begin/retry. */
int seg_validate(const void *base, size_t mapped);

/* The ABI version of the mapping at base (at least 16 bytes), 0 when it
 * is not an ipcmon segment. */
uint32_t seg_abi_version(const void *base);

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

/* ---- the writer (semaphore held) ---- */

/* Enter a change of the tables or figures: the sequence count becomes
 * odd (it stays odd when a dead writer left it so).  Returns true when
 * it was even, false when a previous writer died inside a change (the
 * tables may hold a half-written record). */
bool seg_write_begin(struct seg_header *h);

/* Leave it: the count becomes even, readers' copies taken meanwhile are
 * retried. */
void seg_write_end(struct seg_header *h);

/* Append ev to the ring: assigns ev->seq (copied back to *ev) and
 * updates events_total and last_event_usec.  ev->time_usec is kept when
 * set, else now.  Lock-free readers see the slot whole or not at all
 * (see above).  Does not bump the generation: the writer does once per
 * batch (seg_bump). */
void seg_event_append(struct seg_header *h, struct seg_event *ev);

/* Mark a change: generation++ (atomically, release) and update_time.
 * The caller wakes futex waiters after it let go of the semaphore. */
void seg_bump(struct seg_header *h);

/* ---- readers (no lock) ---- */

/* The newest event's seq (acquire: every slot up to it is written), and
 * the oldest the ring can still hold. */
uint64_t seg_event_last_seq(const struct seg_header *h);
uint64_t seg_event_first_seq(const struct seg_header *h);

/* Copy event seq into *ret, checking that the copy is whole.  Returns 0,
 * -ENOENT (seq 0 or not yet written) or -ESTALE (overwritten: the ring
 * moved past it, also while we copied). */
int seg_event_read(const struct seg_header *h, uint64_t seq,
		   struct seg_event *ret);

/* A consistent read of the tables and figures: note the count, copy,
 * and retry while seg_read_retry says so.  seg_read_begin returns the
 * count; an odd one means a change is under way (wait or give up:
 * seg_read_retry always says retry for it). */
uint32_t seg_read_begin(const struct seg_header *h);
bool seg_read_retry(const struct seg_header *h, uint32_t begin);

/* The generation word (acquire). */
uint32_t seg_generation(const struct seg_header *h);

#endif
