/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* main.c - ipcmon-exporter: options, the listening socket (its own, or
 * systemd's), then serve until SIGTERM or SIGINT. */
#include "config.h"

#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "cmdline.h"
#include "http.h"

/* Not a port of another exporter (9100-9999 are all taken in the
 * Prometheus wiki's list of default ports; see ipcmon-exporter(8)). */
#define DEFAULT_PORT "10464"
#define DEFAULT_LISTEN "[::]:" DEFAULT_PORT

enum { EXIT_USAGE = 2 };

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: ipcmon-exporter [OPTIONS]\n"
		"Serve the metrics of ipcmond (this host's and every instance's) for Prometheus\n"
		"at http://ADDRESS:PORT/metrics.\n"
		"\n"
		"Options:\n"
		"  -c, --config FILE            configuration file (default %s)\n"
		"  -l, --listen ADDRESS:PORT    where to listen (default %s; ignored under\n"
		"                               socket activation)\n"
		"      --no-scan                only the configured segment, not every instance\n"
		"  -h, --help                   show this help and exit\n"
		"  -V, --version                show the version and exit\n"
		"\n"
		"Configuration keys, as for ipcmond (command line over file):\n",
		CONFIG_DEFAULT_FILE, DEFAULT_LISTEN);
	cmdline_print_keys(f, CONFIG_EXPORTER);
}

/* "[::]:10464", "127.0.0.1:10464", "localhost:10464", ":10464" (every
 * address), "10464" (the same): split into host (NULL: any) and port. */
static int split_listen(char *spec, const char **host, const char **port)
{
	char *colon;

	if (spec[0] == '[') {
		char *close = strchr(spec, ']');

		if (!close || close[1] != ':' || !close[2])
			return -EINVAL;
		*close = '\0';
		*host = spec + 1;
		*port = close + 2;
		return 0;
	}
	colon = strrchr(spec, ':');
	if (!colon) {
		*host = NULL;
		*port = spec;
	} else {
		*colon = '\0';
		*host = *spec ? spec : NULL;
		*port = colon + 1;
	}
	if (!**port || (*host && strchr(*host, ':')))
		return -EINVAL; /* an IPv6 address wants its brackets */
	return 0;
}

/* Bind and listen on spec; exits with a message naming it on failure. */
static int listen_on(const char *spec)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_STREAM,
		.ai_flags = AI_PASSIVE | AI_NUMERICSERV,
	};
	struct addrinfo *res = NULL, *ai;
	const char *host, *port;
	char *copy = strdup(spec);
	int fd = -1, r, e = 0;

	if (!copy)
		errx(EXIT_FAILURE, "out of memory");
	if (split_listen(copy, &host, &port) < 0)
		errx(EXIT_USAGE, "bad listen address '%s' (want ADDRESS:PORT, [IPV6]:PORT or :PORT)",
		     spec);
	r = getaddrinfo(host, port, &hints, &res);
	if (r != 0)
		errx(EXIT_USAGE, "bad listen address '%s': %s", spec, gai_strerror(r));
	/* Without an address, AI_PASSIVE gives 0.0.0.0 and ::; take :: (both
	 * families, IPV6_V6ONLY off) when the host has IPv6. */
	for (int pass = 0; fd < 0 && pass < 2; pass++)
		for (ai = res; ai && fd < 0; ai = ai->ai_next) {
			int one = 1, zero = 0;

			if (!host && pass == 0 && ai->ai_family != AF_INET6)
				continue;
			fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
			if (fd < 0) {
				e = errno;
				continue;
			}
			setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
			if (ai->ai_family == AF_INET6)
				setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
			if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 1024) < 0) {
				e = errno;
				close(fd);
				fd = -1;
			}
		}
	freeaddrinfo(res);
	free(copy);
	if (fd < 0)
		errx(EXIT_FAILURE, "cannot listen on %s: %s", spec, strerror(e ? e : EADDRNOTAVAIL));
	return fd;
}

/* Room for HTTP_CONNECTIONS_MAX connections: the soft limit of open
 * files up to the hard one (systemd's default soft limit is 1024). */
static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int main(int argc, char *argv[])
{
	static const struct option own[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "listen", required_argument, NULL, 'l' },
		{ "no-scan", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config_file = NULL, *listen_spec = NULL;
	static struct config cfg;
	struct cmdline cl;
	struct http *h;
	char errbuf[512];
	bool scan = true;
	sigset_t sigs;
	int opt, r, fd, n, sig;

	if (cmdline_init(&cl, own, CONFIG_EXPORTER, argc) < 0)
		errx(EXIT_FAILURE, "out of memory");
	while ((opt = getopt_long(argc, argv, "c:l:hV", cl.options, NULL)) != -1) {
		switch (opt) {
		case 'c':
			config_file = optarg;
			break;
		case 'l':
			listen_spec = optarg;
			break;
		case 'n':
			scan = false;
			break;
		case 'h':
			usage(stdout);
			cmdline_free(&cl);
			return EXIT_SUCCESS;
		case 'V':
			printf("ipcmon-exporter %s\n", PACKAGE_VERSION);
			cmdline_free(&cl);
			return EXIT_SUCCESS;
		default:
			if (cmdline_take(&cl, opt, optarg))
				break;
			fprintf(stderr, "Try 'ipcmon-exporter --help' for more information.\n");
			cmdline_free(&cl);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		warnx("unexpected argument '%s'", argv[optind]);
		cmdline_free(&cl);
		return EXIT_USAGE;
	}
	config_defaults(&cfg);
	r = config_load_file(&cfg, config_file ? config_file : CONFIG_DEFAULT_FILE,
			     config_file != NULL, errbuf, sizeof(errbuf));
	if (r >= 0)
		r = cmdline_apply(&cl, &cfg, errbuf, sizeof(errbuf));
	cmdline_free(&cl);
	if (r < 0)
		errx(EXIT_USAGE, "%s", errbuf);

	n = sd_listen_fds(1);
	if (n < 0)
		errx(EXIT_FAILURE, "socket activation: %s", strerror(-n));
	if (n > 1)
		errx(EXIT_FAILURE, "socket activation passed %d sockets, want one", n);
	if (n == 1) {
		fd = SD_LISTEN_FDS_START;
		if (sd_is_socket(fd, AF_UNSPEC, SOCK_STREAM, 1) <= 0)
			errx(EXIT_FAILURE, "socket activation: fd %d is not a listening stream socket", fd);
		if (listen_spec)
			warnx("socket activation: the socket systemd passed wins over --listen %s",
			      listen_spec);
	} else {
		fd = listen_on(listen_spec ? listen_spec : DEFAULT_LISTEN);
	}

	/* Signals are awaited, never handled: block them before the server
	 * starts its threads, which inherit the mask. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	raise_nofile();

	h = http_start(fd, &cfg, scan);
	if (!h)
		errx(EXIT_FAILURE, "cannot start the HTTP server (libmicrohttpd): %s",
		     strerror(errno));
	fprintf(stderr, "ipcmon-exporter %s: serving /metrics on %s%s\n", PACKAGE_VERSION,
		n == 1 ? "the socket systemd passed" : listen_spec ? listen_spec : DEFAULT_LISTEN,
		scan ? "" : " (--no-scan)");
	sd_notify(0, "READY=1");
	while (sigwait(&sigs, &sig) != 0 || (sig != SIGTERM && sig != SIGINT))
		;
	sd_notify(0, "STOPPING=1");
	http_stop(h);
	return EXIT_SUCCESS;
}
