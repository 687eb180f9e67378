/* main.c - ipcmond: options, configuration, then the supervisor. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "log.h"
#include "supervisor.h"

struct options {
	const char *config_file; /* NULL: the default file, if present */
	struct cmdline cl;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: ipcmond [OPTIONS]\n"
		"Watch the kernel's network links and addresses, CPU and memory,\n"
		"and serve them to ipcmonctl.\n"
		"\n"
		"  -c, --config FILE            configuration file (default %s)\n"
		"  -h, --help                   show this help and exit\n"
		"  -V, --version                show the version and exit\n"
		"\n"
		"Every configuration key is also an option (command line over file):\n",
		CONFIG_DEFAULT_FILE);
	cmdline_print_keys(f, CONFIG_DAEMON);
}

static int load_config(struct config *c, char *err, size_t errlen,
		       void *userdata)
{
	const struct options *o = userdata;
	struct config tmp;
	int r;

	config_defaults(&tmp);
	r = config_load_file(&tmp, o->config_file ? o->config_file : CONFIG_DEFAULT_FILE,
			     o->config_file != NULL, err, errlen);
	if (r < 0)
		return r;
	r = cmdline_apply(&o->cl, &tmp, err, errlen);
	if (r < 0)
		return r;
	*c = tmp;
	return 0;
}

int main(int argc, char *argv[])
{
	static const struct option own[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct options o = { 0 };
	struct config c;
	char err[512];
	int opt, r;

	if (cmdline_init(&o.cl, own, CONFIG_DAEMON, argc) < 0) {
		fprintf(stderr, "ipcmond: out of memory\n");
		return 1;
	}
	while ((opt = getopt_long(argc, argv, "c:hV", o.cl.options, NULL)) != -1) {
		switch (opt) {
		case 'c':
			o.config_file = optarg;
			break;
		case 'h':
			usage(stdout);
			cmdline_free(&o.cl);
			return 0;
		case 'V':
			printf("ipcmond %s\n", PACKAGE_VERSION);
			cmdline_free(&o.cl);
			return 0;
		default:
			if (cmdline_take(&o.cl, opt, optarg))
				break;
			fprintf(stderr, "Try 'ipcmond --help' for more information.\n");
			cmdline_free(&o.cl);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "ipcmond: unexpected argument '%s'\n"
			"Try 'ipcmond --help' for more information.\n", argv[optind]);
		cmdline_free(&o.cl);
		return 2;
	}
	if (load_config(&c, err, sizeof(err), &o) < 0) {
		fprintf(stderr, "ipcmond: %s\n", err);
		cmdline_free(&o.cl);
		return 2;
	}
	log_init(c.log_level, "main");
	r = supervisor_run(&c, load_config, &o);
	cmdline_free(&o.cl);
	return r;
}
