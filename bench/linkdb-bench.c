/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* linkdb-bench.c - per-event cost of the collector's tables at 1000 and
 * 8000 links, against what libnl's cache manager does per event
 * (nl_cache_include into a route/link or route/addr cache).  No root, no
 * netlink: objects are built by hand, as in tests/check_linkdb.c.
 *
 * Usage: bench/linkdb-bench [EVENTS]
 * Prints ns per event for each table size and the 8000/1000 ratio (flat
 * is 1.0).
 */
#include "linkdb.h"

#include <linux/if.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>

static void no_emit(struct seg_event *ev, void *userdata)
{
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static struct rtnl_link *mklink(int ifindex, unsigned mtu)
{
	struct rtnl_link *l = rtnl_link_alloc();
	char name[16];

	snprintf(name, sizeof(name), "veth%d", ifindex);
	rtnl_link_set_ifindex(l, ifindex);
	rtnl_link_set_name(l, name);
	rtnl_link_set_flags(l, IFF_BROADCAST | IFF_MULTICAST);
	rtnl_link_set_mtu(l, mtu);
	return l;
}

static struct rtnl_addr *mkaddr(int ifindex, int k)
{
	struct rtnl_addr *a = rtnl_addr_alloc();
	struct nl_addr *local;
	char s[64];

	if (k == 0)
		snprintf(s, sizeof(s), "10.%d.%d.1/24", ifindex / 256, ifindex % 256);
	else
		snprintf(s, sizeof(s), "fd00::%x:%x/64", ifindex, k);
	nl_addr_parse(s, k == 0 ? AF_INET : AF_INET6, &local);
	rtnl_addr_set_ifindex(a, ifindex);
	rtnl_addr_set_family(a, k == 0 ? AF_INET : AF_INET6);
	rtnl_addr_set_local(a, local);
	rtnl_addr_set_prefixlen(a, (int)nl_addr_get_prefixlen(local));
	nl_addr_put(local);
	return a;
}

struct result {
	double link_ns, addr_ns, nl_link_ns, nl_addr_ns;
};

static void run(int n, int events, struct result *res)
{
	struct seg_layout l;
	struct segmap m;
	struct linkdb *db;
	struct nl_cache *lc, *ac;
	sem_t sem;
	double t0;
	int fd;

	seg_layout_compute(&l, 16, 16, 1024);
	fd = memfd_create("bench", 0);
	if (fd < 0 || ftruncate(fd, (off_t)l.total_size) < 0)
		exit(1);
	sem_init(&sem, 1, 1);
	segmap_open(&m, fd, &sem, true);
	seg_init(m.h, &l);
	segmap_lock(&m, 0);
	linkdb_new(&m, no_emit, NULL, &db);
	nl_cache_alloc_name("route/link", &lc);
	nl_cache_alloc_name("route/addr", &ac);

	/* n links with one IPv4 and one IPv6 address each, in both stores */
	for (int i = 1; i <= n; i++) {
		struct rtnl_link *lk = mklink(i, 1500);

		linkdb_link_update(db, lk);
		nl_cache_add(lc, (struct nl_object *)lk);
		rtnl_link_put(lk);
		for (int k = 0; k < 2; k++) {
			struct rtnl_addr *a = mkaddr(i, k);

			linkdb_addr_update(db, a);
			nl_cache_add(ac, (struct nl_object *)a);
			rtnl_addr_put(a);
		}
	}

	/* link events: an MTU change on a random link */
	srand(1);
	t0 = now_ns();
	for (int e = 0; e < events; e++) {
		struct rtnl_link *lk = mklink(1 + rand() % n, 1500 + (unsigned)(e & 1));

		linkdb_link_update(db, lk);
		rtnl_link_put(lk);
	}
	res->link_ns = (now_ns() - t0) / events;

	srand(1);
	t0 = now_ns();
	for (int e = 0; e < events; e++) {
		struct rtnl_link *lk = mklink(1 + rand() % n, 1500 + (unsigned)(e & 1));

		nl_cache_include(lc, (struct nl_object *)lk, NULL, NULL);
		rtnl_link_put(lk);
	}
	res->nl_link_ns = (now_ns() - t0) / events;

	/* address events: a new address and its removal on a random link */
	srand(2);
	t0 = now_ns();
	for (int e = 0; e < events / 2; e++) {
		struct rtnl_addr *a = mkaddr(1 + rand() % n, 3);

		linkdb_addr_update(db, a);
		linkdb_addr_delete(db, a);
		rtnl_addr_put(a);
	}
	res->addr_ns = (now_ns() - t0) / events;

	srand(2);
	t0 = now_ns();
	for (int e = 0; e < events / 2; e++) {
		struct rtnl_addr *a = mkaddr(1 + rand() % n, 3);

		/* the cache manager: include the new object, later find the
		 * cached one for the delete (both linear in route/addr) */
		nl_cache_include(ac, (struct nl_object *)a, NULL, NULL);
		{
			struct nl_object *old = nl_cache_search(ac, (struct nl_object *)a);

			if (old) {
				nl_cache_remove(old);
				nl_object_put(old);
			}
		}
		rtnl_addr_put(a);
	}
	res->nl_addr_ns = (now_ns() - t0) / events;

	if (linkdb_verify(db) != 0)
		fprintf(stderr, "linkdb-bench: index inconsistent at %d links\n", n);
	nl_cache_free(lc);
	nl_cache_free(ac);
	linkdb_free(db);
	segmap_unlock(&m);
	segmap_close(&m);
	close(fd);
}

int main(int argc, char *argv[])
{
	int events = argc > 1 ? atoi(argv[1]) : 20000;
	struct result a, b;

	if (events < 2)
		events = 2;
	run(1000, events, &a);
	run(8000, events, &b);
	printf("%-40s %12s %12s %8s\n", "ns per event (mean)", "1000 links", "8000 links", "ratio");
	printf("%-40s %12.0f %12.0f %8.2f\n", "linkdb: link change", a.link_ns, b.link_ns, b.link_ns / a.link_ns);
	printf("%-40s %12.0f %12.0f %8.2f\n", "linkdb: address add/remove", a.addr_ns, b.addr_ns, b.addr_ns / a.addr_ns);
	printf("%-40s %12.0f %12.0f %8.2f\n", "libnl cache: link change", a.nl_link_ns, b.nl_link_ns, b.nl_link_ns / a.nl_link_ns);
	printf("%-40s %12.0f %12.0f %8.2f\n", "libnl cache: address add/remove", a.nl_addr_ns, b.nl_addr_ns, b.nl_addr_ns / a.nl_addr_ns);
	printf("%-40s %12.2f %12.2f\n", "libnl addr cache / linkdb (x slower)", a.nl_addr_ns / a.addr_ns, b.nl_addr_ns / b.addr_ns);
	return 0;
}
