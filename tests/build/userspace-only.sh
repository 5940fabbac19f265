#!/bin/sh
# SPDX-License-Identifier: MIT
#
#   userspace-only.sh SRCDIR
# User space on a machine with no kernel headers at all: in a private
# mount namespace where /lib/modules and /usr/src are empty (no kernel
# build tree, no linux-source), a build with -Dkernel_modules=disabled
# configures, compiles and passes its unit suite. It needs root (for the
# namespace); without it, or without unshare, it says so and skips.
set -eu
src=$1
if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null; then
	echo "SKIP: needs root and unshare(1) to hide the kernel headers"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# shellcheck disable=SC2016 # expanded by the inner sh
unshare --mount sh -eu -c '
	src=$1 tmp=$2
	mount -t tmpfs none /lib/modules
	mount -t tmpfs none /usr/src
	if ! meson setup "$tmp/b" "$src" -Dkernel_modules=disabled -Dsanitizers=false \
		>"$tmp/setup.log" 2>&1; then
		cat "$tmp/setup.log"
		exit 1
	fi
	grep -qi "kernel modules *: *false" "$tmp/setup.log" || {
		echo "FAIL: the summary does not say the modules are left out"
		grep -i "kernel modules" "$tmp/setup.log"
		exit 1
	}
	meson compile -C "$tmp/b" >"$tmp/compile.log" 2>&1 || { tail -n 30 "$tmp/compile.log"; exit 1; }
	meson test -C "$tmp/b" --suite unit --print-errorlogs >"$tmp/test.log" 2>&1 ||
		{ tail -n 40 "$tmp/test.log"; exit 1; }
	grep -E "^(Ok|Fail|Skipped):" "$tmp/test.log"
' sh "$src" "$tmp"
echo "userspace-only: configured, built and unit-tested with no kernel headers"
