/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* verbs_status.c - status and ping. */
#include "ctl.h"
#include "usec.h"

#include <err.h>

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

int verb_ping(struct ctl *ctl, int argc, char *argv[])
{
	struct proto_request rq = { .hdr.op = PROTO_OP_PING };
	struct proto_ping p;
	struct proto_asm a;
	uint64_t t0, rtt;
	int r;

	if (argc > 1) {
		warnx("%s takes no arguments", argv[0]);
		return EXIT_USAGE;
	}
	/* The first query opens the queue; time a second, warm one. */
	t0 = usec_mono();
	r = ctl_query(ctl, &rq, &a);
	rtt = usec_mono() - t0;
	if (r == EXIT_OK) {
		proto_asm_free(&a);
		t0 = usec_mono();
		r = ctl_query(ctl, &rq, &a);
		rtt = usec_mono() - t0;
	}
	if (r == EXIT_OK && proto_unpack_ping(a.buf, a.len, &p) < 0) {
		warnx("malformed ping answer from ipcmond (%zu bytes)", a.len);
		r = EXIT_FAIL;
	}
	if (r == EXIT_OK && !ctl->quiet)
		ctl->out->ping(&p, rtt);
	proto_asm_free(&a);
	return r;
}
