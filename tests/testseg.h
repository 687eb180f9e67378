/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* testseg.h - segments and status made in memory for the Check suites. */
#ifndef IPCMON_TESTSEG_H
#define IPCMON_TESTSEG_H

#include <stddef.h>
#include <stdint.h>

#include "segment.h"
#include "status.h"

/* A READY segment (malloc'd, total size in *ret_size when not NULL) with
 * nlinks links "if0".. (ifindex 1000 down to, in no order), each with
 * addrs_per_link IPv4 addresses 10.0.<i>.<a+1>/24, and a ring of ring
 * events. */
struct seg_header *testseg_make(uint32_t nlinks, uint32_t addrs_per_link,
				uint32_t ring, size_t *ret_size);

/* A parent status (malloc'd) with pid and a start time 5 s ago. */
struct daemon_status *testseg_status(void);

#endif
