/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* metrics.h - segments' snapshots as Prometheus metrics, in the text
 * exposition format 0.0.4.
 *
 * The one renderer: `ipcmonctl metrics` and ipcmon-exporter's
 * GET /metrics print what it writes.  Names: base units, counters end
 * in _total, _info series are 1, every family has its HELP and TYPE,
 * label values are escaped (and made valid UTF-8: bytes that are not
 * are written as the text \xNN, as the rest of ipcmon shows them).
 *
 * The network families take node_exporter's suffixes and label names
 * (netdev and netclass collectors), after the prefix ipcmon_ or, with
 * metrics_names = node, node_ itself; what no poller has (operstate and
 * admin transitions, last change, links created and deleted, events by
 * type, ...) is always ipcmon_.  Every series of a daemon instance
 * carries the label ipcmon_instance (its name; none for the default
 * instance, whose name is "").  The list of families, with types,
 * labels and meanings, is in ipcmon-exporter(8).
 *
 * Pure functions on snapshots: no I/O, no logging.
 */
#ifndef IPCMON_METRICS_H
#define IPCMON_METRICS_H

#include <stddef.h>

#include "config.h"
#include "segview.h"

/* What GET /metrics answers with. */
#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* The label that tells daemon instances apart.  Not "instance": that is
 * the target label Prometheus adds to every series it scrapes. */
#define METRICS_INSTANCE_LABEL "ipcmon_instance"

/* A growing text buffer; data is malloc'd (NULL while empty). */
struct metrics_buf {
	char *data;
	size_t len, cap;
	int error;   /* -ENOMEM once a growth failed: then the text is cut */
};

void metrics_buf_free(struct metrics_buf *b);

/* One daemon instance to render. */
struct metrics_source {
	const char *instance;            /* the label's value, "" for none */
	const struct seg_snapshot *snap; /* NULL: its segment could not be
					  * read (only ipcmon_up 0 is written) */
};

/* Append the metrics of n sources (instance labels unique) to *b, with
 * the network families named as names says.  ipcmon_build_info comes
 * first, whatever n.  Returns 0 or -ENOMEM (b->error: the text is cut
 * and must not be served). */
int metrics_render(struct metrics_buf *b, const struct metrics_source *src,
		   size_t n, enum metrics_names names);

/* Append src (n bytes) as a label value, between the quotes: \ and "
 * escaped as the format wants (so the value reads as the name, as a
 * JSON string of it does), valid UTF-8 as it is, and every control byte
 * (newline too) or byte that is not part of valid UTF-8 written as the
 * text \xNN, as ipcmon shows it to people: the value is valid UTF-8
 * whatever the name holds.  Returns 0 or -ENOMEM. */
int metrics_label_value(struct metrics_buf *b, const char *src, size_t n);

#endif
