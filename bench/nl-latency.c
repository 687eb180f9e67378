/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* nl-latency.c - how long after a change the world knows of it.
 *
 * Changes the MTU of one link ROUNDS times (RTM_NEWLINK on a raw
 * rtnetlink socket, the clock read just before the send) and measures,
 * for each change, when
 *   - a raw rtnetlink listener (a thread subscribed to RTNLGRP_LINK,
 *     nothing else: the floor) receives the notification, and
 *   - a futex waiter on the segment's generation word (what `ipcmonctl
 *     wait` and `events -f` sleep on) wakes up,
 * and prints p50 and p99 of both, in microseconds.  Run it in the
 * daemon's network namespace.
 *
 * Usage: nl-latency -s SHM_NAME -i IFNAME [-n ROUNDS]
 */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "futex.h"
#include "segview.h"

static atomic_int round_no = -1;        /* the change in flight */
static atomic_int heard_nl = -1, heard_gen = -1;
static double *lat_nl, *lat_gen, t_sent;
static atomic_bool stop;
static struct segview view;

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void *listener(void *arg)
{
	int fd = *(int *)arg;
	char buf[65536];

	while (!atomic_load(&stop)) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		int r = atomic_load(&round_no);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (r >= 0 && atomic_load(&heard_nl) < r) {
			lat_nl[r] = now_us() - t_sent;
			atomic_store(&heard_nl, r);
		}
	}
	return NULL;
}

static void *waiter(void *arg)
{
	uint32_t seen = seg_generation(view.h);
	struct timespec slice = { 0, 100 * 1000 * 1000 };

	while (!atomic_load(&stop)) {
		int r;

		futex_wait_change(&view.h->generation, seen, &slice);
		r = atomic_load(&round_no);
		if (seg_generation(view.h) == seen)
			continue;
		seen = seg_generation(view.h);
		if (r >= 0 && atomic_load(&heard_gen) < r) {
			lat_gen[r] = now_us() - t_sent;
			atomic_store(&heard_gen, r);
		}
	}
	return NULL;
}

/* RTM_NEWLINK setting ifindex's MTU. */
static int set_mtu(int fd, int ifindex, unsigned mtu)
{
	struct {
		struct nlmsghdr n;
		struct ifinfomsg i;
		struct rtattr a;
		unsigned mtu;
	} req = {
		.n = { .nlmsg_len = sizeof(req), .nlmsg_type = RTM_NEWLINK,
		       .nlmsg_flags = NLM_F_REQUEST },
		.i = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex },
		.a = { .rta_len = RTA_LENGTH(sizeof(unsigned)), .rta_type = IFLA_MTU },
		.mtu = mtu,
	};

	return send(fd, &req, sizeof(req), 0) == (ssize_t)sizeof(req) ? 0 : -errno;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void report(const char *what, double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	printf("%s %.1f %.1f %.1f %.1f\n", what, v[n / 2], v[n * 99 / 100], v[0], v[n - 1]);
}

int main(int argc, char *argv[])
{
	const char *shm = NULL, *ifname = NULL;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK };
	int n = 1000, opt, ifindex, lfd, cfd;
	pthread_t tl, tw;

	while ((opt = getopt(argc, argv, "s:i:n:")) != -1) {
		switch (opt) {
		case 's': shm = optarg; break;
		case 'i': ifname = optarg; break;
		case 'n': n = atoi(optarg); break;
		default: goto usage;
		}
	}
	if (!shm || !ifname || n < 10)
		goto usage;
	ifindex = (int)if_nametoindex(ifname);
	if (!ifindex || segview_open(&view, shm) < 0) {
		fprintf(stderr, "nl-latency: no link %s or no segment %s\n", ifname, shm);
		return 1;
	}
	lat_nl = calloc((size_t)n, sizeof(*lat_nl));
	lat_gen = calloc((size_t)n, sizeof(*lat_gen));
	lfd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	cfd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (lfd < 0 || cfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("netlink");
		return 1;
	}
	pthread_create(&tl, NULL, listener, &lfd);
	pthread_create(&tw, NULL, waiter, NULL);
	usleep(100000);
	for (int r = 0; r < n; r++) {
		double deadline;

		t_sent = now_us();
		atomic_store(&round_no, r);
		if (set_mtu(cfd, ifindex, 1400 + (unsigned)(r % 2)) < 0) {
			perror("RTM_NEWLINK");
			return 1;
		}
		/* Both must have heard of it before the next change. */
		deadline = now_us() + 2e6;
		while ((atomic_load(&heard_nl) < r || atomic_load(&heard_gen) < r) &&
		       now_us() < deadline)
			usleep(50);
		if (now_us() >= deadline) {
			fprintf(stderr, "nl-latency: change %d not seen in 2 s (listener %d, waiter %d)\n",
				r, atomic_load(&heard_nl) >= r, atomic_load(&heard_gen) >= r);
			return 1;
		}
		usleep(2000); /* let the daemon's parent and the log settle */
	}
	atomic_store(&stop, true);
	shutdown(lfd, SHUT_RDWR);
	report("listener", lat_nl, n);
	report("generation", lat_gen, n);
	return 0;
usage:
	fprintf(stderr, "usage: nl-latency -s SHM_NAME -i IFNAME [-n ROUNDS]\n");
	return 2;
}
