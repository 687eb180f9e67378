/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* config.c - defaults, the key table, and the file and value parsers. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define USEC_PER_MSEC UINT64_C(1000)
#define USEC_PER_SEC UINT64_C(1000000)
#define USEC_PER_DAY (UINT64_C(86400) * USEC_PER_SEC)

#define FIELD(f) offsetof(struct config, f), sizeof(((struct config *)0)->f)
#define BOTH (CONFIG_DAEMON | CONFIG_CLIENT)
#define ALL (BOTH | CONFIG_EXPORTER)

const struct config_key config_keys[] = {
	{ "fifo_path", CONFIG_T_PATH, BOTH, FIELD(fifo_path), 0, 0, "PATH",
	  "FIFO for the event and log stream" },
	{ "shm_name", CONFIG_T_IPCNAME, ALL, FIELD(shm_name), 0, 0, "/NAME",
	  "POSIX shared-memory segment" },
	{ "sem_name", CONFIG_T_IPCNAME, BOTH, FIELD(sem_name), 0, 0, "/NAME",
	  "POSIX named semaphore guarding the segment" },
	{ "msg_key", CONFIG_T_MSGKEY, BOTH, FIELD(msg_key), 1, INT32_MAX, "KEY",
	  "System V message-queue key (decimal or 0x hex)" },
	{ "lock_path", CONFIG_T_PATH, CONFIG_DAEMON, FIELD(lock_path), 0, 0,
	  "PATH", "one lock file instead of one per name" },
	{ "instance", CONFIG_T_INSTANCE, ALL, FIELD(instance), 0, 0, "NAME",
	  "derive the FIFO, shm, sem and queue names and the lock directory from NAME" },
	{ "log_level", CONFIG_T_LOGLEVEL, CONFIG_DAEMON, FIELD(log_level), 0, 0,
	  "LEVEL", "err, warning, notice, info or debug" },
	{ "fifo_format", CONFIG_T_FIFOFORMAT, CONFIG_DAEMON, FIELD(fifo_format),
	  0, 0, "FORMAT", "text or json" },
	{ "sample_interval", CONFIG_T_DURATION, CONFIG_DAEMON,
	  FIELD(sample_interval_usec), 10 * USEC_PER_MSEC, USEC_PER_DAY, "TIME",
	  "CPU and memory sampling interval" },
	{ "stats_interval", CONFIG_T_DURATION, CONFIG_DAEMON,
	  FIELD(stats_interval_usec), 10 * USEC_PER_MSEC, USEC_PER_DAY, "TIME",
	  "link counter refresh interval" },
	{ "reply_timeout", CONFIG_T_DURATION, CONFIG_DAEMON,
	  FIELD(reply_timeout_usec), USEC_PER_MSEC, 60 * USEC_PER_SEC, "TIME",
	  "longest wait to deliver one reply to a client" },
	{ "collector_timeout", CONFIG_T_DURATION, CONFIG_DAEMON,
	  FIELD(collector_timeout_usec), 100 * USEC_PER_MSEC, 3600 * USEC_PER_SEC,
	  "TIME", "restart the collector when it does not answer within" },
	{ "netlink_rcvbuf", CONFIG_T_SIZE, CONFIG_DAEMON, FIELD(netlink_rcvbuf),
	  64 * 1024, UINT64_C(1) << 30, "BYTES", "netlink socket receive buffer" },
	{ "event_ring", CONFIG_T_UINT, CONFIG_DAEMON, FIELD(event_ring), 16,
	  1u << 20, "N", "events kept in the segment's ring" },
	{ "fifo_mode", CONFIG_T_MODE, CONFIG_DAEMON, FIELD(fifo_mode), 0, 0777,
	  "MODE", "permissions of the FIFO" },
	{ "shm_mode", CONFIG_T_MODE, CONFIG_DAEMON, FIELD(shm_mode), 0, 0777,
	  "MODE", "permissions of the shared-memory segment" },
	{ "sem_mode", CONFIG_T_MODE, CONFIG_DAEMON, FIELD(sem_mode), 0, 0777,
	  "MODE", "permissions of the semaphore" },
	{ "msg_mode", CONFIG_T_MODE, CONFIG_DAEMON, FIELD(msg_mode), 0, 0777,
	  "MODE", "permissions of the message queue" },
	{ "metrics_names", CONFIG_T_METRICSNAMES, CONFIG_CLIENT | CONFIG_EXPORTER,
	  FIELD(metrics_names), 0, 0, "NAMES",
	  "network metrics named ipcmon_network_* (ipcmon) or node_network_* (node)" },
	{ NULL, 0, 0, 0, 0, 0, 0, NULL, NULL },
};

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	strcpy(c->fifo_path, "/tmp/ipc_fifo");
	strcpy(c->shm_name, "/ipc_shm");
	strcpy(c->sem_name, "/ipc_sem");
	c->msg_key = 0x1111;
	/* lock_path: "", one lock per name (config_locks). */
	c->log_level = LOGLEVEL_INFO;
	c->fifo_format = FIFO_FORMAT_TEXT;
	c->sample_interval_usec = USEC_PER_SEC;
	c->stats_interval_usec = USEC_PER_SEC;
	c->reply_timeout_usec = 2 * USEC_PER_SEC;
	c->collector_timeout_usec = 5 * USEC_PER_SEC;
	c->netlink_rcvbuf = 4u << 20;
	c->event_ring = 1024;
	c->fifo_mode = 0644;
	c->shm_mode = 0644;
	c->sem_mode = 0600;
	c->msg_mode = 0666;
	c->metrics_names = METRICS_NAMES_IPCMON;
}

key_t config_instance_key(const char *name)
{
	uint32_t h = UINT32_C(2166136261); /* FNV-1a, 32 bits */

	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		h ^= *p;
		h *= UINT32_C(16777619);
	}
	return (key_t)(UINT32_C(0x49000000) | (h & UINT32_C(0xffffff)));
}

static int instance_check(const char *name, char *err, size_t errlen)
{
	size_t n = strlen(name);

	if (n > CONFIG_INSTANCE_MAX) {
		snprintf(err, errlen, "instance name is too long (%zu bytes, at most %d)",
			 n, CONFIG_INSTANCE_MAX);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)name[i];

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9'))
			continue;
		if (i > 0 && (ch == '_' || ch == '.' || ch == '-'))
			continue;
		snprintf(err, errlen,
			 "bad instance name '%.80s' (want a letter or digit, then letters, "
			 "digits, '_', '.' or '-')", name);
		return -EINVAL;
	}
	return 0;
}

int config_instance_names(const char *name, struct config *ret, char *err,
			  size_t errlen)
{
	int r;

	r = instance_check(name, err, errlen);
	if (r < 0)
		return r;
	config_defaults(ret);
	if (!*name)
		return 0;
	/* CONFIG_INSTANCE_MAX keeps all of these far below their limits. */
	snprintf(ret->fifo_path, sizeof(ret->fifo_path), "/tmp/ipc_fifo.%s", name);
	snprintf(ret->shm_name, sizeof(ret->shm_name), "/ipc_shm.%s", name);
	snprintf(ret->sem_name, sizeof(ret->sem_name), "/ipc_sem.%s", name);
	ret->msg_key = config_instance_key(name);
	strcpy(ret->instance, name);
	return 0;
}

/* Move the names that still follow c's instance to instance name. */
static int instance_set(struct config *c, const char *name, char *err,
			size_t errlen)
{
	struct config was, now;
	int r;

	r = config_instance_names(name, &now, err, errlen);
	if (r < 0)
		return r;
	/* c->instance was valid when it was set, so this cannot fail. */
	if (config_instance_names(c->instance, &was, err, errlen) < 0)
		abort();
	/* Whole fields are copied: now's are zero-filled past the name. */
#define FOLLOW(f) \
	if (strcmp(c->f, was.f) == 0) \
		memcpy(c->f, now.f, sizeof(c->f))
	FOLLOW(fifo_path);
	FOLLOW(shm_name);
	FOLLOW(sem_name);
#undef FOLLOW
	if (c->msg_key == was.msg_key)
		c->msg_key = now.msg_key;
	memcpy(c->instance, now.instance, sizeof(c->instance));
	return 0;
}

/* 64-bit FNV-1a, for lock file names too long to spell out. */
static uint64_t fnv1a64(const char *s)
{
	uint64_t h = UINT64_C(14695981039346656037);

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		h ^= *p;
		h *= UINT64_C(1099511628211);
	}
	return h;
}

/* Append s to buf as a file name: [A-Za-z0-9_.:-] stay, '/' becomes
 * '+', any other byte %NN (hex).  One-to-one, so distinct names get
 * distinct files; no backslash, which logs would double.  Returns the
 * length it would have (like snprintf); buf is cut short when that is
 * >= len. */
static size_t lock_escape(const char *s, char *buf, size_t len)
{
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		char tmp[4];
		const char *out = tmp;

		/* ASCII classes, whatever the locale */
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' || *p == ':' ||
		    *p == '-')
			tmp[0] = (char)*p, tmp[1] = '\0';
		else if (*p == '/')
			out = "+";
		else
			snprintf(tmp, sizeof(tmp), "%%%02x", *p);
		for (; *out; out++, n++)
			if (n + 1 < len)
				buf[n] = *out;
	}
	if (len)
		buf[n < len ? n : len - 1] = '\0';
	return n;
}

/* One spelling per file: no leading, trailing or double '/', no "."
 * component ("/tmp//x/./y/" is "tmp/x/y"). */
static void path_simplify(const char *path, char *buf, size_t len)
{
	size_t n = 0;

	for (const char *p = path; *p && n + 1 < len;) {
		const char *e;

		while (*p == '/')
			p++;
		e = p + strcspn(p, "/");
		if (e == p)
			break;
		if (!(e - p == 1 && *p == '.')) {
			if (n && n + 1 < len)
				buf[n++] = '/';
			for (; p < e && n + 1 < len; p++)
				buf[n++] = *p;
		}
		p = e;
	}
	buf[n] = '\0';
}

/* dir/KIND.NAME.lock, or dir/KIND.#HASH.lock when NAME is too long. */
static int lock_file(char *buf, size_t len, const char *dir, const char *kind,
		     const char *name)
{
	char esc[NAME_MAX + 1];
	size_t room = NAME_MAX - strlen(kind) - strlen("..lock");

	if (lock_escape(name, esc, sizeof(esc)) > room)
		snprintf(esc, sizeof(esc), "#%016" PRIx64, fnv1a64(name));
	if ((size_t)snprintf(buf, len, "%s/%s.%s.lock", dir, kind, esc) >= len)
		return -ENAMETOOLONG;
	return 0;
}

int config_locks(const struct config *c, const char *runtime_dir,
		 struct config_locks *ret, char *err, size_t errlen)
{
	struct config_locks l;
	char name[PATH_MAX];
	size_t n;

	memset(&l, 0, sizeof(l));
	if (runtime_dir && *runtime_dir) {
		n = strcspn(runtime_dir, ":");
		if (runtime_dir[0] != '/') {
			snprintf(err, errlen,
				 "environment RUNTIME_DIRECTORY: '%.200s' is not an absolute path",
				 runtime_dir);
			return -EINVAL;
		}
		if (n >= sizeof(l.dir) - NAME_MAX - 1) {
			snprintf(err, errlen, "environment RUNTIME_DIRECTORY: path is too long "
				 "(%zu bytes, at most %zu)", n, sizeof(l.dir) - NAME_MAX - 2);
			return -EINVAL;
		}
		memcpy(l.dir, runtime_dir, n);
		/* "/run/ipcmond/" names the same directory as "/run/ipcmond" */
		while (n > 1 && l.dir[n - 1] == '/')
			l.dir[--n] = '\0';
	} else if (*c->instance)
		snprintf(l.dir, sizeof(l.dir), RUNSTATEDIR "/ipcmond@%s", c->instance);
	else
		snprintf(l.dir, sizeof(l.dir), RUNSTATEDIR "/ipcmond");

	l.key[CONFIG_LOCK_SHM] = "shm_name";
	l.key[CONFIG_LOCK_SEM] = "sem_name";
	l.key[CONFIG_LOCK_MSG] = "msg_key";
	l.key[CONFIG_LOCK_FIFO] = "fifo_path";
	snprintf(l.value[CONFIG_LOCK_SHM], sizeof(l.value[0]), "%s", c->shm_name);
	snprintf(l.value[CONFIG_LOCK_SEM], sizeof(l.value[0]), "%s", c->sem_name);
	snprintf(l.value[CONFIG_LOCK_MSG], sizeof(l.value[0]), "0x%x", (unsigned)c->msg_key);
	snprintf(l.value[CONFIG_LOCK_FIFO], sizeof(l.value[0]), "%s", c->fifo_path);

	/* A dir shorter than PATH_MAX - NAME_MAX - 1 (RUNSTATEDIR is, and
	 * RUNTIME_DIRECTORY was checked) leaves room for any file name. */
	lock_file(l.path[CONFIG_LOCK_SHM], PATH_MAX, l.dir, "shm", c->shm_name + 1);
	lock_file(l.path[CONFIG_LOCK_SEM], PATH_MAX, l.dir, "sem", c->sem_name + 1);
	snprintf(name, sizeof(name), "0x%08x", (unsigned)c->msg_key);
	lock_file(l.path[CONFIG_LOCK_MSG], PATH_MAX, l.dir, "msg", name);
	path_simplify(c->fifo_path, name, sizeof(name));
	if (lock_file(l.path[CONFIG_LOCK_FIFO], PATH_MAX, l.dir, "fifo", name) < 0) {
		snprintf(err, errlen, "lock directory %.200s: path is too long", l.dir);
		return -EINVAL;
	}
	*ret = l;
	return 0;
}

static const char *const loglevel_names[] = {
	[LOGLEVEL_ERR] = "err",       [LOGLEVEL_WARNING] = "warning",
	[LOGLEVEL_NOTICE] = "notice", [LOGLEVEL_INFO] = "info",
	[LOGLEVEL_DEBUG] = "debug",
};

const char *config_loglevel_name(enum log_level l)
{
	if (l < LOGLEVEL_ERR || l > LOGLEVEL_DEBUG)
		return "?";
	return loglevel_names[l];
}

int config_loglevel_parse(const char *s, enum log_level *ret)
{
	for (int l = LOGLEVEL_ERR; l <= LOGLEVEL_DEBUG; l++)
		if (strcmp(s, loglevel_names[l]) == 0) {
			*ret = l;
			return 0;
		}
	return -EINVAL;
}

const struct config_key *config_key_find(const char *name, bool option)
{
	for (const struct config_key *k = config_keys; k->name; k++) {
		size_t i;

		for (i = 0; k->name[i] && name[i]; i++) {
			char want = k->name[i];

			if (option && want == '_')
				want = '-';
			if (name[i] != want)
				break;
		}
		if (!k->name[i] && !name[i])
			return k;
	}
	return NULL;
}

/* Unsigned decimal (or 0x hex / leading-0 octal when base is 0) with
 * nothing left over; the unit suffix, if any, goes to *rest. */
static int parse_u64(const char *s, int base, uint64_t *ret, const char **rest)
{
	char *end;
	unsigned long long v;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno)
		return -errno;
	if (!rest && *end)
		return -EINVAL;
	if (rest)
		*rest = end;
	*ret = v;
	return 0;
}

static int parse_duration(const char *s, uint64_t *ret)
{
	static const struct {
		const char *suffix;
		uint64_t mult;
	} units[] = {
		{ "", USEC_PER_SEC },	 { "s", USEC_PER_SEC },
		{ "sec", USEC_PER_SEC }, { "ms", USEC_PER_MSEC },
		{ "msec", USEC_PER_MSEC }, { "us", 1 },
		{ "min", 60 * USEC_PER_SEC },
	};
	uint64_t whole, frac = 0, fracdiv = 1;
	const char *p;
	int r;

	r = parse_u64(s, 10, &whole, &p);
	if (r < 0)
		return r;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		for (; isdigit((unsigned char)*p); p++)
			if (fracdiv < 1000000000) {
				frac = frac * 10 + (uint64_t)(*p - '0');
				fracdiv *= 10;
			}
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(p, units[i].suffix) != 0)
			continue;
		if (whole > UINT64_MAX / units[i].mult)
			return -ERANGE;
		*ret = whole * units[i].mult + frac * units[i].mult / fracdiv;
		return 0;
	}
	return -EINVAL;
}

static int parse_size(const char *s, uint64_t *ret)
{
	uint64_t v, mult = 1;
	const char *p;
	int r;

	r = parse_u64(s, 10, &v, &p);
	if (r < 0)
		return r;
	switch (*p) {
	case '\0':
		break;
	case 'k': case 'K':
		mult = 1024;
		p++;
		break;
	case 'm': case 'M':
		mult = 1024 * 1024;
		p++;
		break;
	case 'g': case 'G':
		mult = 1024 * 1024 * 1024;
		p++;
		break;
	default:
		return -EINVAL;
	}
	if (*p == 'i' && mult > 1) /* accept KiB spelled "Ki" too */
		p++;
	if (*p == 'B' || *p == 'b')
		p++;
	if (*p)
		return -EINVAL;
	if (v > UINT64_MAX / mult)
		return -ERANGE;
	*ret = v * mult;
	return 0;
}

static void set_field(struct config *c, const struct config_key *k,
		      uint64_t v)
{
	char *field = (char *)c + k->offset;

	switch (k->size) {
	case sizeof(uint64_t): {
		uint64_t x = v;
		memcpy(field, &x, sizeof(x));
		break;
	}
	case sizeof(uint32_t): {
		uint32_t x = (uint32_t)v;
		memcpy(field, &x, sizeof(x));
		break;
	}
	default:
		abort(); /* the table is wrong: a programming error */
	}
}

int config_set(struct config *c, const struct config_key *k,
	       const char *value, char *err, size_t errlen)
{
	char *field = (char *)c + k->offset;
	uint64_t v;
	int r;

	switch (k->type) {
	case CONFIG_T_PATH:
		if (value[0] != '/') {
			snprintf(err, errlen, "'%s' is not an absolute path", value);
			return -EINVAL;
		}
		if (strlen(value) >= k->size) {
			snprintf(err, errlen, "path is too long (%zu bytes, at most %zu)",
				 strlen(value), k->size - 1);
			return -EINVAL;
		}
		/* strncpy zero-fills the rest, so equal configs are equal bytes. */
		strncpy(field, value, k->size);
		return 0;

	case CONFIG_T_IPCNAME:
		if (value[0] != '/') {
			snprintf(err, errlen, "'%s' must start with '/'", value);
			return -EINVAL;
		}
		if (value[1] == '\0' || strchr(value + 1, '/')) {
			snprintf(err, errlen,
				 "'%s' must be '/' followed by a name without '/'", value);
			return -EINVAL;
		}
		if (strlen(value) >= k->size) {
			snprintf(err, errlen, "name is too long (%zu bytes, at most %zu)",
				 strlen(value), k->size - 1);
			return -EINVAL;
		}
		/* strncpy zero-fills the rest, so equal configs are equal bytes. */
		strncpy(field, value, k->size);
		return 0;

	case CONFIG_T_MSGKEY:
		r = parse_u64(value, 0, &v, NULL);
		if (r < 0 || v > k->max) {
			snprintf(err, errlen, "bad number '%s' (want 1..0x%" PRIx64 ", decimal or 0x hex)",
				 value, k->max);
			return -EINVAL;
		}
		if (v == 0) {
			snprintf(err, errlen, "key 0 is IPC_PRIVATE, which no client could reach");
			return -EINVAL;
		}
		c->msg_key = (key_t)v;
		return 0;

	case CONFIG_T_DURATION:
		r = parse_duration(value, &v);
		if (r < 0) {
			snprintf(err, errlen, "bad duration '%s' (examples: 2, 1.5s, 250ms, 1min)", value);
			return -EINVAL;
		}
		if (v < k->min || v > k->max) {
			snprintf(err, errlen, "duration '%s' out of range (%" PRIu64 "ms to %" PRIu64 "s)",
				 value, k->min / USEC_PER_MSEC, k->max / USEC_PER_SEC);
			return -EINVAL;
		}
		set_field(c, k, v);
		return 0;

	case CONFIG_T_SIZE:
		r = parse_size(value, &v);
		if (r < 0) {
			snprintf(err, errlen, "bad size '%s' (examples: 65536, 512K, 4M)", value);
			return -EINVAL;
		}
		if (v < k->min || v > k->max) {
			snprintf(err, errlen, "size '%s' out of range (%" PRIu64 " to %" PRIu64 " bytes)",
				 value, k->min, k->max);
			return -EINVAL;
		}
		set_field(c, k, v);
		return 0;

	case CONFIG_T_UINT:
		r = parse_u64(value, 10, &v, NULL);
		if (r < 0) {
			snprintf(err, errlen, "bad number '%s'", value);
			return -EINVAL;
		}
		if (v < k->min || v > k->max) {
			snprintf(err, errlen, "%s out of range (%" PRIu64 " to %" PRIu64 ")",
				 value, k->min, k->max);
			return -EINVAL;
		}
		set_field(c, k, v);
		return 0;

	case CONFIG_T_MODE:
		r = parse_u64(value, 8, &v, NULL);
		if (r < 0 || v > k->max) {
			snprintf(err, errlen, "bad mode '%s' (want octal, e.g. 0644)", value);
			return -EINVAL;
		}
		*(mode_t *)(void *)field = (mode_t)v;
		return 0;

	case CONFIG_T_LOGLEVEL:
		if (config_loglevel_parse(value, &c->log_level) < 0) {
			snprintf(err, errlen,
				 "bad log level '%s' (want err, warning, notice, info or debug)", value);
			return -EINVAL;
		}
		return 0;

	case CONFIG_T_FIFOFORMAT:
		if (strcmp(value, "text") == 0)
			c->fifo_format = FIFO_FORMAT_TEXT;
		else if (strcmp(value, "json") == 0)
			c->fifo_format = FIFO_FORMAT_JSON;
		else {
			snprintf(err, errlen, "bad format '%s' (want text or json)", value);
			return -EINVAL;
		}
		return 0;

	case CONFIG_T_INSTANCE:
		return instance_set(c, value, err, errlen);

	case CONFIG_T_METRICSNAMES:
		if (strcmp(value, "ipcmon") == 0)
			c->metrics_names = METRICS_NAMES_IPCMON;
		else if (strcmp(value, "node") == 0)
			c->metrics_names = METRICS_NAMES_NODE;
		else {
			snprintf(err, errlen, "bad metric names '%s' (want ipcmon or node)", value);
			return -EINVAL;
		}
		return 0;
	}
	abort();
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int config_parse_stream(struct config *c, FILE *f, const char *name,
			char *err, size_t errlen)
{
	char line[PATH_MAX + 256];
	char msg[256];
	unsigned lineno = 0;

	while (fgets(line, sizeof(line), f)) {
		const struct config_key *k;
		char *key, *value, *eq, *hash;
		size_t n = strlen(line);

		lineno++;
		if (n == sizeof(line) - 1 && line[n - 1] != '\n' && !feof(f)) {
			snprintf(err, errlen, "%s:%u: line too long", name, lineno);
			return -EINVAL;
		}
		/* '#' starts a comment at the start of a line or after blanks,
		 * so that a path may still contain one. */
		for (hash = line; (hash = strchr(hash, '#')); hash++)
			if (hash == line || isspace((unsigned char)hash[-1])) {
				*hash = '\0';
				break;
			}
		key = trim(line);
		if (!*key)
			continue;
		eq = strchr(key, '=');
		if (!eq) {
			snprintf(err, errlen, "%s:%u: expected 'key = value', got '%.64s'",
				 name, lineno, key);
			return -EINVAL;
		}
		*eq = '\0';
		value = trim(eq + 1);
		key = trim(key);
		k = config_key_find(key, false);
		if (!k) {
			snprintf(err, errlen, "%s:%u: unknown key '%.64s'", name, lineno, key);
			return -EINVAL;
		}
		if (!*value) {
			snprintf(err, errlen, "%s:%u: key '%s': empty value", name, lineno, key);
			return -EINVAL;
		}
		if (config_set(c, k, value, msg, sizeof(msg)) < 0) {
			snprintf(err, errlen, "%s:%u: key '%s': %s", name, lineno, key, msg);
			return -EINVAL;
		}
	}
	if (ferror(f)) {
		int e = errno ? errno : EIO;

		snprintf(err, errlen, "%s: read error: %s", name, strerror(e));
		return -e;
	}
	return 0;
}

int config_load_file(struct config *c, const char *path, bool required,
		     char *err, size_t errlen)
{
	FILE *f;
	int r;

	f = fopen(path, "re");
	if (!f) {
		int e = errno;

		if (e == ENOENT && !required)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(e));
		return -e;
	}
	r = config_parse_stream(c, f, path, err, errlen);
	fclose(f);
	return r;
}

void config_format(const struct config *c, const struct config_key *k,
		   char *buf, size_t len)
{
	const char *field = (const char *)c + k->offset;
	uint64_t v = 0;

	if (k->size == sizeof(uint64_t))
		memcpy(&v, field, sizeof(uint64_t));
	else if (k->size == sizeof(uint32_t)) {
		uint32_t x;
		memcpy(&x, field, sizeof(x));
		v = x;
	}
	switch (k->type) {
	case CONFIG_T_PATH:
	case CONFIG_T_IPCNAME:
	case CONFIG_T_INSTANCE:
		snprintf(buf, len, "%s", field);
		break;
	case CONFIG_T_MSGKEY:
		snprintf(buf, len, "0x%x", (unsigned)c->msg_key);
		break;
	case CONFIG_T_DURATION:
		if (v % USEC_PER_SEC == 0)
			snprintf(buf, len, "%" PRIu64 "s", v / USEC_PER_SEC);
		else if (v % USEC_PER_MSEC == 0)
			snprintf(buf, len, "%" PRIu64 "ms", v / USEC_PER_MSEC);
		else
			snprintf(buf, len, "%" PRIu64 "us", v);
		break;
	case CONFIG_T_SIZE:
		if (v && v % (1024 * 1024) == 0)
			snprintf(buf, len, "%" PRIu64 "M", v / (1024 * 1024));
		else if (v && v % 1024 == 0)
			snprintf(buf, len, "%" PRIu64 "K", v / 1024);
		else
			snprintf(buf, len, "%" PRIu64, v);
		break;
	case CONFIG_T_UINT:
		snprintf(buf, len, "%" PRIu64, v);
		break;
	case CONFIG_T_MODE:
		snprintf(buf, len, "%04o", (unsigned)*(const mode_t *)(const void *)field);
		break;
	case CONFIG_T_LOGLEVEL:
		snprintf(buf, len, "%s", config_loglevel_name(c->log_level));
		break;
	case CONFIG_T_FIFOFORMAT:
		snprintf(buf, len, "%s", c->fifo_format == FIFO_FORMAT_JSON ? "json" : "text");
		break;
	case CONFIG_T_METRICSNAMES:
		snprintf(buf, len, "%s", c->metrics_names == METRICS_NAMES_NODE ? "node" : "ipcmon");
		break;
	}
}
