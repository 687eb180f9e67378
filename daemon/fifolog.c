/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* fifolog.c - see fifolog.h.
 *
 * How the write end is held (measured on this kernel, see the report of
 * issue 5):
 *
 * - O_RDWR would make us a reader of our own FIFO: writes with nobody
 *   listening succeed into the 64 KiB pipe buffer, and the next `cat`
 *   gets a burst of stale lines (2000 lines written with no reader: all
 *   accepted, then 30890 stale bytes handed to the next reader at once).
 *   A reader that left is never noticed either.
 * - O_WRONLY|O_NONBLOCK fails with ENXIO while nobody reads (2.3 us per
 *   attempt), succeeds at once for a reader, also for one still blocked
 *   in its open(), and write() says EPIPE when the last reader has gone.
 *
 * So we open the write end on demand, when a line is to be written and we
 * hold none; a line with no reader is dropped and counted.  When the last
 * reader goes (EPIPE, or POLLERR seen by fifolog_dispatch) we close our
 * end, which discards what nobody read, so the next reader starts with
 * fresh lines.  A reader gets end of file only when we close for good
 * (fifolog_close), since we keep the end while anyone reads.
 *
 * The path is trusted only after fstat on an fd opened with O_NOFOLLOW
 * shows the FIFO we vetted at start (same device and inode): a symlink or
 * anything else planted later is never written to.
 *
 * Threads: the parent's main loop and its dispatcher thread both log, so
 * the fd is guarded by a mutex; the drop counter is atomic.
 */
#include "fifolog.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct fifolog {
	pthread_mutex_t lock;
	char path[PATH_MAX];
	dev_t dev;               /* the FIFO we vetted */
	ino_t ino;
	int fd;                  /* write end, -1 while we hold none */
	int epfd;                /* holds fd: readable when readers are gone */
	_Atomic int format;      /* enum fifo_format */
	_Atomic uint64_t dropped;
};

/* ---- the FIFO ---- */

static void describe(char *buf, size_t size, const char *path,
		     const struct stat *st)
{
	char target[PATH_MAX];
	ssize_t n;

	switch (st->st_mode & S_IFMT) {
	case S_IFLNK:
		n = readlink(path, target, sizeof(target) - 1);
		if (n < 0)
			snprintf(buf, size, "is a symbolic link");
		else
			snprintf(buf, size, "is a symbolic link (to %.*s)", (int)n, target);
		return;
	case S_IFREG: snprintf(buf, size, "is a regular file"); return;
	case S_IFDIR: snprintf(buf, size, "is a directory"); return;
	case S_IFSOCK: snprintf(buf, size, "is a socket"); return;
	case S_IFCHR: snprintf(buf, size, "is a character device"); return;
	case S_IFBLK: snprintf(buf, size, "is a block device"); return;
	case S_IFIFO: {
		struct passwd *pw = getpwuid(st->st_uid);

		snprintf(buf, size, "is a FIFO owned by uid %lu%s%s%s, not by us (uid %lu)",
			 (unsigned long)st->st_uid, pw ? " (" : "",
			 pw ? pw->pw_name : "", pw ? ")" : "",
			 (unsigned long)geteuid());
		return;
	}
	}
	snprintf(buf, size, "is not a FIFO (mode 0%o)", (unsigned)st->st_mode);
}

/* 0 when st is a FIFO we own, else -errno and the message in err. */
static int vet(const char *path, const struct stat *st, char *err,
	       size_t errlen)
{
	char what[PATH_MAX + 64];

	if (S_ISFIFO(st->st_mode) && st->st_uid == geteuid())
		return 0;
	describe(what, sizeof(what), path, st);
	snprintf(err, errlen, "%s: %s; refusing to use it; remove it or set fifo_path",
		 path, what);
	if (S_ISLNK(st->st_mode))
		return -ELOOP;
	return S_ISFIFO(st->st_mode) ? -EPERM : -EEXIST;
}

/* Create the FIFO, or find the one a previous instance left (the lock
 * file tells us it is not running): *created says which. */
static int make_node(const char *path, bool *created, char *err, size_t errlen)
{
	struct stat st;
	int r;

	for (int attempt = 0; attempt < 2; attempt++) {
		if (lstat(path, &st) == 0) {
			*created = false;
			return vet(path, &st, err, errlen);
		}
		if (errno != ENOENT)
			goto fail;
		/* 0600 until fchmod: the umask must not decide the mode. */
		if (mkfifo(path, 0600) == 0) {
			*created = true;
			return 0;
		}
		if (errno != EEXIST)
			goto fail;
		/* someone made it between lstat and mkfifo: look again */
	}
	errno = EEXIST;
fail:
	r = -errno;
	snprintf(err, errlen, "%s: cannot create the FIFO: %s", path, strerror(errno));
	return r;
}

int fifolog_open(struct fifolog **ret, const struct config *cfg, char *err,
		 size_t errlen)
{
	const char *path = cfg->fifo_path;
	struct fifolog *f = NULL;
	bool created = false;
	struct stat st;
	int fd = -1, r;

	if (strlen(path) >= sizeof(f->path)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -ENAMETOOLONG;
	}
	r = make_node(path, &created, err, errlen);
	if (r < 0)
		return r;
	/* A FIFO opened for reading with O_NONBLOCK returns at once and has
	 * no effect on anyone; we need a real fd for fstat and fchmod. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		if (errno == ELOOP && lstat(path, &st) == 0)
			vet(path, &st, err, errlen);
		else
			snprintf(err, errlen, "%s: cannot open the FIFO: %s", path,
				 strerror(errno));
		goto fail;
	}
	if (fstat(fd, &st) < 0) {
		r = -errno;
		snprintf(err, errlen, "%s: fstat: %s", path, strerror(errno));
		goto fail;
	}
	r = vet(path, &st, err, errlen);
	if (r < 0)
		goto fail;
	if (fchmod(fd, cfg->fifo_mode & 0777) < 0) {
		r = -errno;
		snprintf(err, errlen, "%s: cannot set mode %04o: %s", path,
			 (unsigned)(cfg->fifo_mode & 0777), strerror(errno));
		goto fail;
	}
	f = calloc(1, sizeof(*f));
	if (!f) {
		r = -ENOMEM;
		snprintf(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	f->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (f->epfd < 0) {
		r = -errno;
		snprintf(err, errlen, "%s: epoll_create1: %s", path, strerror(errno));
		goto fail;
	}
	pthread_mutex_init(&f->lock, NULL);
	snprintf(f->path, sizeof(f->path), "%s", path);
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->fd = -1;
	atomic_init(&f->format, (int)cfg->fifo_format);
	atomic_init(&f->dropped, 0);
	close(fd);
	*ret = f;
	return 0;
fail:
	if (f && f->epfd >= 0)
		close(f->epfd);
	free(f);
	if (fd >= 0)
		close(fd);
	/* Only what we made, and only if it is still what we made. */
	if (created && lstat(path, &st) == 0 && S_ISFIFO(st.st_mode) &&
	    st.st_uid == geteuid())
		unlink(path);
	return r;
}

/* Lock held.  Open the write end if somebody reads; -ENXIO if nobody. */
static int writer_open(struct fifolog *f)
{
	struct epoll_event ev = { .events = 0 }; /* EPOLLERR is always on */
	struct stat st;
	int fd;

	fd = open(f->path, O_WRONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode) || st.st_dev != f->dev ||
	    st.st_ino != f->ino) {
		close(fd); /* not ours any more: never write to it */
		return -ESTALE;
	}
	ev.data.fd = fd;
	if (epoll_ctl(f->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	f->fd = fd;
	return 0;
}

/* Lock held. */
static void writer_close(struct fifolog *f)
{
	if (f->fd < 0)
		return;
	epoll_ctl(f->epfd, EPOLL_CTL_DEL, f->fd, NULL);
	close(f->fd);
	f->fd = -1;
}

/* write() that cannot raise SIGPIPE, whatever the process does with it:
 * block it in this thread and take back the one our write raised. */
static ssize_t write_nosigpipe(int fd, const void *buf, size_t len)
{
	static const struct timespec zero = { 0, 0 };
	sigset_t pipeset, old;
	ssize_t n;
	int saved;

	sigemptyset(&pipeset);
	sigaddset(&pipeset, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipeset, &old);
	n = write(fd, buf, len);
	saved = errno;
	if (n < 0 && saved == EPIPE)
		while (sigtimedwait(&pipeset, NULL, &zero) < 0 && errno == EINTR)
			;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = saved;
	return n;
}

static void fifolog_write(struct fifolog *f, const char *line, size_t len)
{
	int saved = errno;
	ssize_t n;

	pthread_mutex_lock(&f->lock);
	if (f->fd < 0 && writer_open(f) < 0)
		goto drop;
	/* O_NONBLOCK and len <= PIPE_BUF: all of it, or EAGAIN. */
	n = write_nosigpipe(f->fd, line, len);
	if (n == (ssize_t)len)
		goto out;
	if (n < 0 && errno == EPIPE)
		writer_close(f); /* the last reader went */
	/* EAGAIN: a slow reader; keep the end, lose the line */
drop:
	atomic_fetch_add(&f->dropped, 1);
out:
	pthread_mutex_unlock(&f->lock);
	errno = saved;
}

void fifolog_log(int prio, const char *source, const char *msg, void *userdata)
{
	struct fifolog *f = userdata;
	char line[EVENT_LINE_MAX + 1];
	size_t len;

	len = event_record_line(line, sizeof(line),
				(enum fifo_format)atomic_load(&f->format), 0, prio,
				source, msg);
	fifolog_write(f, line, len);
}

void fifolog_event(struct fifolog *f, const struct seg_event *ev)
{
	char line[EVENT_LINE_MAX + 1];
	size_t len;

	len = event_line(line, sizeof(line), (enum fifo_format)atomic_load(&f->format),
			 ev);
	fifolog_write(f, line, len);
}

uint64_t fifolog_dropped(const struct fifolog *f)
{
	return atomic_load(&((struct fifolog *)f)->dropped);
}

void fifolog_set_format(struct fifolog *f, enum fifo_format fmt)
{
	atomic_store(&f->format, (int)fmt);
}

int fifolog_fd(const struct fifolog *f)
{
	return f->epfd;
}

void fifolog_dispatch(struct fifolog *f)
{
	struct pollfd p;

	pthread_mutex_lock(&f->lock);
	if (f->fd >= 0) {
		p.fd = f->fd;
		p.events = POLLOUT;
		if (poll(&p, 1, 0) > 0 && (p.revents & POLLERR))
			writer_close(f);
	}
	pthread_mutex_unlock(&f->lock);
}

void fifolog_close(struct fifolog *f)
{
	struct stat st;

	if (!f)
		return;
	/* A reader still blocked in open() would wait forever on a FIFO
	 * that is gone: let it in, so that it sees end of file. */
	if (f->fd < 0)
		writer_open(f);
	writer_close(f);
	if (lstat(f->path, &st) == 0 && S_ISFIFO(st.st_mode) &&
	    st.st_dev == f->dev && st.st_ino == f->ino)
		unlink(f->path);
	close(f->epfd);
	pthread_mutex_destroy(&f->lock);
	free(f);
}
