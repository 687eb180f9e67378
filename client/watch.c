/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* watch.c - the segment, read without the daemon: a read-only map
 * (common/segview.h), FUTEX_WAIT on the generation word, and once a
 * second of sleep a check that the daemon is still there (a stopped or
 * killed daemon never wakes its waiters).  No polling of the state, no
 * query per wake-up: a thousand watchers cost the daemon nothing. */
#include "ctl.h"

#include <err.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "futex.h"
#include "usec.h"

#define WATCH_CHECK_USEC USEC_PER_SEC      /* liveness check per second of sleep */
#define WATCH_GRACE_USEC (3 * USEC_PER_SEC) /* for a restarted daemon to appear */
#define WATCH_START_MAX_USEC (120 * USEC_PER_SEC) /* and to become ready (no deadline) */

/* Map the segment; quiet: returns 0 or -errno with a message in err. */
static int attach(struct ctl *ctl, struct watch *w, char *err, size_t errlen)
{
	const char *name = ctl->cfg.shm_name;
	int r = segview_open(&w->v, name);

	switch (r) {
	case 0:
		return 0;
	case -ENOENT:
		snprintf(err, errlen, "no segment %s (%s)", name, ctl_hint(ctl));
		break;
	case -EACCES:
		snprintf(err, errlen, "segment %s: %s (its mode is shm_mode in ipcmond.conf(5))",
			 name, strerror(-r));
		break;
	case -EPROTONOSUPPORT:
		snprintf(err, errlen, "segment %s has ABI version %u, this ipcmonctl reads "
			 "version %u: use the ipcmonctl of the running ipcmond, or restart "
			 "ipcmond after an upgrade", name, w->v.abi, SEG_ABI_VERSION);
		break;
	case -EPROTO:
		snprintf(err, errlen, "%s is not an ipcmond segment", name);
		break;
	default:
		snprintf(err, errlen, "segment %s: %s", name, strerror(-r));
	}
	return r;
}

/* The daemon that made the mapped segment is still there: the name
 * still names that object, and its pid is alive. */
static bool daemon_there(const struct watch *w)
{
	pid_t pid;

	if (!segview_current(&w->v))
		return false;
	pid = __atomic_load_n(&w->v.h->daemon_pid, __ATOMIC_RELAXED);
	return pid <= 0 || kill(pid, 0) == 0 || errno != ESRCH;
}

int watch_open(struct ctl *ctl, struct watch *w)
{
	char err[640];
	int r = attach(ctl, w, err, sizeof(err));

	if (r < 0) {
		warnx("cannot reach ipcmond: %s", err);
		return r == -ENOENT ? EXIT_UNREACHABLE : EXIT_FAIL;
	}
	if (!daemon_there(w)) {
		warnx("cannot reach ipcmond: the daemon of segment %s is gone (%s)",
		      ctl->cfg.shm_name, ctl_hint(ctl));
		watch_close(w);
		return EXIT_UNREACHABLE;
	}
	return EXIT_OK;
}

uint32_t watch_state(const struct watch *w)
{
	return __atomic_load_n(&w->v.h->state, __ATOMIC_ACQUIRE);
}

/* The first dump is in (the tables are the kernel's). */
static bool daemon_ready(const struct watch *w)
{
	uint32_t state = watch_state(w);

	return state == SEG_STATE_READY || state == SEG_STATE_RESYNCING;
}

bool watch_ready(const struct watch *w)
{
	return daemon_ready(w);
}

uint32_t watch_generation(const struct watch *w)
{
	return seg_generation(w->v.h);
}

int watch_wait(const struct watch *w, uint32_t seen, uint64_t deadline)
{
	struct timespec ts;
	uint64_t now, slice;
	int r;

	for (;;) {
		if (watch_state(w) == SEG_STATE_STOPPED)
			return -ESTALE; /* a clean stop */
		now = usec_mono();
		if (deadline && now >= deadline)
			return -ETIMEDOUT;
		slice = WATCH_CHECK_USEC;
		if (deadline && deadline - now < slice)
			slice = deadline - now;
		ts = usec_to_timespec(slice);
		r = futex_wait_change(&w->v.h->generation, seen, &ts);
		if (r == 0)
			return watch_state(w) == SEG_STATE_STOPPED ? -ESTALE : 0;
		if (r == -ETIMEDOUT && !daemon_there(w))
			return -ESTALE;
	}
}

int watch_reattach(struct ctl *ctl, struct watch *w, uint64_t deadline)
{
	uint64_t now = usec_mono(), until = now + WATCH_GRACE_USEC;
	uint64_t cap = deadline ? deadline : now + WATCH_START_MAX_USEC;
	struct timespec ts = { .tv_nsec = 100 * 1000000L };
	char err[640] = "";

	watch_close(w);
	ctl->qid = -1; /* a new daemon has a new queue */
	if (until > cap)
		until = cap;
	/* No successor within the grace: gone for good.  A successor that
	 * is there but not ready yet (its first dump can take seconds) is
	 * waited for, up to the caller's deadline. */
	for (;;) {
		/* (A segment that says STOPPED is the old one, not yet
		 * removed: no successor.) */
		if (attach(ctl, w, err, sizeof(err)) == 0 && daemon_there(w) &&
		    watch_state(w) != SEG_STATE_STOPPED) {
			if (daemon_ready(w))
				return EXIT_OK;
			snprintf(err, sizeof(err), "a new ipcmond is not ready yet");
			until = cap;
		}
		watch_close(w);
		if (usec_mono() >= until) {
			warnx("ipcmond went away (%s; %s)", err[0] ? err : "its process is gone",
			      ctl_hint(ctl));
			return EXIT_UNREACHABLE;
		}
		err[0] = '\0';
		nanosleep(&ts, NULL);
	}
}

void watch_close(struct watch *w)
{
	if (w->v.h)
		segview_close(&w->v);
	w->v.h = NULL;
}
