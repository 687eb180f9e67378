/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* main.c - ipcmond: options, configuration, then the supervisor. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmdline.h"
#include "collector_main.h"
#include "daemonize.h"
#include "lockfile.h"
#include "log.h"
#include "supervisor.h"

/* Where `ip netns add NAME` puts its namespaces (iproute2's NETNS_RUN_DIR). */
#define NETNS_DIR "/run/netns"

struct options {
	const char *config_file; /* NULL: the default file, if present */
	const char *netns;       /* NULL: stay in the namespace we started in */
	const char *pid_file;    /* NULL: next to the lock file */
	bool daemonize;
	struct cmdline cl;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: ipcmond [OPTIONS]\n"
		"Watch the kernel's network links and addresses, CPU and memory,\n"
		"and serve them to ipcmonctl.\n"
		"\n"
		"  -c, --config FILE            configuration file (default %s)\n"
		"  -n, --netns NAME             watch network namespace NAME (%s/NAME)\n"
		"  -d, --daemonize              detach once ready (only without systemd)\n"
		"  -p, --pid-file FILE          with -d: pid file (default: the lock file's, .pid)\n"
		"  -h, --help                   show this help and exit\n"
		"  -V, --version                show the version and exit\n"
		"\n"
		"Every configuration key is also an option (command line over file):\n",
		CONFIG_DEFAULT_FILE, NETNS_DIR);
	cmdline_print_keys(f, CONFIG_DAEMON);
}

static int load_config(struct config *c, char *err, size_t errlen,
		       void *userdata)
{
	const struct options *o = userdata;
	struct config tmp;
	int r;

	config_defaults(&tmp);
	r = config_load_file(&tmp, o->config_file ? o->config_file : CONFIG_DEFAULT_FILE,
			     o->config_file != NULL, err, errlen);
	if (r < 0)
		return r;
	r = cmdline_apply(&o->cl, &tmp, err, errlen);
	if (r < 0)
		return r;
	/* No lock_path: the segment's lock of the names in use (the others
	 * are taken by names_lock).  Derived here, so that a reload derives
	 * the same. */
	if (!*tmp.lock_path) {
		struct config_locks l;

		r = config_locks(&tmp, getenv("RUNTIME_DIRECTORY"), &l, err, errlen);
		if (r < 0)
			return r;
		memcpy(tmp.lock_path, l.path[CONFIG_LOCK_SHM], sizeof(tmp.lock_path));
	}
	*c = tmp;
	return 0;
}

/* When lock_path was derived (it is the segment's lock), take the lock
 * files of the other names too: daemons that share any name must not run
 * side by side.  supervisor_run takes lock_path itself.  Fills fds (-1
 * where no lock was taken); returns 0, or 1 (logged) when a name is
 * taken or a lock file cannot be made. */
static int names_lock(const struct config *c, int fds[CONFIG_LOCK_N])
{
	struct config_locks l;
	char err[512];
	pid_t holder;

	for (int i = 0; i < CONFIG_LOCK_N; i++)
		fds[i] = -1;
	if (config_locks(c, getenv("RUNTIME_DIRECTORY"), &l, err, sizeof(err)) < 0 ||
	    strcmp(c->lock_path, l.path[CONFIG_LOCK_SHM]) != 0)
		return 0; /* lock_path was given: that one lock is all */
	for (int i = CONFIG_LOCK_SHM + 1; i < CONFIG_LOCK_N; i++) {
		int r = lockfile_acquire(l.path[i], &holder);

		if (r == -EWOULDBLOCK) {
			log_err("another ipcmond (pid %ld) already runs with lock file %s "
				"(%s %s)", (long)holder, l.path[i], l.key[i], l.value[i]);
			return 1;
		}
		if (r < 0) {
			log_err("lock file %s (%s %s): %s", l.path[i], l.key[i], l.value[i],
				strerror(-r));
			return 1;
		}
		fds[i] = r;
	}
	return 0;
}

static void names_unlock(int fds[CONFIG_LOCK_N])
{
	for (int i = 0; i < CONFIG_LOCK_N; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* A name as `ip netns` takes it: one path component. */
static bool netns_name_ok(const char *name)
{
	return *name && !strchr(name, '/') && strcmp(name, ".") != 0 &&
	       strcmp(name, "..") != 0 && strlen(name) <= NAME_MAX;
}

/* Enter network namespace name before anything opens netlink: the
 * collector started later inherits it.  Returns 0 or -errno (message in
 * err). */
static int netns_enter(const char *name, char *err, size_t errlen)
{
	char path[sizeof(NETNS_DIR) + NAME_MAX + 1];
	int fd, r = 0;

	snprintf(path, sizeof(path), NETNS_DIR "/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		r = -errno;
		snprintf(err, errlen, "network namespace '%s': %s: %s", name, path,
			 strerror(-r));
		return r;
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		r = -errno;
		snprintf(err, errlen, "network namespace '%s': cannot enter %s: %s", name,
			 path, strerror(-r));
	}
	close(fd);
	return r;
}

/* The default pid file: the lock file's name with .pid for .lock (or
 * .pid appended), so that daemons that lock in the same directory get
 * their own. */
static int default_pid_file(const struct config *c, char *buf, size_t len)
{
	size_t n = strlen(c->lock_path);

	if (n > 5 && strcmp(c->lock_path + n - 5, ".lock") == 0)
		n -= 5;
	if ((size_t)snprintf(buf, len, "%.*s.pid", (int)n, c->lock_path) >= len)
		return -ENAMETOOLONG;
	return 0;
}

int main(int argc, char *argv[])
{
	static const struct option own[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "netns", required_argument, NULL, 'n' },
		{ "daemonize", no_argument, NULL, 'd' },
		{ "pid-file", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct options o = { 0 };
	struct config c;
	char err[512], pid_file[PATH_MAX];
	int opt, r, status = 2, lock_fds[CONFIG_LOCK_N];

	/* The collector's role: exec'd by the parent (child.c). */
	if (argc == 2 && strcmp(argv[1], COLLECTOR_ARG) == 0)
		return collector_main();
	if (cmdline_init(&o.cl, own, CONFIG_DAEMON, argc) < 0) {
		fprintf(stderr, "ipcmond: out of memory\n");
		return 1;
	}
	while ((opt = getopt_long(argc, argv, "c:n:dp:hV", o.cl.options, NULL)) != -1) {
		switch (opt) {
		case 'c':
			o.config_file = optarg;
			break;
		case 'n':
			o.netns = optarg;
			break;
		case 'd':
			o.daemonize = true;
			break;
		case 'p':
			o.pid_file = optarg;
			break;
		case 'h':
			usage(stdout);
			status = 0;
			goto out;
		case 'V':
			printf("ipcmond %s\n", PACKAGE_VERSION);
			status = 0;
			goto out;
		default:
			if (cmdline_take(&o.cl, opt, optarg))
				break;
			fprintf(stderr, "Try 'ipcmond --help' for more information.\n");
			goto out;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "ipcmond: unexpected argument '%s'\n"
			"Try 'ipcmond --help' for more information.\n", argv[optind]);
		goto out;
	}
	if (o.netns && !netns_name_ok(o.netns)) {
		fprintf(stderr, "ipcmond: option --netns: bad name '%s' (want a name "
			"from 'ip netns list')\n", o.netns);
		goto out;
	}
	if (o.pid_file && (!o.daemonize || o.pid_file[0] != '/')) {
		fprintf(stderr, "ipcmond: option --pid-file: %s\n",
			o.daemonize ? "want an absolute path" : "only with --daemonize");
		goto out;
	}
	if (load_config(&c, err, sizeof(err), &o) < 0) {
		fprintf(stderr, "ipcmond: %s\n", err);
		goto out;
	}
	status = 1;
	if (o.netns && netns_enter(o.netns, err, sizeof(err)) < 0) {
		fprintf(stderr, "ipcmond: %s\n", err);
		goto out;
	}
	if (o.daemonize) {
		if (o.pid_file)
			snprintf(pid_file, sizeof(pid_file), "%s", o.pid_file);
		else if (default_pid_file(&c, pid_file, sizeof(pid_file)) < 0) {
			fprintf(stderr, "ipcmond: pid file: lock file %s: path is too long "
				"for its .pid; use --pid-file\n", c.lock_path);
			goto out;
		}
		r = daemonize(pid_file, &status);
		if (r == -EEXIST) {
			fprintf(stderr, "ipcmond: --daemonize is for use without systemd "
				"(NOTIFY_SOCKET is set): run in the foreground\n");
			status = 2;
			goto out;
		}
		if (r < 0) {
			fprintf(stderr, "ipcmond: cannot daemonize (pid file %s): %s\n",
				pid_file, strerror(-r));
			goto out;
		}
		if (r > 0)
			goto out; /* the parent: the daemon is ready, or failed */
	}
	log_init(c.log_level, "main");
	status = names_lock(&c, lock_fds);
	if (status == 0)
		status = supervisor_run(&c, load_config, &o);
	names_unlock(lock_fds);
	if (o.daemonize)
		(void)daemonize_remove_pidfile(pid_file);
out:
	cmdline_free(&o.cl);
	return status;
}
