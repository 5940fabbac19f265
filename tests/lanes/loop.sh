#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The loop matrix on the lane's real provider: memcpy transfers of 4 KiB
# to 8 MiB, 1, 8 and 64 in flight, every byte verified, on the device
# tree's device; then on a device created through configfs on channels
# nobody holds, the whole matrix again with "full" (-Dfull), else three of
# its points (the smallest size deepest, 1 MiB at depth 8, the largest
# size): the configfs device drives the same provider through the same
# code once it has its channels. Every run must get all its transfers back.
#
#   loop.sh [full]
# The driver is the one a board build installs (kernel/Makefile, loaded
# with modprobe from extra/), so the board interface is tested here too.
#
# A point needs 2 x depth x size of DMA memory (source and destination
# buffers of every transfer in flight). The arm64 lane has 1.5 GiB of CMA
# and runs all of them with ring_bytes_max (and total_ring_bytes_max,
# whose default of half the RAM is just below) raised to 1 GiB; the armhf
# lane's lowmem leaves 384 MiB of CMA, and points above 256 MiB (8 MiB x
# 64, 4 MiB x 64) cannot be allocated there: they are listed as not run.
# Then cached rings on the device tree's device: the provider is not
# DMA-coherent, so every hand-over is real cache maintenance (which QEMU
# does not model: this checks the calls are made and accepted, and that
# the data arrives). Then the kernel's dmatest, in the same boot.
set -u
mode=${1:-}
. "$DMASTREAM_SRC/tests/lanes/lib.sh"

case $VMTEST_LANE in
arm64-*) budget=$((1024 << 20)) ;;
*) budget=$((256 << 20)) ;;
esac
load_lane --installed ring_bytes_max=$budget total_ring_bytes_max=$budget || exit 1

set -- $(free_chans)
[ $# -ge 2 ] || { fail "two free channels for the configfs device"; finish; exit 1; }
expect 0 "$T" create cfs0 --channels "mem0=$1 mem1=$2" || exit 1

bytes() {
	case $1 in
	*K) echo $((${1%K} << 10)) ;;
	*M) echo $((${1%M} << 20)) ;;
	*) echo "$1" ;;
	esac
}

matrix=""
for size in 4K 64K 1M 2M 4M 8M; do
	for depth in 1 8 64; do
		matrix="$matrix $size:$depth"
	done
done
[ "$mode" = full ] && cfs_points=$matrix || cfs_points="4K:64 1M:8 8M:1"

# point TARGET SIZE:DEPTH
point() {
	size=${2%:*} depth=${2#*:}
	need=$((2 * depth * $(bytes $size)))
	if [ "$need" -gt "$budget" ]; then
		echo "not run: $1 $size depth $depth needs $((need >> 20)) MiB of DMA memory"
		return
	fi
	count=$((2 * depth))
	[ $count -lt 16 ] && count=16
	verify_loop "$1" $size $depth $count
}
for p in $matrix; do
	point "$DT/mem0" $p
done
for p in $cfs_points; do
	point cfs0/mem1 $p
done
expect 0 "$T" remove cfs0
expect 0 "$T" info "$DT/mem0" --json || exit 1
is "$DT/mem0 coherent" "$(jv coherent)" false
# Not coherent: what the engine writes in a cached ring is whole cache lines.
# The kernel's DMA alignment: 128 on arm64, 64 on 32-bit ARM.
case $VMTEST_LANE in
arm64-*) is "$DT/mem0 cached_align" "$(jv cached_align)" 128 ;;
*) is "$DT/mem0 cached_align" "$(jv cached_align)" 64 ;;
esac
expect 2 "$T" loop "$DT/mem0" -s 100 -n 4 --memory cached
expect 0 "$T" loop "$DT/mem0" -s 100 -n 4 --verify --json
for size in 4K 64K 1M 4M; do
	for depth in 1 8; do
		verify_loop "$DT/mem0" $size $depth 16 --memory cached
		is "$DT/mem0 $size depth $depth: memory" "$(jv memory)" cached
	done
done
# The provider is still fine, in the same boot.
provider_dmatest 300
finish
