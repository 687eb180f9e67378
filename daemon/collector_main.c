/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* collector_main.c - see collector_main.h.
 *
 * One sd-event loop: the netlink socket, the parent's socket, SIGTERM,
 * and two timers (the retry after a failed dump; one tick for CPU and
 * memory, link counters and the heartbeat to the parent).  Handlers hand
 * the work to collector.c.
 */
#include "collector_main.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <systemd/sd-event.h>

#include "collector.h"
#include "frame.h"
#include "log.h"
#include "nlsource.h"
#include "segmap.h"
#include "usec.h"

#define CONFIG_WAIT_MSEC 5000   /* for the parent's first frame */
#define RETRY_USEC USEC_PER_SEC /* after a failed dump */
/* Periodic work due this soon is done on the current wake-up. */
#define TICK_SLACK_USEC (20 * USEC_PER_MSEC)

struct role {
	struct frame_config cfg;
	int sock;
	sd_event *loop;
	sd_event_source *retry_timer;
	uint64_t next_sample, next_counters, next_beat; /* CLOCK_MONOTONIC */
	struct collector *c;
	struct nlsource *nl;
};

/* Log records go to the parent, which writes stderr and the FIFO.  A
 * full socket drops the record: we never block on the parent. */
static void log_to_parent(int prio, const char *source, const char *msg,
			  void *userdata)
{
	struct role *r = userdata;
	union frame_buf u;
	int n = frame_pack_log(u.buf, sizeof(u.buf), prio, msg);

	(void)source;
	if (n > 0)
		(void)send(r->sock, u.buf, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL);
}

/* ---- timers ---- */

static int arm(sd_event_source *s, uint64_t usec)
{
	uint64_t now;
	int r = sd_event_now(sd_event_source_get_event(s), CLOCK_MONOTONIC, &now);

	if (r >= 0)
		r = sd_event_source_set_time(s, now + usec);
	if (r >= 0)
		r = sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
	return r;
}

/* After every handler: a failed dump is tried again in a second. */
static void check_retry(struct role *r)
{
	int enabled = SD_EVENT_OFF;

	if (!collector_retry_due(r->c))
		return;
	sd_event_source_get_enabled(r->retry_timer, &enabled);
	if (enabled == SD_EVENT_OFF && arm(r->retry_timer, RETRY_USEC) < 0)
		log_warnx("cannot arm the retry timer; the next event retries");
}

static int on_retry(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct role *r = userdata;

	collector_on_retry(r->c);
	check_retry(r);
	return 0;
}

/* One timer for all the periodic work (CPU and memory, link counters,
 * the heartbeat to the parent): with the default intervals, one wake-up
 * a second does all three. */
static uint64_t next_due(uint64_t *next, uint64_t now, uint64_t interval)
{
	if (*next > now + TICK_SLACK_USEC)
		return 0;
	*next = now + interval;
	return 1;
}

static int on_tick(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct role *r = userdata;
	uint64_t now, soonest;
	bool stats = false;

	if (sd_event_now(r->loop, CLOCK_MONOTONIC, &now) < 0)
		now = usec;
	if (next_due(&r->next_sample, now, r->cfg.sample_interval_usec)) {
		collector_on_sample(r->c);
		stats = true;
	}
	if (next_due(&r->next_counters, now, r->cfg.stats_interval_usec))
		collector_on_counters(r->c);
	if (next_due(&r->next_beat, now, r->cfg.heartbeat_usec) || stats) {
		collector_send_stats(r->c);
		r->next_beat = now + r->cfg.heartbeat_usec;
	}
	soonest = r->next_sample;
	if (r->next_counters < soonest)
		soonest = r->next_counters;
	if (r->next_beat < soonest)
		soonest = r->next_beat;
	return arm(s, soonest > now ? soonest - now : 0);
}

/* ---- fds ---- */

static int on_netlink(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct role *r = userdata;

	collector_on_netlink(r->c);
	check_retry(r);
	return 0;
}

static int on_parent(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct role *r = userdata;
	union frame_buf u;
	const struct frame_hdr *h;
	const void *p;
	int e = frame_recv(fd, u.buf, &h, &p);

	if (e == -EAGAIN)
		return 0;
	if (e == -ECONNRESET)
		return sd_event_exit(r->loop, 0); /* the parent is gone */
	if (e == -EBADMSG) {
		log_warnx("bad frame from the parent, ignoring");
		return 0;
	}
	if (e < 0) {
		log_warnx("parent socket: %s", strerror(-e));
		return sd_event_exit(r->loop, 1);
	}
	switch (h->type) {
	case FRAME_PING:
		(void)frame_send(fd, FRAME_PONG, p, h->len);
		break;
	case FRAME_SHUTDOWN:
		log_debug("shutdown requested");
		return sd_event_exit(r->loop, 0);
	case FRAME_RESYNC:
		collector_on_resync(r->c, "resync requested");
		check_retry(r);
		break;
	case FRAME_SET_LOG_LEVEL: {
		uint8_t level;

		memcpy(&level, p, 1);
		if (level < LOGLEVEL_ERR || level > LOGLEVEL_DEBUG)
			log_warnx("log level %u from the parent, ignoring", level);
		else
			log_setlevel((enum log_level)level);
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
	struct role *r = userdata;

	log_debug("SIGTERM, stopping");
	return sd_event_exit(r->loop, 0);
}

/* ---- set-up ---- */

/* fd 3 must be the parent's socketpair: someone who runs
 * `ipcmond --collector` by hand gets told, not a hang. */
static bool started_by_parent(void)
{
	int type = 0, domain = 0;
	socklen_t len = sizeof(type);

	if (getsockopt(COLLECTOR_FD_SOCK, SOL_SOCKET, SO_TYPE, &type, &len) < 0)
		return false;
	len = sizeof(domain);
	if (getsockopt(COLLECTOR_FD_SOCK, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0)
		return false;
	return type == SOCK_SEQPACKET && domain == AF_UNIX &&
	       fcntl(COLLECTOR_FD_SHM, F_GETFD) >= 0;
}

/* The first frame: the configuration. */
static int read_config(struct role *r)
{
	union frame_buf u;
	struct pollfd p = { .fd = r->sock, .events = POLLIN };
	const struct frame_hdr *h;
	const void *payload;
	int e;

	e = poll(&p, 1, CONFIG_WAIT_MSEC);
	if (e <= 0)
		return e < 0 ? -errno : -ETIMEDOUT;
	e = frame_recv(r->sock, u.buf, &h, &payload);
	if (e < 0)
		return e;
	if (h->type != FRAME_CONFIG)
		return -EBADMSG;
	memcpy(&r->cfg, payload, sizeof(r->cfg));
	r->cfg.sem_name[sizeof(r->cfg.sem_name) - 1] = '\0';
	r->cfg.shm_name[sizeof(r->cfg.shm_name) - 1] = '\0';
	r->cfg.restart_reason[sizeof(r->cfg.restart_reason) - 1] = '\0';
	if (r->cfg.log_level < LOGLEVEL_ERR || r->cfg.log_level > LOGLEVEL_DEBUG ||
	    !r->cfg.sample_interval_usec || !r->cfg.stats_interval_usec ||
	    !r->cfg.heartbeat_usec)
		return -EINVAL;
	return 0;
}

static int add_timer(struct role *r, sd_event_source **ret, uint64_t first,
		     sd_event_time_handler_t fn)
{
	int e = sd_event_add_time(r->loop, ret, CLOCK_MONOTONIC, UINT64_MAX, 0, fn, r);

	if (e >= 0 && first != UINT64_MAX)
		e = arm(*ret, first);
	return e;
}

static int setup_loop(struct role *r)
{
	sd_event_source *tick = NULL;
	uint64_t now;
	sigset_t mask;
	int e;

	e = sd_event_default(&r->loop);
	if (e < 0)
		return e;
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return -errno;
	e = sd_event_add_signal(r->loop, NULL, SIGTERM, on_sigterm, r);
	if (e >= 0)
		e = sd_event_add_io(r->loop, NULL, nlsource_fd(r->nl), EPOLLIN, on_netlink, r);
	if (e >= 0)
		e = sd_event_add_io(r->loop, NULL, r->sock, EPOLLIN, on_parent, r);
	if (e >= 0)
		e = add_timer(r, &r->retry_timer, UINT64_MAX, on_retry);
	if (e >= 0)
		e = sd_event_now(r->loop, CLOCK_MONOTONIC, &now);
	if (e >= 0) {
		/* The first sample is taken at the start: the periodic work
		 * begins one interval later, aligned when the intervals are. */
		r->next_sample = now + r->cfg.sample_interval_usec;
		r->next_counters = now + r->cfg.stats_interval_usec;
		r->next_beat = now + r->cfg.heartbeat_usec;
		e = add_timer(r, &tick, r->cfg.stats_interval_usec < r->cfg.sample_interval_usec ?
				      r->cfg.stats_interval_usec : r->cfg.sample_interval_usec,
			      on_tick);
	}
	/* The loop owns the periodic timer. */
	if (tick)
		sd_event_source_set_floating(tick, 1);
	sd_event_source_unref(tick);
	return e;
}

int collector_main(void)
{
	struct role r = { .sock = COLLECTOR_FD_SOCK };
	struct collector_params p = { 0 };
	struct segmap m = { 0 };
	sem_t *sem = SEM_FAILED;
	int e, status = 1;

	if (!started_by_parent()) {
		fprintf(stderr, "ipcmond: " COLLECTOR_ARG " is ipcmond's own collector "
			"role, started by ipcmond with its socket on fd %d; run ipcmond\n",
			COLLECTOR_FD_SOCK);
		return 2;
	}
	fcntl(COLLECTOR_FD_SOCK, F_SETFD, FD_CLOEXEC);
	fcntl(COLLECTOR_FD_SHM, F_SETFD, FD_CLOEXEC);
	/* ^C reaches the whole process group: the parent decides. */
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	log_init(LOGLEVEL_INFO, "collector");
	log_set_sink(log_to_parent, &r, false);

	e = read_config(&r);
	if (e < 0) {
		log_warnx("no configuration from the parent: %s", strerror(-e));
		goto out;
	}
	log_setlevel((enum log_level)r.cfg.log_level);
	sem = sem_open(r.cfg.sem_name, 0);
	if (sem == SEM_FAILED) {
		log_warn("semaphore %s", r.cfg.sem_name);
		goto out;
	}
	e = segmap_open(&m, COLLECTOR_FD_SHM, sem, true);
	if (e < 0) {
		log_warnx("shared memory %s: %s", r.cfg.shm_name, strerror(-e));
		goto out;
	}
	e = nlsource_open(r.cfg.netlink_rcvbuf, &r.nl);
	if (e < 0) {
		log_warnx("netlink: %s", strerror(-e));
		goto out;
	}
	/* The kernel doubles what was asked (bookkeeping); less means capped. */
	if (nlsource_rcvbuf(r.nl) < r.cfg.netlink_rcvbuf)
		log_warnx("netlink receive buffer is %u bytes, asked for %llu "
			  "(net.core.rmem_max caps it without CAP_NET_ADMIN)",
			  nlsource_rcvbuf(r.nl), (unsigned long long)r.cfg.netlink_rcvbuf);
	p = (struct collector_params){
		.cfg = &r.cfg, .map = &m, .parent_fd = r.sock,
		.ops = &nlsource_ops, .src = r.nl, .rcvbuf = nlsource_rcvbuf(r.nl),
	};
	e = collector_new(&p, &r.c);
	if (e == 0)
		e = setup_loop(&r);
	if (e < 0) {
		log_warnx("set-up: %s", strerror(-e));
		goto out;
	}
	e = collector_start(r.c);
	if (e < 0) {
		log_warnx("cannot take the segment over: %s", strerror(-e));
		goto out;
	}
	check_retry(&r);
	e = sd_event_loop(r.loop);
	status = e < 0 ? 1 : e;
	if (e < 0)
		log_warnx("event loop: %s", strerror(-e));
out:
	collector_free(r.c);
	sd_event_source_unref(r.retry_timer);
	sd_event_unref(r.loop);
	nlsource_close(r.nl);
	segmap_close(&m);
	if (sem != SEM_FAILED)
		sem_close(sem);
	log_set_sink(NULL, NULL, false);
	return status;
}
