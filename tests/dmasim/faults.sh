#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# dmasim fault injection: every fault type, on the channels it matters
# for, with the client checking what each descriptor reported and the
# counters checked against it.
. "$(dirname "$0")/lib.sh"
set -u

load_dmasim
load_client

step "fail the 2nd TX descriptor: its packet is never sent"
dset tx/fail_nth 2
cmd loop n=4 len=3000
expect "$(val tx_read_err)" 1 "tx read errors"
expect "$(val packets)" 3 "packets received"
expect "$(dget tx/errors)" 1 "tx errors counter"
expect "$(dget tx/fail_nth)" 0 "fail_nth after it fired"

step "fail the 3rd RX descriptor with a write error: the packet goes to the next"
dset rx/fail_kind write
dset rx/fail_nth 3
cmd loop n=4 len=3000 rxn=5
expect "$(val rx_write_err)" 1 "rx write errors"
expect "$(val packets)" 4 "packets received"
dset rx/fail_kind read
dset rx/fail_nth 1
cmd loop n=1 len=3000 rxn=2
expect "$(val rx_read_err)" 1 "rx read errors (fail_kind read)"
dset rx/fail_kind auto

step "a fraction of descriptors fails, the same ones for the same seed"
dset memcpy/reset_counters 1
dset memcpy/fail_permille 500
cmd memcpy n=200 len=256
first=$(val read_err)
if [ "$first" -le 50 ] || [ "$first" -ge 150 ]; then
	fail "$first of 200 failed at 50%"
fi
expect "$(dget memcpy/errors)" "$first" "memcpy errors counter"
expect "$(val ok)" $((200 - first)) "memcpy successes"
dset memcpy/fail_permille 500
cmd memcpy n=200 len=256
expect "$(val read_err)" "$first" "failures after reseeding"
dset memcpy/fail_permille 1000
cmd memcpy n=10 len=256
expect "$(val read_err)" 10 "failures at 100%"
dset memcpy/fail_permille 0

step "stall: nothing completes until terminate, which lifts it"
dset memcpy/stall 1
cmd memcpy n=2 timeout_ms=300 expect_timeout=1
expect "$(val callbacks)" 0 "callbacks while stalled"
expect "$(dget memcpy/stall)" 0 "stall after terminate"
cmd memcpy n=2
dset rx/stall 1
cmd loop n=2 len=1000 timeout_ms=300 expect_timeout=1
expect "$(dget rx/stall)" 0 "rx stall after terminate"
dset fifo_flush 1
cmd loop n=2 len=1000

step "stuck: every descriptor fails until terminate"
dset tx/stuck 1
cmd loop n=3 len=1000
expect "$(val tx_read_err)" 3 "tx failures while stuck"
expect "$(val packets)" 0 "packets sent while stuck"
expect "$(dget tx/stuck)" 0 "stuck after terminate"
cmd loop n=3 len=1000
dset memcpy/stuck 1
dset memcpy/fail_kind write
cmd memcpy n=3
expect "$(val write_err)" 3 "memcpy failures while stuck"
dset memcpy/fail_kind auto

step "delayed completions"
dset memcpy/delay_us 20000
cmd memcpy n=10 len=4096
[ "$(val elapsed_us)" -ge 200000 ] || fail "10 copies delayed 20 ms each took $(val elapsed_us) us"
dset memcpy/delay_us 0
dset rx/delay_us 5000
cmd loop n=6 len=2000 tx_first=1
dset rx/delay_us 0

step "no-copy memcpy: bursts keep faults, delays and truncation per descriptor"
dset memcpy/no_copy 1
dset memcpy/fail_permille 500
cmd memcpy n=200 len=256 untouched=1
expect "$(val read_err)" "$first" "failures in no-copy mode, same seed as with copying"
dset memcpy/fail_permille 0
dset memcpy/delay_us 20000
cmd memcpy n=10 len=4096 untouched=1
[ "$(val elapsed_us)" -ge 200000 ] || fail "10 no-copy copies delayed 20 ms each took $(val elapsed_us) us"
dset memcpy/delay_us 0
dset memcpy/truncate 100
cmd memcpy n=8 len=4096 trunc=100 untouched=1
dset memcpy/truncate 0
dset memcpy/stall 1
cmd memcpy n=2 timeout_ms=300 expect_timeout=1 untouched=1
expect "$(val callbacks)" 0 "no-copy callbacks while stalled"
dset memcpy/no_copy 0

step "truncated packets and copies"
dset tx/reset_counters 1
dset tx/truncate 100
cmd loop n=3 len=4096 trunc=100
expect "$(dget tx/truncated)" 3 "tx packets truncated"
dset tx/truncate 0
dset rx/reset_counters 1
dset rx/truncate 1000
cmd loop n=3 len=4096 trunc=1000 tx_first=1
cmd loop n=2 len=10000 rxlen=4096 trunc=1000
expect "$(dget rx/truncated)" 5 "rx packets truncated"
dset rx/truncate 6000
cmd loop n=2 len=10000 rxlen=4096 trunc=6000
dset rx/truncate 0
dset memcpy/truncate 100
cmd memcpy n=2 len=4096 trunc=100
dset memcpy/truncate 0

step "addresses outside RAM fail like a decode error"
for ch in tx rx memcpy; do dset $ch/reset_counters 1; done
cmd bus
expect "$(dget memcpy/bus_errors)" 2 "memcpy bus errors"
expect "$(dget tx/bus_errors)" 1 "tx bus errors"
expect "$(dget rx/bus_errors)" 1 "rx bus errors"

step "after all that, a clean run"
cmd loop n=8 len=5000 sg=3
cmd memcpy n=8 len=5000
expect "$(dget live_descriptors)" 0 "live descriptors"
unload dmasim_client dmasim
echo "faults: all checks passed"
