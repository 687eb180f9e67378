/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* check_collector.c - the collector's state machine driven by a source
 * of our own (collector_source_ops), without root or a kernel: netlink
 * messages built with libnl's request builders and parsed by
 * nl_msg_parse, the path the real source takes; overflows (ENOBUFS),
 * dumps that fail, resyncs that find changes, a restart, a segment a
 * dead writer left half-written. */
#include "collector.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_arp.h>
#include <linux/rtnetlink.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/msg.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>

#include "frame.h"
#include "log.h"

#define KMAX 64

/* The "kernel": links and addresses as they are, and the notification
 * messages queued for the collector. */
struct fake {
	struct rtnl_link *links[KMAX];
	size_t nlinks;
	struct rtnl_addr *addrs[KMAX];
	size_t naddrs;
	struct nl_msg *queue[KMAX];
	size_t nqueue;
	bool overflow;          /* the next receive reports ENOBUFS */
	int dump_failures;      /* dumps to fail with -EINTR */
	unsigned dumps;
	collector_obj_fn *fn;
	void *arg;
};

static struct fake k;
static int fd = -1;
static sem_t sem;
static struct segmap m;
static int sv[2] = { -1, -1 };
static struct frame_config cfg;
static struct collector *c;

/* ---- the fake source ---- */

static void parsed(struct nl_object *obj, void *arg)
{
	k.fn(obj, k.arg);
}

static int fake_receive(void *src, collector_obj_fn *fn, void *arg)
{
	k.fn = fn;
	k.arg = arg;
	for (size_t i = 0; i < k.nqueue; i++) {
		ck_assert_int_eq(nl_msg_parse(k.queue[i], parsed, NULL), 0);
		nlmsg_free(k.queue[i]);
	}
	k.nqueue = 0;
	if (k.overflow) {
		k.overflow = false;
		return -ENOBUFS;
	}
	return 0;
}

static void fake_drain(void *src)
{
	for (size_t i = 0; i < k.nqueue; i++)
		nlmsg_free(k.queue[i]);
	k.nqueue = 0;
}

static int fake_dump(void *src, struct nl_cache **ret_links, struct nl_cache **ret_addrs)
{
	struct nl_cache *l, *a;

	k.dumps++;
	if (k.dump_failures > 0) {
		k.dump_failures--;
		return -EINTR;
	}
	ck_assert_int_eq(nl_cache_alloc_name("route/link", &l), 0);
	ck_assert_int_eq(nl_cache_alloc_name("route/addr", &a), 0);
	for (size_t i = 0; i < k.nlinks; i++)
		ck_assert_int_eq(nl_cache_add(l, (struct nl_object *)k.links[i]), 0);
	for (size_t i = 0; i < k.naddrs; i++)
		ck_assert_int_eq(nl_cache_add(a, (struct nl_object *)k.addrs[i]), 0);
	*ret_links = l;
	*ret_addrs = a;
	return 0;
}

static int fake_request_link(void *src, int32_t ifindex)
{
	return 0;
}

static int fake_dump_stats(void *src, struct link_stats **v, size_t *n, size_t *cap)
{
	*n = 0;
	return 0;
}

static const struct collector_source_ops fake_ops = {
	.receive = fake_receive,
	.drain = fake_drain,
	.dump = fake_dump,
	.request_link = fake_request_link,
	.dump_stats = fake_dump_stats,
};

/* ---- the kernel's side ---- */

static struct rtnl_link *mklink(int ifindex, const char *name, unsigned flags)
{
	struct rtnl_link *l = rtnl_link_alloc();
	struct nl_addr *mac;
	char hw[32];

	ck_assert_ptr_nonnull(l);
	rtnl_link_set_ifindex(l, ifindex);
	rtnl_link_set_name(l, name);
	rtnl_link_set_flags(l, flags);
	rtnl_link_set_operstate(l, (flags & IFF_UP) ? IF_OPER_UP : IF_OPER_DOWN);
	rtnl_link_set_mtu(l, 1500);
	rtnl_link_set_arptype(l, ARPHRD_ETHER);
	snprintf(hw, sizeof(hw), "02:00:00:00:00:%02x", ifindex & 0xff);
	ck_assert_int_eq(nl_addr_parse(hw, AF_LLC, &mac), 0);
	rtnl_link_set_addr(l, mac);
	nl_addr_put(mac);
	return l;
}

static void notify(struct nl_msg *msg)
{
	ck_assert_uint_lt(k.nqueue, KMAX);
	nlmsg_set_proto(msg, NETLINK_ROUTE); /* as a received one has */
	k.queue[k.nqueue++] = msg;
}

/* A link appears (or changes): in the kernel, and announced unless the
 * announcement is "lost". */
static void kernel_link(int ifindex, const char *name, unsigned flags, bool announce)
{
	struct rtnl_link *l = mklink(ifindex, name, flags);
	struct nl_msg *msg;
	size_t i;

	for (i = 0; i < k.nlinks; i++)
		if (rtnl_link_get_ifindex(k.links[i]) == ifindex)
			break;
	if (i < k.nlinks) {
		rtnl_link_put(k.links[i]);
	} else {
		ck_assert_uint_lt(k.nlinks, KMAX);
		k.nlinks++;
	}
	k.links[i] = l;
	if (!announce)
		return;
	/* The kernel announces with RTM_NEWLINK: the request builder makes
	 * that message, nl_msg_parse reads it as it reads the kernel's. */
	ck_assert_int_eq(rtnl_link_build_add_request(l, 0, &msg), 0);
	nlmsg_hdr(msg)->nlmsg_type = RTM_NEWLINK;
	{
		struct ifinfomsg *ifi = nlmsg_data(nlmsg_hdr(msg));

		ifi->ifi_index = ifindex;
	}
	notify(msg);
}

static void kernel_unlink(int ifindex, bool announce)
{
	struct nl_msg *msg;

	for (size_t i = 0; i < k.nlinks; i++) {
		if (rtnl_link_get_ifindex(k.links[i]) != ifindex)
			continue;
		if (announce) {
			ck_assert_int_eq(rtnl_link_build_delete_request(k.links[i], &msg), 0);
			notify(msg);
		}
		rtnl_link_put(k.links[i]);
		k.links[i] = k.links[--k.nlinks];
		return;
	}
	ck_abort_msg("no link %d", ifindex);
}

static void kernel_addr(int ifindex, const char *cidr)
{
	struct rtnl_addr *a = rtnl_addr_alloc();
	struct nl_addr *local;

	ck_assert_int_eq(nl_addr_parse(cidr, AF_INET, &local), 0);
	rtnl_addr_set_ifindex(a, ifindex);
	rtnl_addr_set_family(a, AF_INET);
	ck_assert_int_eq(rtnl_addr_set_local(a, local), 0);
	rtnl_addr_set_prefixlen(a, (int)nl_addr_get_prefixlen(local));
	rtnl_addr_set_scope(a, RT_SCOPE_UNIVERSE);
	nl_addr_put(local);
	ck_assert_uint_lt(k.naddrs, KMAX);
	k.addrs[k.naddrs++] = a;
}

/* ---- what the collector did ---- */

/* The events in the ring after seq *from, as "TYPE NAME: TEXT" lines. */
static char *ring_text(uint64_t *from)
{
	static char out[16384];
	size_t len = 0;
	struct seg_event ev;

	out[0] = '\0';
	for (uint64_t s = *from + 1; s <= seg_event_last_seq(m.h); s++) {
		ck_assert_int_eq(seg_event_read(m.h, s, &ev), 0);
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%u %s: %s\n",
					ev.type, ev.ifname, ev.text);
		*from = s;
	}
	return out;
}

/* Frames the collector sent us since the last call: count of each type. */
static void frames(unsigned counts[FRAME_TYPE_MAX])
{
	union frame_buf u;
	const struct frame_hdr *h;
	const void *p;

	memset(counts, 0, FRAME_TYPE_MAX * sizeof(counts[0]));
	while (frame_recv(sv[0], u.buf, &h, &p) == 0)
		counts[h->type]++;
}

static struct seg_link *seg_link_named(const char *name)
{
	for (uint32_t i = 0; i < m.h->links.count; i++)
		if (strcmp(seg_links(m.h)[i].name, name) == 0)
			return &seg_links(m.h)[i];
	return NULL;
}

/* ---- fixture ---- */

static void collector_make(uint32_t restarts, const char *reason)
{
	struct collector_params p = {
		.cfg = &cfg, .map = &m, .parent_fd = sv[1], .ops = &fake_ops, .src = &k,
	};

	cfg.restarts = restarts;
	snprintf(cfg.restart_reason, sizeof(cfg.restart_reason), "%s", reason);
	ck_assert_int_eq(collector_new(&p, &c), 0);
}

static void setup(void)
{
	struct seg_layout l;

	log_init(LOGLEVEL_ERR, "check");
	memset(&k, 0, sizeof(k));
	memset(&cfg, 0, sizeof(cfg));
	cfg.log_level = LOGLEVEL_ERR;
	seg_layout_compute(&l, 4, 4, 64);
	fd = memfd_create("check_collector", MFD_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (off_t)l.total_size), 0);
	ck_assert_int_eq(sem_init(&sem, 1, 1), 0);
	ck_assert_int_eq(segmap_open(&m, fd, &sem, true), 0);
	seg_init(m.h, &l);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sv), 0);
	kernel_link(1, "lo", IFF_UP | IFF_LOOPBACK, false);
	kernel_addr(1, "127.0.0.1/8");
	collector_make(0, "");
}

static void teardown(void)
{
	collector_free(c);
	c = NULL;
	fake_drain(NULL);
	for (size_t i = 0; i < k.nlinks; i++)
		rtnl_link_put(k.links[i]);
	for (size_t i = 0; i < k.naddrs; i++)
		rtnl_addr_put(k.addrs[i]);
	segmap_close(&m);
	sem_destroy(&sem);
	close(fd);
	close(sv[0]);
	close(sv[1]);
}

/* ---- tests ---- */

START_TEST(test_start_then_follow)
{
	unsigned f[FRAME_TYPE_MAX];
	uint64_t seen = 0;
	char *t;

	ck_assert_int_eq(collector_start(c), 0);
	ck_assert_uint_eq(m.h->state, SEG_STATE_READY);
	t = ring_text(&seen);
	/* the first dump is quiet: one start event says what it found */
	ck_assert_msg(strncmp(t, "7 : 1 links, 1 addresses (first dump in ", 40) == 0 &&
		      !strchr(t, '\n')[1], "ring after the start:\n%s", t);
	frames(f);
	ck_assert_uint_eq(f[FRAME_READY], 1);
	ck_assert_uint_ge(f[FRAME_EVENTS], 1);
	/* the parent is told the loop is busy in a dump, and when it ends */
	ck_assert_uint_eq(f[FRAME_DUMP_BEGIN], 1);
	ck_assert_uint_eq(f[FRAME_DUMP_END], 1);

	kernel_link(5, "veth0", IFF_BROADCAST, true);
	collector_on_netlink(c);
	t = ring_text(&seen);
	ck_assert_ptr_nonnull(strstr(t, "1 veth0: new"));
	ck_assert_ptr_nonnull(seg_link_named("veth0"));
	frames(f);
	ck_assert_uint_eq(f[FRAME_EVENTS], 1); /* one doorbell per batch */

	kernel_unlink(5, true);
	collector_on_netlink(c);
	t = ring_text(&seen);
	ck_assert_ptr_nonnull(strstr(t, "2 veth0: deleted"));
	ck_assert_ptr_null(seg_link_named("veth0"));
	ck_assert(!collector_retry_due(c));
}
END_TEST

/* The kernel dropped messages: the collector throws away what it read,
 * dumps, and reports what it had missed after a RESYNC event. */
START_TEST(test_overflow_resync_finds_changes)
{
	struct collector_stats st;
	uint64_t seen, resyncs;
	char *t;

	ck_assert_int_eq(collector_start(c), 0);
	seen = seg_event_last_seq(m.h);
	resyncs = m.h->resyncs;
	/* two changes whose announcements were lost, one that arrived */
	kernel_link(6, "lost0", IFF_BROADCAST, false);
	kernel_link(1, "lo", IFF_LOOPBACK, false); /* lo went down */
	kernel_link(7, "seen0", IFF_BROADCAST, true);
	k.overflow = true;
	collector_on_netlink(c);
	t = ring_text(&seen);
	ck_assert_msg(strncmp(t, "6 : netlink overflow: resynced, 3 changes\n", 42) == 0,
		      "ring after the overflow:\n%s", t);
	ck_assert_ptr_nonnull(strstr(t, "1 lost0: new"));
	ck_assert_ptr_nonnull(strstr(t, "1 seen0: new"));
	ck_assert_ptr_nonnull(strstr(t, "3 lo: operstate UP -> DOWN"));
	ck_assert_uint_eq(m.h->resyncs, resyncs + 1);
	ck_assert_uint_eq(m.h->links.count, 3);
	ck_assert_uint_eq(m.h->state, SEG_STATE_READY);
	collector_get_stats(c, &st);
	ck_assert_uint_eq(st.dump_failures, 0);
}
END_TEST

/* A dump that fails is retried, with nothing lost and the segment saying
 * RESYNCING meanwhile. */
START_TEST(test_failed_resync_retries)
{
	struct collector_stats st;
	uint64_t seen;
	char *t;

	ck_assert_int_eq(collector_start(c), 0);
	seen = seg_event_last_seq(m.h);
	kernel_link(8, "late0", IFF_BROADCAST, false);
	k.overflow = true;
	k.dump_failures = 2;
	collector_on_netlink(c);
	ck_assert(collector_retry_due(c));
	ck_assert_uint_eq(m.h->state, SEG_STATE_RESYNCING);
	ck_assert_ptr_null(seg_link_named("late0"));
	collector_on_retry(c); /* fails again */
	ck_assert(collector_retry_due(c));
	collector_on_retry(c);
	ck_assert(!collector_retry_due(c));
	ck_assert_uint_eq(m.h->state, SEG_STATE_READY);
	ck_assert_ptr_nonnull(seg_link_named("late0"));
	{
		unsigned f[FRAME_TYPE_MAX];

		/* every dump, failed or not, ends with DUMP_END: the parent
		 * never stays in "dumping" */
		frames(f);
		ck_assert_uint_eq(f[FRAME_DUMP_BEGIN], 4);
		ck_assert_uint_eq(f[FRAME_DUMP_END], 4);
	}
	t = ring_text(&seen);
	ck_assert_msg(strstr(t, "6 : netlink overflow: resynced, 1 changes\n1 late0: new"),
		      "ring after the retries:\n%s", t);
	collector_get_stats(c, &st);
	ck_assert_uint_eq(st.dump_failures, 2);
	ck_assert_uint_eq(k.dumps, 4); /* first dump, two failures, success */
}
END_TEST

/* A second collector on the same segment says how the first one ended
 * and what changed while none ran. */
START_TEST(test_restart_reports_missed_changes)
{
	uint64_t seen;
	char *t;

	ck_assert_int_eq(collector_start(c), 0);
	seen = seg_event_last_seq(m.h);
	collector_free(c);
	kernel_link(9, "while0", IFF_BROADCAST, false);
	collector_make(1, "collector (pid 123) killed by signal KILL");
	ck_assert_int_eq(collector_start(c), 0);
	t = ring_text(&seen);
	ck_assert_msg(strstr(t, "8 : collector (pid 123) killed by signal KILL; resynced, 1 changes\n"
			     "1 while0: new") == t, "ring after the restart:\n%s", t);
}
END_TEST

/* A writer that died inside a change left the sequence count odd: the
 * next collector keeps readers off until its first dump rewrote the
 * tables. */
START_TEST(test_dead_writer_taint_cleared_by_dump)
{
	ck_assert(seg_write_begin(m.h)); /* and died there */
	k.dump_failures = 1;
	ck_assert_int_eq(collector_start(c), 0);
	ck_assert(collector_retry_due(c));
	ck_assert_uint_eq(seg_read_begin(m.h) & 1, 1);
	collector_on_retry(c);
	ck_assert(!collector_retry_due(c));
	ck_assert_uint_eq(seg_read_begin(m.h) & 1, 0);
}
END_TEST

static Suite *collector_suite(void)
{
	Suite *s = suite_create("collector");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_start_then_follow);
	tcase_add_test(tc, test_overflow_resync_finds_changes);
	tcase_add_test(tc, test_failed_resync_retries);
	tcase_add_test(tc, test_restart_reports_missed_changes);
	tcase_add_test(tc, test_dead_writer_taint_cleared_by_dump);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(collector_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
