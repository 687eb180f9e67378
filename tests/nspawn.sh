# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The ipcmon authors
# nspawn.sh - a throw-away container whose PID 1 is a real systemd.
# Sourced by tests/systemd-*.test, after lib.sh.
#
# This machine's PID 1 is not systemd, but the host's own systemd boots
# as PID 1 of a container: / is bind-mounted onto a directory inside a
# private mount namespace and booted with systemd-nspawn
# --volatile=overlay, so every write lands in a tmpfs that vanishes at
# power-off.  The launcher runs in cgroups of its own, or the booted
# manager might adopt other processes of the machine.
#
#   require_nspawn           skip (77) unless all of that can work
#   ns_install               `make install` of this build into a stage
#   ns_boot                  boot; returns once systemd has booted
#   in_ct CMD...             run CMD inside (all its namespaces)
#   ns_wait_active UNIT SECS wait until UNIT is active
#
# Teardown (registered with at_teardown, so it runs on failure too)
# powers the container off, kills what is left, removes the cgroups and
# the temporary directory.

NS_DIR=
NS_LAUNCHER=
NS_PID1=
NS_CGROUPS=()
NS_STAGE=

require_nspawn() {
	local c
	[ "$(id -u)" = 0 ] || skip "needs root (boots a systemd container)"
	for c in systemd-nspawn nsenter unshare systemctl; do
		command -v "$c" >/dev/null ||
			skip "needs $c (apt-get install --no-install-recommends systemd-container)"
	done
	[ -x /lib/systemd/systemd ] || skip "needs systemd installed (/lib/systemd/systemd)"
	[ -d /sys/fs/cgroup ] || skip "needs a cgroup file system at /sys/fs/cgroup"
	# Nested: inside one of our own containers the host is already systemd.
	[ ! -e /run/systemd/container ] || skip "already inside a container"
}

# The cgroup hierarchies the launcher must leave: the unified one only
# (cgroup v2), or systemd's named v1 one and the unified one (hybrid).
ns_cgroup_roots() {
	if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
		echo /sys/fs/cgroup
		return
	fi
	local h
	for h in systemd unified; do
		[ -d "/sys/fs/cgroup/$h" ] && echo "/sys/fs/cgroup/$h"
	done
}

# ns_install: install this build as a user would, into $NS_DIR/stage,
# which the container sees read-only at the same path.
ns_install() {
	[ -n "$NS_DIR" ] || ns_mkdir
	NS_STAGE=$NS_DIR/stage
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		make -C "$abs_top_builddir" install DESTDIR="$NS_STAGE" \
		>"$NS_DIR/install.log" 2>&1 ||
		{ tail -n 20 "$NS_DIR/install.log" >&2; fail "make install DESTDIR=$NS_STAGE failed"; }
	# Paths as installed (they follow --prefix; distcheck uses its own).
	CT_IPCMOND=$(cd "$NS_STAGE" && find . -name ipcmond -type f -perm -u+x | head -n 1)
	CT_IPCMONCTL=$(cd "$NS_STAGE" && find . -name ipcmonctl -type f -perm -u+x | head -n 1)
	CT_UNIT=$(cd "$NS_STAGE" && find . -name ipcmond.service -type f | head -n 1)
	CT_IPCMOND=${CT_IPCMOND#.}
	CT_IPCMONCTL=${CT_IPCMONCTL#.}
	CT_UNIT=${CT_UNIT#.}
	[ -n "$CT_IPCMOND" ] && [ -n "$CT_IPCMONCTL" ] && [ -n "$CT_UNIT" ] ||
		fail "make install did not install ipcmond, ipcmonctl and ipcmond.service"
	CT_UNITDIR=$(dirname "$CT_UNIT")
	CT_PREFIX=${CT_IPCMOND%/sbin/ipcmond}
}

ns_mkdir() {
	NS_DIR=$(mktemp -d "/tmp/ipcmon-nspawn-$T_NAME.XXXXXX")
	at_teardown ns_teardown
}

# The container's PID 1: the child of systemd-nspawn (the launcher
# execs unshare, which execs nspawn).
ns_find_pid1() {
	NS_PID1=$(pgrep -P "$NS_LAUNCHER" -x systemd | head -n 1)
	[ -n "$NS_PID1" ]
}

in_ct() {
	nsenter --target "$NS_PID1" --mount --uts --ipc --net --pid --cgroup -- "$@"
}

ns_booted() {
	local state
	state=$(in_ct systemctl is-system-running 2>/dev/null)
	case $state in
	running | degraded) return 0 ;;
	*) return 1 ;;
	esac
}

# ns_boot [NSPAWN-OPTIONS...]: boot, install the stage (if any) inside,
# daemon-reload.
ns_boot() {
	# The name is the container's machine name too: nspawn keeps state
	# under /run/systemd/nspawn/*/NAME, so parallel tests need their own.
	local root cg name=ipcmon-$$-$RANDOM binds=()
	[ -n "$NS_DIR" ] || ns_mkdir
	mkdir "$NS_DIR/root"
	for root in $(ns_cgroup_roots); do
		mkdir "$root/$name" || fail "cannot create cgroup $root/$name"
		NS_CGROUPS+=("$root/$name")
	done
	[ -n "$NS_STAGE" ] && binds+=(--bind-ro="$NS_STAGE")
	(
		for cg in "${NS_CGROUPS[@]}"; do echo "$BASHPID" >"$cg/cgroup.procs"; done
		exec unshare --mount --propagation private sh -c '
			mount --bind / "$1" || exit 1
			dir=$1 name=$2; shift 2
			exec systemd-nspawn -D "$dir" -M "$name" --volatile=overlay --register=no \
				--keep-unit --link-journal=no --private-network \
				"$@" -b systemd.unit=basic.target' \
			sh "$NS_DIR/root" "$name" "${binds[@]}" "$@"
	) >"$NS_DIR/console.log" 2>&1 </dev/null &
	NS_LAUNCHER=$!
	wait_for "the container's PID 1 to start" 20 ns_find_pid1
	wait_for "systemd in the container to boot" 30 ns_booted
	if [ -n "$NS_STAGE" ]; then
		in_ct sh -c "tar -C '$NS_STAGE' -cf - . | tar -C / -xf - --keep-directory-symlink" ||
			fail "cannot copy the installed files into the container"
		# A --prefix'ed unit directory is not one systemd reads: link there.
		if ! in_ct systemd-analyze unit-paths | grep -qx "$CT_UNITDIR"; then
			in_ct sh -c "cp '$CT_UNITDIR'/ipcmon*.service '$CT_UNITDIR'/ipcmon*.socket /etc/systemd/system/" ||
				fail "cannot copy the units to /etc/systemd/system"
		fi
		ns_sanitizer_dropins
		in_ct systemctl daemon-reload || fail "systemctl daemon-reload failed"
	fi
}

# LeakSanitizer stops the process's threads with ptrace(2), which the
# units' system-call filter forbids (@debug); allowing it made stops hang
# now and then in LSan's tracer.  A sanitizer build keeps the units'
# sandbox as it is and checks for leaks in the host-side tests only.
ns_sanitizer_dropins() {
	grep -q '^SAN_CFLAGS = .*-fsanitize' "$abs_top_builddir/Makefile" || return 0
	in_ct sh -c 'for u in ipcmond.service ipcmond@.service ipcmon-exporter.service; do
		mkdir -p /run/systemd/system/$u.d &&
		printf "[Service]\nEnvironment=ASAN_OPTIONS=detect_leaks=0\n" \
			>/run/systemd/system/$u.d/sanitizers.conf || exit 1
	done' || fail "cannot write the sanitizer drop-ins"
}

ns_teardown() {
	local cg pids i
	if [ -n "$NS_LAUNCHER" ] && kill -0 "$NS_LAUNCHER" 2>/dev/null; then
		# SIGRTMIN+4: systemd's orderly poweroff.
		[ -n "$NS_PID1" ] && kill -s RTMIN+4 "$NS_PID1" 2>/dev/null
		for i in $(seq 300); do kill -0 "$NS_LAUNCHER" 2>/dev/null || break; sleep 0.05; done
		if kill -0 "$NS_LAUNCHER" 2>/dev/null; then
			echo "container did not power off in 15s; killing it" >&2
			[ -n "$NS_PID1" ] && kill -KILL "$NS_PID1" 2>/dev/null
			kill -KILL "$NS_LAUNCHER" 2>/dev/null
		fi
		wait "$NS_LAUNCHER" 2>/dev/null
	fi
	# Whatever is left in our cgroups goes, then the cgroups, deepest first.
	for cg in "${NS_CGROUPS[@]}"; do
		pids=$(find "$cg" -name cgroup.procs -exec cat {} + 2>/dev/null)
		[ -n "$pids" ] && kill -KILL $pids 2>/dev/null
	done
	for cg in "${NS_CGROUPS[@]}"; do
		for i in $(seq 100); do
			find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null
			[ -d "$cg" ] || break
			sleep 0.05
		done
		[ -d "$cg" ] && echo "warning: cannot remove cgroup $cg" >&2
	done
	NS_CGROUPS=()
	# The bind mount of / lives only in the launcher's mount namespace,
	# gone with it: $NS_DIR/root is an empty directory here.
	if [ -n "$NS_DIR" ]; then
		if [ "${T_KEEP_CONSOLE:-}" ] || { [ "${rc:-0}" != 0 ] && [ "${rc:-0}" != 77 ] && [ -s "$NS_DIR/console.log" ]; }; then
			echo "--- container console (last 30 lines) ---" >&2
			tail -n 30 "$NS_DIR/console.log" >&2
		fi
		rm -rf --one-file-system "$NS_DIR"
	fi
	NS_DIR=
}

# ns_wait_active UNIT SECONDS
ns_wait_active() {
	wait_for "$1 to be active" "$2" in_ct systemctl is-active --quiet "$1"
}

# ct_prop UNIT PROPERTY: one property's value.
ct_prop() {
	in_ct systemctl show -P "$2" "$1"
}
