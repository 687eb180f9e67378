/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* verbs_events.c - events [-n N] [-f] and wait: both sleep on the
 * segment's generation futex between queries, never poll. */
#include "ctl.h"
#include "usec.h"

#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define EVENTS_DEFAULT 10
#define WAIT_DEFAULT_USEC (120 * 1000000ULL)

/* The first seq to print for the newest count events. */
static uint64_t start_seq(const struct seg_header *h, uint64_t count)
{
	uint64_t newest = seg_event_last_seq(h), first = seg_event_first_seq(h), seq;

	if (count == 0)
		return newest + 1;
	seq = newest >= count ? newest - count + 1 : 1;
	return seq < first ? first : seq;
}

/* Print the events of the ring from *next up to the newest; *next
 * becomes the one after.  Events the ring no longer holds (a follower
 * that fell behind) are reported as lost, never skipped silently. */
static void print_events(struct ctl *ctl, struct watch *w, uint64_t *next)
{
	const struct seg_header *h = w->v.h;
	uint64_t newest = seg_event_last_seq(h);
	struct seg_event ev;

	while (*next <= newest) {
		int r = seg_event_read(h, *next, &ev);

		if (r == -ESTALE) {
			/* Overwritten before we read it (or while we copied
			 * it): go on from the oldest the ring still holds. */
			uint64_t first = seg_event_first_seq(h);

			if (first <= *next)
				first = *next + 1;
			ctl->out->events_lost(*next, first - 1);
			*next = first;
			continue;
		}
		if (r < 0)
			break;
		ctl->out->event(&ev);
		(*next)++;
	}
	fflush(stdout);
}

int verb_events(struct ctl *ctl, int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "follow", no_argument, NULL, 'f' },
		{ "count", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long n = EVENTS_DEFAULT;
	bool follow = false;
	struct watch w = { 0 };
	uint64_t next;
	char *end;
	int opt, r;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "fn:", opts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			follow = true;
			break;
		case 'n':
			errno = 0;
			n = strtoul(optarg, &end, 10);
			if (errno || *end || !*optarg || optarg[0] == '-' || n > UINT32_MAX) {
				warnx("events: bad count '%s'", optarg);
				return EXIT_USAGE;
			}
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		warnx("usage: events [-n N] [-f|--follow]");
		return EXIT_USAGE;
	}
	r = watch_open(ctl, &w);
	if (r != EXIT_OK)
		return r;
	next = start_seq(w.v.h, n);
	print_events(ctl, &w, &next);
	while (follow) {
		uint32_t gen = watch_generation(&w);

		print_events(ctl, &w, &next);
		if (watch_wait(&w, gen, 0) == -ESTALE) {
			/* The last events of a daemon that stopped, then:
			 * stopped, exit 3; restarted, its events from its
			 * first. */
			print_events(ctl, &w, &next);
			r = watch_reattach(ctl, &w, 0);
			if (r != EXIT_OK)
				break;
			next = start_seq(w.v.h, UINT64_MAX);
		}
	}
	watch_close(&w);
	return r;
}

enum cond { C_UP, C_DOWN, C_PRESENT, C_ABSENT };

struct wait_for {
	bool addr;
	enum cond cond;
	const char *ifname;
	uint8_t family, plen, bytes[16];
	bool have_plen;
};

/* Whether the condition holds in the segment now: 1 yes, 0 no (or not
 * known yet: the first dump is not in, or the writer kept the tables
 * busy), -EXIT_* on error.  Read without the daemon (a consistent copy
 * of the tables, segview_snapshot). */
static int check(struct watch *w, struct seg_snapshot *snap, const struct wait_for *wf)
{
	const struct seg_link *link = NULL;
	bool found = false;
	int r;

	if (!watch_ready(w))
		return 0;
	r = segview_snapshot(&w->v, snap);
	if (r == -EAGAIN)
		return 0; /* the next generation bump says when to look again */
	if (r < 0) {
		warnx("cannot read the segment %s: %s", w->v.name, strerror(-r));
		return -EXIT_FAIL;
	}
	if (!wf->addr) {
		for (uint32_t i = 0; i < snap->hdr.links.count && !link; i++)
			if (strncmp(snap->links[i].name, wf->ifname, SEG_IFNAMSIZ) == 0)
				link = &snap->links[i];
		switch (wf->cond) {
		case C_PRESENT: return link != NULL;
		case C_ABSENT: return link == NULL;
		case C_UP: return link && (link->flags & IFF_UP);
		case C_DOWN: return link && !(link->flags & IFF_UP);
		}
		return 0;
	}
	for (uint32_t i = 0; i < snap->hdr.addrs.count && !found; i++) {
		const struct seg_addr *a = &snap->addrs[i];
		size_t len = a->family == AF_INET ? 4 : 16;

		found = a->family == wf->family && memcmp(a->local, wf->bytes, len) == 0 &&
			(!wf->have_plen || a->prefixlen == wf->plen);
	}
	return wf->cond == C_ABSENT ? !found : found;
}

static int parse_addr(const char *arg, struct wait_for *wf)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	unsigned long plen;

	if (strlen(arg) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, arg);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	if (inet_pton(AF_INET, buf, wf->bytes) == 1)
		wf->family = AF_INET;
	else if (inet_pton(AF_INET6, buf, wf->bytes) == 1)
		wf->family = AF_INET6;
	else
		return -EINVAL;
	if (slash) {
		errno = 0;
		plen = strtoul(slash, &end, 10);
		if (errno || *end || !*slash || plen > (wf->family == AF_INET ? 32u : 128u))
			return -EINVAL;
		wf->plen = (uint8_t)plen;
		wf->have_plen = true;
	}
	return 0;
}

static int wait_usage(void)
{
	warnx("usage: wait [--timeout S] link IFACE up|down|present|absent\n"
	      "       wait [--timeout S] addr ADDRESS[/PLEN] present|absent");
	return EXIT_USAGE;
}

int verb_wait(struct ctl *ctl, int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const conds[] = { "up", "down", "present", "absent" };
	uint64_t timeout = ctl->timeout_set ? ctl->timeout_usec : WAIT_DEFAULT_USEC;
	uint64_t deadline;
	struct wait_for wf = { 0 };
	struct seg_snapshot snap = { 0 };
	struct watch w = { 0 };
	bool found = false;
	int opt, r;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "+t:", opts, NULL)) != -1) {
		if (opt != 't')
			return wait_usage();
		if (ctl_parse_timeout(optarg, &timeout) < 0) {
			warnx("wait: bad timeout '%s'", optarg);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 3)
		return wait_usage();
	wf.addr = strcmp(argv[optind], "addr") == 0;
	if (!wf.addr && strcmp(argv[optind], "link") != 0)
		return wait_usage();
	for (size_t i = 0; i < sizeof(conds) / sizeof(conds[0]); i++)
		if (strcmp(argv[optind + 2], conds[i]) == 0) {
			wf.cond = (enum cond)i;
			found = true;
		}
	if (!found || (wf.addr && wf.cond != C_PRESENT && wf.cond != C_ABSENT))
		return wait_usage();
	if (wf.addr) {
		if (parse_addr(argv[optind + 1], &wf) < 0) {
			warnx("wait: bad address '%s' (want ADDRESS or ADDRESS/PLEN)",
			      argv[optind + 1]);
			return EXIT_USAGE;
		}
	} else {
		wf.ifname = argv[optind + 1];
		if (!wf.ifname[0] || strlen(wf.ifname) >= SEG_IFNAMSIZ) {
			warnx("invalid interface name '%s'", wf.ifname);
			return EXIT_USAGE;
		}
	}
	deadline = timeout == UINT64_MAX ? 0 : usec_mono() + timeout;
	r = watch_open(ctl, &w);
	if (r != EXIT_OK)
		return r;
	for (;;) {
		uint32_t gen = watch_generation(&w);

		r = check(&w, &snap, &wf);
		if (r != 0)
			break;
		r = watch_wait(&w, gen, deadline);
		if (r == -ESTALE) {
			/* Stopped: exit 3.  Restarted: look at the new one. */
			r = watch_reattach(ctl, &w, deadline);
			if (r != EXIT_OK) {
				r = -r;
				break;
			}
		} else if (r == -ETIMEDOUT) {
			r = check(&w, &snap, &wf); /* a change in the last instant */
			if (r == 0)
				r = -EXIT_TIMEOUT;
			break;
		}
	}
	seg_snapshot_free(&snap);
	watch_close(&w);
	if (r == 1)
		return EXIT_OK;
	if (r == -EXIT_TIMEOUT && !ctl->quiet)
		warnx("timed out waiting for %s %s %s", argv[optind], argv[optind + 1],
		      argv[optind + 2]);
	return -r;
}
