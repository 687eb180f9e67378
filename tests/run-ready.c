/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* run-ready.c - start a daemon and return once it says READY=1.
 *
 * Usage: run-ready [-t SECONDS] [-p PIDFILE] -- COMMAND [ARGS...]
 *
 * Plays systemd's part for Type=notify: sets NOTIFY_SOCKET for COMMAND,
 * then waits (poll with a deadline, no fixed sleep) until the daemon
 * sends READY=1 (exit 0, the daemon's pid written to PIDFILE and left
 * running), exits before that (exit with its status, 128+signal when
 * killed), or the deadline passes (daemon killed, exit 124).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

int main(int argc, char *argv[])
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *pidfile = NULL;
	double timeout = 10;
	char dir[] = "/tmp/run-ready.XXXXXX";
	long long deadline;
	int opt, sock, pidfd, status;
	pid_t pid;

	while ((opt = getopt(argc, argv, "+t:p:")) != -1) {
		switch (opt) {
		case 't':
			timeout = atof(optarg);
			break;
		case 'p':
			pidfile = optarg;
			break;
		default:
			fprintf(stderr, "usage: run-ready [-t SECONDS] [-p PIDFILE] -- COMMAND...\n");
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "run-ready: no command\n");
		return 2;
	}
	if (!mkdtemp(dir)) {
		perror("run-ready: mkdtemp");
		return 1;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/notify", dir);
	sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0 || bind(sock, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("run-ready: notify socket");
		rmdir(dir);
		return 1;
	}
	pid = fork();
	if (pid < 0) {
		perror("run-ready: fork");
		return 1;
	}
	if (pid == 0) {
		setenv("NOTIFY_SOCKET", sa.sun_path, 1);
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "run-ready: %s: %s\n", argv[optind], strerror(errno));
		_exit(127);
	}
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0) {
		perror("run-ready: pidfd_open");
		kill(pid, SIGKILL);
		return 1;
	}
	deadline = now_ms() + (long long)(timeout * 1000);
	for (;;) {
		struct pollfd p[2] = { { sock, POLLIN, 0 }, { pidfd, POLLIN, 0 } };
		long long left = deadline - now_ms();
		char buf[4096];
		ssize_t n;

		if (left <= 0) {
			fprintf(stderr, "run-ready: %s not ready after %.1fs, killing it\n",
				argv[optind], timeout);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			unlink(sa.sun_path);
			rmdir(dir);
			return 124;
		}
		if (poll(p, 2, (int)left) < 0 && errno != EINTR) {
			perror("run-ready: poll");
			return 1;
		}
		if (p[0].revents & POLLIN) {
			n = recv(sock, buf, sizeof(buf) - 1, 0);
			if (n > 0) {
				buf[n] = '\0';
				/* Variables are newline-separated. */
				if (strncmp(buf, "READY=1", 7) == 0 || strstr(buf, "\nREADY=1"))
					break;
			}
		}
		if (p[1].revents & POLLIN) {
			waitpid(pid, &status, 0);
			fprintf(stderr, "run-ready: %s exited before it was ready (status %d)\n",
				argv[optind], exit_code(status));
			unlink(sa.sun_path);
			rmdir(dir);
			return exit_code(status) ? exit_code(status) : 1;
		}
	}
	unlink(sa.sun_path);
	rmdir(dir);
	if (pidfile) {
		FILE *f = fopen(pidfile, "we");

		if (!f || fprintf(f, "%ld\n", (long)pid) < 0 || fclose(f) != 0) {
			perror("run-ready: pid file");
			kill(pid, SIGKILL);
			return 1;
		}
	}
	printf("%ld\n", (long)pid);
	return 0;
}
