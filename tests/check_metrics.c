/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* check_metrics.c - the metrics text (common/metrics.c) of snapshots
 * made in memory: the format's shape (one HELP and TYPE per family, its
 * samples together), label escaping, both name sets, what no poller has,
 * a deleted link's series gone; and one scrape (common/scrape.c) of real
 * shm objects: instances found by name, a dead daemon's segment left
 * out, "no segment" told. */
#include "metrics.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scrape.h"
#include "testseg.h"

static char *label(const char *src, size_t n)
{
	struct metrics_buf b = { 0 };
	char *s;

	ck_assert_int_eq(metrics_label_value(&b, src, n), 0);
	s = strndup(b.data ? b.data : "", b.len);
	metrics_buf_free(&b);
	return s;
}

START_TEST(test_label_value)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "eth0", "eth0" },
		{ "a\"b\\c", "a\\\"b\\\\c" },          /* a"b\c */
		{ "w\xc3\xa9-\xc3\xbc", "w\xc3\xa9-\xc3\xbc" }, /* UTF-8 as it is */
		{ "\xff\xfe", "\\\\xff\\\\xfe" },      /* not UTF-8: the text \xff */
		{ "x\x01y", "x\\\\x01y" },
		{ "a\nb", "a\\\\x0ab" },
		{ "\xc3", "\\\\xc3" },                 /* a cut sequence */
		{ "abcdefghijklmno", "abcdefghijklmno" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *s = label(cases[i].in, strlen(cases[i].in));

		ck_assert_msg(strcmp(s, cases[i].out) == 0, "case %zu: got '%s', want '%s'",
			      i, s, cases[i].out);
		free(s);
	}
}
END_TEST

/* A snapshot of a testseg segment (its arrays point into h). */
static struct seg_snapshot snap_of(struct seg_header *h)
{
	struct seg_snapshot s = { 0 };

	memcpy(&s.hdr, h, sizeof(s.hdr));
	s.links = seg_links(h);
	s.addrs = seg_addrs(h);
	return s;
}

static char *render(const struct metrics_source *src, size_t n, enum metrics_names names)
{
	struct metrics_buf b = { 0 };
	char *s;

	ck_assert_int_eq(metrics_render(&b, src, n, names), 0);
	s = strndup(b.data, b.len);
	metrics_buf_free(&b);
	return s;
}

/* Every line is a HELP, the TYPE after it, or a sample of the family
 * the last TYPE named; no family twice; returns the number of samples. */
static size_t check_shape(const char *text)
{
	char fam[256] = "", *copy = strdup(text), *save = NULL;
	char seen[64][128];
	size_t nseen = 0, samples = 0;
	bool help = false;

	ck_assert(text[strlen(text) - 1] == '\n');
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[256];

		if (sscanf(line, "# HELP %255s", name) == 1) {
			for (size_t i = 0; i < nseen; i++)
				ck_assert_msg(strcmp(seen[i], name) != 0, "family %s twice", name);
			ck_assert_uint_lt(nseen, 64);
			snprintf(seen[nseen++], sizeof(seen[0]), "%s", name);
			snprintf(fam, sizeof(fam), "%s", name);
			help = true;
			continue;
		}
		if (sscanf(line, "# TYPE %255s", name) == 1) {
			ck_assert_msg(help && strcmp(name, fam) == 0, "TYPE %s without its HELP", name);
			ck_assert(strstr(line, " counter") || strstr(line, " gauge"));
			if (strstr(line, " counter"))
				ck_assert_msg(strlen(name) > 6 &&
					      strcmp(name + strlen(name) - 6, "_total") == 0,
					      "counter %s without _total", name);
			help = false;
			continue;
		}
		ck_assert_msg(!help, "sample right after a HELP: %s", line);
		ck_assert_msg(strncmp(line, fam, strlen(fam)) == 0 &&
			      (line[strlen(fam)] == '{' || line[strlen(fam)] == ' '),
			      "sample '%s' outside its family %s", line, fam);
		samples++;
	}
	free(copy);
	return samples;
}

static size_t count(const char *text, const char *needle)
{
	size_t n = 0;

	for (const char *p = text; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

START_TEST(test_render_shape_and_instances)
{
	struct seg_header *a = testseg_make(3, 1, 16, NULL);
	struct seg_header *b = testseg_make(3, 0, 16, NULL);
	struct seg_snapshot sa = snap_of(a), sb = snap_of(b);
	struct metrics_source src[] = { { "", &sa }, { "blue", &sb } };
	char *t = render(src, 2, METRICS_NAMES_IPCMON);

	ck_assert(strncmp(t, "# HELP ipcmon_build_info ", 25) == 0);
	ck_assert_ptr_nonnull(strstr(t, "\nipcmon_build_info{version=\"" PACKAGE_VERSION "\"} 1\n"));
	ck_assert_uint_gt(check_shape(t), 100);
	/* six links, every one in each family */
	ck_assert_uint_eq(count(t, "\nipcmon_network_receive_bytes_total{"), 6);
	ck_assert_uint_eq(count(t, "\nipcmon_network_info{"), 6);
	/* the default instance has no label, the other its name */
	ck_assert_ptr_nonnull(strstr(t, "\nipcmon_network_mtu_bytes{device=\"if1\"} 1501\n"));
	ck_assert_ptr_nonnull(strstr(t, "\nipcmon_network_mtu_bytes{ipcmon_instance=\"blue\",device=\"if2\"} 1502\n"));
	ck_assert_ptr_nonnull(strstr(t, "\nipcmon_up 1\n"));
	ck_assert_ptr_nonnull(strstr(t, "\nipcmon_up{ipcmon_instance=\"blue\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(t, "\nipcmon_network_links{ipcmon_instance=\"blue\"} 3\n"));
	ck_assert_ptr_nonnull(strstr(t, "\nipcmon_network_iface_id{device=\"if0\"} 1000\n"));
	/* testseg's links are UP without operstate: admin up, oper unknown */
	ck_assert_ptr_nonnull(strstr(t, "\nipcmon_network_info{device=\"if0\",address=\"\",broadcast=\"\","
				     "operstate=\"unknown\",adminstate=\"up\",ifalias=\"\",kind=\"\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(t, "\nipcmon_network_up{device=\"if0\"} 0\n"));
	ck_assert_ptr_null(strstr(t, "node_"));
	free(t);
	free(a);
	free(b);
}
END_TEST

/* Thousands of links of a labelled instance: the labels of each are
 * copied within a buffer that grows meanwhile. */
START_TEST(test_many_links)
{
	struct seg_header *a = testseg_make(4000, 0, 16, NULL);
	struct seg_snapshot sa = snap_of(a);
	struct metrics_source src[] = { { "a-rather-long-instance-name-to-move-buffers", &sa } };
	char *t = render(src, 1, METRICS_NAMES_IPCMON);

	ck_assert_uint_eq(count(t, "\nipcmon_network_mtu_bytes{ipcmon_instance="
				"\"a-rather-long-instance-name-to-move-buffers\",device=\"if"), 4000);
	ck_assert_ptr_nonnull(strstr(t, "device=\"if3999\"} 5499\n"));
	free(t);
	free(a);
}
END_TEST

START_TEST(test_node_names)
{
	struct seg_header *a = testseg_make(2, 0, 16, NULL);
	struct seg_snapshot sa = snap_of(a);
	struct metrics_source src[] = { { "", &sa } };
	char *t = render(src, 1, METRICS_NAMES_NODE);

	check_shape(t);
	ck_assert_ptr_nonnull(strstr(t, "\n# TYPE node_network_receive_bytes_total counter\n"));
	ck_assert_ptr_nonnull(strstr(t, "\nnode_network_transmit_drop_total{device=\"if1\"} 0\n"));
	ck_assert_ptr_nonnull(strstr(t, "\nnode_network_up{device=\"if1\"} 0\n"));
	ck_assert_ptr_nonnull(strstr(t, "\nnode_network_carrier_changes_total{device=\"if0\"} 0\n"));
	ck_assert_ptr_null(strstr(t, "ipcmon_network_receive"));
	ck_assert_ptr_null(strstr(t, "ipcmon_network_info"));
	/* what node_exporter has not keeps ipcmon's name */
	ck_assert_ptr_nonnull(strstr(t, "\nipcmon_network_links_created_total 0\n"));
	ck_assert_ptr_nonnull(strstr(t, "\nipcmon_network_last_change_timestamp_seconds{device=\"if0\"} "));
	free(t);
	free(a);
}
END_TEST

START_TEST(test_event_counters)
{
	struct seg_header *a = testseg_make(2, 0, 16, NULL);
	struct seg_link *k = &seg_links(a)[0];
	struct seg_snapshot sa;
	struct metrics_source src[] = { { "", &sa } };
	char *t;

	a->events_by_type[SEG_EV_LINK_NEW] = 7;
	a->events_by_type[SEG_EV_LINK_DEL] = 5;
	a->events_by_type[SEG_EV_COLLECTOR_RESTART] = 1;
	a->addrs_added[1] = 3;
	a->addrs_removed[0] = 2;
	a->resyncs = 4;
	a->parent_collector_restarts = 1;
	a->parent_fifo_dropped = 11;
	a->parent_requests = 12;
	a->parent_bad_requests = 13;
	a->cpu_usage_centi = 1234;
	a->start_time_usec = 1500000;
	k->oper_transitions[IF_OPER_UP] = 2;
	k->oper_transitions[IF_OPER_DORMANT] = 1;
	k->admin_up = 3;
	k->admin_down = 2;
	k->last_change_usec = 1700000000000250;
	k->operstate = IF_OPER_UP;
	k->carrier = 1;
	k->carrier_changes = 9;
	k->kind[0] = 'v';
	k->addr_len = 6;
	memcpy(k->address, "\x02\x00\x00\x00\x00\x0a", 6);
	memcpy(k->broadcast, "\xff\xff\xff\xff\xff\xff", 6);
	k->rx.bytes = UINT64_MAX;
	sa = snap_of(a);
	t = render(src, 1, METRICS_NAMES_IPCMON);
	check_shape(t);
	static const char *const want[] = {
		"\nipcmon_network_links_created_total 7\n",
		"\nipcmon_network_links_deleted_total 5\n",
		"\nipcmon_events_total{type=\"link-new\"} 7\n",
		"\nipcmon_events_total{type=\"collector-restart\"} 1\n",
		"\nipcmon_events_total{type=\"daemon-stop\"} 0\n",
		"\nipcmon_network_addresses_added_total{family=\"inet6\"} 3\n",
		"\nipcmon_network_addresses_removed_total{family=\"inet\"} 2\n",
		"\nipcmon_netlink_resyncs_total 4\n",
		"\nipcmon_collector_restarts_total 1\n",
		"\nipcmon_fifo_lines_dropped_total 11\n",
		"\nipcmon_requests_total 12\n",
		"\nipcmon_bad_requests_total 13\n",
		"\nipcmon_cpu_usage_ratio 0.1234\n",
		"\nipcmon_start_time_seconds 1.500000\n",
		"\nipcmon_network_operstate_transitions_total{device=\"if0\",operstate=\"up\"} 2\n",
		"\nipcmon_network_operstate_transitions_total{device=\"if0\",operstate=\"down\"} 0\n",
		"\nipcmon_network_operstate_transitions_total{device=\"if0\",operstate=\"dormant\"} 1\n",
		"\nipcmon_network_operstate_transitions_total{device=\"if1\",operstate=\"up\"} 0\n",
		"\nipcmon_network_adminstate_transitions_total{device=\"if0\",adminstate=\"up\"} 3\n",
		"\nipcmon_network_adminstate_transitions_total{device=\"if0\",adminstate=\"down\"} 2\n",
		"\nipcmon_network_last_change_timestamp_seconds{device=\"if0\"} 1700000000.000250\n",
		"\nipcmon_network_up{device=\"if0\"} 1\n",
		"\nipcmon_network_carrier{device=\"if0\"} 1\n",
		"\nipcmon_network_carrier_changes_total{device=\"if0\"} 9\n",
		"\nipcmon_network_receive_bytes_total{device=\"if0\"} 18446744073709551615\n",
		"\nipcmon_network_info{device=\"if0\",address=\"02:00:00:00:00:0a\","
		"broadcast=\"ff:ff:ff:ff:ff:ff\",operstate=\"up\",adminstate=\"up\",ifalias=\"\","
		"kind=\"v\"} 1\n",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		ck_assert_msg(strstr(t, want[i]), "missing: %s", want[i] + 1);
	/* states never entered (but up and down) have no series */
	ck_assert_ptr_null(strstr(t, "operstate=\"testing\"} "));
	ck_assert_ptr_null(strstr(t, "{device=\"if1\",operstate=\"dormant\"}"));
	free(t);

	a->cpu_usage_centi = 10000;
	sa = snap_of(a);
	t = render(src, 1, METRICS_NAMES_IPCMON);
	ck_assert_ptr_nonnull(strstr(t, "\nipcmon_cpu_usage_ratio 1.0000\n"));
	free(t);
	free(a);
}
END_TEST

START_TEST(test_deleted_link_gone)
{
	struct seg_header *a = testseg_make(3, 0, 16, NULL);
	struct seg_snapshot sa;
	struct metrics_source src[] = { { "", &sa } };
	char *t;

	sa = snap_of(a);
	t = render(src, 1, METRICS_NAMES_IPCMON);
	ck_assert_uint_eq(count(t, "device=\"if1\""), count(t, "device=\"if0\""));
	ck_assert_uint_gt(count(t, "device=\"if1\""), 20);
	free(t);
	/* delete if1 as linkdb does: the last record moves into its hole */
	seg_links(a)[1] = seg_links(a)[2];
	a->links.count = 2;
	sa = snap_of(a);
	t = render(src, 1, METRICS_NAMES_IPCMON);
	ck_assert_ptr_null(strstr(t, "device=\"if1\""));
	ck_assert_uint_gt(count(t, "device=\"if2\""), 20);
	free(t);
	free(a);
}
END_TEST

START_TEST(test_unreadable_source)
{
	struct seg_header *a = testseg_make(1, 0, 16, NULL);
	struct seg_snapshot sa = snap_of(a);
	struct metrics_source src[] = { { "a\"x", &sa }, { "old", NULL } };
	char *t = render(src, 2, METRICS_NAMES_IPCMON);

	check_shape(t);
	ck_assert_ptr_nonnull(strstr(t, "\nipcmon_up{ipcmon_instance=\"a\\\"x\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(t, "\nipcmon_up{ipcmon_instance=\"old\"} 0\n"));
	ck_assert_uint_eq(count(t, "ipcmon_instance=\"old\""), 1);
	free(t);
	free(a);
}
END_TEST

START_TEST(test_instance_label)
{
	static const struct {
		const char *shm, *label;
	} cases[] = {
		{ "/ipc_shm", "" },
		{ "/ipc_shm.blue", "blue" },
		{ "/ipc_shm.a-b_c.d", "a-b_c.d" },
		{ "/ipc_shm.", "ipc_shm." },
		{ "/ipc_shm.-x", "ipc_shm.-x" },
		{ "/ipc_shmx", "ipc_shmx" },
		{ "/mine", "mine" },
	};
	char buf[300];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		scrape_instance_label(cases[i].shm, buf, sizeof(buf));
		ck_assert_msg(strcmp(buf, cases[i].label) == 0, "%s: got '%s', want '%s'",
			      cases[i].shm, buf, cases[i].label);
	}
}
END_TEST

/* ---- one scrape of real shm objects ---- */

static char live[64], dead[64], other[64], undead[64], empty[64];

static void unlink_all(void)
{
	shm_unlink(empty);
	shm_unlink(live);
	shm_unlink(dead);
	shm_unlink(other);
	shm_unlink(undead);
}

/* An object holding a READY testseg segment of daemon pid, with nlinks
 * links (one address each). */
static void make_object_n(const char *name, pid_t pid, uint32_t nlinks)
{
	size_t size;
	struct seg_header *h = testseg_make(nlinks, 1, 16, &size);
	int fd;

	h->daemon_pid = pid;
	shm_unlink(name);
	fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, h, size), (ssize_t)size);
	close(fd);
	free(h);
}

static void make_object(const char *name, pid_t pid)
{
	make_object_n(name, pid, 2);
}

static pid_t dead_pid(void)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(0);
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
	return pid;
}

/* A child that exited and is not reaped yet: kill(pid, 0) says alive. */
static pid_t zombie_pid(void)
{
	pid_t pid = fork();
	siginfo_t si;

	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(0);
	ck_assert_int_eq(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT), 0);
	ck_assert_int_eq(kill(pid, 0), 0);
	return pid;
}

START_TEST(test_scrape)
{
	struct config c;
	struct scrape_opts o = { .cfg = &c, .scan = true };
	struct scrape_result res;
	struct metrics_buf b = { 0 };
	char want[128];

	atexit(unlink_all);
	snprintf(live, sizeof(live), "/ipc_shm.ckm-%d", (int)getpid());
	snprintf(dead, sizeof(dead), "/ipc_shm.ckm-%d-dead", (int)getpid());
	snprintf(other, sizeof(other), "/ckm-%d-mine", (int)getpid());
	snprintf(undead, sizeof(undead), "/ipc_shm.ckm-%d-zombie", (int)getpid());
	make_object(live, getpid());
	make_object(dead, dead_pid());
	make_object(other, getpid());
	make_object(undead, zombie_pid());
	/* a daemon before its first dump: no link, no address */
	snprintf(empty, sizeof(empty), "/ipc_shm.ckm-%d-empty", (int)getpid());
	make_object_n(empty, getpid(), 0);

	/* the configured name (outside the rule) and every instance */
	config_defaults(&c);
	snprintf(c.shm_name, sizeof(c.shm_name), "%s", other);
	ck_assert_int_eq(scrape_run(&o, &b, &res), 0);
	ck_assert_uint_ge(res.found, 2);
	ck_assert_uint_eq(res.found, res.read);
	ck_assert_ptr_nonnull(b.data);
	snprintf(want, sizeof(want), "\nipcmon_up{ipcmon_instance=\"ckm-%d\"} 1\n", (int)getpid());
	ck_assert_ptr_nonnull(memmem(b.data, b.len, want, strlen(want)));
	snprintf(want, sizeof(want), "\nipcmon_up{ipcmon_instance=\"ckm-%d-mine\"} 1\n", (int)getpid());
	ck_assert_ptr_nonnull(memmem(b.data, b.len, want, strlen(want)));
	snprintf(want, sizeof(want), "\nipcmon_network_links{ipcmon_instance=\"ckm-%d-empty\"} 0\n",
		 (int)getpid());
	ck_assert_ptr_nonnull(memmem(b.data, b.len, want, strlen(want)));
	/* the dead daemon's segment is not a daemon's, nor a zombie's */
	snprintf(want, sizeof(want), "ipcmon_instance=\"ckm-%d-dead\"", (int)getpid());
	ck_assert_ptr_null(memmem(b.data, b.len, want, strlen(want)));
	snprintf(want, sizeof(want), "ipcmon_instance=\"ckm-%d-zombie\"", (int)getpid());
	ck_assert_ptr_null(memmem(b.data, b.len, want, strlen(want)));
	metrics_buf_free(&b);

	/* only the configured one */
	o.scan = false;
	ck_assert_int_eq(scrape_run(&o, &b, &res), 0);
	ck_assert_uint_eq(res.found, 1);
	snprintf(want, sizeof(want), "{ipcmon_instance=\"ckm-%d\"}", (int)getpid());
	ck_assert_ptr_null(memmem(b.data, b.len, want, strlen(want)));
	metrics_buf_free(&b);

	/* none: the configured one gone, the dead one not counted */
	snprintf(c.shm_name, sizeof(c.shm_name), "%s", dead);
	ck_assert_int_eq(scrape_run(&o, &b, &res), -ENOENT);
	ck_assert_uint_eq(res.found, 0);
	ck_assert_uint_eq(b.len, 0);
	shm_unlink(other);
	snprintf(c.shm_name, sizeof(c.shm_name), "%s", other);
	ck_assert_int_eq(scrape_run(&o, &b, &res), -ENOENT);
	metrics_buf_free(&b);
	unlink_all();
}
END_TEST

static Suite *metrics_suite(void)
{
	Suite *s = suite_create("metrics");
	TCase *tc = tcase_create("render");

	tcase_add_test(tc, test_label_value);
	tcase_add_test(tc, test_render_shape_and_instances);
	tcase_add_test(tc, test_many_links);
	tcase_add_test(tc, test_node_names);
	tcase_add_test(tc, test_event_counters);
	tcase_add_test(tc, test_deleted_link_gone);
	tcase_add_test(tc, test_unreadable_source);
	tcase_add_test(tc, test_instance_label);
	suite_add_tcase(s, tc);
	tc = tcase_create("scrape");
	tcase_add_test(tc, test_scrape);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(metrics_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
