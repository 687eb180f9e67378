/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* segmap.c - see segmap.h. */
#include "segmap.h"

#include <errno.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "usec.h"

static int map_size(struct segmap *m, size_t size)
{
	int prot = PROT_READ | (m->writer ? PROT_WRITE : 0);
	void *p;

	if (m->h)
		p = mremap(m->h, m->mapped, size, MREMAP_MAYMOVE);
	else
		p = mmap(NULL, size, prot, MAP_SHARED, m->fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	m->h = p;
	m->mapped = size;
	return 0;
}

int segmap_open(struct segmap *m, int fd, sem_t *sem, bool writer)
{
	struct stat st;

	m->fd = fd;
	m->sem = sem;
	m->h = NULL;
	m->mapped = 0;
	m->writer = writer;
	m->tainted = false;
	if (fstat(fd, &st) < 0)
		return -errno;
	if ((size_t)st.st_size < sizeof(struct seg_header))
		return -EPROTO;
	return map_size(m, (size_t)st.st_size);
}

static int sem_lock(sem_t *sem, uint64_t timeout_usec)
{
	struct timespec ts;

	if (timeout_usec == 0)
		return sem_trywait(sem) < 0 ? (errno == EAGAIN ? -ETIMEDOUT : -errno) : 0;
	ts = usec_realtime_deadline(timeout_usec);
	while (sem_timedwait(sem, &ts) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	return 0;
}

int segmap_lock(struct segmap *m, uint64_t timeout_usec)
{
	int r = sem_lock(m->sem, timeout_usec);

	if (r < 0)
		return r;
	r = seg_validate(m->h, m->mapped);
	if (r == -ERANGE) {
		r = map_size(m, (size_t)m->h->total_size);
		if (r == 0)
			r = seg_validate(m->h, m->mapped);
	}
	if (r < 0) {
		sem_post(m->sem);
		return r;
	}
	if (m->writer) {
		m->h->lock_owner = (int32_t)getpid();
		/* A count left odd is a dead writer's: the tables may hold a
		 * half-written record until a full dump rewrote them. */
		if (!seg_write_begin(m->h))
			m->tainted = true;
	}
	return 0;
}

void segmap_unlock(struct segmap *m)
{
	if (m->writer) {
		if (!m->tainted)
			seg_write_end(m->h);
		m->h->lock_owner = 0;
	}
	sem_post(m->sem);
}

void segmap_untaint(struct segmap *m)
{
	m->tainted = false;
}

int segmap_grow(struct segmap *m, const struct seg_layout *l)
{
	size_t old = m->mapped;
	int r;

	if (!m->writer || l->total_size < m->h->total_size)
		return -EINVAL;
	if (ftruncate(m->fd, (off_t)l->total_size) < 0)
		return -errno;
	r = map_size(m, (size_t)l->total_size);
	if (r < 0) {
		/* Readers have not seen the new size yet: shrink back. */
		if (ftruncate(m->fd, (off_t)old) < 0) { /* nothing more to do */ }
		return r;
	}
	return seg_relayout(m->h, l);
}

void segmap_gate_init(struct segmap_gate *g)
{
	pthread_mutex_init(&g->lock, NULL);
	pthread_cond_init(&g->cond, NULL);
	g->closed = false;
	g->inside = 0;
}

void segmap_gate_destroy(struct segmap_gate *g)
{
	pthread_cond_destroy(&g->cond);
	pthread_mutex_destroy(&g->lock);
}

/* Wait on the gate's condition until done() or the deadline. */
static bool gate_wait(struct segmap_gate *g, bool (*done)(const struct segmap_gate *),
		      uint64_t timeout_usec)
{
	struct timespec ts = usec_realtime_deadline(timeout_usec);
	int w = 0;

	while (!done(g) && w == 0)
		w = pthread_cond_timedwait(&g->cond, &g->lock, &ts);
	return done(g);
}

static bool gate_open_p(const struct segmap_gate *g)
{
	return !g->closed;
}

static bool gate_empty_p(const struct segmap_gate *g)
{
	return g->inside == 0;
}

int segmap_gate_enter(struct segmap_gate *g, uint64_t timeout_usec)
{
	int r = -EAGAIN;

	pthread_mutex_lock(&g->lock);
	if (gate_wait(g, gate_open_p, timeout_usec)) {
		g->inside++;
		r = 0;
	}
	pthread_mutex_unlock(&g->lock);
	return r;
}

void segmap_gate_leave(struct segmap_gate *g)
{
	pthread_mutex_lock(&g->lock);
	g->inside--;
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);
}

bool segmap_gate_close(struct segmap_gate *g, uint64_t timeout_usec)
{
	bool empty;

	pthread_mutex_lock(&g->lock);
	g->closed = true;
	empty = gate_wait(g, gate_empty_p, timeout_usec);
	if (!empty) {
		g->closed = false;
		pthread_cond_broadcast(&g->cond);
	}
	pthread_mutex_unlock(&g->lock);
	return empty;
}

void segmap_gate_open(struct segmap_gate *g)
{
	pthread_mutex_lock(&g->lock);
	g->closed = false;
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);
}

int segmap_repair(struct segmap *m, struct segmap_gate *g, uint64_t timeout_usec)
{
	int v, r = 0;

	if (!segmap_gate_close(g, timeout_usec))
		return -EBUSY;
	if (sem_getvalue(m->sem, &v) < 0)
		r = -errno;
	else if (v <= 0) {
		/* The count stays odd if the dead writer was inside a
		 * change: readers keep off until the next collector's first
		 * dump (segment.h). */
		if (m->writer)
			m->h->lock_owner = 0;
		r = sem_post(m->sem) < 0 ? -errno : 1;
	}
	segmap_gate_open(g);
	return r;
}

void segmap_close(struct segmap *m)
{
	if (m->h)
		munmap(m->h, m->mapped);
	m->h = NULL;
	m->mapped = 0;
}
