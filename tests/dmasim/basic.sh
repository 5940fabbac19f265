#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# dmasim: module parameters, sysfs, capabilities and limits, debugfs input
# checking, unloading while a client holds channels, reload cycles.
. "$(dirname "$0")/lib.sh"
set -u

PDEV=/sys/bus/platform/devices

step "defaults: devices, sysfs channel names, slave caps"
load_dmasim
for ch in tx rx memcpy; do
	name=$(cat "$PDEV/dmasim.0/channels/$ch") || fail "no channels/$ch"
	[ -e "/sys/class/dma/$name" ] || fail "channels/$ch names $name, not in /sys/class/dma"
done
tx=$(cat "$PDEV/dmasim.0/channels/tx")
rx=$(cat "$PDEV/dmasim.0/channels/rx")
mc=$(cat "$PDEV/dmasim.0/channels/memcpy")
# tx and rx belong to one dma_device (dmaN), memcpy to another.
expect "${tx%chan*}" "${rx%chan*}" "tx and rx on the same dma_device"
[ "${tx%chan*}" != "${mc%chan*}" ] || fail "memcpy shares a dma_device with tx"
load_client
cmd caps
expect "$(val tx_name)" "$tx" "client's tx channel"
expect "$(val rx_name)" "$rx" "client's rx channel"
expect "$(val memcpy_name)" "$mc" "client's memcpy channel"
expect "$(val tx_directions)" 0x2 "tx directions (MEM_TO_DEV)"
expect "$(val rx_directions)" 0x4 "rx directions (DEV_TO_MEM)"
expect "$(val memcpy_directions)" 0x1 "memcpy directions (MEM_TO_MEM)"
for ch in tx rx memcpy; do
	expect "$(val ${ch}_residue)" 2 "$ch residue granularity (BURST)"
	expect "$(val ${ch}_max_sg_burst)" 128 "$ch max_sg_burst"
	expect "$(val ${ch}_max_seg_size)" 8388608 "$ch max segment size"
	expect "$(val ${ch}_terminate)" 1 "$ch terminate"
done
expect "$(val memcpy_memcpy)" 1 "DMA_MEMCPY on the memcpy device"
expect "$(val tx_memcpy)" 0 "DMA_MEMCPY on the stream device"
grep -q "max_xfer 1073741824" "$DBG/limits" || fail "default max_xfer is not 128 x 8 MiB"

step "limits are enforced at prep"
cmd limits
expect "$(val max_segments)" 128 "max segments seen by the client"
[ "$(dget tx/rejected)" -gt 0 ] || fail "tx/rejected did not count the refused preps"
expect "$(dget live_descriptors)" 0 "descriptors left after terminate freed the prepared ones"

step "debugfs writes are checked"
dset_fails tx/fail_permille 1001 "Invalid argument"
dset_fails tx/stall 2 "Invalid argument"
dset_fails rx/no_copy yes "Invalid argument"
dset_fails memcpy/delay_us 10000001 "Invalid argument"
dset_fails tx/fail_nth 4294967296 "Invalid argument"
dset_fails tx/fail_nth 99999999999999999999 "Numerical result out of range"
dset_fails rx/fail_kind sideways "Invalid argument"
dset_fails rx/reset_counters 2 "Invalid argument"
dset_fails tx/bytes 0 "Permission denied"
dset_fails mode upside-down "Invalid argument"
dset_fails source_pattern noise "Invalid argument"
dset_fails source_len 23 "Invalid argument"
dset_fails source_len 67108865 "Invalid argument"
dset_fails source_pps 1000001 "Invalid argument"
dset_fails fifo_flush 0 "Invalid argument"
dset_fails source_run 1 "Device or resource busy"
cmd rx_arm n=2 len=4096
dset_fails mode source-sink "Device or resource busy"
dset_fails fifo_flush 1 "Device or resource busy"
expect "$(dget rx/queued)" 2 "rx descriptors queued"
cmd rx_collect
expect "$(dget rx/queued)" 0 "rx descriptors after terminate"
dset mode source-sink
dset source_run 1
dset_fails source_len 100 "Device or resource busy"
dset_fails source_run 1 "Device or resource busy"
dset source_run 0
dset mode loopback
dset rx/fail_kind write
expect "$(dget rx/fail_kind)" write "fail_kind"
dset rx/fail_kind auto

step "unloading while a client holds channels is refused"
if rmmod dmasim 2>/dev/null; then
	fail "rmmod dmasim succeeded while dmasim_client held its channels"
fi
grep -q "^dmasim " /proc/modules || fail "dmasim went away"
cmd loop n=2 len=1000
unload dmasim_client dmasim

step "bad module parameters are refused"
for p in engines=17 channels=tx,foo mode=sideways max_segments=0 \
	 max_seg_size=0 copy_align=13 fifo_depth=67108865 source_len=10 \
	 source_pattern=noise; do
	if insmod "$KMOD/dmasim/dmasim.ko" $p 2>/dev/null; then
		fail "insmod dmasim $p succeeded"
	fi
done

step "two engines, stream channels only, tight limits"
load_dmasim engines=2 channels=tx,rx fifo_depth=4096 max_seg_size=65536 \
	max_segments=16 max_xfer=100000 copy_align=3
[ -e "$PDEV/dmasim.1/channels/tx" ] || fail "no dmasim.1"
[ ! -e "$PDEV/dmasim.1/channels/memcpy" ] || fail "memcpy channel although channels=tx,rx"
[ ! -e "$DBG/memcpy" ] || fail "memcpy debugfs although channels=tx,rx"
CLI=/sys/kernel/debug/dmasim-client.1
load_client engine=1 chans=tx,rx
cmd caps
expect "$(val tx_name)" "$(cat $PDEV/dmasim.1/channels/tx)" "engine 1's tx"
expect "$(val tx_max_sg_burst)" 16 "max_sg_burst"
expect "$(val tx_max_seg_size)" 65536 "max segment size"
expect "$(val tx_copy_align)" 3 "copy_align"
cmd limits max_xfer=100000
cmd loop n=3 len=100000 sg=2 rxlen=65536 rxsg=1
cmd loop n=2 len=8 off=8
cmd backpressure depth=4096 len=512
unload dmasim_client dmasim
CLI=/sys/kernel/debug/dmasim-client.0

step "load, use, unload: three rounds"
for round in 1 2 3; do
	load_dmasim engines=3
	load_client engine=$((round - 1))
	CLI=/sys/kernel/debug/dmasim-client.$((round - 1))
	cmd loop n=8 len=3000 sg=2 rxlen=1000 tx_first=1
	cmd memcpy n=8 len=65536
	# Left behind on purpose: unload frees them, and warns if they leak.
	cmd rx_arm n=4 len=4096
	unload dmasim_client
	expect "$(cat /sys/kernel/debug/dmasim/dmasim.$((round - 1))/live_descriptors)" 0 \
		"descriptors after the client went away"
	unload dmasim
done
echo "basic: all checks passed"
