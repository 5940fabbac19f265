#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# dma-bufs from elsewhere as buffers (t-import): another channel's export
# on every kernel; vgem (shmem pages, fences) wherever the kernel has the
# module, which must then load; udmabuf and the system DMA heap where the
# kernel has them built in (6.12). Coherent rings, cached ones and cached
# ones mapped for streaming DMA; with "bounce" the guest was booted with
# swiotlb=force, so that every importer's mapping is a bounce buffer.
. "$(dirname "$0")/lib.sh"

if [ "${1:-}" = bounce ]; then
	check grep -qw swiotlb=force /proc/cmdline || { finish; exit 1; }
fi

vgem=
if modinfo vgem >/dev/null 2>&1; then
	modprobe vgem || { echo "modprobe vgem failed"; exit 1; }
	vgem=1
fi
load_modules || exit 1
create_t0 || exit 1
run t-import
DSTEST_RING=cached run t-import
echo 1 >/sys/module/dmastream/parameters/cached_streaming || exit 1
DSTEST_RING=cached run t-import
echo 0 >/sys/module/dmastream/parameters/cached_streaming || exit 1
remove_t0
[ -z "$vgem" ] || modprobe -r vgem
finish
