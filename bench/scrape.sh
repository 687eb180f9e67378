#!/bin/bash
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The ipcmon authors
# bench/scrape.sh BUILDDIR - one scrape of ipcmon-exporter against one of
# node_exporter (Debian's prometheus-node-exporter, netdev and netclass
# collectors only), both on the same namespace and links in the same run
# (root).  At 100, 2000 and 8000 links: median scrape time (curl's
# time_total over SCRAPES scrapes of ipcmon-exporter and NODE_SCRAPES of
# node_exporter, uncompressed, keep-alive off) and
# response size of each, and the ratio ipcmon / node_exporter (target at
# 8000 links: at most 0.1).  Then the daemon's CPU (parent and
# collector, /proc/PID/schedstat) over SECS seconds with no scrape and
# over SECS seconds of back-to-back scrapes of 8000 links: scrapes read
# the segment without a lock, so the two should be the same.
set -u
B=$(cd "${1:-.}" && pwd)
abs_top_builddir=$B
abs_top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/metrics-lib.sh"
require_root
NODE_EXPORTER=${NODE_EXPORTER:-prometheus-node-exporter}
command -v "$NODE_EXPORTER" >/dev/null || skip "needs $NODE_EXPORTER (Debian package prometheus-node-exporter)"
command -v curl >/dev/null || skip "needs curl"
T_NAME=bench-scrape
SCRAPES=${SCRAPES:-15}
NODE_SCRAPES=${NODE_SCRAPES:-5} # about 20 s each at 8000 links
SECS=${SECS:-5}
NODE_ADDR=127.0.0.1:9100
t_init

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
cpu_ns() { awk '{s += $1} END {printf "%.0f\n", s}' "${@/%//schedstat}"; }

# time_scrape ADDR N: N scrapes; sets MS (median, ms) and BYTES.
time_scrape() {
	local i out
	: >"$T_DIR/times"
	for i in $(seq "$2"); do
		out=$(ns curl -s -o /dev/null -H 'Connection: close' -w '%{http_code} %{time_total} %{size_download}' \
			--max-time 60 "http://$1/metrics") || fail "scrape of $1 failed"
		[ "${out%% *}" = 200 ] || fail "scrape of $1: status ${out%% *}"
		out=${out#* }
		echo "${out% *}" >>"$T_DIR/times"
		BYTES=${out#* }
	done
	MS=$(median <"$T_DIR/times" | awk '{printf "%.2f", $1 * 1000}')
}

daemon_start --stats-interval 1s
exporter_start --no-scan
bg_ns "$NODE_EXPORTER" --collector.disable-defaults --collector.netdev --collector.netclass \
	--web.listen-address="$NODE_ADDR" --log.level=warn 2>>"$T_DIR/node_exporter.log" &
NODE_PID=$!
at_teardown "kill -TERM $NODE_PID 2>/dev/null"
wait_for "node_exporter to answer" 20 ns curl -sf -o /dev/null "http://$NODE_ADDR/metrics"

links() { ns ip -o link show | wc -l; }
pairs=0
printf '%-7s %12s %12s %8s   %12s %12s\n' links "ipcmon" "node_exp." ratio "ipcmon size" "node size"
for want in 100 2000 8000; do
	: >"$T_DIR/batch"
	while [ $(( 1 + 2 * pairs )) -lt "$want" ]; do
		pairs=$((pairs + 1))
		echo "link add s$pairs type veth peer name t$pairs" >>"$T_DIR/batch"
	done
	ns ip -batch "$T_DIR/batch" || fail "ip -batch"
	n=$(links)
	counted() { scrape "$T_DIR/m" >/dev/null &&
		[ "$(mval "$T_DIR/m" "ipcmon_network_links{ipcmon_instance=\"${T_SHM#/}\"}")" = "$n" ]; }
	wait_for "the exporter to count $n links" 120 counted
	time_scrape "$EXPORTER_ADDR" "$SCRAPES"; ims=$MS ibytes=$BYTES
	time_scrape "$NODE_ADDR" "$NODE_SCRAPES"; nms=$MS nbytes=$BYTES
	printf '%-7s %9s ms %9s ms %8.3f   %12s %12s\n' "$n" "$ims" "$nms" \
		"$(echo "$ims / $nms" | bc -l)" "$ibytes" "$nbytes"
done

# The daemon's CPU without and with scrapes (8000 links, counters
# refreshed every second).
procs=("/proc/$T_PID" $(pgrep -P "$T_PID" | sed 's|^|/proc/|'))
c0=$(cpu_ns "${procs[@]}"); sleep "$SECS"; c1=$(cpu_ns "${procs[@]}")
n=0 end=$(( $(date +%s) + SECS ))
c2=$(cpu_ns "${procs[@]}")
while [ "$(date +%s)" -lt "$end" ]; do scrape /dev/null >/dev/null; n=$((n + 1)); done
c3=$(cpu_ns "${procs[@]}")
printf 'daemon CPU over %ss: %.1f ms without scrapes, %.1f ms during %d scrapes (ratio %.2f)\n' \
	"$SECS" "$(echo "($c1 - $c0) / 1000000" | bc -l)" "$(echo "($c3 - $c2) / 1000000" | bc -l)" "$n" \
	"$(echo "($c3 - $c2) / ($c1 - $c0 + 1)" | bc -l)"
