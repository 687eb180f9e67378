/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* check_names.c - iproute2's names for operstate, flags, scopes. */
#include "names.h"

#include <check.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_arp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "segment.h"

START_TEST(test_operstate)
{
	ck_assert_str_eq(names_operstate(IF_OPER_UP), "UP");
	ck_assert_str_eq(names_operstate(IF_OPER_DOWN), "DOWN");
	ck_assert_str_eq(names_operstate(IF_OPER_LOWERLAYERDOWN), "LOWERLAYERDOWN");
	ck_assert_str_eq(names_operstate(IF_OPER_UNKNOWN), "UNKNOWN");
	ck_assert_str_eq(names_operstate(IF_OPER_DORMANT), "DORMANT");
	ck_assert_str_eq(names_operstate(IF_OPER_NOTPRESENT), "NOTPRESENT");
	ck_assert_str_eq(names_operstate(IF_OPER_TESTING), "TESTING");
	ck_assert_str_eq(names_operstate(200), "UNKNOWN");
}
END_TEST

START_TEST(test_flags_order)
{
	char buf[256];
	const char *names[8];
	size_t n;

	/* What `ip link` shows for a veth that is up with its peer up. */
	names_flags(IFF_UP | IFF_BROADCAST | IFF_MULTICAST | IFF_RUNNING | IFF_LOWER_UP,
		    buf, sizeof(buf));
	ck_assert_str_eq(buf, "BROADCAST,MULTICAST,UP,LOWER_UP");
	/* Up without carrier: NO-CARRIER leads, as in `ip link`. */
	names_flags(IFF_UP | IFF_BROADCAST | IFF_MULTICAST, buf, sizeof(buf));
	ck_assert_str_eq(buf, "NO-CARRIER,BROADCAST,MULTICAST,UP");
	names_flags(IFF_LOOPBACK | IFF_UP | IFF_RUNNING | IFF_LOWER_UP, buf, sizeof(buf));
	ck_assert_str_eq(buf, "LOOPBACK,UP,LOWER_UP");
	names_flags(0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "");

	n = names_flags_list(IFF_BROADCAST | IFF_MULTICAST | IFF_MASTER, names, 8);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(names[0], "BROADCAST");
	ck_assert_str_eq(names[1], "MULTICAST");
	ck_assert_str_eq(names[2], "MASTER");
	/* Too small an array: the count still says how many there are. */
	n = names_flags_list(IFF_BROADCAST | IFF_MULTICAST | IFF_MASTER, names, 1);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(names[0], "BROADCAST");
}
END_TEST

START_TEST(test_flags_unknown_and_cut)
{
	char buf[256], small[8];
	int n;

	ck_assert_uint_eq(names_flags_unknown(IFF_UP | IFF_RUNNING | 0x100000u), 0x100000u);
	names_flags(IFF_UP | IFF_RUNNING | 0x100000u, buf, sizeof(buf));
	ck_assert_str_eq(buf, "UP,0x100000");
	names_flags(0x100000u, buf, sizeof(buf));
	ck_assert_str_eq(buf, "0x100000");

	/* Cut like snprintf: NUL-terminated, full length returned. */
	n = names_flags(IFF_BROADCAST | IFF_MULTICAST, small, sizeof(small));
	ck_assert_int_eq(n, (int)strlen("BROADCAST,MULTICAST"));
	ck_assert_str_eq(small, "BROADCA");
	ck_assert_uint_lt(strlen(small), sizeof(small));
}
END_TEST

START_TEST(test_single_flag)
{
	ck_assert_str_eq(names_flag(IFF_UP), "UP");
	ck_assert_str_eq(names_flag(IFF_LOWER_UP), "LOWER_UP");
	ck_assert_str_eq(names_flag(IFF_RUNNING), "RUNNING");
	ck_assert_str_eq(names_flag(IFF_PROMISC), "PROMISC");
	ck_assert_ptr_null(names_flag(IFF_UP | IFF_BROADCAST));
	ck_assert_ptr_null(names_flag(0x100000u));
}
END_TEST

START_TEST(test_scope_family_type)
{
	ck_assert_str_eq(names_scope(0), "global");
	ck_assert_str_eq(names_scope(253), "link");
	ck_assert_str_eq(names_scope(254), "host");
	ck_assert_ptr_null(names_scope(17));
	ck_assert_str_eq(names_family(AF_INET), "inet");
	ck_assert_str_eq(names_family(AF_INET6), "inet6");
	ck_assert_ptr_null(names_family(99));
	ck_assert_str_eq(names_link_type(ARPHRD_ETHER), "ether");
	ck_assert_str_eq(names_link_type(ARPHRD_LOOPBACK), "loopback");
	ck_assert_ptr_null(names_link_type(0x1234));
	ck_assert_str_eq(names_addr_flag(IFA_F_PERMANENT), "permanent");
	ck_assert_str_eq(names_addr_flag(IFA_F_NOPREFIXROUTE), "noprefixroute");
	ck_assert_ptr_null(names_addr_flag(0));
}
END_TEST

START_TEST(test_hwaddr)
{
	static const uint8_t mac[6] = { 0x02, 0xab, 0x00, 0x10, 0xff, 0x7 };
	char buf[32], small[6];

	ck_assert_int_eq(names_hwaddr(mac, 6, buf, sizeof(buf)), 17);
	ck_assert_str_eq(buf, "02:ab:00:10:ff:07");
	ck_assert_int_eq(names_hwaddr(mac, 0, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "");
	ck_assert_int_eq(names_hwaddr(mac, 6, small, sizeof(small)), 17);
	ck_assert_str_eq(small, "02:ab");
}
END_TEST

static Suite *names_suite(void)
{
	Suite *s = suite_create("names");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_operstate);
	tcase_add_test(tc, test_flags_order);
	tcase_add_test(tc, test_flags_unknown_and_cut);
	tcase_add_test(tc, test_single_flag);
	tcase_add_test(tc, test_scope_family_type);
	tcase_add_test(tc, test_hwaddr);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(names_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
