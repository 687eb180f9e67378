#!/bin/bash
# bench/collector.sh BUILDDIR - the collector against the real kernel, in
# a network namespace (root): per-event CPU cost at 1000 and 8000 links
# (should be flat), start-up (first dump) time and RSS at 8000 links, each
# with a ratio against a baseline measured in the same run.
#
# CPU time is the collector's own, from /proc/PID/schedstat (ns), over a
# batch of MTU changes (link events) and of address adds and removes
# (address events), divided by the events the segment counted.
# BENCH_IPCMOND overrides the daemon binary.
set -u
B=$(cd "${1:-.}" && pwd)
abs_top_builddir=$B
abs_top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/collector-lib.sh"
IPCMOND=${BENCH_IPCMOND:-$IPCMOND}
require_root
command -v jq >/dev/null || skip "needs jq"
T_NAME=bench-collector
EVENTS=${EVENTS:-2000}

cpu_ns() { awk '{print $1}' "/proc/$1/schedstat"; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# add_pairs FROM TO: veth pairs bFROM..bTO (2 links each)
add_pairs() {
	local i
	for i in $(seq "$1" "$2"); do echo "link add b$i type veth peer name p$i"; done >"$T_DIR/batch"
	ns ip -batch "$T_DIR/batch" >/dev/null || fail "ip -batch: creating pairs $1..$2 failed"
}

# wait_links N: until the segment holds N links (cheaper than wait_equal)
wait_links() {
	local want=$1 deadline=$(( $(date +%s) + 300 ))
	until [ "$(seg_hdr links)" = "$want" ]; do
		[ "$(date +%s)" -lt "$deadline" ] || fail "links stuck at $(seg_hdr links), want $want"
		sleep 0.1
	done
}

# wait_events N: until the segment counted N events in all
wait_events() {
	local want=$1 deadline=$(( $(date +%s) + 120 ))
	until [ "$(seg_hdr events_total)" -ge "$want" ]; do
		[ "$(date +%s)" -lt "$deadline" ] || fail "events_total stuck at $(seg_hdr events_total), want $want"
		sleep 0.02
	done
}

# measure PAIRS: per-event cost with PAIRS veth pairs present; sets
# LINK_NS, ADDR_NS (ns of collector CPU per event) and RSS (kB)
measure() {
	local pairs=$1 cpid e0 c0 c1 i
	cpid=$(seg_hdr collector_pid)
	for i in $(seq "$EVENTS"); do echo "link set b$(( (i % pairs) + 1 )) mtu $(( 1400 + (i / pairs) % 2 * 100 + i % 2 ))"; done >"$T_DIR/mtu"
	e0=$(seg_hdr events_total); c0=$(cpu_ns "$cpid")
	ns ip -batch "$T_DIR/mtu" >/dev/null || fail "ip -batch: MTU changes failed"
	wait_events $(( e0 + EVENTS * 9 / 10 ))
	c1=$(cpu_ns "$cpid"); e1=$(seg_hdr events_total)
	LINK_NS=$(( (c1 - c0) / (e1 - e0) ))
	: >"$T_DIR/addr"
	for i in $(seq $(( EVENTS / 2 ))); do
		echo "addr add 10.$(( i / 250 )).$(( i % 250 )).1/32 dev b$(( (i % pairs) + 1 ))"
	done >>"$T_DIR/addr"
	# (not sed FILE >>FILE: sed would read what it appends, for ever)
	sed 's/^addr add/addr del/' "$T_DIR/addr" >"$T_DIR/addr.del"
	cat "$T_DIR/addr.del" >>"$T_DIR/addr"
	e0=$(seg_hdr events_total); c0=$(cpu_ns "$cpid")
	ns ip -batch "$T_DIR/addr" >/dev/null || fail "ip -batch: address changes failed"
	wait_events $(( e0 + EVENTS ))
	c1=$(cpu_ns "$cpid"); e1=$(seg_hdr events_total)
	ADDR_NS=$(( (c1 - c0) / (e1 - e0) ))
	RSS=$(rss_kb "$cpid")
}

t_init
# baseline start-up: an empty namespace
t0=$(now_ms); daemon_start; t1=$(now_ms)
START0=$((t1 - t0)); RSS0=$(rss_kb "$(seg_hdr collector_pid)")

add_pairs 1 500
wait_links 1001
wait_equal "1000 links" 120
measure 500; L1=$LINK_NS A1=$ADDR_NS R1=$RSS
add_pairs 501 4000
wait_links 8001
measure 4000; L2=$LINK_NS A2=$ADDR_NS R2=$RSS

# start-up with 8000 links: the first dump
daemon_stop
t0=$(now_ms); daemon_start; t1=$(now_ms)
START2=$((t1 - t0)); RS2=$(rss_kb "$(seg_hdr collector_pid)")
wait_equal "8000 links after a restart" 120
daemon_stop

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b / a }'; }
printf '%-36s %12s %12s %8s\n' "" "1000 links" "8000 links" "ratio"
printf '%-36s %9s ns %9s ns %8s\n' "collector CPU per link event" "$L1" "$L2" "$(ratio "$L1" "$L2")"
printf '%-36s %9s ns %9s ns %8s\n' "collector CPU per address event" "$A1" "$A2" "$(ratio "$A1" "$A2")"
printf '%-36s %9s kB %9s kB %8s\n' "collector RSS" "$R1" "$R2" "$(ratio "$R1" "$R2")"
printf '%-36s %12s %12s %8s\n' "" "1 link" "8000 links" "ratio"
printf '%-36s %9s ms %9s ms %8s\n' "daemon start until READY=1" "$START0" "$START2" "$(ratio "$START0" "$START2")"
printf '%-36s %9s kB %9s kB %8s\n' "collector RSS after start" "$RSS0" "$RS2" "$(ratio "$RSS0" "$RS2")"
