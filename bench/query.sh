#!/bin/bash
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The ipcmon authors
# bench/query.sh BUILDDIR - query round trip and `ipcmonctl links` time at
# 100 and 8000 links, with the dispatcher serving a segment written by
# tests/dispatch-harness (build it with `make check` or
# `make tests/dispatch-harness`).  Prints medians and the 8000/100 ratio.
set -eu
B=$(cd "${1:-.}" && pwd)
D=$(mktemp -d /tmp/ipcmon-bench.XXXXXX)
HP=
trap '[ -n "$HP" ] && kill $HP 2>/dev/null; wait 2>/dev/null; rm -rf "$D"' EXIT

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ms() { echo $(( $(date +%s%N) / 1000 )); }

run() { # links
	local n=$1 i t0 t1
	cat >"$D/conf" <<CONF
shm_name = /ipcmon-bench-$$-shm
sem_name = /ipcmon-bench-$$-sem
msg_key = $(printf '0x%x' $(( 0x6b000000 + $$ )))
CONF
	rm -f "$D/ctl"
	"$B/tests/dispatch-harness" -c "$D/conf" -C "$D/ctl" -n "$n" >"$D/out" &
	HP=$!
	until grep -q ready "$D/out" 2>/dev/null; do sleep 0.05; done
	# round trip as ipcmonctl ping measures it (warm, in microseconds)
	PING=$(for i in $(seq 200); do "$B/ipcmonctl" -c "$D/conf" ping | sed 's/.*time=\([0-9]*\).*/\1/'; done | median)
	LINKS=$(for i in $(seq 20); do t0=$(ms); "$B/ipcmonctl" -c "$D/conf" links >/dev/null; t1=$(ms); echo $((t1 - t0)); done | median)
	JSON=$(for i in $(seq 20); do t0=$(ms); "$B/ipcmonctl" -c "$D/conf" -j addrs >/dev/null; t1=$(ms); echo $((t1 - t0)); done | median)
	kill $HP; wait $HP || true; HP=
}
run 100; p1=$PING l1=$LINKS j1=$JSON
run 8000; p2=$PING l2=$LINKS j2=$JSON
printf '%-28s %10s %10s %8s\n' "" "100 links" "8000 links" "ratio"
printf '%-28s %8s us %8s us %8.2f\n' "ping round trip (median)" "$p1" "$p2" "$(echo "$p2 / $p1" | bc -l)"
printf '%-28s %8s us %8s us %8.2f\n' "ipcmonctl links (process)" "$l1" "$l2" "$(echo "$l2 / $l1" | bc -l)"
printf '%-28s %8s us %8s us %8.2f\n' "ipcmonctl -j addrs" "$j1" "$j2" "$(echo "$j2 / $j1" | bc -l)"
