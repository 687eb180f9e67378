/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* qjunk.c - misbehaving clients of the queue, for the dispatch tests.
 *
 * Usage: qjunk KEY garbage COUNT   COUNT random messages of type 1
 *        qjunk KEY dead            fill the queue with messages for a
 *                                  pid that does not exist; print count
 *        qjunk KEY slow            ask for all links with addresses, read
 *                                  one part, print "reading", then sleep
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proto.h"

int main(int argc, char *argv[])
{
	struct proto_msg m;
	int qid;

	if (argc < 3)
		return 2;
	qid = msgget((key_t)strtol(argv[1], NULL, 0), 0);
	if (qid < 0) {
		perror("msgget");
		return 1;
	}
	if (strcmp(argv[2], "garbage") == 0 && argc == 4) {
		long n = strtol(argv[3], NULL, 10);

		srandom((unsigned)getpid());
		for (long i = 0; i < n; i++) {
			size_t sz = (size_t)random() % 128;

			m.mtype = PROTO_REQUEST_TYPE;
			for (size_t k = 0; k < sz; k++)
				m.u.bytes[k] = (char)random();
			/* some look like requests: right magic, wrong rest */
			if (i % 4 == 0 && sz >= sizeof(struct proto_hdr)) {
				m.u.hdr.magic = PROTO_MAGIC;
				m.u.hdr.reply_type = (int32_t)(random() % 3);
			}
			if (msgsnd(qid, &m, sz, 0) < 0) {
				perror("msgsnd");
				return 1;
			}
		}
		return 0;
	}
	if (strcmp(argv[2], "dead") == 0) {
		pid_t pid = fork();
		long n = 0;

		if (pid == 0)
			_exit(0);
		waitpid(pid, NULL, 0);
		memset(&m, 'j', sizeof(m));
		m.mtype = pid;
		while (msgsnd(qid, &m, 4096, IPC_NOWAIT) == 0)
			n++;
		while (msgsnd(qid, &m, 1, IPC_NOWAIT) == 0) /* to the last byte */
			n++;
		printf("%ld\n", n);
		return errno == EAGAIN ? 0 : 1;
	}
	if (strcmp(argv[2], "slow") == 0) {
		struct proto_request rq = { .hdr.op = PROTO_OP_LINKS, .flags = PROTO_RQ_ADDRS };

		rq.hdr.reply_type = getpid();
		rq.hdr.id = 1;
		if (msgsnd(qid, &m, proto_pack_request(&m, &rq), 0) < 0 ||
		    msgrcv(qid, &m, sizeof(m.u), getpid(), 0) < 0) {
			perror("slow");
			return 1;
		}
		printf("reading\n");
		fflush(stdout);
		for (;;)
			pause();
	}
	return 2;
}
