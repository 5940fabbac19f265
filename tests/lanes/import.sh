#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# dma-bufs imported by the lane's real provider (t-import CHANNEL SOURCE):
# a ring buffer of the other memcpy channel, exported, and a vgem object
# (scattered pages: the provider gets a descriptor per run), copied into
# and out of by mem0, not DMA-coherent, so that the driver's syncs of the
# import are the architecture's cache maintenance calls.
set -u
. "$DMASTREAM_SRC/tests/lanes/lib.sh"

load_lane || exit 1
modprobe vgem || { fail "modprobe vgem"; finish; exit 1; }
for ring in coherent cached; do
	if DSTEST_RING=$ring "$DMASTREAM_BUILD/tests/driver/t-import" "$DT/mem0" "$DT/mem1"; then
		echo "ok: t-import $DT/mem0 ($ring)"
	else
		fail "t-import $DT/mem0 ($ring)"
	fi
done
modprobe -r vgem
finish
