# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The ipcmon authors
# collector-lib.sh - sourced by tests/collector*.test after tests/lib.sh.
#
# The segment is read with tests/segdump (read-only map, no semaphore)
# and compared with `ip -j addr show` on the fields both know.

SEGDUMP=$abs_top_builddir/tests/segdump

seg() { "$SEGDUMP" -c "$T_CONF" "$@"; }
# seg_hdr FIELD: one header field (state, resyncs, collector_pid, ...)
seg_hdr() { seg -H | jq -r ".$1"; }

# The fields compared, in one shape for both sides.
SEG_NORM='map({ifindex, ifname, mtu, operstate, address: (.address // ""),
	flags: (.flags | sort),
	addrs: ([.addr_info[]? | {family, local, prefixlen}] | sort_by(.family, .local, .prefixlen))})
	| sort_by(.ifindex)'

seg_snapshot() {
	seg >"$T_DIR/seg.json" && ns ip -j addr show >"$T_DIR/kernel.json" &&
		jq -S "$SEG_NORM" "$T_DIR/seg.json" >"$T_DIR/seg.norm" &&
		jq -S "$SEG_NORM" "$T_DIR/kernel.json" >"$T_DIR/kernel.norm"
}

seg_equals_kernel() {
	seg_snapshot && cmp -s "$T_DIR/seg.norm" "$T_DIR/kernel.norm"
}

# wait_equal WHAT SECONDS: until the segment equals the kernel's state;
# on timeout show what differs.
wait_equal() {
	local what=$1 secs=$2 deadline
	deadline=$(( $(date +%s%N) + secs * 1000000000 ))
	until seg_equals_kernel; do
		if [ "$(date +%s%N)" -ge "$deadline" ]; then
			echo "--- segment vs kernel (diff of normalised JSON) ---" >&2
			diff "$T_DIR/seg.norm" "$T_DIR/kernel.norm" | head -40 >&2
			fail "timed out after ${secs}s waiting for the segment to equal the kernel: $what"
		fi
		sleep 0.05
	done
	pass "segment equals kernel: $what"
}

# expect_event REGEX: an event line (SEQ TYPE IFINDEX NAME: TEXT) in the ring.
# (Into a file first: grep -q closing the pipe early would make the
# pipeline fail under pipefail.)
expect_event() {
	seg -e >"$T_DIR/events" || fail "cannot read the event ring"
	grep -qE -- "$1" "$T_DIR/events" || {
		tail -20 "$T_DIR/events" >&2
		fail "no event matching /$1/ in the ring"
	}
}

# Receive buffer (ss's skmem rb) of the namespace's rtnetlink sockets that
# listen to links and IPv4/IPv6 addresses (groups 1, 5, 9 = 0x111): the
# collector's.  ss cannot tell netlink sockets' processes apart.
collector_rcvbuf() {
	ns ss -f netlink -a -m -e 2>/dev/null |
		awk '/^UNCONN/ && /rtnl:/ && /groups=0x00000111/ && match($0, /rb[0-9]+/) {
			print substr($0, RSTART + 2, RLENGTH - 2) }' | sort -n | tail -1
}
