/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* names.c - see names.h.  The tables follow iproute2 (ip/ipaddress.c,
 * lib/rt_names.c, lib/ll_types.c) so our output reads like `ip`'s. */
#include "names.h"

#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_arp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>


#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

const char *names_operstate(uint8_t operstate)
{
	static const char *const t[] = {
		[IF_OPER_UNKNOWN] = "UNKNOWN",
		[IF_OPER_NOTPRESENT] = "NOTPRESENT",
		[IF_OPER_DOWN] = "DOWN",
		[IF_OPER_LOWERLAYERDOWN] = "LOWERLAYERDOWN",
		[IF_OPER_TESTING] = "TESTING",
		[IF_OPER_DORMANT] = "DORMANT",
		[IF_OPER_UP] = "UP",
	};

	return operstate < ELEMENTSOF(t) ? t[operstate] : "UNKNOWN";
}

/* iproute2's print order (print_link_flags). */
static const struct {
	uint32_t bit;
	const char *name;
} flag_table[] = {
	{ IFF_LOOPBACK, "LOOPBACK" },
	{ IFF_BROADCAST, "BROADCAST" },
	{ IFF_POINTOPOINT, "POINTOPOINT" },
	{ IFF_MULTICAST, "MULTICAST" },
	{ IFF_NOARP, "NOARP" },
	{ IFF_ALLMULTI, "ALLMULTI" },
	{ IFF_PROMISC, "PROMISC" },
	{ IFF_NOTRAILERS, "NOTRAILERS" },
	{ IFF_DEBUG, "DEBUG" },
	{ IFF_MASTER, "MASTER" },
	{ IFF_SLAVE, "SLAVE" },
	{ IFF_PORTSEL, "PORTSEL" },
	{ IFF_AUTOMEDIA, "AUTOMEDIA" },
	{ IFF_DYNAMIC, "DYNAMIC" },
	{ IFF_UP, "UP" },
	{ IFF_LOWER_UP, "LOWER_UP" },
	{ IFF_DORMANT, "DORMANT" },
	{ IFF_ECHO, "ECHO" },
};

const char *names_flag(uint32_t bit)
{
	if (bit == IFF_RUNNING)
		return "RUNNING";
	for (size_t i = 0; i < ELEMENTSOF(flag_table); i++)
		if (flag_table[i].bit == bit)
			return flag_table[i].name;
	return NULL;
}

size_t names_flags_list(uint32_t flags, const char **names, size_t max)
{
	size_t n = 0;

	if ((flags & IFF_UP) && !(flags & IFF_RUNNING)) {
		if (n < max)
			names[n] = "NO-CARRIER";
		n++;
	}
	for (size_t i = 0; i < ELEMENTSOF(flag_table); i++) {
		if (!(flags & flag_table[i].bit))
			continue;
		if (n < max)
			names[n] = flag_table[i].name;
		n++;
	}
	return n;
}

uint32_t names_flags_unknown(uint32_t flags)
{
	flags &= ~(uint32_t)IFF_RUNNING;
	for (size_t i = 0; i < ELEMENTSOF(flag_table); i++)
		flags &= ~flag_table[i].bit;
	return flags;
}

int names_flags(uint32_t flags, char *buf, size_t len)
{
	const char *names[ELEMENTSOF(flag_table) + 1];
	size_t n = names_flags_list(flags, names, ELEMENTSOF(names));
	uint32_t unknown = names_flags_unknown(flags);
	size_t used = 0;
	int w;

	if (len > 0)
		buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		w = snprintf(buf + (used < len ? used : len),
			     used < len ? len - used : 0, "%s%s",
			     i ? "," : "", names[i]);
		used += (size_t)w;
	}
	if (unknown) {
		w = snprintf(buf + (used < len ? used : len),
			     used < len ? len - used : 0, "%s0x%x",
			     n ? "," : "", unknown);
		used += (size_t)w;
	}
	return (int)used;
}

const char *names_scope(uint8_t scope)
{
	switch (scope) {
	case 0: return "global";    /* RT_SCOPE_UNIVERSE */
	case 200: return "site";    /* RT_SCOPE_SITE */
	case 253: return "link";    /* RT_SCOPE_LINK */
	case 254: return "host";    /* RT_SCOPE_HOST */
	case 255: return "nowhere"; /* RT_SCOPE_NOWHERE */
	}
	return NULL;
}

const char *names_family(uint8_t family)
{
	switch (family) {
	case AF_UNSPEC: return "unspec";
	case AF_INET: return "inet";
	case AF_INET6: return "inet6";
	case AF_PACKET: return "packet";
	}
	return NULL;
}

const char *names_link_type(uint16_t type)
{
	switch (type) {
	case ARPHRD_ETHER: return "ether";
	case ARPHRD_LOOPBACK: return "loopback";
	case ARPHRD_NONE: return "none";
	case ARPHRD_VOID: return "void";
	case ARPHRD_PPP: return "ppp";
	case ARPHRD_TUNNEL: return "ipip";
	case ARPHRD_TUNNEL6: return "tunnel6";
	case ARPHRD_SIT: return "sit";
	case ARPHRD_IPGRE: return "gre";
	case ARPHRD_IP6GRE: return "gre6";
	case ARPHRD_INFINIBAND: return "infiniband";
	case ARPHRD_IEEE80211: return "ieee802.11";
	case ARPHRD_IEEE80211_RADIOTAP: return "ieee802.11/radiotap";
	case ARPHRD_CAN: return "can";
	}
	return NULL;
}

const char *names_addr_flag(uint32_t bit)
{
	switch (bit) {
	case IFA_F_SECONDARY: return "secondary";
	case IFA_F_NODAD: return "nodad";
	case IFA_F_OPTIMISTIC: return "optimistic";
	case IFA_F_DADFAILED: return "dadfailed";
	case IFA_F_HOMEADDRESS: return "home";
	case IFA_F_DEPRECATED: return "deprecated";
	case IFA_F_TENTATIVE: return "tentative";
	case IFA_F_PERMANENT: return "permanent";
	case IFA_F_MANAGETEMPADDR: return "mngtmpaddr";
	case IFA_F_NOPREFIXROUTE: return "noprefixroute";
	case IFA_F_MCAUTOJOIN: return "autojoin";
	case IFA_F_STABLE_PRIVACY: return "stable-privacy";
	}
	return NULL;
}

int names_hwaddr(const uint8_t *addr, size_t len, char *buf, size_t buflen)
{
	size_t used = 0;
	int w;

	if (buflen > 0)
		buf[0] = '\0';
	for (size_t i = 0; i < len; i++) {
		w = snprintf(buf + (used < buflen ? used : buflen),
			     used < buflen ? buflen - used : 0, "%s%02x",
			     i ? ":" : "", addr[i]);
		used += (size_t)w;
	}
	return (int)used;
}
