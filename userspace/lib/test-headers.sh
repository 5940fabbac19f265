#!/bin/sh
# SPDX-License-Identifier: MIT
#
#   test-headers.sh SRCDIR CC [CXX]
# Every public header compiles on its own, included first, in the strict
# ISO C modes a user may build with (-std=c99/c11/c17 -pedantic) and in
# GNU C, with every warning an error; and in C++ (extern "C", no C-only
# syntax) when a C++ compiler is given. libdmastream-uring.h needs
# liburing's headers.
set -eu
src=$1 cc=$2 cxx=${3:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
inc="-I$src/userspace/lib -I$src/uapi"
status=0 n=0

check() {	# check COMPILER FLAGS HEADER EXT
	printf '#include <%s>\nint main(void) { return 0; }\n' "$3" >"$tmp/t.$4"
	n=$((n + 1))
	# shellcheck disable=SC2086 # word splitting of the flags is meant
	if ! $1 $2 -Wall -Wextra -Werror $inc -c "$tmp/t.$4" -o "$tmp/t.o" 2>"$tmp/err"; then
		echo "FAIL: $3 with $1 $2:"
		sed 's/^/  /' "$tmp/err" | head -n 20
		status=1
	fi
}

for h in libdmastream.h libdmastream-uring.h; do
	for std in c99 c11 c17; do
		check "$cc" "-std=$std -pedantic" "$h" c
	done
	check "$cc" "-std=gnu11" "$h" c
	[ -z "$cxx" ] || check "$cxx" "-std=c++11" "$h" cc
done
[ $status -eq 0 ] && echo "test-headers: $n compilations, all clean"
exit $status
