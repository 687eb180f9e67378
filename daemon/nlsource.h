/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* nlsource.h - the kernel as the collector's source: rtnetlink through
 * libnl (collector.h's collector_source_ops).
 *
 * Two sockets: one subscribed to RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR and
 * RTNLGRP_IPV6_IFADDR, non-blocking, whose messages libnl parses into
 * objects (nl_msg_parse); one for request/response dumps.  libnl's error
 * codes stop here: every function returns 0 or -errno.  No logging.
 */
#ifndef IPCMON_NLSOURCE_H
#define IPCMON_NLSOURCE_H

#include <stdint.h>

#include "collector.h"

struct nlsource;

extern const struct collector_source_ops nlsource_ops;

/* Open both sockets and subscribe.  rcvbuf is the receive buffer to ask
 * for (bytes; SO_RCVBUFFORCE when privileged, else capped by
 * net.core.rmem_max).  Returns 0 or -errno. */
int nlsource_open(uint64_t rcvbuf, struct nlsource **ret);
void nlsource_close(struct nlsource *s);

/* The notification socket, to poll for EPOLLIN. */
int nlsource_fd(const struct nlsource *s);

/* The receive buffer the kernel gave (bytes, read back), and what was
 * asked for. */
uint32_t nlsource_rcvbuf(const struct nlsource *s);

/* libnl's error code (NLE_*, negative or not) as a negative errno. */
int nlsource_errno(int nlerr);

#endif
