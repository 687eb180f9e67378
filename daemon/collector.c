/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* collector.c - the forked child that follows rtnetlink (collector.h).
 *
 * libnl parses every message into an object (nl_msg_parse); the state
 * lives in the segment's tables, indexed by linkdb, not in libnl caches:
 * libnl's route/addr cache scans all addresses per event, and keeping a
 * second copy of the tables in caches costs ~2 kB per link.  Full dumps
 * (start, resync, the counter refresh) use short-lived libnl caches on a
 * second socket.
 *
 * One sd-event loop (sd_event_new: after fork sd_event_default would be
 * the parent's) with the netlink socket, the parent's socket, SIGTERM and
 * two timers.  Each netlink wake-up reads up to a batch of messages, then
 * applies them under one hold of the semaphore, bumps the generation
 * once, wakes futex waiters and only then sends the event frames.
 */
#include "usec.h"
#include "collector.h"

#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/cache.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/object.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/socket.h>
#include <systemd/sd-event.h>

#include "frame.h"
#include "futex.h"
#include "linkdb.h"
#include "log.h"
#include "segmap.h"
#include "sysstat.h"

#define BATCH_MAX 512           /* netlink objects applied per lock hold */
#define RECV_ROUNDS 64          /* recvmsg calls per wake-up */
#define LOCK_TIMEOUT_USEC 2000000
#define RETRY_USEC 1000000      /* after a failed dump or lock */
#define WHY_OVERFLOW "netlink overflow"

struct link_stats;

struct evbuf {
	struct seg_event *v;
	size_t n, cap;
};

struct collector {
	const struct config *cfg;
	int sock;
	struct segmap m;
	struct linkdb *db;
	sd_event *loop;
	sd_event_source *retry_timer;
	struct nl_sock *nl;   /* notifications */
	struct nl_sock *dump; /* request/response dumps */

	struct nl_object **batch;
	size_t nbatch;
	int32_t *refresh;     /* links to ask the kernel about again */
	size_t nrefresh;
	bool discard;         /* draining after an overflow */
	bool overflow;

	struct evbuf out;     /* appended to the ring, to send to the parent */
	struct evbuf held;    /* during a dump: found changes, appended after
			       * the RESYNC event */
	bool holding;
	bool ready;
	bool pending_resync;
	const char *retry_why; /* the reason of the resync that failed */

	uint64_t netlink_events, events_dropped, apply_errors;
	uint32_t rcvbuf;
	struct link_stats *stats_buf; /* kept between counter refreshes */
	size_t stats_cap;
	struct sysstat_cpu cpu_prev;
	bool have_cpu;
};

/* ---- to the parent ---- */

static int send_frame(struct collector *c, enum frame_type type,
		      const void *payload, size_t len)
{
	return frame_send(c->sock, type, payload, len);
}

/* Log records go to the parent, which writes stderr and the FIFO.  A
 * full socket drops the record: we never block on the parent. */
static void log_to_parent(int prio, const char *source, const char *msg,
			  void *userdata)
{
	struct collector *c = userdata;
	char buf[FRAME_MAX];
	int n = frame_pack_log(buf, sizeof(buf), prio, msg);

	if (n > 0)
		(void)send(c->sock, buf, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL);
}

static void send_stats(struct collector *c)
{
	struct frame_stats st = {
		.netlink_events = c->netlink_events,
		.resyncs = c->m.h->resyncs,
		.events_dropped = c->events_dropped,
		.rcvbuf = c->rcvbuf,
	};

	(void)send_frame(c, FRAME_STATS, &st, sizeof(st));
}

static void flush_events(struct collector *c)
{
	for (size_t i = 0; i < c->out.n; i++) {
		int r = send_frame(c, FRAME_EVENT, &c->out.v[i], sizeof(c->out.v[i]));

		/* The parent reads what it missed from the ring (gap in seq). */
		if (r == -EAGAIN || r == -EWOULDBLOCK || r == -ENOBUFS)
			c->events_dropped++;
		else if (r < 0)
			break; /* parent gone: the socket's HUP ends the loop */
	}
	c->out.n = 0;
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
	seg_event_append(c->m.h, ev);
	if (evbuf_push(&c->out, ev) < 0)
		c->events_dropped++;
}

/* linkdb's callback, semaphore held. */
static void on_change(struct seg_event *ev, void *userdata)
{
	struct collector *c = userdata;

	if (c->holding) {
		if (evbuf_push(&c->held, ev) < 0)
			c->events_dropped++;
		return;
	}
	append_event(c, ev);
}

static int lock(struct collector *c)
{
	int r = segmap_lock(&c->m, LOCK_TIMEOUT_USEC);

	if (r < 0)
		log_warnx("segment lock: %s", strerror(-r));
	return r;
}

/* Unlock and wake waiters if anything changed. */
static void release(struct collector *c, bool changed)
{
	if (changed)
		seg_bump(c->m.h);
	segmap_unlock(&c->m);
	if (changed)
		futex_wake_all(&c->m.h->generation);
}

/* The same, then tell the parent. */
static void unlock(struct collector *c, bool changed)
{
	release(c, changed);
	flush_events(c);
}

static void set_state(struct collector *c, enum seg_state st)
{
	if (lock(c) < 0)
		return;
	c->m.h->state = st;
	unlock(c, true);
}

/* ---- netlink ---- */

static void parse_cb(struct nl_object *obj, void *arg)
{
	struct collector *c = arg;

	if (c->nbatch < BATCH_MAX) {
		nl_object_get(obj);
		c->batch[c->nbatch++] = obj;
	}
}

static int on_nl_msg(struct nl_msg *msg, void *arg)
{
	struct collector *c = arg;
	int r;

	c->netlink_events++;
	if (c->discard)
		return NL_OK;
	r = nl_msg_parse(msg, parse_cb, c);
	if (r < 0)
		log_debug("netlink message type %d: %s, ignoring",
			  nlmsg_hdr(msg)->nlmsg_type, nl_geterror(r));
	return NL_OK;
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
	    rtnl_link_get_link_netnsid(l, &nsid) == 0 || c->nrefresh >= BATCH_MAX ||
	    linkdb_link_get(c->db, rtnl_link_get_ifindex(l), &known) == 0)
		return;
	if (linkdb_link_get(c->db, peer, &known) == 0 && known.link == 0)
		c->refresh[c->nrefresh++] = peer;
}

/* RTM_GETLINK for the noted links; the answers arrive on the
 * notification socket and are applied like notifications. */
static void send_refresh(struct collector *c)
{
	for (size_t i = 0; i < c->nrefresh; i++) {
		struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = c->refresh[i] };
		int r = nl_send_simple(c->nl, RTM_GETLINK, 0, &ifi, sizeof(ifi));

		if (r < 0)
			log_debug("RTM_GETLINK %d: %s, ignoring", c->refresh[i], nl_geterror(r));
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

static void drop_batch(struct collector *c)
{
	for (size_t i = 0; i < c->nbatch; i++)
		nl_object_put(c->batch[i]);
	c->nbatch = 0;
}

static int schedule_retry(struct collector *c);

static void apply_batch(struct collector *c)
{
	int changes = 0, err = 0;

	if (c->nbatch == 0)
		return;
	if (lock(c) < 0) {
		/* The objects are lost: a later dump repairs the tables. */
		drop_batch(c);
		c->pending_resync = true;
		c->retry_why = "segment lock timed out";
		schedule_retry(c);
		return;
	}
	for (size_t i = 0; i < c->nbatch; i++) {
		int r = apply_one(c, c->batch[i]);

		if (r < 0) {
			err = r;
			c->apply_errors++;
		} else {
			changes += r;
		}
	}
	unlock(c, changes > 0 || c->nbatch > 0);
	drop_batch(c);
	send_refresh(c);
	if (err < 0)
		log_warnx("segment update: %s; the tables miss a change", strerror(-err));
}

/* Read what the kernel queued; returns -NLE_NOMEM after an overflow. */
static int read_netlink(struct collector *c)
{
	int overflow = 0;

	for (int i = 0; i < RECV_ROUNDS && c->nbatch < BATCH_MAX - 64; i++) {
		int r = nl_recvmsgs_default(c->nl);

		if (r == -NLE_AGAIN)
			break;
		if (r == -NLE_NOMEM) {
			/* ENOBUFS: the kernel dropped messages; libnl does not
			 * resync by itself. */
			overflow = -NLE_NOMEM;
			continue;
		}
		if (r < 0) {
			log_warnx("netlink receive: %s, ignoring", nl_geterror(r));
			break;
		}
	}
	return overflow;
}

/* Throw away what is queued: a dump follows and covers it. */
static void drain_netlink(struct collector *c)
{
	c->discard = true;
	for (int i = 0; i < 100000; i++) {
		int r = nl_recvmsgs_default(c->nl);

		if (r == -NLE_AGAIN || (r < 0 && r != -NLE_NOMEM))
			break;
	}
	c->discard = false;
	drop_batch(c);
}

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

/* Fetch links and addresses from the kernel (no lock held). */
static int dump_kernel(struct collector *c, struct nl_cache **ret_links,
		       struct nl_cache **ret_addrs)
{
	struct nl_cache *links = NULL, *addrs = NULL;
	int r;

	r = rtnl_link_alloc_cache(c->dump, AF_UNSPEC, &links);
	if (r < 0) {
		log_warnx("netlink link dump: %s", nl_geterror(r));
		return r;
	}
	r = rtnl_addr_alloc_cache(c->dump, &addrs);
	if (r < 0) {
		log_warnx("netlink address dump: %s", nl_geterror(r));
		nl_cache_free(links);
		return r;
	}
	*ret_links = links;
	*ret_addrs = addrs;
	return 0;
}

/* Make the tables equal the kernel's, emitting what differs.  why is
 * NULL for the first dump of a fresh segment (quiet), else the RESYNC
 * event's reason. */
static int resync(struct collector *c, const char *why)
{
	struct nl_cache *links = NULL, *addrs = NULL;
	struct dump_ctx d = { .c = c };
	struct seg_event ev;
	int64_t t0 = (int64_t)usec_mono();
	uint64_t usec;
	size_t changes;
	int r;

	if (c->ready)
		set_state(c, SEG_STATE_RESYNCING);
	drain_netlink(c);
	c->overflow = false;
	r = dump_kernel(c, &links, &addrs);
	if (r < 0)
		goto retry;
	r = lock(c);
	if (r < 0)
		goto retry;
	d.now = (int64_t)usec_mono();
	c->holding = true;
	linkdb_sync_begin(c->db);
	nl_cache_foreach(links, dump_link_cb, &d);
	nl_cache_foreach(addrs, dump_addr_cb, &d);
	linkdb_sync_end(c->db);
	segmap_untaint(&c->m); /* every record was rewritten from the dump */
	c->holding = false;
	changes = c->held.n;
	if (why) {
		memset(&ev, 0, sizeof(ev));
		ev.type = SEG_EV_RESYNC;
		snprintf(ev.text, sizeof(ev.text), "%s: resynced, %zu changes", why, changes);
		append_event(c, &ev);
		for (size_t i = 0; i < c->held.n; i++)
			append_event(c, &c->held.v[i]);
		/* the header counts overflows recovered (segment.h) */
		if (strcmp(why, WHY_OVERFLOW) == 0)
			c->m.h->resyncs++;
	}
	c->held.n = 0;
	c->m.h->state = SEG_STATE_READY;
	/* Events go to the parent last: a burst of them may fill the
	 * socket (the parent then reads them from the ring), and the log
	 * record and READY must not be what gets dropped. */
	release(c, true);
	nl_cache_free(links);
	nl_cache_free(addrs);
	/* The dump's objects (~2 kB a link) went back to malloc, which keeps
	 * them: give them back to the system, we will not need them soon. */
	malloc_trim(0);
	c->pending_resync = false;
	usec = (uint64_t)((int64_t)usec_mono() - t0);
	if (d.err < 0)
		log_warnx("segment update during dump: %s", strerror(-d.err));
	if (why)
		log_warnx("%s: resynced from a fresh dump in %llu ms, %zu changes",
			  why, (unsigned long long)(usec / 1000), changes);
	if (!c->ready) {
		struct frame_ready fr = {
			.links = linkdb_link_count(c->db),
			.addrs = linkdb_addr_count(c->db),
			.dump_usec = usec,
		};

		c->ready = true;
		log_info("first dump: %u links, %u addresses in %llu ms", fr.links,
			 fr.addrs, (unsigned long long)(usec / 1000));
		(void)send_frame(c, FRAME_READY, &fr, sizeof(fr));
	}
	send_stats(c);
	flush_events(c);
	return 0;
retry:
	c->retry_why = why;
	c->holding = false;
	c->held.n = 0;
	nl_cache_free(links);
	nl_cache_free(addrs);
	c->pending_resync = true;
	schedule_retry(c);
	return r;
}

static int on_netlink(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct collector *c = userdata;

	if (read_netlink(c) == -NLE_NOMEM)
		c->overflow = true;
	if (c->overflow) {
		drop_batch(c);
		(void)resync(c, WHY_OVERFLOW);
		return 0;
	}
	apply_batch(c);
	return 0;
}

/* ---- timers ---- */

static int arm(sd_event_source *s, uint64_t usec)
{
	uint64_t now;
	int r = sd_event_now(sd_event_source_get_event(s), CLOCK_MONOTONIC, &now);

	if (r < 0)
		return r;
	r = sd_event_source_set_time(s, now + usec);
	if (r < 0)
		return r;
	return sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
}

static int on_retry(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct collector *c = userdata;

	if (c->pending_resync)
		(void)resync(c, c->retry_why);
	return 0;
}

static int schedule_retry(struct collector *c)
{
	return arm(c->retry_timer, RETRY_USEC);
}

static void sample_system(struct collector *c)
{
	char buf[16384];
	struct sysstat_cpu cpu;
	struct sysstat_mem mem;
	bool have_cpu = false, have_mem = false;

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
	if (have_cpu) {
		if (c->have_cpu)
			c->m.h->cpu_usage_centi = sysstat_cpu_usage_centi(&c->cpu_prev, &cpu);
		c->m.h->ncpu = cpu.ncpu;
		c->cpu_prev = cpu;
		c->have_cpu = true;
	}
	if (have_mem) {
		c->m.h->mem_total = mem.total;
		c->m.h->mem_available = mem.available;
		c->m.h->mem_used = mem.total - mem.available;
	}
	c->m.h->sample_time_usec = usec_now();
	/* Figures, not changes: no generation bump, nobody woken. */
	unlock(c, false);
}

static int on_sample(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct collector *c = userdata;

	sample_system(c);
	send_stats(c);
	return arm(s, c->cfg->sample_interval_usec);
}

struct link_stats {
	int32_t ifindex;
	struct seg_counters rx, tx;
};

struct stats_ctx {
	struct link_stats *v;
	size_t n, cap;
	int err;
};

/* One RTM_NEWSTATS message of the dump: IFLA_STATS_LINK_64 only. */
static int stats_msg_cb(struct nl_msg *msg, void *arg)
{
	struct stats_ctx *x = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *tb[IFLA_STATS_MAX + 1];
	struct rtnl_link_stats64 st;
	struct link_stats *ls;

	if (nlh->nlmsg_type != RTM_NEWSTATS ||
	    nlmsg_parse(nlh, sizeof(struct if_stats_msg), tb, IFLA_STATS_MAX, NULL) < 0 ||
	    !tb[IFLA_STATS_LINK_64] || nla_len(tb[IFLA_STATS_LINK_64]) < (int)sizeof(st))
		return NL_SKIP;
	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 256;
		struct link_stats *v = realloc(x->v, cap * sizeof(*v));

		if (!v) {
			x->err = -ENOMEM;
			return NL_STOP;
		}
		x->v = v;
		x->cap = cap;
	}
	memcpy(&st, nla_data(tb[IFLA_STATS_LINK_64]), sizeof(st));
	ls = &x->v[x->n++];
	ls->ifindex = ((struct if_stats_msg *)nlmsg_data(nlh))->ifindex;
	ls->rx = (struct seg_counters){ st.rx_bytes, st.rx_packets, st.rx_errors, st.rx_dropped };
	ls->tx = (struct seg_counters){ st.tx_bytes, st.tx_packets, st.tx_errors, st.tx_dropped };
	return NL_OK;
}

/* Counters of every link: an RTM_GETSTATS dump asking for the 64-bit
 * link counters only, far cheaper for the kernel (and for us) than a full
 * RTM_GETLINK dump.  Read first, applied under the lock after. */
static int on_stats(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct collector *c = userdata;
	struct if_stats_msg req = {
		.family = AF_UNSPEC,
		.filter_mask = IFLA_STATS_FILTER_BIT(IFLA_STATS_LINK_64),
	};
	struct stats_ctx x = { .v = c->stats_buf, .cap = c->stats_cap };
	/* nl_socket_get_cb returns a reference of its own: put it, or the
	 * socket's callbacks outlive nl_socket_free. */
	struct nl_cb *base = nl_socket_get_cb(c->dump);
	struct nl_cb *cb = base ? nl_cb_clone(base) : NULL;
	int r = cb ? 0 : -NLE_NOMEM;

	nl_cb_put(base);

	if (r == 0)
		r = nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, stats_msg_cb, &x);
	if (r == 0)
		r = nl_send_simple(c->dump, RTM_GETSTATS, NLM_F_DUMP, &req, sizeof(req));
	if (r >= 0)
		r = nl_recvmsgs(c->dump, cb);
	nl_cb_put(cb);
	c->stats_buf = x.v;
	c->stats_cap = x.cap;
	if (r < 0 || x.err < 0) {
		/* NLE_DUMP_INTR (links changed meanwhile) included: next round */
		log_debug("netlink counter dump: %s, skipped",
			  r < 0 ? nl_geterror(r) : strerror(-x.err));
	} else if (lock(c) == 0) {
		int64_t now = (int64_t)usec_mono();

		for (size_t i = 0; i < x.n; i++)
			linkdb_counters_set(c->db, x.v[i].ifindex, &x.v[i].rx, &x.v[i].tx, now);
		unlock(c, false);
	}
	return arm(s, c->cfg->stats_interval_usec);
}

/* ---- from the parent ---- */

static int on_parent(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct collector *c = userdata;
	char buf[FRAME_MAX];
	const struct frame_hdr *h;
	const void *p;
	ssize_t n;

	n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		log_warn("parent socket");
		return sd_event_exit(c->loop, 1);
	}
	if (n == 0) {
		/* EOF: the parent is gone; nobody to report to */
		return sd_event_exit(c->loop, 0);
	}
	if (frame_unpack(buf, (size_t)n, &h, &p) < 0) {
		log_warnx("bad frame from the parent (%zd bytes), ignoring", n);
		return 0;
	}
	switch (h->type) {
	case FRAME_PING:
		(void)send_frame(c, FRAME_PONG, p, h->len);
		break;
	case FRAME_SHUTDOWN:
		log_debug("shutdown requested");
		return sd_event_exit(c->loop, 0);
	case FRAME_RESYNC:
		(void)resync(c, "resync requested");
		break;
	case FRAME_SET_LOG_LEVEL: {
		const struct frame_log_level *l = p;

		if (l->level < LOGLEVEL_ERR || l->level > LOGLEVEL_DEBUG) {
			log_warnx("log level %u from the parent, ignoring", l->level);
			break;
		}
		log_setlevel((enum log_level)l->level);
		break;
	}
	default:
		log_warnx("unexpected %s frame from the parent, ignoring",
			  frame_type_name(h->type));
	}
	return 0;
}

static int on_sigterm(sd_event_source *s, const struct signalfd_siginfo *si,
		      void *userdata)
{
	struct collector *c = userdata;

	log_debug("SIGTERM, stopping");
	return sd_event_exit(c->loop, 0);
}

/* ---- set-up ---- */

/* nl_connect() set a 32 KiB buffer: size it now, as root past rmem_max. */
static int size_rcvbuf(struct collector *c)
{
	int fd = nl_socket_get_fd(c->nl), want, got = 0;
	socklen_t len = sizeof(got);

	want = c->cfg->netlink_rcvbuf > INT32_MAX / 2 ? INT32_MAX / 2
						      : (int)c->cfg->netlink_rcvbuf;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &want, sizeof(want)) < 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &want, sizeof(want)) < 0)
		return -errno;
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &got, &len) < 0)
		return -errno;
	c->rcvbuf = (uint32_t)got;
	/* The kernel doubles what was asked (bookkeeping); less means capped. */
	if (got < want)
		log_warnx("netlink receive buffer is %d bytes, asked for %d "
			  "(net.core.rmem_max caps it without CAP_NET_ADMIN)", got, want);
	log_debug("netlink receive buffer: asked %d, got %d bytes", want, got);
	return 0;
}

static int open_netlink(struct collector *c)
{
	int r;

	c->nl = nl_socket_alloc();
	c->dump = nl_socket_alloc();
	if (!c->nl || !c->dump)
		return -NLE_NOMEM;
	nl_socket_disable_seq_check(c->nl);
	nl_socket_disable_auto_ack(c->nl);
	r = nl_socket_modify_cb(c->nl, NL_CB_VALID, NL_CB_CUSTOM, on_nl_msg, c);
	if (r < 0)
		return r;
	r = nl_connect(c->nl, NETLINK_ROUTE);
	if (r < 0)
		return r;
	r = nl_socket_add_memberships(c->nl, RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR,
				      RTNLGRP_IPV6_IFADDR, 0);
	if (r < 0)
		return r;
	r = nl_socket_set_nonblocking(c->nl);
	if (r < 0)
		return r;
	return nl_connect(c->dump, NETLINK_ROUTE);
}

static int setup_loop(struct collector *c)
{
	sd_event_source *s;
	sigset_t mask;
	int r;

	r = sd_event_new(&c->loop);
	if (r < 0)
		return r;
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return -errno;
	r = sd_event_add_signal(c->loop, NULL, SIGTERM, on_sigterm, c);
	if (r < 0)
		return r;
	r = sd_event_add_io(c->loop, NULL, nl_socket_get_fd(c->nl), EPOLLIN, on_netlink, c);
	if (r < 0)
		return r;
	r = sd_event_add_io(c->loop, NULL, c->sock, EPOLLIN, on_parent, c);
	if (r < 0)
		return r;
	r = sd_event_add_time(c->loop, &c->retry_timer, CLOCK_MONOTONIC, UINT64_MAX, 0,
			      on_retry, c);
	if (r < 0)
		return r;
	r = sd_event_add_time(c->loop, &s, CLOCK_MONOTONIC, 0, 0, on_sample, c);
	if (r < 0)
		return r;
	sd_event_source_set_floating(s, 1);
	sd_event_source_unref(s);
	r = sd_event_add_time(c->loop, &s, CLOCK_MONOTONIC, 0, 0, on_stats, c);
	if (r < 0)
		return r;
	r = arm(s, c->cfg->stats_interval_usec);
	sd_event_source_set_floating(s, 1);
	sd_event_source_unref(s);
	return r;
}

int collector_main(const struct collector_args *a)
{
	struct collector c = { .cfg = a->cfg, .sock = a->sock };
	int r, dropped, status = 1;
	pid_t parent = getppid();

	log_procinit("collector");
	log_set_sink(log_to_parent, &c, false);
	/* sd_notify must come from the parent only */
	unsetenv("NOTIFY_SOCKET");
	signal(SIGINT, SIG_IGN);  /* ^C reaches the whole group: the parent decides */
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != parent) {
		log_warnx("parent gone before the collector started");
		goto out;
	}
	c.batch = calloc(BATCH_MAX, sizeof(*c.batch));
	c.refresh = calloc(BATCH_MAX, sizeof(*c.refresh));
	if (!c.batch || !c.refresh) {
		log_warnx("out of memory");
		goto out;
	}
	r = segmap_open(&c.m, a->shm_fd, a->sem, true);
	if (r < 0) {
		log_warnx("segment: %s", strerror(-r));
		goto out;
	}
	r = linkdb_new(&c.m, on_change, &c, &c.db);
	if (r < 0 || lock(&c) < 0) {
		log_warnx("link table: %s", strerror(r < 0 ? -r : ETIMEDOUT));
		goto out;
	}
	c.m.h->collector_pid = (int32_t)getpid();
	dropped = linkdb_load(c.db);
	/* A restart finds its predecessor's tables: the first dump then
	 * reports what changed while nobody watched. */
	c.ready = false;
	{
		bool restart = c.m.h->links.count > 0;

		unlock(&c, true);
		if (dropped > 0)
			log_warnx("dropped %d unreadable records left by the previous collector",
				  dropped);
		r = open_netlink(&c);
		if (r < 0) {
			log_warnx("netlink: %s", nl_geterror(r));
			goto out;
		}
		r = size_rcvbuf(&c);
		if (r < 0)
			log_warnx("netlink receive buffer: %s", strerror(-r));
		r = setup_loop(&c);
		if (r < 0) {
			log_warnx("event loop: %s", strerror(-r));
			goto out;
		}
		sample_system(&c);
		(void)resync(&c, restart ? "collector restarted" : NULL);
	}
	r = sd_event_loop(c.loop);
	status = r < 0 ? 1 : r;
	if (r < 0)
		log_warnx("event loop: %s", strerror(-r));
out:
	drop_batch(&c);
	free(c.batch);
	free(c.refresh);
	free(c.stats_buf);
	free(c.out.v);
	free(c.held.v);
	sd_event_source_unref(c.retry_timer);
	sd_event_unref(c.loop);
	nl_socket_free(c.nl);
	nl_socket_free(c.dump);
	linkdb_free(c.db);
	segmap_close(&c.m);
	log_set_sink(NULL, NULL, false);
	return status;
}
