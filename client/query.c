/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* query.c - one request, its answer in parts, with a deadline. */
#include "ctl.h"

#include <err.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t alarmed;

static void on_alarm(int sig)
{
	(void)sig;
	alarmed = 1;
}

/* A deadline for blocking msgsnd/msgrcv: SIGALRM without SA_RESTART
 * makes them return EINTR. */
static void deadline_arm(uint64_t usec)
{
	struct sigaction sa = { 0 };
	struct itimerval it = { 0 };

	alarmed = 0;
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	if (usec == 0)
		usec = 1;
	it.it_value.tv_sec = (time_t)(usec / 1000000);
	it.it_value.tv_usec = (suseconds_t)(usec % 1000000);
	setitimer(ITIMER_REAL, &it, NULL);
}

static void deadline_disarm(void)
{
	struct itimerval it = { 0 };

	setitimer(ITIMER_REAL, &it, NULL);
}

const char *ctl_hint(const struct ctl *ctl)
{
	static char buf[CONFIG_INSTANCE_MAX + 64];

	snprintf(buf, sizeof(buf), "is ipcmond running? try 'systemctl status ipcmond%s%s'",
		 ctl->cfg.instance[0] ? "@" : "", ctl->cfg.instance);
	return buf;
}

static int connect_queue(struct ctl *ctl)
{
	struct timespec ts;

	if (ctl->qid >= 0)
		return EXIT_OK;
	ctl->qid = msgget(ctl->cfg.msg_key, 0);
	if (ctl->qid < 0) {
		if (errno == ENOENT)
			warnx("cannot reach ipcmond: no message queue with key 0x%x (%s)",
			      (unsigned)ctl->cfg.msg_key, ctl_hint(ctl));
		else
			warnx("cannot reach ipcmond: message queue with key 0x%x: %s (%s)",
			      (unsigned)ctl->cfg.msg_key, strerror(errno),
			      errno == EACCES ? "ask for the group that may query it" : ctl_hint(ctl));
		return EXIT_UNREACHABLE;
	}
	/* Ids differ from those of an earlier process with our pid, whose
	 * unread replies we drop here and skip by id later. */
	clock_gettime(CLOCK_REALTIME, &ts);
	ctl->next_id = (uint32_t)ts.tv_nsec ^ ((uint32_t)ts.tv_sec << 20);
	while (msgrcv(ctl->qid, &ctl->msg, sizeof(ctl->msg.u), getpid(),
		      IPC_NOWAIT | MSG_NOERROR) >= 0)
		;
	return EXIT_OK;
}

static int timed_out(struct ctl *ctl, const char *what)
{
	warnx("cannot reach ipcmond: no %s on message queue 0x%x within %.1fs (%s)",
	      what, (unsigned)ctl->cfg.msg_key, (double)ctl->timeout_usec / 1e6, ctl_hint(ctl));
	return EXIT_UNREACHABLE;
}

int ctl_query(struct ctl *ctl, struct proto_request *rq, struct proto_asm *a)
{
	return ctl_query_ex(ctl, rq, a, true);
}

int ctl_query_ex(struct ctl *ctl, struct proto_request *rq, struct proto_asm *a,
		 bool print_errors)
{
	struct proto_reply rp;
	const void *payload;
	size_t size;
	ssize_t n;
	int r;

	proto_asm_init(a, 0, rq->hdr.op); /* freeable on every path */
	r = connect_queue(ctl);
	if (r != EXIT_OK)
		return r;
	rq->hdr.id = ctl->next_id++;
	rq->hdr.reply_type = (int32_t)getpid();
	proto_asm_init(a, rq->hdr.id, rq->hdr.op);
	size = proto_pack_request(&ctl->msg, rq);

	deadline_arm(ctl->timeout_usec);
	while (msgsnd(ctl->qid, &ctl->msg, size, 0) < 0) {
		if (errno == EINTR && !alarmed)
			continue;
		deadline_disarm();
		if (errno == EINTR)
			return timed_out(ctl, "room for a request");
		warnx("cannot reach ipcmond: sending to message queue 0x%x: %s (%s)",
		      (unsigned)ctl->cfg.msg_key, strerror(errno), ctl_hint(ctl));
		return EXIT_UNREACHABLE;
	}
	for (;;) {
		n = msgrcv(ctl->qid, &ctl->msg, sizeof(ctl->msg.u), getpid(), MSG_NOERROR);
		if (n < 0) {
			if (errno == EINTR && !alarmed)
				continue;
			deadline_disarm();
			if (errno == EINTR)
				return timed_out(ctl, a->received ? "complete answer" : "answer");
			warnx("cannot reach ipcmond: receiving from message queue 0x%x: %s (%s)",
			      (unsigned)ctl->cfg.msg_key, strerror(errno), ctl_hint(ctl));
			return EXIT_UNREACHABLE;
		}
		r = proto_unpack_reply(&ctl->msg, (size_t)n, &rp, &payload);
		if (r == -EPROTONOSUPPORT) {
			deadline_disarm();
			warnx("ipcmond speaks protocol version %u, this ipcmonctl %d",
			      ctl->msg.u.hdr.version, PROTO_VERSION);
			return EXIT_FAIL;
		}
		if (r < 0)
			continue; /* not a reply of ours: someone else's junk */
		r = proto_asm_add(a, &rp, payload);
		if (r == -ESTALE || r == -EALREADY)
			continue;
		if (r < 0) {
			deadline_disarm();
			warnx("garbled answer from ipcmond (part %u): %s", rp.part, strerror(-r));
			return EXIT_FAIL;
		}
		if (r == 1)
			break;
	}
	deadline_disarm();
	if (a->status) {
		if (print_errors)
			warnx("%s", a->buf);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

int ctl_parse_timeout(const char *s, uint64_t *ret)
{
	char *end;
	double v;

	if (strcmp(s, "infinity") == 0) {
		*ret = UINT64_MAX;
		return 0;
	}
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v < 0 || v > 1e9)
		return -EINVAL;
	if (strcmp(end, "ms") == 0)
		v /= 1000;
	else if (strcmp(end, "min") == 0)
		v *= 60;
	else if (*end && strcmp(end, "s") != 0)
		return -EINVAL;
	*ret = (uint64_t)(v * 1e6);
	return 0;
}
