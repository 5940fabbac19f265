#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Ring buffers exported as dma-bufs (t-export): from a coherent ring, a
# cached one (dma_alloc_pages) and, with "bounce" (the meson entry boots
# the guest with swiotlb=force), a cached one mapped for streaming DMA,
# whose engine-side copy only the syncs keep in step with the pages the
# dma-buf maps.
. "$(dirname "$0")/lib.sh"

if [ "${1:-}" = bounce ]; then
	check grep -qw swiotlb=force /proc/cmdline || { finish; exit 1; }
fi

load_modules || exit 1
create_t0 || exit 1
run t-export
DSTEST_RING=cached run t-export
echo 1 >/sys/module/dmastream/parameters/cached_streaming || exit 1
DSTEST_RING=cached run t-export
remove_t0
finish
