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
mods=$tmp/root/lib/modules/$rel/extra
found=$(cd "$mods" 2>/dev/null && find . -name '*.ko' | LC_ALL=C sort | tr '\n' ' ')
[ "$found" = "./dmasim/dmasim.ko ./dmastream/dmastream.ko " ] ||
	fail "installed modules: '$found'"
for ko in "$mods"/*/*.ko; do
	magic=$(modinfo -F vermagic "$ko")
	[ "${magic%% *}" = "$rel" ] || fail "$ko is built for ${magic%% *}"
done
conf=$tmp/root/usr/lib/modules-load.d/dmastream.conf
[ "$(grep -v '^#' "$conf" 2>/dev/null)" = dmastream ] || fail "$conf does not load dmastream"
[ -x "$tmp/root/usr/bin/dmastream" ] || fail "the tool is not installed"
echo "install-modules: $rel: $found+ modules-load.d + user space, no linux-source"
