/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* log.c - see log.h. */
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "escape.h"
#include "event.h"
#include "usec.h"

#define LOG_LINE_MAX 4096

static enum log_level log_level = LOGLEVEL_INFO;
static char log_proc[32] = "main";
static bool log_journal;
static bool log_to_stderr = true;
static log_sink_fn *log_sink;
static void *log_sink_data;

/* stderr is the journal when JOURNAL_STREAM names its device and inode. */
static bool stderr_is_journal(void)
{
	const char *e = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!e || sscanf(e, "%llu:%llu", &dev, &ino) != 2)
		return false;
	if (fstat(STDERR_FILENO, &st) < 0)
		return false;
	return st.st_dev == (dev_t)dev && st.st_ino == (ino_t)ino;
}

void log_init(enum log_level level, const char *procname)
{
	log_level = level;
	log_procinit(procname);
	log_journal = stderr_is_journal();
	log_to_stderr = true;
}

void log_procinit(const char *procname)
{
	snprintf(log_proc, sizeof(log_proc), "%s", procname);
}

void log_setlevel(enum log_level level)
{
	log_level = level;
}

enum log_level log_getlevel(void)
{
	return log_level;
}

void log_set_sink(log_sink_fn *fn, void *userdata, bool to_stderr)
{
	log_sink = fn;
	log_sink_data = userdata;
	log_to_stderr = to_stderr || !fn;
}

/* One record, one line, whatever msg holds (a newline in it would start
 * a journal entry without our priority): the journal's "<N>source: msg",
 * or elsewhere the event model's text line, as on the FIFO. */
static void write_stderr(int prio, const char *source, const char *msg)
{
	/* a message of LOG_LINE_MAX bytes fits escaped (at most 4 bytes
	 * a byte): on stderr only a longer record from the collector is cut */
	char line[4 * LOG_LINE_MAX + EVENT_LINE_MIN];
	size_t n;

	if (log_journal) {
		n = (size_t)snprintf(line, sizeof(line), "<%d>", prio);
		n += escape_text(line + n, 4 * EVENT_SOURCE_MAX, source,
				 strnlen(source, EVENT_SOURCE_MAX), NULL);
		memcpy(line + n, ": ", 2);
		n += 2;
		n += escape_text_cut(line + n, sizeof(line) - n - 1, msg, strlen(msg),
				     EVENT_TRUNCATED, NULL);
		line[n++] = '\n';
	} else {
		n = event_record_line(line, sizeof(line), FIFO_FORMAT_TEXT, 0, prio,
				      source, msg);
	}
	fwrite(line, 1, n, stderr);
	fflush(stderr);
}

void log_stderr(int prio, const char *source, const char *msg)
{
	int saved = errno;

	if (prio <= (int)log_level && log_to_stderr)
		write_stderr(prio, source, msg);
	errno = saved;
}

void log_record(int prio, const char *source, const char *msg)
{
	int saved = errno;

	if (prio > (int)log_level) {
		errno = saved;
		return;
	}
	if (log_to_stderr)
		write_stderr(prio, source, msg);
	if (log_sink)
		log_sink(prio, source, msg, log_sink_data);
	errno = saved;
}

/* Start a new interval if the current one is over, with the summary. */
static void ratelimit_roll(struct log_ratelimit *rl, const char *what,
			   uint64_t now)
{
	if (rl->count > 0 && now - rl->begin_usec < rl->interval_usec)
		return;
	if (rl->suppressed > 0)
		log_warnx("%s: %llu similar messages suppressed", what,
			  (unsigned long long)rl->suppressed);
	rl->begin_usec = now;
	rl->count = 0;
	rl->suppressed = 0;
}

bool log_ratelimit(struct log_ratelimit *rl, const char *what)
{
	int saved = errno;
	bool ok;

	ratelimit_roll(rl, what, usec_mono());
	ok = rl->count < rl->burst;
	if (ok)
		rl->count++;
	else
		rl->suppressed++;
	errno = saved;
	return ok;
}

void log_ratelimit_flush(struct log_ratelimit *rl, const char *what)
{
	int saved = errno;
	uint64_t now = usec_mono();

	if (rl->suppressed > 0 && now - rl->begin_usec >= rl->interval_usec) {
		/* the summary closes the interval; the next record opens one */
		log_warnx("%s: %llu similar messages suppressed", what,
			  (unsigned long long)rl->suppressed);
		rl->suppressed = 0;
		rl->count = 0;
	}
	errno = saved;
}

void vlog(int prio, const char *fmt, va_list ap)
{
	char msg[LOG_LINE_MAX];
	int saved = errno;

	if (prio > (int)log_level)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	log_record(prio, log_proc, msg);
	errno = saved;
}

/* fmt followed by ": strerror(errno)". */
static void vlog_errno(int prio, const char *fmt, va_list ap)
{
	char msg[LOG_LINE_MAX];
	int saved = errno;
	int n;

	if (prio > (int)log_level)
		return;
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (n >= 0 && (size_t)n < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - (size_t)n, ": %s", strerror(saved));
	log_record(prio, log_proc, msg);
	errno = saved;
}

#define LOG_FN(name, prio, body)                  \
	void name(const char *fmt, ...)           \
	{                                         \
		va_list ap;                       \
		va_start(ap, fmt);                \
		body(prio, fmt, ap);              \
		va_end(ap);                       \
	}

LOG_FN(log_warn, LOGLEVEL_WARNING, vlog_errno)
LOG_FN(log_warnx, LOGLEVEL_WARNING, vlog)
LOG_FN(log_err, LOGLEVEL_ERR, vlog)
LOG_FN(log_notice, LOGLEVEL_NOTICE, vlog)
LOG_FN(log_info, LOGLEVEL_INFO, vlog)
LOG_FN(log_debug, LOGLEVEL_DEBUG, vlog)

void fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog_errno(LOGLEVEL_ERR, fmt, ap);
	va_end(ap);
	exit(1);
}

void fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOGLEVEL_ERR, fmt, ap);
	va_end(ap);
	exit(1);
}
