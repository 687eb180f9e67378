/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* frame.h - typed, length-framed messages between parent and collector.
 *
 * Carried over socketpair(AF_UNIX, SOCK_SEQPACKET): one frame is one
 * packet, so a receive is one whole frame or nothing.  Like OpenBSD's
 * imsg: a header {type, len}, then len bytes of payload.  The receiver
 * checks the header, the length against the type's bounds, and only then
 * looks at the payload (frame_unpack).  Encoder and decoder sit side by
 * side; the payload structs are the wire format (same host, same build).
 */
#ifndef IPCMON_FRAME_H
#define IPCMON_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "segment.h"

#define FRAME_MAGIC 0x4946u /* "FI" */
#define FRAME_MAX 4096      /* header included */

enum frame_type {
	/* collector -> parent */
	FRAME_READY = 1,    /* first full dump is in the segment: frame_ready */
	FRAME_EVENTS = 2,   /* the ring grew: frame_events (the parent reads
			     * the new events from the ring itself) */
	FRAME_LOG = 3,      /* a log record: frame_log */
	FRAME_STATS = 4,    /* counters: frame_stats */
	FRAME_PONG = 5,     /* answer to a ping: frame_ping */
	FRAME_DUMP_BEGIN = 6, /* a full dump starts: the collector's loop is
			       * busy, pings wait (no payload) */
	FRAME_DUMP_END = 7,   /* it ended (no payload) */
	/* parent -> collector */
	FRAME_CONFIG = 15,  /* the running configuration: frame_config; the
			     * first frame the collector reads, once */
	FRAME_RESYNC = 16,  /* dump again and emit what differs: no payload */
	FRAME_SHUTDOWN = 17,/* stop cleanly: no payload */
	FRAME_SET_LOG_LEVEL = 18, /* frame_log_level */
	FRAME_PING = 19,    /* liveness: frame_ping, answered by PONG */
	FRAME_TYPE_MAX
};

/* A receive buffer for one frame, aligned for the payload structs. */
union frame_buf {
	char buf[FRAME_MAX];
	uint64_t align;
};

struct frame_hdr {
	uint16_t magic;
	uint16_t type;
	uint32_t len;       /* payload bytes after the header */
};

struct frame_ready {
	uint32_t links;
	uint32_t addrs;
	uint64_t dump_usec; /* how long the first dump took */
};

#define FRAME_LOG_MSG_MAX (FRAME_MAX - sizeof(struct frame_hdr) - 8)
struct frame_log {
	uint8_t prio;       /* enum log_level */
	uint8_t _pad[7];
	char msg[];         /* not NUL-terminated on the wire; len says */
};

struct frame_stats {
	uint64_t netlink_events;  /* netlink messages handled */
	uint64_t resyncs;
	uint64_t events_dropped;  /* event frames the parent could not take */
	uint32_t rcvbuf;          /* netlink receive buffer, read back */
	uint32_t _pad;
};

struct frame_events {
	uint64_t last_seq;        /* newest seq in the ring */
};

/* What the collector needs of the configuration, as the parent runs it
 * (not re-read from a file that may have changed since a reload). */
#define FRAME_NAME_MAX 256
#define FRAME_REASON_MAX 160
struct frame_config {
	uint8_t log_level;        /* enum log_level */
	uint8_t _pad[3];
	uint32_t restarts;        /* collectors that ran before this one */
	uint64_t sample_interval_usec;  /* CPU and memory */
	uint64_t stats_interval_usec;   /* link counters */
	uint64_t netlink_rcvbuf;        /* bytes */
	uint64_t heartbeat_usec;        /* send STATS at least this often */
	char sem_name[FRAME_NAME_MAX];  /* NUL-ended */
	char shm_name[FRAME_NAME_MAX];  /* for messages only: fd 4 is it */
	char restart_reason[FRAME_REASON_MAX]; /* how the last one ended, ""
						* for the first */
};

struct frame_log_level {
	uint8_t level;
	uint8_t _pad[7];
};

struct frame_ping {
	uint64_t cookie;
};

/* Build a frame into buf (at least FRAME_MAX bytes).  Returns the total
 * length, or -EMSGSIZE / -EINVAL (payload length outside the type's
 * bounds). */
int frame_pack(void *buf, size_t cap, enum frame_type type,
	       const void *payload, size_t len);

/* Pack and send one frame on a SOCK_SEQPACKET socket without blocking
 * (and without SIGPIPE).  Returns 0, or -errno (-EAGAIN: the peer's
 * buffer is full; nothing was sent). */
int frame_send(int fd, enum frame_type type, const void *payload, size_t len);

/* Pack a log record, cutting msg to what fits. */
int frame_pack_log(void *buf, size_t cap, int prio, const char *msg);

/* Check a received frame of n bytes.  On success returns 0 and points
 * *ret_hdr at the header and *ret_payload at the payload (hdr->len bytes).
 * -EBADMSG: short, bad magic, length disagreeing with n, unknown type or a
 * payload size the type does not allow. */
int frame_unpack(const void *buf, size_t n, const struct frame_hdr **ret_hdr,
		 const void **ret_payload);

/* Receive and check one frame from a SOCK_SEQPACKET socket without
 * blocking.  buf must hold FRAME_MAX bytes, aligned for the payload
 * structs.  Returns 0 (*ret_hdr, *ret_payload point into buf), -EAGAIN
 * (nothing queued), -ECONNRESET (the peer is gone: end of file or
 * reset), -EBADMSG (a bad or oversized frame, dropped) or -errno. */
int frame_recv(int fd, void *buf, const struct frame_hdr **ret_hdr,
	       const void **ret_payload);

/* Name of a frame type for logs ("event"), "?" when unknown. */
const char *frame_type_name(unsigned type);

#endif
