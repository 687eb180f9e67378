/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* http.c - see http.h. */
#include "http.h"

#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "metrics.h"
#include "scrape.h"

/* A rendered text, lent to libmicrohttpd until the answer is sent, then
 * kept for the next scrape (up to HTTP_THREADS of them): its pages stay
 * mapped, and a scrape of 8000 links does not fault in 18 MB anew. */
struct text {
	struct http *h;
	struct metrics_buf b;
};

struct http {
	struct MHD_Daemon *d;
	struct scrape_opts opts;
	pthread_mutex_t lock;
	struct text *spare[HTTP_THREADS];
	size_t nspare;
};

static struct text *text_get(struct http *h)
{
	struct text *t = NULL;

	pthread_mutex_lock(&h->lock);
	if (h->nspare)
		t = h->spare[--h->nspare];
	pthread_mutex_unlock(&h->lock);
	if (!t) {
		t = calloc(1, sizeof(*t));
		if (t)
			t->h = h;
	}
	if (t) {
		t->b.len = 0;
		t->b.error = 0;
	}
	return t;
}

/* libmicrohttpd is done with the text (MHD_ContentReaderFreeCallback). */
static void text_put(void *cls)
{
	struct text *t = cls;
	struct http *h = t->h;

	pthread_mutex_lock(&h->lock);
	if (h->nspare < HTTP_THREADS) {
		h->spare[h->nspare++] = t;
		t = NULL;
	}
	pthread_mutex_unlock(&h->lock);
	if (t) {
		metrics_buf_free(&t->b);
		free(t);
	}
}

/* A response of a static text (MHD copies nothing: the text is ours). */
static enum MHD_Result reply_text(struct MHD_Connection *c, unsigned status,
				  const char *text)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(strlen(text), (void *)text,
					    MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result reply_metrics(struct http *h, struct MHD_Connection *c)
{
	struct text *t = text_get(h);
	struct MHD_Response *r;
	enum MHD_Result ret;
	int err;

	if (!t)
		return reply_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
				  "out of memory while rendering the metrics\n");
	err = scrape_run(&h->opts, &t->b, NULL);
	if (err == -ENOENT) {
		text_put(t);
		return reply_text(c, MHD_HTTP_SERVICE_UNAVAILABLE,
				  h->opts.scan ?
				  "no ipcmond is running: no segment under the configured "
				  "shm_name nor any " SCRAPE_SHM_DIR "/ipc_shm.NAME\n" :
				  "no ipcmond is running: no segment under the configured "
				  "shm_name\n");
	}
	if (err < 0 || !t->b.len) {
		text_put(t);
		return reply_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
				  "out of memory while rendering the metrics\n");
	}
	r = MHD_create_response_from_buffer_with_free_callback_cls(t->b.len, t->b.data,
								   text_put, t);
	if (!r) {
		text_put(t);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, METRICS_CONTENT_TYPE);
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c,
			      const char *url, const char *method,
			      const char *version, const char *upload_data,
			      size_t *upload_data_size, void **con_cls)
{
	static int seen; /* the marker of a request's first call */
	struct http *h = cls;

	(void)version;
	(void)upload_data;
	/* The first call comes with the headers.  A request with a body
	 * (no GET has one) is answered then, and MHD closes the connection
	 * rather than read the body; the others are answered at the second
	 * call, after which the connection may stay open (keep-alive). */
	if (!*con_cls) {
		*con_cls = &seen;
		if (!MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH) &&
		    !MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						 MHD_HTTP_HEADER_TRANSFER_ENCODING))
			return MHD_YES;
	} else if (*upload_data_size) {
		*upload_data_size = 0; /* a body after all: drop it */
		return MHD_YES;
	}
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return reply_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD\n");
	if (strcmp(url, "/metrics") == 0)
		return reply_metrics(h, c);
	if (strcmp(url, "/") == 0)
		return reply_text(c, MHD_HTTP_OK,
				  "ipcmon-exporter " PACKAGE_VERSION ": the metrics are at /metrics\n");
	return reply_text(c, MHD_HTTP_NOT_FOUND, "not found: the metrics are at /metrics\n");
}

struct http *http_start(int listen_fd, const struct config *cfg, bool scan)
{
	struct http *h = calloc(1, sizeof(*h));

	if (!h) {
		close(listen_fd);
		errno = ENOMEM;
		return NULL;
	}
	h->opts.cfg = cfg;
	h->opts.scan = scan;
	pthread_mutex_init(&h->lock, NULL);
	h->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL,
				0, NULL, NULL, handle, h,
				MHD_OPTION_LISTEN_SOCKET, listen_fd,
				MHD_OPTION_THREAD_POOL_SIZE, (unsigned)HTTP_THREADS,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned)HTTP_CONNECTIONS_MAX,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HTTP_IDLE_TIMEOUT_SEC,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_REQUEST_MAX,
				MHD_OPTION_END);
	if (!h->d) {
		close(listen_fd);
		free(h);
		errno = EINVAL;
		return NULL;
	}
	return h;
}

void http_stop(struct http *h)
{
	if (!h)
		return;
	MHD_stop_daemon(h->d);
	for (size_t i = 0; i < h->nspare; i++) {
		metrics_buf_free(&h->spare[i]->b);
		free(h->spare[i]);
	}
	pthread_mutex_destroy(&h->lock);
	free(h);
}
