#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
#   install-modules.sh SRCDIR KERNEL_RELEASE
# A build for one kernel tree, as a distribution or board integrator does it:
# -Dkernel_dir=/lib/modules/RELEASE/build -Dinstall_modules=true without the
# VM suite. It must not need linux-source or any other guest kernel, and
# meson install (into a DESTDIR) must put exactly dmasim.ko and dmastream.ko,
# built for RELEASE, in lib/modules/RELEASE/extra, the modules-load.d entry
# naming dmastream, and user space beside them.
set -eu
src=$1 rel=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

kdir=/lib/modules/$rel/build
meson setup "$tmp/b" "$src" -Dkernel_dir="$kdir" -Dinstall_modules=true \
	-Dvm_tests=false -Dsanitizers=false --prefix /usr >"$tmp/setup.log" 2>&1 ||
	{ cat "$tmp/setup.log"; exit 1; }
meson compile -C "$tmp/b" >"$tmp/compile.log" 2>&1 || { tail -n 30 "$tmp/compile.log"; exit 1; }
# Nothing of the VM suite was built: no other kernel, no linux-source.
[ ! -e "$tmp/b/kmod" ] || [ "$(ls "$tmp/b/kmod")" = custom ] ||
	fail "built modules for other kernels: $(ls "$tmp/b/kmod")"
[ ! -e "$tmp/b/scripts/linux-source/checkpatch.pl" ] || fail "linux-source was extracted"

DESTDIR=$tmp/root meson install -C "$tmp/b" --no-rebuild >"$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log"; exit 1; }
"$src/scripts/check-module-install" "$tmp/root" "$rel" >/dev/null ||
	fail "meson install did not install the two modules for $rel"
conf=$tmp/root/usr/lib/modules-load.d/dmastream.conf
[ "$(grep -v '^#' "$conf" 2>/dev/null)" = dmastream ] || fail "$conf does not load dmastream"
[ -x "$tmp/root/usr/bin/dmastream" ] || fail "the tool is not installed"
echo "install-modules: $rel: dmasim.ko, dmastream.ko, modules-load.d, user space; no linux-source"
