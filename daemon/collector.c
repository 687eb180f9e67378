/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* collector.c - see collector.h.
 *
 * libnl parses every message into an object; the state lives in the
 * segment's tables, indexed by linkdb, not in libnl caches (libnl's
 * route/addr cache scans every address per event).  Full dumps go into
 * short-lived caches.
 *
 * Each wake-up reads what the source has queued into a batch, applies
 * the batch under one hold of the semaphore, bumps the generation once,
 * wakes futex waiters, and only then rings the parent's doorbell.
 */
#include "collector.h"

#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/rtnetlink.h>
#include <netlink/cache.h>
#include <netlink/object.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>

#include "futex.h"
#include "linkdb.h"
#include "log.h"
#include "sysstat.h"
#include "usec.h"

#define LOCK_TIMEOUT_USEC (2 * USEC_PER_SEC)
#define REFRESH_MAX 512         /* links asked about again per batch */
#define WHY_OVERFLOW "netlink overflow"

struct evbuf {
	struct seg_event *v;
	size_t n, cap;
};

struct collector {
	const struct frame_config *cfg;
	struct segmap *m;
	int parent_fd;
	const struct collector_source_ops *ops;
	void *src;
	uint32_t rcvbuf;
	struct linkdb *db;

	struct nl_object **batch;   /* parsed, not yet applied */
	size_t nbatch, batch_cap;
	int32_t refresh[REFRESH_MAX]; /* links to ask the kernel about again */
	size_t nrefresh;

	struct evbuf held;    /* during a dump: the changes it found, which
			       * are appended after the RESYNC event */
	bool holding;
	bool ready;           /* the first dump is in */
	bool retry;           /* a dump (or the lock) failed: try again */
	const char *retry_why;
	bool appended;        /* events were appended since the last doorbell */

	struct collector_stats stats;
	struct link_stats *link_stats; /* kept between counter refreshes */
	size_t nlink_stats, link_stats_cap;
	struct sysstat_cpu cpu_prev;
	bool have_cpu;
};

/* ---- to the parent ---- */

/* The parent reads new events from the ring itself: one small frame per
 * batch tells it to.  A full socket drops it; the next one covers it. */
static void ring_doorbell(struct collector *c)
{
	struct frame_events fe;
	int r;

	if (!c->appended)
		return;
	c->appended = false;
	fe.last_seq = seg_event_last_seq(c->m->h);
	r = frame_send(c->parent_fd, FRAME_EVENTS, &fe, sizeof(fe));
	if (r == -EAGAIN || r == -EWOULDBLOCK || r == -ENOBUFS)
		c->stats.doorbells_dropped++;
}

void collector_send_stats(struct collector *c)
{
	struct frame_stats st = {
		.netlink_events = c->stats.netlink_objects,
		.resyncs = c->stats.resyncs,
		.events_dropped = c->stats.doorbells_dropped,
		.rcvbuf = c->rcvbuf,
	};

	(void)frame_send(c->parent_fd, FRAME_STATS, &st, sizeof(st));
}

/* ---- the segment ---- */

static int evbuf_push(struct evbuf *b, const struct seg_event *ev)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		struct seg_event *v = realloc(b->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		b->v = v;
		b->cap = cap;
	}
	b->v[b->n++] = *ev;
	return 0;
}

static void append_event(struct collector *c, struct seg_event *ev)
{
	seg_event_append(c->m->h, ev);
	c->appended = true;
}

/* linkdb's callback, semaphore held. */
static void on_change(struct seg_event *ev, void *userdata)
{
	struct collector *c = userdata;

	if (!c->holding) {
		append_event(c, ev);
		return;
	}
	if (evbuf_push(&c->held, ev) < 0)
		log_warnx("out of memory holding a change found by a dump; "
			  "the tables have it, the ring will not");
}

static int lock(struct collector *c)
{
	int r = segmap_lock(c->m, LOCK_TIMEOUT_USEC);

	if (r < 0)
		log_warnx("segment lock: %s", strerror(-r));
	return r;
}

/* Unlock, and if anything changed: bump the generation, wake waiters,
 * ring the parent. */
static void unlock(struct collector *c, bool changed)
{
	if (changed)
		seg_bump(c->m->h);
	segmap_unlock(c->m);
	if (changed)
		futex_wake_all(&c->m->h->generation);
	ring_doorbell(c);
}

static void set_state(struct collector *c, enum seg_state st)
{
	if (lock(c) < 0)
		return;
	c->m->h->state = st;
	unlock(c, true);
}

/* ---- netlink objects ---- */

static void batch_add(struct nl_object *obj, void *arg)
{
	struct collector *c = arg;

	c->stats.netlink_objects++;
	if (c->nbatch == c->batch_cap) {
		size_t cap = c->batch_cap ? c->batch_cap * 2 : 512;
		struct nl_object **v = realloc(c->batch, cap * sizeof(*v));

		if (!v) {
			/* Losing a change would leave the tables wrong:
			 * a resync repairs them. */
			log_warnx("out of memory for a netlink batch; resyncing");
			c->retry = true;
			c->retry_why = "out of memory";
			return;
		}
		c->batch = v;
		c->batch_cap = cap;
	}
	nl_object_get(obj);
	c->batch[c->nbatch++] = obj;
}

static void drop_batch(struct collector *c)
{
	for (size_t i = 0; i < c->nbatch; i++)
		nl_object_put(c->batch[i]);
	c->nbatch = 0;
}

/* A veth end is announced before its peer exists (IFLA_LINK 0), and the
 * kernel does not announce it again when the peer appears: when a new
 * link points at a link we know without a peer, ask for that one again. */
static void note_peer(struct collector *c, struct rtnl_link *l)
{
	struct seg_link known;
	int32_t nsid;
	int peer = rtnl_link_get_link(l);

	if (peer <= 0 || rtnl_link_get_family(l) != AF_UNSPEC ||
	    rtnl_link_get_link_netnsid(l, &nsid) == 0 || c->nrefresh >= REFRESH_MAX ||
	    linkdb_link_get(c->db, rtnl_link_get_ifindex(l), &known) == 0)
		return;
	if (linkdb_link_get(c->db, peer, &known) == 0 && known.link == 0)
		c->refresh[c->nrefresh++] = peer;
}

static void send_refresh(struct collector *c)
{
	for (size_t i = 0; i < c->nrefresh; i++) {
		int r = c->ops->request_link(c->src, c->refresh[i]);

		if (r < 0)
			log_debug("ask for link %d again: %s, ignoring", c->refresh[i],
				  strerror(-r));
	}
	c->nrefresh = 0;
}

static int apply_one(struct collector *c, struct nl_object *obj)
{
	const char *type = nl_object_get_type(obj);
	int msgtype = nl_object_get_msgtype(obj);

	if (strcmp(type, "route/link") == 0) {
		if (msgtype == RTM_DELLINK)
			return linkdb_link_delete(c->db, (struct rtnl_link *)obj);
		note_peer(c, (struct rtnl_link *)obj);
		return linkdb_link_update(c->db, (struct rtnl_link *)obj);
	}
	if (strcmp(type, "route/addr") == 0) {
		if (msgtype == RTM_DELADDR)
			return linkdb_addr_delete(c->db, (struct rtnl_addr *)obj);
		return linkdb_addr_update(c->db, (struct rtnl_addr *)obj);
	}
	return 0;
}

static void apply_batch(struct collector *c)
{
	int err = 0;

	if (c->nbatch == 0)
		return;
	if (lock(c) < 0) {
		/* The objects are lost: a later dump repairs the tables. */
		drop_batch(c);
		c->retry = true;
		c->retry_why = "segment lock timed out";
		return;
	}
	for (size_t i = 0; i < c->nbatch; i++) {
		int r = apply_one(c, c->batch[i]);

		if (r < 0) {
			err = r;
			c->stats.apply_errors++;
		}
	}
	/* Counters and lifetimes change records without events: readers
	 * still see a new generation. */
	unlock(c, true);
	drop_batch(c);
	send_refresh(c);
	if (err < 0)
		log_warnx("segment update: %s; the tables miss a change", strerror(-err));
}

/* ---- dumps ---- */

struct dump_ctx {
	struct collector *c;
	int64_t now;
	int err;
};

static void dump_link_cb(struct nl_object *obj, void *arg)
{
	struct dump_ctx *d = arg;
	int r = linkdb_link_update(d->c->db, (struct rtnl_link *)obj);

	if (r < 0)
		d->err = r;
	linkdb_link_counters(d->c->db, (struct rtnl_link *)obj, d->now);
}

static void dump_addr_cb(struct nl_object *obj, void *arg)
{
	struct dump_ctx *d = arg;
	int r = linkdb_addr_update(d->c->db, (struct rtnl_addr *)obj);

	if (r < 0)
		d->err = r;
}

/* The event that heads the changes a dump found, or on the first dump of
 * a new daemon the start event. */
static void dump_event(struct collector *c, const char *why, size_t changes,
		       uint64_t usec)
{
	struct seg_event ev = { 0 };

	if (!c->ready && c->cfg->restarts == 0) {
		ev.type = SEG_EV_DAEMON_START;
		snprintf(ev.text, sizeof(ev.text), "%u links, %u addresses (first dump in %llu ms)",
			 linkdb_link_count(c->db), linkdb_addr_count(c->db),
			 (unsigned long long)(usec / USEC_PER_MSEC));
	} else if (!c->ready) {
		ev.type = SEG_EV_COLLECTOR_RESTART;
		snprintf(ev.text, sizeof(ev.text), "%.140s; resynced, %zu changes",
			 c->cfg->restart_reason[0] ? c->cfg->restart_reason
						   : "collector restarted", changes);
	} else {
		ev.type = SEG_EV_RESYNC;
		snprintf(ev.text, sizeof(ev.text), "%s: resynced, %zu changes", why, changes);
	}
	append_event(c, &ev);
}

/* Make the tables equal the kernel's, emitting what differs after the
 * event that says why.  Returns 0 or -errno (then a retry is due). */
static int resync(struct collector *c, const char *why)
{
	struct nl_cache *links = NULL, *addrs = NULL;
	struct dump_ctx d = { .c = c };
	uint64_t t0 = usec_mono(), usec;
	size_t changes;
	int r;

	if (c->ready)
		set_state(c, SEG_STATE_RESYNCING);
	/* A dump keeps the loop busy (pings wait): the parent allows for it. */
	(void)frame_send(c->parent_fd, FRAME_DUMP_BEGIN, NULL, 0);
	c->ops->drain(c->src);
	drop_batch(c);
	r = c->ops->dump(c->src, &links, &addrs);
	if (r < 0) {
		log_warnx("netlink dump (%s): %s; retrying", why, strerror(-r));
		goto retry;
	}
	r = lock(c);
	if (r < 0)
		goto retry;
	d.now = (int64_t)usec_mono();
	c->holding = true;
	linkdb_sync_begin(c->db);
	nl_cache_foreach(links, dump_link_cb, &d);
	nl_cache_foreach(addrs, dump_addr_cb, &d);
	linkdb_sync_end(c->db);
	segmap_untaint(c->m); /* every record was rewritten from the dump */
	c->holding = false;
	changes = c->held.n;
	usec = usec_mono() - t0;
	/* The first dump of a new daemon is quiet: its start event says
	 * what it found. */
	dump_event(c, why, changes, usec);
	if (c->ready || c->cfg->restarts > 0)
		for (size_t i = 0; i < c->held.n; i++)
			append_event(c, &c->held.v[i]);
	c->held.n = 0;
	if (c->ready && strcmp(why, WHY_OVERFLOW) == 0)
		c->m->h->resyncs++; /* the header counts overflows (segment.h) */
	c->m->h->state = SEG_STATE_READY;
	unlock(c, true);
	nl_cache_free(links);
	nl_cache_free(addrs);
	/* The dump's objects (~2 kB a link) went back to malloc, which keeps
	 * them: give them back to the system, we will not need them soon. */
	malloc_trim(0);
	c->retry = false;
	c->stats.resyncs++;
	(void)frame_send(c->parent_fd, FRAME_DUMP_END, NULL, 0);
	if (d.err < 0)
		log_warnx("segment update during the dump: %s", strerror(-d.err));
	if (!c->ready) {
		struct frame_ready fr = {
			.links = linkdb_link_count(c->db),
			.addrs = linkdb_addr_count(c->db),
			.dump_usec = usec,
		};

		c->ready = true;
		log_info("first dump: %u links, %u addresses in %llu ms", fr.links,
			 fr.addrs, (unsigned long long)(usec / USEC_PER_MSEC));
		(void)frame_send(c->parent_fd, FRAME_READY, &fr, sizeof(fr));
	} else {
		log_warnx("%s: resynced from a fresh dump in %llu ms, %zu changes",
			  why, (unsigned long long)(usec / USEC_PER_MSEC), changes);
	}
	collector_send_stats(c);
	return 0;
retry:
	(void)frame_send(c->parent_fd, FRAME_DUMP_END, NULL, 0);
	c->holding = false;
	c->held.n = 0;
	if (links)
		nl_cache_free(links);
	if (addrs)
		nl_cache_free(addrs);
	c->retry = true;
	c->retry_why = why;
	c->stats.dump_failures++;
	return r;
}

/* ---- handlers ---- */

int collector_start(struct collector *c)
{
	int r, dropped;

	r = lock(c);
	if (r < 0)
		return r;
	c->m->h->collector_pid = (int32_t)getpid();
	dropped = linkdb_load(c->db);
	unlock(c, true);
	if (dropped < 0)
		return dropped;
	if (dropped > 0)
		log_warnx("dropped %d unreadable records left by the previous collector",
			  dropped);
	collector_on_sample(c);
	(void)resync(c, c->cfg->restarts ? "collector restarted" : "first dump");
	return 0;
}

void collector_on_netlink(struct collector *c)
{
	int r = c->ops->receive(c->src, batch_add, c);

	if (r == -ENOBUFS) {
		/* The kernel dropped messages: what we read is incomplete,
		 * only a dump tells what is true now. */
		(void)resync(c, WHY_OVERFLOW);
		return;
	}
	if (r < 0)
		log_warnx("netlink receive: %s, ignoring", strerror(-r));
	if (c->retry) {
		/* Something was lost before it reached the tables: a lock
		 * that timed out, memory.  A dump repairs it. */
		drop_batch(c);
		return;
	}
	apply_batch(c);
}

void collector_on_resync(struct collector *c, const char *why)
{
	(void)resync(c, why);
}

bool collector_retry_due(const struct collector *c)
{
	return c->retry;
}

void collector_on_retry(struct collector *c)
{
	if (c->retry)
		(void)resync(c, c->retry_why ? c->retry_why : "retry");
}

void collector_on_sample(struct collector *c)
{
	char buf[16384];
	struct sysstat_cpu cpu;
	struct sysstat_mem mem;
	bool have_cpu = false, have_mem = false;
	struct seg_header *h;

	if (sysstat_read_file("/proc/stat", buf, sizeof(buf)) >= 0 &&
	    sysstat_parse_stat(buf, &cpu) == 0)
		have_cpu = true;
	if (sysstat_read_file("/proc/meminfo", buf, sizeof(buf)) >= 0 &&
	    sysstat_parse_meminfo(buf, &mem) == 0)
		have_mem = true;
	if (!have_cpu || !have_mem)
		log_debug("sample: /proc/stat or /proc/meminfo unreadable, keeping the last figures");
	if (lock(c) < 0)
		return;
	h = c->m->h;
	if (have_cpu) {
		if (c->have_cpu)
			h->cpu_usage_centi = sysstat_cpu_usage_centi(&c->cpu_prev, &cpu);
		h->ncpu = cpu.ncpu;
		c->cpu_prev = cpu;
		c->have_cpu = true;
	}
	if (have_mem) {
		h->mem_total = mem.total;
		h->mem_available = mem.available;
		h->mem_used = mem.total - mem.available;
	}
	h->sample_time_usec = usec_now();
	/* Figures, not changes: no generation bump, nobody woken. */
	unlock(c, false);
}

void collector_on_counters(struct collector *c)
{
	int r = c->ops->dump_stats(c->src, &c->link_stats, &c->nlink_stats,
				   &c->link_stats_cap);

	if (r < 0) {
		/* -EINTR (links changed meanwhile) included: next round */
		log_debug("netlink counter dump: %s, skipped", strerror(-r));
		return;
	}
	if (lock(c) < 0)
		return;
	for (size_t i = 0; i < c->nlink_stats; i++) {
		const struct link_stats *s = &c->link_stats[i];

		linkdb_counters_set(c->db, s->ifindex, &s->rx, &s->tx, (int64_t)usec_mono());
	}
	unlock(c, false);
}

/* ---- life ---- */

int collector_new(const struct collector_params *p, struct collector **ret)
{
	struct collector *c = calloc(1, sizeof(*c));
	int r;

	if (!c)
		return -ENOMEM;
	c->cfg = p->cfg;
	c->m = p->map;
	c->parent_fd = p->parent_fd;
	c->ops = p->ops;
	c->src = p->src;
	c->rcvbuf = p->rcvbuf;
	r = linkdb_new(c->m, on_change, c, &c->db);
	if (r < 0) {
		free(c);
		return r;
	}
	*ret = c;
	return 0;
}

void collector_free(struct collector *c)
{
	if (!c)
		return;
	drop_batch(c);
	free(c->batch);
	free(c->held.v);
	free(c->link_stats);
	linkdb_free(c->db);
	free(c);
}

void collector_get_stats(const struct collector *c, struct collector_stats *ret)
{
	*ret = c->stats;
}
