/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* daemonize.c - see daemonize.h. */
#include "daemonize.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lockfile.h"

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Open (creating if needed) without truncating: a running daemon's pid
 * file is rewritten only once our child is ready. */
static int pidfile_open(const char *path, bool *ret_created)
{
	int fd, r;

	r = lockfile_mkdir_parent(path);
	if (r < 0)
		return r;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0644);
	*ret_created = fd >= 0;
	if (fd < 0 && errno == EEXIST)
		fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	return fd < 0 ? -errno : fd;
}

static int pidfile_write(int fd, pid_t pid)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%ld\n", (long)pid);

	if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, (size_t)n, 0) != n)
		return -errno;
	return 0;
}

/* Was this datagram sent by pid, and does it say READY=1? */
static bool got_ready(int sock, pid_t pid)
{
	char buf[4096];
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct ucred))];
	} control;
	struct iovec iov = { buf, sizeof(buf) - 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = &control, .msg_controllen = sizeof(control) };
	struct cmsghdr *cm;
	bool from_child = false;
	ssize_t n;

	n = recvmsg(sock, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_CREDENTIALS) {
			struct ucred uc;

			memcpy(&uc, CMSG_DATA(cm), sizeof(uc));
			from_child = uc.pid == pid;
		}
	/* Assignments are newline-separated. */
	return from_child && (strncmp(buf, "READY=1", 7) == 0 || strstr(buf, "\nREADY=1"));
}

/* Copy what the child wrote to its stderr to ours.  Returns false at EOF. */
static bool copy_stderr(int fd)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write(STDERR_FILENO, buf, (size_t)n) < 0)
			break;
	return !(n == 0);
}

static int exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status) ? WEXITSTATUS(status) : 1;
	return 128 + WTERMSIG(status);
}

int daemonize(const char *pidfile, int *ret_exit)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int sock = -1, pipefd[2] = { -1, -1 }, devnull = -1, pidfd = -1, pid_fd = -1;
	char name[80];
	socklen_t salen;
	bool created = false, piping = true;
	const int one = 1;
	struct timespec ts;
	pid_t pid;
	int r;

	if (getenv("NOTIFY_SOCKET"))
		return -EEXIST;
	r = pid_fd = pidfile_open(pidfile, &created);
	if (r < 0)
		goto fail;

	/* An abstract address: nothing to clean up in the file system.  The
	 * child learns it as "@name", the sd_notify spelling. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(name, sizeof(name), "ipcmond-daemonize/%ld/%lx", (long)getpid(),
		 (unsigned long)ts.tv_nsec);
	memcpy(sa.sun_path + 1, name, strlen(name));
	salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));
	sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0 || setsockopt(sock, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0 ||
	    bind(sock, (struct sockaddr *)&sa, salen) < 0 ||
	    pipe2(pipefd, O_CLOEXEC) < 0 ||
	    (devnull = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0) {
		r = -errno;
		goto fail;
	}

	pid = fork();
	if (pid < 0) {
		r = -errno;
		goto fail;
	}
	if (pid == 0) {
		char env[sizeof(name) + 1];

		snprintf(env, sizeof(env), "@%s", name);
		/* setsid cannot fail in a fresh child: it is no group leader. */
		(void)setsid();
		if (chdir("/") < 0 || dup2(devnull, STDIN_FILENO) < 0 ||
		    dup2(devnull, STDOUT_FILENO) < 0 || dup2(pipefd[1], STDERR_FILENO) < 0 ||
		    setenv("NOTIFY_SOCKET", env, 1) < 0)
			_exit(1);
		/* Once the parent is gone, stderr is a pipe without reader. */
		signal(SIGPIPE, SIG_IGN);
		close_fd(&sock);
		close_fd(&pipefd[0]);
		close_fd(&pipefd[1]);
		close_fd(&devnull);
		close_fd(&pid_fd);
		return 0;
	}

	close_fd(&pipefd[1]);
	close_fd(&devnull);
	if (fcntl(pipefd[0], F_SETFL, O_NONBLOCK) < 0) {
		r = -errno;
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		goto fail;
	}
	/* Without pidfds (Linux < 5.3, valgrind) poll for the child's exit. */
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	for (;;) {
		struct pollfd p[3] = { { sock, POLLIN, 0 }, { pidfd, POLLIN, 0 },
				       { piping ? pipefd[0] : -1, POLLIN, 0 } };
		int status;

		if (poll(p, 3, pidfd >= 0 ? -1 : 100) < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			kill(pid, SIGTERM);
			goto fail;
		}
		if (p[2].revents)
			piping = copy_stderr(pipefd[0]);
		if ((p[0].revents & POLLIN) && got_ready(sock, pid)) {
			if (piping)
				copy_stderr(pipefd[0]);
			r = pidfile_write(pid_fd, pid);
			if (r < 0) {
				fprintf(stderr, "ipcmond: pid file %s: %s; stopping the daemon\n",
					pidfile, strerror(-r));
				kill(pid, SIGTERM);
				*ret_exit = 1;
			} else
				*ret_exit = 0;
			break;
		}
		if (pidfd >= 0 ? (p[1].revents & POLLIN) && waitpid(pid, &status, 0) == pid
			       : waitpid(pid, &status, WNOHANG) == pid) {
			/* Its last words may still be in the pipe. */
			copy_stderr(pipefd[0]);
			fprintf(stderr, "ipcmond: the daemon exited before it was ready\n");
			if (created)
				unlink(pidfile);
			*ret_exit = exit_code(status);
			break;
		}
	}
	r = 1;
fail:
	if (r < 0 && created)
		unlink(pidfile);
	close_fd(&sock);
	close_fd(&pipefd[0]);
	close_fd(&pipefd[1]);
	close_fd(&devnull);
	close_fd(&pidfd);
	close_fd(&pid_fd);
	return r;
}

int daemonize_remove_pidfile(const char *pidfile)
{
	char buf[32];
	ssize_t n;
	int fd;

	fd = open(pidfile, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -ESRCH;
	buf[n] = '\0';
	if (strtol(buf, NULL, 10) != (long)getpid())
		return -ESRCH;
	return unlink(pidfile) < 0 ? -errno : 0;
}
