/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* output_text.c - tables and lines for people: aligned columns with a
 * header, no colour, names escaped as in every other place (escape.h). */
#include "ctl.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "escape.h"
#include "event.h"
#include "names.h"
#include "usec.h"

#define TABLE_COLS 8

struct table {
	size_t ncol;
	const char *head[TABLE_COLS];
	bool right[TABLE_COLS];
	size_t width[TABLE_COLS];
	char **cells;  /* row-major, ncol per row */
	size_t nrows, cap;
};

static void table_add(struct table *t, char *const row[])
{
	if (t->nrows == t->cap) {
		size_t c = t->cap ? 2 * t->cap : 64;
		char **p = realloc(t->cells, c * t->ncol * sizeof(*p));

		if (!p) {
			for (size_t i = 0; i < t->ncol; i++)
				free(row[i]);
			return;
		}
		t->cells = p;
		t->cap = c;
	}
	for (size_t i = 0; i < t->ncol; i++) {
		size_t w = strlen(row[i]);

		t->cells[t->nrows * t->ncol + i] = row[i];
		if (w > t->width[i])
			t->width[i] = w;
	}
	t->nrows++;
}

static void table_print_row(const struct table *t, const char *const *cells)
{
	for (size_t i = 0; i < t->ncol; i++) {
		bool last = i + 1 == t->ncol;
		int w = (int)t->width[i];

		if (t->right[i])
			printf("%*s", w, cells[i]);
		else if (last)
			fputs(cells[i], stdout);
		else
			printf("%-*s", w, cells[i]);
		if (!last)
			fputs("  ", stdout);
	}
	putchar('\n');
}

static void table_print(struct table *t)
{
	for (size_t i = 0; i < t->ncol; i++)
		if (strlen(t->head[i]) > t->width[i])
			t->width[i] = strlen(t->head[i]);
	table_print_row(t, t->head);
	for (size_t r = 0; r < t->nrows; r++)
		table_print_row(t, (const char *const *)&t->cells[r * t->ncol]);
	for (size_t i = 0; i < t->nrows * t->ncol; i++)
		free(t->cells[i]);
	free(t->cells);
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
	va_list ap;
	char *s;

	va_start(ap, f);
	if (vasprintf(&s, f, ap) < 0)
		s = NULL;
	va_end(ap);
	return s ? s : strdup("?");
}

/* A name for a terminal, escaped as everywhere else (escape_text: UTF-8
 * as it is, other bytes that could play tricks on it as \xNN); the
 * caller frees it. */
static char *safe_name(const char *name, size_t max)
{
	size_t n = strnlen(name, max);
	char *s = malloc(4 * n + 1);

	if (!s)
		return strdup("?");
	s[escape_text(s, 4 * n, name, n, NULL)] = '\0';
	return s;
}

static char *rate(uint64_t bps)
{
	static const char *const unit[] = { "B/s", "kB/s", "MB/s", "GB/s", "TB/s" };
	double v = (double)bps;
	size_t u = 0;

	while (v >= 1000 && u < 4) {
		v /= 1000;
		u++;
	}
	return u ? fmt("%.1f %s", v, unit[u]) : fmt("%" PRIu64 " %s", bps, unit[0]);
}

static char *hw(const struct seg_link *l)
{
	char buf[3 * SEG_HWADDR_MAX + 1];

	if (!l->addr_len)
		return strdup("-");
	names_hwaddr(l->address, l->addr_len, buf, sizeof(buf));
	return strdup(buf);
}

static char *ip(const struct seg_addr *a)
{
	char buf[INET6_ADDRSTRLEN];

	if (!inet_ntop(a->family, a->local, buf, sizeof(buf)))
		return strdup("?");
	return fmt("%s/%u", buf, a->prefixlen);
}

static void links_table(const struct link_set *s)
{
	struct table t = {
		.ncol = 8,
		.head = { "INDEX", "NAME", "STATE", "FLAGS", "MTU", "MAC", "RX", "TX" },
		.right = { true, false, false, false, true, false, true, true },
	};
	char flags[256];

	for (size_t i = 0; i < s->n; i++) {
		const struct seg_link *l = s->v[i].link;
		char *row[8];

		link_flags_text(&s->v[i], flags, sizeof(flags));
		row[0] = fmt("%d", l->ifindex);
		row[1] = safe_name(l->name, sizeof(l->name));
		row[2] = strdup(names_operstate(l->operstate));
		row[3] = strdup(flags);
		row[4] = fmt("%u", l->mtu);
		row[5] = hw(l);
		row[6] = rate(l->rx_bps);
		row[7] = rate(l->tx_bps);
		table_add(&t, row);
	}
	table_print(&t);
}

static void addrs_table(const struct link_set *s)
{
	struct table t = {
		.ncol = 4,
		.head = { "INDEX", "NAME", "STATE", "ADDRESSES" },
		.right = { true, false, false, false },
	};

	for (size_t i = 0; i < s->n; i++) {
		const struct link_view *v = &s->v[i];
		char *row[4], *list = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&list, &len);

		for (size_t k = 0; f && k < v->naddrs; k++) {
			char *a = ip(v->addrs[k]);

			fprintf(f, "%s%s", k ? " " : "", a);
			free(a);
		}
		if (f)
			fclose(f);
		row[0] = fmt("%d", v->link->ifindex);
		row[1] = safe_name(v->link->name, sizeof(v->link->name));
		row[2] = strdup(names_operstate(v->link->operstate));
		row[3] = list && *list ? list : (free(list), strdup("-"));
		table_add(&t, row);
	}
	table_print(&t);
}

static void show(const struct link_view *v)
{
	const struct seg_link *l = v->link;
	const char *lt = names_link_type(l->link_type);
	char flags[256], when[40], *name = safe_name(l->name, sizeof(l->name));
	char *mac = hw(l), *rx = rate(l->rx_bps), *tx = rate(l->tx_bps);

	link_flags_text(v, flags, sizeof(flags));
	printf("%d: %s: <%s> mtu %u state %s\n", l->ifindex, name, flags, l->mtu,
	       names_operstate(l->operstate));
	printf("    link/%s %s", lt ? lt : "?", mac);
	if (l->addr_len) {
		char b[3 * SEG_HWADDR_MAX + 1];

		names_hwaddr(l->broadcast, l->addr_len, b, sizeof(b));
		printf(" brd %s", b);
	}
	putchar('\n');
	if (l->kind[0])
		printf("    kind %.*s\n", (int)sizeof(l->kind), l->kind);
	if (l->master)
		printf("    master ifindex %d\n", l->master);
	if (l->last_change_usec > 0)
		usec_format_iso(l->last_change_usec, when, sizeof(when));
	else
		strcpy(when, "-");
	printf("    carrier %s, %" PRIu64 " changes, last change %s\n",
	       l->carrier ? "yes" : "no", l->carrier_changes, when);
	for (size_t k = 0; k < v->naddrs; k++) {
		const struct seg_addr *a = v->addrs[k];
		const char *fam = names_family(a->family), *scope = names_scope(a->scope);
		char *addr = ip(a);

		printf("    %s %s scope %s", fam ? fam : "?", addr, scope ? scope : "?");
		if (a->label[0]) {
			char *lab = safe_name(a->label, sizeof(a->label));

			printf(" %s", lab);
			free(lab);
		}
		putchar('\n');
		free(addr);
	}
	printf("    %-3s %20s %12s %8s %8s %12s\n", "", "bytes", "packets", "errors", "dropped", "rate");
	printf("    %-3s %20" PRIu64 " %12" PRIu64 " %8" PRIu64 " %8" PRIu64 " %12s\n", "RX:",
	       l->rx.bytes, l->rx.packets, l->rx.errors, l->rx.dropped, rx);
	printf("    %-3s %20" PRIu64 " %12" PRIu64 " %8" PRIu64 " %8" PRIu64 " %12s\n", "TX:",
	       l->tx.bytes, l->tx.packets, l->tx.errors, l->tx.dropped, tx);
	free(name);
	free(mac);
	free(rx);
	free(tx);
}

static void links(const struct link_set *s, enum links_view view)
{
	switch (view) {
	case LINKS_LIST:
		links_table(s);
		break;
	case LINKS_ADDRS:
		addrs_table(s);
		break;
	case LINKS_SHOW:
		if (s->n)
			show(&s->v[0]);
		break;
	}
}

static void status(const struct proto_status *st)
{
	char when[40];
	uint64_t up = st->now_usec > st->start_usec ?
		(uint64_t)(st->now_usec - st->start_usec) / 1000000 : 0;

	printf("%-20s %s\n", "Version:", st->version);
	printf("%-20s %d\n", "PID:", st->pid);
	printf("%-20s %d\n", "Collector PID:", st->collector_pid);
	printf("%-20s %" PRIu64 "d %02" PRIu64 ":%02" PRIu64 ":%02" PRIu64 "\n", "Uptime:",
	       up / 86400, up / 3600 % 24, up / 60 % 60, up % 60);
	if (st->degraded)
		printf("%-20s degraded (%s)\n", "State:", st->state_reason);
	else
		printf("%-20s normal\n", "State:");
	printf("%-20s %.2f%%\n", "CPU usage:", st->cpu_usage_centi / 100.0);
	printf("%-20s %.1f MiB of %.1f MiB\n", "Memory used:",
	       (double)st->mem_used / 1048576, (double)st->mem_total / 1048576);
	printf("%-20s %u\n", "Links:", st->links);
	printf("%-20s %u\n", "Addresses:", st->addrs);
	printf("%-20s %" PRIu64 "\n", "Events:", st->events_total);
	if (st->last_event_usec > 0)
		usec_format_iso(st->last_event_usec, when, sizeof(when));
	else
		strcpy(when, "-");
	printf("%-20s %s\n", "Last event:", when);
	printf("%-20s %u\n", "Generation:", st->generation);
	printf("%-20s %" PRIu64 "\n", "Netlink resyncs:", st->resyncs);
	printf("%-20s %" PRIu64 "\n", "Collector restarts:", st->collector_restarts);
	printf("%-20s %" PRIu64 "\n", "FIFO lines dropped:", st->fifo_dropped);
	printf("%-20s %" PRIu64 "\n", "Requests served:", st->requests_total);
	printf("%-20s %" PRIu64 "\n", "Bad requests:", st->bad_requests);
}

/* Exactly the FIFO's text line (common/event.h). */
static void event(const struct seg_event *ev)
{
	char line[EVENT_LINE_MAX + 1];

	fwrite(line, 1, event_line(line, sizeof(line), FIFO_FORMAT_TEXT, ev), stdout);
}

static void events_lost(uint64_t from, uint64_t to)
{
	char line[EVENT_LINE_MAX + 1];

	fwrite(line, 1, event_lost_line(line, sizeof(line), FIFO_FORMAT_TEXT, 0, from, to),
	       stdout);
}

static void ping(const struct proto_ping *p, const uint64_t *rtt, size_t n)
{
	if (n == 1)
		printf("reply from ipcmond (pid %d): time=%" PRIu64 " us\n", p->pid, rtt[0]);
	else
		printf("%zu replies from ipcmond (pid %d): min/median/max = %" PRIu64 "/%" PRIu64
		       "/%" PRIu64 " us\n", n, p->pid, rtt[0], rtt[n / 2], rtt[n - 1]);
}

const struct output output_text = {
	.links = links,
	.status = status,
	.event = event,
	.events_lost = events_lost,
	.ping = ping,
};
