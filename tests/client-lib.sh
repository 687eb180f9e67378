# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The ipcmon authors
# client-lib.sh - sourced by tests/client-*.test after tests/lib.sh.
#
# ipcmonctl's JSON is compared with iproute2's `ip -j` through the same
# normalisation the collector's tests apply to the segment (SEG_NORM in
# collector-lib.sh): ifindex, ifname, mtu, operstate, address, the flags,
# and each address's family/local/prefixlen.

. "$abs_top_srcdir/tests/collector-lib.sh"


# Only as `bg_ctl ... &`: the job's subshell execs ip netns exec, which
# execs ipcmonctl, so $! is ipcmonctl's pid and a kill leaves nothing.
# (A function run with & is a subshell that would survive as its parent.)
bg_ctl() { exec ip netns exec "$T_NS" "$IPCMONCTL" -c "$T_CONF" "$@"; }
gone() { ! kill -0 "$1" 2>/dev/null; }

# Normalise a JSON array of links, or one link object (show IFACE).
norm() { jq -S "if type == \"array\" then . else [.] end | $SEG_NORM" "$@"; }

# ctl_matches_ip TAG 'CTL ARGS' 'IP ARGS': ipcmonctl --json CTL ARGS and
# ip -j IP ARGS, normalised, into $T_DIR/TAG.{ctl,ip}, and equal.
ctl_matches_ip() {
	local tag=$1
	# shellcheck disable=SC2086 # the arguments are words on purpose
	ctl --json $2 >"$T_DIR/$tag.ctl.json" && ns ip -j $3 >"$T_DIR/$tag.ip.json" &&
		norm "$T_DIR/$tag.ctl.json" >"$T_DIR/$tag.ctl" &&
		norm "$T_DIR/$tag.ip.json" >"$T_DIR/$tag.ip" &&
		cmp -s "$T_DIR/$tag.ctl" "$T_DIR/$tag.ip"
}

# wait_ctl_matches_ip WHAT SECONDS 'CTL ARGS' 'IP ARGS': until both sides
# agree; on timeout print both sides and their difference.
wait_ctl_matches_ip() {
	local what=$1 secs=$2 deadline tag=cmp
	deadline=$(( $(date +%s%N) + secs * 1000000000 ))
	until ctl_matches_ip $tag "$3" "$4"; do
		if [ "$(date +%s%N)" -ge "$deadline" ]; then
			echo "--- ipcmonctl --json $3 (normalised) ---" >&2
			cat "$T_DIR/$tag.ctl" >&2
			echo "--- ip -j $4 (normalised) ---" >&2
			cat "$T_DIR/$tag.ip" >&2
			echo "--- diff ipcmonctl ip ---" >&2
			diff "$T_DIR/$tag.ctl" "$T_DIR/$tag.ip" | head -40 >&2
			fail "timed out after ${secs}s waiting for 'ipcmonctl $3' to equal 'ip $4': $what"
		fi
		sleep 0.05
	done
}

# all_match WHAT: addrs, links, and for every link show/addrs IFACE, each
# equal to iproute2's view.
all_match() {
	local n
	wait_ctl_matches_ip "$1" 10 "addrs" "addr show"
	wait_ctl_matches_ip "$1" 10 "links" "link show"
	for n in $(ns ip -j link show | jq -r '.[].ifname'); do
		wait_ctl_matches_ip "$1" 10 "show $n" "addr show dev $n"
		wait_ctl_matches_ip "$1" 10 "addrs $n" "addr show dev $n"
	done
	pass "ipcmonctl equals ip: $1"
}
