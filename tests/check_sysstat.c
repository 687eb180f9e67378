/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* check_sysstat.c - /proc/stat and /proc/meminfo parsing from samples. */
#include "sysstat.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char stat_a[] =
	"cpu  100 0 100 700 100 0 0 0 0 0\n"
	"cpu0 50 0 50 350 50 0 0 0 0 0\n"
	"cpu1 50 0 50 350 50 0 0 0 0 0\n"
	"intr 12345 0 0\n"
	"ctxt 999\n";
static const char stat_b[] = /* 1000 jiffies later, 250 of them busy */
	"cpu  200 0 250 1400 150 0 0 0 0 0\n"
	"cpu0 100 0 125 700 75 0 0 0 0 0\n"
	"cpu1 100 0 125 700 75 0 0 0 0 0\n";

START_TEST(test_stat)
{
	struct sysstat_cpu a, b;

	ck_assert_int_eq(sysstat_parse_stat(stat_a, &a), 0);
	ck_assert_uint_eq(a.total, 1000);
	ck_assert_uint_eq(a.idle, 800);
	ck_assert_uint_eq(a.ncpu, 2);
	ck_assert_int_eq(sysstat_parse_stat(stat_b, &b), 0);
	ck_assert_uint_eq(b.total, 2000);
	ck_assert_uint_eq(sysstat_cpu_usage_centi(&a, &b), 2500);
	/* no time passed, or time went back: 0, not garbage */
	ck_assert_uint_eq(sysstat_cpu_usage_centi(&a, &a), 0);
	ck_assert_uint_eq(sysstat_cpu_usage_centi(&b, &a), 0);
	/* old kernels: only four fields */
	ck_assert_int_eq(sysstat_parse_stat("cpu 1 2 3 4\ncpu0 1 2 3 4\n", &a), 0);
	ck_assert_uint_eq(a.total, 10);
	ck_assert_uint_eq(a.idle, 4);
}
END_TEST

START_TEST(test_stat_malformed)
{
	static const char *const bad[] = {
		"",
		"intr 1 2 3\n",
		"cpu  1 2 3\n",           /* too few fields */
		"cpu  1 2 x 4\n",
		"cpu  a b c d\n",
		"cpu  0 0 0 0\n",         /* no time at all */
		"cpu  1 2 3 4garbage\n",
		"cpu  99999999999999999999999 1 1 1\n", /* overflow */
	};
	struct sysstat_cpu c = { .total = 42, .idle = 7, .ncpu = 3 };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(sysstat_parse_stat(bad[i], &c) == -EINVAL, "accepted '%s'", bad[i]);
		/* nothing changed */
		ck_assert_uint_eq(c.total, 42);
		ck_assert_uint_eq(c.idle, 7);
		ck_assert_uint_eq(c.ncpu, 3);
	}
}
END_TEST

START_TEST(test_meminfo)
{
	static const char text[] =
		"MemTotal:        2000000 kB\n"
		"MemFree:          100000 kB\n"
		"MemAvailable:     500000 kB\n"
		"Buffers:           10000 kB\n";
	struct sysstat_mem m;

	ck_assert_int_eq(sysstat_parse_meminfo(text, &m), 0);
	ck_assert_uint_eq(m.total, UINT64_C(2000000) * 1024);
	ck_assert_uint_eq(m.available, UINT64_C(500000) * 1024);
}
END_TEST

START_TEST(test_meminfo_malformed)
{
	static const char *const bad[] = {
		"",
		"MemTotal: 100 kB\n",                            /* no MemAvailable */
		"MemAvailable: 100 kB\n",
		"MemTotal: x kB\nMemAvailable: 1 kB\n",
		"MemTotal: 100 MB\nMemAvailable: 1 kB\n",        /* unit */
		"MemTotal: 100 kB\nMemAvailable: 200 kB\n",      /* more than total */
		"MemTotalX: 100 kB\nMemAvailable: 1 kB\n",
	};
	struct sysstat_mem m = { .total = 5, .available = 3 };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(sysstat_parse_meminfo(bad[i], &m) == -EINVAL, "accepted '%s'", bad[i]);
		ck_assert_uint_eq(m.total, 5);
		ck_assert_uint_eq(m.available, 3);
	}
}
END_TEST

START_TEST(test_read_real_proc)
{
	char buf[65536];
	struct sysstat_cpu c;
	struct sysstat_mem m;

	ck_assert_int_gt(sysstat_read_file("/proc/stat", buf, sizeof(buf)), 0);
	ck_assert_int_eq(sysstat_parse_stat(buf, &c), 0);
	ck_assert_uint_ge(c.ncpu, 1);
	ck_assert_int_gt(sysstat_read_file("/proc/meminfo", buf, sizeof(buf)), 0);
	ck_assert_int_eq(sysstat_parse_meminfo(buf, &m), 0);
	ck_assert_uint_gt(m.total, 0);
	ck_assert_int_eq(sysstat_read_file("/proc/meminfo", buf, 16), -EFBIG);
	ck_assert_int_eq(sysstat_read_file("/nonexistent/x", buf, sizeof(buf)), -ENOENT);
}
END_TEST

static Suite *sysstat_suite(void)
{
	Suite *s = suite_create("sysstat");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_stat);
	tcase_add_test(tc, test_stat_malformed);
	tcase_add_test(tc, test_meminfo);
	tcase_add_test(tc, test_meminfo_malformed);
	tcase_add_test(tc, test_read_real_proc);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(sysstat_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
