/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* segdump.c - print the segment as `ip -j addr show` would, for tests.
 *
 * Maps the shm object read-only and never takes the semaphore (clients
 * never do).  A consistent copy: read the generation and the lock owner,
 * copy, and retry if the writer held the lock meanwhile or the
 * generation moved (the generation alone is bumped only after a batch,
 * so a copy taken while the writer is mid-batch would look clean).
 *
 * Usage: segdump -c CONFIG [-H | -e]
 *   (default)  links with their addresses, JSON shaped like `ip -j addr`
 *   -H         the header as JSON (state, counters, table sizes)
 *   -e         the events in the ring, one per line: SEQ TYPE IFINDEX NAME: TEXT
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "event.h"
#include "names.h"
#include "segment.h"

static void json_str(const char *s, size_t max)
{
	putchar('"');
	for (size_t i = 0; i < max && s[i]; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20)
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	putchar('"');
}

/* A consistent private copy of the segment, or NULL. */
static struct seg_header *snapshot(const char *name)
{
	struct seg_header *copy = NULL;
	const struct seg_header *h;
	struct stat st;
	size_t mapped;
	void *p;
	int fd;

	fd = shm_open(name, O_RDONLY, 0);
	if (fd < 0) {
		fprintf(stderr, "segdump: %s: %s\n", name, strerror(errno));
		return NULL;
	}
	for (int attempt = 0; attempt < 2000; attempt++) {
		uint32_t g1, g2;
		int32_t o1, o2;

		if (fstat(fd, &st) < 0 || (size_t)st.st_size < sizeof(*h))
			break;
		mapped = (size_t)st.st_size;
		p = mmap(NULL, mapped, PROT_READ, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			break;
		h = p;
		g1 = __atomic_load_n(&h->generation, __ATOMIC_ACQUIRE);
		o1 = __atomic_load_n(&h->lock_owner, __ATOMIC_ACQUIRE);
		if (o1 == 0 && seg_validate(h, mapped) == 0) {
			free(copy);
			copy = malloc(mapped);
			if (!copy) {
				munmap(p, mapped);
				break;
			}
			memcpy(copy, p, mapped);
			o2 = __atomic_load_n(&h->lock_owner, __ATOMIC_ACQUIRE);
			g2 = __atomic_load_n(&h->generation, __ATOMIC_ACQUIRE);
			if (o2 == 0 && g1 == g2 && seg_validate(copy, mapped) == 0) {
				munmap(p, mapped);
				close(fd);
				return copy;
			}
		}
		munmap(p, mapped);
		usleep(1000);
	}
	free(copy);
	close(fd);
	fprintf(stderr, "segdump: %s: no consistent copy\n", name);
	return NULL;
}

/* iproute2 shows M-DOWN when the IFLA_LINK device of this namespace
 * (a veth peer, a vlan's lower device) is not up, or unknown. */
static bool m_down(struct seg_header *h, const struct seg_link *l)
{
	const struct seg_link *all = seg_links(h);

	if (l->link <= 0 || l->link_netnsid != -1)
		return false;
	for (uint32_t i = 0; i < h->links.count; i++)
		if (all[i].ifindex == l->link)
			return !(all[i].flags & IFF_UP);
	return true;
}

static void print_links(struct seg_header *h)
{
	const struct seg_link *l = seg_links(h);
	const struct seg_addr *a = seg_addrs(h);
	const char *names[40];
	char buf[128];

	printf("[");
	for (uint32_t i = 0; i < h->links.count; i++) {
		size_t n = names_flags_list(l[i].flags, names, 40);
		bool first = true;

		printf("%s{\"ifindex\":%d,\"ifname\":", i ? "," : "", l[i].ifindex);
		json_str(l[i].name, sizeof(l[i].name));
		printf(",\"flags\":[");
		for (size_t j = 0; j < n && j < 40; j++)
			printf("%s\"%s\"", j ? "," : "", names[j]);
		if (m_down(h, &l[i]))
			printf("%s\"M-DOWN\"", n ? "," : "");
		printf("],\"mtu\":%u,\"operstate\":\"%s\"", l[i].mtu,
		       names_operstate(l[i].operstate));
		printf(",\"kind\":");
		json_str(l[i].kind, sizeof(l[i].kind));
		printf(",\"master\":%d,\"link\":%d,\"carrier\":%u,\"carrier_changes\":%llu",
		       l[i].master, l[i].link, l[i].carrier,
		       (unsigned long long)l[i].carrier_changes);
		printf(",\"rx_bytes\":%llu,\"tx_bytes\":%llu,\"rx_bps\":%llu,\"tx_bps\":%llu",
		       (unsigned long long)l[i].rx.bytes, (unsigned long long)l[i].tx.bytes,
		       (unsigned long long)l[i].rx_bps, (unsigned long long)l[i].tx_bps);
		if (names_link_type(l[i].link_type))
			printf(",\"link_type\":\"%s\"", names_link_type(l[i].link_type));
		if (l[i].addr_len) {
			names_hwaddr(l[i].address, l[i].addr_len, buf, sizeof(buf));
			printf(",\"address\":\"%s\"", buf);
		}
		printf(",\"addr_info\":[");
		for (uint32_t k = 0; k < h->addrs.count; k++) {
			char s[INET6_ADDRSTRLEN];

			if (a[k].ifindex != l[i].ifindex)
				continue;
			inet_ntop(a[k].family, a[k].local, s, sizeof(s));
			printf("%s{\"family\":\"%s\",\"local\":\"%s\",\"prefixlen\":%u,\"scope\":%u}",
			       first ? "" : ",", names_family(a[k].family) ?: "?", s,
			       a[k].prefixlen, a[k].scope);
			first = false;
		}
		printf("]}");
	}
	printf("]\n");
}

static void print_header(const struct seg_header *h)
{
	printf("{\"state\":%u,\"generation\":%u,\"daemon_pid\":%d,\"collector_pid\":%d,"
	       "\"events_total\":%llu,\"resyncs\":%llu,\"event_last_seq\":%llu,"
	       "\"links\":%u,\"link_capacity\":%u,\"addrs\":%u,\"addr_capacity\":%u,"
	       "\"total_size\":%llu,\"cpu_usage_centi\":%u,\"ncpu\":%u,"
	       "\"mem_total\":%llu,\"mem_available\":%llu,\"mem_used\":%llu,"
	       "\"sample_time_usec\":%lld}\n",
	       h->state, h->generation, h->daemon_pid, h->collector_pid,
	       (unsigned long long)h->events_total, (unsigned long long)h->resyncs,
	       (unsigned long long)h->event_last_seq, h->links.count, h->links.capacity,
	       h->addrs.count, h->addrs.capacity, (unsigned long long)h->total_size,
	       h->cpu_usage_centi, h->ncpu, (unsigned long long)h->mem_total,
	       (unsigned long long)h->mem_available, (unsigned long long)h->mem_used,
	       (long long)h->sample_time_usec);
}

static void print_events(struct seg_header *h)
{
	struct seg_event ev;

	for (uint64_t s = seg_event_first_seq(h); s <= h->event_last_seq; s++) {
		if (seg_event_read(h, s, &ev) < 0)
			continue;
		printf("%llu %s %d %.16s: %.120s\n", (unsigned long long)ev.seq,
		       event_type_name(ev.type) ?: "?", ev.ifindex, ev.ifname, ev.text);
	}
}

int main(int argc, char *argv[])
{
	const char *conf = NULL;
	struct config c;
	struct seg_header *h;
	char err[512];
	int opt, mode = 0;

	while ((opt = getopt(argc, argv, "c:He")) != -1) {
		switch (opt) {
		case 'c': conf = optarg; break;
		case 'H': mode = 'H'; break;
		case 'e': mode = 'e'; break;
		default:
			fprintf(stderr, "usage: segdump -c CONFIG [-H | -e]\n");
			return 2;
		}
	}
	config_defaults(&c);
	if (conf && config_load_file(&c, conf, true, err, sizeof(err)) < 0) {
		fprintf(stderr, "segdump: %s\n", err);
		return 2;
	}
	h = snapshot(c.shm_name);
	if (!h)
		return 1;
	if (mode == 'H')
		print_header(h);
	else if (mode == 'e')
		print_events(h);
	else
		print_links(h);
	free(h);
	return 0;
}
