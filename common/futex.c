/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* futex.c - see futex.h. */
#include "futex.h"

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

int futex_wait_change(const uint32_t *word, uint32_t seen,
		      const struct timespec *timeout)
{
	if (__atomic_load_n(word, __ATOMIC_ACQUIRE) != seen)
		return 0;
	if (syscall(SYS_futex, word, FUTEX_WAIT, seen, timeout, NULL, 0) < 0) {
		if (errno == EAGAIN)
			return 0; /* changed before we slept */
		return -errno;
	}
	return 0;
}

void futex_wake_all(uint32_t *word)
{
	syscall(SYS_futex, word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}
