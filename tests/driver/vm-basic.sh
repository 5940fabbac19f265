#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The ABI's error paths, data integrity (loopback, memcpy), notification.
. "$(dirname "$0")/lib.sh"

load_modules || exit 1

# A provider's slave map names this device: channels by their map names.
slave_map() {
	mkdir "$CFS/dmasim-client.0" &&
		echo "tx rx memcpy" >"$CFS/dmasim-client.0/channels" &&
		echo 1 >"$CFS/dmasim-client.0/enable" &&
		[ -c /dev/dmastream/dmasim-client.0/rx ] &&
		[ "$(cat /sys/class/dmastream/dmasim-client.0.rx/dma_channel)" = "$(sim_chan rx)" ] &&
		[ "$(cat /sys/class/dmastream/dmasim-client.0.memcpy/direction)" = memcpy ] &&
		rmdir "$CFS/dmasim-client.0"
}
check slave_map

create_t0 || exit 1
run t-errno
run t-limits
run t-loopback 60
run t-memcpy 100
# Again with an engine that starts each descriptor as it is submitted
# (xilinx_dma does): callbacks arrive while a batch, or a memcpy's pieces,
# are still being submitted.
sim=/sys/kernel/debug/dmasim/dmasim.0
for ch in tx rx memcpy; do echo 1 >"$sim/$ch/start_on_submit"; done
run t-memcpy 100
run t-loopback 30
for ch in tx rx memcpy; do echo 0 >"$sim/$ch/start_on_submit"; done
run t-notify
check test "$(cat /sys/class/dmastream/t0.rx/state)" = idle

# sysfs identity and counters, and the tracepoints, around one memcpy.
sysfs_and_trace() {
	c=/sys/class/dmastream/t0.memcpy
	t=/sys/kernel/tracing
	[ "$(cat $c/direction)" = memcpy ] && [ "$(cat $c/label)" = memcpy ] &&
		[ "$(cat $c/device_name)" = t0 ] &&
		[ "$(cat $c/dma_channel)" = "$(sim_chan memcpy)" ] &&
		[ "$(cat $c/provider)" = dmasim.cdma.0 ] && [ "$(cat $c/coherent)" = 1 ] &&
		[ "$(cat $c/ring)" = "0 0 0" ] || return 1
	before=$(cat $c/stats/submitted)
	echo 1 >$t/events/dmastream/enable && echo >$t/trace || return 1
	"$BIN/t-memcpy" 2 >/dev/null || return 1
	echo 0 >$t/events/dmastream/enable
	after=$(cat $c/stats/submitted)
	[ "$after" -gt "$before" ] && [ "$(cat $c/stats/completed)" = "$after" ] &&
		[ "$(cat $c/stats/inflight)" = 0 ] || return 1
	grep -q 'dmastream_submit: t0.memcpy seq=' $t/trace &&
		grep -q 'dmastream_complete: t0.memcpy seq=.* status=0 ' $t/trace
}
check sysfs_and_trace
remove_t0

# Limits the default engine lacks: alignment and a small segment size.
unload_modules && load_modules copy_align=3 max_seg_size=4096 && create_t0 || exit 1
run t-errno edges
remove_t0

# Unload and reload, with traffic each time.
cycles() {
	for i in 1 2 3; do
		unload_modules && load_modules && create_t0 &&
			"$BIN/t-loopback" 3 >/dev/null && "$BIN/t-memcpy" 3 >/dev/null &&
			remove_t0 || return 1
	done
}
check cycles
finish
