/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* verbs_status.c - status and ping. */
#include "ctl.h"
#include "usec.h"

#include <err.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

int verb_status(struct ctl *ctl, int argc, char *argv[])
{
	struct proto_request rq = { .hdr.op = PROTO_OP_STATUS };
	struct proto_status st;
	struct proto_asm a;
	int r;

	if (argc > 1) {
		warnx("%s takes no arguments", argv[0]);
		return EXIT_USAGE;
	}
	r = ctl_query(ctl, &rq, &a);
	if (r == EXIT_OK && proto_unpack_status(a.buf, a.len, &st) < 0) {
		warnx("malformed status answer from ipcmond (%zu bytes)", a.len);
		r = EXIT_FAIL;
	}
	if (r == EXIT_OK && !ctl->quiet)
		ctl->out->status(&st);
	proto_asm_free(&a);
	return r;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

int verb_ping(struct ctl *ctl, int argc, char *argv[])
{
	struct proto_request rq = { .hdr.op = PROTO_OP_PING };
	unsigned long count = 1;
	struct proto_ping p;
	struct proto_asm a;
	uint64_t t0, *rtt;
	char *end;
	int opt, r;

	optind = 0;
	while ((opt = getopt(argc, argv, "c:")) != -1) {
		errno = 0;
		if (opt != 'c' || !(count = strtoul(optarg, &end, 10)) || *end || errno ||
		    count > 1000000) {
			warnx("usage: ping [-c COUNT] (1 to 1000000 round trips)");
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		warnx("usage: ping [-c COUNT]");
		return EXIT_USAGE;
	}
	rtt = calloc(count, sizeof(*rtt));
	if (!rtt)
		errx(EXIT_FAIL, "out of memory");
	/* The first query opens the queue: not timed.  Then count warm
	 * round trips, as ping(8) would. */
	r = ctl_query(ctl, &rq, &a);
	for (unsigned long i = 0; r == EXIT_OK && i < count; i++) {
		proto_asm_free(&a);
		t0 = usec_mono();
		r = ctl_query(ctl, &rq, &a);
		rtt[i] = usec_mono() - t0;
	}
	if (r == EXIT_OK && proto_unpack_ping(a.buf, a.len, &p) < 0) {
		warnx("malformed ping answer from ipcmond (%zu bytes)", a.len);
		r = EXIT_FAIL;
	}
	if (r == EXIT_OK && !ctl->quiet) {
		qsort(rtt, count, sizeof(*rtt), cmp_u64);
		ctl->out->ping(&p, rtt, count);
	}
	proto_asm_free(&a);
	free(rtt);
	return r;
}
