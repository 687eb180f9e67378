/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* answer.h - what the daemon answers: payloads built from the segment
 * and the parent's status.  The seam the dispatcher answers with: no
 * queue, no thread, so tests call it with a segment they built.
 */
#ifndef IPCMON_ANSWER_H
#define IPCMON_ANSWER_H

#include <stddef.h>

#include "proto.h"
#include "segment.h"
#include "status.h"

/* Build the payload answering rq from the segment h (the caller holds
 * the semaphore; h may be NULL when the segment cannot be read: only
 * ping and status answer then) and st.  On success *ret_buf (malloc'd,
 * the caller frees it) and *ret_len hold the answer (proto.h's payload
 * of rq's op).  Returns 0, or a -errno with a message for the client in
 * err: -ENODEV "no such interface: NAME", -EAGAIN (no segment yet),
 * -EOPNOTSUPP (unknown operation), -ENOMEM. */
int answer_request(const struct seg_header *h, const struct daemon_status *st,
		   const struct proto_request *rq, void **ret_buf,
		   size_t *ret_len, char *err, size_t errlen);

#endif
