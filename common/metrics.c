/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* metrics.c - see metrics.h.
 *
 * The format wants every sample of a family together, under one HELP
 * and TYPE: the text is written family by family, each a pass over
 * every source's links.  What every sample of a link repeats, its labels
 * ipcmon_instance="x",device="y" escaped, is written once per link
 * before the passes, and each family's full name once per render; no
 * printf, no intermediate copy of the text.
 */
#include "metrics.h"

#include <errno.h>
#include <inttypes.h>
#include <linux/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "escape.h"
#include "event.h"
#include "names.h"

enum family {
	/* per link, node_exporter's names (netdev) */
	F_RX_BYTES, F_RX_PACKETS, F_RX_ERRS, F_RX_DROP,
	F_TX_BYTES, F_TX_PACKETS, F_TX_ERRS, F_TX_DROP,
	/* per link, node_exporter's names (netclass) */
	F_UP, F_INFO, F_CARRIER, F_CARRIER_CHANGES, F_MTU, F_FLAGS,
	F_IFACE_ID, F_IFACE_LINK, F_PROTOCOL_TYPE,
	/* per link, ipcmon's own */
	F_LAST_CHANGE, F_OPER_TRANSITIONS, F_ADMIN_TRANSITIONS,
	/* per instance */
	F_IPCMON_UP, F_READY, F_START_TIME, F_LINKS, F_LINKS_CREATED,
	F_LINKS_DELETED, F_ADDRS_ADDED, F_ADDRS_REMOVED, F_EVENTS, F_RESYNCS,
	F_COLLECTOR_RESTARTS, F_FIFO_DROPPED, F_REQUESTS, F_BAD_REQUESTS,
	F_CPU_USAGE, F_CPU_COUNT, F_MEM_TOTAL, F_MEM_AVAILABLE, F_MEM_USED,
	F_COUNT
};

static const struct {
	bool network;     /* takes the network prefix (ipcmon_ or node_) */
	const char *name; /* after the prefix */
	const char *type;
	const char *help;
} families[F_COUNT] = {
	[F_RX_BYTES] = { true, "network_receive_bytes_total", "counter",
		"Bytes received (IFLA_STATS64 rx_bytes)." },
	[F_RX_PACKETS] = { true, "network_receive_packets_total", "counter",
		"Packets received (rx_packets)." },
	[F_RX_ERRS] = { true, "network_receive_errs_total", "counter",
		"Receive errors (rx_errors)." },
	[F_RX_DROP] = { true, "network_receive_drop_total", "counter",
		"Received packets dropped (rx_dropped)." },
	[F_TX_BYTES] = { true, "network_transmit_bytes_total", "counter",
		"Bytes transmitted (tx_bytes)." },
	[F_TX_PACKETS] = { true, "network_transmit_packets_total", "counter",
		"Packets transmitted (tx_packets)." },
	[F_TX_ERRS] = { true, "network_transmit_errs_total", "counter",
		"Transmit errors (tx_errors)." },
	[F_TX_DROP] = { true, "network_transmit_drop_total", "counter",
		"Packets dropped on transmit (tx_dropped)." },
	[F_UP] = { true, "network_up", "gauge",
		"1 if the operstate is 'up', 0 otherwise." },
	[F_INFO] = { true, "network_info", "gauge",
		"Non-numeric data of the link (IFLA_ADDRESS, IFLA_BROADCAST, IFLA_OPERSTATE, "
		"IFF_UP, IFLA_IFALIAS, IFLA_INFO_KIND), value is always 1." },
	[F_CARRIER] = { true, "network_carrier", "gauge",
		"1 if the link has a carrier (IFLA_CARRIER), 0 otherwise." },
	[F_CARRIER_CHANGES] = { true, "network_carrier_changes_total", "counter",
		"Carrier changes the kernel counted (IFLA_CARRIER_CHANGES)." },
	[F_MTU] = { true, "network_mtu_bytes", "gauge",
		"The link's MTU (IFLA_MTU)." },
	[F_FLAGS] = { true, "network_flags", "gauge",
		"The link's IFF_* flags (ifi_flags)." },
	[F_IFACE_ID] = { true, "network_iface_id", "gauge",
		"The link's ifindex." },
	[F_IFACE_LINK] = { true, "network_iface_link", "gauge",
		"The ifindex of the peer or lower link (IFLA_LINK), the link's own without one." },
	[F_PROTOCOL_TYPE] = { true, "network_protocol_type", "gauge",
		"The link's ARPHRD_* type (ifi_type)." },
	[F_LAST_CHANGE] = { false, "ipcmon_network_last_change_timestamp_seconds", "gauge",
		"When the link last changed (flags, operstate, carrier, mtu, address, name, "
		"master), seconds since the epoch." },
	[F_OPER_TRANSITIONS] = { false, "ipcmon_network_operstate_transitions_total", "counter",
		"Operstate changes since the link appeared, by the state entered "
		"('up' and 'down' always, others once seen)." },
	[F_ADMIN_TRANSITIONS] = { false, "ipcmon_network_adminstate_transitions_total", "counter",
		"IFF_UP set (adminstate 'up') and cleared ('down') since the link appeared." },
	[F_IPCMON_UP] = { false, "ipcmon_up", "gauge",
		"1 if the instance's segment was read, 0 if not (another ABI, or changes that "
		"did not settle)." },
	[F_READY] = { false, "ipcmon_ready", "gauge",
		"1 if the daemon's tables equal the kernel's (first dump in, no resync "
		"under way), 0 otherwise." },
	[F_START_TIME] = { false, "ipcmon_start_time_seconds", "gauge",
		"When the daemon started, seconds since the epoch." },
	[F_LINKS] = { false, "ipcmon_network_links", "gauge",
		"Links in the namespace now." },
	[F_LINKS_CREATED] = { false, "ipcmon_network_links_created_total", "counter",
		"Links created (RTM_NEWLINK of a new ifindex), however short their life." },
	[F_LINKS_DELETED] = { false, "ipcmon_network_links_deleted_total", "counter",
		"Links deleted (RTM_DELLINK)." },
	[F_ADDRS_ADDED] = { false, "ipcmon_network_addresses_added_total", "counter",
		"Addresses added (RTM_NEWADDR of a new address), by family." },
	[F_ADDRS_REMOVED] = { false, "ipcmon_network_addresses_removed_total", "counter",
		"Addresses removed (RTM_DELADDR), by family." },
	[F_EVENTS] = { false, "ipcmon_events_total", "counter",
		"Events written to the daemon's ring, by type." },
	[F_RESYNCS] = { false, "ipcmon_netlink_resyncs_total", "counter",
		"Netlink overflows (ENOBUFS) recovered by a fresh dump." },
	[F_COLLECTOR_RESTARTS] = { false, "ipcmon_collector_restarts_total", "counter",
		"Collector processes the daemon replaced." },
	[F_FIFO_DROPPED] = { false, "ipcmon_fifo_lines_dropped_total", "counter",
		"Event and log lines the FIFO could not take (no reader, or full)." },
	[F_REQUESTS] = { false, "ipcmon_requests_total", "counter",
		"Queries answered on the message queue." },
	[F_BAD_REQUESTS] = { false, "ipcmon_bad_requests_total", "counter",
		"Malformed messages received on the message queue." },
	[F_CPU_USAGE] = { false, "ipcmon_cpu_usage_ratio", "gauge",
		"Share of CPU time busy over the last sample interval, all CPUs "
		"(/proc/stat), 0 to 1." },
	[F_CPU_COUNT] = { false, "ipcmon_cpus", "gauge",
		"CPUs in /proc/stat." },
	[F_MEM_TOTAL] = { false, "ipcmon_memory_total_bytes", "gauge",
		"MemTotal of /proc/meminfo." },
	[F_MEM_AVAILABLE] = { false, "ipcmon_memory_available_bytes", "gauge",
		"MemAvailable of /proc/meminfo." },
	[F_MEM_USED] = { false, "ipcmon_memory_used_bytes", "gauge",
		"MemTotal minus MemAvailable." },
};

/* Lower-case operstate names, as sysfs and node_exporter spell them. */
static const char *const operstates[] = {
	"unknown", "notpresent", "down", "lowerlayerdown", "testing", "dormant", "up",
};
#define N_OPERSTATES (sizeof(operstates) / sizeof(operstates[0]))

void metrics_buf_free(struct metrics_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->error = 0;
}

static bool grow(struct metrics_buf *b, size_t need)
{
	size_t cap;
	char *p;

	if (b->error)
		return false;
	if (b->len + need <= b->cap)
		return true;
	/* Doubling, or at once what is asked for (the reservation for a
	 * whole scrape: no more, so that it stays below malloc's mmap
	 * threshold and freed pages are reused). */
	cap = b->cap ? 2 * b->cap : 4096;
	if (cap < b->len + need)
		cap = b->len + need;
	p = realloc(b->data, cap);
	if (!p) {
		b->error = -ENOMEM;
		return false;
	}
	b->data = p;
	b->cap = cap;
	return true;
}

static inline void put(struct metrics_buf *b, const char *s, size_t n)
{
	if (!n)
		return; /* memcpy with a NULL data is undefined, even of 0 bytes */
	if (b->len + n > b->cap && !grow(b, n))
		return;
	memcpy(b->data + b->len, s, n);
	b->len += n;
}

static inline void put_str(struct metrics_buf *b, const char *s)
{
	put(b, s, strlen(s));
}

static inline void put_ch(struct metrics_buf *b, char c)
{
	put(b, &c, 1);
}

static void put_u64(struct metrics_buf *b, uint64_t v)
{
	char tmp[24];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(b, tmp + i, sizeof(tmp) - i);
}

/* usec since the epoch as seconds with six decimals ("12.000250");
 * a time before the epoch (never in the segment) as 0. */
static void put_seconds(struct metrics_buf *b, int64_t usec)
{
	char frac[8];
	uint64_t u = usec > 0 ? (uint64_t)usec : 0;
	uint64_t f = u % 1000000;

	put_u64(b, u / 1000000);
	frac[0] = '.';
	for (int i = 6; i >= 1; i--) {
		frac[i] = (char)('0' + f % 10);
		f /= 10;
	}
	put(b, frac, 7);
}

int metrics_label_value(struct metrics_buf *b, const char *src, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)src;
	size_t i = 0;

	while (i < n) {
		size_t run = i, len;

		/* The usual name is printable ASCII: one copy. */
		while (run < n && p[run] >= 0x20 && p[run] < 0x7f && p[run] != '\\' &&
		       p[run] != '"')
			run++;
		put(b, src + i, run - i);
		i = run;
		if (i == n)
			break;
		if (p[i] == '\\' || p[i] == '"') {
			put_ch(b, '\\');
			put_ch(b, (char)p[i]);
			i++;
		} else if (p[i] >= 0x80 && (len = escape_utf8_len(p + i, n - i)) > 0) {
			put(b, src + i, len);
			i += len;
		} else {
			/* A control byte or a byte that is not UTF-8: the text
			 * \xNN, whose backslash the format escapes. */
			char x[5] = { '\\', '\\', 'x', hex[p[i] >> 4], hex[p[i] & 15] };

			put(b, x, sizeof(x));
			i++;
		}
	}
	return b->error;
}

/* ---- samples ---- */

struct render {
	struct metrics_buf *b;
	const struct metrics_source *src;
	size_t n;
	char name[F_COUNT][64];     /* families' full names */
	size_t name_len[F_COUNT];
	struct metrics_buf labels;  /* every source's, then every link's */
	size_t *inst;               /* [source]: offset of its labels in labels */
	size_t *inst_len;
	size_t **link;              /* [source][link]: offset, then ... */
	size_t **link_len;
};

/* "name{labels,extra} " or "name " (labels empty, no extra). */
static void head(struct render *r, enum family f, const char *labels, size_t labels_len,
		 const char *extra)
{
	struct metrics_buf *b = r->b;

	put(b, r->name[f], r->name_len[f]);
	if (labels_len || extra) {
		put_ch(b, '{');
		put(b, labels, labels_len);
		if (extra) {
			if (labels_len)
				put_ch(b, ',');
			put_str(b, extra);
		}
		put_ch(b, '}');
	}
	put_ch(b, ' ');
}

static void value_u64(struct metrics_buf *b, uint64_t v)
{
	put_u64(b, v);
	put_ch(b, '\n');
}

static void put_hwaddr(struct metrics_buf *b, const uint8_t *addr, size_t len)
{
	char text[3 * SEG_HWADDR_MAX + 1];

	if (len > SEG_HWADDR_MAX)
		len = SEG_HWADDR_MAX;
	names_hwaddr(addr, len, text, sizeof(text));
	put_str(b, text);
}

static void info(struct render *r, const struct seg_link *k, const char *labels, size_t len)
{
	struct metrics_buf *b = r->b;

	put(b, r->name[F_INFO], r->name_len[F_INFO]);
	put_ch(b, '{');
	put(b, labels, len); /* never empty: device is there */
	put_str(b, ",address=\"");
	put_hwaddr(b, k->address, k->addr_len);
	put_str(b, "\",broadcast=\"");
	put_hwaddr(b, k->broadcast, k->addr_len);
	put_str(b, "\",operstate=\"");
	put_str(b, k->operstate < N_OPERSTATES ? operstates[k->operstate] : "unknown");
	put_str(b, "\",adminstate=\"");
	put_str(b, (k->flags & IFF_UP) ? "up" : "down");
	/* The link's alias (IFLA_IFALIAS) is not in the segment yet (issue
	 * 11 adds it): the label is there, empty, so that dashboards and
	 * queries need no change when it comes. */
	put_str(b, "\",ifalias=\"");
	put_str(b, "\",kind=\"");
	metrics_label_value(b, k->kind, strnlen(k->kind, sizeof(k->kind)));
	put_str(b, "\"} 1\n");
}

static uint64_t link_value(enum family f, const struct seg_link *k)
{
	switch (f) {
	case F_RX_BYTES: return k->rx.bytes;
	case F_RX_PACKETS: return k->rx.packets;
	case F_RX_ERRS: return k->rx.errors;
	case F_RX_DROP: return k->rx.dropped;
	case F_TX_BYTES: return k->tx.bytes;
	case F_TX_PACKETS: return k->tx.packets;
	case F_TX_ERRS: return k->tx.errors;
	case F_TX_DROP: return k->tx.dropped;
	case F_UP: return k->operstate == IF_OPER_UP;
	case F_CARRIER: return k->carrier != 0;
	case F_CARRIER_CHANGES: return k->carrier_changes;
	case F_MTU: return k->mtu;
	case F_FLAGS: return k->flags;
	case F_IFACE_ID: return (uint32_t)k->ifindex;
	case F_IFACE_LINK: return (uint32_t)(k->link > 0 ? k->link : k->ifindex);
	case F_PROTOCOL_TYPE: return k->link_type;
	default: return 0;
	}
}

/* The samples of one per-link family f, every source's links. */
static void link_family(struct render *r, enum family f)
{
	static const char *const admin[] = { "adminstate=\"up\"", "adminstate=\"down\"" };
	static const char *const oper[N_OPERSTATES] = {
		"operstate=\"unknown\"", "operstate=\"notpresent\"", "operstate=\"down\"",
		"operstate=\"lowerlayerdown\"", "operstate=\"testing\"", "operstate=\"dormant\"",
		"operstate=\"up\"",
	};

	for (size_t s = 0; s < r->n; s++) {
		const struct seg_snapshot *snap = r->src[s].snap;

		if (!snap)
			continue;
		for (uint32_t i = 0; i < snap->hdr.links.count; i++) {
			const struct seg_link *k = &snap->links[i];
			const char *l = r->labels.data + r->link[s][i];
			size_t len = r->link_len[s][i];

			switch (f) {
			case F_INFO:
				info(r, k, l, len);
				break;
			case F_LAST_CHANGE:
				head(r, f, l, len, NULL);
				put_seconds(r->b, k->last_change_usec);
				put_ch(r->b, '\n');
				break;
			case F_OPER_TRANSITIONS:
				for (size_t st = 0; st < N_OPERSTATES; st++) {
					/* up and down always, so that increase()
					 * sees the first; the others once seen. */
					if (!k->oper_transitions[st] && st != IF_OPER_UP &&
					    st != IF_OPER_DOWN)
						continue;
					head(r, f, l, len, oper[st]);
					value_u64(r->b, k->oper_transitions[st]);
				}
				break;
			case F_ADMIN_TRANSITIONS:
				head(r, f, l, len, admin[0]);
				value_u64(r->b, k->admin_up);
				head(r, f, l, len, admin[1]);
				value_u64(r->b, k->admin_down);
				break;
			default:
				head(r, f, l, len, NULL);
				value_u64(r->b, link_value(f, k));
			}
		}
	}
}

/* The samples of one per-instance family f. */
static void instance_family(struct render *r, enum family f)
{
	static const char *const af[] = { "family=\"inet\"", "family=\"inet6\"" };

	for (size_t s = 0; s < r->n; s++) {
		const struct seg_snapshot *snap = r->src[s].snap;
		const struct seg_header *h = snap ? &snap->hdr : NULL;
		const char *l = r->labels.data + r->inst[s];
		size_t len = r->inst_len[s];
		uint64_t v;

		if (f == F_IPCMON_UP) {
			head(r, f, l, len, NULL);
			value_u64(r->b, h != NULL);
			continue;
		}
		if (!h)
			continue;
		switch (f) {
		case F_ADDRS_ADDED:
		case F_ADDRS_REMOVED:
			for (int i = 0; i < 2; i++) {
				head(r, f, l, len, af[i]);
				value_u64(r->b, f == F_ADDRS_ADDED ? h->addrs_added[i]
								 : h->addrs_removed[i]);
			}
			continue;
		case F_EVENTS:
			for (uint16_t t = 1; t < SEG_EV_TYPE_MAX; t++) {
				char extra[48];

				snprintf(extra, sizeof(extra), "type=\"%s\"", event_type_name(t));
				head(r, f, l, len, extra);
				value_u64(r->b, h->events_by_type[t]);
			}
			continue;
		case F_START_TIME:
			head(r, f, l, len, NULL);
			put_seconds(r->b, h->start_time_usec);
			put_ch(r->b, '\n');
			continue;
		case F_CPU_USAGE: {
			uint32_t c = h->cpu_usage_centi > 10000 ? 10000 : h->cpu_usage_centi;
			char frac[6] = { '.', 0, 0, 0, 0, '\n' };

			head(r, f, l, len, NULL);
			put_u64(r->b, c / 10000);
			for (int i = 4; i >= 1; i--) {
				frac[i] = (char)('0' + c % 10);
				c /= 10;
			}
			put(r->b, frac, sizeof(frac));
			continue;
		}
		case F_READY: v = h->state == SEG_STATE_READY; break;
		case F_LINKS: v = h->links.count; break;
		case F_LINKS_CREATED: v = h->events_by_type[SEG_EV_LINK_NEW]; break;
		case F_LINKS_DELETED: v = h->events_by_type[SEG_EV_LINK_DEL]; break;
		case F_RESYNCS: v = h->resyncs; break;
		/* The parent's own words (the snapshot's taker loads them
		 * atomically: see scrape.c). */
		case F_COLLECTOR_RESTARTS: v = h->parent_collector_restarts; break;
		case F_FIFO_DROPPED: v = h->parent_fifo_dropped; break;
		case F_REQUESTS: v = h->parent_requests; break;
		case F_BAD_REQUESTS: v = h->parent_bad_requests; break;
		case F_CPU_COUNT: v = h->ncpu; break;
		case F_MEM_TOTAL: v = h->mem_total; break;
		case F_MEM_AVAILABLE: v = h->mem_available; break;
		case F_MEM_USED: v = h->mem_used; break;
		default: continue;
		}
		head(r, f, l, len, NULL);
		value_u64(r->b, v);
	}
}

/* The labels every sample of a source and of each of its links repeats. */
static int prepare(struct render *r)
{
	struct metrics_buf *lb = &r->labels;

	r->inst = calloc(r->n + 1, sizeof(*r->inst));
	r->inst_len = calloc(r->n + 1, sizeof(*r->inst_len));
	r->link = calloc(r->n + 1, sizeof(*r->link));
	r->link_len = calloc(r->n + 1, sizeof(*r->link_len));
	if (!r->inst || !r->inst_len || !r->link || !r->link_len)
		return -ENOMEM;
	for (size_t s = 0; s < r->n; s++) {
		const char *instance = r->src[s].instance;
		uint32_t nl = r->src[s].snap ? r->src[s].snap->hdr.links.count : 0;

		r->inst[s] = lb->len;
		if (*instance) {
			put_str(lb, METRICS_INSTANCE_LABEL "=\"");
			metrics_label_value(lb, instance, strlen(instance));
			put_ch(lb, '"');
		}
		r->inst_len[s] = lb->len - r->inst[s];
		r->link[s] = calloc(nl + 1, sizeof(**r->link));
		r->link_len[s] = calloc(nl + 1, sizeof(**r->link_len));
		if (!r->link[s] || !r->link_len[s])
			return -ENOMEM;
		for (uint32_t i = 0; i < nl; i++) {
			const struct seg_link *k = &r->src[s].snap->links[i];
			size_t at = lb->len;

			/* Room first: the copy's source is in the buffer. */
			if (!grow(lb, r->inst_len[s] + 1))
				return -ENOMEM;
			put(lb, lb->data + r->inst[s], r->inst_len[s]);
			if (r->inst_len[s])
				put_ch(lb, ',');
			put_str(lb, "device=\"");
			metrics_label_value(lb, k->name, strnlen(k->name, sizeof(k->name)));
			put_ch(lb, '"');
			r->link[s][i] = at;
			r->link_len[s][i] = lb->len - at;
		}
	}
	return lb->error;
}

static void render_free(struct render *r)
{
	for (size_t s = 0; r->link && s < r->n; s++) {
		free(r->link[s]);
		free(r->link_len[s]);
	}
	free(r->link);
	free(r->link_len);
	free(r->inst);
	free(r->inst_len);
	metrics_buf_free(&r->labels);
}

int metrics_render(struct metrics_buf *b, const struct metrics_source *src,
		   size_t n, enum metrics_names names)
{
	const char *netprefix = names == METRICS_NAMES_NODE ? "node_" : "ipcmon_";
	struct render r = { .b = b, .src = src, .n = n };
	size_t links = 0;
	int err;

	put_str(b, "# HELP ipcmon_build_info The version of ipcmon that wrote these metrics, "
		"value is always 1.\n# TYPE ipcmon_build_info gauge\n"
		"ipcmon_build_info{version=\"" PACKAGE_VERSION "\"} 1\n");
	for (size_t s = 0; s < n; s++)
		links += src[s].snap ? src[s].snap->hdr.links.count : 0;
	for (int f = 0; f < F_COUNT; f++)
		r.name_len[f] = (size_t)snprintf(r.name[f], sizeof(r.name[f]), "%s%s",
						 families[f].network ? netprefix : "",
						 families[f].name);
	err = prepare(&r);
	/* About 2.3 kB of text per link: grow once, not twenty times. */
	if (!err && !grow(b, links * 2400 + 16384))
		err = -ENOMEM;
	for (int f = 0; !err && f < F_COUNT; f++) {
		bool per_link = f < F_IPCMON_UP;

		if (per_link && !links)
			continue;
		put_str(b, "# HELP ");
		put(b, r.name[f], r.name_len[f]);
		put_ch(b, ' ');
		put_str(b, families[f].help);
		put_str(b, "\n# TYPE ");
		put(b, r.name[f], r.name_len[f]);
		put_ch(b, ' ');
		put_str(b, families[f].type);
		put_ch(b, '\n');
		if (per_link)
			link_family(&r, (enum family)f);
		else
			instance_family(&r, (enum family)f);
		err = b->error;
	}
	render_free(&r);
	if (err && !b->error)
		b->error = err;
	return b->error;
}
