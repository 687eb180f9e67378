/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* event.c - see event.h.  The JSON schema written here is documented in
 * ipcmond(8) (man/ipcmond.8.in): change both together. */
#include "event.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "escape.h"
#include "json.h"
#include "names.h"
#include "usec.h"

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

static const char *const type_names[] = {
	[SEG_EV_LINK_NEW] = "link-new",
	[SEG_EV_LINK_DEL] = "link-del",
	[SEG_EV_LINK_CHANGE] = "link-change",
	[SEG_EV_ADDR_NEW] = "addr-new",
	[SEG_EV_ADDR_DEL] = "addr-del",
	[SEG_EV_RESYNC] = "resync",
	[SEG_EV_DAEMON_START] = "daemon-start",
	[SEG_EV_COLLECTOR_RESTART] = "collector-restart",
	[SEG_EV_DAEMON_STOP] = "daemon-stop",
};

/* The members of "changed", named as the keys of `ip -j link`. */
static const struct {
	uint32_t bit;
	const char *name;
} change_names[] = {
	{ SEG_CH_NAME, "ifname" },       { SEG_CH_FLAGS, "flags" },
	{ SEG_CH_OPERSTATE, "operstate" }, { SEG_CH_CARRIER, "carrier" },
	{ SEG_CH_MTU, "mtu" },           { SEG_CH_ADDRESS, "address" },
	{ SEG_CH_MASTER, "master" },     { SEG_CH_OTHER, "other" },
};

const char *event_type_name(uint16_t type)
{
	return type < ELEMENTSOF(type_names) ? type_names[type] : NULL;
}

static bool is_link(const struct seg_event *ev)
{
	return ev->type == SEG_EV_LINK_NEW || ev->type == SEG_EV_LINK_DEL ||
	       ev->type == SEG_EV_LINK_CHANGE;
}

static bool is_addr(const struct seg_event *ev)
{
	return ev->type == SEG_EV_ADDR_NEW || ev->type == SEG_EV_ADDR_DEL;
}

enum log_level event_level(const struct seg_event *ev)
{
	if (ev->type == SEG_EV_RESYNC || ev->type == SEG_EV_COLLECTOR_RESTART)
		return LOGLEVEL_WARNING;
	return LOGLEVEL_INFO;
}

const char *event_source(const struct seg_event *ev)
{
	if (is_link(ev))
		return "link";
	if (is_addr(ev))
		return "addr";
	switch (ev->type) {
	case SEG_EV_RESYNC: return "netlink";
	case SEG_EV_DAEMON_START:
	case SEG_EV_COLLECTOR_RESTART:
	case SEG_EV_DAEMON_STOP: return "daemon";
	}
	return "event";
}

/* ---- addresses ---- */

static size_t addr_len(const struct seg_event *ev)
{
	return ev->family == AF_INET ? 4 : 16;
}

/* The peer of a point-to-point address, when the event has one. */
static bool has_peer(const struct seg_event *ev)
{
	size_t len = addr_len(ev);

	for (size_t i = 0; i < len; i++)
		if (ev->peer[i])
			return memcmp(ev->peer, ev->addr, len) != 0;
	return false;
}

/* a (16 bytes) as inet_ntop writes it, "?" for a family it does not know. */
static void addr_str(const struct seg_event *ev, const uint8_t *a, char *buf,
		     size_t size)
{
	if (!inet_ntop(ev->family, a, buf, (socklen_t)size))
		snprintf(buf, size, "?");
}

/* ---- the message ---- */

/* Words for an event the collector gave no text. */
static void default_text(const struct seg_event *ev, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN] = "", p[INET6_ADDRSTRLEN] = "";

	switch (ev->type) {
	case SEG_EV_LINK_NEW: snprintf(buf, size, "new"); return;
	case SEG_EV_LINK_DEL: snprintf(buf, size, "deleted"); return;
	case SEG_EV_LINK_CHANGE: snprintf(buf, size, "changed"); return;
	case SEG_EV_ADDR_NEW:
	case SEG_EV_ADDR_DEL:
		addr_str(ev, ev->addr, a, sizeof(a));
		if (has_peer(ev))
			addr_str(ev, ev->peer, p, sizeof(p));
		snprintf(buf, size, "%s %s%s%s/%u",
			 ev->type == SEG_EV_ADDR_NEW ? "added" : "removed", a,
			 p[0] ? " peer " : "", p, (unsigned)ev->prefixlen);
		return;
	case SEG_EV_RESYNC: snprintf(buf, size, "resynced"); return;
	case SEG_EV_DAEMON_START: snprintf(buf, size, "daemon started"); return;
	case SEG_EV_COLLECTOR_RESTART:
		snprintf(buf, size, "collector restarted");
		return;
	case SEG_EV_DAEMON_STOP: snprintf(buf, size, "daemon stopped"); return;
	}
	snprintf(buf, size, "unknown event type %u", (unsigned)ev->type);
}

size_t event_message(const struct seg_event *ev, char *buf, size_t size)
{
	size_t tlen = strnlen(ev->text, SEG_EVENT_TEXT);
	const char *text = ev->text;
	char words[2 * INET6_ADDRSTRLEN + 32];
	int n;

	if (tlen == 0) {
		default_text(ev, words, sizeof(words));
		text = words;
		tlen = strlen(words);
	}
	if (is_link(ev) || is_addr(ev))
		n = snprintf(buf, size, "%.*s (%" PRId32 "): %.*s",
			     (int)strnlen(ev->ifname, SEG_IFNAMSIZ), ev->ifname,
			     ev->ifindex, (int)tlen, text);
	else
		n = snprintf(buf, size, "%.*s", (int)tlen, text);
	return n < 0 ? 0 : (size_t)n;
}

/* ---- lines ---- */

/* The members an event, or a lost notice, adds between "source" and
 * "message". */
typedef void members_fn(struct json *j, const void *arg);

/* "TIME LEVEL SOURCE MESSAGE\n" or the JSON object and "\n", into buf
 * (size >= EVENT_LINE_MIN), NUL-terminated; the message is cut to fit. */
static size_t line(char *buf, size_t size, enum fifo_format fmt,
		   int64_t time_usec, int level, const char *source,
		   const char *msg, size_t msglen, members_fn *members,
		   const void *arg)
{
	const char *lname = config_loglevel_name((enum log_level)level);
	size_t srclen = strnlen(source, EVENT_SOURCE_MAX), len;
	char ts[USEC_ISO_LEN];
	struct json j;

	if (size < EVENT_LINE_MIN) {
		if (size > 0)
			buf[0] = '\0';
		return 0;
	}
	usec_format_iso(time_usec, ts, sizeof(ts));
	if (fmt == FIFO_FORMAT_JSON) {
		/* room for "\n" and the NUL after the object */
		json_init_buf(&j, buf, size - 2);
		json_object_begin(&j, NULL);
		json_str(&j, "time", ts);
		json_str(&j, "level", lname);
		json_bytes(&j, "source", source, srclen);
		if (members)
			members(&j, arg);
		/* last, so that only it is cut: "}" stays free after it */
		json_bytes_cut(&j, "message", msg, msglen, 1, EVENT_TRUNCATED);
		json_object_end(&j);
		len = j.overflow ? 0 : j.len; /* cannot happen above the minimum */
		if (len)
			buf[len++] = '\n';
		buf[len] = '\0';
		return len;
	}
	len = (size_t)snprintf(buf, size, "%s %s ", ts, lname);
	len += escape_text(buf + len, size - len, source, srclen, NULL);
	buf[len++] = ' ';
	len += escape_text_cut(buf + len, size - len - 2, msg, msglen,
			       EVENT_TRUNCATED, NULL);
	buf[len++] = '\n';
	buf[len] = '\0';
	return len;
}

static void event_members(struct json *j, const void *arg)
{
	const struct seg_event *ev = arg;
	const char *type = event_type_name(ev->type);
	char a[INET6_ADDRSTRLEN];

	json_uint(j, "seq", ev->seq);
	json_str(j, "type", type ? type : "unknown");
	if (!is_link(ev) && !is_addr(ev))
		return;
	json_int(j, "ifindex", ev->ifindex);
	json_strn(j, "ifname", ev->ifname, SEG_IFNAMSIZ);
	if (is_addr(ev)) {
		const char *fam = names_family(ev->family);

		if (fam)
			json_str(j, "family", fam);
		else
			json_uint(j, "family", ev->family);
		addr_str(ev, ev->addr, a, sizeof(a));
		json_str(j, "local", a);
		json_uint(j, "prefixlen", ev->prefixlen);
		if (has_peer(ev)) {
			addr_str(ev, ev->peer, a, sizeof(a));
			json_str(j, "address", a);
		}
	}
	if (ev->type == SEG_EV_LINK_CHANGE) {
		json_array_begin(j, "changed");
		for (size_t i = 0; i < ELEMENTSOF(change_names); i++)
			if (ev->changed & change_names[i].bit)
				json_str(j, NULL, change_names[i].name);
		json_array_end(j);
	}
}

size_t event_line(char *buf, size_t size, enum fifo_format fmt,
		  const struct seg_event *ev)
{
	char msg[EVENT_MSG_MAX];
	size_t n = event_message(ev, msg, sizeof(msg));

	if (n >= sizeof(msg))
		n = sizeof(msg) - 1;
	return line(buf, size, fmt, ev->time_usec, (int)event_level(ev),
		    event_source(ev), msg, n, event_members, ev);
}

size_t event_record_line(char *buf, size_t size, enum fifo_format fmt,
			 int64_t time_usec, int level, const char *source,
			 const char *msg)
{
	return line(buf, size, fmt, time_usec, level, source, msg, strlen(msg),
		    NULL, NULL);
}

#define LOST_WHY "the daemon's ring moved past them before they were read"

struct lost {
	uint64_t from, to;
};

static void lost_members(struct json *j, const void *arg)
{
	const struct lost *l = arg;

	json_str(j, "type", "lost");
	json_uint(j, "from_seq", l->from);
	json_uint(j, "to_seq", l->to);
}

size_t event_lost_line(char *buf, size_t size, enum fifo_format fmt,
		       int64_t time_usec, uint64_t from, uint64_t to)
{
	const struct lost l = { from, to };
	char msg[160];
	int n;

	if (from == to)
		n = snprintf(msg, sizeof(msg), "1 event lost (seq %" PRIu64 "): %s",
			     from, LOST_WHY);
	else
		n = snprintf(msg, sizeof(msg),
			     "%" PRIu64 " events lost (seq %" PRIu64 " to %" PRIu64 "): %s",
			     to > from ? to - from + 1 : 0, from, to, LOST_WHY);
	return line(buf, size, fmt, time_usec, LOGLEVEL_WARNING, "ipcmonctl", msg,
		    (size_t)n, lost_members, &l);
}
