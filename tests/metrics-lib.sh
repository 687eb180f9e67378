# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The ipcmon authors
# metrics-lib.sh - sourced by the metrics and exporter tests after
# tests/lib.sh.

EXPORTER=$abs_top_builddir/ipcmon-exporter
# The test's own namespace has its own loopback: fixed ports are free.
EXPORTER_ADDR=127.0.0.1:10464
EXPORTER_PID=

# mval FILE SERIES: the value of the sample SERIES ('name{labels}' as
# written) in FILE, empty when there is none.
mval() { awk -v k="$2" 'index($0, k " ") == 1 { print substr($0, length(k) + 2) }' "$1"; }

# Only as `bg_ns CMD... &`: the job execs ip netns exec, which execs
# CMD, so $! is CMD's pid.
bg_ns() { exec ip netns exec "$T_NS" "$@"; }

# exporter_start [OPTIONS...]: ipcmon-exporter in the namespace on
# $EXPORTER_ADDR, with the test's configuration; returns once it answers.
# Its stderr goes to the daemon's log, which a failing test shows.
exporter_start() {
	bg_ns "$EXPORTER" -c "$T_CONF" -l "$EXPORTER_ADDR" "$@" 2>>"$T_DIR/daemon.log" &
	EXPORTER_PID=$!
	at_teardown "kill -TERM $EXPORTER_PID 2>/dev/null"
	wait_for "ipcmon-exporter to answer on $EXPORTER_ADDR" 10 \
		ns curl -s -o /dev/null "http://$EXPORTER_ADDR/"
}
exporter_alive() { pid_alive "$EXPORTER_PID"; }

# scrape FILE: GET /metrics into FILE; prints the HTTP status.
scrape() { ns curl -s -o "$1" -w '%{http_code}' --max-time 20 "http://$EXPORTER_ADDR/metrics"; }

# exporter_stop: SIGTERM, wait until it exited, and fail on what a
# sanitizer build reported in its log (leaks show at exit).
exporter_stop() {
	local reports
	exporter_alive || fail "ipcmon-exporter (pid $EXPORTER_PID) died before it was stopped"
	kill -TERM "$EXPORTER_PID"
	wait_for "ipcmon-exporter to exit after SIGTERM" 10 eval '! exporter_alive'
	reports=$(grep -E 'ERROR: (Address|Leak|UndefinedBehavior)Sanitizer|runtime error:' \
		"$T_DIR/daemon.log" | head -n 5)
	[ -z "$reports" ] || fail "sanitizer reports from ipcmon-exporter: $reports"
}
