#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The ABI fuzzer against dmastream on dmasim: CALLS random calls in each of
# four seeds, two of them on two channels' worth of devices at once. The
# verdict: no kernel report (the harness), the device still moves data
# intact afterwards, and unloading finds nothing of ours left allocated
# (dmastream warns at unload if any transfer, descriptor or ring is left).
#   vm-fuzz.sh CALLS
. "$DMASTREAM_SRC/tests/driver/lib.sh"

calls=${1:-20000}
FUZZ=$DMASTREAM_BUILD/tests/fuzz/fuzz-ioctl
SIM=/sys/kernel/debug/dmasim/dmasim.0

load_modules || exit 1
create_t0 || exit 1
seed0=$(( $(date +%s) % 100000 ))
echo "seeds from $seed0"
start=$(date +%s)
for i in 0 1; do
	check "$FUZZ" $((seed0 + i)) "$calls" /dev/dmastream/t0 "$SIM"
done
# Two at once, on the same channels.
"$FUZZ" $((seed0 + 2)) "$calls" /dev/dmastream/t0 "$SIM" &
p1=$!
"$FUZZ" $((seed0 + 3)) "$calls" /dev/dmastream/t0 "$SIM" &
p2=$!
wait $p1 && wait $p2 || { echo "-- concurrent fuzzers: FAILED"; FAILED=$((FAILED + 1)); }
echo "fuzzing: $((4 * calls)) calls in $(($(date +%s) - start)) s"

# Every knob back to normal, then the device must still work.
for ch in tx rx memcpy; do
	for k in stall fail_permille delay_us truncate start_on_submit; do
		echo 0 >"$SIM/$ch/$k"
	done
done
run t-memcpy 10
run t-loopback 10
remove_t0
check unload_modules
finish
