/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* dispatcher.c - see dispatcher.h.
 *
 * One thread, blocked in msgrcv() for requests (mtype 1).  It wakes on a
 * request, on a thread-directed signal (dispatcher_poke: the parent's
 * tick when there is work, the watchdog; the short re-check timer while a
 * send is blocked) or when the queue is removed (dispatcher_stop).  Idle,
 * it never wakes by itself.
 *
 * Nothing outside the daemon can hold it for long:
 * - replies are sent without blocking; when the queue is full the thread
 *   first removes messages addressed to processes that no longer exist
 *   (sweep), then waits for room at most reply_timeout, re-checking every
 *   RECHECK_USEC that the client still exists; then it gives that client
 *   up and removes its leftover messages;
 * - a malformed request is answered with an error when its header names a
 *   live process to answer, else dropped; both are counted, and logged at
 *   most BADLOG_BURST lines per BADLOG_WINDOW plus a summary;
 * - the parent's tick looks at the queue (IPC_STAT) and has the thread
 *   sweep it when it is half full, so that junk sent to dead pids cannot
 *   lock every client out even when no request can get in.
 */
#include "dispatcher.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <net/if.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "answer.h"
#include "log.h"
#include "segmap.h"
#include "usec.h"

#define WAKE_SIGNAL (SIGRTMIN + 4)
#define HOUSEKEEP_USEC 1000000ULL   /* queue check, beat, log summary */
#define RECHECK_USEC 50000ULL       /* while a send waits for room */
#define SEGLOCK_USEC 500000ULL      /* longest wait for the semaphore */
#define GATE_WAIT_USEC 1000000ULL   /* a request waits this for the repair */
#define BADLOG_BURST 5
#define BADLOG_WINDOW_USEC 10000000ULL
#define PENALTY_USEC 10000000ULL    /* no waiting for a given-up client */
#define PENALTY_SLOTS 16
#define QBYTES_WANT (1u << 20)      /* with the privilege to raise it */
#define SWEEP_MAX 65536             /* messages taken out per sweep */
#define SWEEP_SCAN 4096             /* messages looked at per sweep */

struct penalty {
	long type;
	uint64_t until;
};

struct dispatcher {
	struct config cfg;
	struct daemon_status *st;
	int shm_fd;
	sem_t *sem;
	struct segmap map;
	bool mapped;
	_Atomic int qid;           /* the parent's tick reads it too */
	pthread_t thread;
	bool started;
	timer_t timer;
	bool have_timer;
	uint64_t timer_period;
	atomic_bool stop;

	struct segmap_gate *gate;

	struct proto_msg rx, tx;
	uint64_t next_housekeep;
	struct {
		uint64_t window_start;
		unsigned lines;
		uint64_t suppressed;
	} badlog;
	struct penalty penalty[PENALTY_SLOTS];
	bool no_msg_copy;

	_Atomic unsigned long long swept, given_up, purged, qbytes;
	atomic_bool want_sweep;    /* the parent saw the queue half full */
	atomic_bool summary_due;   /* bad requests not logged yet */
};

static void on_wake(int sig)
{
	(void)sig; /* only there to interrupt msgrcv/msgsnd */
}

/* A reply type names a process we may answer: a pid (or tid) that
 * exists now.  EPERM: it exists, under another user. */
static bool type_alive(long type)
{
	if (type <= PROTO_REQUEST_TYPE || type > INT32_MAX)
		return false;
	return kill((pid_t)type, 0) == 0 || errno == EPERM;
}

/* A process that can read a reply: alive, not a zombie and not a kernel
 * thread (both have an empty cmdline).  Only for malformed requests,
 * whose reply type is a guess: pid 2 (kthreadd) is a favourite. */
static bool type_reader(long type)
{
	char path[64], c;
	ssize_t n;
	int fd;

	if (!type_alive(type))
		return false;
	snprintf(path, sizeof(path), "/proc/%ld/cmdline", type);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno != ENOENT; /* no /proc: trust kill() */
	n = read(fd, &c, 1);
	close(fd);
	return n == 1;
}

/* ---- the queue ---- */

/* The re-check timer, periodic; period 0 disarms it. */
static void arm_timer(struct dispatcher *d, uint64_t period)
{
	struct itimerspec its = { 0 };

	if (!d->have_timer || d->timer_period == period)
		return;
	its.it_value.tv_sec = (time_t)(period / 1000000);
	its.it_value.tv_nsec = (long)(period % 1000000) * 1000;
	its.it_interval = its.it_value;
	if (timer_settime(d->timer, 0, &its, NULL) == 0)
		d->timer_period = period;
}

/* Log a bad request: at most BADLOG_BURST lines per window, then one
 * summary line for the rest. */
static void badlog_flush(struct dispatcher *d, uint64_t now)
{
	if (now - d->badlog.window_start < BADLOG_WINDOW_USEC)
		return;
	if (d->badlog.suppressed)
		log_warnx("%" PRIu64 " more bad requests in the last %llus not logged",
			  d->badlog.suppressed, BADLOG_WINDOW_USEC / 1000000);
	d->badlog.window_start = now;
	d->badlog.lines = 0;
	d->badlog.suppressed = 0;
}

static void badlog(struct dispatcher *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void badlog(struct dispatcher *d, const char *fmt, ...)
{
	va_list ap;

	badlog_flush(d, usec_mono());
	if (d->badlog.lines >= BADLOG_BURST) {
		d->badlog.suppressed++;
		return;
	}
	d->badlog.lines++;
	va_start(ap, fmt);
	vlog(LOGLEVEL_WARNING, fmt, ap);
	va_end(ap);
}

static int queue_create(struct dispatcher *d)
{
	struct msqid_ds ds;
	int id, old;

	id = msgget(d->cfg.msg_key, IPC_CREAT | IPC_EXCL | (int)d->cfg.msg_mode);
	if (id < 0 && errno == EEXIST) {
		/* We hold the lock file: no live daemon owns this queue. */
		old = msgget(d->cfg.msg_key, 0);
		if (old >= 0 && msgctl(old, IPC_RMID, NULL) == 0)
			log_info("removed a stale message queue with key 0x%x",
				 (unsigned)d->cfg.msg_key);
		id = msgget(d->cfg.msg_key, IPC_CREAT | IPC_EXCL | (int)d->cfg.msg_mode);
	}
	if (id < 0) {
		int e = errno;

		log_warn("message queue with key 0x%x", (unsigned)d->cfg.msg_key);
		return -e;
	}
	if (msgctl(id, IPC_STAT, &ds) == 0) {
		if (ds.msg_qbytes < QBYTES_WANT) {
			msglen_t was = ds.msg_qbytes;

			ds.msg_qbytes = QBYTES_WANT;
			if (msgctl(id, IPC_SET, &ds) == 0)
				log_debug("message queue: byte limit raised from %lu to %lu",
					  (unsigned long)was, (unsigned long)ds.msg_qbytes);
			else {
				/* No CAP_SYS_RESOURCE: still works, big
				 * answers just flow in smaller steps. */
				log_debug("message queue: byte limit stays %lu (raising it to %u: %s)",
					  (unsigned long)was, QBYTES_WANT, strerror(errno));
				ds.msg_qbytes = was;
			}
		}
		atomic_store(&d->qbytes, ds.msg_qbytes);
	}
	d->qid = id;
	return 0;
}

static bool penalized(struct dispatcher *d, long type, uint64_t now)
{
	for (size_t i = 0; i < PENALTY_SLOTS; i++)
		if (d->penalty[i].type == type && d->penalty[i].until > now)
			return true;
	return false;
}

static void penalize(struct dispatcher *d, long type, uint64_t now)
{
	size_t oldest = 0;

	for (size_t i = 0; i < PENALTY_SLOTS; i++) {
		if (d->penalty[i].type == type || d->penalty[i].until <= now) {
			oldest = i;
			break;
		}
		if (d->penalty[i].until < d->penalty[oldest].until)
			oldest = i;
	}
	d->penalty[oldest].type = type;
	d->penalty[oldest].until = now + PENALTY_USEC;
}

/* Remove every message of this type (a client we gave up). */
static unsigned long purge(struct dispatcher *d, long type)
{
	unsigned long n = 0;

	while (msgrcv(d->qid, &d->rx, sizeof(d->rx.u), type,
		      IPC_NOWAIT | MSG_NOERROR) >= 0 || errno == EINTR)
		n++;
	return n;
}

struct kept {
	long type;
	size_t len;
	size_t off;
};

/* Without MSG_COPY (a kernel without CONFIG_CHECKPOINT_RESTORE): take
 * every message that is not a request out of the queue, drop those
 * addressed to processes that no longer exist, and put the others back in
 * their order.  A flood of requests can take the room back meanwhile, so
 * this is only the fallback.  Returns how many were dropped. */
static unsigned long sweep_requeue(struct dispatcher *d)
{
	struct kept *kept = NULL;
	char *data = NULL;
	size_t nkept = 0, capkept = 0, used = 0, capdata = 0;
	unsigned long dropped = 0, lost = 0;
	long last_type = 0;
	bool last_alive = false;
	ssize_t n;

	for (size_t i = 0; i < SWEEP_MAX; i++) {
		n = msgrcv(d->qid, &d->rx, sizeof(d->rx.u), PROTO_REQUEST_TYPE,
			   IPC_NOWAIT | MSG_EXCEPT | MSG_NOERROR);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (d->rx.mtype != last_type) {
			last_type = d->rx.mtype;
			last_alive = type_alive(last_type);
		}
		if (!last_alive) {
			dropped++;
			continue;
		}
		if (nkept == capkept) {
			size_t c = capkept ? 2 * capkept : 64;
			struct kept *k = realloc(kept, c * sizeof(*k));

			if (!k)
				goto requeue;
			kept = k;
			capkept = c;
		}
		if (used + (size_t)n > capdata) {
			size_t c = capdata ? 2 * capdata : 65536;
			char *p;

			while (c < used + (size_t)n)
				c *= 2;
			p = realloc(data, c);
			if (!p)
				goto requeue;
			data = p;
			capdata = c;
		}
		memcpy(data + used, d->rx.u.bytes, (size_t)n);
		kept[nkept++] = (struct kept){ d->rx.mtype, (size_t)n, used };
		used += (size_t)n;
		continue;
requeue:
		/* Out of memory: this one goes back at once. */
		if (msgsnd(d->qid, &d->rx, (size_t)n, IPC_NOWAIT) < 0)
			lost++;
		break;
	}
	/* d->rx, not d->tx: tx may hold the part a send is trying to place. */
	for (size_t i = 0; i < nkept; i++) {
		d->rx.mtype = kept[i].type;
		memcpy(d->rx.u.bytes, data + kept[i].off, kept[i].len);
		while (msgsnd(d->qid, &d->rx, kept[i].len, IPC_NOWAIT) < 0) {
			if (errno != EINTR) {
				lost++;
				break;
			}
		}
	}
	free(kept);
	free(data);
	if (lost)
		log_warnx("message queue: %lu messages could not be put back", lost);
	return dropped;
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

/* Look at the queue's messages in place (MSG_COPY: nothing is taken out,
 * so nothing can be lost or reordered), and remove every message of each
 * type whose process no longer exists.  Returns how many were removed. */
static unsigned long sweep(struct dispatcher *d)
{
	long *types;
	size_t nt = 0, i, u;
	unsigned long dropped = 0;
	ssize_t n;

	if (d->no_msg_copy)
		goto fallback;
	types = malloc(SWEEP_SCAN * sizeof(*types));
	if (!types)
		return 0;
	for (i = 0; i < SWEEP_SCAN; i++) {
		n = msgrcv(d->qid, &d->rx, sizeof(d->rx.u), (long)i,
			   MSG_COPY | IPC_NOWAIT | MSG_NOERROR);
		if (n < 0) {
			if (errno == EINTR) {
				i--;
				continue;
			}
			if (errno == ENOSYS) {
				d->no_msg_copy = true;
				free(types);
				goto fallback;
			}
			break; /* ENOMSG: the end */
		}
		if (d->rx.mtype != PROTO_REQUEST_TYPE)
			types[nt++] = d->rx.mtype;
	}
	qsort(types, nt, sizeof(*types), cmp_long);
	for (i = 0; i < nt; i = u) {
		for (u = i + 1; u < nt && types[u] == types[i]; u++)
			;
		if (!type_alive(types[i]))
			dropped += purge(d, types[i]);
	}
	free(types);
	goto done;
fallback:
	dropped = sweep_requeue(d);
done:
	if (dropped)
		log_notice("message queue: removed %lu messages addressed to processes that no longer exist",
			   dropped);
	atomic_fetch_add(&d->swept, dropped);
	return dropped;
}

/* Sweep when the queue is at least half full. */
static void queue_check(struct dispatcher *d)
{
	struct msqid_ds ds;

	if (msgctl(d->qid, IPC_STAT, &ds) < 0)
		return;
	if (ds.msg_qbytes)
		atomic_store(&d->qbytes, ds.msg_qbytes);
	if (ds.msg_cbytes * 2 >= ds.msg_qbytes || ds.msg_qnum * 2 >= ds.msg_qbytes)
		sweep(d);
}

/* At every turn of the thread's loop: prove it turns, and at most once a
 * second look after the queue.  An idle thread has no timer: the parent's
 * dispatcher_tick wakes it when there is something to do. */
static void housekeep(struct dispatcher *d)
{
	uint64_t now = usec_mono();

	atomic_fetch_add(&d->st->dispatcher_beat, 1);
	if (atomic_exchange(&d->want_sweep, false))
		sweep(d);
	if (now < d->next_housekeep)
		return;
	d->next_housekeep = now + HOUSEKEEP_USEC;
	badlog_flush(d, now);
	atomic_store(&d->summary_due, d->badlog.suppressed > 0);
	queue_check(d);
}

void dispatcher_tick(struct dispatcher *d)
{
	struct msqid_ds ds;
	bool wake = atomic_load(&d->summary_due);

	if (!d || !d->started)
		return;
	if (msgctl(atomic_load(&d->qid), IPC_STAT, &ds) == 0 &&
	    (ds.msg_cbytes * 2 >= ds.msg_qbytes || ds.msg_qnum * 2 >= ds.msg_qbytes)) {
		atomic_store(&d->want_sweep, true);
		wake = true;
	}
	if (wake)
		dispatcher_poke(d);
}

/* Send d->tx (size mtext bytes) by deadline.  Returns 0, -ETIMEDOUT,
 * -ESRCH (the client is gone), -ECANCELED (stopping) or -errno. */
static int send_msg(struct dispatcher *d, size_t size, uint64_t deadline,
		    bool *swept)
{
	long type = d->tx.mtype;
	uint64_t now;

	for (;;) {
		if (msgsnd(d->qid, &d->tx, size, IPC_NOWAIT) == 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return -errno;
		if (!*swept) {
			*swept = true;
			if (sweep(d) > 0)
				continue;
		}
		now = usec_mono();
		if (atomic_load(&d->stop))
			return -ECANCELED;
		if (now >= deadline || penalized(d, type, now))
			return -ETIMEDOUT;
		if (!type_alive(type))
			return -ESRCH;
		/* Wait for room; the re-check timer interrupts us. */
		arm_timer(d, RECHECK_USEC);
		if (msgsnd(d->qid, &d->tx, size, 0) == 0)
			return 0;
		if (errno != EINTR)
			return -errno;
		atomic_fetch_add(&d->st->dispatcher_beat, 1);
	}
}

/* Send an answer (or an error: status > 0, payload the message) in parts.
 * A client that does not take it within reply_timeout is given up. */
static void reply(struct dispatcher *d, const struct proto_hdr *rq, int status,
		  const void *payload, size_t len, bool wait)
{
	uint32_t nparts = proto_parts(len), part;
	uint64_t deadline = usec_mono() + (wait ? d->cfg.reply_timeout_usec : 0);
	bool swept = false;
	int r = 0;

	for (part = 0; part < nparts; part++) {
		size_t off = (size_t)part * PROTO_PART_MAX;
		size_t n = len - off < PROTO_PART_MAX ? len - off : PROTO_PART_MAX;
		size_t size = proto_pack_reply(&d->tx, rq, status, part,
					       part + 1 == nparts,
					       (const char *)payload + off, n);

		r = send_msg(d, size, deadline, &swept);
		if (r < 0)
			break;
	}
	arm_timer(d, 0);
	if (r == 0 || r == -ECANCELED || r == -EIDRM || !wait)
		return;
	{
		unsigned long removed = purge(d, rq->reply_type);

		atomic_fetch_add(&d->given_up, 1);
		atomic_fetch_add(&d->purged, removed);
		penalize(d, rq->reply_type, usec_mono());
		badlog(d, "client %ld %s: gave up its %s reply after %u of %u parts, removed %lu messages",
		       (long)rq->reply_type,
		       r == -ESRCH ? "exited" : r == -ETIMEDOUT ? "is not reading" : strerror(-r),
		       proto_op_name(rq->op), part, nparts, removed);
	}
}

static void reply_error(struct dispatcher *d, const struct proto_hdr *rq,
			int status, const char *msg, bool wait)
{
	size_t len = strlen(msg);

	reply(d, rq, status, msg, len < PROTO_PART_MAX ? len : PROTO_PART_MAX, wait);
}

/* Copy the answer out of the segment, with the semaphore held, inside
 * the gate that keeps us out while the parent repairs the semaphore. */
static int answer(struct dispatcher *d, const struct proto_request *rq,
		  void **buf, size_t *len, char *err, size_t errlen)
{
	int r = 0;

	if (rq->hdr.op == PROTO_OP_PING)
		return answer_request(NULL, d->st, rq, buf, len, err, errlen);
	if (segmap_gate_enter(d->gate, GATE_WAIT_USEC) < 0) {
		snprintf(err, errlen, "the daemon is recovering its segment lock, try again");
		return -EAGAIN;
	}
	if (!d->mapped) {
		r = segmap_open(&d->map, d->shm_fd, d->sem, false);
		d->mapped = r == 0;
	}
	if (r == 0)
		r = segmap_lock(&d->map, SEGLOCK_USEC);
	if (r == 0) {
		r = answer_request(d->map.h, d->st, rq, buf, len, err, errlen);
		segmap_unlock(&d->map);
	} else if (rq->hdr.op == PROTO_OP_STATUS) {
		/* What the parent knows is worth an answer. */
		r = answer_request(NULL, d->st, rq, buf, len, err, errlen);
	} else {
		if (r != -ETIMEDOUT && r != -EPROTO)
			log_warnx("segment: %s", strerror(-r));
		snprintf(err, errlen, "%s", r == -ETIMEDOUT ?
			 "the segment is busy, try again" :
			 "the daemon is starting, try again");
		r = -EAGAIN;
	}
	segmap_gate_leave(d->gate);
	return r;
}

static const char *bad_reason(int r)
{
	switch (r) {
	case -EBADMSG: return "not a request";
	case -EMSGSIZE: return "wrong size";
	case -EPROTONOSUPPORT: return "unsupported protocol version";
	case -EOPNOTSUPP: return "unknown operation";
	case -EINVAL: return "invalid arguments";
	}
	return strerror(-r);
}

static void handle(struct dispatcher *d, size_t len)
{
	struct proto_request rq;
	char err[128] = "";
	void *buf = NULL;
	size_t blen = 0;
	long rtype;
	int r;

	r = proto_unpack_request(&d->rx, len, &rq, &rtype);
	if (r < 0) {
		bool answer_it = type_reader(rtype);
		struct proto_hdr h = d->rx.u.hdr;

		atomic_fetch_add(&d->st->bad_requests, 1);
		badlog(d, "bad request (%s, %zu bytes, reply type %ld), %s",
		       bad_reason(r), len, rtype,
		       answer_it ? "answered with an error" : "dropped");
		if (answer_it) {
			char msg[160];

			h.reply_type = (int32_t)rtype;
			snprintf(msg, sizeof(msg), "bad request: %s (daemon speaks protocol version %d)",
				 bad_reason(r), PROTO_VERSION);
			/* Garbage gets no waiting: when the queue is
			 * full, the error is dropped. */
			reply_error(d, &h, -r, msg, false);
		}
		return;
	}
	if (!type_alive(rq.hdr.reply_type)) {
		atomic_fetch_add(&d->st->bad_requests, 1);
		badlog(d, "request %s from process %d, which does not exist, dropped",
		       proto_op_name(rq.hdr.op), rq.hdr.reply_type);
		return;
	}
	atomic_fetch_add(&d->st->requests_total, 1);
	r = answer(d, &rq, &buf, &blen, err, sizeof(err));
	if (r < 0) {
		if (!err[0])
			snprintf(err, sizeof(err), "%s", strerror(-r));
		reply_error(d, &rq.hdr, -r, err, true);
	} else {
		reply(d, &rq.hdr, 0, buf, blen, true);
	}
	free(buf);
}

static void *dispatcher_thread(void *arg)
{
	struct dispatcher *d = arg;
	struct sigevent sev = { 0 };
	sigset_t set;
	ssize_t n;

	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = WAKE_SIGNAL;
	sev._sigev_un._tid = (pid_t)syscall(SYS_gettid);
	if (timer_create(CLOCK_MONOTONIC, &sev, &d->timer) == 0)
		d->have_timer = true;
	else
		log_warn("dispatcher: timer_create (a blocked reply is re-checked only at its deadline)");
	sigemptyset(&set);
	sigaddset(&set, WAKE_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);

	while (!atomic_load(&d->stop)) {
		housekeep(d);
		n = msgrcv(d->qid, &d->rx, sizeof(d->rx.u), PROTO_REQUEST_TYPE,
			   MSG_NOERROR);
		if (n >= 0) {
			handle(d, (size_t)n);
			continue;
		}
		if (errno == EINTR || atomic_load(&d->stop))
			continue;
		if (errno == EIDRM || errno == EINVAL) {
			log_warnx("message queue 0x%x was removed by someone else; creating it again",
				  (unsigned)d->cfg.msg_key);
			if (queue_create(d) < 0)
				nanosleep(&(struct timespec){ 1, 0 }, NULL);
			continue;
		}
		log_warn("msgrcv");
		nanosleep(&(struct timespec){ 0, 100000000 }, NULL);
	}
	if (d->have_timer)
		timer_delete(d->timer);
	return NULL;
}

int dispatcher_start(struct dispatcher **ret, const struct config *cfg,
		     int shm_fd, sem_t *sem, struct segmap_gate *gate,
		     struct daemon_status *st)
{
	struct sigaction sa = { 0 };
	struct dispatcher *d;
	sigset_t all, old;
	int r;

	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->cfg = *cfg;
	d->st = st;
	d->shm_fd = shm_fd;
	d->sem = sem;
	d->qid = -1;
	d->gate = gate;
	atomic_init(&d->stop, false);

	sa.sa_handler = on_wake;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: msgrcv/msgsnd must return EINTR */
	if (sigaction(WAKE_SIGNAL, &sa, NULL) < 0) {
		r = -errno;
		goto fail;
	}
	r = queue_create(d);
	if (r < 0)
		goto fail;
	/* The thread starts with every signal blocked and unblocks only its
	 * own: the parent's signals stay with the parent's event loop. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = -pthread_create(&d->thread, NULL, dispatcher_thread, d);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r < 0)
		goto fail;
	d->started = true;
	log_debug("dispatcher: message queue 0x%x (id %d, mode %03o, %llu bytes)",
		  (unsigned)cfg->msg_key, d->qid, (unsigned)cfg->msg_mode,
		  (unsigned long long)atomic_load(&d->qbytes));
	*ret = d;
	return 0;
fail:
	dispatcher_stop(d);
	return r;
}

void dispatcher_poke(struct dispatcher *d)
{
	if (d && d->started)
		pthread_kill(d->thread, WAKE_SIGNAL);
}

void dispatcher_get_stats(struct dispatcher *d, struct dispatcher_stats *ret)
{
	ret->swept = atomic_load(&d->swept);
	ret->given_up = atomic_load(&d->given_up);
	ret->purged = atomic_load(&d->purged);
	ret->qbytes = atomic_load(&d->qbytes);
}

void dispatcher_stop(struct dispatcher *d)
{
	if (!d)
		return;
	atomic_store(&d->stop, true);
	/* Removing the queue wakes a thread blocked in msgrcv or msgsnd. */
	if (d->qid >= 0)
		msgctl(d->qid, IPC_RMID, NULL);
	if (d->started) {
		pthread_kill(d->thread, WAKE_SIGNAL);
		pthread_join(d->thread, NULL);
	}
	if (d->mapped)
		segmap_close(&d->map);
	free(d);
}
