/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* frame.c - see frame.h. */
#include "frame.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

/* Payload bounds per type: fixed-size types have min == max. */
static const struct {
	const char *name;
	size_t min, max;
} frame_types[FRAME_TYPE_MAX] = {
	[FRAME_READY] = { "ready", sizeof(struct frame_ready), sizeof(struct frame_ready) },
	[FRAME_EVENTS] = { "events", sizeof(struct frame_events), sizeof(struct frame_events) },
	[FRAME_LOG] = { "log", sizeof(struct frame_log) + 1, FRAME_MAX - sizeof(struct frame_hdr) },
	[FRAME_STATS] = { "stats", sizeof(struct frame_stats), sizeof(struct frame_stats) },
	[FRAME_PONG] = { "pong", sizeof(struct frame_ping), sizeof(struct frame_ping) },
	[FRAME_DUMP_BEGIN] = { "dump-begin", 0, 0 },
	[FRAME_DUMP_END] = { "dump-end", 0, 0 },
	[FRAME_CONFIG] = { "config", sizeof(struct frame_config), sizeof(struct frame_config) },
	[FRAME_RESYNC] = { "resync", 0, 0 },
	[FRAME_SHUTDOWN] = { "shutdown", 0, 0 },
	[FRAME_SET_LOG_LEVEL] = { "set-log-level", sizeof(struct frame_log_level),
				  sizeof(struct frame_log_level) },
	[FRAME_PING] = { "ping", sizeof(struct frame_ping), sizeof(struct frame_ping) },
};

static int type_known(unsigned type)
{
	return type < FRAME_TYPE_MAX && frame_types[type].name != NULL;
}

const char *frame_type_name(unsigned type)
{
	return type_known(type) ? frame_types[type].name : "?";
}

int frame_pack(void *buf, size_t cap, enum frame_type type,
	       const void *payload, size_t len)
{
	struct frame_hdr h = { FRAME_MAGIC, (uint16_t)type, (uint32_t)len };

	if (!type_known(type) || len < frame_types[type].min || len > frame_types[type].max)
		return -EINVAL;
	if (sizeof(h) + len > cap || sizeof(h) + len > FRAME_MAX)
		return -EMSGSIZE;
	memcpy(buf, &h, sizeof(h));
	if (len)
		memcpy((char *)buf + sizeof(h), payload, len);
	return (int)(sizeof(h) + len);
}

int frame_send(int fd, enum frame_type type, const void *payload, size_t len)
{
	char buf[FRAME_MAX];
	int n = frame_pack(buf, sizeof(buf), type, payload, len);

	if (n < 0)
		return n;
	if (send(fd, buf, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		return -errno;
	return 0;
}

int frame_pack_log(void *buf, size_t cap, int prio, const char *msg)
{
	char tmp[FRAME_MAX];
	struct frame_log *l = (struct frame_log *)(void *)tmp;
	size_t n = strlen(msg);

	if (n > FRAME_LOG_MSG_MAX)
		n = FRAME_LOG_MSG_MAX;
	if (n == 0) {
		msg = " ";
		n = 1;
	}
	memset(l, 0, sizeof(*l));
	l->prio = (uint8_t)prio;
	memcpy(l->msg, msg, n);
	return frame_pack(buf, cap, FRAME_LOG, l, sizeof(*l) + n);
}

int frame_unpack(const void *buf, size_t n, const struct frame_hdr **ret_hdr,
		 const void **ret_payload)
{
	const struct frame_hdr *h = buf;

	if (n < sizeof(*h) || n > FRAME_MAX)
		return -EBADMSG;
	if (h->magic != FRAME_MAGIC || h->len != n - sizeof(*h) || !type_known(h->type))
		return -EBADMSG;
	if (h->len < frame_types[h->type].min || h->len > frame_types[h->type].max)
		return -EBADMSG;
	*ret_hdr = h;
	*ret_payload = (const char *)buf + sizeof(*h);
	return 0;
}

int frame_recv(int fd, void *buf, const struct frame_hdr **ret_hdr,
	       const void **ret_payload)
{
	ssize_t n;

	do
		n = recv(fd, buf, FRAME_MAX, MSG_DONTWAIT | MSG_TRUNC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	if (n == 0)
		return -ECONNRESET;
	/* MSG_TRUNC: n is the packet's real length, so an oversized one
	 * fails the length check instead of passing cut. */
	return frame_unpack(buf, (size_t)n, ret_hdr, ret_payload);
}
