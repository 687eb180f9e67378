/* ipcmonctl.c - the client: options, then one verb from the table. */
#include "config.h"

#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"

/* Exit statuses, documented in ipcmonctl(1). */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
	EXIT_UNREACHABLE = 3,
	EXIT_TIMEOUT = 4,
};

struct ctl {
	struct config cfg;
	const char *config_file;
	bool json;
	bool quiet;
};

struct verb {
	const char *name;
	int (*run)(struct ctl *ctl, int argc, char *argv[]);
	const char *args;
	const char *help;
};

/* The verbs arrive with the dispatcher (see the issues); the table is
 * here so that main() does not change when they do. */
static const struct verb verbs[] = {
	{ NULL, NULL, NULL, NULL },
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: ipcmonctl [OPTIONS] VERB [ARGS]\n"
		"Ask ipcmond about the host's network links and addresses.\n"
		"\n"
		"Verbs:\n");
	for (const struct verb *v = verbs; v->name; v++)
		fprintf(f, "  %-28s %s\n", v->args, v->help);
	fprintf(f,
		"\n"
		"Options:\n"
		"  -c, --config FILE            configuration file (default %s)\n"
		"  -j, --json                   print JSON\n"
		"  -q, --quiet                  print nothing on success\n"
		"  -h, --help                   show this help and exit\n"
		"  -V, --version                show the version and exit\n"
		"\n"
		"Naming options, as for ipcmond (command line over file):\n",
		CONFIG_DEFAULT_FILE);
	cmdline_print_keys(f, CONFIG_CLIENT);
}

int main(int argc, char *argv[])
{
	static const struct option own[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl ctl = { 0 };
	struct cmdline cl;
	char errbuf[512];
	int opt, r;

	if (cmdline_init(&cl, own, CONFIG_CLIENT, argc) < 0)
		errx(EXIT_FAIL, "out of memory");
	/* '+': options end at the verb, whose own options follow it. */
	while ((opt = getopt_long(argc, argv, "+c:jqhV", cl.options, NULL)) != -1) {
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
	for (const struct verb *v = verbs; v->name; v++)
		if (strcmp(v->name, argv[optind]) == 0)
			return v->run(&ctl, argc - optind, argv + optind);
	warnx("unknown verb '%s'", argv[optind]);
	fprintf(stderr, "Try 'ipcmonctl --help' for more information.\n");
	return EXIT_USAGE;
}
