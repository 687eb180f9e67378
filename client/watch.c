/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* watch.c - wait for the segment to change: a read-only map of its
 * header and FUTEX_WAIT on the generation word.  No polling of the
 * state; once a second of sleep, a check that the daemon still exists
 * (a stopped or killed daemon never wakes its waiters). */
#include "usec.h"
#include "ctl.h"

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "futex.h"

#define WATCH_CHECK_USEC 1000000ULL  /* liveness check per second of sleep */
#define WATCH_GRACE_USEC 3000000ULL  /* for a restarted daemon to appear */

/* Map the segment; quiet: returns 0 or -errno and a message in err. */
static int attach(struct ctl *ctl, struct watch *w, char *err, size_t errlen)
{
	struct stat sb;
	void *p;
	int fd, e;

	w->h = NULL;
	w->name = ctl->cfg.shm_name;
	fd = shm_open(ctl->cfg.shm_name, O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0) {
		e = errno;
		snprintf(err, errlen, "cannot open the segment %s: %s", ctl->cfg.shm_name,
			 strerror(e));
		return -e;
	}
	if (fstat(fd, &sb) < 0 || (size_t)sb.st_size < sizeof(struct seg_header)) {
		close(fd);
		snprintf(err, errlen, "%s is not an ipcmond segment", ctl->cfg.shm_name);
		return -EPROTO;
	}
	w->dev = sb.st_dev;
	w->ino = sb.st_ino;
	/* The header only: the generation word never moves. */
	w->mapped = sizeof(struct seg_header);
	p = mmap(NULL, w->mapped, PROT_READ, MAP_SHARED, fd, 0);
	e = errno;
	close(fd);
	if (p == MAP_FAILED) {
		snprintf(err, errlen, "cannot map the segment %s: %s", ctl->cfg.shm_name,
			 strerror(e));
		return -e;
	}
	w->h = p;
	if (w->h->magic != SEG_MAGIC) {
		snprintf(err, errlen, "%s is not an ipcmond segment", ctl->cfg.shm_name);
		watch_close(w);
		return -EPROTO;
	}
	return 0;
}

int watch_open(struct ctl *ctl, struct watch *w)
{
	char err[640];
	int r = attach(ctl, w, err, sizeof(err));

	if (r < 0)
		warnx("%s", err);
	return r;
}

/* The daemon that made the mapped segment is still there: the name
 * still names that object, and its pid is alive. */
static bool daemon_there(const struct watch *w)
{
	struct stat sb;
	int fd, r;
	pid_t pid;

	fd = shm_open(w->name, O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return errno != ENOENT;
	r = fstat(fd, &sb);
	close(fd);
	if (r == 0 && (sb.st_dev != w->dev || sb.st_ino != w->ino))
		return false;
	pid = atomic_load_explicit((_Atomic int32_t *)&w->h->daemon_pid, memory_order_relaxed);
	return pid <= 0 || kill(pid, 0) == 0 || errno != ESRCH;
}

/* The first dump is in and the dispatcher answers. */
static bool daemon_ready(const struct watch *w)
{
	uint32_t state = atomic_load_explicit((_Atomic uint32_t *)&w->h->state,
					      memory_order_acquire);

	return state == SEG_STATE_READY || state == SEG_STATE_RESYNCING;
}

uint32_t watch_generation(const struct watch *w)
{
	return atomic_load_explicit((_Atomic uint32_t *)&w->h->generation,
				    memory_order_acquire);
}

int watch_wait(const struct watch *w, uint32_t seen, uint64_t deadline)
{
	struct timespec ts;
	uint64_t now, slice;
	int r;

	for (;;) {
		now = usec_mono();
		if (deadline && now >= deadline)
			return -ETIMEDOUT;
		slice = WATCH_CHECK_USEC;
		if (deadline && deadline - now < slice)
			slice = deadline - now;
		ts.tv_sec = (time_t)(slice / 1000000);
		ts.tv_nsec = (long)(slice % 1000000) * 1000;
		r = futex_wait_change(&w->h->generation, seen, &ts);
		if (r == 0 && atomic_load_explicit((_Atomic uint32_t *)&w->h->state,
						   memory_order_acquire) == SEG_STATE_STOPPED)
			return -ESTALE; /* woken by a clean stop */
		if (r == 0)
			return 0;
		if (r == -ETIMEDOUT && !daemon_there(w))
			return -ESTALE;
	}
}

int watch_reattach(struct ctl *ctl, struct watch *w, uint64_t deadline)
{
	uint64_t until = usec_mono() + WATCH_GRACE_USEC;
	struct timespec ts = { .tv_nsec = 100 * 1000000L };
	char err[640] = "";

	watch_close(w);
	ctl->qid = -1; /* a new daemon has a new queue */
	if (deadline && deadline < until)
		until = deadline;
	/* A restart takes a moment; a few tries, not a loop on the state.
	 * The new daemon is back once its segment says READY: it makes the
	 * segment before its queue, and answers queries only after both. */
	while (attach(ctl, w, err, sizeof(err)) < 0 || !daemon_there(w) || !daemon_ready(w)) {
		if (w->h && !err[0] && daemon_there(w))
			snprintf(err, sizeof(err), "a new ipcmond is not ready yet");
		watch_close(w);
		if (usec_mono() >= until) {
			warnx("ipcmond went away (%s; %s)", err[0] ? err : "its process is gone",
			      "try 'systemctl status ipcmond'");
			return EXIT_UNREACHABLE;
		}
		err[0] = '\0';
		nanosleep(&ts, NULL);
	}
	return EXIT_OK;
}

void watch_close(struct watch *w)
{
	if (w->h)
		munmap((void *)w->h, w->mapped);
	w->h = NULL;
}
