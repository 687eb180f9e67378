/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* cmdline.h - the config keys as long options, shared by both programs.
 *
 * Options are collected while getopt runs and applied after the config
 * file is read, so that the command line wins over the file whatever the
 * order of -c and the options.
 */
#ifndef IPCMON_CMDLINE_H
#define IPCMON_CMDLINE_H

#include <getopt.h>
#include <stdio.h>

#include "config.h"

/* getopt_long() returns CMDLINE_KEY_BASE + index into config_keys for a
 * key option. */
#define CMDLINE_KEY_BASE 0x1000

struct cmdline {
	struct option *options;     /* own options, then the keys' */
	struct {
		const struct config_key *key;
		const char *value;
	} *pending;
	size_t n_pending;
};

/* Build the option table: the program's own options (ended by a zeroed
 * entry) followed by every key offered to scope.  Returns 0 or -ENOMEM. */
int cmdline_init(struct cmdline *cl, const struct option *own, unsigned scope,
		 int argc);

/* Record a key option returned by getopt_long(); returns false when opt is
 * not a key option. */
bool cmdline_take(struct cmdline *cl, int opt, const char *arg);

/* Apply the recorded options to *c.  Returns 0, or -EINVAL with
 * "option --KEY: what was wrong" in err. */
int cmdline_apply(const struct cmdline *cl, struct config *c, char *err,
		  size_t errlen);

/* One line per key offered to scope, with its default, for usage(). */
void cmdline_print_keys(FILE *f, unsigned scope);

void cmdline_free(struct cmdline *cl);

#endif
