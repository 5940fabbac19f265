#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Cached rings (t-cached, and t-memcpy's random copies on cached rings),
# first as the driver allocates them (dma_alloc_pages), then as pages
# mapped for streaming DMA (the cached_streaming test aid). With "bounce"
# the guest must bounce streaming DMA (the meson entry boots it with
# swiotlb=force): in the second part the engine then reads and writes a
# copy of each buffer that only the driver's syncs keep in step, so a
# missing or wrong sync changes the data the programs check.
. "$(dirname "$0")/lib.sh"

bounce() {
	grep -qw swiotlb=force /proc/cmdline &&
		[ -r /sys/kernel/debug/swiotlb/io_tlb_used ]
}
if [ "${1:-}" = bounce ]; then
	check bounce || { finish; exit 1; }
fi

load_modules || exit 1
create_t0 || exit 1
run t-cached 20
DSTEST_RING=cached run t-memcpy 20

echo 1 >/sys/module/dmastream/parameters/cached_streaming || exit 1
[ "${1:-}" = bounce ] && export DSTEST_BOUNCE=1
run t-cached
DSTEST_RING=cached run t-memcpy 50
# An engine that starts each descriptor as it is submitted: the hand-over
# to the engine must be complete before the transfer is accepted.
sim=/sys/kernel/debug/dmasim/dmasim.0
for ch in tx rx memcpy; do echo 1 >"$sim/$ch/start_on_submit"; done
run t-cached 20
for ch in tx rx memcpy; do echo 0 >"$sim/$ch/start_on_submit"; done
remove_t0
finish
