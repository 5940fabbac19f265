#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The provider's device unbound (sysfs unbind: it cannot be refused) while
# dmastream devices hold its channels and transfers are in flight: the
# configfs device on one of its channels and, where the same controller
# serves it, the device tree's. Their channels must be released, their
# programs told the device is gone (exit status 3), the provider bound
# again, and the devices, recreated, must work; the harness fails the run
# on any warning (dmaengine warns when a provider goes while a client
# holds a channel). The device tree's device comes back with its provider.
set -u
. "$DMASTREAM_SRC/tests/lanes/lib.sh"

load_lane || exit 1
set -- $(free_chans)
[ $# -ge 1 ] || { fail "a free channel"; finish; exit 1; }
chan=$1
prov=$(provider_of "$chan")
expect 0 "$T" create cfs0 --channels "mem0=$chan" || exit 1

start_loop cfs0/mem0 -s 1M -d 8 --verify || { finish; exit 1; }
catch_in_flight cfs0/mem0 || echo "# cfs0/mem0: nothing seen in flight"
echo "$prov" >"$PROVIDER_DRV/unbind" || fail "unbind $prov"
wait_for 20 sh -c "! kill -0 $pid 2>/dev/null" || { fail "the loop did not end"; kill -9 $pid; }
wait $pid
is "the loop's exit status once the provider is gone" $? 3
echo "$prov" >"$PROVIDER_DRV/bind" || fail "bind $prov"
wait_for 20 test -e "/sys/class/dma/$chan" || fail "$chan is back"
expect 0 "$T" remove cfs0
wait_for 20 test -c "/dev/dmastream/$DT/mem0" || fail "$DT is back"
expect 0 "$T" create cfs0 --channels "mem0=$(free_chans | head -n1)"
verify_loop cfs0/mem0 1M 8 16
verify_loop "$DT/mem0" 1M 8 16
expect 0 "$T" remove cfs0

# The device tree's device: its channel goes with the provider and comes
# back, under the same name, when the provider is bound again.
dt_chan=$(rd "/sys/class/dmastream/$DT.mem0/dma_channel")
dt_prov=$(provider_of "$dt_chan")
start_loop "$DT/mem0" -s 1M -d 8 --verify || { finish; exit 1; }
catch_in_flight "$DT/mem0" || echo "# $DT/mem0: nothing seen in flight"
echo "$dt_prov" >"$PROVIDER_DRV/unbind" || fail "unbind $dt_prov"
wait_for 20 sh -c "! kill -0 $pid 2>/dev/null" || { fail "the $DT loop did not end"; kill -9 $pid; }
wait $pid
is "the $DT loop's exit status once its provider is gone" $? 3
[ -e "/dev/dmastream/$DT/mem0" ] && fail "$DT/mem0 is still there without its provider"
echo "$dt_prov" >"$PROVIDER_DRV/bind" || fail "bind $dt_prov"
wait_for 20 test -c "/dev/dmastream/$DT/mem0" || fail "$DT/mem0 is back"
verify_loop "$DT/mem0" 1M 8 16
finish
