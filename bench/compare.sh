#!/bin/bash
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The ipcmon authors
# bench/compare.sh BUILDDIR - ipcmon against the tools people would use
# instead, in the same run, on the same namespace and the same links
# (root).  At 100, 2000 and 8000 links (veth ends, each up with one IPv4,
# one global IPv6 and its link-local IPv6 address):
#   - whole commands, medians of repeated runs (hyperfine), min and max:
#     ipcmonctl --json links / --json addrs / links (table) against
#     ip -j link show / ip -j addr show / ip -br link, and ipcmonctl
#     status against /bin/true;
#   - RSS of the parent and the collector (per link: the slope);
# and at 2000 links:
#   - the query round trip (ipcmonctl ping -c) against a raw SysV
#     ping-pong (bench/sysv-pingpong), both pinned to one CPU and split
#     over two;
#   - event latency, p50 and p99 over 1000 MTU changes: a raw rtnetlink
#     listener against a futex waiter on the segment's generation
#     (bench/nl-latency);
#   - idle wake-ups per second of the daemon (every thread of both
#     processes, context switches over 10 s with no client);
#   - start-up until READY=1 at 8000 links.
# Prints the machine and its load first, then one row per figure with
# the ratio to its peer.  Run it on an idle machine.
# BENCH_SIZES overrides the sizes ("100 2000 8000"), BENCH_RUNS the
# hyperfine runs per command (10).
set -u
B=$(cd "${1:-.}" && pwd)
abs_top_builddir=$B
abs_top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
. "$abs_top_srcdir/tests/lib.sh"
require_root
command -v jq >/dev/null || skip "needs jq"
command -v hyperfine >/dev/null || skip "needs hyperfine (apt-get install hyperfine)"
T_NAME=bench-compare
SIZES=${BENCH_SIZES:-100 2000 8000}
RUNS=${BENCH_RUNS:-10}
PINGS=2000

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), kernel $(uname -r)"
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) at $(date -u +%FT%TZ)"
echo "commit:  $(git -C "$abs_top_srcdir" rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
cpid() { "$B/tests/segdump" -c "$T_CONF" -H | jq -r .collector_pid; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

# links N: N/2 veth pairs, every end up, with its addresses.
links() {
	local n=$1 i
	for ((i = 1; i <= n / 2; i++)); do
		echo "link add b$i type veth peer name p$i"
		echo "link set b$i up"
		echo "link set p$i up"
		echo "addr add 10.$(( i / 250 )).$(( i % 250 )).1/24 dev b$i"
		echo "addr add 10.$(( 128 + i / 250 )).$(( i % 250 )).1/24 dev p$i"
		printf 'addr add fd00:%x::1/64 dev b%d nodad\n' "$i" "$i"
		printf 'addr add fd01:%x::1/64 dev p%d nodad\n' "$i" "$i"
	done >"$T_DIR/links"
	ns ip -batch "$T_DIR/links" >/dev/null || fail "ip -batch: $n links"
	# the link-local addresses come a moment later, after DAD
	wait_for "$n links with 3 addresses each" 300 \
		eval "[ \"\$(ns ip -6 addr show scope link | grep -c inet6)\" -ge $n ]"
}

# hf NAME CMD...: hyperfine in the namespace; sets MED, MIN, MAX (ms).
hf() {
	local name=$1
	shift
	ns hyperfine -N -w 3 -r "$RUNS" --export-json "$T_DIR/hf.json" "$*" >/dev/null 2>&1 ||
		fail "hyperfine: $*"
	read -r MED MIN MAX < <(jq -r '.results[0] | "\(.median * 1000) \(.min * 1000) \(.max * 1000)"' "$T_DIR/hf.json")
	printf '  %-34s %9.2f ms  (%.2f .. %.2f)\n' "$name" "$MED" "$MIN" "$MAX"
}

# pair ROW 'IPCMON CMD' 'PEER CMD': both, and the ratio of the medians.
pair() {
	local row=$1 a b
	hf "$row" "$2"; a=$MED
	hf "  peer: $3" "$3"; b=$MED
	printf '  %-34s %9s\n' "  ratio" "$(ratio "$a" "$b")"
	ROWS+=("$(printf '%-30s %6s links  %8.2f ms  %8.2f ms  %6s' "$row" "$N" "$a" "$b" "$(ratio "$a" "$b")")")
}

ping_rows() {
	local pid=$1 c s out rtt raw
	for placement in "0 0" "0 1"; do
		read -r c s <<<"$placement"
		taskset -a -p -c "$s" "$pid" >/dev/null
		out=$(ns taskset -c "$c" "$IPCMONCTL" -c "$T_CONF" -j ping -c "$PINGS") || fail "ping"
		rtt=$(jq -r .rtt_us <<<"$out")
		raw=$("$B/bench/sysv-pingpong" -n "$PINGS" -c "$c" -s "$s" | cut -d' ' -f1)
		printf '  %-34s %9s us  raw SysV %s us  ratio %s\n' "ping, client CPU $c, daemon CPU $s" \
			"$rtt" "$raw" "$(ratio "$rtt" "$raw")"
		ROWS+=("$(printf '%-30s %-12s  %8s us  %8s us  %6s' "ping round trip" "cpu $c/$s" "$rtt" "$raw" "$(ratio "$rtt" "$raw")")")
	done
	taskset -a -p -c 0-$(( $(nproc) - 1 )) "$pid" >/dev/null
}

latency_rows() {
	local out l50 l99 g50 g99
	out=$(ns "$B/bench/nl-latency" -s "$T_SHM" -i b1 -n 1000) || fail "nl-latency"
	read -r _ l50 l99 _ _ < <(grep '^listener' <<<"$out")
	read -r _ g50 g99 _ _ < <(grep '^generation' <<<"$out")
	printf '  %-34s p50 %s us  p99 %s us\n' "raw rtnetlink listener" "$l50" "$l99"
	printf '  %-34s p50 %s us  p99 %s us\n' "segment generation (futex)" "$g50" "$g99"
	ROWS+=("$(printf '%-30s %-12s  %8s us  %8s us  %+6.1f us' "event latency p50" "" "$g50" "$l50" "$(awk -v a="$g50" -v b="$l50" 'BEGIN {print a - b}')")")
	ROWS+=("$(printf '%-30s %-12s  %8s us  %8s us  %6s' "event latency p99" "" "$g99" "$l99" "$(ratio "$g99" "$l99")")")
}

# Wake-ups: voluntary context switches (a sleep that ended) of every
# thread of the processes given, summed; preemptions by other load are
# not counted.
switches() {
	local p t sum=0
	for p in "$@"; do
		for t in /proc/"$p"/task/*/status; do
			sum=$(( sum + $(awk '/^voluntary_ctxt_switches/ {print $2}' "$t") ))
		done
	done
	echo "$sum"
}

wakeup_rows() {
	local c w0 w1 p0 p1 c0 c1
	c=$(cpid)
	p0=$(switches "$T_PID"); c0=$(switches "$c")
	sleep 10
	p1=$(switches "$T_PID"); c1=$(switches "$c")
	w0=$(awk -v a=$(( p1 - p0 )) 'BEGIN {printf "%.1f", a / 10}')
	w1=$(awk -v a=$(( c1 - c0 )) 'BEGIN {printf "%.1f", a / 10}')
	printf '  %-34s %s /s (parent %s, collector %s)\n' "idle wake-ups" \
		"$(awk -v a="$w0" -v b="$w1" 'BEGIN {print a + b}')" "$w0" "$w1"
	ROWS+=("$(printf '%-30s %-12s  %8s /s' "idle wake-ups" "" "$(awk -v a="$w0" -v b="$w1" 'BEGIN {print a + b}')")")
}

t_init
ROWS=()
declare -A RSS_P RSS_C
for N in $SIZES; do
	echo "== $N links"
	ns ip -all link del 2>/dev/null
	for l in $(ns ip -j link show | jq -r '.[].ifname | select(. != "lo")'); do ns ip link del "$l" 2>/dev/null; done
	links "$N"
	t0=$(date +%s%N)
	daemon_start
	START_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
	wait_for "the daemon to know $N links" 60 \
		eval "[ \"\$(\"$IPCMONCTL\" -c \"$T_CONF\" -j status | jq .links)\" -ge $N ]"
	pair "--json links" "$IPCMONCTL -c $T_CONF --json links" "ip -j link show"
	pair "--json addrs" "$IPCMONCTL -c $T_CONF --json addrs" "ip -j addr show"
	pair "links (table)" "$IPCMONCTL -c $T_CONF links" "ip -br link"
	pair "status (whole process)" "$IPCMONCTL -c $T_CONF status" "/bin/true"
	RSS_P[$N]=$(rss_kb "$T_PID"); RSS_C[$N]=$(rss_kb "$(cpid)")
	printf '  %-34s parent %s kB, collector %s kB\n' "RSS" "${RSS_P[$N]}" "${RSS_C[$N]}"
	if [ "$N" = 2000 ]; then
		ping_rows "$T_PID"
		latency_rows
		wakeup_rows
	fi
	if [ "$N" = 8000 ]; then
		printf '  %-34s %s ms\n' "start until READY=1" "$START_MS"
		ROWS+=("$(printf '%-30s %6s links  %8s ms' "start until READY=1" "$N" "$START_MS")")
	fi
	daemon_stop
done

sizes=($SIZES)
lo=${sizes[0]} hi=${sizes[$(( ${#sizes[@]} - 1 ))]}
if [ "$lo" != "$hi" ]; then
	for who in parent collector; do
		if [ "$who" = parent ]; then a=${RSS_P[$lo]} b=${RSS_P[$hi]}; else a=${RSS_C[$lo]} b=${RSS_C[$hi]}; fi
		ROWS+=("$(printf '%-30s %-12s  %8.0f B per link' "RSS per link, $who" "$lo..$hi" \
			"$(awk -v a="$a" -v b="$b" -v l="$lo" -v h="$hi" 'BEGIN {print (b - a) * 1024 / (h - l)}')")")
	done
fi

echo
printf '%-30s %-12s  %11s  %11s  %6s\n' "row" "size" "ipcmon" "peer" "ratio"
printf '%s\n' "${ROWS[@]}"
