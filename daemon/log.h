/* log.h - the daemon's log, in the shape of OpenBSD's log.c.
 *
 * Every record goes to stderr (with sd-daemon "<N>" prefixes when stderr
 * is the journal, with a time stamp otherwise) and to an optional sink:
 * the FIFO in the parent, the socketpair in the collector.  errno is
 * preserved by every function here.
 */
#ifndef IPCMON_LOG_H
#define IPCMON_LOG_H

#include <stdarg.h>
#include <stdbool.h>

#include "config.h"

/* A second destination for records.  msg has no time stamp and no
 * newline; source is the process name ("main", "collector"). */
typedef void log_sink_fn(int prio, const char *source, const char *msg,
			 void *userdata);

void log_init(enum log_level level, const char *procname);
/* Rename the process in later records (after fork). */
void log_procinit(const char *procname);
void log_setlevel(enum log_level level);
enum log_level log_getlevel(void);
/* Install a sink; with to_stderr false, records go to the sink only (the
 * collector: its parent writes them).  fn NULL removes the sink. */
void log_set_sink(log_sink_fn *fn, void *userdata, bool to_stderr);

/* Record from another process (source given), already formatted. */
void log_record(int prio, const char *source, const char *msg);

void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vlog(int prio, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Log at err and exit(1).  fatal() appends strerror(errno). */
void fatal(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

/* Format the current wall-clock time as ISO-8601 UTC with microseconds
 * ("2026-11-21T10:00:00.123456Z"); buf needs 28 bytes. */
void log_timestamp(char *buf, unsigned long size);

#endif
