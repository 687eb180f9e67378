/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* verbs_metrics.c - metrics: what ipcmon-exporter serves, on stdout
 * (for node_exporter's textfile collector). */
#include "ctl.h"

#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "metrics.h"
#include "scrape.h"

int verb_metrics(struct ctl *ctl, int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "no-scan", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct scrape_opts o = { .cfg = &ctl->cfg, .scan = true };
	struct metrics_buf b = { 0 };
	int opt, r, rc = EXIT_OK;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (opt != 'n')
			return EXIT_USAGE;
		o.scan = false;
	}
	if (optind < argc) {
		warnx("metrics: unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	r = scrape_run(&o, &b, NULL);
	if (r == -ENOENT) {
		warnx("cannot reach ipcmond: no segment %s%s (%s)", ctl->cfg.shm_name,
		      o.scan ? " nor any " SCRAPE_SHM_DIR "/ipc_shm.NAME" : "", ctl_hint(ctl));
		rc = EXIT_UNREACHABLE;
	} else if (r < 0) {
		warnx("metrics: %s", strerror(-r));
		rc = EXIT_FAIL;
	} else if (fwrite(b.data, 1, b.len, stdout) != b.len || fflush(stdout) != 0) {
		warn("metrics: cannot write the output");
		rc = EXIT_FAIL;
	}
	metrics_buf_free(&b);
	return rc;
}
