/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* futex.h - wait on and wake the segment's generation word.
 *
 * Shared (not FUTEX_PRIVATE) operations, so a client that mapped the
 * segment read-only in another process is woken by the collector. */
#ifndef IPCMON_FUTEX_H
#define IPCMON_FUTEX_H

#include <stdint.h>
#include <time.h>

/* Sleep while *word == seen, at most *timeout (relative; NULL: forever).
 * Returns 0 when woken or the word differs, -ETIMEDOUT, or -EINTR. */
int futex_wait_change(const uint32_t *word, uint32_t seen,
		      const struct timespec *timeout);

/* Wake every waiter on word. */
void futex_wake_all(uint32_t *word);

#endif
