/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* sysv-pingpong.c - the floor under a query's round trip: two processes
 * bouncing a small message over a System V queue, nothing else.
 *
 * Usage: sysv-pingpong [-n ROUNDS] [-c CPU] [-s CPU] [-b BYTES]
 *   -c/-s pin the client/server process to a CPU (as the benchmark pins
 *   ipcmonctl and the daemon), -b the reply's size (a status answer is
 *   about 300 bytes).  Prints "median MIN MAX" round trips in
 *   microseconds.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct msg {
	long mtype;
	char text[8192];
};

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		perror("sched_setaffinity");
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char *argv[])
{
	int n = 2000, ccpu = -1, scpu = -1, bytes = 300, opt, q;
	static struct msg m;
	double *rtt;
	pid_t pid;

	while ((opt = getopt(argc, argv, "n:c:s:b:")) != -1) {
		switch (opt) {
		case 'n': n = atoi(optarg); break;
		case 'c': ccpu = atoi(optarg); break;
		case 's': scpu = atoi(optarg); break;
		case 'b': bytes = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: sysv-pingpong [-n ROUNDS] [-c CPU] [-s CPU] [-b BYTES]\n");
			return 2;
		}
	}
	if (n < 1 || bytes < 1 || bytes > (int)sizeof(m.text))
		return 2;
	q = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	rtt = calloc((size_t)n, sizeof(*rtt));
	if (q < 0 || !rtt) {
		perror("msgget");
		return 1;
	}
	pid = fork();
	if (pid == 0) {
		/* the server: answer every request to its sender's type */
		pin(scpu);
		for (;;) {
			if (msgrcv(q, &m, sizeof(m.text), 1, 0) < 0)
				_exit(errno == EIDRM ? 0 : 1);
			m.mtype = (long)getppid();
			if (msgsnd(q, &m, (size_t)bytes, 0) < 0)
				_exit(1);
		}
	}
	pin(ccpu);
	memset(m.text, 'x', sizeof(m.text));
	for (int i = -100; i < n; i++) { /* 100 rounds of warm-up */
		double t0 = now_us();

		m.mtype = 1;
		if (msgsnd(q, &m, 64, 0) < 0 ||
		    msgrcv(q, &m, sizeof(m.text), (long)getpid(), 0) < 0) {
			perror("ping");
			break;
		}
		if (i >= 0)
			rtt[i] = now_us() - t0;
	}
	msgctl(q, IPC_RMID, NULL);
	waitpid(pid, NULL, 0);
	qsort(rtt, (size_t)n, sizeof(*rtt), cmp);
	printf("%.1f %.1f %.1f\n", rtt[n / 2], rtt[0], rtt[n - 1]);
	free(rtt);
	return 0;
}
