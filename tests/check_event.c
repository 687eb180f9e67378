/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* check_event.c - the one event model: every event type and a log record
 * in text and JSON (the JSON checked by a real parser, python3's json,
 * and by jq when there), names with quotes, backslashes, newlines, UTF-8
 * and invalid bytes, and messages cut at PIPE_BUF that stay one valid
 * line. */
#include "event.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <sys/socket.h>

#include "escape.h"

/* 2026-11-21T10:00:00.123456Z (date -u -d @1795255200) */
#define T0 INT64_C(1795255200123456)
#define TS0 "2026-11-21T10:00:00.123456Z"

/* A name with a quote, a backslash, a newline, valid UTF-8 (é) and an
 * invalid byte: 9 bytes, as the kernel would allow (no '/', no blank). */
#define NASTY_NAME "a\"b\\\n\xc3\xa9\xff"

static struct seg_event mkev(uint16_t type, int32_t ifindex, const char *ifname,
			     const char *text)
{
	struct seg_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.seq = 42;
	ev.time_usec = T0;
	ev.type = type;
	ev.ifindex = ifindex;
	/* a name may fill all 16 bytes, without a NUL */
	memcpy(ev.ifname, ifname, strnlen(ifname, sizeof(ev.ifname)));
	memcpy(ev.text, text, strnlen(text, sizeof(ev.text)));
	return ev;
}

static struct seg_event mkaddr(uint16_t type, const char *ifname, int family,
			       const char *local, const char *peer,
			       uint8_t prefixlen, const char *text)
{
	struct seg_event ev = mkev(type, 6, ifname, text);

	ev.family = (uint8_t)family;
	ev.prefixlen = prefixlen;
	ck_assert_int_eq(inet_pton(family, local, ev.addr), 1);
	if (peer)
		ck_assert_int_eq(inet_pton(family, peer, ev.peer), 1);
	return ev;
}

static const char *text_line(const struct seg_event *ev)
{
	static char buf[EVENT_LINE_MAX + 1];
	size_t n = event_line(buf, sizeof(buf), FIFO_FORMAT_TEXT, ev);

	ck_assert_uint_eq(n, strlen(buf));
	return buf;
}

static const char *json_line(const struct seg_event *ev)
{
	static char buf[EVENT_LINE_MAX + 1];
	size_t n = event_line(buf, sizeof(buf), FIFO_FORMAT_JSON, ev);

	ck_assert_uint_eq(n, strlen(buf));
	return buf;
}

static size_t count_nl(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += s[i] == '\n';
	return n;
}

static void assert_utf8(const char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		size_t l = escape_utf8_len((const unsigned char *)s + i, len - i);

		ck_assert_msg(l > 0, "invalid UTF-8 at byte %zu", i);
		i += l;
	}
}

/* ---- names, levels, sources, messages ---- */

START_TEST(test_type_names)
{
	static const char *const want[] = {
		NULL, "link-new", "link-del", "link-change", "addr-new", "addr-del",
		"resync", "daemon-start", "collector-restart", "daemon-stop", NULL,
	};

	for (uint16_t t = 0; t < sizeof(want) / sizeof(want[0]); t++) {
		if (want[t])
			ck_assert_str_eq(event_type_name(t), want[t]);
		else
			ck_assert_ptr_null(event_type_name(t));
	}
	ck_assert_int_eq(SEG_EV_TYPE_MAX, 10); /* a new type wants a name here */
	ck_assert_ptr_null(event_type_name(0xffff));
}
END_TEST

START_TEST(test_levels_sources)
{
	static const struct {
		uint16_t type;
		enum log_level level;
		const char *source;
	} t[] = {
		{ SEG_EV_LINK_NEW, LOGLEVEL_INFO, "link" },
		{ SEG_EV_LINK_DEL, LOGLEVEL_INFO, "link" },
		{ SEG_EV_LINK_CHANGE, LOGLEVEL_INFO, "link" },
		{ SEG_EV_ADDR_NEW, LOGLEVEL_INFO, "addr" },
		{ SEG_EV_ADDR_DEL, LOGLEVEL_INFO, "addr" },
		{ SEG_EV_RESYNC, LOGLEVEL_WARNING, "netlink" },
		{ SEG_EV_DAEMON_START, LOGLEVEL_INFO, "daemon" },
		{ SEG_EV_COLLECTOR_RESTART, LOGLEVEL_WARNING, "daemon" },
		{ SEG_EV_DAEMON_STOP, LOGLEVEL_INFO, "daemon" },
		{ 77, LOGLEVEL_INFO, "event" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct seg_event ev = mkev(t[i].type, 1, "x", "");

		ck_assert_int_eq(event_level(&ev), t[i].level);
		ck_assert_str_eq(event_source(&ev), t[i].source);
	}
}
END_TEST

START_TEST(test_messages)
{
	char msg[EVENT_MSG_MAX];
	struct seg_event ev;

	ev = mkev(SEG_EV_LINK_CHANGE, 5, "veth0", "operstate DOWN -> UP");
	ck_assert_uint_eq(event_message(&ev, msg, sizeof(msg)), strlen(msg));
	ck_assert_str_eq(msg, "veth0 (5): operstate DOWN -> UP");

	/* the message is bytes: escaping is the line's business */
	ev = mkev(SEG_EV_LINK_NEW, 3, NASTY_NAME, "new veth");
	event_message(&ev, msg, sizeof(msg));
	ck_assert_str_eq(msg, NASTY_NAME " (3): new veth");

	/* words from the fields when the collector gave no text */
	ev = mkev(SEG_EV_LINK_DEL, 7, "br0", "");
	event_message(&ev, msg, sizeof(msg));
	ck_assert_str_eq(msg, "br0 (7): deleted");
	ev = mkaddr(SEG_EV_ADDR_NEW, "veth0", AF_INET, "192.0.2.1", NULL, 24, "");
	event_message(&ev, msg, sizeof(msg));
	ck_assert_str_eq(msg, "veth0 (6): added 192.0.2.1/24");
	ev = mkaddr(SEG_EV_ADDR_DEL, "ppp0", AF_INET, "10.0.0.1", "10.0.0.2", 32, "");
	event_message(&ev, msg, sizeof(msg));
	ck_assert_str_eq(msg, "ppp0 (6): removed 10.0.0.1 peer 10.0.0.2/32");
	ev = mkev(SEG_EV_DAEMON_START, 0, "", "");
	event_message(&ev, msg, sizeof(msg));
	ck_assert_str_eq(msg, "daemon started");

	/* daemon events: their text alone */
	ev = mkev(SEG_EV_COLLECTOR_RESTART, 0, "", "collector (pid 12) killed by signal 9");
	event_message(&ev, msg, sizeof(msg));
	ck_assert_str_eq(msg, "collector (pid 12) killed by signal 9");

	/* a full name (no NUL) and a full text (no NUL) fit EVENT_MSG_MAX */
	ev = mkev(SEG_EV_LINK_CHANGE, -2147483647 - 1, "0123456789abcdef", "");
	memset(ev.text, 't', sizeof(ev.text));
	ck_assert_uint_lt(event_message(&ev, msg, sizeof(msg)), sizeof(msg));
	ck_assert_int_eq(strncmp(msg, "0123456789abcdef (-2147483648): ttt", 35), 0);
	ck_assert_uint_eq(strlen(msg), 16 + strlen(" (-2147483648): ") + SEG_EVENT_TEXT);
}
END_TEST

/* ---- text lines ---- */

START_TEST(test_text_record)
{
	char buf[EVENT_LINE_MAX + 1];
	size_t n = event_record_line(buf, sizeof(buf), FIFO_FORMAT_TEXT, T0,
				     LOGLEVEL_WARNING, "main", "lock file /run/x: busy");

	ck_assert_str_eq(buf, TS0 " warning main lock file /run/x: busy\n");
	ck_assert_uint_eq(n, strlen(buf));
}
END_TEST

/* Every type, as people read it. */
START_TEST(test_text_events)
{
	struct seg_event ev;

	ev = mkev(SEG_EV_LINK_NEW, 5, "veth0", "new veth, mtu 1500");
	ck_assert_str_eq(text_line(&ev), TS0 " info link veth0 (5): new veth, mtu 1500\n");
	ev = mkev(SEG_EV_LINK_CHANGE, 5, "veth0", "operstate DOWN -> UP");
	ck_assert_str_eq(text_line(&ev), TS0 " info link veth0 (5): operstate DOWN -> UP\n");
	ev = mkev(SEG_EV_LINK_DEL, 7, "br0", "deleted");
	ck_assert_str_eq(text_line(&ev), TS0 " info link br0 (7): deleted\n");
	ev = mkaddr(SEG_EV_ADDR_NEW, "veth0", AF_INET, "10.0.0.1", NULL, 24,
		    "added 10.0.0.1/24 scope global");
	ck_assert_str_eq(text_line(&ev),
			 TS0 " info addr veth0 (6): added 10.0.0.1/24 scope global\n");
	ev = mkaddr(SEG_EV_ADDR_DEL, "veth0", AF_INET6, "2001:db8::1", NULL, 64,
		    "removed 2001:db8::1/64");
	ck_assert_str_eq(text_line(&ev), TS0 " info addr veth0 (6): removed 2001:db8::1/64\n");
	ev = mkev(SEG_EV_RESYNC, 0, "", "overflow: resynced, 3 changes");
	ck_assert_str_eq(text_line(&ev),
			 TS0 " warning netlink overflow: resynced, 3 changes\n");
	ev = mkev(SEG_EV_DAEMON_START, 0, "", "ipcmond 0.1 started: 3 links, 2 addresses");
	ck_assert_str_eq(text_line(&ev),
			 TS0 " info daemon ipcmond 0.1 started: 3 links, 2 addresses\n");
	ev = mkev(SEG_EV_COLLECTOR_RESTART, 0, "", "collector (pid 9) exited with status 1");
	ck_assert_str_eq(text_line(&ev),
			 TS0 " warning daemon collector (pid 9) exited with status 1\n");
	ev = mkev(SEG_EV_DAEMON_STOP, 0, "", "");
	ck_assert_str_eq(text_line(&ev), TS0 " info daemon daemon stopped\n");
	ev = mkev(77, 0, "", "");
	ck_assert_str_eq(text_line(&ev), TS0 " info event unknown event type 77\n");

	/* a name that fills all IFNAMSIZ bytes has no NUL */
	ev = mkev(SEG_EV_LINK_NEW, 9, "0123456789abcdef", "new");
	ck_assert_int_eq(memcmp(ev.ifname, "0123456789abcdef", 16), 0);
	ck_assert_str_eq(text_line(&ev), TS0 " info link 0123456789abcdef (9): new\n");
}
END_TEST

/* UTF-8 as it is, everything else that could break the line or the
 * terminal escaped: the same rules as the client's tables and stderr. */
START_TEST(test_text_escapes)
{
	struct seg_event ev = mkev(SEG_EV_LINK_NEW, 3, NASTY_NAME "\x1b", "x\ty");
	const char *l = text_line(&ev);

	ck_assert_str_eq(l, TS0 " info link a\"b\\\\\\n\xc3\xa9\\xff\\x1b (3): x\\ty\n");
	ck_assert_uint_eq(count_nl(l, strlen(l)), 1);
	assert_utf8(l, strlen(l));
}
END_TEST

START_TEST(test_lost_lines)
{
	char buf[EVENT_LINE_MAX + 1];

	event_lost_line(buf, sizeof(buf), FIFO_FORMAT_TEXT, T0, 5, 9);
	ck_assert_str_eq(buf, TS0 " warning ipcmonctl 5 events lost (seq 5 to 9): the "
			      "daemon's ring moved past them before they were read\n");
	event_lost_line(buf, sizeof(buf), FIFO_FORMAT_TEXT, T0, 7, 7);
	ck_assert_str_eq(buf, TS0 " warning ipcmonctl 1 event lost (seq 7): the "
			      "daemon's ring moved past them before they were read\n");
	event_lost_line(buf, sizeof(buf), FIFO_FORMAT_JSON, T0, 5, 9);
	ck_assert_str_eq(buf, "{\"time\":\"" TS0 "\",\"level\":\"warning\","
			      "\"source\":\"ipcmonctl\",\"type\":\"lost\",\"from_seq\":5,"
			      "\"to_seq\":9,\"message\":\"5 events lost (seq 5 to 9): the "
			      "daemon's ring moved past them before they were read\"}\n");
}
END_TEST

/* ---- JSON lines ---- */

/* The exact bytes of one object: the schema's order, UTF-8 as it is,
 * and an invalid byte as \u00XX. */
START_TEST(test_json_exact)
{
	struct seg_event ev = mkev(SEG_EV_LINK_CHANGE, 5, "v\xc3\xa9" "0\"\\\xff",
				   "mtu 1500 -> 9000");

	ev.changed = SEG_CH_MTU | SEG_CH_NAME;
	ck_assert_str_eq(json_line(&ev),
			 "{\"time\":\"" TS0 "\",\"level\":\"info\",\"source\":\"link\","
			 "\"seq\":42,\"type\":\"link-change\",\"ifindex\":5,"
			 "\"ifname\":\"v\xc3\xa9" "0\\\"\\\\\\u00ff\","
			 "\"changed\":[\"ifname\",\"mtu\"],"
			 "\"message\":\"v\xc3\xa9" "0\\\"\\\\\\u00ff (5): mtu 1500 -> 9000\"}\n");
	ev = mkaddr(SEG_EV_ADDR_NEW, "ppp0", AF_INET, "10.0.0.1", "10.0.0.2", 32,
		    "added 10.0.0.1 peer 10.0.0.2/32 scope global");
	ck_assert_str_eq(json_line(&ev),
			 "{\"time\":\"" TS0 "\",\"level\":\"info\",\"source\":\"addr\","
			 "\"seq\":42,\"type\":\"addr-new\",\"ifindex\":6,\"ifname\":\"ppp0\","
			 "\"family\":\"inet\",\"local\":\"10.0.0.1\",\"prefixlen\":32,"
			 "\"address\":\"10.0.0.2\",\"message\":\"ppp0 (6): added 10.0.0.1 "
			 "peer 10.0.0.2/32 scope global\"}\n");
}
END_TEST

/* python3 parses each JSON line and checks its members against the
 * expectations on the line after it (see expect_* below): both come on
 * its stdin, a JSON line never holding a raw newline.  Its complaints go
 * to stderr. */
static const char json_oracle[] =
	"import json, sys\n"
	"text = sys.stdin.buffer.read().decode('utf-8')  # strict: invalid UTF-8 fails here\n"
	"rows = text.split('\\n')\n"
	"assert rows[-1] == '', 'last line has no newline'\n"
	"rows = rows[:-1]\n"
	"assert len(rows) % 2 == 0, ('odd number of lines', len(rows))\n"
	"def dec(h):\n"
	"    s = bytes.fromhex(h).decode('utf-8', 'surrogateescape')\n"
	"    return ''.join(chr(ord(c) - 0xdc00) if 0xdc80 <= ord(c) <= 0xdcff else c for c in s)\n"
	"for i in range(0, len(rows), 2):\n"
	"    line, exp = rows[i], rows[i + 1].split()\n"
	"    assert len(line.encode()) + 1 <= 4096, ('too long', i // 2)\n"
	"    o = json.loads(line)\n"
	"    for e in exp:\n"
	"        k, t, v = e.split(':', 2)\n"
	"        got = o.get(k)\n"
	"        ok = {'s': lambda: got == dec(v), 'p': lambda: isinstance(got, str) and got.startswith(dec(v)),\n"
	"              'e': lambda: isinstance(got, str) and got.endswith(dec(v)),\n"
	"              'i': lambda: type(got) is int and got == int(v),\n"
	"              'l': lambda: got == (v.split(',') if v else []),\n"
	"              'K': lambda: sorted(o) == sorted(v.split(','))}[t]()\n"
	"        if not ok:\n"
	"            sys.exit('line %d: member %s: got %r, want %s %r' % (i // 2 + 1, k,\n"
	"                     sorted(o) if t == 'K' else got, t, dec(v) if t in 'spe' else v))\n";

/* The JSON lines of a test, each followed by its expectations. */
static char *oracle_buf;
static size_t oracle_len;
static FILE *exp_out;

static void oracle_begin(void)
{
	exp_out = open_memstream(&oracle_buf, &oracle_len);
	ck_assert_ptr_nonnull(exp_out);
}

/* A JSON line (newline included) to check. */
static void add_line(const char *line)
{
	fputs(line, exp_out);
}

static void expect(const char *key, char type, const char *val, size_t len)
{
	fprintf(exp_out, "%s:%c:", key, type);
	for (size_t i = 0; i < len; i++)
		fprintf(exp_out, "%02x", (unsigned char)val[i]);
	fputc(' ', exp_out);
}

static void expect_str(const char *key, const char *val)
{
	expect(key, 's', val, strlen(val));
}

static void expect_int(const char *key, long v)
{
	fprintf(exp_out, "%s:i:%ld ", key, v);
}

/* The object has exactly these keys (comma-separated). */
static void expect_keys(const char *keys)
{
	fprintf(exp_out, "-:K:%s ", keys);
}

static void expect_end(void)
{
	fputc('\n', exp_out);
}

/* Run the oracle over what was added, and jq (a second parser, when it
 * is there) over the JSON lines alone: each must be one object. */
static void oracle_run(void)
{
	FILE *p;
	int st;

	fclose(exp_out);
	ck_assert_int_eq(setenv("CHECK_EVENT_ORACLE", json_oracle, 1), 0);
	p = popen("python3 -c \"$CHECK_EVENT_ORACLE\"", "w");
	ck_assert_ptr_nonnull(p);
	fwrite(oracle_buf, 1, oracle_len, p);
	st = pclose(p);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) != 127,
		      "python3 is needed to check the JSON lines");
	ck_assert_msg(WEXITSTATUS(st) == 0, "python3's json disagrees (see above)");

	p = popen("command -v jq >/dev/null || { cat >/dev/null; exit 0; }; "
		  "out=$(awk 'NR % 2' | jq -r type) || exit 1; "
		  "[ -z \"$(printf '%s\\n' \"$out\" | grep -vx object)\" ]", "w");
	ck_assert_ptr_nonnull(p);
	fwrite(oracle_buf, 1, oracle_len, p);
	st = pclose(p);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "jq disagrees (status %d)", st);
	free(oracle_buf);
	oracle_buf = NULL;
}

#define LOG_KEYS "time,level,source,message"
#define EV_KEYS LOG_KEYS ",seq,type"
#define LINK_KEYS EV_KEYS ",ifindex,ifname"
#define ADDR_KEYS LINK_KEYS ",family,local,prefixlen"

/* Every type and a log record: the keys the schema gives it, no more,
 * with the values meant, whatever bytes the names and messages hold. */
START_TEST(test_json_lines)
{
	/* every byte value that needs care, in names and messages */
	static const char nasty[] = "q\"b\\s/\x01\x1f\x7f nl\n tab\t"
				    " bad\x80\xff ovl\xc0\xaf sur\xed\xa0\x80 cut\xe2\x82"
				    " ok\xc3\xa9\xe2\x80\xa8\xf0\x9f\x98\x80";
	char buf[EVENT_LINE_MAX + 1];
	struct seg_event ev;

	oracle_begin();

	event_record_line(buf, sizeof(buf), FIFO_FORMAT_JSON, T0, LOGLEVEL_NOTICE,
			  "main", "started");
	add_line(buf);
	expect_keys(LOG_KEYS);
	expect_str("time", TS0);
	expect_str("level", "notice");
	expect_str("source", "main");
	expect_str("message", "started");
	expect_end();

	event_record_line(buf, sizeof(buf), FIFO_FORMAT_JSON, T0, LOGLEVEL_ERR,
			  "coll\"ector", nasty);
	add_line(buf);
	expect_keys(LOG_KEYS);
	expect_str("level", "err");
	expect_str("source", "coll\"ector");
	expect_str("message", nasty);
	expect_end();

	ev = mkev(SEG_EV_LINK_NEW, 5, NASTY_NAME, "new veth");
	add_line(json_line(&ev));
	expect_keys(LINK_KEYS);
	expect_str("time", TS0);
	expect_str("level", "info");
	expect_str("source", "link");
	expect_int("seq", 42);
	expect_str("type", "link-new");
	expect_int("ifindex", 5);
	expect_str("ifname", NASTY_NAME);
	expect_str("message", NASTY_NAME " (5): new veth");
	expect_end();

	ev = mkev(SEG_EV_LINK_CHANGE, 5, "veth0", "operstate DOWN -> UP, mtu 1500 -> 9000");
	ev.changed = SEG_CH_OPERSTATE | SEG_CH_MTU | SEG_CH_CARRIER | SEG_CH_FLAGS |
		     SEG_CH_ADDRESS | SEG_CH_MASTER | SEG_CH_OTHER;
	add_line(json_line(&ev));
	expect_keys(LINK_KEYS ",changed");
	expect_str("type", "link-change");
	expect_str("message", "veth0 (5): operstate DOWN -> UP, mtu 1500 -> 9000");
	fprintf(exp_out, "changed:l:flags,operstate,carrier,mtu,address,master,other ");
	expect_end();

	ev = mkev(SEG_EV_LINK_DEL, 5, "veth0", "deleted");
	add_line(json_line(&ev));
	expect_keys(LINK_KEYS);
	expect_str("type", "link-del");
	expect_end();

	/* interface names may hold any byte but NUL and '/' */
	ev = mkaddr(SEG_EV_ADDR_DEL, "e\"\\\n\x01\xff\xc3", AF_INET6, "2001:db8::1", NULL,
		    64, "removed 2001:db8::1/64");
	add_line(json_line(&ev));
	expect_keys(ADDR_KEYS);
	expect_str("source", "addr");
	expect_str("type", "addr-del");
	expect_str("ifname", "e\"\\\n\x01\xff\xc3");
	expect_str("message", "e\"\\\n\x01\xff\xc3 (6): removed 2001:db8::1/64");
	expect_str("family", "inet6");
	expect_str("local", "2001:db8::1");
	expect_int("prefixlen", 64);
	expect_end();

	ev = mkaddr(SEG_EV_ADDR_NEW, "ppp0", AF_INET, "10.0.0.1", "10.0.0.2", 32, "");
	add_line(json_line(&ev));
	expect_keys(ADDR_KEYS ",address");
	expect_str("type", "addr-new");
	expect_str("family", "inet");
	expect_str("local", "10.0.0.1");
	expect_str("address", "10.0.0.2");
	expect_int("prefixlen", 32);
	expect_str("message", "ppp0 (6): added 10.0.0.1 peer 10.0.0.2/32");
	expect_end();

	ev = mkev(SEG_EV_RESYNC, 0, "", "overflow: resynced, 0 changes");
	add_line(json_line(&ev));
	expect_keys(EV_KEYS);
	expect_str("level", "warning");
	expect_str("source", "netlink");
	expect_str("type", "resync");
	expect_str("message", "overflow: resynced, 0 changes");
	expect_end();

	ev = mkev(SEG_EV_DAEMON_START, 0, "", "ipcmond 0.1 started");
	add_line(json_line(&ev));
	expect_keys(EV_KEYS);
	expect_str("level", "info");
	expect_str("source", "daemon");
	expect_str("type", "daemon-start");
	expect_str("message", "ipcmond 0.1 started");
	expect_end();

	ev = mkev(SEG_EV_COLLECTOR_RESTART, 0, "", nasty);
	add_line(json_line(&ev));
	expect_keys(EV_KEYS);
	expect_str("level", "warning");
	expect_str("source", "daemon");
	expect_str("type", "collector-restart");
	expect_str("message", nasty);
	expect_end();

	ev = mkev(SEG_EV_DAEMON_STOP, 0, "", "");
	add_line(json_line(&ev));
	expect_keys(EV_KEYS);
	expect_str("type", "daemon-stop");
	expect_str("message", "daemon stopped");
	expect_end();

	ev = mkev(99, 0, "", "");
	add_line(json_line(&ev));
	expect_keys(EV_KEYS);
	expect_str("type", "unknown");
	expect_end();

	event_lost_line(buf, sizeof(buf), FIFO_FORMAT_JSON, T0, 3, 4);
	add_line(buf);
	expect_keys(LOG_KEYS ",type,from_seq,to_seq");
	expect_str("type", "lost");
	expect_int("from_seq", 3);
	expect_int("to_seq", 4);
	expect_end();

	oracle_run();
}
END_TEST

/* A message too long for PIPE_BUF is cut, with the marker, still one
 * valid line: never in the middle of an escape or a UTF-8 sequence; and
 * the same with the smallest buffer the functions take. */
START_TEST(test_truncation)
{
	static const char *const units[] = { "x", "\"", "\xc3\xa9", "\x01", "\xff", "\\" };
	static const size_t sizes[] = { EVENT_LINE_MAX + 1, EVENT_LINE_MIN };
	const size_t mlen = strlen(EVENT_TRUNCATED);
	char buf[EVENT_LINE_MAX + 1];
	size_t n, msglen = 3 * EVENT_LINE_MAX;
	char *msg = malloc(msglen + 1);

	ck_assert_ptr_nonnull(msg);
	oracle_begin();
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t size = sizes[s];

		for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
			size_t ul = strlen(units[u]), len = 0;

			while (len + ul <= msglen) {
				memcpy(msg + len, units[u], ul);
				len += ul;
			}
			msg[len] = '\0';

			n = event_record_line(buf, size, FIFO_FORMAT_TEXT, T0, LOGLEVEL_INFO,
					      "main", msg);
			ck_assert_uint_eq(n, strlen(buf));
			ck_assert_uint_le(n, size - 1);
			ck_assert_uint_ge(n, size - 1 - 8); /* cut late, not early */
			ck_assert_uint_eq(count_nl(buf, n), 1);
			ck_assert_int_eq(buf[n - 1], '\n');
			ck_assert_int_eq(memcmp(buf + n - 1 - mlen, EVENT_TRUNCATED, mlen), 0);
			assert_utf8(buf, n);

			n = event_record_line(buf, size, FIFO_FORMAT_JSON, T0, LOGLEVEL_INFO,
					      "main", msg);
			ck_assert_uint_eq(n, strlen(buf));
			ck_assert_uint_le(n, size - 1);
			ck_assert_uint_ge(n, size - 1 - 8);
			ck_assert_uint_eq(count_nl(buf, n), 1);
			add_line(buf);
			/* the message is the start of msg, then the marker */
			expect_keys(LOG_KEYS);
			expect("message", 'p', msg, ul * 100);
			expect("message", 'e', EVENT_TRUNCATED, mlen);
			expect_end();
		}
	}
	/* an event's line is never cut in EVENT_LINE_MAX: the longest one */
	{
		struct seg_event ev = mkev(SEG_EV_LINK_CHANGE, -2147483647 - 1, "", "");

		memset(ev.ifname, 0x01, sizeof(ev.ifname));
		memset(ev.text, 0x01, sizeof(ev.text));
		ev.seq = UINT64_MAX;
		ev.changed = UINT32_MAX;
		n = event_line(buf, sizeof(buf), FIFO_FORMAT_JSON, &ev);
		ck_assert_ptr_null(strstr(buf, EVENT_TRUNCATED));
		ck_assert_uint_lt(n, EVENT_LINE_MAX / 2);
		add_line(buf);
		expect_keys(LINK_KEYS ",changed");
		expect_end();
	}
	free(msg);
	oracle_run();
}
END_TEST

/* A message that just fits is not cut; one byte more is. */
START_TEST(test_no_truncation_at_limit)
{
	char buf[EVENT_LINE_MAX + 1], msg[EVENT_LINE_MAX];
	size_t head = strlen(TS0 " info main "), len = EVENT_LINE_MAX - head - 1, n;

	memset(msg, 'y', len);
	msg[len] = '\0';
	n = event_record_line(buf, sizeof(buf), FIFO_FORMAT_TEXT, T0, LOGLEVEL_INFO,
			      "main", msg);
	ck_assert_uint_eq(n, EVENT_LINE_MAX);
	ck_assert_int_eq(buf[n - 2], 'y');
	msg[len] = 'y';
	msg[len + 1] = '\0';
	n = event_record_line(buf, sizeof(buf), FIFO_FORMAT_TEXT, T0, LOGLEVEL_INFO,
			      "main", msg);
	ck_assert_uint_eq(n, EVENT_LINE_MAX);
	ck_assert_int_eq(memcmp(buf + n - 1 - strlen(EVENT_TRUNCATED), EVENT_TRUNCATED,
				strlen(EVENT_TRUNCATED)), 0);

	/* JSON: {"time":"...","level":"info","source":"main","message":"...."}\n */
	head = strlen("{\"time\":\"" TS0 "\",\"level\":\"info\",\"source\":\"main\","
		      "\"message\":\"");
	len = EVENT_LINE_MAX - head - 3;
	memset(msg, 'y', len);
	msg[len] = '\0';
	n = event_record_line(buf, sizeof(buf), FIFO_FORMAT_JSON, T0, LOGLEVEL_INFO,
			      "main", msg);
	ck_assert_uint_eq(n, EVENT_LINE_MAX);
	ck_assert_str_eq(buf + n - 4, "y\"}\n");
	msg[len] = 'y';
	msg[len + 1] = '\0';
	n = event_record_line(buf, sizeof(buf), FIFO_FORMAT_JSON, T0, LOGLEVEL_INFO,
			      "main", msg);
	ck_assert_uint_le(n, EVENT_LINE_MAX);
	ck_assert_str_eq(buf + n - 3 - strlen(EVENT_TRUNCATED), EVENT_TRUNCATED "\"}\n");
}
END_TEST

/* A buffer below EVENT_LINE_MIN gets nothing, not a broken line. */
START_TEST(test_small_buffer)
{
	struct seg_event ev = mkev(SEG_EV_LINK_NEW, 1, "lo", "new");
	char buf[EVENT_LINE_MIN];

	memset(buf, '#', sizeof(buf));
	ck_assert_uint_eq(event_line(buf, EVENT_LINE_MIN - 1, FIFO_FORMAT_JSON, &ev), 0);
	ck_assert_str_eq(buf, "");
	ck_assert_uint_eq(event_line(buf, 0, FIFO_FORMAT_TEXT, &ev), 0);
	ck_assert_uint_gt(event_line(buf, EVENT_LINE_MIN, FIFO_FORMAT_TEXT, &ev), 0);
}
END_TEST

static Suite *event_suite(void)
{
	Suite *s = suite_create("event");
	TCase *tc;

	tc = tcase_create("model");
	tcase_add_test(tc, test_type_names);
	tcase_add_test(tc, test_levels_sources);
	tcase_add_test(tc, test_messages);
	suite_add_tcase(s, tc);

	tc = tcase_create("text");
	tcase_add_test(tc, test_text_record);
	tcase_add_test(tc, test_text_events);
	tcase_add_test(tc, test_text_escapes);
	tcase_add_test(tc, test_lost_lines);
	tcase_add_test(tc, test_small_buffer);
	suite_add_tcase(s, tc);

	tc = tcase_create("json");
	tcase_add_test(tc, test_json_exact);
	tcase_add_test(tc, test_json_lines);
	tcase_add_test(tc, test_truncation);
	tcase_add_test(tc, test_no_truncation_at_limit);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(event_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
