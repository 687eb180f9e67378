/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* ctl.h - what the client's files share: options, exit statuses, the
 * query round trip, the segment watch and the output interface. */
#ifndef IPCMON_CTL_H
#define IPCMON_CTL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "config.h"
#include "proto.h"
#include "segment.h"
#include "segview.h"

/* Exit statuses, documented in ipcmonctl(1). */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
	EXIT_UNREACHABLE = 3,
	EXIT_TIMEOUT = 4,
};

#define CTL_TIMEOUT_DEFAULT_USEC (5 * 1000000ULL)

struct output;

struct ctl {
	struct config cfg;
	const char *config_file;
	bool json;
	bool quiet;
	bool timeout_set;
	uint64_t timeout_usec;     /* one query */
	const struct output *out;
	int qid;                   /* -1 until the first query */
	uint32_t next_id;
	struct proto_msg msg;
};

/* The verbs: argv[0] is the verb. */
int verb_status(struct ctl *ctl, int argc, char *argv[]);
int verb_ping(struct ctl *ctl, int argc, char *argv[]);
int verb_links(struct ctl *ctl, int argc, char *argv[]);
int verb_addrs(struct ctl *ctl, int argc, char *argv[]);
int verb_show(struct ctl *ctl, int argc, char *argv[]);
int verb_events(struct ctl *ctl, int argc, char *argv[]);
int verb_wait(struct ctl *ctl, int argc, char *argv[]);
int verb_metrics(struct ctl *ctl, int argc, char *argv[]);

/* Send rq (op and arguments set by the caller) and reassemble the answer
 * into *a (the caller frees it with proto_asm_free).  Prints what went
 * wrong and returns an exit status: EXIT_OK, EXIT_FAIL (an error reply:
 * its message printed, a->status set), EXIT_UNREACHABLE (no queue, no
 * answer within ctl->timeout_usec). */
int ctl_query(struct ctl *ctl, struct proto_request *rq, struct proto_asm *a);
/* The same; an error reply's message is printed only when print_errors. */
int ctl_query_ex(struct ctl *ctl, struct proto_request *rq, struct proto_asm *a,
		 bool print_errors);

/* The segment, read without the daemon (common/segview.h). */
struct watch {
	struct segview v;
};

/* Map the segment read-only and check that its daemon lives.  Returns
 * EXIT_OK, or EXIT_UNREACHABLE / EXIT_FAIL with a message printed (no
 * segment, no permission, another ABI). */
int watch_open(struct ctl *ctl, struct watch *w);
uint32_t watch_generation(const struct watch *w);
uint32_t watch_state(const struct watch *w); /* enum seg_state */
/* The first dump is in: the tables are the kernel's. */
bool watch_ready(const struct watch *w);
/* Sleep until the generation differs from seen, at most until deadline
 * (CLOCK_MONOTONIC usec; 0: no deadline).  Once a second of sleep it also
 * checks that the daemon is still there: its segment still under its
 * name and its pid alive.  Returns 0, -ETIMEDOUT, or -ESTALE when the
 * daemon went away (or stopped cleanly). */
int watch_wait(const struct watch *w, uint32_t seen, uint64_t deadline);
/* After -ESTALE: wait up to 3 s for a successor (a restart) to appear,
 * and then, once it has, until it is ready (its first dump is in), up to
 * deadline (0: none, then at most 2 min); map its segment and forget the
 * old queue.  Returns 0, or EXIT_UNREACHABLE with a message printed. */
int watch_reattach(struct ctl *ctl, struct watch *w, uint64_t deadline);
void watch_close(struct watch *w);

/* What to try when the daemon cannot be reached: names the unit of the
 * instance ("try 'systemctl status ipcmond@blue'"). */
const char *ctl_hint(const struct ctl *ctl);

/* Parse "5", "1.5", "250ms", "2min", "infinity" (UINT64_MAX). */
int ctl_parse_timeout(const char *s, uint64_t *ret);

/* The links of an answer, sorted by ifindex, each with its addresses. */
struct link_view {
	const struct seg_link *link;
	const struct seg_addr **addrs;
	size_t naddrs;
	uint8_t lflags;            /* PROTO_LINK_* */
};
struct link_set {
	struct link_view *v;
	size_t n;
	const struct seg_addr **addr_store;
};
int link_set_build(struct link_set *s, const struct seg_link *links,
		   const uint8_t *lflags, size_t nl,
		   const struct seg_addr *addrs, size_t na);
void link_set_free(struct link_set *s);

/* iproute2's flag names of a link, M-DOWN included: fills names (at most
 * max) and returns how many there are. */
size_t link_flag_names(const struct link_view *v, const char **names, size_t max);
/* The same, comma-separated, as `ip link` prints them between < and >. */
void link_flags_text(const struct link_view *v, char *buf, size_t len);

enum links_view {
	LINKS_LIST,   /* links: one row per link */
	LINKS_ADDRS,  /* addrs: links with their addresses */
	LINKS_SHOW,   /* show IFACE: one link in detail */
};

/* The output layer: one implementation for people, one for JSON. */
struct output {
	void (*links)(const struct link_set *s, enum links_view view);
	void (*status)(const struct proto_status *st);
	void (*event)(const struct seg_event *ev);
	void (*events_lost)(uint64_t from, uint64_t to);
	/* n round trips in microseconds, sorted */
	void (*ping)(const struct proto_ping *p, const uint64_t *rtt_usec, size_t n);
};

extern const struct output output_text;
extern const struct output output_json;

#endif
