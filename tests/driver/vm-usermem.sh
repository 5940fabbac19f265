#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The program's own memory as buffers (t-usermem), with coherent rings,
# cached ones and cached ones mapped for streaming DMA; with "bounce" the
# guest was booted with swiotlb=force, so that the pinned pages reach the
# engine through bounce buffers and every missing sync shows.
. "$(dirname "$0")/lib.sh"

if [ "${1:-}" = bounce ]; then
	check grep -qw swiotlb=force /proc/cmdline || { finish; exit 1; }
fi

load_modules || exit 1
create_t0 || exit 1
run t-usermem
DSTEST_RING=cached run t-usermem
echo 1 >/sys/module/dmastream/parameters/cached_streaming || exit 1
DSTEST_RING=cached run t-usermem
echo 0 >/sys/module/dmastream/parameters/cached_streaming || exit 1
remove_t0
finish
