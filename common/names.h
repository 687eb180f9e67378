/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* names.h - iproute2's names for link and address attributes.
 *
 * The collector writes these names into event texts, and the client
 * prints them (text and JSON), so both spell them the way `ip` does:
 * operstate "UP", flags "BROADCAST,MULTICAST,UP,LOWER_UP", scope "link".
 * Pure functions, no allocation, no logging.
 */
#ifndef IPCMON_NAMES_H
#define IPCMON_NAMES_H

#include <stddef.h>
#include <stdint.h>

/* IF_OPER_* as iproute2 prints it ("UP", "LOWERLAYERDOWN", ...); values
 * outside the kernel's table give "UNKNOWN". */
const char *names_operstate(uint8_t operstate);

/* Name of one IFF_* bit ("UP", "LOWER_UP", "RUNNING"), NULL when the
 * bit has no name or more than one bit is set. */
const char *names_flag(uint32_t bit);

/* The names `ip link` shows for a flags word, in its order: "NO-CARRIER"
 * first when UP without RUNNING, RUNNING itself never, then LOOPBACK,
 * BROADCAST, ... UP, LOWER_UP, DORMANT, ECHO.  Stores at most max
 * pointers to static strings in names; returns how many names there are
 * (may exceed max).  Bits without a name are left out: see
 * names_flags_unknown(). */
size_t names_flags_list(uint32_t flags, const char **names, size_t max);

/* The bits of flags names_flags_list() leaves out (RUNNING excluded). */
uint32_t names_flags_unknown(uint32_t flags);

/* names_flags_list() joined with ',' into buf (always NUL-terminated
 * when len > 0), unknown bits appended as hex ("0x100000").  Returns the
 * length of the full string, like snprintf (>= len: cut). */
int names_flags(uint32_t flags, char *buf, size_t len);

/* RT_SCOPE_* as iproute2 prints it: "global", "site", "link", "host",
 * "nowhere"; NULL for other values (print the number). */
const char *names_scope(uint8_t scope);

/* "inet", "inet6", "packet", "unspec"; NULL for other families. */
const char *names_family(uint8_t family);

/* ARPHRD_* as `ip -j link` prints link_type ("ether", "loopback",
 * "none"); NULL for types without a name here. */
const char *names_link_type(uint16_t type);

/* Name of one IFA_F_* bit as `ip addr` prints it ("secondary",
 * "tentative", "permanent", "noprefixroute"); NULL when unnamed. */
const char *names_addr_flag(uint32_t bit);

/* A hardware address as "aa:bb:cc:dd:ee:ff" (len bytes).  Returns the
 * length of the full string, like snprintf. */
int names_hwaddr(const uint8_t *addr, size_t len, char *buf, size_t buflen);

#endif
