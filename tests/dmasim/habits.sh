#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# dmasim's habits of real providers (docs/dmasim.md, "Personalities"), each
# seen from a client: the test client's "observe" and "budget" commands
# report what came back, this script says what each habit must look like,
# and for each habit also what the same case looks like with it off.
. "$(dirname "$0")/lib.sh"
set -u

# A line "KEY VALUE" of the engine's habits file.
hab() {
	while read -r key value; do
		if [ "$key" = "$1" ]; then
			echo "$value"
			return
		fi
	done <"$DBG/habits"
	fail "no $1 in habits"
}

reload_client() {
	unload dmasim_client
	load_client "$@"
}

step "default personality: no habit, every knob off"
load_dmasim
expect "$(hab personality)" default "personality"
for h in no_synchronize no_max_seg_size no_residue; do
	expect "$(hab $h)" 0 "$h"
done
expect "$(hab max_seg_size)" 8388608 "max_seg_size"
for ch in tx rx memcpy; do
	expect "$(hab $ch/desc_budget)" 0 "$ch/desc_budget"
	expect "$(hab $ch/no_result)" 0 "$ch/no_result"
	expect "$(hab $ch/on_error)" complete "$ch/on_error"
	expect "$(hab $ch/late_callback_us)" 0 "$ch/late_callback_us"
	expect "$(hab $ch/reorder)" 0 "$ch/reorder"
	expect "$(hab $ch/start_on_submit)" 0 "$ch/start_on_submit"
	expect "$(hab $ch/fail_terminate)" 0 "$ch/fail_terminate"
done
dset_fails memcpy/reorder 1 "Invalid argument"
dset_fails memcpy/reorder 65 "Invalid argument"
dset_fails memcpy/reorder_hold_us 10000001 "Invalid argument"
dset_fails memcpy/on_error sometimes "Invalid argument"
dset_fails memcpy/desc_budget 65537 "Invalid argument"
dset_fails memcpy/late_callback_us 1000001 "Invalid argument"
dset_fails memcpy/desc_in_use 0 "Permission denied"
load_client
cmd caps
expect "$(val memcpy_synchronize)" 1 "device_synchronize"

step "1. descriptor budget: prep returns NULL once the slots are taken"
cmd budget n=10
expect "$RESULT" "fit=10 prep_in_callback=1 submitted=10 prepared=10 after_unsubmitted=10
" "without a budget"
dset memcpy/desc_budget 4
cmd budget n=10
expect "$(val fit)" 4 "copies that fit 4 slots"
expect "$(val prep_in_callback)" 0 "prep from a callback with every slot taken"
expect "$(val submitted)" 4 "submitted and never issued"
expect "$(val prepared)" 4 "prepared and never submitted"
# Terminate gave back the submitted ones, not those never submitted.
expect "$(val after_unsubmitted)" 0 "slots after terminating unsubmitted descriptors"
expect "$(dget memcpy/desc_in_use)" 4 "slots lost until release"
[ "$(dget memcpy/desc_exhausted)" -ge 4 ] || fail "desc_exhausted counted $(dget memcpy/desc_exhausted) refusals"
reload_client
expect "$(dget memcpy/desc_in_use)" 0 "slots after the client released the channel"
# One slot: it is taken until its own callback has returned.
dset memcpy/desc_budget 1
cmd budget n=3
expect "$(val fit)" 1 "copies that fit 1 slot"
expect "$(val prep_in_callback)" 0 "prep from the callback of the only copy"
reload_client
dset memcpy/desc_budget 0
# Stream channels: a slot per scatter-gather entry (xilinx_dma's segments).
dset tx/desc_budget 255
cmd budget ch=tx sg=64 n=8
expect "$(val submitted)" 3 "64-entry descriptors in 255 slots"
reload_client
dset tx/desc_budget 0

step "4. errors reported without a result, DMA_ERROR from tx_status"
dset memcpy/fail_nth 2
cmd observe n=3
expect "$(val result),$(val residue),$(val status)" "0,1,0,0,4096,0,0,0,0" "errors with a result (habit off)"
dset memcpy/no_result 1
dset memcpy/fail_nth 2
cmd observe n=3 ch=memcpy
expect "$(val called)" 1,1,1 "callbacks"
expect "$(val result)" 0,0,0 "results: the core's dummy NOERROR"
expect "$(val residue)" 0,0,0 "residues: the core's dummy 0"
expect "$(val status)" 0,3,0 "tx_status: DMA_ERROR for the failed copy only"
dset memcpy/no_result 0

step "5. on_error drop: the channel frees what is queued, without callback"
dset memcpy/reset_counters 1
dset memcpy/on_error drop
dset memcpy/fail_nth 3
cmd observe n=6 timeout_ms=300
expect "$(val called)" 1,1,1,0,0,0 "callbacks"
expect "$(val result)" 0,0,1,-1,-1,-1 "results"
expect "$(val status)" 0,0,0,1,1,1 "dropped copies stay in progress"
expect "$(val timeout)" 1 "waiting for the dropped copies"
expect "$(dget memcpy/dropped)" 3 "dropped counter"
expect "$(dget live_descriptors)" 0 "dropped descriptors freed"
cmd observe n=4
expect "$(val called)" 1,1,1,1 "the channel after dropping"
dset memcpy/on_error complete
dset memcpy/fail_nth 3
cmd observe n=6
expect "$(val called)" 1,1,1,1,1,1 "callbacks with on_error complete"

step "6. a stall without callback: the stall knob, and on_error stall"
dset memcpy/stall 1
cmd observe n=2 timeout_ms=300
expect "$(val called),$(val status)" "0,0,1,1" "stalled copies"
dset memcpy/on_error stall
dset memcpy/fail_nth 2
cmd observe n=4 timeout_ms=300
expect "$(val called)" 1,0,0,0 "callbacks around an error that stalls"
expect "$(val status)" 0,1,1,1 "the failed copy never completes"
expect "$(dget memcpy/stall)" 0 "terminate lifted the stall"
dset memcpy/on_error complete

step "7. callbacks out of order, the same order for the same seed"
cmd observe n=16 len=64
expect "$(val order)" 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15 "order without the habit"
dset memcpy/reset_counters 1
# A window held past reorder_hold_us goes early, cut where the clock says:
# a descheduled vCPU would change the order. Held for 10 s here, windows
# end only when full or when nothing more is issued.
expect "$(dget memcpy/reorder_hold_us)" 1000 "reorder_hold_us by default"
dset memcpy/reorder_hold_us 10000000
dset memcpy/reorder 4
cmd observe n=16 len=64
first=$(val order)
[ "$first" != 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15 ] || fail "reorder 4: callbacks in order"
expect "$(val behind)" 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0 "cookies complete in order all the same"
expect "$(val bh)" 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1 "callbacks in softirq context"
[ "$(dget memcpy/reordered)" -gt 0 ] || fail "reordered counter stayed 0"
dset memcpy/reorder 4
cmd observe n=16 len=64
expect "$(val order)" "$first" "order after reseeding"
dset memcpy/reorder 0
dset memcpy/reorder_hold_us 1000

step "3. callbacks after terminate (with device_synchronize, which waits for them)"
dset memcpy/delay_us 200000
cmd observe n=2 terminate=data want=1 timeout_ms=500
expect "$(val called)" 0,0 "completed copy dropped by terminate (habit off)"
# Late by 200 ms, not the personalities' 5 ms: a guest whose vCPU the host
# holds back a few ms between terminate and reading the count must still
# see the callback after terminate returned.
dset memcpy/late_callback_us 200000
cmd observe n=2 terminate=data want=1 timeout_ms=2000
expect "$(val called)" 1,0 "completed copy calls back after terminate"
expect "$(val at_terminate),$(val at_sync)" 0,1 "callbacks when terminate and synchronize returned"
expect "$(val late),$(val after_sync)" 1,0,0,0 "late, after synchronize"
expect "$(dget memcpy/late_callbacks)" 1 "late_callbacks counter"
dset memcpy/late_callback_us 0
dset memcpy/delay_us 0

step "terminate_all that fails (fail_terminate)"
dset memcpy/fail_terminate 1
cmd observe n=4 terminate=now
expect "$(val terminate_ret),$(val called)" "-1,1,1,1,1" "refused terminate, copies go on"
expect "$(dget memcpy/fail_terminate)" 0 "fail_terminate after it fired"

step "8. residue (default: exact)"
dset memcpy/truncate 1000
cmd observe n=2 len=4096
expect "$(val residue)" 3096,3096 "short copies"
dset memcpy/truncate 0
cmd observe ch=rx n=2 len=1000 rxlen=4096
expect "$(val residue)" 3096,3096 "short packets"
unload dmasim_client dmasim

step "8. no_residue: granularity DESCRIPTOR, residue 0"
load_dmasim no_residue=1
load_client
expect "$(hab no_residue)" 1 "habits file"
cmd caps
for ch in tx rx memcpy; do
	expect "$(val ${ch}_residue)" 0 "$ch residue granularity (DESCRIPTOR)"
done
dset memcpy/truncate 1000
cmd observe n=2 len=4096
expect "$(val residue)" 0,0 "short copies"
dset memcpy/truncate 0
cmd observe ch=rx n=2 len=1000 rxlen=4096
expect "$(val residue)" 0,0 "short packets"
unload dmasim_client dmasim

step "2. max segment size left unset: clients see 64 KiB"
load_dmasim no_max_seg_size=1
load_client
cmd caps
for ch in tx rx memcpy; do
	expect "$(val ${ch}_max_seg_size)" 65536 "$ch max segment size"
done
expect "$(hab max_seg_size)" 8388608 "dmasim's own limit"
cmd observe n=1 len=1048576
expect "$(val called),$(val result)" 1,0 "a copy above what clients are told"
unload dmasim_client dmasim

step "3. no device_synchronize: callbacks after terminate and synchronize"
load_dmasim no_synchronize=1
load_client
cmd caps
expect "$(val memcpy_synchronize),$(val tx_synchronize)" 0,0 "device_synchronize"
# terminate stops the engine at once: no byte moves after it returned
# (a callback already running may still end: that is the habit).
# The client must see a copy in progress before it terminates; on a loaded
# host all of them may be over first (moving=-1, when the client's vCPU
# did not run while the engine's did): that try proves nothing and is made
# again, up to ten times.
try=0
while :; do
	try=$((try + 1))
	cmd observe n=16 len=4194304 terminate=moving want=0 timeout_ms=0 settle_ms=50
	m=$(val moving)
	[ "$m" = -1 ] && [ $try -lt 10 ] && continue
	break
done
expect "$(val written_after)" 0 "copies of 4 MiB terminated while moving"
# The copy seen moving when terminate came had not completed.
case $m in
-1 | "") fail "no copy was moving when terminate came ($try tries)" ;;
*) expect "$(echo "$(val called)" | cut -d, -f$((m + 1)))" 0 "the copy moving at terminate calls back" ;;
esac
dset memcpy/delay_us 200000
dset memcpy/late_callback_us 200000
cmd observe n=2 terminate=data want=1 timeout_ms=2000
expect "$(val synchronize)" 0 "device_synchronize seen by the client"
expect "$(val at_terminate),$(val at_sync)" 0,0 "callbacks when terminate and synchronize returned"
expect "$(val called)" 1,0 "completed copy calls back after terminate"
expect "$(val late),$(val after_sync),$(val bh)" 1,0,1,0,1,-1 "late, after synchronize, in softirq"
dset memcpy/delay_us 0
dset memcpy/late_callback_us 0
cmd loop n=8 len=100000 sg=3 rxlen=65536 rxsg=2
cmd memcpy n=8 len=300000
unload dmasim_client dmasim

step "personalities and their habits"
check_habits() {
	want=$1
	shift
	for kv in "$@"; do
		expect "$(hab "${kv%%=*}")" "${kv#*=}" "$want: ${kv%%=*}"
	done
}
load_dmasim personality=zynqmp
check_habits zynqmp personality=zynqmp no_synchronize=0 no_max_seg_size=1 \
	no_residue=1 max_seg_size=8388608 memcpy/desc_budget=32 \
	memcpy/no_result=1 memcpy/on_error=drop memcpy/late_callback_us=0 \
	memcpy/reorder=0 tx/desc_budget=32 rx/on_error=drop
load_client
cmd budget n=40
expect "$(val fit),$(val prepared)" 32,32 "zynqmp: 32 descriptors"
reload_client
cmd observe n=8
unload dmasim_client dmasim
load_dmasim personality=pl330
check_habits pl330 personality=pl330 no_synchronize=1 no_max_seg_size=0 \
	no_residue=0 max_seg_size=1900800 memcpy/desc_budget=0 \
	memcpy/no_result=1 memcpy/on_error=complete \
	memcpy/late_callback_us=5000 memcpy/reorder=4 rx/reorder=4
load_client
cmd caps
expect "$(val memcpy_max_seg_size),$(val memcpy_synchronize)" 1900800,0 "pl330 caps"
cmd observe n=16 len=64
[ "$(val order)" != 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15 ] || fail "pl330: callbacks in order"
unload dmasim_client dmasim
load_dmasim personality=axidma
check_habits axidma personality=axidma no_synchronize=0 no_max_seg_size=1 \
	no_residue=0 max_seg_size=8388608 tx/desc_budget=255 \
	rx/start_on_submit=1 tx/on_error=stall memcpy/no_result=0
load_client
cmd loop n=4 len=3000
unload dmasim_client dmasim

step "parameters override the personality; bad ones are refused"
load_dmasim personality=pl330 max_seg_size=65536 reorder=0 no_synchronize=0 \
	desc_budget=8 on_error=drop no_result=0 late_callback_us=0
check_habits override max_seg_size=65536 memcpy/reorder=0 no_synchronize=0 \
	memcpy/desc_budget=8 memcpy/on_error=drop memcpy/no_result=0 \
	memcpy/late_callback_us=0
unload dmasim
for p in personality=pl331 reorder=1 reorder=65 on_error=never \
	 no_residue=2 desc_budget=65537 late_callback_us=1000001; do
	if insmod "$KMOD/dmasim/dmasim.ko" $p 2>/dev/null; then
		fail "insmod dmasim $p succeeded"
	fi
done
echo "habits: all checks passed"
