/* watch.c - wait for the segment to change: a read-only map of its
 * header and FUTEX_WAIT on the generation word; no polling. */
#include "ctl.h"

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "futex.h"

int watch_open(struct ctl *ctl, struct watch *w)
{
	void *p;
	int fd, e;

	w->h = NULL;
	fd = shm_open(ctl->cfg.shm_name, O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0) {
		e = errno;
		warnx("cannot open the segment %s: %s", ctl->cfg.shm_name, strerror(e));
		return -e;
	}
	/* The header only: the generation word never moves. */
	w->mapped = sizeof(struct seg_header);
	p = mmap(NULL, w->mapped, PROT_READ, MAP_SHARED, fd, 0);
	e = errno;
	close(fd);
	if (p == MAP_FAILED) {
		warnx("cannot map the segment %s: %s", ctl->cfg.shm_name, strerror(e));
		return -e;
	}
	w->h = p;
	if (w->h->magic != SEG_MAGIC) {
		warnx("%s is not an ipcmond segment", ctl->cfg.shm_name);
		watch_close(w);
		return -EPROTO;
	}
	return 0;
}

uint32_t watch_generation(const struct watch *w)
{
	return atomic_load_explicit((_Atomic uint32_t *)&w->h->generation,
				    memory_order_acquire);
}

int watch_wait(const struct watch *w, uint32_t seen, uint64_t deadline)
{
	struct timespec ts, *tp = NULL;
	uint64_t now;
	int r;

	do {
		if (deadline) {
			now = ctl_now_usec();
			if (now >= deadline)
				return -ETIMEDOUT;
			ts.tv_sec = (time_t)((deadline - now) / 1000000);
			ts.tv_nsec = (long)((deadline - now) % 1000000) * 1000;
			tp = &ts;
		}
		r = futex_wait_change(&w->h->generation, seen, tp);
	} while (r == -EINTR);
	return r;
}

void watch_close(struct watch *w)
{
	if (w->h)
		munmap((void *)w->h, w->mapped);
	w->h = NULL;
}
