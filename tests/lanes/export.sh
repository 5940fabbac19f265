#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Ring buffers exported as dma-bufs (t-export) on the device tree's device,
# whose channel is the lane's real provider: not DMA-coherent, so a cached
# ring's syncs at SUBMIT and at the record are the architecture's cache
# maintenance calls, and a coherent ring's memory is mapped uncached
# through the dma-buf as through the channel. (No importer here: the
# importers' syncs are not exercised.)
set -u
. "$DMASTREAM_SRC/tests/lanes/lib.sh"

load_lane || exit 1
expect 0 "$T" info "$DT/mem0" --json || exit 1
is "$DT/mem0 coherent" "$(jv coherent)" false
for ring in coherent cached; do
	if DSTEST_RING=$ring "$DMASTREAM_BUILD/tests/driver/t-export" "$DT/mem0"; then
		echo "ok: t-export $DT/mem0 ($ring)"
	else
		fail "t-export $DT/mem0 ($ring)"
	fi
done
finish
