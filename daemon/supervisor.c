/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* supervisor.c - the parent: IPC objects, the log stream, systemd.
 *
 * One sd-event loop.  Signals arrive as events (SIGTERM/SIGINT stop,
 * SIGHUP reloads); the collector's life is child.c's; timers keep
 * STATUS= current and feed the watchdog.  Events reach the FIFO and the
 * journal from the segment's ring, which the parent reads without a lock
 * when the collector rings (FRAME_EVENTS): the same way clients follow
 * it.  The parent writes the segment only while no collector runs: at
 * creation and at the stop.
 */
#include "supervisor.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <semaphore.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>

#include "child.h"
#include "dispatcher.h"
#include "fifolog.h"
#include "frame.h"
#include "futex.h"
#include "lockfile.h"
#include "log.h"
#include "segmap.h"
#include "segment.h"
#include "status.h"
#include "usec.h"

/* First capacities of the segment's tables; they double when full. */
#define SEG_INITIAL_LINKS 256
#define SEG_INITIAL_ADDRS 1024
/* Longest wait for the semaphore at the stop (the dispatcher is gone,
 * the collector too: only a dead process could hold it). */
#define STOP_LOCK_USEC (500 * USEC_PER_MSEC)

struct supervisor {
	struct config cfg;
	config_loader_fn *reload;
	void *reload_data;
	sd_event *event;
	int lock_fd;

	/* IPC objects, all created by us */
	int shm_fd;
	bool shm_created;
	sem_t *sem;
	bool sem_created;
	struct segmap map;
	struct segmap_gate gate;
	struct fifolog *fifo;
	struct dispatcher *disp;
	struct daemon_status st;
	struct child *child;
	uint64_t last_seq;           /* last event seq written to the log */

	/* systemd */
	bool ready_sent;
	bool stopping;
	sd_event_source *watchdog_src;
	sd_event_source *fifo_src;
	uint64_t watchdog_usec;
	uint64_t watchdog_beat;
	char status_text[256];
};

/* -------------------------------------------------------------------- */
/* IPC objects                                                          */

/* Remove what a crashed instance with our names left.  We hold the lock
 * file, so no live instance owns these names. */
static void remove_stale(const struct config *c)
{
	if (shm_unlink(c->shm_name) == 0)
		log_notice("removed stale shared-memory segment %s", c->shm_name);
	if (sem_unlink(c->sem_name) == 0)
		log_notice("removed stale semaphore %s", c->sem_name);
}

static int segment_create(struct supervisor *s)
{
	struct seg_layout l;
	mode_t old;
	int r;

	seg_layout_compute(&l, SEG_INITIAL_LINKS, SEG_INITIAL_ADDRS, s->cfg.event_ring);
	s->shm_fd = shm_open(s->cfg.shm_name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
			     s->cfg.shm_mode);
	if (s->shm_fd < 0) {
		log_warn("shared memory %s", s->cfg.shm_name);
		return -1;
	}
	s->shm_created = true;
	/* The umask must not narrow what the configuration asked for. */
	if (fchmod(s->shm_fd, s->cfg.shm_mode) < 0 ||
	    ftruncate(s->shm_fd, (off_t)l.total_size) < 0) {
		log_warn("shared memory %s: set-up", s->cfg.shm_name);
		return -1;
	}
	r = segmap_open(&s->map, s->shm_fd, NULL, true);
	if (r < 0) {
		log_err("shared memory %s: map: %s", s->cfg.shm_name, strerror(-r));
		return -1;
	}
	seg_init(s->map.h, &l);
	s->map.h->daemon_pid = (int32_t)getpid();
	s->st.start_usec = s->map.h->start_time_usec;

	old = umask(0);
	s->sem = sem_open(s->cfg.sem_name, O_CREAT | O_EXCL, s->cfg.sem_mode, 1);
	umask(old);
	if (s->sem == SEM_FAILED) {
		s->sem = NULL;
		log_warn("semaphore %s", s->cfg.sem_name);
		return -1;
	}
	s->sem_created = true;
	s->map.sem = s->sem;
	return 0;
}

static void events_catch_up(struct supervisor *s, uint64_t upto);

/* The last event, then waiting clients learn of the stop at once, not at
 * their next liveness check.  No collector runs now. */
static void segment_stop(struct supervisor *s)
{
	struct seg_event ev = { .type = SEG_EV_DAEMON_STOP };
	int r;

	if (!s->map.h || !s->shm_created)
		return;
	r = segmap_lock(&s->map, STOP_LOCK_USEC);
	if (r < 0) {
		log_warnx("semaphore %s at the stop: %s; marking the segment stopped all the same",
			  s->cfg.sem_name, strerror(-r));
	} else {
		snprintf(ev.text, sizeof(ev.text), "stopped after %" PRId64 " s",
			 (usec_now() - s->st.start_usec) / (int64_t)USEC_PER_SEC);
		seg_event_append(s->map.h, &ev);
	}
	s->map.h->state = SEG_STATE_STOPPED;
	seg_bump(s->map.h);
	if (r == 0)
		segmap_unlock(&s->map);
	futex_wake_all(&s->map.h->generation);
	events_catch_up(s, seg_event_last_seq(s->map.h));
}

static void segment_destroy(struct supervisor *s)
{
	segmap_close(&s->map);
	if (s->shm_fd >= 0)
		close(s->shm_fd);
	if (s->shm_created && shm_unlink(s->cfg.shm_name) < 0)
		log_warn("remove shared memory %s", s->cfg.shm_name);
	if (s->sem)
		sem_close(s->sem);
	if (s->sem_created && sem_unlink(s->cfg.sem_name) < 0)
		log_warn("remove semaphore %s", s->cfg.sem_name);
}

/* -------------------------------------------------------------------- */
/* systemd                                                              */

/* What only the parent knows, into its own words of the segment (for
 * readers such as the metrics: segment.h). */
static void segment_parent_counters(struct supervisor *s)
{
	struct seg_header *h = s->map.h;

	__atomic_store_n(&h->parent_collector_restarts,
			 atomic_load(&s->st.collector_restarts), __ATOMIC_RELAXED);
	__atomic_store_n(&h->parent_fifo_dropped, atomic_load(&s->st.fifo_dropped),
			 __ATOMIC_RELAXED);
	__atomic_store_n(&h->parent_requests, atomic_load(&s->st.requests_total),
			 __ATOMIC_RELAXED);
	__atomic_store_n(&h->parent_bad_requests, atomic_load(&s->st.bad_requests),
			 __ATOMIC_RELAXED);
}

static void status_update(struct supervisor *s)
{
	const struct seg_header *h = s->map.h;
	int d = atomic_load(&s->st.degraded);
	char text[sizeof(s->status_text)];

	snprintf(text, sizeof(text), "%" PRIu32 " links, %" PRIu32 " addresses, %" PRIu64
		 " resyncs, %" PRIu64 " collector restarts%s%s",
		 h->links.count, h->addrs.count, h->resyncs,
		 atomic_load(&s->st.collector_restarts), d ? "; degraded: " : "",
		 daemon_degraded_reason(d));
	atomic_store(&s->st.fifo_dropped, fifolog_dropped(s->fifo));
	segment_parent_counters(s);
	if (strcmp(text, s->status_text) != 0) {
		memcpy(s->status_text, text, sizeof(text));
		sd_notifyf(0, "STATUS=%s", text);
	}
}

/* WATCHDOG=1 only while the loop turns (this timer runs in it) and the
 * dispatcher thread proves alive (its beat moved since the last tick,
 * answering the poke we gave it then). */
static int on_watchdog_timer(sd_event_source *src, uint64_t usec, void *userdata)
{
	struct supervisor *s = userdata;
	uint64_t beat = atomic_load(&s->st.dispatcher_beat);

	if (beat != s->watchdog_beat) {
		sd_notify(0, "WATCHDOG=1");
		s->watchdog_beat = beat;
	} else {
		log_warnx("dispatcher did not answer the watchdog poke; not feeding the watchdog");
	}
	dispatcher_poke(s->disp);
	return sd_event_source_set_time(src, usec + s->watchdog_usec / 2);
}

/* -------------------------------------------------------------------- */
/* events: from the ring to the FIFO and the journal                    */

/* Every event goes to the FIFO and, for the journal, to stderr: the
 * event model's level, source and message (common/event.h). */
static void event_write(struct supervisor *s, const struct seg_event *ev)
{
	char msg[EVENT_MSG_MAX];

	event_message(ev, msg, sizeof(msg));
	log_stderr((int)event_level(ev), event_source(ev), msg);
	fifolog_event(s->fifo, ev);
	s->last_seq = ev->seq;
}

/* Write the events after last_seq up to upto, in order, reading them
 * from the ring.  What the ring no longer holds is reported, never
 * skipped silently. */
static void events_catch_up(struct supervisor *s, uint64_t upto)
{
	uint64_t lost = 0, from = s->last_seq + 1;
	struct seg_event ev;

	if (upto > seg_event_last_seq(s->map.h))
		upto = seg_event_last_seq(s->map.h);
	for (uint64_t seq = from; seq <= upto; seq++) {
		if (seg_event_read(s->map.h, seq, &ev) < 0)
			lost++;
		else
			event_write(s, &ev);
	}
	if (upto >= from)
		s->last_seq = upto;
	atomic_store(&s->st.fifo_dropped, fifolog_dropped(s->fifo));
	if (lost)
		log_warnx("%" PRIu64 " events were overwritten in the ring before they "
			  "could be written to the log (raise event_ring)", lost);
}

/* -------------------------------------------------------------------- */
/* the collector                                                        */

static void on_child_ready(void *userdata, const struct frame_ready *r)
{
	struct supervisor *s = userdata;

	if (s->ready_sent)
		return;
	s->ready_sent = true;
	status_update(s);
	sd_notifyf(0, "READY=1\nSTATUS=%s", s->status_text);
}

static void on_child_events(void *userdata, uint64_t last_seq)
{
	events_catch_up(userdata, last_seq);
}

/* About once a second while the collector runs: the parent's periodic
 * work, without a timer of its own. */
static void on_child_heartbeat(void *userdata)
{
	struct supervisor *s = userdata;

	status_update(s);
	dispatcher_tick(s->disp);
}

static void on_child_changed(void *userdata)
{
	status_update(userdata);
}

static void on_child_stopped(void *userdata)
{
	struct supervisor *s = userdata;

	sd_event_exit(s->event, 0);
}

static void on_child_failed(void *userdata)
{
	struct supervisor *s = userdata;

	log_err("cannot start a collector; stopping");
	sd_event_exit(s->event, 1);
}

static const struct child_ops child_ops = {
	.ready = on_child_ready,
	.events = on_child_events,
	.heartbeat = on_child_heartbeat,
	.changed = on_child_changed,
	.stopped = on_child_stopped,
	.failed = on_child_failed,
};

static int child_start(struct supervisor *s)
{
	struct child_params p = {
		.event = s->event,
		.timeout_usec = s->cfg.collector_timeout_usec,
		.shm_fd = s->shm_fd,
		.map = &s->map,
		.gate = &s->gate,
		.st = &s->st,
		.ops = &child_ops,
		.userdata = s,
	};

	p.cfg.log_level = (uint8_t)s->cfg.log_level;
	p.cfg.sample_interval_usec = s->cfg.sample_interval_usec;
	p.cfg.stats_interval_usec = s->cfg.stats_interval_usec;
	p.cfg.netlink_rcvbuf = s->cfg.netlink_rcvbuf;
	snprintf(p.cfg.sem_name, sizeof(p.cfg.sem_name), "%s", s->cfg.sem_name);
	snprintf(p.cfg.shm_name, sizeof(p.cfg.shm_name), "%s", s->cfg.shm_name);
	return child_new(&p, &s->child);
}

/* -------------------------------------------------------------------- */
/* signals                                                              */

static int on_stop_signal(sd_event_source *src, const struct signalfd_siginfo *si,
			  void *userdata)
{
	struct supervisor *s = userdata;

	if (s->stopping)
		return 0;
	s->stopping = true;
	log_info("received %s, stopping", strsignal((int)si->ssi_signo));
	sd_notify(0, "STOPPING=1");
	child_stop(s->child);
	return 0;
}

static int on_sighup(sd_event_source *src, const struct signalfd_siginfo *si,
		     void *userdata)
{
	struct supervisor *s = userdata;
	struct config next;
	char err[512];

	sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%" PRIu64, usec_mono());
	if (s->reload(&next, err, sizeof(err), s->reload_data) < 0) {
		log_warnx("reload: %s; keeping the running configuration", err);
	} else {
		struct frame_log_level lv = { .level = (uint8_t)next.log_level };

		if (strcmp(next.fifo_path, s->cfg.fifo_path) || strcmp(next.shm_name, s->cfg.shm_name) ||
		    strcmp(next.sem_name, s->cfg.sem_name) || next.msg_key != s->cfg.msg_key ||
		    strcmp(next.lock_path, s->cfg.lock_path))
			log_warnx("reload: names (fifo, shm, sem, msg key, lock) change only at restart; "
				  "keeping the running ones");
		s->cfg.log_level = next.log_level;
		s->cfg.fifo_format = next.fifo_format;
		log_setlevel(next.log_level);
		fifolog_set_format(s->fifo, next.fifo_format);
		child_set_log_level(s->child, next.log_level);
		child_send(s->child, FRAME_SET_LOG_LEVEL, &lv, sizeof(lv));
		log_info("reloaded: log level %s, fifo format %s",
			 config_loglevel_name(next.log_level),
			 next.fifo_format == FIFO_FORMAT_JSON ? "json" : "text");
	}
	/* A reload also asks the collector to check it missed nothing. */
	child_send(s->child, FRAME_RESYNC, NULL, 0);
	sd_notify(0, "READY=1");
	return 0;
}

static int add_signals(struct supervisor *s)
{
	sigset_t mask;
	int r;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return -errno;
	signal(SIGPIPE, SIG_IGN);
	r = sd_event_add_signal(s->event, NULL, SIGTERM, on_stop_signal, s);
	if (r >= 0)
		r = sd_event_add_signal(s->event, NULL, SIGINT, on_stop_signal, s);
	if (r >= 0)
		r = sd_event_add_signal(s->event, NULL, SIGHUP, on_sighup, s);
	return r;
}

static int on_fifo(sd_event_source *src, int fd, uint32_t revents, void *userdata)
{
	struct supervisor *s = userdata;

	/* The last reader left: let go of the lines nobody read, so the
	 * next reader starts with fresh ones. */
	fifolog_dispatch(s->fifo);
	return 0;
}

static int add_timers(struct supervisor *s)
{
	int r;

	r = 0;
	if (sd_watchdog_enabled(false, &s->watchdog_usec) > 0) {
		log_info("watchdog every %" PRIu64 " ms", s->watchdog_usec / USEC_PER_MSEC);
		r = sd_event_add_time_relative(s->event, &s->watchdog_src, CLOCK_MONOTONIC,
					       s->watchdog_usec / 2, 0, on_watchdog_timer, s);
		if (r >= 0)
			r = sd_event_source_set_enabled(s->watchdog_src, SD_EVENT_ON);
		s->watchdog_beat = atomic_load(&s->st.dispatcher_beat);
		dispatcher_poke(s->disp);
	}
	return r;
}

/* -------------------------------------------------------------------- */

int supervisor_run(const struct config *c, config_loader_fn *reload,
		   void *userdata)
{
	struct supervisor s = { .cfg = *c, .reload = reload, .reload_data = userdata,
				.lock_fd = -1, .shm_fd = -1 };
	char err[512];
	pid_t holder;
	int r, status = 1;

	s.st.pid = getpid();
	segmap_gate_init(&s.gate);
	r = lockfile_acquire(c->lock_path, &holder);
	if (r == -EWOULDBLOCK) {
		log_err("another ipcmond (pid %ld) already runs with lock file %s",
			(long)holder, c->lock_path);
		goto out;
	}
	if (r < 0) {
		log_err("lock file %s: %s", c->lock_path, strerror(-r));
		goto out;
	}
	s.lock_fd = r;

	r = fifolog_open(&s.fifo, &s.cfg, err, sizeof(err));
	if (r < 0) {
		log_err("%s", err);
		goto fail;
	}
	log_set_sink(fifolog_log, s.fifo, true);
	log_info("starting ipcmond %s: fifo %s, shm %s, sem %s, msg key 0x%x, lock %s",
		 PACKAGE_VERSION, s.cfg.fifo_path, s.cfg.shm_name, s.cfg.sem_name,
		 (unsigned)s.cfg.msg_key, s.cfg.lock_path);

	remove_stale(&s.cfg);
	if (segment_create(&s) < 0)
		goto fail;
	atomic_store(&s.st.degraded, DEGRADED_STARTING);
	r = dispatcher_start(&s.disp, &s.cfg, s.shm_fd, s.sem, &s.gate, &s.st);
	if (r < 0) {
		log_err("message queue 0x%x: %s", (unsigned)s.cfg.msg_key, strerror(-r));
		goto fail;
	}

	r = sd_event_default(&s.event);
	if (r >= 0)
		r = add_signals(&s);
	if (r >= 0)
		r = sd_event_add_io(s.event, &s.fifo_src, fifolog_fd(s.fifo), EPOLLIN, on_fifo, &s);
	if (r >= 0)
		r = add_timers(&s);
	if (r < 0) {
		log_err("event loop set-up: %s", strerror(-r));
		goto fail;
	}
	if (child_start(&s) < 0)
		goto fail;
	r = sd_event_loop(s.event);
	if (r < 0) {
		log_err("event loop: %s", strerror(-r));
		goto fail;
	}
	status = r;
fail:
	child_free(s.child);
	dispatcher_stop(s.disp);
	segment_stop(&s);
	segment_destroy(&s);
	sd_event_source_disable_unref(s.watchdog_src);
	sd_event_source_disable_unref(s.fifo_src);
	sd_event_unref(s.event);
	log_info("stopped%s", status ? " (after an error)" : "");
	log_set_sink(NULL, NULL, true);
	fifolog_close(s.fifo);
	if (s.lock_fd >= 0)
		close(s.lock_fd);
out:
	segmap_gate_destroy(&s.gate);
	return status;
}
