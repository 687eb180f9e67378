/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* config.h - the configuration both programs share.
 *
 * One table of keys drives the config file parser, the long options of
 * both programs and the --help text, so that the three cannot disagree.
 * Precedence: command line over file over built-in defaults.
 */
#ifndef IPCMON_CONFIG_H
#define IPCMON_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define CONFIG_DEFAULT_FILE SYSCONFDIR "/ipcmond.conf"

/* Longest POSIX IPC name we accept, leading '/' included.  The semaphore
 * lives at /dev/shm/sem.NAME, so NAME_MAX - 4 is the real bound. */
#define CONFIG_IPC_NAME_MAX (NAME_MAX - 4)

/* Longest instance name (see config_instance_names()). */
#define CONFIG_INSTANCE_MAX 64

enum log_level {
	LOGLEVEL_ERR = 3, /* syslog priorities, so they map 1:1 to sd-daemon */
	LOGLEVEL_WARNING = 4,
	LOGLEVEL_NOTICE = 5,
	LOGLEVEL_INFO = 6,
	LOGLEVEL_DEBUG = 7,
};

enum fifo_format {
	FIFO_FORMAT_TEXT = 0,
	FIFO_FORMAT_JSON = 1,
};

/* The names of the network metrics (common/metrics.h): ipcmon_network_*
 * or node_exporter's own node_network_*. */
enum metrics_names {
	METRICS_NAMES_IPCMON = 0,
	METRICS_NAMES_NODE = 1,
};

/* Which program a key is offered to as a long option.  Every key is
 * accepted in the file by all, so one file serves daemon, client and
 * exporter. */
#define CONFIG_DAEMON 0x1u
#define CONFIG_CLIENT 0x2u
#define CONFIG_EXPORTER 0x4u

struct config {
	/* names: what a client needs to reach the daemon */
	char fifo_path[PATH_MAX];
	char shm_name[CONFIG_IPC_NAME_MAX + 1];
	char sem_name[CONFIG_IPC_NAME_MAX + 1];
	key_t msg_key;
	char lock_path[PATH_MAX];
	/* "" or the instance the names above were derived from */
	char instance[CONFIG_INSTANCE_MAX + 1];

	/* daemon tunables */
	enum log_level log_level;
	enum fifo_format fifo_format;
	uint64_t sample_interval_usec; /* CPU and memory */
	uint64_t stats_interval_usec;  /* per-link counters */
	uint64_t reply_timeout_usec;   /* bound on one undeliverable reply */
	uint64_t collector_timeout_usec; /* collector must answer pings within */
	uint64_t netlink_rcvbuf;       /* bytes */
	uint32_t event_ring;           /* events kept in the segment */
	mode_t fifo_mode;
	mode_t shm_mode;
	mode_t sem_mode;
	mode_t msg_mode;

	/* metrics (ipcmonctl metrics, ipcmon-exporter) */
	enum metrics_names metrics_names;
};

enum config_type {
	CONFIG_T_PATH,     /* absolute path */
	CONFIG_T_IPCNAME,  /* "/name", no other '/' */
	CONFIG_T_MSGKEY,   /* non-zero SysV key, decimal or 0x hex */
	CONFIG_T_DURATION, /* 1.5, 1.5s, 250ms, 2min */
	CONFIG_T_SIZE,     /* bytes, with optional k/M/G (powers of 1024) */
	CONFIG_T_UINT,
	CONFIG_T_MODE,     /* octal permission bits */
	CONFIG_T_LOGLEVEL,
	CONFIG_T_FIFOFORMAT,
	CONFIG_T_INSTANCE, /* "" or [A-Za-z0-9][A-Za-z0-9_.-]* */
	CONFIG_T_METRICSNAMES, /* "ipcmon" or "node" */
};

struct config_key {
	const char *name;    /* file key; the long option is it with '-' for '_' */
	enum config_type type;
	unsigned scope;      /* CONFIG_DAEMON | CONFIG_CLIENT | CONFIG_EXPORTER */
	size_t offset;       /* into struct config */
	size_t size;         /* of the field */
	uint64_t min, max;   /* for numbers, durations (usec) and sizes */
	const char *argname; /* for --help */
	const char *help;
};

/* The table, ended by an entry whose name is NULL. */
extern const struct config_key config_keys[];

/* Fill *c with the built-in defaults. */
void config_defaults(struct config *c);

/* Look a key up by its file name ("fifo_path") or, when option is true,
 * by its long-option spelling ("fifo-path").  NULL when unknown. */
const struct config_key *config_key_find(const char *name, bool option);

/* Parse value for key k and store it in *c.  Returns 0, or -EINVAL with a
 * message (without the key's name) in err. *c is unchanged on error. */
int config_set(struct config *c, const struct config_key *k,
	       const char *value, char *err, size_t errlen);

/* Parse "key = value" lines from f; name is used in messages.  Returns 0,
 * or -EINVAL with "NAME:LINE: key 'KEY': what was wrong" in err.  *c may
 * hold the keys before the bad line on error: callers stop on error. */
int config_parse_stream(struct config *c, FILE *f, const char *name,
			char *err, size_t errlen);

/* Load a file.  A missing file is an error only when required; other I/O
 * errors always are.  Returns 0, -errno or -EINVAL, message in err. */
int config_load_file(struct config *c, const char *path, bool required,
		     char *err, size_t errlen);

/* Render the value of k in *c as the file would spell it, for --help and
 * for the start-up log line. */
void config_format(const struct config *c, const struct config_key *k,
		   char *buf, size_t len);

/* The naming rule of instances.  For instance NAME the names are
 *   fifo_path  /tmp/ipc_fifo.NAME
 *   shm_name   /ipc_shm.NAME
 *   sem_name   /ipc_sem.NAME
 *   msg_key    config_instance_key(NAME)
 * and for "" the defaults; the instance also names the lock directory
 * (config_locks()).  Setting the key "instance" moves every name
 * that still has the value the previous instance (or the defaults) gave
 * it to the new instance's; a name set to anything else stays, so
 * explicitly given names win whatever their order.
 *
 * Returns 0, or -EINVAL with a message in err when name is not a valid
 * instance name. *ret is filled only on success. */
int config_instance_names(const char *name, struct config *ret, char *err,
			  size_t errlen);

/* The message-queue key of instance name: 0x49000000 | (the 32-bit
 * FNV-1a hash of name's bytes & 0xffffff).  0x49 is 'I'; the key is
 * never 0 (IPC_PRIVATE) nor the default 0x1111. */
key_t config_instance_key(const char *name);

/* The locks of a daemon whose lock_path is not set: one lock file per
 * name, so that daemons with disjoint names run side by side and two that
 * share any name do not (each would remove the other's objects as a
 * crashed instance's leftovers).  In the lock directory:
 *   shm.NAME.lock   sem.NAME.lock   msg.0xKEY.lock   fifo.PATH.lock
 * NAME and PATH keep [A-Za-z0-9_.:-], '/' becomes '+' (PATH without its
 * first '/': "/tmp/ipc_fifo" is "tmp+ipc_fifo"), other bytes %XX; a name
 * that would make the file name longer than NAME_MAX becomes '#' and its
 * 64-bit FNV-1a hash in hex. */
enum config_lock {
	CONFIG_LOCK_SHM, /* the one lock_path names: the segment's */
	CONFIG_LOCK_SEM,
	CONFIG_LOCK_MSG,
	CONFIG_LOCK_FIFO,
	CONFIG_LOCK_N,
};

struct config_locks {
	char dir[PATH_MAX];
	char path[CONFIG_LOCK_N][PATH_MAX];
	const char *key[CONFIG_LOCK_N];  /* "shm_name", ... for messages */
	char value[CONFIG_LOCK_N][PATH_MAX]; /* "/ipc_shm", ... as configured */
};

/* The lock directory is runtime_dir, the value of $RUNTIME_DIRECTORY
 * (systemd's RuntimeDirectory=; its first entry when ':' separates
 * several), when it is neither NULL nor empty; else RUNSTATEDIR/ipcmond,
 * or RUNSTATEDIR/ipcmond@NAME for instance NAME.  Fills *ret and returns
 * 0, or -EINVAL with a message in err (a relative or too long
 * RUNTIME_DIRECTORY). */
int config_locks(const struct config *c, const char *runtime_dir,
		 struct config_locks *ret, char *err, size_t errlen);

/* Names for log levels, "err" .. "debug". */
const char *config_loglevel_name(enum log_level l);
int config_loglevel_parse(const char *s, enum log_level *ret);

#endif
