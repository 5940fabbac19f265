#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The Debian packaging (debian/, docs/packaging.md) does what it says:
#  1. dpkg-buildpackage -us -uc in a clean export of the source tree
#     builds the source package and the four binary packages, with the
#     library's symbols file matching exactly what libdmastream.so exports;
#  2. lintian reports no error and no warning;
#  3. each package holds what it should, and dmastream-dkms's maintainer
#     scripts register the modules with DKMS and create the group;
#  4. a program builds against libdmastream-dev as unpacked from its .deb
#     and links with libdmastream0's shared library;
#  5. the packages install with dpkg -i into an overlay of the host's root
#     in a private mount namespace (install.sh: the host never changes); the
#     group is created, dmastream-dkms's postinst has DKMS build and install
#     dmasim.ko and dmastream.ko for each given kernel, with its vermagic;
#     purging them removes the modules. Not root or no overlayfs: DKMS
#     builds the modules in a private tree (--dkmstree ...) instead;
#  6. for each --vm kernel, a guest boots it, loads the modules DKMS built
#     and runs the packaged tool and that program against dmasim (guest.sh).
#
#   debian.sh --srcroot SRC --work DIR --kernel RELEASE... [--vm RELEASE]...
#             [--build BUILDDIR]
#
# Exit 77 only where the test cannot exist: not a Debian system.

set -eu

srcroot='' work='' build=''
kernels=()
vms=()
while [ $# -gt 0 ]; do
	case $1 in
	--srcroot) srcroot=$2; shift 2 ;;
	--work) work=$2; shift 2 ;;
	--kernel) kernels+=("$2"); shift 2 ;;
	--vm) vms+=("$2"); shift 2 ;;
	--build) build=$2; shift 2 ;;
	*) echo "debian.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
if [ -z "$srcroot" ] || [ -z "$work" ]; then
	echo "debian.sh: --srcroot and --work are required" >&2
	exit 2
fi

start=$(date +%s)
step() { echo "== $* ($(( $(date +%s) - start )) s)"; }
die() { echo "FAIL: $*" >&2; exit 1; }

if ! command -v dpkg-architecture >/dev/null || [ ! -f /etc/debian_version ]; then
	echo "SKIP: not a Debian system (no dpkg-dev): Debian packages cannot be built here"
	exit 77
fi
missing=
for tool in dpkg-buildpackage dh dh_dkms dh_installsysusers dkms lintian meson; do
	command -v "$tool" >/dev/null || missing="$missing $tool"
done
[ -z "$missing" ] || die "missing:$missing (run scripts/bootstrap)"
[ ${#kernels[@]} -gt 0 ] || die "no guest kernel with headers to build the modules for (run scripts/bootstrap)"

rm -rf "$work"
mkdir -p "$work/src"

# 1. A clean export: what git tracks plus new files it does not ignore, as
# they are in the working tree (so uncommitted changes are tested too), and
# never a build directory.
step "exporting $srcroot"
if git -C "$srcroot" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	(cd "$srcroot" && git ls-files -z -co --exclude-standard |
		while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
		tar -cf - --null -T -) | tar -xf - -C "$work/src"
else
	(cd "$srcroot" && find . \( -name .git -o -exec test -d '{}/meson-private' \; \) -prune \
		-o -type f -print0 | tar -cf - --null -T -) | tar -xf - -C "$work/src"
fi
[ -f "$work/src/debian/control" ] || die "no debian/control in the export"

step "dpkg-buildpackage -us -uc"
version=$(cd "$work/src" && dpkg-parsechangelog -SVersion)
upstream=${version%%-*}
project=$(sed -n "s/^  version: '\\(.*\\)',$/\\1/p" "$work/src/meson.build")
[ "$upstream" = "$project" ] ||
	die "debian/changelog is at $upstream, meson.build at $project: add a changelog entry (dch -v $project)"
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
# Any difference between debian/libdmastream0.symbols and the library's
# exports (a new symbol too) fails the build.
if ! (cd "$work/src" && DPKG_GENSYMBOLS_CHECK_LEVEL=4 \
	dpkg-buildpackage -us -uc >"$work/build.log" 2>&1); then
	tail -n 60 "$work/build.log"
	die "dpkg-buildpackage failed (whole log: $work/build.log)"
fi
grep -E '^(Ok|Fail|Skipped|Timeout):' "$work/build.log" | tr -s ' ' | paste -sd ' ' |
	sed 's/^/   unit tests in the package build: /'

deb() { echo "$work/${1}_${version}_${2:-$arch}.deb"; }
for p in libdmastream0 libdmastream-dev dmastream-tools; do
	[ -f "$(deb $p)" ] || die "$(basename "$(deb $p)") was not built"
done
[ -f "$(deb dmastream-dkms all)" ] || die "$(basename "$(deb dmastream-dkms all)") was not built"
[ -f "$work/dmastream_$version.dsc" ] || die "no source package (dmastream_$version.dsc)"

# 2. lintian at its default level: no E: and no W: tag.
step "lintian"
changes=$work/dmastream_${version}_${arch}.changes
set +e
lintian --fail-on error,warning "$changes" >"$work/lintian.txt" 2>&1
lrc=$?
set -e
grep -v '^running with root privileges' "$work/lintian.txt" | sed 's/^/   /' || true
if [ "$lrc" -ne 0 ] || grep -q '^[EW]: ' "$work/lintian.txt"; then
	die "lintian reports errors or warnings (exit $lrc)"
fi

# 3. What each package holds.
step "package contents"
has() { # has PACKAGE PATH: the package ships PATH
	dpkg-deb -c "$1" | awk '{ print $6 }' | sed 's|^\./|/|; s|/$||' | grep -qxF "$2" ||
		die "$(basename "$1") does not ship $2"
}
lacks() { # lacks PACKAGE PATTERN: no path of the package matches PATTERN
	! dpkg-deb -c "$1" | awk '{ print $6 }' | grep -qE "$2" ||
		die "$(basename "$1") ships $(dpkg-deb -c "$1" | awk '{ print $6 }' | grep -E "$2" | head -n1)"
}
dkms_deb=$(deb dmastream-dkms all)
usrc=/usr/src/dmastream-$upstream
for f in dkms.conf Kbuild kernel/dmasim/Kbuild kernel/dmasim/main.c kernel/dmastream/Kbuild \
	kernel/dmastream/main.c uapi/linux/dmastream.h uapi/linux/dmasim.h; do
	has "$dkms_deb" "$usrc/$f"
done
lacks "$dkms_deb" 'vmtest|dmasim_client|meson\.build'
has "$dkms_deb" /lib/udev/rules.d/60-dmastream.rules
has "$dkms_deb" /usr/lib/sysusers.d/dmastream.conf
has "$(deb libdmastream0)" "/usr/lib/$multiarch/libdmastream.so.0"
lacks "$(deb libdmastream0)" '\.h$|\.a$|\.pc$'
for f in /usr/include/dmastream/libdmastream.h /usr/include/dmastream/libdmastream-uring.h \
	/usr/include/dmastream/linux/dmastream.h "/usr/lib/$multiarch/libdmastream.so" \
	"/usr/lib/$multiarch/libdmastream.a" "/usr/lib/$multiarch/pkgconfig/libdmastream.pc" \
	/usr/share/man/man3/libdmastream.3.gz /usr/share/man/man3/dms_submit.3.gz; do
	has "$(deb libdmastream-dev)" "$f"
done
has "$(deb libdmastream-dev)" /usr/share/doc/libdmastream-dev/examples/epoll-rx-server.c
has "$(deb libdmastream-dev)" /usr/share/doc/libdmastream-dev/examples/dma-proxy-native.c
has "$(deb dmastream-tools)" /usr/bin/dmastream
has "$(deb dmastream-tools)" /usr/share/man/man1/dmastream.1.gz

ctl=$work/control
mkdir -p "$ctl"
for p in libdmastream0 dmastream-tools; do
	dpkg-deb -e "$(deb $p)" "$ctl/$p"
done
dpkg-deb -e "$dkms_deb" "$ctl/dmastream-dkms"
# Every exported function is in the symbols file, versioned.
exports=$(sed -n 's/^[[:space:]]*\(dms_[a-z0-9_]*\);$/\1/p' "$work/src/userspace/lib/libdmastream.sym" | sort)
listed=$(sed -n 's/^ \(dms_[a-z0-9_]*\)@LIBDMASTREAM_[0-9.]* .*/\1/p' "$ctl/libdmastream0/symbols" | sort)
if [ -z "$exports" ] || [ "$exports" != "$listed" ]; then
	die "libdmastream0's symbols file does not list exactly the version script's exports"
fi
grep -q "^libdmastream 0 libdmastream0 " "$ctl/libdmastream0/shlibs" || die "libdmastream0: no shlibs entry"
grep -q "libdmastream0 (= $version)" <(dpkg-deb -f "$(deb libdmastream-dev)" Depends) ||
	die "libdmastream-dev does not depend on libdmastream0"
grep -q 'dkms' <(dpkg-deb -f "$dkms_deb" Depends) || die "dmastream-dkms does not depend on dkms"
grep -q 'systemd-sysusers' <(dpkg-deb -f "$dkms_deb" Depends) ||
	die "dmastream-dkms does not depend on a systemd-sysusers provider"
grep -q '/usr/lib/dkms/common.postinst' "$ctl/dmastream-dkms/postinst" ||
	die "dmastream-dkms's postinst does not hand the modules to DKMS"
grep -q 'systemd-sysusers .*dmastream.conf' "$ctl/dmastream-dkms/postinst" ||
	die "dmastream-dkms's postinst does not create the group (systemd-sysusers)"
grep -q 'dkms remove' "$ctl/dmastream-dkms/prerm" || die "dmastream-dkms's prerm does not remove the modules from DKMS"
grep -qx 'AUTOINSTALL="yes"' <(dpkg-deb --fsys-tarfile "$dkms_deb" | tar -xOf - ".$usrc/dkms.conf") ||
	die "dkms.conf does not build for newly installed kernels (AUTOINSTALL)"

# 4. The packages unpacked, and a program built as a user of
# libdmastream-dev would (its pkg-config file and headers only), linked with
# the shared library of libdmastream0.
root=$work/root
for p in "$dkms_deb" "$(deb libdmastream0)" "$(deb libdmastream-dev)" "$(deb dmastream-tools)"; do
	dpkg-deb -x "$p" "$root"
done

step "a program built against libdmastream-dev"
pc() { PKG_CONFIG_PATH=$root/usr/lib/$multiarch/pkgconfig PKG_CONFIG_SYSROOT_DIR=$root pkg-config "$@"; }
# shellcheck disable=SC2046 # pkg-config's output is a list of options
cc -std=gnu11 -Wall -Wextra -Werror $(pc --cflags libdmastream) \
	-o "$work/lib-probe" "$srcroot/tests/package/lib-probe.c" $(pc --libs libdmastream) ||
	die "lib-probe does not build against the packaged headers and library"
lib=$(LD_LIBRARY_PATH=$root/usr/lib/$multiarch ldd "$work/lib-probe" |
	sed -n 's/^[[:space:]]*libdmastream\.so\.0 => \([^ ]*\) .*/\1/p')
[ "$lib" = "$root/usr/lib/$multiarch/libdmastream.so.0" ] ||
	die "lib-probe resolves libdmastream.so.0 to '$lib', not libdmastream0's"

# 5. Install: dpkg -i into an overlay of the host's root (install.sh), where
# dmastream-dkms's postinst has DKMS build and install the modules. Without
# root or overlayfs, DKMS builds them in a private tree instead.
irc=3
if [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null; then
	step "dpkg -i into an overlay of /, DKMS builds at configure time"
	kargs=()
	for k in "${kernels[@]}"; do kargs+=(--kernel "$k"); done
	set +e
	unshare -m --fork "$srcroot/tests/package/install.sh" --work "$work" --version "$upstream" \
		"${kargs[@]}" -- "$dkms_deb" "$(deb libdmastream0)" "$(deb libdmastream-dev)" \
		"$(deb dmastream-tools)"
	irc=$?
	set -e
	[ "$irc" -eq 0 ] || [ "$irc" -eq 3 ] || die "installing the packages failed"
fi
if [ "$irc" -eq 0 ]; then
	moddir() { echo "$work/installed/$1"; }
else
	echo "   no overlay of / (needs root and overlayfs): the packages are not installed;"
	echo "   DKMS builds the modules in a private tree instead"
	dk=$work/dkms
	mkdir -p "$dk/tree" "$dk/install" "$dk/keys"
	dkms_opts=(-m dmastream -v "$upstream" --sourcetree "$root/usr/src" --dkmstree "$dk/tree"
		--installtree "$dk/install")
	# The signing key DKMS makes when it has none goes here, not /var/lib/dkms.
	export mok_signing_key=$dk/keys/mok.key mok_certificate=$dk/keys/mok.pub
	step "dkms add"
	dkms add "${dkms_opts[@]}" >"$dk/add.log" 2>&1 || { cat "$dk/add.log"; die "dkms add failed"; }
	for k in "${kernels[@]}"; do
		step "dkms build for $k"
		[ -f "/lib/modules/$k/build/Makefile" ] || die "no headers for $k (run scripts/bootstrap)"
		if ! dkms build "${dkms_opts[@]}" -k "$k" >"$dk/build-$k.log" 2>&1; then
			cat "$dk/build-$k.log"
			cat "$dk/tree/dmastream/$upstream/build/make.log" 2>/dev/null || true
			die "dkms build for $k failed"
		fi
		mdir=$dk/tree/dmastream/$upstream/$k/$(uname -m)/module
		for m in dmasim dmastream; do
			ko=
			for f in "$mdir/$m".ko*; do [ -f "$f" ] && ko=$f; done
			[ -n "$ko" ] || die "$k: DKMS built no $m.ko (in $mdir: $(ls "$mdir" 2>/dev/null))"
			vm_magic=$(modinfo -F vermagic "$ko")
			[ "${vm_magic%% *}" = "$k" ] || die "$ko: vermagic '$vm_magic', not for $k"
			echo "   $k: $(basename "$ko"): vermagic $vm_magic"
		done
		dkms status "${dkms_opts[@]}" -k "$k" 2>/dev/null | grep -q ": built" ||
			die "dkms status does not show the modules built for $k: $(dkms status "${dkms_opts[@]}" -k "$k")"
	done
	moddir() { echo "$dk/tree/dmastream/$upstream/$1/$(uname -m)/module"; }
fi

# 6. The guests: DKMS's modules, the packaged tool and library, dmasim.
for vm in "${vms[@]}"; do
	step "VM $vm: load the DKMS-built modules, run the packaged tool"
	[ -n "$build" ] || die "--vm needs --build (the guest sees that directory read-write)"
	case $work in "$build"/*) ;; *) die "--work must be inside --build for the guest to see it" ;; esac
	mdir=$(moddir "$vm")
	[ -d "$mdir" ] || die "--vm $vm is not one of the --kernel releases built"
	"$srcroot/scripts/vm/run" --kernel "$vm" --name package-debian --timeout 180 \
		--build "$build" "$srcroot/tests/package/guest.sh" "$mdir" "$root" "$multiarch" \
		"$work/lib-probe" ||
		die "the guest run failed (exit $?; logs: $build/meson-logs/vm/package-debian/$vm)"
done
step "passed"
