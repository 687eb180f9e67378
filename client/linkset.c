/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* linkset.c - the links of an answer in ifindex order, each with its
 * addresses in the order the daemon gave them (O(n log n), so 8000 links
 * with 16000 addresses stay fast). */
#include "ctl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"

static int cmp_link(const void *a, const void *b)
{
	const struct link_view *x = a, *y = b;

	return (x->link->ifindex > y->link->ifindex) - (x->link->ifindex < y->link->ifindex);
}

static int cmp_addr(const void *a, const void *b)
{
	const struct seg_addr *const *x = a, *const *y = b;

	if ((*x)->ifindex != (*y)->ifindex)
		return ((*x)->ifindex > (*y)->ifindex) - ((*x)->ifindex < (*y)->ifindex);
	return (*x > *y) - (*x < *y); /* keep the daemon's order */
}

int link_set_build(struct link_set *s, const struct seg_link *links,
		   const uint8_t *lflags, size_t nl,
		   const struct seg_addr *addrs, size_t na)
{
	size_t i, j = 0;

	s->v = calloc(nl ? nl : 1, sizeof(*s->v));
	s->addr_store = calloc(na ? na : 1, sizeof(*s->addr_store));
	s->n = nl;
	if (!s->v || !s->addr_store) {
		link_set_free(s);
		return -ENOMEM;
	}
	for (i = 0; i < nl; i++) {
		s->v[i].link = &links[i];
		s->v[i].lflags = lflags[i];
	}
	for (i = 0; i < na; i++)
		s->addr_store[i] = &addrs[i];
	qsort(s->v, nl, sizeof(*s->v), cmp_link);
	qsort(s->addr_store, na, sizeof(*s->addr_store), cmp_addr);
	for (i = 0; i < nl; i++) {
		while (j < na && s->addr_store[j]->ifindex < s->v[i].link->ifindex)
			j++;
		s->v[i].addrs = &s->addr_store[j];
		while (j < na && s->addr_store[j]->ifindex == s->v[i].link->ifindex) {
			s->v[i].naddrs++;
			j++;
		}
	}
	return 0;
}

size_t link_flag_names(const struct link_view *v, const char **names, size_t max)
{
	size_t n = names_flags_list(v->link->flags, names, max);

	if (v->lflags & PROTO_LINK_M_DOWN) {
		if (n < max)
			names[n] = "M-DOWN";
		n++;
	}
	return n;
}

void link_flags_text(const struct link_view *v, char *buf, size_t len)
{
	names_flags(v->link->flags, buf, len);
	if ((v->lflags & PROTO_LINK_M_DOWN) && len > 0) {
		size_t used = strlen(buf);

		snprintf(buf + used, len - used, "%sM-DOWN", used ? "," : "");
	}
}

void link_set_free(struct link_set *s)
{
	free(s->v);
	free(s->addr_store);
	s->v = NULL;
	s->addr_store = NULL;
	s->n = 0;
}
