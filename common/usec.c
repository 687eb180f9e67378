/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* usec.c - see usec.h. */
#include "usec.h"

#include <stdio.h>

int64_t usec_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

uint64_t usec_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * USEC_PER_SEC + (uint64_t)ts.tv_nsec / 1000;
}

struct timespec usec_to_timespec(uint64_t usec)
{
	struct timespec ts = {
		.tv_sec = (time_t)(usec / USEC_PER_SEC),
		.tv_nsec = (long)(usec % USEC_PER_SEC) * 1000,
	};

	return ts;
}

struct timespec usec_realtime_deadline(uint64_t usec)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += (time_t)(usec / USEC_PER_SEC);
	ts.tv_nsec += (long)(usec % USEC_PER_SEC) * 1000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	return ts;
}

void usec_format_iso(int64_t usec, char *buf, size_t len)
{
	struct tm tm;
	time_t sec;
	size_t n;

	if (usec <= 0)
		usec = usec_now();
	sec = (time_t)(usec / 1000000);
	gmtime_r(&sec, &tm);
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%06uZ", (unsigned)(usec % 1000000));
}
