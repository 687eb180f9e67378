/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* supervisor.c - the parent: IPC objects, the collector, systemd.
 *
 * One sd-event loop.  Signals arrive as events (SIGTERM/SIGINT stop,
 * SIGHUP reloads, SIGCHLD reaps the collector); the collector's frames
 * arrive on the socketpair; timers ping the collector, restart it with
 * back-off, keep STATUS= current and feed the watchdog.  Handlers flip
 * state and hand work out; nothing here blocks on the outside world
 * except the short, bounded semaphore waits documented below.
 */
#include "usec.h"
#include "supervisor.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <semaphore.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#endif

#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>

#include "collector.h"
#include "dispatcher.h"
#include "fifolog.h"
#include "frame.h"
#include "futex.h"
#include "lockfile.h"
#include "log.h"
#include "segmap.h"
#include "segment.h"
#include "status.h"


/* First capacities of the segment's tables; they double when full. */
#define SEG_INITIAL_LINKS 256
#define SEG_INITIAL_ADDRS 1024

#define RESTART_BACKOFF_MIN (100 * USEC_PER_MSEC)
#define RESTART_BACKOFF_MAX (10 * USEC_PER_SEC)
/* A collector that ran this long is healthy: the back-off starts over. */
#define RESTART_HEALTHY (30 * USEC_PER_SEC)
/* After SHUTDOWN, how long the collector has before SIGKILL. */
#define STOP_GRACE (3 * USEC_PER_SEC)
/* Longest the main loop waits for the semaphore to read missed events. */
#define RING_READ_TIMEOUT (200 * USEC_PER_MSEC)
/* Socketpair buffer: room for bursts of events between two loop turns. */
#define SOCKPAIR_BUF (4 << 20)

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
	struct fifolog *fifo;
	struct dispatcher *disp;
	struct daemon_status st;

	/* the collector */
	pid_t cpid;
	int csock;
	sd_event_source *csock_src;
	sd_event_source *cchild_src;
	sd_event_source *restart_src;
	sd_event_source *ping_src;
	sd_event_source *kill_src;
	uint64_t cstart;             /* CLOCK_MONOTONIC */
	uint64_t backoff;
	uint64_t ping_cookie;        /* last sent */
	uint64_t ping_sent;          /* CLOCK_MONOTONIC, 0 when answered */
	uint64_t last_seq;           /* last event seq written to the FIFO */
	uint64_t bad_frames;

	/* systemd */
	bool ready_sent;
	bool stopping;
	sd_event_source *status_src;
	sd_event_source *watchdog_src;
	sd_event_source *fifo_src;
	uint64_t watchdog_usec;
	uint64_t watchdog_beat;
	char status_text[256];
};

static int collector_start(struct supervisor *s);

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

	{
		mode_t old = umask(0);

		s->sem = sem_open(s->cfg.sem_name, O_CREAT | O_EXCL, s->cfg.sem_mode, 1);
		umask(old);
	}
	if (s->sem == SEM_FAILED) {
		s->sem = NULL;
		log_warn("semaphore %s", s->cfg.sem_name);
		return -1;
	}
	s->sem_created = true;
	s->map.sem = s->sem;
	return 0;
}

static void segment_destroy(struct supervisor *s)
{
	if (s->map.h && s->shm_created) {
		/* Waiting clients learn of the stop at once, not at their
		 * next liveness check. */
		s->map.h->state = SEG_STATE_STOPPED;
		seg_bump(s->map.h);
		futex_wake_all(&s->map.h->generation);
	}
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

/* The collector died: if it held the semaphore, give it back, with the
 * dispatcher kept out while we look (see segmap_release_dead). */
static void semaphore_repair(struct supervisor *s, pid_t dead)
{
	int r;

	dispatcher_pause(s->disp);
	r = segmap_release_dead(&s->map);
	dispatcher_resume(s->disp);
	if (r > 0)
		log_warnx("collector (pid %ld) died holding semaphore %s; released it",
			  (long)dead, s->cfg.sem_name);
	else if (r < 0)
		log_warnx("semaphore %s: %s", s->cfg.sem_name, strerror(-r));
}

/* -------------------------------------------------------------------- */
/* systemd                                                              */

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
	if (strcmp(text, s->status_text) != 0) {
		memcpy(s->status_text, text, sizeof(text));
		sd_notifyf(0, "STATUS=%s", text);
	}
}

static int on_status_timer(sd_event_source *src, uint64_t usec, void *userdata)
{
	struct supervisor *s = userdata;

	status_update(s);
	return sd_event_source_set_time(src, usec + USEC_PER_SEC);
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

static void notify_ready(struct supervisor *s)
{
	if (s->ready_sent)
		return;
	s->ready_sent = true;
	status_update(s);
	sd_notifyf(0, "READY=1\nSTATUS=%s", s->status_text);
}

/* -------------------------------------------------------------------- */
/* frames from the collector                                            */

static int collector_send(struct supervisor *s, enum frame_type type,
			  const void *payload, size_t len)
{
	if (s->csock < 0)
		return -ENOTCONN;
	return frame_send(s->csock, type, payload, len);
}

/* Every event goes to the FIFO and, for the journal, to stderr: the
 * event model's level, source and message (common/event.h). */
static void event_write(struct supervisor *s, const struct seg_event *ev)
{
	char msg[EVENT_MSG_MAX];

	event_message(ev, msg, sizeof(msg));
	log_stderr((int)event_level(ev), event_source(ev), msg);
	fifolog_event(s->fifo, ev);
	atomic_store(&s->st.fifo_dropped, fifolog_dropped(s->fifo));
	s->last_seq = ev->seq;
}

/* Events the socketpair could not carry are still in the ring: write
 * them from there, in order, before ev.  What the ring no longer holds
 * is reported, never skipped silently. */
static void event_catch_up(struct supervisor *s, uint64_t upto)
{
	struct seg_event ev;
	uint64_t seq, lost = 0, first;
	int r;

	r = segmap_lock(&s->map, RING_READ_TIMEOUT);
	if (r < 0) {
		log_warnx("events %" PRIu64 "..%" PRIu64 " missed, ring unreadable: %s",
			  s->last_seq + 1, upto, strerror(-r));
		s->last_seq = upto;
		return;
	}
	first = seg_event_first_seq(s->map.h);
	for (seq = s->last_seq + 1; seq <= upto; seq++) {
		if (seq < first || seg_event_read(s->map.h, seq, &ev) < 0) {
			lost++;
			continue;
		}
		segmap_unlock(&s->map);
		event_write(s, &ev);
		if (segmap_lock(&s->map, RING_READ_TIMEOUT) < 0) {
			lost += upto - seq;
			s->last_seq = upto;
			goto out;
		}
		first = seg_event_first_seq(s->map.h);
	}
	segmap_unlock(&s->map);
out:
	if (lost)
		log_warnx("%" PRIu64 " events were overwritten in the ring before they "
			  "could be written to the log (raise event_ring)", lost);
	s->last_seq = upto;
}

static void handle_event(struct supervisor *s, const struct seg_event *ev)
{
	/* Sequence numbers live in the segment, so they keep counting up
	 * across collector restarts: anything at or below last_seq was
	 * already written (through catch-up). */
	if (ev->seq <= s->last_seq)
		return;
	if (ev->seq > s->last_seq + 1)
		event_catch_up(s, ev->seq - 1);
	event_write(s, ev);
}

static void handle_frame(struct supervisor *s, const struct frame_hdr *h,
			 const void *p)
{
	switch (h->type) {
	case FRAME_READY: {
		const struct frame_ready *r = p;

		log_info("collector ready: %" PRIu32 " links, %" PRIu32
			 " addresses (first dump took %" PRIu64 " ms)",
			 r->links, r->addrs, r->dump_usec / USEC_PER_MSEC);
		atomic_store(&s->st.degraded, DEGRADED_NONE);
		notify_ready(s);
		break;
	}
	case FRAME_EVENT: {
		struct seg_event ev;

		memcpy(&ev, p, sizeof(ev)); /* p is not aligned for the struct */
		ev.ifname[SEG_IFNAMSIZ - 1] = '\0';
		ev.text[SEG_EVENT_TEXT - 1] = '\0';
		handle_event(s, &ev);
		break;
	}
	case FRAME_LOG: {
		char msg[FRAME_MAX];
		size_t n = h->len - sizeof(struct frame_log);
		uint8_t prio;

		memcpy(&prio, p, 1);
		memcpy(msg, (const char *)p + sizeof(struct frame_log), n);
		msg[n] = '\0';
		if (prio < LOGLEVEL_ERR || prio > LOGLEVEL_DEBUG)
			prio = LOGLEVEL_WARNING;
		log_record(prio, "collector", msg);
		break;
	}
	case FRAME_STATS: {
		struct frame_stats st;

		memcpy(&st, p, sizeof(st));
		log_debug("collector stats: %" PRIu64 " netlink messages, %" PRIu64
			  " resyncs, %" PRIu64 " event frames dropped, rcvbuf %" PRIu32,
			  st.netlink_events, st.resyncs, st.events_dropped, st.rcvbuf);
		break;
	}
	case FRAME_PONG: {
		struct frame_ping pong;

		memcpy(&pong, p, sizeof(pong));
		if (pong.cookie == s->ping_cookie) {
			s->ping_sent = 0;
			if (atomic_load(&s->st.degraded) == DEGRADED_COLLECTOR_HUNG)
				atomic_store(&s->st.degraded, DEGRADED_NONE);
		}
		break;
	}
	default:
		/* A parent-to-collector type from the collector. */
		s->bad_frames++;
		log_warnx("collector sent a %s frame, which only the parent sends; ignoring",
			  frame_type_name(h->type));
	}
}

static int on_collector_io(sd_event_source *src, int fd, uint32_t revents,
			   void *userdata)
{
	struct supervisor *s = userdata;

	/* A bounded batch per turn, so the loop stays responsive; what is
	 * left keeps the fd readable for the next turn. */
	for (int i = 0; i < 256; i++) {
		union {
			char buf[FRAME_MAX];
			uint64_t align;
		} u;
		const struct frame_hdr *h;
		const void *p;
		ssize_t n = recv(fd, u.buf, sizeof(u.buf), MSG_DONTWAIT | MSG_TRUNC);

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return 0;
			if (errno != ECONNRESET) /* a killed collector: reaped below */
				log_warn("collector socket");
			goto gone;
		}
		if (n == 0)
			goto gone; /* EOF: the child handler reaps and restarts */
		if (frame_unpack(u.buf, (size_t)n, &h, &p) < 0) {
			s->bad_frames++;
			log_warnx("bad frame from the collector (%zd bytes), ignoring", n);
			continue;
		}
		handle_frame(s, h, p);
	}
	return 0;
gone:
	/* Stop watching until the collector is reaped. */
	sd_event_source_set_enabled(src, SD_EVENT_OFF);
	return 0;
}

/* -------------------------------------------------------------------- */
/* the collector's life                                                 */

static void collector_forget(struct supervisor *s)
{
	s->csock_src = sd_event_source_disable_unref(s->csock_src);
	s->cchild_src = sd_event_source_disable_unref(s->cchild_src);
	s->kill_src = sd_event_source_disable_unref(s->kill_src);
	if (s->csock >= 0)
		close(s->csock);
	s->csock = -1;
	s->cpid = 0;
	s->ping_sent = 0;
	atomic_store(&s->st.collector_pid, 0);
}

static int on_restart_timer(sd_event_source *src, uint64_t usec, void *userdata)
{
	struct supervisor *s = userdata;

	s->restart_src = sd_event_source_disable_unref(s->restart_src);
	if (!s->stopping && collector_start(s) < 0)
		return sd_event_exit(s->event, 1);
	return 0;
}

static int on_collector_exit(sd_event_source *src, const siginfo_t *si,
			     void *userdata)
{
	struct supervisor *s = userdata;
	pid_t pid = si->si_pid;
	uint64_t ran = usec_mono() - s->cstart;
	int r;

	if (si->si_code == CLD_EXITED && s->stopping && si->si_status == 0)
		log_info("collector (pid %ld) exited", (long)pid);
	else if (si->si_code == CLD_EXITED)
		log_warnx("collector (pid %ld) exited with status %d", (long)pid, si->si_status);
	else
		log_warnx("collector (pid %ld) killed by signal %s%s", (long)pid,
			  strsignal(si->si_status), si->si_code == CLD_DUMPED ? " (core dumped)" : "");
	collector_forget(s);
	semaphore_repair(s, pid);
	if (s->stopping)
		return sd_event_exit(s->event, 0);

	atomic_store(&s->st.degraded, DEGRADED_COLLECTOR_DOWN);
	atomic_fetch_add(&s->st.collector_restarts, 1);
	if (ran >= RESTART_HEALTHY)
		s->backoff = RESTART_BACKOFF_MIN;
	log_notice("restarting the collector in %" PRIu64 " ms", s->backoff / USEC_PER_MSEC);
	r = sd_event_add_time_relative(s->event, &s->restart_src, CLOCK_MONOTONIC,
				       s->backoff, 0, on_restart_timer, s);
	s->backoff = s->backoff * 2 > RESTART_BACKOFF_MAX ? RESTART_BACKOFF_MAX : s->backoff * 2;
	status_update(s);
	return r < 0 ? sd_event_exit(s->event, 1) : 0;
}

static int on_ping_timer(sd_event_source *src, uint64_t usec, void *userdata)
{
	struct supervisor *s = userdata;
	uint64_t now = usec_mono();

	if (s->cpid > 0 && !s->stopping) {
		if (s->ping_sent && now - s->ping_sent >= s->cfg.collector_timeout_usec) {
			log_warnx("collector (pid %ld) has not answered a ping for %" PRIu64
				  " ms; killing it", (long)s->cpid,
				  (now - s->ping_sent) / USEC_PER_MSEC);
			atomic_store(&s->st.degraded, DEGRADED_COLLECTOR_HUNG);
			kill(s->cpid, SIGKILL);
			s->ping_sent = 0;
		} else if (!s->ping_sent) {
			struct frame_ping ping = { ++s->ping_cookie };

			if (collector_send(s, FRAME_PING, &ping, sizeof(ping)) == 0)
				s->ping_sent = now;
		}
	}
	return sd_event_source_set_time(src, usec + s->cfg.collector_timeout_usec / 4);
}

/* The collector ends with _exit (the parent's atexit handlers and stdio
 * buffers are not the child's), which would skip LeakSanitizer's check at
 * exit: in sanitizer builds, run it first. */
static void collector_exit(int status)
{
#ifdef __SANITIZE_ADDRESS__
	__lsan_do_leak_check();
#endif
	_exit(status);
}

/* In the child: keep only fds 0-2 and those in keep[] (ascending). */
static void close_other_fds(const int *keep, size_t n)
{
	unsigned from = 3;

	for (size_t i = 0; i < n; i++) {
		if ((unsigned)keep[i] > from)
			close_range(from, (unsigned)keep[i] - 1, 0);
		from = (unsigned)keep[i] + 1;
	}
	close_range(from, ~0u, 0);
}

static int collector_start(struct supervisor *s)
{
	int sv[2], r, size = SOCKPAIR_BUF;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		log_warn("socketpair");
		return -1;
	}
	for (int i = 0; i < 2; i++) {
		setsockopt(sv[i], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
		setsockopt(sv[i], SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	}
	pid = fork();
	if (pid < 0) {
		log_warn("fork");
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		struct collector_args a = { &s->cfg, sv[1], s->shm_fd, s->sem };
		int keep[2] = { sv[1] < s->shm_fd ? sv[1] : s->shm_fd,
				sv[1] < s->shm_fd ? s->shm_fd : sv[1] };

		/* Nothing of the parent's may act in the child: not its log
		 * sink (the FIFO), not its fds (the lock, the FIFO, the
		 * loop), not its notify socket. */
		log_set_sink(NULL, NULL, true);
		close_other_fds(keep, 2);
		unsetenv("NOTIFY_SOCKET");
		unsetenv("WATCHDOG_USEC");
		unsetenv("WATCHDOG_PID");
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != s->st.pid)
			_exit(1); /* the parent died before prctl */
		collector_exit(collector_main(&a));
	}
	close(sv[1]);
	s->csock = sv[0];
	s->cpid = pid;
	s->cstart = usec_mono();
	s->ping_sent = 0;
	atomic_store(&s->st.collector_pid, pid);
	log_info("collector started, pid %ld", (long)pid);

	r = sd_event_add_io(s->event, &s->csock_src, s->csock, EPOLLIN, on_collector_io, s);
	if (r >= 0)
		r = sd_event_add_child(s->event, &s->cchild_src, pid, WEXITED,
				       on_collector_exit, s);
	if (r < 0) {
		log_err("watch the collector: %s", strerror(-r));
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		collector_forget(s);
		return -1;
	}
	return 0;
}

/* -------------------------------------------------------------------- */
/* signals                                                              */

static int on_kill_timer(sd_event_source *src, uint64_t usec, void *userdata)
{
	struct supervisor *s = userdata;

	if (s->cpid > 0) {
		log_warnx("collector (pid %ld) did not stop within %" PRIu64 " s; killing it",
			  (long)s->cpid, STOP_GRACE / USEC_PER_SEC);
		kill(s->cpid, SIGKILL);
	}
	return 0;
}

static int on_stop_signal(sd_event_source *src, const struct signalfd_siginfo *si,
			  void *userdata)
{
	struct supervisor *s = userdata;

	if (s->stopping)
		return 0;
	s->stopping = true;
	log_info("received %s, stopping", strsignal((int)si->ssi_signo));
	sd_notify(0, "STOPPING=1");
	s->restart_src = sd_event_source_disable_unref(s->restart_src);
	if (s->cpid <= 0)
		return sd_event_exit(s->event, 0);
	if (collector_send(s, FRAME_SHUTDOWN, NULL, 0) < 0)
		kill(s->cpid, SIGTERM);
	return sd_event_add_time_relative(s->event, &s->kill_src, CLOCK_MONOTONIC,
					  STOP_GRACE, 0, on_kill_timer, s);
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
		collector_send(s, FRAME_SET_LOG_LEVEL, &lv, sizeof(lv));
		log_info("reloaded: log level %s, fifo format %s",
			 config_loglevel_name(next.log_level),
			 next.fifo_format == FIFO_FORMAT_JSON ? "json" : "text");
	}
	/* A reload also asks the collector to check it missed nothing. */
	collector_send(s, FRAME_RESYNC, NULL, 0);
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

	r = sd_event_add_time_relative(s->event, &s->ping_src, CLOCK_MONOTONIC,
				       s->cfg.collector_timeout_usec / 4, 0, on_ping_timer, s);
	if (r >= 0)
		r = sd_event_source_set_enabled(s->ping_src, SD_EVENT_ON);
	if (r >= 0)
		r = sd_event_add_time_relative(s->event, &s->status_src, CLOCK_MONOTONIC,
					       USEC_PER_SEC, 0, on_status_timer, s);
	if (r >= 0)
		r = sd_event_source_set_enabled(s->status_src, SD_EVENT_ON);
	if (r >= 0 && sd_watchdog_enabled(false, &s->watchdog_usec) > 0) {
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
				.lock_fd = -1, .shm_fd = -1, .csock = -1,
				.backoff = RESTART_BACKOFF_MIN };
	char err[512];
	pid_t holder;
	int r, status = 1;

	s.st.pid = getpid();
	r = lockfile_acquire(c->lock_path, &holder);
	if (r == -EWOULDBLOCK) {
		log_err("another ipcmond (pid %ld) already runs with lock file %s",
			(long)holder, c->lock_path);
		return 1;
	}
	if (r < 0) {
		log_err("lock file %s: %s", c->lock_path, strerror(-r));
		return 1;
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
	r = dispatcher_start(&s.disp, &s.cfg, s.shm_fd, s.sem, &s.st);
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
	if (collector_start(&s) < 0)
		goto fail;
	r = sd_event_loop(s.event);
	if (r < 0) {
		log_err("event loop: %s", strerror(-r));
		goto fail;
	}
	status = r;
fail:
	if (s.cpid > 0) {
		kill(s.cpid, SIGKILL);
		waitpid(s.cpid, NULL, 0);
		collector_forget(&s);
	}
	dispatcher_stop(s.disp);
	segment_destroy(&s);
	sd_event_source_disable_unref(s.ping_src);
	sd_event_source_disable_unref(s.status_src);
	sd_event_source_disable_unref(s.watchdog_src);
	sd_event_source_disable_unref(s.restart_src);
	sd_event_source_disable_unref(s.fifo_src);
	sd_event_unref(s.event);
	log_info("stopped%s", status ? " (after an error)" : "");
	log_set_sink(NULL, NULL, true);
	fifolog_close(s.fifo);
	if (s.lock_fd >= 0)
		close(s.lock_fd);
	return status;
}
