/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* usec.h - time in microseconds, the one unit ipcmon keeps time in.
 *
 * Wall-clock times (CLOCK_REALTIME) are what people and the segment see:
 * event and start times.  Deadlines, intervals and rates use
 * CLOCK_MONOTONIC, which never jumps.  Pure functions, no allocation.
 */
#ifndef IPCMON_USEC_H
#define IPCMON_USEC_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define USEC_PER_MSEC UINT64_C(1000)
#define USEC_PER_SEC UINT64_C(1000000)

/* CLOCK_REALTIME in microseconds since the epoch. */
int64_t usec_now(void);

/* CLOCK_MONOTONIC in microseconds. */
uint64_t usec_mono(void);

/* usec as a relative struct timespec (for futex and sem timeouts). */
struct timespec usec_to_timespec(uint64_t usec);

/* CLOCK_REALTIME now + usec, as sem_timedwait and
 * pthread_cond_timedwait take their deadline. */
struct timespec usec_realtime_deadline(uint64_t usec);

/* A wall-clock time as ISO 8601 UTC with microseconds,
 * "2026-11-21T10:00:00.123456Z" (27 bytes and the NUL): buf needs
 * USEC_ISO_LEN bytes.  usec <= 0 means now. */
#define USEC_ISO_LEN 32
void usec_format_iso(int64_t usec, char *buf, size_t len);

#endif
