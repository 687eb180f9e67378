/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* output_json.c - JSON, with iproute2's names where `ip -j` has them. */
#include "ctl.h"

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "event.h"
#include "json.h"
#include "names.h"
#include "usec.h"

static void json_time(struct json *j, const char *key, int64_t usec)
{
	char buf[40];

	if (usec <= 0) {
		json_null(j, key);
		return;
	}
	usec_format_iso(usec, buf, sizeof(buf));
	json_str(j, key, buf);
}

static void json_hw(struct json *j, const char *key, const uint8_t *a, size_t len)
{
	char buf[3 * SEG_HWADDR_MAX + 1];

	names_hwaddr(a, len, buf, sizeof(buf));
	json_str(j, key, buf);
}

static void json_counters(struct json *j, const char *key, const struct seg_counters *c)
{
	json_object_begin(j, key);
	json_uint(j, "bytes", c->bytes);
	json_uint(j, "packets", c->packets);
	json_uint(j, "errors", c->errors);
	json_uint(j, "dropped", c->dropped);
	json_object_end(j);
}

static void json_ip(struct json *j, const char *key, uint8_t family, const uint8_t *a)
{
	char buf[INET6_ADDRSTRLEN];

	if (!inet_ntop(family, a, buf, sizeof(buf)))
		buf[0] = '\0';
	json_str(j, key, buf);
}

static bool nonzero(const uint8_t *a, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (a[i])
			return true;
	return false;
}

static void json_addr(struct json *j, const struct seg_addr *a)
{
	const char *fam = names_family(a->family), *scope = names_scope(a->scope);
	size_t alen = a->family == AF_INET ? 4 : 16;

	json_object_begin(j, NULL);
	if (fam)
		json_str(j, "family", fam);
	else
		json_uint(j, "family", a->family);
	json_ip(j, "local", a->family, a->local);
	if (nonzero(a->peer, alen) && memcmp(a->peer, a->local, alen) != 0)
		json_ip(j, "address", a->family, a->peer);
	json_uint(j, "prefixlen", a->prefixlen);
	if (a->family == AF_INET && nonzero(a->broadcast, 4))
		json_ip(j, "broadcast", a->family, a->broadcast);
	if (scope)
		json_str(j, "scope", scope);
	else
		json_uint(j, "scope", a->scope);
	if (a->label[0])
		json_strn(j, "label", a->label, sizeof(a->label));
	json_uint(j, "valid_life_time", a->valid_lft);
	json_uint(j, "preferred_life_time", a->preferred_lft);
	json_object_end(j);
}

static void json_link(struct json *j, const struct link_view *v, bool with_addrs)
{
	const struct seg_link *l = v->link;
	const char *names[40], *lt = names_link_type(l->link_type);
	size_t n = link_flag_names(v, names, 40);

	json_object_begin(j, NULL);
	json_int(j, "ifindex", l->ifindex);
	json_strn(j, "ifname", l->name, sizeof(l->name));
	json_array_begin(j, "flags");
	for (size_t i = 0; i < n && i < 40; i++)
		json_str(j, NULL, names[i]);
	json_array_end(j);
	json_uint(j, "mtu", l->mtu);
	if (l->master)
		json_int(j, "master_ifindex", l->master);
	json_str(j, "operstate", names_operstate(l->operstate));
	if (lt)
		json_str(j, "link_type", lt);
	else
		json_uint(j, "link_type", l->link_type);
	if (l->addr_len) {
		json_hw(j, "address", l->address, l->addr_len);
		json_hw(j, "broadcast", l->broadcast, l->addr_len);
	}
	if (l->kind[0])
		json_strn(j, "kind", l->kind, sizeof(l->kind));
	json_object_begin(j, "stats64");
	json_counters(j, "rx", &l->rx);
	json_counters(j, "tx", &l->tx);
	json_object_end(j);
	json_bool(j, "carrier", l->carrier);
	json_uint(j, "carrier_changes", l->carrier_changes);
	json_time(j, "last_change", l->last_change_usec);
	json_uint(j, "rx_bps", l->rx_bps);
	json_uint(j, "tx_bps", l->tx_bps);
	if (with_addrs) {
		json_array_begin(j, "addr_info");
		for (size_t i = 0; i < v->naddrs; i++)
			json_addr(j, v->addrs[i]);
		json_array_end(j);
	}
	json_object_end(j);
}

static void links(const struct link_set *s, enum links_view view)
{
	struct json j;

	json_init(&j, stdout);
	if (view == LINKS_SHOW) {
		if (s->n)
			json_link(&j, &s->v[0], true);
	} else {
		json_array_begin(&j, NULL);
		for (size_t i = 0; i < s->n; i++)
			json_link(&j, &s->v[i], view == LINKS_ADDRS);
		json_array_end(&j);
	}
	putchar('\n');
}

static void status(const struct proto_status *st)
{
	struct json j;

	json_init(&j, stdout);
	json_object_begin(&j, NULL);
	json_str(&j, "version", st->version);
	json_int(&j, "pid", st->pid);
	json_int(&j, "collector_pid", st->collector_pid);
	json_uint(&j, "uptime_s", st->now_usec > st->start_usec ?
		  (uint64_t)(st->now_usec - st->start_usec) / 1000000 : 0);
	json_str(&j, "state", st->degraded ? "degraded" : "normal");
	if (st->degraded)
		json_str(&j, "state_reason", st->state_reason);
	json_double(&j, "cpu_usage_percent", st->cpu_usage_centi / 100.0, 2);
	json_uint(&j, "memory_total_bytes", st->mem_total);
	json_uint(&j, "memory_used_bytes", st->mem_used);
	json_uint(&j, "links", st->links);
	json_uint(&j, "addrs", st->addrs);
	json_uint(&j, "events_total", st->events_total);
	json_time(&j, "last_event_time", st->last_event_usec);
	json_uint(&j, "generation", st->generation);
	json_uint(&j, "netlink_resyncs", st->resyncs);
	json_uint(&j, "collector_restarts", st->collector_restarts);
	json_uint(&j, "fifo_dropped", st->fifo_dropped);
	json_uint(&j, "requests_total", st->requests_total);
	json_uint(&j, "bad_requests", st->bad_requests);
	json_object_end(&j);
	putchar('\n');
}

/* Exactly the FIFO's JSON line (common/event.h). */
static void event(const struct seg_event *ev)
{
	char line[EVENT_LINE_MAX + 1];

	fwrite(line, 1, event_line(line, sizeof(line), FIFO_FORMAT_JSON, ev), stdout);
}

static void events_lost(uint64_t from, uint64_t to)
{
	char line[EVENT_LINE_MAX + 1];

	fwrite(line, 1, event_lost_line(line, sizeof(line), FIFO_FORMAT_JSON, 0, from, to),
	       stdout);
}

static void ping(const struct proto_ping *p, const uint64_t *rtt, size_t n)
{
	printf("{\"pid\":%d,\"rtt_us\":%llu,\"count\":%zu,\"rtt_min_us\":%llu,"
	       "\"rtt_max_us\":%llu}\n", p->pid, (unsigned long long)rtt[n / 2], n,
	       (unsigned long long)rtt[0], (unsigned long long)rtt[n - 1]);
}

const struct output output_json = {
	.links = links,
	.status = status,
	.event = event,
	.events_lost = events_lost,
	.ping = ping,
};
