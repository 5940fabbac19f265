#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# zynqmp_dma (6.1) remove() suspends its device again when runtime PM
# already has: its clocks are disabled twice and, once their shared count
# reaches zero, the clock core warns. The lanes keep the provider's devices
# runtime-active (pin_provider_awake in lib.sh) so that no test can trip on
# it. Here the device is made to suspend at once after each use and bind
# and is unbound while suspended, up to 16 times:
#   zynqmp-remove-defect.sh free    no pinning: the clock core warns (the
#                                   harness's exit 97 is this test's pass;
#                                   a fixed provider makes it fail, and
#                                   the pinning can go)
#   zynqmp-remove-defect.sh pinned  as every lane test runs: no warning
set -u
mode=$1
LANE_PROVIDER_PM=$mode
. "$DMASTREAM_SRC/tests/lanes/lib.sh"

load_lane || exit 1
set -- $(free_chans)
[ $# -ge 1 ] || { fail "a free channel"; finish; exit 1; }
chan=$1
prov=$(provider_of "$chan")
dev=$PROVIDER_DRV/$prov
expect 0 "$T" create cfs0 --channels "mem0=$chan" || exit 1
verify_loop cfs0/mem0 64K 4 8
expect 0 "$T" remove cfs0
round=0
while ! dmesg | grep -aq 'zynqmp_dma_remove+' && [ $round -lt 16 ]; do
	round=$((round + 1))
	echo 0 >"$dev/power/autosuspend_delay_ms" || fail "autosuspend at once for $prov"
	want=suspended
	[ "$mode" = pinned ] && want=active
	wait_for 20 sh -c "[ \"\$(cat $dev/power/runtime_status)\" = $want ]" ||
		fail "$prov is $want"
	echo "$prov" >"$PROVIDER_DRV/unbind" || fail "unbind $prov"
	echo "$prov" >"$PROVIDER_DRV/bind" || fail "bind $prov"
done
echo "# $round unbinds of $prov ($mode)"
if [ "$mode" = free ]; then
	dmesg | grep -aq 'zynqmp_dma_remove+' || fail "zynqmp_dma's remove() warned of its clocks"
else
	is "unbinds made" "$round" 16
fi
wait_for 20 test -e "/sys/class/dma/$chan" || fail "$chan is back"
expect 0 "$T" create cfs0 --channels "mem0=$chan"
verify_loop cfs0/mem0 64K 4 8
expect 0 "$T" remove cfs0
finish
