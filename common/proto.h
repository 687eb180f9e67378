/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* proto.h - requests and replies on the System V message queue.
 *
 * Requests go to the queue with mtype PROTO_REQUEST_TYPE; every reply
 * goes back with mtype = the request's reply_type (the client's pid), so
 * each client reads only its own messages.  Every message starts with
 * struct proto_hdr (magic, version, op, id, reply type), in every protocol
 * version, so that a daemon can answer "wrong version" to any client.
 *
 * An answer is a byte stream cut into parts of at most PROTO_PART_MAX
 * bytes: parts 0..n-1 are full, the last one carries PROTO_REPLY_LAST.
 * The receiver puts part k at offset k * PROTO_PART_MAX (proto_asm), so
 * it can check order, duplicates and the end.  An error is one last part
 * with a positive errno in status and a message as payload.
 *
 * The payload structs are the wire format (same host; the segment's
 * records are reused as they are, the client formats them).  Packers and
 * unpackers sit side by side; unpackers check lengths before reading.
 */
#ifndef IPCMON_PROTO_H
#define IPCMON_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "segment.h"

#define PROTO_MAGIC 0x4350494du /* "MIPC" little-endian */
#define PROTO_VERSION 2  /* 2: no EVENTS op (clients read the ring) */
#define PROTO_REQUEST_TYPE 1L   /* mtype of every request */

/* mtext bytes of one message: the kernel's default msgmax, the largest
 * message an unprivileged sender may rely on. */
#define PROTO_MSG_MAX 8192

/* Largest answer a client accepts (8000 links with 4 addresses each are
 * about 4 MB). */
#define PROTO_ANSWER_MAX (256u << 20)

enum proto_op {
	PROTO_OP_PING = 1,   /* payload: proto_ping */
	PROTO_OP_STATUS = 2, /* payload: proto_status */
	PROTO_OP_LINKS = 3,  /* args ifname, flags; payload: proto_links */
	/* 4 was EVENTS in version 1: clients read the segment's ring */
	PROTO_OP_MAX
};

/* The first bytes of every request and reply, in every version. */
struct proto_hdr {
	uint32_t magic;
	uint16_t version;
	uint16_t op;
	uint32_t id;         /* chosen by the client, echoed in each part */
	int32_t reply_type;  /* request: mtype to answer with (> 1) */
};

#define PROTO_RQ_ADDRS 0x1u   /* links: include the addresses */
#define PROTO_RQ_FLAGS_ALL PROTO_RQ_ADDRS

struct proto_request {
	struct proto_hdr hdr;
	uint32_t flags;             /* PROTO_RQ_* */
	uint32_t _pad;
	uint64_t _reserved;
	char ifname[SEG_IFNAMSIZ];  /* links: this one only ("" all); NUL-ended */
};

#define PROTO_REPLY_LAST 0x1u

struct proto_reply {
	struct proto_hdr hdr;
	int32_t status;     /* 0, or a positive errno; payload: the message */
	uint32_t part;      /* 0, 1, ... */
	uint32_t flags;     /* PROTO_REPLY_LAST */
	uint32_t len;       /* payload bytes after this header */
};

#define PROTO_PART_MAX (PROTO_MSG_MAX - sizeof(struct proto_reply))

/* A message as msgsnd/msgrcv see it. */
struct proto_msg {
	long mtype;
	union {
		struct proto_hdr hdr;
		struct proto_request rq;
		struct proto_reply rp;
		char bytes[PROTO_MSG_MAX];
	} u;
};

/* Payloads. */
struct proto_ping {
	int32_t pid;
	uint32_t _pad;
	int64_t time_usec;   /* CLOCK_REALTIME at the daemon */
};

#define PROTO_VERSION_STR 32
struct proto_status {
	char version[PROTO_VERSION_STR];
	int32_t pid;
	int32_t collector_pid;
	int32_t degraded;          /* enum daemon_degraded, 0 normal */
	uint32_t seg_state;        /* enum seg_state */
	char state_reason[64];     /* why degraded, "" when normal */
	int64_t start_usec;        /* CLOCK_REALTIME */
	int64_t now_usec;
	uint32_t cpu_usage_centi;
	uint32_t ncpu;
	uint64_t mem_total, mem_used, mem_available;
	uint32_t links, addrs;
	uint64_t events_total;
	int64_t last_event_usec;
	uint32_t generation;
	uint32_t _pad;
	uint64_t resyncs;
	uint64_t collector_restarts;
	uint64_t fifo_dropped;
	uint64_t requests_total;
	uint64_t bad_requests;
	uint64_t event_last_seq;
};

/* Followed by nlinks struct seg_link, then naddrs struct seg_addr, then
 * nlinks bytes of PROTO_LINK_* bits, one per link in the same order: what
 * the dispatcher derives from the whole table, which a client holding a
 * one-link answer could not. */
struct proto_links {
	uint32_t nlinks, naddrs;
	uint32_t link_size, addr_size;  /* sizeof the records, checked */
	uint32_t generation;
	uint32_t lflag_size;            /* 1: the bytes after the addresses */
};

/* iproute2's M-DOWN: the link's IFLA_LINK device (a veth peer, a vlan's
 * lower device) is in this namespace and not up, or not known. */
#define PROTO_LINK_M_DOWN 0x1u

/* Fill m as a request; returns the mtext size to give msgsnd. */
size_t proto_pack_request(struct proto_msg *m, const struct proto_request *rq);

/* Check a received request of len mtext bytes and copy it to *ret.
 * *ret_reply_type is set to the header's reply type whenever the header
 * itself is readable (enough bytes and our magic), else to 0: only then
 * may the caller answer an error.  Returns 0, or
 *   -EBADMSG          shorter than the header, or not our magic
 *   -EMSGSIZE         not the size of a request of this version
 *   -EPROTONOSUPPORT  another protocol version
 *   -EOPNOTSUPP       unknown operation
 *   -EINVAL           bad reply type or arguments (unknown flags,
 *                     interface name not NUL-terminated) */
int proto_unpack_request(const struct proto_msg *m, size_t len,
			 struct proto_request *ret, long *ret_reply_type);

/* Fill m as one part of the answer to rq; payload may be NULL when len is
 * 0, len <= PROTO_PART_MAX.  Returns the mtext size to give msgsnd. */
size_t proto_pack_reply(struct proto_msg *m, const struct proto_hdr *rq,
			int status, uint32_t part, bool last,
			const void *payload, size_t len);

/* Check a received reply of len mtext bytes: magic, version, op, and that
 * len matches the header.  *ret_payload points into m.  Returns 0 or
 * -EBADMSG / -EPROTONOSUPPORT / -EMSGSIZE. */
int proto_unpack_reply(const struct proto_msg *m, size_t len,
		       struct proto_reply *ret, const void **ret_payload);

/* Number of parts an answer of len bytes takes (at least 1). */
uint32_t proto_parts(size_t len);

/* Reassembly of one answer on the client side. */
struct proto_asm {
	uint32_t id;
	uint16_t op;
	int status;           /* positive errno of an error reply, else 0 */
	char *buf;            /* the stream (error: the message, NUL-ended) */
	size_t len;           /* bytes of the stream */
	size_t cap;
	uint8_t *seen;        /* one bit per part */
	size_t seen_cap;      /* bytes of seen */
	uint32_t received;    /* distinct parts */
	bool have_last;
	uint32_t last_part;
};

void proto_asm_init(struct proto_asm *a, uint32_t id, uint16_t op);

/* Add one unpacked part.  Returns 1 when the answer is complete, 0 when
 * more parts are needed, and for a part to ignore: -ESTALE (another
 * request's id or op), -EALREADY (a duplicate).  -EPROTO for a part that
 * contradicts the others (short part that is not the last, a part after
 * the last, a second last part, an error reply after data), -EMSGSIZE
 * when the answer exceeds PROTO_ANSWER_MAX, -ENOMEM. */
int proto_asm_add(struct proto_asm *a, const struct proto_reply *r,
		  const void *payload);

void proto_asm_free(struct proto_asm *a);

/* Allocate a links payload (*ret_buf, *ret_len bytes, malloc'd: the
 * caller frees it) for nlinks links and naddrs addresses, fill its
 * header and point at where the caller copies the links, the addresses
 * and one PROTO_LINK_* byte per link.  Returns 0 or -ENOMEM. */
int proto_pack_links(uint32_t nlinks, uint32_t naddrs, uint32_t generation,
		     void **ret_buf, size_t *ret_len, struct seg_link **ret_links,
		     struct seg_addr **ret_addrs, uint8_t **ret_lflags);

/* Check a links payload and point at its tables (which stay in buf):
 * the links, the addresses and the links' PROTO_LINK_* bytes (ret_lflags
 * may be NULL).  Returns 0 or -EBADMSG. */
int proto_unpack_links(const void *buf, size_t len, struct proto_links *ret,
		       const struct seg_link **ret_links,
		       const struct seg_addr **ret_addrs,
		       const uint8_t **ret_lflags);

/* Copy a status payload out; returns 0 or -EBADMSG. */
int proto_unpack_status(const void *buf, size_t len, struct proto_status *ret);
int proto_unpack_ping(const void *buf, size_t len, struct proto_ping *ret);

/* "ping", "status", ... ; "?" when unknown. */
const char *proto_op_name(unsigned op);

#endif
