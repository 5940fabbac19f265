#!/bin/sh
# SPDX-License-Identifier: MIT
#
#   test-install.sh BUILD SOURCE
# Install into a scratch DESTDIR and use the result as a user would:
# compile the examples with pkg-config's flags against the installed headers
# (including the uapi header under include/dmastream/linux), link them to
# the shared and to the static library, run them, and check the soname and
# that the shared library exports exactly the documented symbols.

set -eu
build=$(realpath "$1") src=$(realpath "$2")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "test-install: $*" >&2; exit 1; }

meson install -C "$build" --destdir "$tmp" --no-rebuild --quiet >/dev/null ||
	fail "meson install failed"
pc=$(find "$tmp" -name libdmastream.pc)
[ -n "$pc" ] || fail "no libdmastream.pc installed"
export PKG_CONFIG_PATH="$(dirname "$pc")" PKG_CONFIG_SYSROOT_DIR="$tmp"
cflags=$(pkg-config --cflags libdmastream)
libs=$(pkg-config --libs libdmastream)
libdir=$(dirname "$(dirname "$pc")")
ex="$src/userspace/examples"

so=$(ls "$libdir"/libdmastream.so 2>/dev/null || true)
a=$(ls "$libdir"/libdmastream.a 2>/dev/null || true)
[ -n "$so$a" ] || fail "neither libdmastream.so nor libdmastream.a installed"

# Only installed headers: no source tree on the include path.
progs=
if [ -n "$so" ]; then
	cc -std=gnu11 -Wall -Wextra -Werror $cflags "$ex/epoll-rx-server.c" $libs -o "$tmp/epoll"
	cc -std=gnu11 -Wall -Wextra -Werror $cflags "$ex/uring-rx-server.c" $libs -luring \
		-o "$tmp/uring"
	progs="epoll uring"
fi
if [ -n "$a" ]; then
	cc -std=gnu11 -Wall -Wextra -Werror $cflags "$ex/epoll-rx-server.c" "$a" \
		-o "$tmp/epoll-static"
	progs="$progs epoll-static"
fi

# They run (and say how to use them) with the installed library.
for prog in $progs; do
	set +e
	LD_LIBRARY_PATH="$libdir" "$tmp/$prog" >/dev/null 2>&1
	rc=$?
	set -e
	[ "$rc" -eq 2 ] || fail "$prog without arguments exited $rc, not 2"
done
if [ -n "$a" ]; then
	! ldd "$tmp/epoll-static" | grep -q libdmastream ||
		fail "the static link uses the shared library"
fi
if [ -z "$so" ]; then
	echo "test-install: headers, pkg-config and static library usable (no shared library built)"
	exit 0
fi
LD_LIBRARY_PATH="$libdir" ldd "$tmp/epoll" | grep -q "libdmastream.so.0 => $libdir" ||
	fail "epoll is not linked to the installed libdmastream.so.0"
readelf -d "$so" | grep -q 'SONAME.*\[libdmastream\.so\.0\]' ||
	fail "soname is not libdmastream.so.0"
exported=$(nm -D --defined-only "$so" | awk '$2 == "T" { print $3 }' | sed 's/@.*//' | sort)
listed=$(sed -n 's/^[[:space:]]*\(dms_[a-z0-9_]*\);$/\1/p' "$src/userspace/lib/libdmastream.sym" | sort)
[ "$exported" = "$listed" ] || fail "exported symbols differ from libdmastream.sym"
nm -D "$so" | grep -q 'dms_submit@@LIBDMASTREAM_0.1' ||
	fail "symbols are not versioned LIBDMASTREAM_0.1"
nm -D "$so" | grep -q 'dms_pipeline_get_fd@@LIBDMASTREAM_0.2' ||
	fail "symbols added in 0.2 are not versioned LIBDMASTREAM_0.2"
echo "test-install: headers, pkg-config, shared (soname libdmastream.so.0, $(echo "$listed" | wc -l) symbols)${a:+ and static} library usable"
