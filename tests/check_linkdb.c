/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* check_linkdb.c - the link and address tables, fed libnl objects built
 * by hand (no root, no netlink): the seams the collector uses. */
#include "linkdb.h"

#include <check.h>
#include <errno.h>
#include <linux/if.h>
#include <linux/if_arp.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <netlink/addr.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>

#include "event.h"

#define MAXEV 4096

static int fd = -1;
static sem_t sem;
static struct segmap m;
static struct linkdb *db;
static struct seg_event evs[MAXEV];
static int nev;

static void record(struct seg_event *ev, void *userdata)
{
	/* only the first MAXEV are kept; long runs just count */
	if (nev < MAXEV)
		evs[nev] = *ev;
	nev++;
}

/* A segment in a memfd with small tables, so that tests see growth. */
static void setup_caps(uint32_t links, uint32_t addrs)
{
	struct seg_layout l;

	seg_layout_compute(&l, links, addrs, 64);
	fd = memfd_create("check_linkdb", MFD_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (off_t)l.total_size), 0);
	ck_assert_int_eq(sem_init(&sem, 1, 1), 0);
	ck_assert_int_eq(segmap_open(&m, fd, &sem, true), 0);
	seg_init(m.h, &l);
	ck_assert_int_eq(segmap_lock(&m, 0), 0);
	ck_assert_int_eq(linkdb_new(&m, record, NULL, &db), 0);
	nev = 0;
}

static void setup(void)
{
	setup_caps(4, 4);
}

static void teardown(void)
{
	linkdb_free(db);
	db = NULL;
	segmap_unlock(&m);
	segmap_close(&m);
	sem_destroy(&sem);
	close(fd);
}

static struct rtnl_link *mklink(int ifindex, const char *name, unsigned flags,
				uint8_t oper, unsigned mtu)
{
	struct rtnl_link *l = rtnl_link_alloc();
	struct nl_addr *mac;

	ck_assert_ptr_nonnull(l);
	rtnl_link_set_ifindex(l, ifindex);
	rtnl_link_set_name(l, name);
	rtnl_link_set_flags(l, flags);
	rtnl_link_set_operstate(l, oper);
	rtnl_link_set_mtu(l, mtu);
	rtnl_link_set_arptype(l, ARPHRD_ETHER);
	rtnl_link_set_carrier(l, (flags & IFF_LOWER_UP) ? 1 : 0);
	ck_assert_int_eq(nl_addr_parse("02:00:00:00:00:01", AF_LLC, &mac), 0);
	rtnl_link_set_addr(l, mac);
	nl_addr_put(mac);
	/* the kind, as IFLA_INFO_KIND gives it */
	ck_assert_int_eq(rtnl_link_set_type(l, "veth"), 0);
	return l;
}

static int apply_link(int ifindex, const char *name, unsigned flags, uint8_t oper,
		      unsigned mtu)
{
	struct rtnl_link *l = mklink(ifindex, name, flags, oper, mtu);
	int r = linkdb_link_update(db, l);

	rtnl_link_put(l);
	return r;
}

static int del_link(int ifindex)
{
	struct rtnl_link *l = rtnl_link_alloc();
	int r;

	rtnl_link_set_ifindex(l, ifindex);
	r = linkdb_link_delete(db, l);
	rtnl_link_put(l);
	return r;
}

static struct rtnl_addr *mkaddr(int ifindex, const char *cidr, int family, int scope)
{
	struct rtnl_addr *a = rtnl_addr_alloc();
	struct nl_addr *local;

	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(nl_addr_parse(cidr, family, &local), 0);
	rtnl_addr_set_ifindex(a, ifindex);
	rtnl_addr_set_family(a, family);
	ck_assert_int_eq(rtnl_addr_set_local(a, local), 0);
	rtnl_addr_set_prefixlen(a, (int)nl_addr_get_prefixlen(local));
	rtnl_addr_set_scope(a, scope);
	nl_addr_put(local);
	return a;
}

static int apply_addr(int ifindex, const char *cidr, int family, bool add)
{
	struct rtnl_addr *a = mkaddr(ifindex, cidr, family, family == AF_INET6 ? 253 : 0);
	int r = add ? linkdb_addr_update(db, a) : linkdb_addr_delete(db, a);

	rtnl_addr_put(a);
	return r;
}

static const struct seg_link *find_link(int ifindex)
{
	for (uint32_t i = 0; i < m.h->links.count; i++)
		if (seg_links(m.h)[i].ifindex == ifindex)
			return &seg_links(m.h)[i];
	return NULL;
}

/* find_link that fails the test when the link is missing. */
static const struct seg_link *must_link(int ifindex)
{
	static const struct seg_link none;
	const struct seg_link *r = find_link(ifindex);

	if (!r)
		ck_abort_msg("link %d not in the table", ifindex);
	return r ? r : &none;
}

#define VETH_FLAGS (IFF_BROADCAST | IFF_MULTICAST)
#define UP_FLAGS (VETH_FLAGS | IFF_UP | IFF_RUNNING | IFF_LOWER_UP)

START_TEST(test_add)
{
	const struct seg_link *r;

	ck_assert_int_eq(apply_link(5, "veth0", VETH_FLAGS, IF_OPER_DOWN, 1500), 1);
	ck_assert_int_eq(nev, 1);
	ck_assert_uint_eq(evs[0].type, SEG_EV_LINK_NEW);
	ck_assert_int_eq(evs[0].ifindex, 5);
	ck_assert_str_eq(evs[0].ifname, "veth0");
	ck_assert_str_eq(evs[0].text,
			 "new veth, mtu 1500, operstate DOWN, flags BROADCAST,MULTICAST");
	ck_assert_uint_eq(linkdb_link_count(db), 1);
	r = find_link(5);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(r->name, "veth0");
	ck_assert_str_eq(r->kind, "veth");
	ck_assert_uint_eq(r->mtu, 1500);
	ck_assert_uint_eq(r->flags, VETH_FLAGS);
	ck_assert_uint_eq(r->operstate, IF_OPER_DOWN);
	ck_assert_uint_eq(r->addr_len, 6);
	ck_assert_uint_eq(r->address[5], 1);
	ck_assert_uint_eq(r->link_type, ARPHRD_ETHER);
	ck_assert_int_eq(r->link_netnsid, -1);
	ck_assert_int_gt(r->last_change_usec, 0);
	/* The same state again: nothing to say. */
	ck_assert_int_eq(apply_link(5, "veth0", VETH_FLAGS, IF_OPER_DOWN, 1500), 0);
	ck_assert_int_eq(nev, 1);
	ck_assert_int_eq(linkdb_verify(db), 0);
}
END_TEST

START_TEST(test_change_in_place)
{
	const struct seg_link *before, *after;

	apply_link(5, "veth0", VETH_FLAGS, IF_OPER_DOWN, 1500);
	apply_link(6, "veth1", VETH_FLAGS, IF_OPER_DOWN, 1500);
	before = find_link(5);
	nev = 0;
	ck_assert_int_eq(apply_link(5, "veth0", UP_FLAGS, IF_OPER_UP, 1500), 1);
	ck_assert_int_eq(nev, 1);
	ck_assert_uint_eq(evs[0].type, SEG_EV_LINK_CHANGE);
	ck_assert_str_eq(evs[0].text,
			 "operstate DOWN -> UP, carrier off -> on, flags +UP +LOWER_UP");
	ck_assert_uint_eq(evs[0].changed, SEG_CH_OPERSTATE | SEG_CH_CARRIER | SEG_CH_FLAGS);
	after = find_link(5);
	ck_assert_ptr_eq(before, after); /* same slot: updated in place */
	ck_assert_uint_eq(after->flags, UP_FLAGS);
	ck_assert_uint_eq(after->carrier, 1);
	ck_assert_uint_eq(after->carrier_changes, 1);

	ck_assert_int_eq(apply_link(5, "veth0", UP_FLAGS, IF_OPER_UP, 9000), 1);
	ck_assert_str_eq(evs[1].text, "mtu 1500 -> 9000");
	ck_assert_uint_eq(evs[1].changed, SEG_CH_MTU);
	ck_assert_uint_eq(must_link(5)->mtu, 9000);

	ck_assert_int_eq(apply_link(5, "veth0", VETH_FLAGS, IF_OPER_DOWN, 9000), 1);
	ck_assert_str_eq(evs[2].text,
			 "operstate UP -> DOWN, carrier on -> off, flags -UP -LOWER_UP");
	ck_assert_uint_eq(must_link(5)->carrier_changes, 2);
	ck_assert_uint_eq(linkdb_link_count(db), 2);
	ck_assert_int_eq(linkdb_verify(db), 0);
}
END_TEST

START_TEST(test_rename)
{
	apply_link(5, "veth0", VETH_FLAGS, IF_OPER_DOWN, 1500);
	apply_addr(5, "10.0.0.1/24", AF_INET, true);
	nev = 0;
	ck_assert_int_eq(apply_link(5, "wan0", VETH_FLAGS, IF_OPER_DOWN, 1500), 1);
	ck_assert_str_eq(evs[0].text, "name veth0 -> wan0");
	ck_assert_uint_eq(evs[0].changed, SEG_CH_NAME);
	ck_assert_str_eq(evs[0].ifname, "wan0");
	ck_assert_str_eq(must_link(5)->name, "wan0");
	/* later address events carry the new name */
	ck_assert_int_eq(apply_addr(5, "10.0.0.1/24", AF_INET, false), 1);
	ck_assert_str_eq(evs[1].ifname, "wan0");
	ck_assert_str_eq(evs[1].text, "removed 10.0.0.1/24");
	ck_assert_int_eq(linkdb_verify(db), 0);
}
END_TEST

START_TEST(test_counters_are_not_events)
{
	struct rtnl_link *l;
	const struct seg_link *r;

	apply_link(5, "veth0", UP_FLAGS, IF_OPER_UP, 1500);
	nev = 0;
	l = mklink(5, "veth0", UP_FLAGS, IF_OPER_UP, 1500);
	rtnl_link_set_stat(l, RTNL_LINK_RX_BYTES, 1000);
	rtnl_link_set_stat(l, RTNL_LINK_TX_PACKETS, 7);
	ck_assert_int_eq(linkdb_link_update(db, l), 0);
	ck_assert_int_eq(nev, 0);

	/* The timer's refresh: counters and rates, still no event. */
	ck_assert_int_eq(linkdb_link_counters(db, l, 1000000), 1);
	r = find_link(5);
	ck_assert_uint_eq(r->rx.bytes, 1000);
	ck_assert_uint_eq(r->tx.packets, 7);
	ck_assert_uint_eq(r->rx_bps, 0); /* one sample: no rate yet */
	rtnl_link_set_stat(l, RTNL_LINK_RX_BYTES, 3000);
	rtnl_link_set_stat(l, RTNL_LINK_TX_BYTES, 500);
	ck_assert_int_eq(linkdb_link_counters(db, l, 1500000), 1);
	ck_assert_uint_eq(r->rx.bytes, 3000);
	ck_assert_uint_eq(r->rx_bps, 4000); /* 2000 bytes in 0.5 s */
	ck_assert_uint_eq(r->tx_bps, 1000);
	ck_assert_int_eq(nev, 0);
	rtnl_link_put(l);

	l = mklink(99, "ghost", UP_FLAGS, IF_OPER_UP, 1500);
	ck_assert_int_eq(linkdb_link_counters(db, l, 2000000), 0);
	rtnl_link_put(l);
}
END_TEST

START_TEST(test_inet6_stub_ignored)
{
	struct rtnl_link *l;

	apply_link(5, "veth0", UP_FLAGS, IF_OPER_UP, 1500);
	nev = 0;
	/* libnl >= 3.6 keeps an AF_INET6 object per link, carrier down. */
	l = mklink(5, "veth0", VETH_FLAGS, IF_OPER_DOWN, 1280);
	rtnl_link_set_family(l, AF_INET6);
	ck_assert_int_eq(linkdb_link_update(db, l), 0);
	ck_assert_int_eq(linkdb_link_delete(db, l), 0);
	rtnl_link_put(l);
	ck_assert_int_eq(nev, 0);
	ck_assert_uint_eq(must_link(5)->mtu, 1500);
	ck_assert_uint_eq(must_link(5)->carrier, 1);
	ck_assert_uint_eq(linkdb_link_count(db), 1);
}
END_TEST

START_TEST(test_addresses)
{
	struct rtnl_addr *a;

	apply_link(5, "veth0", UP_FLAGS, IF_OPER_UP, 1500);
	nev = 0;
	ck_assert_int_eq(apply_addr(5, "10.0.0.1/24", AF_INET, true), 1);
	ck_assert_str_eq(evs[0].text, "added 10.0.0.1/24 scope global");
	ck_assert_uint_eq(evs[0].type, SEG_EV_ADDR_NEW);
	ck_assert_uint_eq(evs[0].family, AF_INET);
	ck_assert_uint_eq(evs[0].prefixlen, 24);
	ck_assert_str_eq(evs[0].ifname, "veth0");
	ck_assert_int_eq(apply_addr(5, "fe80::1/64", AF_INET6, true), 1);
	ck_assert_str_eq(evs[1].text, "added fe80::1/64 scope link");
	/* Same prefix, other length: another address (ip allows it). */
	ck_assert_int_eq(apply_addr(5, "10.0.0.1/16", AF_INET, true), 1);
	ck_assert_uint_eq(linkdb_addr_count(db), 3);

	/* flags/lifetime update: in place, no event */
	a = mkaddr(5, "10.0.0.1/24", AF_INET, 0);
	rtnl_addr_set_flags(a, 0x80); /* IFA_F_PERMANENT */
	ck_assert_int_eq(linkdb_addr_update(db, a), 0);
	rtnl_addr_put(a);
	ck_assert_int_eq(nev, 3);
	ck_assert_uint_eq(linkdb_addr_count(db), 3);

	/* Addresses of links we do not know are ignored. */
	ck_assert_int_eq(apply_addr(77, "10.9.9.9/8", AF_INET, true), 0);
	ck_assert_uint_eq(linkdb_addr_count(db), 3);

	ck_assert_int_eq(apply_addr(5, "10.0.0.1/24", AF_INET, false), 1);
	ck_assert_str_eq(evs[3].text, "removed 10.0.0.1/24");
	ck_assert_int_eq(apply_addr(5, "10.0.0.1/24", AF_INET, false), 0);
	ck_assert_uint_eq(linkdb_addr_count(db), 2);
	ck_assert_int_eq(linkdb_verify(db), 0);
}
END_TEST

/* A point-to-point address: its event carries the peer, and the event
 * model shows it ("address" in JSON, "peer" in the message). */
START_TEST(test_peer_address)
{
	struct rtnl_addr *a = mkaddr(5, "10.0.0.1", AF_INET, 0);
	struct nl_addr *peer;
	uint8_t want[16] = { 10, 0, 0, 2 };
	char line[EVENT_LINE_MAX + 1];

	apply_link(5, "ppp0", UP_FLAGS, IF_OPER_UP, 1500);
	nev = 0;
	ck_assert_int_eq(nl_addr_parse("10.0.0.2/32", AF_INET, &peer), 0);
	ck_assert_int_eq(rtnl_addr_set_peer(a, peer), 0);
	nl_addr_put(peer);
	ck_assert_int_eq(linkdb_addr_update(db, a), 1);
	rtnl_addr_put(a);
	ck_assert_int_eq(nev, 1);
	ck_assert_str_eq(evs[0].text, "added 10.0.0.1 peer 10.0.0.2/32 scope global");
	ck_assert_int_eq(memcmp(evs[0].peer, want, sizeof(want)), 0);
	event_line(line, sizeof(line), FIFO_FORMAT_JSON, &evs[0]);
	ck_assert_ptr_nonnull(strstr(line, "\"local\":\"10.0.0.1\",\"prefixlen\":32,"
					  "\"address\":\"10.0.0.2\""));
	ck_assert_int_eq(linkdb_verify(db), 0);
}
END_TEST

START_TEST(test_delete_with_addresses)
{
	apply_link(5, "veth0", UP_FLAGS, IF_OPER_UP, 1500);
	apply_link(6, "veth1", UP_FLAGS, IF_OPER_UP, 1500);
	apply_addr(5, "10.0.0.1/24", AF_INET, true);
	apply_addr(6, "10.0.1.1/24", AF_INET, true);
	apply_addr(5, "fe80::1/64", AF_INET6, true);
	nev = 0;
	ck_assert_int_eq(del_link(5), 3);
	ck_assert_int_eq(nev, 3);
	ck_assert_uint_eq(evs[0].type, SEG_EV_ADDR_DEL);
	ck_assert_uint_eq(evs[1].type, SEG_EV_ADDR_DEL);
	ck_assert_uint_eq(evs[2].type, SEG_EV_LINK_DEL);
	ck_assert_str_eq(evs[2].text, "deleted");
	ck_assert_str_eq(evs[2].ifname, "veth0");
	ck_assert_uint_eq(linkdb_link_count(db), 1);
	ck_assert_uint_eq(linkdb_addr_count(db), 1);
	ck_assert_int_eq(seg_addrs(m.h)[0].ifindex, 6);
	ck_assert_int_eq(linkdb_verify(db), 0);
	/* The kernel's RTM_DELADDR/DELLINK that follow change nothing. */
	ck_assert_int_eq(apply_addr(5, "10.0.0.1/24", AF_INET, false), 0);
	ck_assert_int_eq(del_link(5), 0);
	ck_assert_int_eq(nev, 3);
}
END_TEST

START_TEST(test_growth_keeps_records)
{
	char name[16], cidr[32];
	uint64_t size0 = m.h->total_size;

	for (int i = 1; i <= 300; i++) {
		snprintf(name, sizeof(name), "v%d", i);
		ck_assert_int_eq(apply_link(i, name, VETH_FLAGS, IF_OPER_DOWN, 1000 + (unsigned)i), 1);
		snprintf(cidr, sizeof(cidr), "10.%d.%d.1/24", i / 256, i % 256);
		ck_assert_int_eq(apply_addr(i, cidr, AF_INET, true), 1);
	}
	ck_assert_uint_gt(m.h->total_size, size0);
	ck_assert_uint_ge(m.h->links.capacity, 300);
	ck_assert_uint_ge(m.h->addrs.capacity, 300);
	ck_assert_int_eq(seg_validate(m.h, m.mapped), 0);
	for (int i = 1; i <= 300; i++) {
		const struct seg_link *r = find_link(i);

		snprintf(name, sizeof(name), "v%d", i);
		ck_assert_ptr_nonnull(r);
		ck_assert_str_eq(r->name, name);
		ck_assert_uint_eq(r->mtu, 1000 + (unsigned)i);
	}
	ck_assert_int_eq(linkdb_verify(db), 0);
}
END_TEST

/* Random adds, changes and deletes against a plain model. */
START_TEST(test_index_integrity)
{
	enum { N = 200 };
	bool present[N + 1] = { false }, addr[N + 1][3] = { { false } };
	unsigned mtu[N + 1] = { 0 };
	char name[16], cidr[48];
	uint32_t nl = 0, na = 0;

	srand(12345);
	for (int step = 0; step < 6000; step++) {
		int i = 1 + rand() % N, op = rand() % 6, k = rand() % 3;

		snprintf(name, sizeof(name), "l%d", i);
		if (k == 2)
			snprintf(cidr, sizeof(cidr), "fd00::%x:%x/64", i, k);
		else
			snprintf(cidr, sizeof(cidr), "10.%d.%d.%d/24", k, i / 256, i % 256);
		switch (op) {
		case 0: case 1:
			mtu[i] = 1000 + (unsigned)(rand() % 100);
			apply_link(i, name, VETH_FLAGS, IF_OPER_DOWN, mtu[i]);
			if (!present[i])
				nl++;
			present[i] = true;
			break;
		case 2:
			if (present[i]) {
				nl--;
				for (int j = 0; j < 3; j++)
					na -= addr[i][j];
				memset(addr[i], 0, sizeof(addr[i]));
			}
			del_link(i);
			present[i] = false;
			break;
		case 3: case 4:
			apply_addr(i, cidr, k == 2 ? AF_INET6 : AF_INET, true);
			if (present[i] && !addr[i][k]) {
				addr[i][k] = true;
				na++;
			}
			break;
		case 5:
			apply_addr(i, cidr, k == 2 ? AF_INET6 : AF_INET, false);
			if (addr[i][k]) {
				addr[i][k] = false;
				na--;
			}
			break;
		}
		if (step % 100 == 0)
			ck_assert_int_eq(linkdb_verify(db), 0);
	}
	ck_assert_int_eq(linkdb_verify(db), 0);
	ck_assert_uint_eq(linkdb_link_count(db), nl);
	ck_assert_uint_eq(linkdb_addr_count(db), na);
	for (int i = 1; i <= N; i++) {
		const struct seg_link *r = find_link(i);

		ck_assert(present[i] == (r != NULL));
		if (r)
			ck_assert_uint_eq(r->mtu, mtu[i]);
	}
}
END_TEST

START_TEST(test_sync_removes_what_is_gone)
{
	apply_link(5, "veth0", VETH_FLAGS, IF_OPER_DOWN, 1500);
	apply_link(6, "veth1", VETH_FLAGS, IF_OPER_DOWN, 1500);
	apply_link(7, "veth2", VETH_FLAGS, IF_OPER_DOWN, 1500);
	apply_addr(6, "10.0.0.1/24", AF_INET, true);
	apply_addr(7, "10.0.1.1/24", AF_INET, true);
	apply_addr(7, "10.0.2.1/24", AF_INET, true);
	nev = 0;
	/* The dump shows veth0 changed, veth2 with one address, a new link. */
	linkdb_sync_begin(db);
	ck_assert_int_eq(apply_link(5, "veth0", VETH_FLAGS, IF_OPER_DOWN, 9000), 1);
	ck_assert_int_eq(apply_link(7, "veth2", VETH_FLAGS, IF_OPER_DOWN, 1500), 0);
	ck_assert_int_eq(apply_link(8, "veth3", VETH_FLAGS, IF_OPER_DOWN, 1500), 1);
	ck_assert_int_eq(apply_addr(7, "10.0.2.1/24", AF_INET, true), 0);
	ck_assert_int_eq(nev, 2);
	/* veth1 with its address and 10.0.1.1 are gone */
	ck_assert_int_eq(linkdb_sync_end(db), 3);
	ck_assert_int_eq(nev, 5);
	ck_assert_uint_eq(linkdb_link_count(db), 3);
	ck_assert_uint_eq(linkdb_addr_count(db), 1);
	ck_assert_ptr_null(find_link(6));
	ck_assert_str_eq(seg_addrs(m.h)[0].label, "");
	ck_assert_int_eq(seg_addrs(m.h)[0].ifindex, 7);
	ck_assert_int_eq(linkdb_verify(db), 0);
}
END_TEST

START_TEST(test_load_after_restart)
{
	struct linkdb *db2;

	for (int i = 1; i <= 20; i++) {
		char name[16], cidr[32];

		snprintf(name, sizeof(name), "x%d", i);
		snprintf(cidr, sizeof(cidr), "10.0.%d.1/24", i);
		apply_link(i, name, VETH_FLAGS, IF_OPER_DOWN, 1500);
		apply_addr(i, cidr, AF_INET, true);
	}
	del_link(3);
	/* a new collector finds the tables and indexes them */
	ck_assert_int_eq(linkdb_new(&m, record, NULL, &db2), 0);
	ck_assert_int_eq(linkdb_load(db2), 0);
	ck_assert_int_eq(linkdb_verify(db2), 0);
	ck_assert_uint_eq(linkdb_link_count(db2), 19);
	ck_assert_uint_eq(linkdb_addr_count(db2), 19);
	/* a duplicate record (a torn predecessor) is dropped */
	seg_links(m.h)[m.h->links.count] = seg_links(m.h)[0];
	m.h->links.count++;
	ck_assert_int_eq(linkdb_load(db2), 1);
	ck_assert_int_eq(linkdb_verify(db2), 0);
	ck_assert_uint_eq(linkdb_link_count(db2), 19);
	nev = 0;
	linkdb_free(db);
	db = db2;
	ck_assert_int_eq(del_link(4), 2);
	ck_assert_int_eq(linkdb_verify(db), 0);
}
END_TEST

START_TEST(test_text_cut_cleanly)
{
	struct rtnl_link *l;
	struct nl_addr *mac;
	size_t n;

	apply_link(5, "veth0", VETH_FLAGS, IF_OPER_DOWN, 1500);
	nev = 0;
	l = mklink(5, "a-much-longer-n", VETH_FLAGS | IFF_UP | IFF_PROMISC | IFF_ALLMULTI |
		   IFF_NOARP | IFF_LOWER_UP | IFF_DORMANT, IF_OPER_LOWERLAYERDOWN, 65535);
	ck_assert_int_eq(nl_addr_parse("02:aa:bb:cc:dd:ee", AF_LLC, &mac), 0);
	rtnl_link_set_addr(l, mac);
	nl_addr_put(mac);
	rtnl_link_set_master(l, 12345);
	ck_assert_int_eq(linkdb_link_update(db, l), 1);
	rtnl_link_put(l);
	n = strlen(evs[0].text);
	ck_assert_uint_lt(n, SEG_EVENT_TEXT);
	ck_assert_str_eq(evs[0].text + n - 5, ", ...");
	/* whole parts only: the address part did not fit */
	ck_assert_str_eq(evs[0].text, "name veth0 -> a-much-longer-n, operstate DOWN -> "
			 "LOWERLAYERDOWN, carrier off -> on, flags +UP +NOARP +PROMISC "
			 "+ALLMULTI +LOWER_UP +DORMANT, mtu 1500 -> 65535, ...");
	ck_assert_uint_eq(evs[0].changed, SEG_CH_NAME | SEG_CH_OPERSTATE | SEG_CH_CARRIER |
			  SEG_CH_FLAGS | SEG_CH_MTU | SEG_CH_ADDRESS | SEG_CH_MASTER);
}
END_TEST

START_TEST(test_bridge_device_and_port_messages)
{
	struct rtnl_link *l;

	/* libnl labels a bridge device AF_BRIDGE (from its kind): a link */
	l = rtnl_link_alloc();
	rtnl_link_set_ifindex(l, 9);
	rtnl_link_set_name(l, "br0");
	rtnl_link_set_mtu(l, 1500);
	ck_assert_int_eq(rtnl_link_set_type(l, "bridge"), 0);
	rtnl_link_set_family(l, AF_BRIDGE);
	ck_assert_int_eq(linkdb_link_update(db, l), 1);
	rtnl_link_put(l);
	ck_assert_str_eq(must_link(9)->kind, "bridge");

	/* a port's AF_BRIDGE message (no link info): not a link update, and
	 * its RTM_DELLINK only means it left the bridge */
	apply_link(5, "veth0", UP_FLAGS, IF_OPER_UP, 1500);
	nev = 0;
	l = rtnl_link_alloc();
	rtnl_link_set_ifindex(l, 5);
	rtnl_link_set_name(l, "veth0");
	rtnl_link_set_mtu(l, 1400);
	rtnl_link_set_family(l, AF_BRIDGE);
	rtnl_link_set_master(l, 9);
	ck_assert_int_eq(linkdb_link_update(db, l), 0);
	ck_assert_int_eq(linkdb_link_delete(db, l), 0);
	rtnl_link_put(l);
	ck_assert_int_eq(nev, 0);
	ck_assert_uint_eq(must_link(5)->mtu, 1500);
	ck_assert_str_eq(must_link(5)->kind, "veth");
	ck_assert_uint_eq(linkdb_link_count(db), 2);
}
END_TEST

static Suite *linkdb_suite(void)
{
	Suite *s = suite_create("linkdb");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_add);
	tcase_add_test(tc, test_change_in_place);
	tcase_add_test(tc, test_rename);
	tcase_add_test(tc, test_counters_are_not_events);
	tcase_add_test(tc, test_inet6_stub_ignored);
	tcase_add_test(tc, test_bridge_device_and_port_messages);
	tcase_add_test(tc, test_addresses);
	tcase_add_test(tc, test_peer_address);
	tcase_add_test(tc, test_delete_with_addresses);
	tcase_add_test(tc, test_growth_keeps_records);
	tcase_add_test(tc, test_index_integrity);
	tcase_add_test(tc, test_sync_removes_what_is_gone);
	tcase_add_test(tc, test_load_after_restart);
	tcase_add_test(tc, test_text_cut_cleanly);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(linkdb_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
