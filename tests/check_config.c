/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* check_config.c - the config file and option parser, every bad input. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmdline.h"

static struct config cfg;
static char err[512];

static void setup(void)
{
	config_defaults(&cfg);
	err[0] = '\0';
}

static int parse(const char *text)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int r;

	ck_assert_ptr_nonnull(f);
	r = config_parse_stream(&cfg, f, "test.conf", err, sizeof(err));
	fclose(f);
	return r;
}

START_TEST(test_defaults)
{
	ck_assert_str_eq(cfg.fifo_path, "/tmp/ipc_fifo");
	ck_assert_str_eq(cfg.shm_name, "/ipc_shm");
	ck_assert_str_eq(cfg.sem_name, "/ipc_sem");
	ck_assert_int_eq(cfg.msg_key, 0x1111);
	ck_assert_int_eq(cfg.log_level, LOGLEVEL_INFO);
	ck_assert_int_eq(cfg.shm_mode, 0644);
	ck_assert_int_eq(cfg.sem_mode, 0600);
	ck_assert_int_eq(cfg.msg_mode, 0666);
}
END_TEST

START_TEST(test_good_file)
{
	ck_assert_int_eq(parse("# a comment\n"
			       "\n"
			       "fifo_path = /run/x#y/fifo   # inline comment\n"
			       "  shm_name=/s1\n"
			       "sem_name = /s2\t\n"
			       "msg_key = 0x2222\n"
			       "log_level = debug\n"
			       "sample_interval = 250ms\n"
			       "stats_interval = 1.5\n"
			       "netlink_rcvbuf = 8M\n"
			       "event_ring = 4096\n"
			       "fifo_mode = 0600\n"
			       "fifo_format = json\n"),
			 0);
	ck_assert_str_eq(cfg.fifo_path, "/run/x#y/fifo");
	ck_assert_str_eq(cfg.shm_name, "/s1");
	ck_assert_str_eq(cfg.sem_name, "/s2");
	ck_assert_int_eq(cfg.msg_key, 0x2222);
	ck_assert_int_eq(cfg.log_level, LOGLEVEL_DEBUG);
	ck_assert_uint_eq(cfg.sample_interval_usec, 250000);
	ck_assert_uint_eq(cfg.stats_interval_usec, 1500000);
	ck_assert_uint_eq(cfg.netlink_rcvbuf, 8u << 20);
	ck_assert_uint_eq(cfg.event_ring, 4096);
	ck_assert_int_eq(cfg.fifo_mode, 0600);
	ck_assert_int_eq(cfg.fifo_format, FIFO_FORMAT_JSON);
}
END_TEST

START_TEST(test_decimal_key)
{
	ck_assert_int_eq(parse("msg_key = 4369\n"), 0);
	ck_assert_int_eq(cfg.msg_key, 0x1111);
}
END_TEST

/* Each bad line: the message must name file, line, key and the problem. */
static const struct {
	const char *text;
	const char *want;
} bad[] = {
	{ "bogus = 1\n", "test.conf:1: unknown key 'bogus'" },
	{ "\n\nmsg_key = zz\n", "test.conf:3: key 'msg_key': bad number 'zz'" },
	{ "msg_key = 0\n", "test.conf:1: key 'msg_key': key 0 is IPC_PRIVATE" },
	{ "msg_key = 0x0\n", "test.conf:1: key 'msg_key': key 0 is IPC_PRIVATE" },
	{ "msg_key = -5\n", "key 'msg_key': bad number '-5'" },
	{ "msg_key = 0x1ffffffff\n", "key 'msg_key': bad number" },
	{ "msg_key = 12abc\n", "key 'msg_key': bad number '12abc'" },
	{ "shm_name = ipc_shm\n", "test.conf:1: key 'shm_name': 'ipc_shm' must start with '/'" },
	{ "sem_name = sem\n", "key 'sem_name': 'sem' must start with '/'" },
	{ "sem_name = /a/b\n", "key 'sem_name': '/a/b' must be '/' followed by a name" },
	{ "shm_name = /\n", "key 'shm_name': '/' must be '/' followed by a name" },
	{ "fifo_path = tmp/fifo\n", "key 'fifo_path': 'tmp/fifo' is not an absolute path" },
	{ "fifo_path =\n", "test.conf:1: key 'fifo_path': empty value" },
	{ "just words\n", "test.conf:1: expected 'key = value'" },
	{ "log_level = loud\n", "key 'log_level': bad log level 'loud'" },
	{ "sample_interval = soon\n", "key 'sample_interval': bad duration 'soon'" },
	{ "sample_interval = 1ms\n", "key 'sample_interval': duration '1ms' out of range" },
	{ "sample_interval = 1.\n", "key 'sample_interval': bad duration" },
	{ "netlink_rcvbuf = 4X\n", "key 'netlink_rcvbuf': bad size '4X'" },
	{ "netlink_rcvbuf = 1\n", "key 'netlink_rcvbuf': size '1' out of range" },
	{ "event_ring = 2\n", "key 'event_ring': 2 out of range" },
	{ "fifo_mode = 0999\n", "key 'fifo_mode': bad mode '0999'" },
	{ "fifo_mode = 01777\n", "key 'fifo_mode': bad mode '01777'" },
	{ "fifo_format = xml\n", "key 'fifo_format': bad format 'xml'" },
	{ "instance = a/b\n", "test.conf:1: key 'instance': bad instance name 'a/b'" },
	{ "instance = -a\n", "key 'instance': bad instance name '-a'" },
	{ "instance = ..\n", "key 'instance': bad instance name '..'" },
	{ "instance = .hidden\n", "key 'instance': bad instance name '.hidden'" },
	{ "instance = a b\n", "key 'instance': bad instance name 'a b'" },
	{ "instance = caf\xc3\xa9\n", "key 'instance': bad instance name" },
	{ "instance = aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
	  "key 'instance': instance name is too long (65 bytes, at most 64)" },
};

START_TEST(test_bad_input)
{
	struct config before;

	config_defaults(&before);
	ck_assert_int_eq(parse(bad[_i].text), -EINVAL);
	ck_assert_msg(strstr(err, bad[_i].want) != NULL,
		      "for %s: got '%s', want '%s'", bad[_i].text, err, bad[_i].want);
	/* A bad value changes nothing. */
	ck_assert_int_eq(cfg.msg_key, before.msg_key);
	ck_assert_str_eq(cfg.shm_name, before.shm_name);
	ck_assert_str_eq(cfg.sem_name, before.sem_name);
	ck_assert_str_eq(cfg.fifo_path, before.fifo_path);
	ck_assert_int_eq(cfg.fifo_mode, before.fifo_mode);
}
END_TEST

START_TEST(test_long_line)
{
	size_t n = PATH_MAX + 1024;
	char *text = malloc(n + 2);

	ck_assert_ptr_nonnull(text);
	memset(text, 'a', n);
	text[n] = '\n';
	text[n + 1] = '\0';
	ck_assert_int_eq(parse(text), -EINVAL);
	ck_assert_msg(strstr(err, "test.conf:1: line too long"), "got '%s'", err);
	free(text);
}
END_TEST

START_TEST(test_missing_file)
{
	/* The default file may be absent; a file named with -c may not. */
	ck_assert_int_eq(config_load_file(&cfg, "/nonexistent/ipcmond.conf", false,
					  err, sizeof(err)), 0);
	ck_assert_int_eq(config_load_file(&cfg, "/nonexistent/ipcmond.conf", true,
					  err, sizeof(err)), -ENOENT);
	ck_assert_msg(strstr(err, "/nonexistent/ipcmond.conf: No such file"), "got '%s'", err);
}
END_TEST

START_TEST(test_file_on_disk)
{
	char path[] = "/tmp/check_config.XXXXXX";
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "msg_key = 0x4242\nbad_key = 1\n", 29), 29);
	close(fd);
	ck_assert_int_eq(config_load_file(&cfg, path, true, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, ":2: unknown key 'bad_key'") && strstr(err, path),
		      "got '%s'", err);
	unlink(path);
}
END_TEST

START_TEST(test_key_lookup)
{
	ck_assert_ptr_nonnull(config_key_find("fifo_path", false));
	ck_assert_ptr_null(config_key_find("fifo-path", false));
	ck_assert_ptr_eq(config_key_find("fifo-path", true), config_key_find("fifo_path", false));
	ck_assert_ptr_null(config_key_find("fifo", true));
	ck_assert_ptr_null(config_key_find("fifo_path_x", false));
}
END_TEST

/* The command line wins over the file, whatever the order given. */
START_TEST(test_cmdline_over_file)
{
	static const struct option own[] = { { NULL, 0, NULL, 0 } };
	struct cmdline cl;
	const struct config_key *k = config_key_find("msg_key", false);

	ck_assert_int_eq(cmdline_init(&cl, own, CONFIG_CLIENT, 4), 0);
	ck_assert(cmdline_take(&cl, CMDLINE_KEY_BASE + (int)(k - config_keys), "0x77"));
	ck_assert(!cmdline_take(&cl, 'x', "1"));
	ck_assert_int_eq(parse("msg_key = 0x55\n"), 0);
	ck_assert_int_eq(cmdline_apply(&cl, &cfg, err, sizeof(err)), 0);
	ck_assert_int_eq(cfg.msg_key, 0x77);
	cmdline_free(&cl);
}
END_TEST

START_TEST(test_cmdline_error)
{
	static const struct option own[] = { { NULL, 0, NULL, 0 } };
	struct cmdline cl;
	const struct config_key *k = config_key_find("shm_name", false);

	ck_assert_int_eq(cmdline_init(&cl, own, CONFIG_DAEMON, 4), 0);
	ck_assert(cmdline_take(&cl, CMDLINE_KEY_BASE + (int)(k - config_keys), "noslash"));
	ck_assert_int_eq(cmdline_apply(&cl, &cfg, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "option --shm-name: 'noslash' must start with '/'"),
		      "got '%s'", err);
	cmdline_free(&cl);
}
END_TEST

/* Client options are the naming keys only; the daemon gets them all. */
START_TEST(test_option_scope)
{
	static const struct option own[] = { { "json", no_argument, NULL, 'j' },
					     { NULL, 0, NULL, 0 } };
	struct cmdline cl;
	bool has_fifo = false, has_loglevel = false;

	ck_assert_int_eq(cmdline_init(&cl, own, CONFIG_CLIENT, 1), 0);
	ck_assert_str_eq(cl.options[0].name, "json");
	for (struct option *o = cl.options; o->name; o++) {
		has_fifo |= strcmp(o->name, "fifo-path") == 0;
		has_loglevel |= strcmp(o->name, "log-level") == 0;
	}
	ck_assert(has_fifo);
	ck_assert(!has_loglevel);
	cmdline_free(&cl);
}
END_TEST

START_TEST(test_format_roundtrip)
{
	char buf[PATH_MAX + 16], msg[256];
	struct config other;

	ck_assert_int_eq(parse("sample_interval = 250ms\nnetlink_rcvbuf = 512K\n"
			       "msg_key = 0xabc\nfifo_mode = 0640\n"), 0);
	/* Every key formats to a value its own parser takes back unchanged. */
	config_defaults(&other);
	for (const struct config_key *k = config_keys; k->name; k++) {
		config_format(&cfg, k, buf, sizeof(buf));
		if (k->type == CONFIG_T_PATH && !*buf)
			continue; /* lock_path unset: a file leaves it out */
		ck_assert_msg(config_set(&other, k, buf, msg, sizeof(msg)) == 0,
			      "%s = %s: %s", k->name, buf, msg);
	}
	ck_assert_mem_eq(&cfg, &other, sizeof(cfg));
}
END_TEST

/* Instances: the naming rule, spelled out here independently of config.c.
 * The keys use the published FNV-1a 32-bit vectors: FNV1a("a") is
 * 0xe40c292c, FNV1a("foobar") is 0xbf9cf968. */
START_TEST(test_instance_names)
{
	ck_assert_int_eq(parse("instance = foobar\n"), 0);
	ck_assert_str_eq(cfg.instance, "foobar");
	ck_assert_str_eq(cfg.fifo_path, "/tmp/ipc_fifo.foobar");
	ck_assert_str_eq(cfg.shm_name, "/ipc_shm.foobar");
	ck_assert_str_eq(cfg.sem_name, "/ipc_sem.foobar");
	ck_assert_int_eq(cfg.msg_key, 0x499cf968);
	/* no single lock file: one per name, in the instance's directory */
	ck_assert_str_eq(cfg.lock_path, "");
	ck_assert_int_eq(config_instance_key("a"), 0x490c292c);
	/* Tunables do not follow the instance. */
	ck_assert_int_eq(cfg.log_level, LOGLEVEL_INFO);
}
END_TEST

/* Explicit names win over the instance's, before or after it. */
START_TEST(test_instance_explicit_wins)
{
	struct config first;

	ck_assert_int_eq(parse("fifo_path = /run/f\nmsg_key = 0x42\ninstance = a.b-c_9\n"
			       "sem_name = /s\n"), 0);
	first = cfg;
	ck_assert_str_eq(cfg.fifo_path, "/run/f");
	ck_assert_int_eq(cfg.msg_key, 0x42);
	ck_assert_str_eq(cfg.sem_name, "/s");
	ck_assert_str_eq(cfg.shm_name, "/ipc_shm.a.b-c_9");
	ck_assert_str_eq(cfg.lock_path, "");

	config_defaults(&cfg);
	ck_assert_int_eq(parse("sem_name = /s\ninstance = a.b-c_9\nmsg_key = 0x42\n"
			       "fifo_path = /run/f\n"), 0);
	ck_assert_mem_eq(&cfg, &first, sizeof(cfg));
}
END_TEST

/* A later instance (the command line over the file) moves the derived
 * names, not the explicit ones; "" goes back to the defaults. */
START_TEST(test_instance_change)
{
	static const struct option own[] = { { NULL, 0, NULL, 0 } };
	const struct config_key *k = config_key_find("instance", false);
	struct config def;
	struct cmdline cl;

	ck_assert_ptr_nonnull(k);
	ck_assert_int_eq(parse("instance = one\nshm_name = /mine\n"), 0);
	ck_assert_int_eq(cmdline_init(&cl, own, CONFIG_CLIENT, 2), 0);
	ck_assert(cmdline_take(&cl, CMDLINE_KEY_BASE + (int)(k - config_keys), "two"));
	ck_assert_int_eq(cmdline_apply(&cl, &cfg, err, sizeof(err)), 0);
	cmdline_free(&cl);
	ck_assert_str_eq(cfg.fifo_path, "/tmp/ipc_fifo.two");
	ck_assert_str_eq(cfg.sem_name, "/ipc_sem.two");
	ck_assert_int_eq(cfg.msg_key, config_instance_key("two"));
	ck_assert_int_ne(cfg.msg_key, config_instance_key("one"));
	ck_assert_str_eq(cfg.shm_name, "/mine");

	ck_assert_int_eq(config_set(&cfg, k, "", err, sizeof(err)), 0);
	config_defaults(&def);
	ck_assert_str_eq(cfg.instance, "");
	ck_assert_str_eq(cfg.fifo_path, def.fifo_path);
	ck_assert_str_eq(cfg.sem_name, def.sem_name);
	ck_assert_int_eq(cfg.msg_key, def.msg_key);
	ck_assert_str_eq(cfg.lock_path, def.lock_path);
	ck_assert_str_eq(cfg.shm_name, "/mine");
}
END_TEST

/* A bad name on the command line: a clear message, nothing changed. */
START_TEST(test_instance_bad_option)
{
	static const struct option own[] = { { NULL, 0, NULL, 0 } };
	const struct config_key *k = config_key_find("instance", false);
	struct config before;
	struct cmdline cl;

	ck_assert_int_eq(parse("instance = good\n"), 0);
	before = cfg;
	ck_assert_int_eq(cmdline_init(&cl, own, CONFIG_DAEMON, 2), 0);
	ck_assert(cmdline_take(&cl, CMDLINE_KEY_BASE + (int)(k - config_keys), "x/../y"));
	ck_assert_int_eq(cmdline_apply(&cl, &cfg, err, sizeof(err)), -EINVAL);
	cmdline_free(&cl);
	ck_assert_msg(strstr(err, "option --instance: bad instance name 'x/../y'"), "got '%s'", err);
	ck_assert_mem_eq(&cfg, &before, sizeof(cfg));
}
END_TEST

/* Distinct instances get distinct keys (no collision among these). */
START_TEST(test_instance_keys_distinct)
{
	static const char *const names[] = { "a", "b", "ns1", "ns2", "ns10", "red",
					     "blue", "host", "eth0", "x.y" };
	const size_t n = sizeof(names) / sizeof(names[0]);

	for (size_t i = 0; i < n; i++) {
		key_t ki = config_instance_key(names[i]);

		ck_assert_int_eq((unsigned)ki >> 24, 0x49);
		for (size_t j = i + 1; j < n; j++)
			ck_assert_int_ne(ki, config_instance_key(names[j]));
	}
}
END_TEST

START_TEST(test_instance_roundtrip)
{
	char buf[PATH_MAX + 16], msg[256];
	struct config other;

	ck_assert_int_eq(parse("instance = rt\nfifo_path = /run/rt.fifo\n"), 0);
	config_defaults(&other);
	for (const struct config_key *k = config_keys; k->name; k++) {
		config_format(&cfg, k, buf, sizeof(buf));
		if (k->type == CONFIG_T_PATH && !*buf)
			continue; /* lock_path unset: a file leaves it out */
		ck_assert_msg(config_set(&other, k, buf, msg, sizeof(msg)) == 0,
			      "%s = %s: %s", k->name, buf, msg);
	}
	ck_assert_mem_eq(&cfg, &other, sizeof(cfg));
}
END_TEST

/* ------------------------------------------------------------------ */
/* Lock files: one per name, in the lock directory (config_locks).      */

static struct config_locks locks;

static void locks_ok(const char *runtime_dir)
{
	int r = config_locks(&cfg, runtime_dir, &locks, err, sizeof(err));

	ck_assert_msg(r == 0, "config_locks: %d %s", r, err);
}

START_TEST(test_locks_default)
{
	ck_assert_str_eq(cfg.lock_path, "");
	locks_ok(NULL);
	ck_assert_str_eq(locks.dir, RUNSTATEDIR "/ipcmond");
	ck_assert_str_eq(locks.path[CONFIG_LOCK_SHM], RUNSTATEDIR "/ipcmond/shm.ipc_shm.lock");
	ck_assert_str_eq(locks.path[CONFIG_LOCK_SEM], RUNSTATEDIR "/ipcmond/sem.ipc_sem.lock");
	ck_assert_str_eq(locks.path[CONFIG_LOCK_MSG], RUNSTATEDIR "/ipcmond/msg.0x00001111.lock");
	ck_assert_str_eq(locks.path[CONFIG_LOCK_FIFO], RUNSTATEDIR "/ipcmond/fifo.tmp+ipc_fifo.lock");
	ck_assert_str_eq(locks.key[CONFIG_LOCK_FIFO], "fifo_path");
	ck_assert_str_eq(locks.value[CONFIG_LOCK_FIFO], "/tmp/ipc_fifo");
	ck_assert_str_eq(locks.key[CONFIG_LOCK_MSG], "msg_key");
	ck_assert_str_eq(locks.value[CONFIG_LOCK_MSG], "0x1111");
	/* An empty RUNTIME_DIRECTORY is no directory. */
	locks_ok("");
	ck_assert_str_eq(locks.dir, RUNSTATEDIR "/ipcmond");
}
END_TEST

/* systemd's RuntimeDirectory= wins over runstatedir, so the unit needs no
 * --lock-path; with several directories, the first. */
START_TEST(test_locks_runtime_directory)
{
	locks_ok("/run/ipcmond");
	ck_assert_str_eq(locks.path[CONFIG_LOCK_SHM], "/run/ipcmond/shm.ipc_shm.lock");
	locks_ok("/run/x/:/run/y");
	ck_assert_str_eq(locks.dir, "/run/x");
	ck_assert_str_eq(locks.path[CONFIG_LOCK_MSG], "/run/x/msg.0x00001111.lock");
	ck_assert_int_eq(parse("instance = blue\n"), 0);
	locks_ok("/run/ipcmond@blue");
	ck_assert_str_eq(locks.path[CONFIG_LOCK_SEM], "/run/ipcmond@blue/sem.ipc_sem.blue.lock");
}
END_TEST

START_TEST(test_locks_bad_runtime_directory)
{
	char longdir[PATH_MAX + 8];

	ck_assert_int_eq(config_locks(&cfg, "run/ipcmond", &locks, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "environment RUNTIME_DIRECTORY: 'run/ipcmond' is not an absolute path");
	memset(longdir, 'a', sizeof(longdir) - 1);
	longdir[0] = '/';
	longdir[sizeof(longdir) - 1] = '\0';
	ck_assert_int_eq(config_locks(&cfg, longdir, &locks, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "environment RUNTIME_DIRECTORY: path is too long"), "got '%s'", err);
}
END_TEST

/* An instance locks in its own directory, as ipcmond@NAME.service does. */
START_TEST(test_locks_instance)
{
	ck_assert_int_eq(parse("instance = ns-2.b\n"), 0);
	locks_ok(NULL);
	ck_assert_str_eq(locks.dir, RUNSTATEDIR "/ipcmond@ns-2.b");
	ck_assert_str_eq(locks.path[CONFIG_LOCK_SHM], RUNSTATEDIR "/ipcmond@ns-2.b/shm.ipc_shm.ns-2.b.lock");
	ck_assert_str_eq(locks.path[CONFIG_LOCK_FIFO],
			 RUNSTATEDIR "/ipcmond@ns-2.b/fifo.tmp+ipc_fifo.ns-2.b.lock");
}
END_TEST

static const char *fifo_lock(const char *path)
{
	snprintf(cfg.fifo_path, sizeof(cfg.fifo_path), "%s", path);
	locks_ok("/r");
	ck_assert_int_eq(strncmp(locks.path[CONFIG_LOCK_FIFO], "/r/", 3), 0);
	return locks.path[CONFIG_LOCK_FIFO] + 3;
}

/* Distinct paths, distinct files; the same file however it is spelled;
 * no backslash (the log would double it). */
START_TEST(test_locks_escape)
{
	ck_assert_str_eq(fifo_lock("/tmp/a-b c"), "fifo.tmp+a-b%20c.lock");
	ck_assert_str_eq(fifo_lock("/tmp/a/b"), "fifo.tmp+a+b.lock");
	ck_assert_str_eq(fifo_lock("/tmp/a+b"), "fifo.tmp+a%2bb.lock");
	ck_assert_str_eq(fifo_lock("/tmp/a%2bb"), "fifo.tmp+a%252bb.lock");
	ck_assert_str_eq(fifo_lock("//tmp/./a//b/"), "fifo.tmp+a+b.lock");
	ck_assert_str_eq(fifo_lock("/.x/../y.z"), "fifo..x+..+y.z.lock");
	ck_assert_str_eq(fifo_lock("/x#\\"), "fifo.x%23%5c.lock");
	ck_assert_str_eq(fifo_lock("/caf\xc3\xa9"), "fifo.caf%c3%a9.lock");
	ck_assert_int_eq(parse("shm_name = /a.b:c_d\nsem_name = /+\nmsg_key = 0x7fffffff\n"), 0);
	locks_ok("/r");
	ck_assert_str_eq(locks.path[CONFIG_LOCK_SHM], "/r/shm.a.b:c_d.lock");
	ck_assert_str_eq(locks.path[CONFIG_LOCK_SEM], "/r/sem.%2b.lock");
	ck_assert_str_eq(locks.path[CONFIG_LOCK_MSG], "/r/msg.0x7fffffff.lock");
}
END_TEST

/* A name whose file name would pass NAME_MAX: '#' and a hash, which no
 * escaped name can spell ('#' is always escaped). */
START_TEST(test_locks_long_name)
{
	char path[400], a[PATH_MAX], b[PATH_MAX];
	const char *base;

	memset(path, 'x', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	strcpy(a, fifo_lock(path));
	ck_assert_int_eq(strlen(a), strlen("fifo.#0123456789abcdef.lock"));
	ck_assert_int_eq(strncmp(a, "fifo.#", 6), 0);
	path[200] = 'y';
	strcpy(b, fifo_lock(path));
	ck_assert_str_ne(a, b);
	/* the longest name still spelled out */
	memset(path, 'x', sizeof(path));
	path[0] = '/';
	path[1 + NAME_MAX - strlen("fifo..lock")] = '\0';
	base = fifo_lock(path);
	ck_assert_int_eq(strlen(base), NAME_MAX);
	ck_assert_ptr_null(strchr(base, '#'));
	path[strlen(path)] = 'x';
	path[2 + NAME_MAX - strlen("fifo..lock")] = '\0';
	ck_assert_ptr_nonnull(strchr(fifo_lock(path), '#'));
	/* the shm name at its longest */
	memset(cfg.shm_name, 's', CONFIG_IPC_NAME_MAX);
	cfg.shm_name[0] = '/';
	cfg.shm_name[CONFIG_IPC_NAME_MAX] = '\0';
	locks_ok("/r");
	base = strrchr(locks.path[CONFIG_LOCK_SHM], '/') + 1;
	ck_assert_msg(strlen(base) <= NAME_MAX, "%s", base);
}
END_TEST

static Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("parse");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_good_file);
	tcase_add_test(tc, test_decimal_key);
	tcase_add_loop_test(tc, test_bad_input, 0, (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, test_long_line);
	tcase_add_test(tc, test_missing_file);
	tcase_add_test(tc, test_file_on_disk);
	tcase_add_test(tc, test_key_lookup);
	tcase_add_test(tc, test_cmdline_over_file);
	tcase_add_test(tc, test_cmdline_error);
	tcase_add_test(tc, test_option_scope);
	tcase_add_test(tc, test_format_roundtrip);
	suite_add_tcase(s, tc);

	tc = tcase_create("instance");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_instance_names);
	tcase_add_test(tc, test_instance_explicit_wins);
	tcase_add_test(tc, test_instance_change);
	tcase_add_test(tc, test_instance_bad_option);
	tcase_add_test(tc, test_instance_keys_distinct);
	tcase_add_test(tc, test_instance_roundtrip);
	suite_add_tcase(s, tc);

	tc = tcase_create("locks");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_locks_default);
	tcase_add_test(tc, test_locks_runtime_directory);
	tcase_add_test(tc, test_locks_bad_runtime_directory);
	tcase_add_test(tc, test_locks_instance);
	tcase_add_test(tc, test_locks_escape);
	tcase_add_test(tc, test_locks_long_name);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(config_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
