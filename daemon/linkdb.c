/* SPDX-License-Identifier: ISC
 * Copyright (c) 2026 The ipcmon authors
 */
/* linkdb.c - see linkdb.h.
 *
 * Indexes: open addressing with linear probing and backward-shift
 * deletion; a bucket holds slot + 1 (0 = empty).  The hash of a bucket is
 * always recomputed from the record it points at, so a record that moves
 * only needs its bucket's value changed.
 */
#include "linkdb.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/addr.h>
#include <netlink/utils.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>

#include "names.h"
#include "usec.h"

#define NONE UINT32_MAX
#define MIN_GROW 16

struct hidx {
	uint32_t *v;    /* slot + 1, 0 empty */
	uint32_t mask;  /* size - 1, size a power of two */
	uint32_t used;
};

struct addr_key {
	int32_t ifindex;
	uint8_t family, prefixlen;
	uint8_t local[16], peer[16];
};

struct linkdb {
	struct segmap *m;
	linkdb_emit_fn *emit;
	void *userdata;
	struct hidx lidx, aidx;
	/* parallel to the link table */
	uint32_t *link_head;  /* first address slot of the link, NONE */
	uint8_t *link_mark;
	uint32_t link_cap;
	/* parallel to the address table */
	uint32_t *addr_next, *addr_prev;
	uint8_t *addr_mark;
	uint32_t addr_cap;
	bool syncing;
};

typedef uint64_t slot_hash_fn(const struct linkdb *db, uint32_t slot);

static struct seg_header *H(const struct linkdb *db)
{
	return db->m->h;
}

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= UINT64_C(0xff51afd7ed558ccd);
	x ^= x >> 33;
	x *= UINT64_C(0xc4ceb9fe1a85ec53);
	x ^= x >> 33;
	return x;
}

static uint64_t link_hash_ifindex(int32_t ifindex)
{
	return mix64((uint64_t)(uint32_t)ifindex);
}

static uint64_t addr_hash_key(const struct addr_key *k)
{
	const uint8_t *p = (const uint8_t *)k;
	uint64_t h = UINT64_C(0xcbf29ce484222325);

	for (size_t i = 0; i < sizeof(*k); i++) {
		h ^= p[i];
		h *= UINT64_C(0x100000001b3);
	}
	return mix64(h);
}

static void addr_key_of(const struct seg_addr *a, struct addr_key *k)
{
	memset(k, 0, sizeof(*k));
	k->ifindex = a->ifindex;
	k->family = a->family;
	k->prefixlen = a->prefixlen;
	memcpy(k->local, a->local, sizeof(k->local));
	memcpy(k->peer, a->peer, sizeof(k->peer));
}

static uint64_t link_slot_hash(const struct linkdb *db, uint32_t slot)
{
	return link_hash_ifindex(seg_links(H(db))[slot].ifindex);
}

static uint64_t addr_slot_hash(const struct linkdb *db, uint32_t slot)
{
	struct addr_key k;

	addr_key_of(&seg_addrs(H(db))[slot], &k);
	return addr_hash_key(&k);
}

/* ---- the hash index ---- */

static int hidx_resize(const struct linkdb *db, struct hidx *x, uint32_t size,
		       slot_hash_fn *hash)
{
	uint32_t *v = calloc(size, sizeof(*v));
	uint32_t mask = size - 1;

	if (!v)
		return -ENOMEM;
	for (uint32_t i = 0; x->v && i <= x->mask; i++) {
		uint32_t j;

		if (!x->v[i])
			continue;
		j = (uint32_t)hash(db, x->v[i] - 1) & mask;
		while (v[j])
			j = (j + 1) & mask;
		v[j] = x->v[i];
	}
	free(x->v);
	x->v = v;
	x->mask = mask;
	return 0;
}

/* Make room for one more entry (load factor at most 1/2). */
static int hidx_reserve(const struct linkdb *db, struct hidx *x, slot_hash_fn *hash)
{
	uint32_t size = x->v ? x->mask + 1 : 0;

	if ((uint64_t)(x->used + 1) * 2 <= size)
		return 0;
	return hidx_resize(db, x, size ? size * 2 : 64, hash);
}

static void hidx_put(struct hidx *x, uint64_t h, uint32_t slot)
{
	uint32_t j = (uint32_t)h & x->mask;

	while (x->v[j])
		j = (j + 1) & x->mask;
	x->v[j] = slot + 1;
	x->used++;
}

/* The bucket that holds slot, whose record hashes to h. */
static uint32_t hidx_bucket_of(const struct hidx *x, uint64_t h, uint32_t slot)
{
	uint32_t j = (uint32_t)h & x->mask;

	while (x->v[j] != slot + 1)
		j = (j + 1) & x->mask;
	return j;
}

static void hidx_del(const struct linkdb *db, struct hidx *x, uint32_t i,
		     slot_hash_fn *hash)
{
	uint32_t j = i;

	x->v[i] = 0;
	x->used--;
	for (;;) {
		uint32_t k;

		j = (j + 1) & x->mask;
		if (!x->v[j])
			break;
		k = (uint32_t)hash(db, x->v[j] - 1) & x->mask;
		/* Leave v[j] where it is if its home k lies cyclically in (i, j]. */
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		x->v[i] = x->v[j];
		x->v[j] = 0;
		i = j;
	}
}

static uint32_t link_find(const struct linkdb *db, int32_t ifindex)
{
	const struct hidx *x = &db->lidx;
	const struct seg_link *l = seg_links(H(db));
	uint32_t j;

	if (!x->v)
		return NONE;
	for (j = (uint32_t)link_hash_ifindex(ifindex) & x->mask; x->v[j];
	     j = (j + 1) & x->mask)
		if (l[x->v[j] - 1].ifindex == ifindex)
			return x->v[j] - 1;
	return NONE;
}

static uint32_t addr_find(const struct linkdb *db, const struct addr_key *k)
{
	const struct hidx *x = &db->aidx;
	const struct seg_addr *a = seg_addrs(H(db));
	struct addr_key rk;
	uint32_t j;

	if (!x->v)
		return NONE;
	for (j = (uint32_t)addr_hash_key(k) & x->mask; x->v[j]; j = (j + 1) & x->mask) {
		addr_key_of(&a[x->v[j] - 1], &rk);
		if (memcmp(&rk, k, sizeof(rk)) == 0)
			return x->v[j] - 1;
	}
	return NONE;
}

/* ---- private arrays and growth ---- */

static int grow_array(void *pp, size_t elem, uint32_t n)
{
	void *p = realloc(*(void **)pp, (size_t)n * elem);

	if (!p && n)
		return -ENOMEM;
	*(void **)pp = p;
	return 0;
}

/* Private arrays at least as large as the segment's tables. */
static int private_fit(struct linkdb *db)
{
	struct seg_header *h = H(db);
	uint32_t lc = h->links.capacity, ac = h->addrs.capacity;

	if (lc > db->link_cap) {
		if (grow_array(&db->link_head, sizeof(uint32_t), lc) < 0 ||
		    grow_array(&db->link_mark, 1, lc) < 0)
			return -ENOMEM;
		db->link_cap = lc;
	}
	if (ac > db->addr_cap) {
		if (grow_array(&db->addr_next, sizeof(uint32_t), ac) < 0 ||
		    grow_array(&db->addr_prev, sizeof(uint32_t), ac) < 0 ||
		    grow_array(&db->addr_mark, 1, ac) < 0)
			return -ENOMEM;
		db->addr_cap = ac;
	}
	return 0;
}

/* Room for one more link (links) or address (!links): double the full
 * table, keep the other capacities. */
static int table_reserve(struct linkdb *db, bool links)
{
	struct seg_header *h = H(db);
	const struct seg_table *t = links ? &h->links : &h->addrs;
	struct seg_layout l;
	uint32_t lc = h->links.capacity, ac = h->addrs.capacity;
	int r;

	if (t->count < t->capacity)
		return private_fit(db);
	if (links)
		lc = lc < MIN_GROW ? MIN_GROW : lc * 2;
	else
		ac = ac < MIN_GROW ? MIN_GROW : ac * 2;
	seg_layout_compute(&l, lc, ac, h->events.capacity);
	r = segmap_grow(db->m, &l);
	if (r < 0)
		return r;
	return private_fit(db);
}

/* ---- event text ---- */

struct text {
	char buf[SEG_EVENT_TEXT];
	size_t len;
	bool cut;
};

#define TEXT_MORE ", ..."

/* Append one comma-separated part, whole or not at all: once a part does
 * not fit (with room left for ", ..."), end the text with ", ...". */
static void text_add(struct text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void text_add(struct text *t, const char *fmt, ...)
{
	char part[SEG_EVENT_TEXT * 2];
	const char *sep = t->len ? ", " : "";
	size_t need;
	va_list ap;
	int n;

	if (t->cut)
		return;
	va_start(ap, fmt);
	n = vsnprintf(part, sizeof(part), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	need = strlen(sep) + (size_t)n;
	if (n < (int)sizeof(part) &&
	    t->len + need + strlen(TEXT_MORE) < sizeof(t->buf)) {
		memcpy(t->buf + t->len, sep, strlen(sep));
		memcpy(t->buf + t->len + strlen(sep), part, (size_t)n);
		t->len += need;
		t->buf[t->len] = '\0';
		return;
	}
	t->cut = true;
	sep = t->len ? TEXT_MORE : TEXT_MORE + 2;
	memcpy(t->buf + t->len, sep, strlen(sep) + 1);
	t->len += strlen(sep);
}

static void emit(struct linkdb *db, struct seg_event *ev, const struct text *t)
{
	memcpy(ev->text, t->buf, t->len + 1);
	db->emit(ev, db->userdata);
}

/* ---- links ---- */

static void copy_nl_addr(uint8_t *dst, size_t cap, uint8_t *ret_len,
			 struct nl_addr *a)
{
	size_t n = a ? nl_addr_get_len(a) : 0;

	memset(dst, 0, cap);
	if (n > cap)
		n = cap;
	if (n)
		memcpy(dst, nl_addr_get_binary_addr(a), n);
	if (ret_len)
		*ret_len = (uint8_t)n;
}

/* The kernel's view of the link, into r (counters and our own fields
 * left as they are). */
static void link_from_nl(struct seg_link *r, struct rtnl_link *l)
{
	const char *s;
	int32_t nsid;
	uint8_t blen;

	r->ifindex = rtnl_link_get_ifindex(l);
	r->flags = rtnl_link_get_flags(l);
	memset(r->name, 0, sizeof(r->name));
	s = rtnl_link_get_name(l);
	if (s)
		snprintf(r->name, sizeof(r->name), "%s", s);
	memset(r->kind, 0, sizeof(r->kind));
	s = rtnl_link_get_type(l);
	if (s)
		snprintf(r->kind, sizeof(r->kind), "%s", s);
	r->operstate = rtnl_link_get_operstate(l);
	r->carrier = rtnl_link_get_carrier(l) ? 1 : 0;
	r->link_type = (uint16_t)rtnl_link_get_arptype(l);
	r->mtu = rtnl_link_get_mtu(l);
	r->master = rtnl_link_get_master(l);
	r->link = rtnl_link_get_link(l);
	r->link_netnsid = rtnl_link_get_link_netnsid(l, &nsid) == 0 ? nsid : -1;
	copy_nl_addr(r->address, sizeof(r->address), &r->addr_len,
		     rtnl_link_get_addr(l));
	copy_nl_addr(r->broadcast, sizeof(r->broadcast), &blen,
		     rtnl_link_get_broadcast(l));
}

static void hwaddr_str(const struct seg_link *r, const uint8_t *a, char *buf, size_t len)
{
	names_hwaddr(a, r->addr_len, buf, len);
	if (!r->addr_len)
		snprintf(buf, len, "none");
}

static void flags_diff_text(struct text *t, uint32_t old, uint32_t new)
{
	uint32_t d = old ^ new;
	char buf[SEG_EVENT_TEXT * 2];
	size_t used = 0;

	/* RUNNING moves with LOWER_UP; `ip` never shows it. */
	if (d & ~(uint32_t)IFF_RUNNING)
		d &= ~(uint32_t)IFF_RUNNING;
	used += (size_t)snprintf(buf, sizeof(buf), "flags");
	for (unsigned b = 0; b < 32 && used < sizeof(buf); b++) {
		uint32_t bit = UINT32_C(1) << b;
		const char *n = names_flag(bit);

		if (!(d & bit))
			continue;
		if (n)
			used += (size_t)snprintf(buf + used, sizeof(buf) - used, " %c%s",
						 new & bit ? '+' : '-', n);
		else
			used += (size_t)snprintf(buf + used, sizeof(buf) - used, " %c0x%x",
						 new & bit ? '+' : '-', bit);
	}
	text_add(t, "%s", buf);
}

static void link_event_init(struct seg_event *ev, uint16_t type, const struct seg_link *r)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->ifindex = r->ifindex;
	memcpy(ev->ifname, r->name, sizeof(ev->ifname));
}

/* Compare the kernel's fields of o and n; fill text and return SEG_CH_*. */
static uint32_t link_diff(const struct seg_link *o, const struct seg_link *n,
			  struct text *t)
{
	char a[100], b[100];
	uint32_t ch = 0;

	if (strncmp(o->name, n->name, sizeof(o->name))) {
		ch |= SEG_CH_NAME;
		text_add(t, "name %.16s -> %.16s", o->name, n->name);
	}
	if (o->operstate != n->operstate) {
		ch |= SEG_CH_OPERSTATE;
		text_add(t, "operstate %s -> %s", names_operstate(o->operstate),
			 names_operstate(n->operstate));
	}
	if (o->carrier != n->carrier) {
		ch |= SEG_CH_CARRIER;
		text_add(t, "carrier %s -> %s", o->carrier ? "on" : "off",
			 n->carrier ? "on" : "off");
	}
	if (o->flags != n->flags) {
		ch |= SEG_CH_FLAGS;
		flags_diff_text(t, o->flags, n->flags);
	}
	if (o->mtu != n->mtu) {
		ch |= SEG_CH_MTU;
		text_add(t, "mtu %u -> %u", o->mtu, n->mtu);
	}
	if (o->addr_len != n->addr_len ||
	    memcmp(o->address, n->address, sizeof(o->address))) {
		ch |= SEG_CH_ADDRESS;
		hwaddr_str(o, o->address, a, sizeof(a));
		hwaddr_str(n, n->address, b, sizeof(b));
		text_add(t, "address %s -> %s", a, b);
	}
	if (o->master != n->master) {
		ch |= SEG_CH_MASTER;
		text_add(t, "master %d -> %d", o->master, n->master);
	}
	if (o->link != n->link) {
		ch |= SEG_CH_OTHER;
		text_add(t, "link %d -> %d", o->link, n->link);
	}
	if (o->link_netnsid != n->link_netnsid) {
		ch |= SEG_CH_OTHER;
		text_add(t, "link-netnsid %d -> %d", o->link_netnsid, n->link_netnsid);
	}
	if (strncmp(o->kind, n->kind, sizeof(o->kind))) {
		ch |= SEG_CH_OTHER;
		text_add(t, "kind %.16s -> %.16s", o->kind[0] ? o->kind : "none",
			 n->kind[0] ? n->kind : "none");
	}
	if (o->link_type != n->link_type) {
		ch |= SEG_CH_OTHER;
		text_add(t, "link_type %u -> %u", o->link_type, n->link_type);
	}
	if (memcmp(o->broadcast, n->broadcast, sizeof(o->broadcast))) {
		ch |= SEG_CH_OTHER;
		hwaddr_str(o, o->broadcast, a, sizeof(a));
		hwaddr_str(n, n->broadcast, b, sizeof(b));
		text_add(t, "broadcast %s -> %s", a, b);
	}
	return ch;
}

static int link_insert(struct linkdb *db, const struct seg_link *n)
{
	struct seg_header *h;
	struct seg_event ev;
	struct text t = { .len = 0 };
	char flags[SEG_EVENT_TEXT];
	uint32_t slot;
	int r;

	r = table_reserve(db, true);
	if (r == 0)
		r = hidx_reserve(db, &db->lidx, link_slot_hash);
	if (r < 0)
		return r;
	h = H(db);
	slot = h->links.count++;
	seg_links(h)[slot] = *n;
	hidx_put(&db->lidx, link_hash_ifindex(n->ifindex), slot);
	db->link_head[slot] = NONE;
	db->link_mark[slot] = 1;

	link_event_init(&ev, SEG_EV_LINK_NEW, n);
	names_flags(n->flags, flags, sizeof(flags));
	text_add(&t, "new%s%.16s", n->kind[0] ? " " : "", n->kind);
	text_add(&t, "mtu %u", n->mtu);
	text_add(&t, "operstate %s", names_operstate(n->operstate));
	text_add(&t, "flags %s", flags);
	emit(db, &ev, &t);
	return 1;
}

/* A device's own link message.  libnl sets the object's family from the
 * kind when the kind names a family (a bridge device is AF_BRIDGE), so
 * that is accepted; other families are per-protocol views of a link that
 * lack most fields: the AF_INET6 stubs of libnl >= 3.6, and bridge port
 * messages (AF_BRIDGE without link info), whose RTM_DELLINK only means
 * "left the bridge". */
static bool link_accept(struct rtnl_link *link)
{
	int family = rtnl_link_get_family(link);
	const char *kind;

	if (family == AF_UNSPEC)
		return true;
	kind = rtnl_link_get_type(link);
	return kind && nl_str2af(kind) == family;
}

int linkdb_link_update(struct linkdb *db, struct rtnl_link *link)
{
	struct seg_link n, *o;
	struct seg_event ev;
	struct text t = { .len = 0 };
	uint32_t slot, cc;
	uint32_t ch;

	if (!link_accept(link) || rtnl_link_get_ifindex(link) <= 0)
		return 0;
	slot = link_find(db, rtnl_link_get_ifindex(link));
	if (slot == NONE) {
		memset(&n, 0, sizeof(n));
		link_from_nl(&n, link);
		n.last_change_usec = usec_now();
		if (rtnl_link_get_carrier_changes(link, &cc) == 0)
			n.carrier_changes = cc;
		return link_insert(db, &n);
	}
	o = &seg_links(H(db))[slot];
	n = *o;
	link_from_nl(&n, link);
	db->link_mark[slot] = 1;
	ch = link_diff(o, &n, &t);
	if (rtnl_link_get_carrier_changes(link, &cc) == 0)
		n.carrier_changes = cc;
	else if (ch & SEG_CH_CARRIER)
		n.carrier_changes++;
	if (!ch) {
		*o = n;
		return 0;
	}
	n.last_change_usec = usec_now();
	*o = n;
	link_event_init(&ev, SEG_EV_LINK_CHANGE, &n);
	ev.changed = ch;
	emit(db, &ev, &t);
	return 1;
}

/* ---- addresses ---- */

static void addr_from_nl(struct seg_addr *r, struct rtnl_addr *a)
{
	struct nl_addr *local = rtnl_addr_get_local(a), *peer = rtnl_addr_get_peer(a);
	const char *label = rtnl_addr_get_label(a);

	memset(r, 0, sizeof(*r));
	r->ifindex = rtnl_addr_get_ifindex(a);
	r->family = (uint8_t)rtnl_addr_get_family(a);
	r->prefixlen = (uint8_t)rtnl_addr_get_prefixlen(a);
	r->scope = (uint8_t)rtnl_addr_get_scope(a);
	r->flags = rtnl_addr_get_flags(a);
	copy_nl_addr(r->local, sizeof(r->local), NULL, local ? local : peer);
	if (local && peer && nl_addr_cmp(local, peer))
		copy_nl_addr(r->peer, sizeof(r->peer), NULL, peer);
	copy_nl_addr(r->broadcast, sizeof(r->broadcast), NULL, rtnl_addr_get_broadcast(a));
	if (label)
		snprintf(r->label, sizeof(r->label), "%s", label);
	r->valid_lft = rtnl_addr_get_valid_lifetime(a);
	r->preferred_lft = rtnl_addr_get_preferred_lifetime(a);
}

static void addr_text(const struct seg_addr *r, bool added, struct text *t)
{
	char a[INET6_ADDRSTRLEN], p[INET6_ADDRSTRLEN + 6] = "", sc[16] = "";
	const char *scope = names_scope(r->scope);
	bool has_peer = false;

	inet_ntop(r->family, r->local, a, sizeof(a));
	for (size_t i = 0; i < sizeof(r->peer); i++)
		has_peer |= r->peer[i] != 0;
	if (has_peer) {
		memcpy(p, " peer ", 7);
		inet_ntop(r->family, r->peer, p + 6, INET6_ADDRSTRLEN);
	}
	if (added) {
		if (scope)
			snprintf(sc, sizeof(sc), " scope %s", scope);
		else
			snprintf(sc, sizeof(sc), " scope %u", r->scope);
	}
	text_add(t, "%s %s%s/%u%s", added ? "added" : "removed", a, p,
		 r->prefixlen, sc);
}

static void addr_event(struct linkdb *db, const struct seg_addr *r, bool added)
{
	struct seg_event ev;
	struct text t = { .len = 0 };
	uint32_t ls = link_find(db, r->ifindex);

	memset(&ev, 0, sizeof(ev));
	ev.type = added ? SEG_EV_ADDR_NEW : SEG_EV_ADDR_DEL;
	ev.ifindex = r->ifindex;
	ev.family = r->family;
	ev.prefixlen = r->prefixlen;
	memcpy(ev.addr, r->local, sizeof(ev.addr));
	memcpy(ev.peer, r->peer, sizeof(ev.peer));
	if (ls != NONE)
		memcpy(ev.ifname, seg_links(H(db))[ls].name, sizeof(ev.ifname));
	addr_text(r, added, &t);
	emit(db, &ev, &t);
}

/* Unlink addr slot s from its link's list. */
static void addr_unlink(struct linkdb *db, uint32_t s, uint32_t ls)
{
	uint32_t p = db->addr_prev[s], n = db->addr_next[s];

	if (p != NONE)
		db->addr_next[p] = n;
	else if (ls != NONE)
		db->link_head[ls] = n;
	if (n != NONE)
		db->addr_prev[n] = p;
}

/* Remove the record in slot s: the last record moves into the hole. */
static void addr_remove(struct linkdb *db, uint32_t s, bool announce)
{
	struct seg_header *h = H(db);
	struct seg_addr *a = seg_addrs(h);
	uint32_t last = h->addrs.count - 1;
	uint32_t ls = link_find(db, a[s].ifindex);

	if (announce)
		addr_event(db, &a[s], false);
	addr_unlink(db, s, ls);
	hidx_del(db, &db->aidx, hidx_bucket_of(&db->aidx, addr_slot_hash(db, s), s),
		 addr_slot_hash);
	if (s != last) {
		uint32_t b = hidx_bucket_of(&db->aidx, addr_slot_hash(db, last), last);
		uint32_t p = db->addr_prev[last], n = db->addr_next[last];

		a[s] = a[last];
		db->aidx.v[b] = s + 1;
		db->addr_prev[s] = p;
		db->addr_next[s] = n;
		db->addr_mark[s] = db->addr_mark[last];
		if (p != NONE)
			db->addr_next[p] = s;
		else
			db->link_head[link_find(db, a[s].ifindex)] = s;
		if (n != NONE)
			db->addr_prev[n] = s;
	}
	memset(&a[last], 0, sizeof(a[last]));
	h->addrs.count--;
}

int linkdb_addr_update(struct linkdb *db, struct rtnl_addr *addr)
{
	struct seg_header *h;
	struct seg_addr n;
	struct addr_key k;
	uint32_t slot, ls;
	int r;

	addr_from_nl(&n, addr);
	if (n.family != AF_INET && n.family != AF_INET6)
		return 0;
	ls = link_find(db, n.ifindex);
	if (ls == NONE)
		return 0;
	addr_key_of(&n, &k);
	slot = addr_find(db, &k);
	if (slot != NONE) {
		/* flags and lifetimes: the record changes, no event */
		seg_addrs(H(db))[slot] = n;
		db->addr_mark[slot] = 1;
		return 0;
	}
	r = table_reserve(db, false);
	if (r == 0)
		r = hidx_reserve(db, &db->aidx, addr_slot_hash);
	if (r < 0)
		return r;
	h = H(db);
	slot = h->addrs.count++;
	seg_addrs(h)[slot] = n;
	hidx_put(&db->aidx, addr_hash_key(&k), slot);
	db->addr_mark[slot] = 1;
	/* push front on the link's list */
	db->addr_prev[slot] = NONE;
	db->addr_next[slot] = db->link_head[ls];
	if (db->link_head[ls] != NONE)
		db->addr_prev[db->link_head[ls]] = slot;
	db->link_head[ls] = slot;
	addr_event(db, &n, true);
	return 1;
}

int linkdb_addr_delete(struct linkdb *db, struct rtnl_addr *addr)
{
	struct seg_addr n;
	struct addr_key k;
	uint32_t slot;

	addr_from_nl(&n, addr);
	addr_key_of(&n, &k);
	slot = addr_find(db, &k);
	if (slot == NONE)
		return 0;
	addr_remove(db, slot, true);
	return 1;
}

static int link_remove(struct linkdb *db, uint32_t s)
{
	struct seg_header *h;
	struct seg_link *l;
	struct seg_event ev;
	struct text t = { .len = 0 };
	uint32_t last;
	int n = 0;

	while (db->link_head[s] != NONE) {
		addr_remove(db, db->link_head[s], true);
		n++;
	}
	h = H(db);
	l = seg_links(h);
	last = h->links.count - 1;
	link_event_init(&ev, SEG_EV_LINK_DEL, &l[s]);
	text_add(&t, "deleted");
	emit(db, &ev, &t);
	hidx_del(db, &db->lidx, hidx_bucket_of(&db->lidx, link_slot_hash(db, s), s),
		 link_slot_hash);
	if (s != last) {
		uint32_t b = hidx_bucket_of(&db->lidx, link_slot_hash(db, last), last);

		l[s] = l[last];
		db->lidx.v[b] = s + 1;
		db->link_head[s] = db->link_head[last];
		db->link_mark[s] = db->link_mark[last];
	}
	memset(&l[last], 0, sizeof(l[last]));
	h->links.count--;
	return n + 1;
}

int linkdb_link_delete(struct linkdb *db, struct rtnl_link *link)
{
	uint32_t slot;

	if (!link_accept(link))
		return 0;
	slot = link_find(db, rtnl_link_get_ifindex(link));
	if (slot == NONE)
		return 0;
	return link_remove(db, slot);
}

int linkdb_counters_set(struct linkdb *db, int32_t ifindex,
			const struct seg_counters *rx, const struct seg_counters *tx,
			int64_t now_usec)
{
	uint32_t slot = link_find(db, ifindex);
	struct seg_link *r;
	int64_t dt;

	if (slot == NONE)
		return 0;
	r = &seg_links(H(db))[slot];
	dt = now_usec - r->stats_time_usec;
	if (r->stats_time_usec && dt > 0) {
		/* A counter that went back (device reset) gives no rate. */
		r->rx_bps = rx->bytes >= r->rx.bytes ?
			(uint64_t)((double)(rx->bytes - r->rx.bytes) * 1e6 / (double)dt) : 0;
		r->tx_bps = tx->bytes >= r->tx.bytes ?
			(uint64_t)((double)(tx->bytes - r->tx.bytes) * 1e6 / (double)dt) : 0;
	}
	r->rx = *rx;
	r->tx = *tx;
	r->stats_time_usec = now_usec;
	return 1;
}

int linkdb_link_counters(struct linkdb *db, struct rtnl_link *link, int64_t now_usec)
{
	struct seg_counters rx, tx;

	if (!link_accept(link))
		return 0;
	rx.bytes = rtnl_link_get_stat(link, RTNL_LINK_RX_BYTES);
	tx.bytes = rtnl_link_get_stat(link, RTNL_LINK_TX_BYTES);
	rx.packets = rtnl_link_get_stat(link, RTNL_LINK_RX_PACKETS);
	tx.packets = rtnl_link_get_stat(link, RTNL_LINK_TX_PACKETS);
	rx.errors = rtnl_link_get_stat(link, RTNL_LINK_RX_ERRORS);
	tx.errors = rtnl_link_get_stat(link, RTNL_LINK_TX_ERRORS);
	rx.dropped = rtnl_link_get_stat(link, RTNL_LINK_RX_DROPPED);
	tx.dropped = rtnl_link_get_stat(link, RTNL_LINK_TX_DROPPED);
	return linkdb_counters_set(db, rtnl_link_get_ifindex(link), &rx, &tx, now_usec);
}

/* ---- full dumps ---- */

void linkdb_sync_begin(struct linkdb *db)
{
	struct seg_header *h = H(db);

	memset(db->link_mark, 0, h->links.count);
	memset(db->addr_mark, 0, h->addrs.count);
	db->syncing = true;
}

int linkdb_sync_end(struct linkdb *db)
{
	struct seg_header *h = H(db);
	int n = 0;

	/* Downwards: the record that moves into a hole was already seen. */
	for (uint32_t i = h->addrs.count; i-- > 0;) {
		if (i < h->addrs.count && !db->addr_mark[i]) {
			addr_remove(db, i, true);
			n++;
		}
	}
	for (uint32_t i = h->links.count; i-- > 0;) {
		if (i < h->links.count && !db->link_mark[i])
			n += link_remove(db, i);
	}
	db->syncing = false;
	return n;
}

/* ---- life cycle ---- */

int linkdb_new(struct segmap *m, linkdb_emit_fn *emitfn, void *userdata,
	       struct linkdb **ret)
{
	struct linkdb *db = calloc(1, sizeof(*db));

	if (!db)
		return -ENOMEM;
	db->m = m;
	db->emit = emitfn;
	db->userdata = userdata;
	*ret = db;
	return 0;
}

void linkdb_free(struct linkdb *db)
{
	if (!db)
		return;
	free(db->lidx.v);
	free(db->aidx.v);
	free(db->link_head);
	free(db->link_mark);
	free(db->addr_next);
	free(db->addr_prev);
	free(db->addr_mark);
	free(db);
}

static void quiet_emit(struct seg_event *ev, void *userdata)
{
}

int linkdb_load(struct linkdb *db)
{
	linkdb_emit_fn *saved = db->emit;
	struct seg_header *h = H(db);
	struct addr_key k;
	int dropped = 0, r;

	r = private_fit(db);
	if (r < 0)
		return r;
	free(db->lidx.v);
	free(db->aidx.v);
	memset(&db->lidx, 0, sizeof(db->lidx));
	memset(&db->aidx, 0, sizeof(db->aidx));
	db->emit = quiet_emit;
	for (uint32_t i = 0; i < h->links.count;) {
		struct seg_link *l = seg_links(h);

		if (l[i].ifindex <= 0 || link_find(db, l[i].ifindex) != NONE) {
			/* move the last record in and look at slot i again */
			l[i] = l[--h->links.count];
			dropped++;
			continue;
		}
		if ((r = hidx_reserve(db, &db->lidx, link_slot_hash)) < 0)
			goto out;
		hidx_put(&db->lidx, link_hash_ifindex(l[i].ifindex), i);
		db->link_head[i] = NONE;
		i++;
	}
	for (uint32_t i = 0; i < h->addrs.count;) {
		struct seg_addr *a = seg_addrs(h);
		uint32_t ls = link_find(db, a[i].ifindex);

		addr_key_of(&a[i], &k);
		if (ls == NONE || addr_find(db, &k) != NONE) {
			a[i] = a[--h->addrs.count];
			dropped++;
			continue;
		}
		if ((r = hidx_reserve(db, &db->aidx, addr_slot_hash)) < 0)
			goto out;
		hidx_put(&db->aidx, addr_hash_key(&k), i);
		db->addr_prev[i] = NONE;
		db->addr_next[i] = db->link_head[ls];
		if (db->link_head[ls] != NONE)
			db->addr_prev[db->link_head[ls]] = i;
		db->link_head[ls] = i;
		i++;
	}
	r = dropped;
out:
	db->emit = saved;
	return r;
}

int linkdb_link_get(const struct linkdb *db, int32_t ifindex, struct seg_link *ret)
{
	uint32_t slot = link_find(db, ifindex);

	if (slot == NONE)
		return -ENOENT;
	*ret = seg_links(H(db))[slot];
	return 0;
}

uint32_t linkdb_link_count(const struct linkdb *db)
{
	return H(db)->links.count;
}

uint32_t linkdb_addr_count(const struct linkdb *db)
{
	return H(db)->addrs.count;
}

int linkdb_verify(const struct linkdb *db)
{
	struct seg_header *h = H(db);
	const struct seg_link *l = seg_links(h);
	const struct seg_addr *a = seg_addrs(h);
	struct addr_key k;
	uint32_t seen = 0;

	if (db->lidx.used != h->links.count || db->aidx.used != h->addrs.count)
		return -EBADMSG;
	for (uint32_t i = 0; i < h->links.count; i++) {
		if (link_find(db, l[i].ifindex) != i)
			return -EBADMSG;
		for (uint32_t s = db->link_head[i], p = NONE; s != NONE;
		     p = s, s = db->addr_next[s]) {
			if (s >= h->addrs.count || a[s].ifindex != l[i].ifindex ||
			    db->addr_prev[s] != p || ++seen > h->addrs.count)
				return -EBADMSG;
		}
	}
	if (seen != h->addrs.count)
		return -EBADMSG;
	for (uint32_t i = 0; i < h->addrs.count; i++) {
		addr_key_of(&a[i], &k);
		if (addr_find(db, &k) != i)
			return -EBADMSG;
	}
	return 0;
}
