/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* metrics.c - see metrics.h.
 *
 * The format wants every sample of a family together, under one HELP
 * and TYPE.  One pass over each snapshot's links writes each sample into
 * its family's buffer; the buffers are then joined under their headers.
 * A sample's label set up to the last label ({ipcmon_instance="x",
 * device="y") is written once per link and copied into every sample.
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
	cap = b->cap ? b->cap : 4096;
	while (cap < b->len + need)
		cap *= 2;
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

/* Start a sample: the name, then "{" and labels (a preformatted
 * 'a="x",b="y"', may be empty) and extra (one more, may be NULL); the
 * caller writes the value and the newline with value_*(). */
static void head(struct metrics_buf *b, const char *prefix, const char *name,
		 const char *labels, size_t labels_len, const char *extra)
{
	if (prefix)
		put_str(b, prefix);
	put_str(b, name);
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

struct render {
	struct metrics_buf fam[F_COUNT];
	const char *netprefix;
};

static void sample_u64(struct render *r, enum family f, const char *labels,
		       size_t labels_len, const char *extra, uint64_t v)
{
	struct metrics_buf *b = &r->fam[f];

	head(b, families[f].network ? r->netprefix : NULL, families[f].name,
	     labels, labels_len, extra);
	value_u64(b, v);
}

/* 'ipcmon_instance="NAME"' into *lb (empty for ""). */
static void instance_label(struct metrics_buf *lb, const char *instance)
{
	lb->len = 0;
	if (!*instance)
		return;
	put_str(lb, METRICS_INSTANCE_LABEL "=\"");
	metrics_label_value(lb, instance, strlen(instance));
	put_ch(lb, '"');
}

static void put_hwaddr(struct metrics_buf *b, const uint8_t *addr, size_t len)
{
	char text[3 * SEG_HWADDR_MAX + 1];

	if (len > SEG_HWADDR_MAX)
		len = SEG_HWADDR_MAX;
	names_hwaddr(addr, len, text, sizeof(text));
	put_str(b, text);
}

static void render_info(struct render *r, const struct seg_link *k,
			const char *labels, size_t labels_len)
{
	struct metrics_buf *b = &r->fam[F_INFO];

	put_str(b, r->netprefix);
	put_str(b, families[F_INFO].name);
	put_ch(b, '{');
	put(b, labels, labels_len); /* never empty: device is there */
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

static void render_link(struct render *r, const struct seg_link *k,
			struct metrics_buf *lb, size_t inst_len)
{
	static const char *const admin_labels[] = { "adminstate=\"up\"", "adminstate=\"down\"" };
	const char *labels;
	size_t n;

	/* ipcmon_instance="x",device="y" */
	lb->len = inst_len;
	if (inst_len)
		put_ch(lb, ',');
	put_str(lb, "device=\"");
	metrics_label_value(lb, k->name, strnlen(k->name, sizeof(k->name)));
	put_ch(lb, '"');
	if (lb->error)
		return;
	labels = lb->data;
	n = lb->len;

	sample_u64(r, F_RX_BYTES, labels, n, NULL, k->rx.bytes);
	sample_u64(r, F_RX_PACKETS, labels, n, NULL, k->rx.packets);
	sample_u64(r, F_RX_ERRS, labels, n, NULL, k->rx.errors);
	sample_u64(r, F_RX_DROP, labels, n, NULL, k->rx.dropped);
	sample_u64(r, F_TX_BYTES, labels, n, NULL, k->tx.bytes);
	sample_u64(r, F_TX_PACKETS, labels, n, NULL, k->tx.packets);
	sample_u64(r, F_TX_ERRS, labels, n, NULL, k->tx.errors);
	sample_u64(r, F_TX_DROP, labels, n, NULL, k->tx.dropped);
	sample_u64(r, F_UP, labels, n, NULL, k->operstate == IF_OPER_UP);
	render_info(r, k, labels, n);
	sample_u64(r, F_CARRIER, labels, n, NULL, k->carrier != 0);
	sample_u64(r, F_CARRIER_CHANGES, labels, n, NULL, k->carrier_changes);
	sample_u64(r, F_MTU, labels, n, NULL, k->mtu);
	sample_u64(r, F_FLAGS, labels, n, NULL, k->flags);
	sample_u64(r, F_IFACE_ID, labels, n, NULL, (uint32_t)k->ifindex);
	sample_u64(r, F_IFACE_LINK, labels, n, NULL,
		   (uint32_t)(k->link > 0 ? k->link : k->ifindex));
	sample_u64(r, F_PROTOCOL_TYPE, labels, n, NULL, k->link_type);

	head(&r->fam[F_LAST_CHANGE], NULL, families[F_LAST_CHANGE].name, labels, n, NULL);
	put_seconds(&r->fam[F_LAST_CHANGE], k->last_change_usec);
	put_ch(&r->fam[F_LAST_CHANGE], '\n');

	for (size_t s = 0; s < N_OPERSTATES; s++) {
		char extra[48];
		uint64_t v = k->oper_transitions[s];

		/* up and down always, so that increase() sees the first one. */
		if (!v && s != IF_OPER_UP && s != IF_OPER_DOWN)
			continue;
		snprintf(extra, sizeof(extra), "operstate=\"%s\"", operstates[s]);
		sample_u64(r, F_OPER_TRANSITIONS, labels, n, extra, v);
	}
	sample_u64(r, F_ADMIN_TRANSITIONS, labels, n, admin_labels[0], k->admin_up);
	sample_u64(r, F_ADMIN_TRANSITIONS, labels, n, admin_labels[1], k->admin_down);
}

static void render_instance(struct render *r, const struct seg_snapshot *s,
			    const char *labels, size_t n)
{
	const struct seg_header *h = &s->hdr;
	static const char *const families_af[] = { "family=\"inet\"", "family=\"inet6\"" };
	struct metrics_buf *b;

	sample_u64(r, F_READY, labels, n, NULL, h->state == SEG_STATE_READY);
	b = &r->fam[F_START_TIME];
	head(b, NULL, families[F_START_TIME].name, labels, n, NULL);
	put_seconds(b, h->start_time_usec);
	put_ch(b, '\n');
	sample_u64(r, F_LINKS, labels, n, NULL, h->links.count);
	sample_u64(r, F_LINKS_CREATED, labels, n, NULL, h->events_by_type[SEG_EV_LINK_NEW]);
	sample_u64(r, F_LINKS_DELETED, labels, n, NULL, h->events_by_type[SEG_EV_LINK_DEL]);
	for (int i = 0; i < 2; i++) {
		sample_u64(r, F_ADDRS_ADDED, labels, n, families_af[i], h->addrs_added[i]);
		sample_u64(r, F_ADDRS_REMOVED, labels, n, families_af[i], h->addrs_removed[i]);
	}
	for (uint16_t t = 1; t < SEG_EV_TYPE_MAX; t++) {
		char extra[48];

		snprintf(extra, sizeof(extra), "type=\"%s\"", event_type_name(t));
		sample_u64(r, F_EVENTS, labels, n, extra, h->events_by_type[t]);
	}
	sample_u64(r, F_RESYNCS, labels, n, NULL, h->resyncs);
	/* The parent's own words (the snapshot's taker loads them
	 * atomically: see scrape.c). */
	sample_u64(r, F_COLLECTOR_RESTARTS, labels, n, NULL, h->parent_collector_restarts);
	sample_u64(r, F_FIFO_DROPPED, labels, n, NULL, h->parent_fifo_dropped);
	sample_u64(r, F_REQUESTS, labels, n, NULL, h->parent_requests);
	sample_u64(r, F_BAD_REQUESTS, labels, n, NULL, h->parent_bad_requests);

	b = &r->fam[F_CPU_USAGE];
	head(b, NULL, families[F_CPU_USAGE].name, labels, n, NULL);
	{
		uint32_t c = h->cpu_usage_centi > 10000 ? 10000 : h->cpu_usage_centi;
		char frac[6] = { '.', 0, 0, 0, 0, '\n' };

		put_u64(b, c / 10000);
		for (int i = 4; i >= 1; i--) {
			frac[i] = (char)('0' + c % 10);
			c /= 10;
		}
		put(b, frac, sizeof(frac));
	}
	sample_u64(r, F_CPU_COUNT, labels, n, NULL, h->ncpu);
	sample_u64(r, F_MEM_TOTAL, labels, n, NULL, h->mem_total);
	sample_u64(r, F_MEM_AVAILABLE, labels, n, NULL, h->mem_available);
	sample_u64(r, F_MEM_USED, labels, n, NULL, h->mem_used);
}

static void render_source(struct render *r, const struct metrics_source *src)
{
	struct metrics_buf lb = { 0 };
	size_t inst_len;

	instance_label(&lb, src->instance);
	inst_len = lb.len;
	sample_u64(r, F_IPCMON_UP, lb.data, lb.len, NULL, src->snap != NULL);
	if (src->snap) {
		render_instance(r, src->snap, lb.data, inst_len);
		for (uint32_t i = 0; i < src->snap->hdr.links.count; i++)
			render_link(r, &src->snap->links[i], &lb, inst_len);
	}
	if (lb.error)
		r->fam[F_IPCMON_UP].error = lb.error;
	metrics_buf_free(&lb);
}

int metrics_render(struct metrics_buf *b, const struct metrics_source *src,
		   size_t n, enum metrics_names names)
{
	struct render r = { .netprefix = names == METRICS_NAMES_NODE ? "node_" : "ipcmon_" };
	int error = 0;

	put_str(b, "# HELP ipcmon_build_info The version of ipcmon that wrote these metrics, "
		"value is always 1.\n# TYPE ipcmon_build_info gauge\n"
		"ipcmon_build_info{version=\"" PACKAGE_VERSION "\"} 1\n");
	for (size_t i = 0; i < n; i++)
		render_source(&r, &src[i]);
	for (int f = 0; f < F_COUNT; f++) {
		const char *prefix = families[f].network ? r.netprefix : "";

		if (r.fam[f].error)
			error = r.fam[f].error;
		if (!r.fam[f].len)
			continue;
		put_str(b, "# HELP ");
		put_str(b, prefix);
		put_str(b, families[f].name);
		put_ch(b, ' ');
		put_str(b, families[f].help);
		put_str(b, "\n# TYPE ");
		put_str(b, prefix);
		put_str(b, families[f].name);
		put_ch(b, ' ');
		put_str(b, families[f].type);
		put_ch(b, '\n');
		put(b, r.fam[f].data, r.fam[f].len);
	}
	for (int f = 0; f < F_COUNT; f++)
		metrics_buf_free(&r.fam[f]);
	if (error && !b->error)
		b->error = error;
	return b->error;
}
