/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* cmdline.c - long options generated from the config key table. */
#include "cmdline.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static size_t n_keys(void)
{
	size_t n = 0;

	while (config_keys[n].name)
		n++;
	return n;
}

/* "fifo_path" -> "fifo-path", in static storage per key. */
static const char *option_name(size_t i)
{
	static char names[64][32];
	size_t j;

	if (!names[i][0]) {
		for (j = 0; config_keys[i].name[j] && j < sizeof(names[i]) - 1; j++)
			names[i][j] = config_keys[i].name[j] == '_' ? '-' : config_keys[i].name[j];
		names[i][j] = '\0';
	}
	return names[i];
}

int cmdline_init(struct cmdline *cl, const struct option *own, unsigned scope,
		 int argc)
{
	size_t n_own = 0, n = 0, total = n_keys();

	memset(cl, 0, sizeof(*cl));
	while (own[n_own].name)
		n_own++;
	cl->options = calloc(n_own + total + 1, sizeof(*cl->options));
	cl->pending = calloc((size_t)(argc > 0 ? argc : 1), sizeof(*cl->pending));
	if (!cl->options || !cl->pending) {
		cmdline_free(cl);
		return -ENOMEM;
	}
	memcpy(cl->options, own, n_own * sizeof(*own));
	n = n_own;
	for (size_t i = 0; i < total; i++) {
		if (!(config_keys[i].scope & scope))
			continue;
		cl->options[n].name = option_name(i);
		cl->options[n].has_arg = required_argument;
		cl->options[n].flag = NULL;
		cl->options[n].val = CMDLINE_KEY_BASE + (int)i;
		n++;
	}
	return 0;
}

bool cmdline_take(struct cmdline *cl, int opt, const char *arg)
{
	if (opt < CMDLINE_KEY_BASE || (size_t)(opt - CMDLINE_KEY_BASE) >= n_keys())
		return false;
	cl->pending[cl->n_pending].key = &config_keys[opt - CMDLINE_KEY_BASE];
	cl->pending[cl->n_pending].value = arg;
	cl->n_pending++;
	return true;
}

int cmdline_apply(const struct cmdline *cl, struct config *c, char *err,
		  size_t errlen)
{
	char msg[256];

	for (size_t i = 0; i < cl->n_pending; i++) {
		const struct config_key *k = cl->pending[i].key;

		if (config_set(c, k, cl->pending[i].value, msg, sizeof(msg)) < 0) {
			snprintf(err, errlen, "option --%s: %s",
				 option_name((size_t)(k - config_keys)), msg);
			return -EINVAL;
		}
	}
	return 0;
}

void cmdline_print_keys(FILE *f, unsigned scope)
{
	struct config d;
	char def[PATH_MAX + 16], left[64];

	config_defaults(&d);
	for (size_t i = 0; config_keys[i].name; i++) {
		const struct config_key *k = &config_keys[i];

		if (!(k->scope & scope))
			continue;
		config_format(&d, k, def, sizeof(def));
		snprintf(left, sizeof(left), "--%s %s", option_name(i), k->argname);
		fprintf(f, "      %-28s %s (default %s)\n", left, k->help, *def ? def : "none");
	}
}

void cmdline_free(struct cmdline *cl)
{
	free(cl->options);
	free(cl->pending);
	cl->options = NULL;
	cl->pending = NULL;
}
