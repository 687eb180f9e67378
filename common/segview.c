/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* segview.c - see segview.h. */
#include "segview.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "usec.h"

/* How long a snapshot keeps retrying while the writer changes tables. */
#define SNAPSHOT_PATIENCE_USEC (100 * USEC_PER_MSEC)

static int map(struct segview *v, size_t size)
{
	void *p = mmap(NULL, size, PROT_READ, MAP_SHARED, v->fd, 0);

	if (p == MAP_FAILED)
		return -errno;
	if (v->h)
		munmap((void *)v->h, v->mapped);
	v->h = p;
	v->mapped = size;
	return 0;
}

int segview_open(struct segview *v, const char *name)
{
	struct stat st;
	int r;

	memset(v, 0, sizeof(*v));
	v->fd = -1;
	if (strlen(name) >= sizeof(v->name))
		return -ENAMETOOLONG;
	snprintf(v->name, sizeof(v->name), "%s", name);
	v->fd = shm_open(name, O_RDONLY | O_CLOEXEC, 0);
	if (v->fd < 0)
		return -errno;
	if (fstat(v->fd, &st) < 0) {
		r = -errno;
		goto fail;
	}
	v->dev = st.st_dev;
	v->ino = st.st_ino;
	if ((size_t)st.st_size < sizeof(struct seg_header)) {
		/* Too small for our header: an ABI 1 header is smaller too,
		 * so tell the version when there is one. */
		r = -EPROTO;
		if ((size_t)st.st_size >= 16 && map(v, 16) == 0 &&
		    (v->abi = seg_abi_version(v->h)) != 0)
			r = -EPROTONOSUPPORT;
		goto fail;
	}
	r = map(v, (size_t)st.st_size);
	if (r < 0)
		goto fail;
	r = seg_validate(v->h, v->mapped);
	if (r == -EPROTONOSUPPORT)
		v->abi = seg_abi_version(v->h);
	if (r == -ERANGE)
		r = segview_remap(v);
	if (r == -EPROTO && (v->abi = seg_abi_version(v->h)) == SEG_ABI_VERSION) {
		/* Ours, caught mid-growth (the header is written under the
		 * sequence count): a snapshot sorts it out. */
		r = 0;
	}
	if (r < 0)
		goto fail;
	return 0;
fail:
	segview_close(v);
	return r;
}

void segview_close(struct segview *v)
{
	if (v->h)
		munmap((void *)v->h, v->mapped);
	if (v->fd >= 0)
		close(v->fd);
	v->h = NULL;
	v->mapped = 0;
	v->fd = -1;
}

bool segview_current(const struct segview *v)
{
	struct stat st;
	int fd, r;

	fd = shm_open(v->name, O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return errno != ENOENT;
	r = fstat(fd, &st);
	close(fd);
	return r < 0 || (st.st_dev == v->dev && st.st_ino == v->ino);
}

int segview_remap(struct segview *v)
{
	struct stat st;

	if (fstat(v->fd, &st) < 0)
		return -errno;
	if ((size_t)st.st_size <= v->mapped)
		return 0;
	return map(v, (size_t)st.st_size);
}

/* Room for n records in *p; never NULL afterwards (memcpy wants a
 * pointer even for 0 bytes). */
static int fit(void **p, size_t *cap, size_t n, size_t size)
{
	void *q;

	if (n == 0)
		n = 1;
	if (n <= *cap && *p)
		return 0;
	q = realloc(*p, n * size);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = n;
	return 0;
}

int segview_snapshot(struct segview *v, struct seg_snapshot *s)
{
	uint64_t give_up = 0;
	unsigned spins = 0;
	int r;

	for (;;) {
		const char *base = (const char *)v->h;
		uint32_t begin = seg_read_begin(v->h);

		if (begin & 1)
			goto busy;
		memcpy(&s->hdr, v->h, sizeof(s->hdr));
		r = seg_validate(&s->hdr, v->mapped);
		if (r == -ERANGE) {
			/* The object grew: map it whole, then start over. */
			r = segview_remap(v);
			if (r < 0)
				return r;
			continue;
		}
		if (r < 0) {
			if (seg_read_retry(v->h, begin))
				goto busy;
			return r;
		}
		if (fit((void **)&s->links, &s->links_cap, s->hdr.links.count, sizeof(*s->links)) < 0 ||
		    fit((void **)&s->addrs, &s->addrs_cap, s->hdr.addrs.count, sizeof(*s->addrs)) < 0)
			return -ENOMEM;
		memcpy(s->links, base + s->hdr.links.offset,
		       (size_t)s->hdr.links.count * sizeof(*s->links));
		memcpy(s->addrs, base + s->hdr.addrs.offset,
		       (size_t)s->hdr.addrs.count * sizeof(*s->addrs));
		if (!seg_read_retry(v->h, begin))
			return 0;
busy:
		/* The writer holds the count for one batch (well under a
		 * millisecond): spin a little, then sleep a little. */
		if (++spins < 64) {
			sched_yield();
			continue;
		}
		if (!give_up)
			give_up = usec_mono() + SNAPSHOT_PATIENCE_USEC;
		else if (usec_mono() >= give_up)
			return -EAGAIN;
		nanosleep(&(struct timespec){ .tv_nsec = 200 * 1000 }, NULL);
	}
}

void seg_snapshot_free(struct seg_snapshot *s)
{
	free(s->links);
	free(s->addrs);
	s->links = NULL;
	s->addrs = NULL;
	s->links_cap = s->addrs_cap = 0;
}
