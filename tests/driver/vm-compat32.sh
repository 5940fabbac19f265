#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 32-bit programs on the 64-bit kernel: same layouts, same ioctl numbers.
. "$(dirname "$0")/lib.sh"

load_modules || exit 1
create_t0 || exit 1
run t-errno-m32
run t-loopback-m32 20
run t-memcpy-m32 30
remove_t0
finish
