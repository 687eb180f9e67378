#!/bin/bash
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The ipcmon authors
# build.sh - install what is missing, build, then run or test ipcmon.
#
#   ./build.sh run [IPCMOND-OPTIONS]   start ipcmond in the foreground (Ctrl-C stops it)
#   ./build.sh check                   run the whole test suite (make distcheck)
#   ./build.sh build                   only install what is missing and build
#   ./build.sh deb                     build the Debian package into ./build/deb
#
# Run as root on Debian 12.  Debian packages are installed only when
# missing; the build goes to ./build (VPATH), the source tree stays clean.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")"
top=$PWD
builddir=$top/build

# Build: autotools, compiler, libraries.  Tests: Check, iproute2 (ip
# netns), jq, mandoc, systemd-container (systemd-nspawn for the service
# tests), hyperfine for `make bench`; prometheus (promtool and a real
# server for the exporter's tests), curl; prometheus-node-exporter for
# `make bench`.  The Debian package (tests/package.test, ./build.sh deb):
# build-essential, debhelper, dpkg-dev, systemd (its systemd.pc names the
# unit directory), lintian; licensecheck (its own package in Debian 12,
# only recommended by devscripts) for tests/licence.test.
PACKAGES=(
	autoconf automake make gcc libc6-dev pkg-config
	libnl-3-dev libnl-route-3-dev libsystemd-dev libmicrohttpd-dev
	check iproute2 jq mandoc python3 systemd-container util-linux
	build-essential debhelper dpkg-dev systemd lintian licensecheck
	hyperfine prometheus prometheus-node-exporter curl
)

install_missing() {
	local missing=() p
	for p in "${PACKAGES[@]}"; do
		dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" != 0 ]; then
		echo "build.sh: missing Debian packages: ${missing[*]}; run as root, or install them" >&2
		exit 1
	fi
	echo "build.sh: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

configure_tree() {
	if [ ! -x configure ] || [ configure.ac -nt configure ]; then
		autoreconf -fi >/dev/null 2>"$top/autoreconf.log" || {
			cat "$top/autoreconf.log" >&2; exit 1; }
		rm -f "$top/autoreconf.log"
	fi
	mkdir -p "$builddir"
	if [ ! -f "$builddir/Makefile" ] || [ configure -nt "$builddir/Makefile" ]; then
		(cd "$builddir" && "$top/configure" --prefix=/usr/local --sysconfdir=/etc \
			--localstatedir=/var --runstatedir=/run --enable-werror \
			>config.out 2>&1) || { cat "$builddir/config.out" >&2; exit 1; }
	fi
}

build() {
	install_missing
	configure_tree
	make -s -C "$builddir" -j"$(nproc)" >/dev/null
}

check() {
	local out rc=0
	build
	out=$builddir/distcheck.out
	make -C "$builddir" -j"$(nproc)" distcheck >"$out" 2>&1 || rc=$?
	# The full output is in build/distcheck.out; show results and problems.
	grep -E '^(PASS|FAIL|SKIP|XFAIL|XPASS|ERROR|# [A-Z]+:|tests/[a-z_]+: [0-9]+%)|(error|warning):' "$out" || true
	if [ "$rc" != 0 ]; then
		echo "build.sh: make distcheck failed (status $rc); last lines of $out:" >&2
		tail -n 40 "$out" >&2
		find "$builddir" -path '*/_build/*' -name test-suite.log -exec cat {} + >&2 2>/dev/null || true
	fi
	# One closing line for people and CI: N passed, N failed, N skipped.
	awk '/^# (PASS|XPASS):/ {p+=$3} /^# (FAIL|XFAIL|ERROR):/ {f+=$3} /^# SKIP:/ {s+=$3}
	     END {printf "%d passed, %d failed, %d skipped\n", p, f, s}' "$out"
	return "$rc"
}

# The package from what a release tarball holds (make distdir), built
# out of the source tree: build/deb/ipcmon_VERSION_ARCH.deb.
deb() {
	local version dir
	build
	version=$(sed -n 's/^PACKAGE_VERSION = //p' "$builddir/Makefile")
	dir=$builddir/deb
	rm -rf "$dir"
	mkdir -p "$dir"
	make -s -C "$builddir" distdir distdir="$dir/ipcmon-$version" >/dev/null
	(cd "$dir/ipcmon-$version" && dpkg-buildpackage -us -uc -b >"$dir/build.log" 2>&1) || {
		tail -n 30 "$dir/build.log" >&2
		echo "build.sh: dpkg-buildpackage failed; the whole log is $dir/build.log" >&2
		exit 1
	}
	ls "$dir"/*.deb
}

case "${1:-}" in
run)
	shift
	build
	exec "$builddir/ipcmond" "$@"
	;;
check)
	check
	;;
build)
	build
	;;
deb)
	deb
	;;
*)
	echo "usage: ./build.sh run [IPCMOND-OPTIONS] | check | build | deb" >&2
	exit 2
	;;
esac
