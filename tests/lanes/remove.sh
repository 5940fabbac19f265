#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Devices removed while transfers are in flight on the lane's real
# provider: a configfs device removed under a running loop, the device
# tree's device unbound under one, the driver's module refused while in
# use, the provider's module refused while dmastream holds its channels
# (arm64, where it is a module). Each time the loop ends with "device
# gone" (exit status 3) and the device, recreated, works.
set -u
. "$DMASTREAM_SRC/tests/lanes/lib.sh"

load_lane || exit 1
set -- $(free_chans)
[ $# -ge 1 ] || { fail "a free channel"; finish; exit 1; }
chan=$1

# gone_under_loop TARGET CMD...: CMD removes TARGET's device while a loop
# runs on it; the loop must end, saying the device is gone.
gone_under_loop() {
	target=$1
	shift
	start_loop "$target" -s 1M -d 8 --verify || return 1
	catch_in_flight "$target" || echo "# $target: nothing seen in flight"
	"$@" || fail "$*"
	wait_for 20 sh -c "! kill -0 $pid 2>/dev/null" || {
		fail "$target: the loop did not end"
		kill -9 $pid
	}
	wait $pid
	is "$target: the loop's exit status once the device is gone" $? 3
}

rounds=${1:-5}
i=0
while [ $i -lt "$rounds" ]; do
	expect 0 "$T" create cfs0 --channels "mem0=$chan" || break
	gone_under_loop cfs0/mem0 "$T" remove cfs0
	i=$((i + 1))
done
expect 0 "$T" create cfs0 --channels "mem0=$chan"
verify_loop cfs0/mem0 1M 8 16
expect 0 "$T" remove cfs0

dt_dev=$(basename "$(readlink "/sys/class/dmastream/$DT.mem0/device")")
i=0
while [ $i -lt "$rounds" ]; do
	gone_under_loop "$DT/mem0" sh -c "echo $dt_dev >/sys/bus/platform/drivers/dmastream/unbind"
	echo "$dt_dev" >/sys/bus/platform/drivers/dmastream/bind || fail "rebind $dt_dev"
	wait_for 20 test -c "/dev/dmastream/$DT/mem0" || fail "$DT is back"
	i=$((i + 1))
done
verify_loop "$DT/mem0" 1M 8 16

# Modules in use cannot go.
start_loop "$DT/mem0" -s 1M -d 8
catch_in_flight "$DT/mem0" || echo "# $DT/mem0: nothing seen in flight"
if rmmod dmastream 2>/dev/null; then
	fail "rmmod dmastream succeeded with a channel open"
fi
if [ -n "$PROVIDER_MOD" ] && rmmod "$(basename "$PROVIDER_MOD" .ko)" 2>/dev/null; then
	fail "rmmod of the provider succeeded while dmastream held its channels"
fi
kill -9 $pid
wait $pid 2>/dev/null
verify_loop "$DT/mem0" 64K 8 32
finish
