/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* collector_main.h - the collector's program image.
 *
 * The parent forks and execs its own executable as
 *   ipcmond --collector
 * with its end of the socketpair (AF_UNIX, SOCK_SEQPACKET) on fd
 * COLLECTOR_FD_SOCK and the segment (read-write) on COLLECTOR_FD_SHM.
 * The first frame on the socket is FRAME_CONFIG: the configuration the
 * parent runs.  A fresh image inherits no thread, lock or state of the
 * parent's.
 */
#ifndef IPCMON_COLLECTOR_MAIN_H
#define IPCMON_COLLECTOR_MAIN_H

#define COLLECTOR_ARG "--collector"
#define COLLECTOR_FD_SOCK 3
#define COLLECTOR_FD_SHM 4

/* Run the collector role; returns the exit status (0 after SHUTDOWN or
 * SIGTERM or when the parent went away, 1 on failure, 2 when not started
 * by ipcmond). */
int collector_main(void);

#endif
