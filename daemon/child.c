/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* child.c - see child.h.
 *
 * The collector is a program image of its own: between fork and exec
 * the child only calls async-signal-safe functions (the parent has a
 * dispatcher thread, and any lock it held at the fork would stay locked
 * in a child that went on running our code).  What exec needs is made
 * before the fork: the executable's fd, opened at start so that a
 * package upgrade that replaces the file on disk still gives the same
 * image as the parent's; argv; and the environment without systemd's
 * NOTIFY_SOCKET and WATCHDOG_* (only the parent talks to systemd).
 */
#include "child.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "collector_main.h"
#include "log.h"
#include "usec.h"

#define RESTART_BACKOFF_MIN (100 * USEC_PER_MSEC)
#define RESTART_BACKOFF_MAX (10 * USEC_PER_SEC)
/* A collector that ran this long is healthy: the back-off starts over. */
#define RESTART_HEALTHY (30 * USEC_PER_SEC)
/* After SHUTDOWN, how long the collector has before SIGKILL. */
#define STOP_GRACE (3 * USEC_PER_SEC)
/* How long the repair waits for the dispatcher to leave the segment,
 * and then between tries. */
#define REPAIR_WAIT (200 * USEC_PER_MSEC)
#define REPAIR_RETRY (100 * USEC_PER_MSEC)
/* While the collector dumps the kernel's state (its loop busy, pings
 * unanswered), how long it may take: a dump of tens of thousands of
 * links on a loaded machine takes seconds, and killing it would only
 * start the same dump again. */
#define DUMP_BUDGET (60 * USEC_PER_SEC)
/* Socketpair buffer: room for bursts between two loop turns. */
#define SOCKPAIR_BUF (4 << 20)
/* Frames read per loop turn, so that the loop stays responsive. */
#define FRAMES_PER_TURN 256

extern char **environ;

struct child {
	struct child_params p;
	int exe_fd;                 /* our executable (O_PATH), for fexecve */
	char **envp;                /* the collector's environment */
	pid_t self;                 /* the parent's pid */

	pid_t pid;                  /* the running collector, 0 none */
	int sock;
	sd_event_source *io_src;
	sd_event_source *exit_src;
	sd_event_source *restart_src;
	sd_event_source *repair_src;
	sd_event_source *ping_src;
	sd_event_source *kill_src;
	uint64_t started;           /* CLOCK_MONOTONIC */
	uint64_t backoff;
	uint64_t ping_cookie;       /* last sent */
	uint64_t ping_sent;         /* CLOCK_MONOTONIC, 0 when answered */
	uint64_t last_rx;           /* CLOCK_MONOTONIC of the last frame */
	bool hung;                  /* we killed it for not answering */
	bool dumping;               /* between DUMP_BEGIN and DUMP_END */
	bool stopping;
	pid_t dead;                 /* died; semaphore not yet repaired */
	uint64_t bad_frames;
};

static int spawn(struct child *ch);

/* The silence timer: it fires only when the collector has been quiet
 * (no frame: its heartbeat STATS come about once a second) for half the
 * timeout, then pings it; unanswered for the whole timeout, it is hung.
 * A collector that talks is never pinged: no wake-up of either process
 * for liveness alone. */
static void silence_at(struct child *ch, uint64_t at)
{
	if (sd_event_source_set_time(ch->ping_src, at) < 0 ||
	    sd_event_source_set_enabled(ch->ping_src, SD_EVENT_ONESHOT) < 0)
		log_warnx("cannot arm the collector's liveness timer");
}

/* A frame arrived: the collector's loop turns. */
static void heard(struct child *ch)
{
	uint64_t now = usec_mono();

	ch->last_rx = now;
	if (!ch->ping_sent)
		silence_at(ch, now + ch->p.timeout_usec / 2);
}

/* ---- frames from the collector ---- */

static void handle_frame(struct child *ch, const struct frame_hdr *h, const void *p)
{
	switch (h->type) {
	case FRAME_READY: {
		struct frame_ready r;

		memcpy(&r, p, sizeof(r));
		log_info("collector ready: %" PRIu32 " links, %" PRIu32
			 " addresses (first dump took %" PRIu64 " ms)",
			 r.links, r.addrs, r.dump_usec / USEC_PER_MSEC);
		atomic_store(&ch->p.st->degraded, DEGRADED_NONE);
		ch->p.ops->ready(ch->p.userdata, &r);
		ch->p.ops->changed(ch->p.userdata);
		break;
	}
	case FRAME_EVENTS: {
		struct frame_events e;

		memcpy(&e, p, sizeof(e));
		ch->p.ops->events(ch->p.userdata, e.last_seq);
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
		log_debug("collector stats: %" PRIu64 " netlink objects, %" PRIu64
			  " dumps, %" PRIu64 " doorbells dropped, rcvbuf %" PRIu32,
			  st.netlink_events, st.resyncs, st.events_dropped, st.rcvbuf);
		ch->p.ops->heartbeat(ch->p.userdata);
		break;
	}
	case FRAME_DUMP_BEGIN:
		ch->dumping = true;
		break;
	case FRAME_DUMP_END:
		ch->dumping = false;
		/* A ping that waited for the dump is answered next: its
		 * time starts now. */
		if (ch->ping_sent) {
			ch->ping_sent = usec_mono();
			silence_at(ch, ch->ping_sent + ch->p.timeout_usec);
		}
		break;
	case FRAME_PONG: {
		struct frame_ping pong;

		memcpy(&pong, p, sizeof(pong));
		if (pong.cookie == ch->ping_cookie) {
			ch->ping_sent = 0;
			if (atomic_load(&ch->p.st->degraded) == DEGRADED_COLLECTOR_HUNG) {
				atomic_store(&ch->p.st->degraded, DEGRADED_NONE);
				ch->p.ops->changed(ch->p.userdata);
			}
		}
		break;
	}
	default:
		ch->bad_frames++;
		log_warnx("collector sent a %s frame, which only the parent sends; ignoring",
			  frame_type_name(h->type));
	}
}

static int on_io(sd_event_source *src, int fd, uint32_t revents, void *userdata)
{
	struct child *ch = userdata;

	for (int i = 0; i < FRAMES_PER_TURN; i++) {
		union frame_buf u;
		const struct frame_hdr *h;
		const void *p;
		int r = frame_recv(fd, u.buf, &h, &p);

		if (r == -EAGAIN)
			return 0;
		if (r == -EBADMSG) {
			ch->bad_frames++;
			log_warnx("bad frame from the collector, ignoring");
			continue;
		}
		if (r < 0) {
			if (r != -ECONNRESET)
				log_warnx("collector socket: %s", strerror(-r));
			/* Gone: stop watching; the exit handler reaps it. */
			sd_event_source_set_enabled(src, SD_EVENT_OFF);
			return 0;
		}
		handle_frame(ch, h, p);
		if (i == 0)
			heard(ch);
	}
	/* More is queued: the fd stays readable for the next turn. */
	return 0;
}

/* ---- death, repair, restart ---- */

static void forget(struct child *ch)
{
	ch->io_src = sd_event_source_disable_unref(ch->io_src);
	ch->exit_src = sd_event_source_disable_unref(ch->exit_src);
	ch->kill_src = sd_event_source_disable_unref(ch->kill_src);
	if (ch->sock >= 0)
		close(ch->sock);
	ch->sock = -1;
	ch->pid = 0;
	ch->ping_sent = 0;
	ch->dumping = false;
	atomic_store(&ch->p.st->collector_pid, 0);
}

static int on_restart(sd_event_source *src, uint64_t usec, void *userdata)
{
	struct child *ch = userdata;

	ch->restart_src = sd_event_source_disable_unref(ch->restart_src);
	if (!ch->stopping && spawn(ch) < 0)
		ch->p.ops->failed(ch->p.userdata);
	return 0;
}

/* The semaphore is sound again: stop, or start the next collector. */
static void after_repair(struct child *ch)
{
	int r;

	if (ch->stopping) {
		ch->p.ops->stopped(ch->p.userdata);
		return;
	}
	atomic_store(&ch->p.st->degraded, DEGRADED_COLLECTOR_DOWN);
	atomic_fetch_add(&ch->p.st->collector_restarts, 1);
	ch->p.ops->changed(ch->p.userdata);
	ch->p.cfg.restarts++;
	log_notice("restarting the collector in %" PRIu64 " ms", ch->backoff / USEC_PER_MSEC);
	r = sd_event_add_time_relative(ch->p.event, &ch->restart_src, CLOCK_MONOTONIC,
				       ch->backoff, 0, on_restart, ch);
	if (r < 0) {
		log_err("restart timer: %s", strerror(-r));
		ch->p.ops->failed(ch->p.userdata);
	}
	ch->backoff = ch->backoff * 2 > RESTART_BACKOFF_MAX ? RESTART_BACKOFF_MAX : ch->backoff * 2;
}

/* The collector died: if it held the semaphore, give it back, but only
 * once the dispatcher is out of the segment (segmap_repair); while it is
 * not, try again a little later. */
static void repair(struct child *ch);

static int on_repair(sd_event_source *src, uint64_t usec, void *userdata)
{
	struct child *ch = userdata;

	ch->repair_src = sd_event_source_disable_unref(ch->repair_src);
	repair(ch);
	return 0;
}

static void repair(struct child *ch)
{
	int r = segmap_repair(ch->p.map, ch->p.gate, REPAIR_WAIT);

	if (r == -EBUSY) {
		log_debug("semaphore %s: the dispatcher is still reading; repair in %" PRIu64 " ms",
			  ch->p.cfg.sem_name, REPAIR_RETRY / USEC_PER_MSEC);
		if (sd_event_add_time_relative(ch->p.event, &ch->repair_src, CLOCK_MONOTONIC,
					       REPAIR_RETRY, 0, on_repair, ch) >= 0)
			return;
		log_warnx("semaphore %s: cannot arm the repair timer; not repaired",
			  ch->p.cfg.sem_name);
	} else if (r > 0) {
		log_warnx("collector (pid %ld) died holding semaphore %s; released it",
			  (long)ch->dead, ch->p.cfg.sem_name);
	} else if (r < 0) {
		log_warnx("semaphore %s: %s", ch->p.cfg.sem_name, strerror(-r));
	}
	ch->dead = 0;
	after_repair(ch);
}

static int on_collector_exit(sd_event_source *src, const siginfo_t *si, void *userdata)
{
	struct child *ch = userdata;
	char *end = ch->p.cfg.restart_reason;
	size_t len = sizeof(ch->p.cfg.restart_reason);
	pid_t pid = si->si_pid;

	if (ch->hung)
		snprintf(end, len, "collector (pid %ld) did not answer pings for %" PRIu64
			 " ms and was killed", (long)pid, ch->p.timeout_usec / USEC_PER_MSEC);
	else if (si->si_code == CLD_EXITED)
		snprintf(end, len, "collector (pid %ld) exited with status %d", (long)pid,
			 si->si_status);
	else
		snprintf(end, len, "collector (pid %ld) killed by signal %s%s", (long)pid,
			 sigabbrev_np(si->si_status) ?: "?",
			 si->si_code == CLD_DUMPED ? " (core dumped)" : "");
	if (ch->stopping && si->si_code == CLD_EXITED && si->si_status == 0)
		log_info("collector (pid %ld) exited", (long)pid);
	else
		log_warnx("%s", end);
	if (usec_mono() - ch->started >= RESTART_HEALTHY)
		ch->backoff = RESTART_BACKOFF_MIN;
	ch->hung = false;
	ch->dead = pid;
	forget(ch);
	repair(ch);
	return 0;
}

static int on_ping(sd_event_source *src, uint64_t usec, void *userdata)
{
	struct child *ch = userdata;
	uint64_t now = usec_mono();
	uint64_t budget = ch->dumping && DUMP_BUDGET > ch->p.timeout_usec ?
			  DUMP_BUDGET : ch->p.timeout_usec;

	if (ch->pid <= 0 || ch->stopping)
		return 0;
	if (ch->ping_sent && now - ch->ping_sent >= budget) {
		log_warnx("collector (pid %ld) has not answered a ping for %" PRIu64
			  " ms%s; killing it", (long)ch->pid,
			  (now - ch->ping_sent) / USEC_PER_MSEC,
			  ch->dumping ? " (in a dump)" : "");
		atomic_store(&ch->p.st->degraded, DEGRADED_COLLECTOR_HUNG);
		ch->p.ops->changed(ch->p.userdata);
		ch->hung = true;
		kill(ch->pid, SIGKILL);
		ch->ping_sent = 0;
	} else if (ch->ping_sent) {
		silence_at(ch, ch->ping_sent + budget);
	} else if (now - ch->last_rx < ch->p.timeout_usec / 2) {
		silence_at(ch, ch->last_rx + ch->p.timeout_usec / 2);
	} else {
		struct frame_ping ping = { ++ch->ping_cookie };

		if (child_send(ch, FRAME_PING, &ping, sizeof(ping)) == 0)
			ch->ping_sent = now;
		silence_at(ch, now + budget);
	}
	return 0;
}

/* ---- start ---- */

static int spawn(struct child *ch)
{
	static char arg0[] = "ipcmond", arg1[] = COLLECTOR_ARG;
	char *argv[] = { arg0, arg1, NULL };
	int sv[2], r, size = SOCKPAIR_BUF;
	sigset_t none;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		log_warn("socketpair");
		return -1;
	}
	for (int i = 0; i < 2; i++) {
		setsockopt(sv[i], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
		setsockopt(sv[i], SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	}
	sigemptyset(&none);
	pid = fork();
	if (pid < 0) {
		log_warn("fork");
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		/* Async-signal-safe calls only, until exec.  Move the three
		 * fds out of the way first, so that placing one on 3, 4 or 5
		 * cannot close another. */
		int sock = fcntl(sv[1], F_DUPFD, 10);
		int shm = fcntl(ch->p.shm_fd, F_DUPFD, 10);
		int exe = fcntl(ch->exe_fd, F_DUPFD_CLOEXEC, 10);

		if (sock < 0 || shm < 0 || exe < 0 || dup2(sock, COLLECTOR_FD_SOCK) < 0 ||
		    dup2(shm, COLLECTOR_FD_SHM) < 0 || dup3(exe, COLLECTOR_FD_SHM + 1, O_CLOEXEC) < 0)
			_exit(127);
		close_range(COLLECTOR_FD_SHM + 2, ~0u, 0);
		sigprocmask(SIG_SETMASK, &none, NULL);
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != ch->self)
			_exit(1); /* the parent died before prctl */
		fexecve(COLLECTOR_FD_SHM + 1, argv, ch->envp);
		_exit(127);
	}
	close(sv[1]);
	ch->sock = sv[0];
	ch->pid = pid;
	ch->started = usec_mono();
	ch->ping_sent = 0;
	heard(ch); /* the silence clock starts now */
	atomic_store(&ch->p.st->collector_pid, pid);
	log_info("collector started, pid %ld", (long)pid);

	/* The configuration waits in the socket for the collector. */
	r = frame_send(ch->sock, FRAME_CONFIG, &ch->p.cfg, sizeof(ch->p.cfg));
	if (r >= 0)
		r = sd_event_add_io(ch->p.event, &ch->io_src, ch->sock, EPOLLIN, on_io, ch);
	if (r >= 0)
		r = sd_event_add_child(ch->p.event, &ch->exit_src, pid, WEXITED, on_collector_exit, ch);
	if (r < 0) {
		log_err("start the collector: %s", strerror(-r));
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		forget(ch);
		return -1;
	}
	return 0;
}

/* The environment, less what only the parent may use. */
static char **collector_env(void)
{
	static const char *const drop[] = {
		"NOTIFY_SOCKET=", "WATCHDOG_USEC=", "WATCHDOG_PID=",
		"LISTEN_FDS=", "LISTEN_PID=", "LISTEN_FDNAMES=",
	};
	size_t n = 0, k = 0;
	char **env;

	while (environ[n])
		n++;
	env = calloc(n + 1, sizeof(*env));
	if (!env)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		bool keep = true;

		for (size_t d = 0; d < sizeof(drop) / sizeof(drop[0]); d++)
			if (strncmp(environ[i], drop[d], strlen(drop[d])) == 0)
				keep = false;
		if (keep)
			env[k++] = environ[i];
	}
	return env;
}

int child_new(const struct child_params *p, struct child **ret)
{
	struct child *ch = calloc(1, sizeof(*ch));
	int r;

	if (!ch) {
		log_err("out of memory");
		return -ENOMEM;
	}
	ch->p = *p;
	ch->sock = -1;
	ch->exe_fd = -1;
	ch->self = getpid();
	ch->backoff = RESTART_BACKOFF_MIN;
	ch->p.cfg.restarts = 0;
	ch->p.cfg.restart_reason[0] = '\0';
	/* The collector's STATS come at least this often: four per timeout,
	 * so that a live collector is never pinged. */
	ch->p.cfg.heartbeat_usec = p->timeout_usec / 4;
	ch->exe_fd = open("/proc/self/exe", O_PATH | O_CLOEXEC);
	if (ch->exe_fd < 0) {
		r = -errno;
		log_warn("our own executable (/proc/self/exe)");
		goto fail;
	}
	ch->envp = collector_env();
	if (!ch->envp) {
		r = -ENOMEM;
		log_err("out of memory");
		goto fail;
	}
	r = sd_event_add_time(p->event, &ch->ping_src, CLOCK_MONOTONIC, UINT64_MAX, 0,
			      on_ping, ch);
	if (r < 0) {
		log_err("ping timer: %s", strerror(-r));
		goto fail;
	}
	if (spawn(ch) < 0) {
		r = -ECHILD;
		goto fail;
	}
	*ret = ch;
	return 0;
fail:
	child_free(ch);
	return r;
}

int child_send(struct child *ch, enum frame_type type, const void *payload,
	       size_t len)
{
	if (!ch || ch->sock < 0)
		return -ENOTCONN;
	return frame_send(ch->sock, type, payload, len);
}

void child_set_log_level(struct child *ch, int level)
{
	ch->p.cfg.log_level = (uint8_t)level;
}

static int on_kill(sd_event_source *src, uint64_t usec, void *userdata)
{
	struct child *ch = userdata;

	if (ch->pid > 0) {
		log_warnx("collector (pid %ld) did not stop within %" PRIu64 " s; killing it",
			  (long)ch->pid, STOP_GRACE / USEC_PER_SEC);
		kill(ch->pid, SIGKILL);
	}
	return 0;
}

void child_stop(struct child *ch)
{
	if (ch->stopping)
		return;
	ch->stopping = true;
	ch->restart_src = sd_event_source_disable_unref(ch->restart_src);
	if (ch->dead)
		return; /* the repair in progress ends with ops->stopped */
	if (ch->pid <= 0) {
		ch->p.ops->stopped(ch->p.userdata);
		return;
	}
	if (child_send(ch, FRAME_SHUTDOWN, NULL, 0) < 0)
		kill(ch->pid, SIGTERM);
	if (sd_event_add_time_relative(ch->p.event, &ch->kill_src, CLOCK_MONOTONIC,
				       STOP_GRACE, 0, on_kill, ch) < 0)
		kill(ch->pid, SIGKILL);
}

void child_free(struct child *ch)
{
	if (!ch)
		return;
	if (ch->pid > 0) {
		kill(ch->pid, SIGKILL);
		waitpid(ch->pid, NULL, 0);
	}
	forget(ch);
	sd_event_source_disable_unref(ch->restart_src);
	sd_event_source_disable_unref(ch->repair_src);
	sd_event_source_disable_unref(ch->ping_src);
	if (ch->exe_fd >= 0)
		close(ch->exe_fd);
	free(ch->envp);
	free(ch);
}
