#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# dmasim source-sink mode: the packet source on RX (patterns, sequence
# numbers, exact overrun counts) and the rate-limited sink on TX.
. "$(dirname "$0")/lib.sh"
set -u

# source_run LEN PPS COUNT: start the source and wait until it has produced
# (or dropped) all COUNT packets.
source_run() {
	dset source_len "$1"
	dset source_pps "$2"
	dset source_count "$3"
	dset source_run 1
	wait_dbg source_run 0
	expect "$(dget source_seq)" "$3" "packets the source produced or dropped"
}

load_dmasim
load_client
dset mode source-sink
expect "$(dget mode)" source-sink "mode"

step "paced by RX (source_pps 0): nothing dropped"
dset rx/reset_counters 1
cmd rx_arm n=8 len=4096 resubmit=1
source_run 4096 0 100
cmd rx_collect count=100
expect "$(val packets)" 100 "packets received"
expect "$(val missing)" 0 "sequence numbers missing"
expect "$(dget rx/overruns)" 0 "overruns"

step "1000 packets/s into 20 descriptors, none given back: 30 overruns exactly"
dset rx/reset_counters 1
cmd rx_arm n=20 len=4096
source_run 4096 1000 50
cmd rx_collect count=50
expect "$(val packets)" 20 "packets received"
expect "$(val first_seq)" 0 "first sequence number"
expect "$(val last_seq)" 19 "last sequence number"
expect "$(val missing)" 30 "sequence numbers missing"
expect "$(dget rx/overruns)" 30 "overruns counted"

step "no RX descriptor at all: every packet is an overrun"
dset rx/reset_counters 1
source_run 1024 2000 25
expect "$(dget rx/overruns)" 25 "overruns counted"
expect "$(dget rx/packets)" 0 "packets delivered"

step "fast source, two descriptors given back as they complete"
dset rx/reset_counters 1
cmd rx_arm n=2 len=1024 resubmit=1
source_run 1024 20000 2000
cmd rx_collect count=2000
got=$(val packets) overruns=$(dget rx/overruns)
expect $((got + overruns)) 2000 "packets received + overruns"
expect "$(val missing)" "$overruns" "sequence gaps seen by the client"
expect "$(dget rx/packets)" "$got" "rx packets counter"

step "PRBS payload, packets longer than the RX descriptors"
dset rx/reset_counters 1
dset source_pattern prbs
cmd rx_arm n=6 len=4096 resubmit=1
source_run 10000 0 20
cmd rx_collect count=20
expect "$(val packets)" 20 "packets received"
expect "$(val descs)" 60 "descriptors used (3 per packet)"
expect "$(dget rx/split)" 40 "descriptors filled mid-packet"
dset source_pattern counter

step "RX truncation cuts source packets"
dset rx/reset_counters 1
dset rx/truncate 1000
cmd rx_arm n=4 len=4096 resubmit=1 pktlen=1000
source_run 4096 0 10
cmd rx_collect count=10
expect "$(val packets)" 10 "packets received"
expect "$(dget rx/truncated)" 10 "packets truncated"
dset rx/truncate 0

step "an endless source, stopped by hand"
dset rx/reset_counters 1
cmd rx_arm n=4 len=512 resubmit=1
dset source_len 512
dset source_pps 2000
dset source_count 0
dset source_run 1
sleep 0.3
dset_fails source_len 100 "Device or resource busy"
dset source_run 0
wait_dbg source_run 0
produced=$(dget source_seq)
cmd rx_collect count="$produced"
[ "$(val packets)" -gt 0 ] || fail "no packet from the endless source"
expect $(( $(val packets) + $(dget rx/overruns) )) "$produced" "packets received + overruns"
expect "$(val missing)" "$(dget rx/overruns)" "gaps against overruns"

step "RX terminated while the source writes a packet"
dset rx/reset_counters 1
# The first RX descriptor's completion is held back, so the packet is
# still being written when RX is terminated.
dset rx/delay_us 5000000
cmd rx_arm n=16 len=65536
dset source_len 1048576
dset source_pps 0
dset source_count 1
dset source_run 1
wait_dbg_ge rx/bytes 65536
cmd rx_collect
dset rx/delay_us 0
wait_dbg source_run 0
expect "$(dget rx/source_cut)" 1 "source packets cut by terminate"
expect "$(dget rx/packets)" 0 "packets completed"

step "the sink drains TX at sink_bps"
dset sink_bps 2000000
cmd tx n=16 len=65536
# 1 MiB at 2 MB/s: the first 64 KiB go at once, the rest paced.
[ "$(val elapsed_ms)" -ge 450 ] || fail "1 MiB at 2 MB/s took $(val elapsed_ms) ms"
expect "$(val tx_ok)" 16 "tx descriptors consumed"
dset sink_bps 0
cmd tx n=64 len=65536
expect "$(dget tx/packets)" 80 "tx packets the sink took"

step "back to loopback"
dset mode loopback
cmd loop n=4 len=5000
expect "$(dget live_descriptors)" 0 "live descriptors"
unload dmasim_client dmasim
echo "source: all checks passed"
