/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* http.h - ipcmon-exporter's HTTP side, on libmicrohttpd.
 *
 * GET (or HEAD) /metrics answers the scrape (common/scrape.h) as
 * METRICS_CONTENT_TYPE; 503 with the reason in the body when no daemon's
 * segment is there; / says where the metrics are; other paths 404,
 * other methods 405.  libmicrohttpd parses the requests and bounds them:
 * a request larger than HTTP_REQUEST_MAX is refused (431/414) and the
 * connection closed, a client silent for HTTP_IDLE_TIMEOUT_SEC is
 * dropped, at most HTTP_CONNECTIONS_MAX connections are open at once
 * (the others wait in the listen backlog).  Each scrape reads the
 * segments without a lock (common/segview.h), so no request, however
 * slow or malformed, can hold up a daemon.
 */
#ifndef IPCMON_HTTP_H
#define IPCMON_HTTP_H

#include <stdbool.h>

#include "config.h"

#define HTTP_REQUEST_MAX (16 * 1024)  /* bytes of request line and headers */
#define HTTP_IDLE_TIMEOUT_SEC 10
#define HTTP_CONNECTIONS_MAX 1000
#define HTTP_THREADS 2                /* scrapes rendered at once */

struct http;

/* Serve on listen_fd (bound and listening; the server owns it from now
 * on, also on failure).  cfg and scan are what every scrape reads
 * (scrape_opts); cfg must outlive the server.  Returns the server, or
 * NULL with errno set (EINVAL: libmicrohttpd refused to start). */
struct http *http_start(int listen_fd, const struct config *cfg, bool scan);

/* Stop accepting, finish or drop open connections, free.  NULL is fine. */
void http_stop(struct http *h);

#endif
