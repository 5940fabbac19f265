#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# dmastream loop with full verification across transfer sizes (64 B to
# 4 MiB, also odd ones), depths (1 to 256) and both patterns, through the
# TX->RX loopback and through a memcpy channel. Every run must get back
# exactly its packets, all verified. Counts are small: this is about
# correctness at each shape, not speed.
set -u
# shellcheck source=tests/tool/lib.sh
. "$DMASTREAM_SRC/tests/tool/lib.sh"

load_modules "$@" || exit 1
expect 0 "$T" create --loopback loop0 || exit 1
expect 0 "$T" create mc0 --channels "memcpy=$(rd /sys/bus/platform/devices/dmasim.0/channels/memcpy)" ||
	exit 1

# run TARGET SIZE DEPTH COUNT PATTERN [VERIFY]
run() {
	expect 0 "$T" loop "$1" -s "$2" -d "$3" -n "$4" --pattern "$5" --verify="${6:-full}" --json ||
		return
	got="$(jv transfers) $(jv errors) $(jv verify_errors) $(jv good) $(jv dropped)"
	is "$1 $2 depth $3 $5: transfers errors verify_errors good dropped" "$got" "$4 0 0 $4 0"
	case $3 in
	256) cmp_n "$1 $2: depth as run" "$(jv depth)" -ge 1 ;;
	*) is "$1 $2: depth as run" "$(jv depth)" "$3" ;;
	esac
}

for pat in counter prbs; do
	for d in 1 16 256; do run loop0 64 $d 300 $pat; done
	run loop0 100 7 200 $pat
	for d in 1 256; do run loop0 4K $d 300 $pat; done
	run loop0 4097 3 100 $pat
	for d in 8 64; do run loop0 64K $d 200 $pat; done
	for d in 1 4; do run loop0 1M $d 12 $pat; done
	for d in 2 8; do run loop0 4M $d 4 $pat; done
	run loop0 4M 4 4 $pat fast
	for d in 1 32; do run mc0 4K $d 200 $pat; done
	run mc0 1M 4 12 $pat
done
# 256 transfers in flight of 4 KiB really are in flight at once.
expect 0 "$T" loop loop0 -s 4K -d 256 --buffers 512 -n 2000 --json
is "depth 256 as run" "$(jv depth)" 256
expect 0 "$T" stats loop0/rx --json
cmp_n "rx inflight_max" "$(jv inflight_max)" -ge 200

# Cached rings (--memory cached), through the loopback and a memcpy channel.
for target in loop0 mc0; do
	for d in 1 16; do
		expect 0 "$T" loop $target -s 64K -d $d -n 64 --memory cached --verify --json ||
			continue
		got="$(jv transfers) $(jv errors) $(jv verify_errors) $(jv memory)"
		is "$target 64K depth $d cached: transfers errors verify_errors memory" "$got" \
			"64 0 0 cached"
	done
done
expect 0 "$T" info loop0/rx
case $(cat "$OUT") in
*"cached buffers   <= "*) ok "info shows the cached buffer limit" ;;
*) fail "info does not show the cached buffer limit"; show ;;
esac
expect 2 "$T" loop mc0 -s 64K --memory uncached
contains "memory kinds listed" "$(cat "$ERR")" "dmabuf"

# The program's own memory (--memory user), registered: the same runs.
for target in loop0 mc0; do
	for d in 1 16; do
		expect 0 "$T" loop $target -s 64K -d $d -n 64 --memory user --verify --json ||
			continue
		got="$(jv transfers) $(jv errors) $(jv verify_errors) $(jv memory)"
		is "$target 64K depth $d user: transfers errors verify_errors memory" "$got" \
			"64 0 0 user"
	done
done

# One dma-buf per buffer (--memory dmabuf), imported, where the kernel can
# make them (Debian's 6.12: a DMA heap and udmabuf; its 6.1: neither, and
# the tool says so). Depth 64 asks for more buffers than the 64 import
# slots: the pipeline uses fewer.
if [ -e /dev/dma_heap/system ] || [ -e /dev/udmabuf ]; then
	for target in loop0 mc0; do
		for d in 1 16 64; do
			expect 0 "$T" loop $target -s 64K -d $d -n 200 --memory dmabuf --verify \
				--json || continue
			got="$(jv transfers) $(jv errors) $(jv verify_errors) $(jv memory)"
			is "$target 64K depth $d dmabuf: transfers errors verify_errors memory" \
				"$got" "200 0 0 dmabuf"
		done
	done
	cmp_n "mc0 depth 64 dmabuf: buffers within the import slots" "$(jv buffers)" -le 32
else
	expect 10 "$T" loop loop0 -s 64K -n 8 --memory dmabuf
	contains "no dma-bufs: the reason" "$(cat "$ERR")" "neither /dev/dma_heap/system"
fi

expect 0 "$T" remove loop0
expect 0 "$T" remove mc0
finish
