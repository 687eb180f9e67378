/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* verbs_links.c - links (list), addrs [IFACE], show IFACE. */
#include "ctl.h"

#include <err.h>
#include <stdlib.h>
#include <string.h>

#include "segment.h"

static int check_ifname(const char *name)
{
	if (strlen(name) >= SEG_IFNAMSIZ || !name[0]) {
		warnx("invalid interface name '%s' (1 to %d bytes)", name, SEG_IFNAMSIZ - 1);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

static int query_links(struct ctl *ctl, const char *ifname, bool addrs,
		       enum links_view view)
{
	struct proto_request rq = { 0 };
	const struct seg_link *links;
	const struct seg_addr *as;
	const uint8_t *lf;
	struct proto_links pl;
	struct link_set set;
	struct proto_asm a;
	int r;

	rq.hdr.op = PROTO_OP_LINKS;
	rq.flags = addrs ? PROTO_RQ_ADDRS : 0;
	if (ifname) {
		r = check_ifname(ifname);
		if (r != EXIT_OK)
			return r;
		memcpy(rq.ifname, ifname, strlen(ifname));
	}
	r = ctl_query(ctl, &rq, &a);
	if (r != EXIT_OK)
		goto out;
	if (proto_unpack_links(a.buf, a.len, &pl, &links, &as, &lf) < 0) {
		warnx("malformed links answer from ipcmond (%zu bytes)", a.len);
		r = EXIT_FAIL;
		goto out;
	}
	if (link_set_build(&set, links, lf, pl.nlinks, as, pl.naddrs) < 0) {
		warnx("out of memory");
		r = EXIT_FAIL;
		goto out;
	}
	if (!ctl->quiet)
		ctl->out->links(&set, view);
	link_set_free(&set);
out:
	proto_asm_free(&a);
	return r;
}

int verb_links(struct ctl *ctl, int argc, char *argv[])
{
	if (argc > 1) {
		warnx("%s takes no arguments", argv[0]);
		return EXIT_USAGE;
	}
	return query_links(ctl, NULL, false, LINKS_LIST);
}

int verb_addrs(struct ctl *ctl, int argc, char *argv[])
{
	if (argc > 2) {
		warnx("usage: addrs [IFACE]");
		return EXIT_USAGE;
	}
	return query_links(ctl, argc == 2 ? argv[1] : NULL, true, LINKS_ADDRS);
}

int verb_show(struct ctl *ctl, int argc, char *argv[])
{
	if (argc != 2) {
		warnx("usage: show IFACE");
		return EXIT_USAGE;
	}
	return query_links(ctl, argv[1], true, LINKS_SHOW);
}
