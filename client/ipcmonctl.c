/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* ipcmonctl.c - the client: options, then one verb from the table. */
#include "config.h"

#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "ctl.h"

struct verb {
	const char *name;
	int (*run)(struct ctl *ctl, int argc, char *argv[]);
	const char *args;
	const char *help;
};

static const struct verb verbs[] = {
	{ "status", verb_status, "status", "the daemon's state and counters" },
	{ "links", verb_links, "links", "one row per link (alias: list)" },
	{ "list", verb_links, NULL, NULL },
	{ "addrs", verb_addrs, "addrs [IFACE]", "links with their addresses" },
	{ "show", verb_show, "show IFACE", "one link in detail" },
	{ "events", verb_events, "events [-n N] [-f|--follow]",
	  "the last N events (10); -f: then new ones as they come" },
	{ "wait", verb_wait, "wait [--timeout S] link IFACE up|down|present|absent", "" },
	{ "wait", verb_wait, "wait [--timeout S] addr ADDRESS[/PLEN] present|absent",
	  "return as soon as it holds (0), or 4 after S seconds (120)" },
	{ "ping", verb_ping, "ping [-c COUNT]",
	  "round trip to the daemon, in microseconds (COUNT times: min/median/max)" },
	{ "metrics", verb_metrics, "metrics [--no-scan]",
	  "Prometheus metrics of this and (unless --no-scan) every other instance" },
	{ NULL, NULL, NULL, NULL },
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: ipcmonctl [OPTIONS] VERB [ARGS]\n"
		"Ask ipcmond about the host's network links and addresses.\n"
		"\n"
		"Verbs:\n");
	for (const struct verb *v = verbs; v->name; v++) {
		if (!v->args)
			continue;
		if (strlen(v->args) > 28)
			fprintf(f, "  %s\n  %-28s %s\n", v->args, "", v->help);
		else
			fprintf(f, "  %-28s %s\n", v->args, v->help);
	}
	fprintf(f,
		"\n"
		"Options:\n"
		"  -c, --config FILE            configuration file (default %s)\n"
		"  -j, --json                   print JSON\n"
		"  -t, --timeout S              wait at most S seconds for an answer (5)\n"
		"  -q, --quiet                  print nothing on success\n"
		"  -h, --help                   show this help and exit\n"
		"  -V, --version                show the version and exit\n"
		"\n"
		"Configuration keys, as for ipcmond (command line over file):\n",
		CONFIG_DEFAULT_FILE);
	cmdline_print_keys(f, CONFIG_CLIENT);
}

int main(int argc, char *argv[])
{
	static const struct option own[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 't' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl ctl = { .qid = -1, .timeout_usec = CTL_TIMEOUT_DEFAULT_USEC };
	struct cmdline cl;
	char errbuf[512];
	int opt, r;

	if (cmdline_init(&cl, own, CONFIG_CLIENT, argc) < 0)
		errx(EXIT_FAIL, "out of memory");
	/* '+': options end at the verb, whose own options follow it. */
	while ((opt = getopt_long(argc, argv, "+c:jt:qhV", cl.options, NULL)) != -1) {
		switch (opt) {
		case 'c':
			ctl.config_file = optarg;
			break;
		case 'j':
			ctl.json = true;
			break;
		case 'q':
			ctl.quiet = true;
			break;
		case 't':
			if (ctl_parse_timeout(optarg, &ctl.timeout_usec) < 0 ||
			    ctl.timeout_usec == 0) {
				warnx("bad timeout '%s' (seconds, e.g. 5, 0.5, 250ms)", optarg);
				cmdline_free(&cl);
				return EXIT_USAGE;
			}
			ctl.timeout_set = true;
			break;
		case 'h':
			usage(stdout);
			cmdline_free(&cl);
			return EXIT_OK;
		case 'V':
			printf("ipcmonctl %s\n", PACKAGE_VERSION);
			cmdline_free(&cl);
			return EXIT_OK;
		default:
			if (cmdline_take(&cl, opt, optarg))
				break;
			fprintf(stderr, "Try 'ipcmonctl --help' for more information.\n");
			cmdline_free(&cl);
			return EXIT_USAGE;
		}
	}
	config_defaults(&ctl.cfg);
	r = config_load_file(&ctl.cfg, ctl.config_file ? ctl.config_file : CONFIG_DEFAULT_FILE,
			     ctl.config_file != NULL, errbuf, sizeof(errbuf));
	if (r >= 0)
		r = cmdline_apply(&cl, &ctl.cfg, errbuf, sizeof(errbuf));
	cmdline_free(&cl);
	if (r < 0) {
		warnx("%s", errbuf);
		return EXIT_USAGE;
	}
	if (optind >= argc) {
		warnx("no verb given");
		usage(stderr);
		return EXIT_USAGE;
	}
	ctl.out = ctl.json ? &output_json : &output_text;
	for (const struct verb *v = verbs; v->name; v++)
		if (strcmp(v->name, argv[optind]) == 0)
			return v->run(&ctl, argc - optind, argv + optind);
	warnx("unknown verb '%s'", argv[optind]);
	fprintf(stderr, "Try 'ipcmonctl --help' for more information.\n");
	return EXIT_USAGE;
}
