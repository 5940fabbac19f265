#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 32-bit programs on the 64-bit kernel: same layouts, same ioctl numbers.
. "$(dirname "$0")/lib.sh"

echo "== abi-layout-m32"
if "$DMASTREAM_BUILD/tests/abi/abi-layout-m32"; then
	echo "-- abi-layout-m32: ok"
else
	echo "-- abi-layout-m32: FAILED"
	FAILED=$((FAILED + 1))
fi
load_modules || exit 1
create_t0 || exit 1
run t-errno-m32
run t-loopback-m32 20
run t-memcpy-m32 30
remove_t0
finish
