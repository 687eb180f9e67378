/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* verbs_events.c - events [-n N] [-f] and wait: both sleep on the
 * segment's generation futex between queries, never poll. */
#include "usec.h"
#include "ctl.h"

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

/* Print the events after *last (all the answer holds when *last is 0);
 * *last becomes the newest seq printed. */
static int fetch_events(struct ctl *ctl, uint64_t *last, uint32_t count)
{
	struct proto_request rq = { .hdr.op = PROTO_OP_EVENTS };
	const struct seg_event *ev;
	struct proto_events pe;
	struct proto_asm a;
	int r;

	rq.seq = *last;
	rq.count = count;
	r = ctl_query(ctl, &rq, &a);
	if (r != EXIT_OK)
		goto out;
	if (proto_unpack_events(a.buf, a.len, &pe, &ev) < 0) {
		warnx("malformed events answer from ipcmond (%zu bytes)", a.len);
		r = EXIT_FAIL;
		goto out;
	}
	if (*last && pe.n && ev[0].seq > *last + 1)
		ctl->out->events_lost(*last + 1, ev[0].seq - 1);
	for (uint32_t i = 0; i < pe.n; i++) {
		ctl->out->event(&ev[i]);
		*last = ev[i].seq;
	}
	if (*last < pe.last_seq && pe.n == 0)
		*last = pe.last_seq;
	fflush(stdout);
out:
	proto_asm_free(&a);
	return r;
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
	uint64_t last = 0;
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
	if (!follow)
		return fetch_events(ctl, &last, (uint32_t)n);
	/* Map first, so that a change during the first query wakes us. */
	r = fetch_events(ctl, &last, (uint32_t)n);
	if (r != EXIT_OK)
		return r;
	if (watch_open(ctl, &w) < 0)
		return EXIT_FAIL;
	for (;;) {
		uint32_t gen = watch_generation(&w);

		r = fetch_events(ctl, &last, UINT32_MAX);
		if (r != EXIT_OK)
			break;
		if (watch_wait(&w, gen, 0) == -ESTALE) {
			/* Stopped: exit 3.  Restarted: its events, from its first. */
			r = watch_reattach(ctl, &w, 0);
			if (r != EXIT_OK)
				break;
			last = 0;
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

/* Returns 1 when the condition holds, 0 when not, or -EXIT_* to stop. */
static int check(struct ctl *ctl, const struct wait_for *wf)
{
	struct proto_request rq = { .hdr.op = PROTO_OP_LINKS };
	const struct seg_link *links;
	const struct seg_addr *as;
	struct proto_links pl;
	struct proto_asm a;
	int r, ret = 0;

	if (!wf->addr)
		memcpy(rq.ifname, wf->ifname, strlen(wf->ifname));
	else
		rq.flags = PROTO_RQ_ADDRS;
	r = ctl_query_ex(ctl, &rq, &a, false);
	if (r == EXIT_FAIL && a.status == ENODEV) {
		ret = wf->cond == C_ABSENT;
		goto out;
	}
	if (r == EXIT_FAIL && a.status)
		warnx("%s", a.buf);
	if (r != EXIT_OK) {
		ret = -r;
		goto out;
	}
	if (proto_unpack_links(a.buf, a.len, &pl, &links, &as, NULL) < 0) {
		warnx("malformed links answer from ipcmond (%zu bytes)", a.len);
		ret = -EXIT_FAIL;
		goto out;
	}
	if (!wf->addr) {
		switch (wf->cond) {
		case C_PRESENT: ret = 1; break;
		case C_ABSENT: ret = 0; break;
		case C_UP: ret = (links[0].flags & IFF_UP) != 0; break;
		case C_DOWN: ret = (links[0].flags & IFF_UP) == 0; break;
		}
		goto out;
	}
	for (uint32_t i = 0; i < pl.naddrs; i++) {
		size_t len = as[i].family == AF_INET ? 4 : 16;

		if (as[i].family == wf->family && memcmp(as[i].local, wf->bytes, len) == 0 &&
		    (!wf->have_plen || as[i].prefixlen == wf->plen)) {
			ret = 1;
			break;
		}
	}
	if (wf->cond == C_ABSENT)
		ret = !ret;
out:
	proto_asm_free(&a);
	return ret;
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
	/* The first check tells whether the daemon is there at all. */
	r = check(ctl, &wf);
	if (r < 0)
		return -r;
	if (r == 1)
		return EXIT_OK;
	if (watch_open(ctl, &w) < 0)
		return EXIT_FAIL;
	for (;;) {
		uint32_t gen = watch_generation(&w);

		r = check(ctl, &wf);
		if (r != 0)
			break;
		r = watch_wait(&w, gen, deadline);
		if (r == -ESTALE) {
			/* Stopped: exit 3.  Restarted: ask the new one. */
			r = watch_reattach(ctl, &w, deadline);
			if (r != EXIT_OK) {
				r = -r;
				break;
			}
		} else if (r == -ETIMEDOUT) {
			r = check(ctl, &wf); /* a change in the last instant */
			if (r == 0)
				r = -EXIT_TIMEOUT;
			break;
		}
	}
	watch_close(&w);
	if (r == 1)
		return EXIT_OK;
	if (r == -EXIT_TIMEOUT && !ctl->quiet)
		warnx("timed out waiting for %s %s %s", argv[optind], argv[optind + 1],
		      argv[optind + 2]);
	return -r;
}
