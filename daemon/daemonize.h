/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* daemonize.h - -d/--daemonize, for running without systemd.
 *
 * The new-style way in reverse: the daemon itself only speaks sd_notify,
 * so the detaching parent plays systemd's part for Type=notify.  It
 * forks, points the child's NOTIFY_SOCKET at a private socket and its
 * stderr at a pipe, and waits: READY=1 from the child means it is
 * serving (the parent writes the pid file and exits 0); the child exiting
 * first means it failed (its messages were copied to the parent's stderr
 * and its status becomes the parent's).  So `ipcmond -d && ipcmonctl
 * status` works, as `systemctl start` does.
 */
#ifndef IPCMON_DAEMONIZE_H
#define IPCMON_DAEMONIZE_H

#include <stdbool.h>
#include <sys/types.h>

/* Fork and detach.  pidfile: written with the daemon's pid once it is
 * ready (its missing directories are created, mode 0755).
 *
 * Returns 0 in the child, which is a session leader in "/" with stdin and
 * stdout on /dev/null and SIGPIPE ignored.  Returns 1 in the parent once
 * the child is ready or gone, with the status to exit with in *ret_exit
 * (any message already printed).  Returns -errno when nothing was forked:
 * -EEXIST when NOTIFY_SOCKET is set (systemd runs us: no need, and its
 * readiness protocol would be stolen). */
int daemonize(const char *pidfile, int *ret_exit);

/* In the daemon, at exit: remove pidfile if it still names this process.
 * Returns 0, or -errno. */
int daemonize_remove_pidfile(const char *pidfile);

#endif
