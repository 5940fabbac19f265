#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Registered user memory on the lane's real provider (t-usermem CHANNEL),
# not DMA-coherent: memory the engine is to write must start on a cache
# line (cached_align), and the driver's syncs of the pinned pages are the
# architecture's cache maintenance calls. Coherent and cached rings.
set -u
. "$DMASTREAM_SRC/tests/lanes/lib.sh"

load_lane || exit 1
for ring in coherent cached; do
	if DSTEST_RING=$ring "$DMASTREAM_BUILD/tests/driver/t-usermem" "$DT/mem0"; then
		echo "ok: t-usermem $DT/mem0 ($ring)"
	else
		fail "t-usermem $DT/mem0 ($ring)"
	fi
done
finish
