/* supervisor.c - the parent's event loop.
 *
 * One sd-event loop: signals arrive as events (SIGTERM/SIGINT stop,
 * SIGHUP reloads); the handlers only flip state and hand work out.
 */
#include "supervisor.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>

#include "lockfile.h"
#include "log.h"

struct supervisor {
	struct config cfg;
	config_loader_fn *reload;
	void *reload_data;
	sd_event *event;
	int lock_fd;
};

static void log_names(const struct supervisor *s, const char *what)
{
	log_info("%s ipcmond %s: fifo %s, shm %s, sem %s, msg key 0x%x, lock %s",
		 what, PACKAGE_VERSION, s->cfg.fifo_path, s->cfg.shm_name,
		 s->cfg.sem_name, (unsigned)s->cfg.msg_key, s->cfg.lock_path);
}

static int on_stop_signal(sd_event_source *src, const struct signalfd_siginfo *si,
			  void *userdata)
{
	struct supervisor *s = userdata;

	log_info("received %s, stopping", strsignal((int)si->ssi_signo));
	sd_notify(0, "STOPPING=1");
	return sd_event_exit(s->event, 0);
}

static int on_sighup(sd_event_source *src, const struct signalfd_siginfo *si,
		     void *userdata)
{
	struct supervisor *s = userdata;
	struct config next;
	char err[512];

	sd_notify(0, "RELOADING=1");
	if (s->reload(&next, err, sizeof(err), s->reload_data) < 0) {
		log_warnx("reload: %s; keeping the running configuration", err);
	} else {
		/* Names cannot change under running clients: only tunables do. */
		s->cfg.log_level = next.log_level;
		log_setlevel(next.log_level);
		log_info("reloaded: log level %s", config_loglevel_name(next.log_level));
	}
	sd_notify(0, "READY=1");
	return 0;
}

static int add_signals(struct supervisor *s)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP };
	sigset_t mask;
	int r;

	sigemptyset(&mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&mask, sigs[i]);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return -errno;
	signal(SIGPIPE, SIG_IGN);
	r = sd_event_add_signal(s->event, NULL, SIGTERM, on_stop_signal, s);
	if (r >= 0)
		r = sd_event_add_signal(s->event, NULL, SIGINT, on_stop_signal, s);
	if (r >= 0)
		r = sd_event_add_signal(s->event, NULL, SIGHUP, on_sighup, s);
	return r;
}

int supervisor_run(const struct config *c, config_loader_fn *reload,
		   void *userdata)
{
	struct supervisor s = { .cfg = *c, .reload = reload,
				.reload_data = userdata, .lock_fd = -1 };
	pid_t holder;
	int r, status = 1;

	r = lockfile_acquire(c->lock_path, &holder);
	if (r == -EWOULDBLOCK) {
		log_err("another ipcmond (pid %ld) already runs with lock file %s",
			(long)holder, c->lock_path);
		return 1;
	}
	if (r < 0) {
		log_err("lock file %s: %s", c->lock_path, strerror(-r));
		return 1;
	}
	s.lock_fd = r;

	r = sd_event_default(&s.event);
	if (r < 0) {
		log_err("sd_event_default: %s", strerror(-r));
		goto fail;
	}
	r = add_signals(&s);
	if (r < 0) {
		log_err("signal set-up: %s", strerror(-r));
		goto fail;
	}
	log_names(&s, "starting");
	sd_notify(0, "READY=1\nSTATUS=running");
	r = sd_event_loop(s.event);
	if (r < 0) {
		log_err("event loop: %s", strerror(-r));
		goto fail;
	}
	log_info("stopped");
	status = 0;
fail:
	sd_event_unref(s.event);
	if (s.lock_fd >= 0)
		close(s.lock_fd);
	return status;
}
