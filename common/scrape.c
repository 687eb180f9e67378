/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* scrape.c - see scrape.h. */
#include "scrape.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "segview.h"

#define RULE_PREFIX "ipc_shm" /* config_instance_names(): /ipc_shm.NAME */

struct source {
	char shm[NAME_MAX + 2];   /* "/ipc_shm.blue" */
	char label[NAME_MAX + 1]; /* "blue" */
	struct seg_snapshot snap;
	bool alive, read;
};

struct sources {
	struct source *v;
	size_t n, cap;
};

void scrape_instance_label(const char *shm_name, char *buf, size_t len)
{
	const char *name = shm_name[0] == '/' ? shm_name + 1 : shm_name;
	struct config c;
	char err[160];

	if (strcmp(name, RULE_PREFIX) == 0) {
		snprintf(buf, len, "%s", "");
		return;
	}
	if (strncmp(name, RULE_PREFIX ".", sizeof(RULE_PREFIX)) == 0 &&
	    name[sizeof(RULE_PREFIX)] &&
	    config_instance_names(name + sizeof(RULE_PREFIX), &c, err, sizeof(err)) == 0) {
		snprintf(buf, len, "%s", c.instance);
		return;
	}
	snprintf(buf, len, "%s", name);
}

/* Whether d_name is a segment name the naming rule gives. */
static bool rule_name(const char *d_name)
{
	char shm[NAME_MAX + 2], label[NAME_MAX + 1];

	if (strncmp(d_name, RULE_PREFIX, sizeof(RULE_PREFIX) - 1) != 0)
		return false;
	snprintf(shm, sizeof(shm), "/%s", d_name);
	scrape_instance_label(shm, label, sizeof(label));
	/* The rule's names give "" or the instance; others their own name. */
	return strcmp(label, d_name) != 0;
}

static int add(struct sources *s, const char *shm)
{
	if (strlen(shm) >= sizeof(s->v[0].shm))
		return 0; /* longer than any POSIX shm name: not one */
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].shm, shm) == 0)
			return 0;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 8;
		struct source *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	memset(&s->v[s->n], 0, sizeof(s->v[s->n]));
	snprintf(s->v[s->n].shm, sizeof(s->v[s->n].shm), "%s", shm);
	scrape_instance_label(shm, s->v[s->n].label, sizeof(s->v[s->n].label));
	s->n++;
	return 0;
}

static int scan(struct sources *s, const char *dir)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	int r = 0;

	if (!d)
		return 0; /* no shm directory: no segment there */
	while (r == 0 && (e = readdir(d))) {
		char shm[NAME_MAX + 2];

		if (!rule_name(e->d_name))
			continue;
		snprintf(shm, sizeof(shm), "/%s", e->d_name);
		r = add(s, shm);
	}
	closedir(d);
	return r;
}

/* A zombie answers kill(pid, 0) like a live process: until its parent
 * reaps it (quickly under systemd, late under some container inits),
 * /proc tells.  Unreadable (another user's process under
 * ProtectProc=invisible): not known to be a zombie. */
static bool zombie(pid_t pid)
{
	char path[64], buf[256], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* "pid (comm) S ...": comm may hold ')' */
	return p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X');
}

/* The daemon that made the segment still runs: not stopped, and its pid
 * alive (EPERM: someone else's process, alive). */
static bool daemon_alive(const struct segview *v)
{
	pid_t pid = __atomic_load_n(&v->h->daemon_pid, __ATOMIC_RELAXED);

	if (__atomic_load_n(&v->h->state, __ATOMIC_RELAXED) == SEG_STATE_STOPPED)
		return false;
	if (pid <= 0)
		return true;
	if (kill(pid, 0) < 0 && errno == ESRCH)
		return false;
	return !zombie(pid);
}

/* Open and copy one segment: src->alive when it is a live daemon's,
 * src->read when the copy is whole.  -ENOMEM only; the rest is what the
 * flags say. */
static int take(struct source *src)
{
	struct segview v;
	int r = segview_open(&v, src->shm);

	if (r == -EPROTONOSUPPORT || r == -EACCES) {
		src->alive = true; /* a daemon's, which we cannot read */
		return 0;
	}
	if (r < 0)
		return 0; /* gone since the scan, or not ours */
	src->alive = daemon_alive(&v);
	if (src->alive) {
		r = segview_snapshot(&v, &src->snap);
		if (r == 0) {
			struct seg_header *c = &src->snap.hdr;
			const struct seg_header *h = v.h;

			/* Words the parent stores atomically, outside the
			 * sequence count: load them as such. */
			c->parent_collector_restarts =
				__atomic_load_n(&h->parent_collector_restarts, __ATOMIC_RELAXED);
			c->parent_fifo_dropped =
				__atomic_load_n(&h->parent_fifo_dropped, __ATOMIC_RELAXED);
			c->parent_requests = __atomic_load_n(&h->parent_requests, __ATOMIC_RELAXED);
			c->parent_bad_requests =
				__atomic_load_n(&h->parent_bad_requests, __ATOMIC_RELAXED);
			src->read = true;
		}
	}
	segview_close(&v);
	return r == -ENOMEM ? r : 0;
}

static int by_label(const void *a, const void *b)
{
	const struct source *x = a, *y = b;
	int c = strcmp(x->label, y->label);

	return c ? c : strcmp(x->shm, y->shm);
}

int scrape_run(const struct scrape_opts *o, struct metrics_buf *b,
	       struct scrape_result *res)
{
	struct sources s = { 0 };
	struct metrics_source *ms = NULL;
	struct scrape_result tmp = { 0 };
	size_t n = 0;
	int r;

	r = add(&s, o->cfg->shm_name);
	if (r == 0 && o->scan)
		r = scan(&s, o->shm_dir ? o->shm_dir : SCRAPE_SHM_DIR);
	for (size_t i = 0; r == 0 && i < s.n; i++)
		r = take(&s.v[i]);
	if (r < 0)
		goto out;
	qsort(s.v, s.n, sizeof(*s.v), by_label);
	ms = calloc(s.n ? s.n : 1, sizeof(*ms));
	if (!ms) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < s.n; i++) {
		if (!s.v[i].alive)
			continue;
		/* Two names with one label ("/blue" and "/ipc_shm.blue"):
		 * the first in name order speaks for it. */
		if (n && strcmp(ms[n - 1].instance, s.v[i].label) == 0)
			continue;
		ms[n].instance = s.v[i].label;
		ms[n].snap = s.v[i].read ? &s.v[i].snap : NULL;
		tmp.read += s.v[i].read;
		n++;
	}
	tmp.found = n;
	r = n ? metrics_render(b, ms, n, o->cfg->metrics_names) : -ENOENT;
out:
	if (res)
		*res = tmp;
	for (size_t i = 0; i < s.n; i++)
		seg_snapshot_free(&s.v[i].snap);
	free(s.v);
	free(ms);
	return r;
}
