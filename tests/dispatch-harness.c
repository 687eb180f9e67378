/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* dispatch-harness.c - the real dispatcher on a real queue and a named
 * segment this program writes, standing in for the collector, so that
 * ipcmonctl and the queue's robustness can be tested without netlink
 * (and without root).
 *
 * Usage: dispatch-harness -c CONF [-n LINKS] [-N NAMESFILE] -C CONTROL
 *   Links h0 .. h<N-1> (or one per line of NAMESFILE, raw bytes), each
 *   with 10.<i/256>.<i%256>.1/24.  Prints "ready" on stdout when serving.
 *   CONTROL is a FIFO it creates; lines written to it change the segment
 *   as the collector would (event, generation bump, futex wake):
 *     up NAME | down NAME | add NAME | del NAME
 *   SIGTERM/SIGINT: stop, remove queue, segment and semaphore.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <poll.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "dispatcher.h"
#include "futex.h"
#include "log.h"
#include "segment.h"
#include "usec.h"

static struct seg_header *h;
static sem_t *sem;

static struct seg_link *find(const char *name)
{
	for (uint32_t i = 0; i < h->links.count; i++)
		if (strncmp(seg_links(h)[i].name, name, SEG_IFNAMSIZ) == 0)
			return &seg_links(h)[i];
	return NULL;
}

static void add_link(const char *name, int32_t ifindex)
{
	struct seg_link *l = &seg_links(h)[h->links.count++];
	struct seg_addr *a = &seg_addrs(h)[h->addrs.count++];

	memset(l, 0, sizeof(*l));
	l->ifindex = ifindex;
	strncpy(l->name, name, SEG_IFNAMSIZ - 1);
	l->flags = IFF_BROADCAST | IFF_MULTICAST;
	l->mtu = 1500;
	l->operstate = 2; /* IF_OPER_DOWN */
	l->link_type = 1; /* ARPHRD_ETHER */
	l->addr_len = 6;
	l->address[0] = 0x02;
	l->address[4] = (uint8_t)(ifindex >> 8);
	l->address[5] = (uint8_t)ifindex;
	memset(l->broadcast, 0xff, 6);
	l->link_netnsid = -1;
	memset(a, 0, sizeof(*a));
	a->ifindex = ifindex;
	a->family = AF_INET;
	a->prefixlen = 24;
	a->local[0] = 10;
	a->local[1] = (uint8_t)(ifindex >> 8);
	a->local[2] = (uint8_t)ifindex;
	a->local[3] = 1;
	a->valid_lft = a->preferred_lft = 0xffffffffu;
}

static void command(char *line)
{
	char *name = strchr(line, ' ');
	struct seg_event ev = { 0 };
	struct seg_link *l;

	if (!name)
		return;
	*name++ = '\0';
	sem_wait(sem);
	seg_write_begin(h); /* as the collector does: readers keep off */
	l = find(name);
	if (strcmp(line, "add") == 0 && !l && h->links.count < h->links.capacity) {
		int32_t max = 0;

		for (uint32_t i = 0; i < h->links.count; i++)
			if (seg_links(h)[i].ifindex > max)
				max = seg_links(h)[i].ifindex;
		add_link(name, max + 1);
		ev.type = SEG_EV_LINK_NEW;
		ev.ifindex = max + 1;
	} else if (strcmp(line, "del") == 0 && l) {
		ev.type = SEG_EV_LINK_DEL;
		ev.ifindex = l->ifindex;
		*l = seg_links(h)[--h->links.count];
	} else if ((strcmp(line, "up") == 0 || strcmp(line, "down") == 0) && l) {
		bool up = line[0] == 'u';

		l->flags = up ? l->flags | IFF_UP | IFF_RUNNING | IFF_LOWER_UP
			      : l->flags & ~(unsigned)(IFF_UP | IFF_RUNNING | IFF_LOWER_UP);
		l->operstate = up ? 6 : 2;
		ev.type = SEG_EV_LINK_CHANGE;
		ev.ifindex = l->ifindex;
		ev.changed = SEG_CH_FLAGS | SEG_CH_OPERSTATE;
		snprintf(ev.text, sizeof(ev.text), "operstate %s", up ? "DOWN -> UP" : "UP -> DOWN");
	}
	if (ev.type) {
		strncpy(ev.ifname, name, SEG_IFNAMSIZ - 1);
		seg_event_append(h, &ev);
		seg_bump(h);
	}
	seg_write_end(h);
	sem_post(sem);
	if (ev.type)
		futex_wake_all(&h->generation);
}

int main(int argc, char *argv[])
{
	const char *conf = NULL, *names = NULL, *control = NULL;
	struct daemon_status st = { 0 };
	struct dispatcher *d = NULL;
	struct segmap_gate gate;
	struct config cfg;
	struct seg_layout lay;
	unsigned long n = 3;
	char err[512], buf[4096];
	size_t used = 0;
	sigset_t mask;
	int opt, fd, sfd, cfd, rc = 1;

	while ((opt = getopt(argc, argv, "c:n:N:C:")) != -1) {
		switch (opt) {
		case 'c': conf = optarg; break;
		case 'n': n = strtoul(optarg, NULL, 10); break;
		case 'N': names = optarg; break;
		case 'C': control = optarg; break;
		default: return 2;
		}
	}
	if (!conf || !control)
		return 2;
	log_init(LOGLEVEL_NOTICE, "harness");
	config_defaults(&cfg);
	if (config_load_file(&cfg, conf, true, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	seg_layout_compute(&lay, (uint32_t)n + 64, (uint32_t)n + 64, 64);
	fd = shm_open(cfg.shm_name, O_RDWR | O_CREAT | O_EXCL, 0644);
	if (fd < 0 || ftruncate(fd, (off_t)lay.total_size) < 0) {
		perror(cfg.shm_name);
		return 1;
	}
	h = mmap(NULL, lay.total_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	sem = sem_open(cfg.sem_name, O_CREAT | O_EXCL, 0600, 1);
	if (h == MAP_FAILED || sem == SEM_FAILED) {
		perror("map/sem");
		goto out;
	}
	seg_init(h, &lay);
	h->daemon_pid = getpid();
	if (names) {
		FILE *f = fopen(names, "r");
		char line[64];

		while (f && fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = '\0';
			add_link(line, (int32_t)h->links.count + 1);
		}
		if (f)
			fclose(f);
	} else {
		for (unsigned long i = 0; i < n; i++) {
			char name[SEG_IFNAMSIZ];

			snprintf(name, sizeof(name), "h%lu", i);
			add_link(name, (int32_t)i + 1);
		}
	}
	h->state = SEG_STATE_READY;
	seg_bump(h);

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, 0);
	if (mkfifo(control, 0600) < 0 || (cfd = open(control, O_RDWR | O_NONBLOCK)) < 0) {
		perror(control);
		goto out;
	}
	st.pid = getpid();
	st.start_usec = usec_now();
	segmap_gate_init(&gate);
	if (dispatcher_start(&d, &cfg, fd, sem, &gate, &st) < 0)
		goto out;
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		struct pollfd p[2] = { { sfd, POLLIN, 0 }, { cfd, POLLIN, 0 } };
		ssize_t r;
		char *nl;

		int pr = poll(p, 2, 1000);

		if (pr < 0 && errno != EINTR)
			break;
		if (pr == 0) {
			/* what the parent does on the collector's heartbeat */
			dispatcher_tick(d);
			continue;
		}
		if (p[0].revents)
			break;
		if (!p[1].revents)
			continue;
		r = read(cfd, buf + used, sizeof(buf) - 1 - used);
		if (r <= 0)
			continue;
		used += (size_t)r;
		buf[used] = '\0';
		while ((nl = strchr(buf, '\n'))) {
			*nl = '\0';
			command(buf);
			used -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, used + 1);
		}
	}
	rc = 0;
	unlink(control);
out:
	dispatcher_stop(d);
	shm_unlink(cfg.shm_name);
	sem_unlink(cfg.sem_name);
	return rc;
}
