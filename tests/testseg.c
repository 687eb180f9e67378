/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* testseg.c - see testseg.h. */
#include "testseg.h"

#include <check.h>
#include <linux/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "usec.h"

struct seg_header *testseg_make(uint32_t nlinks, uint32_t addrs_per_link,
				       uint32_t ring, size_t *ret_size)
{
	struct seg_layout l;
	struct seg_header *h;

	seg_layout_compute(&l, nlinks ? nlinks : 1, nlinks * addrs_per_link + 1, ring);
	h = calloc(1, l.total_size);
	ck_assert_ptr_nonnull(h);
	seg_init(h, &l);
	for (uint32_t i = 0; i < nlinks; i++) {
		struct seg_link *k = &seg_links(h)[i];

		k->ifindex = (int32_t)(1000 - i); /* no order in the table */
		snprintf(k->name, sizeof(k->name), "if%u", i);
		k->flags = IFF_UP | IFF_BROADCAST;
		k->mtu = 1500 + i;
		for (uint32_t a = 0; a < addrs_per_link; a++) {
			struct seg_addr *ad = &seg_addrs(h)[h->addrs.count++];

			ad->ifindex = k->ifindex;
			ad->family = AF_INET;
			ad->prefixlen = 24;
			ad->local[0] = 10;
			ad->local[2] = (uint8_t)i;
			ad->local[3] = (uint8_t)(a + 1);
		}
	}
	h->links.count = nlinks;
	h->state = SEG_STATE_READY;
	if (ret_size)
		*ret_size = l.total_size;
	return h;
}

struct daemon_status *testseg_status(void)
{
	struct daemon_status *st = calloc(1, sizeof(*st));

	st->pid = getpid();
	st->start_usec = usec_now() - 5000000;
	atomic_store(&st->requests_total, 17);
	return st;
}
