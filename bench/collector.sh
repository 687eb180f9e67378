#!/bin/bash
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The ipcmon authors
# bench/collector.sh BUILDDIR - the collector against the real kernel, in
# a network namespace (root).  Prints, each with a ratio against a
# baseline measured in the same run:
#   - collector CPU per link event and per address event at 1000 and
#     8000 links (flat is 1.0), measured with the timers pushed out so
#     that only events are counted;
#   - CPU per counter refresh (stats_interval, RTM_GETSTATS) at 1000 and
#     8000 links (linear by nature: it reads every link);
#   - daemon start until READY=1 (the first dump) and collector RSS, at 1
#     and 8000 links.
# CPU is the collector's own, from /proc/PID/schedstat.  Run it on an
# idle machine: other load inflates the wall-clock figures.
# BENCH_IPCMOND overrides the daemon binary; EVENTS the batch size.
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
QUIET=(--stats-interval 60min --sample-interval 60min)

cpu_ns() { awk '{print $1}' "/proc/$1/schedstat"; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
cpid() { seg_hdr collector_pid; }

# add_pairs FROM TO: veth pairs bFROM..bTO (2 links each)
add_pairs() {
	local i
	for i in $(seq "$1" "$2"); do echo "link add b$i type veth peer name p$i"; done >"$T_DIR/batch"
	ns ip -batch "$T_DIR/batch" >/dev/null || fail "ip -batch: creating pairs $1..$2 failed"
}

# wait_hdr FIELD N: until the header's FIELD reaches N
wait_hdr() {
	local deadline=$(( $(date +%s) + 300 ))
	until [ "$(seg_hdr "$1")" -ge "$2" ]; do
		[ "$(date +%s)" -lt "$deadline" ] || fail "$1 stuck at $(seg_hdr "$1"), want $2"
		sleep 0.1
	done
}

# events PAIRS MTU: sets LINK_NS and ADDR_NS, collector CPU per event.
# Every MTU change is a change: MTU and MTU+1 alternate on each round.
events() {
	local pairs=$1 mtu=$2 c e0 c0 c1 e1 i
	c=$(cpid)
	for i in $(seq "$EVENTS"); do echo "link set b$(( (i % pairs) + 1 )) mtu $(( mtu + (i / pairs) % 2 ))"; done >"$T_DIR/mtu"
	e0=$(seg_hdr events_total); c0=$(cpu_ns "$c")
	ns ip -batch "$T_DIR/mtu" >/dev/null || fail "ip -batch: MTU changes failed"
	wait_hdr events_total $(( e0 + EVENTS * 9 / 10 ))
	c1=$(cpu_ns "$c"); e1=$(seg_hdr events_total)
	LINK_NS=$(( (c1 - c0) / (e1 - e0) ))
	for i in $(seq $(( EVENTS / 2 ))); do
		echo "addr add 10.$(( i / 250 )).$(( i % 250 )).1/32 dev b$(( (i % pairs) + 1 ))"
	done >"$T_DIR/addr-add"
	sed 's/^addr add/addr del/' "$T_DIR/addr-add" | cat "$T_DIR/addr-add" - >"$T_DIR/addr"
	e0=$(seg_hdr events_total); c0=$(cpu_ns "$c")
	ns ip -batch "$T_DIR/addr" >/dev/null || fail "ip -batch: address changes failed"
	wait_hdr events_total $(( e0 + EVENTS ))
	c1=$(cpu_ns "$c"); e1=$(seg_hdr events_total)
	ADDR_NS=$(( (c1 - c0) / (e1 - e0) ))
}

# refresh: CPU per counter refresh (default stats_interval 1 s), over 5 s
refresh() {
	local c c0
	c=$(cpid); c0=$(cpu_ns "$c")
	sleep 5
	REFRESH_US=$(( ($(cpu_ns "$c") - c0) / 5 / 1000 ))
}

start() { local t0; t0=$(now_ms); daemon_start "$@"; START_MS=$(( $(now_ms) - t0 )); RSS=$(rss_kb "$(cpid)"); }

t_init
start; S0=$START_MS R0=$RSS
add_pairs 1 500
wait_hdr links 1001
refresh; F1=$REFRESH_US
daemon_stop
start "${QUIET[@]}"
events 500 1400; L1=$LINK_NS A1=$ADDR_NS
add_pairs 501 4000
wait_hdr links 8001
wait_equal "8000 links" 300
events 4000 1200; L2=$LINK_NS A2=$ADDR_NS
daemon_stop
start; S2=$START_MS R2=$RSS
refresh; F2=$REFRESH_US
wait_equal "8000 links after a restart" 120
daemon_stop

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b / a }'; }
printf '%-36s %12s %12s %8s\n' "" "1000 links" "8000 links" "ratio"
printf '%-36s %9s ns %9s ns %8s\n' "collector CPU per link event" "$L1" "$L2" "$(ratio "$L1" "$L2")"
printf '%-36s %9s ns %9s ns %8s\n' "collector CPU per address event" "$A1" "$A2" "$(ratio "$A1" "$A2")"
printf '%-36s %9s us %9s us %8s\n' "collector CPU per counter refresh" "$F1" "$F2" "$(ratio "$F1" "$F2")"
printf '%-36s %12s %12s %8s\n' "" "1 link" "8000 links" "ratio"
printf '%-36s %9s ms %9s ms %8s\n' "daemon start until READY=1" "$S0" "$S2" "$(ratio "$S0" "$S2")"
printf '%-36s %9s kB %9s kB %8s\n' "collector RSS after start" "$R0" "$R2" "$(ratio "$R0" "$R2")"
