#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# dmasim loopback: data integrity over sizes and scatter-gather lengths,
# TLAST residue, packets longer than the RX descriptor, FIFO backpressure,
# terminate while busy, synchronize guarantees, no-copy mode, interrupt
# flags, counters. The client checks every byte, residue and callback.
. "$(dirname "$0")/lib.sh"
set -u

load_dmasim
load_client

step "sizes 1 B .. 4 MiB with 1 .. 128 segments each side"
QUIET=1
for len in 1 2 3 7 64 1000 4095 4096 4097 65535 65536 65537 1048579 4194304; do
	for sg in 1 2 3 17 128; do
		[ "$sg" -le "$len" ] || continue
		rxsg=$(( (sg * 7) % 128 + 1 ))
		[ "$rxsg" -le "$len" ] || rxsg=$len
		cmd loop n=2 len=$len sg=$sg rxsg=$rxsg
	done
done

QUIET=
step "8 MiB packets (x86 has no 8 MiB contiguous buffer: 2+ segments)"
cmd loop n=1 len=8388608 sg=2 rxsg=3
cmd loop n=1 len=8388608 sg=128 rxsg=128 tx_first=1

step "every scatter-gather length from 1 to the maximum"
QUIET=1
sg=1
while [ $sg -le 128 ]; do
	cmd loop n=1 len=$((sg * 513 + 5)) sg=$sg rxsg=$((129 - sg))
	sg=$((sg + 1))
done
QUIET=

step "unaligned buffers, TX queued before RX (through the FIFO)"
cmd loop n=3 len=10001 sg=3 off=1
cmd loop n=3 len=777 sg=2 rxsg=5 off=3
cmd loop n=40 len=3000 sg=2 tx_first=1
cmd loop n=100 len=1 tx_first=1

step "TLAST: a 4 KiB packet completes a 64 KiB RX buffer with residue 60 KiB"
dset rx/reset_counters 1
cmd loop n=5 len=4096 rxlen=65536
expect "$(val packets)" 5 "packets"
expect "$(dget rx/packets)" 5 "rx packets counter"
expect "$(dget rx/split)" 0 "rx descriptors filled mid-packet"

step "long packets go on in the next RX descriptor"
dset rx/reset_counters 1
cmd loop n=4 len=100000 rxlen=4096
expect "$(val split)" 96 "full RX descriptors before each packet ended"
expect "$(dget rx/split)" 96 "rx split counter"
cmd loop n=3 len=8192 rxlen=4096 tx_first=1
cmd loop n=2 len=65536 sg=4 rxlen=10000 rxsg=3

step "backpressure: TX stops with the FIFO full"
cmd backpressure depth=65536 len=4096
expect "$(val stalled_residue)" 4096 "residue of the first TX that did not fit"
cmd backpressure depth=65536 len=16384
# The FIFO also holds at most 256 packet ends: 1-byte packets stop there.
cmd backpressure depth=256 len=1

step "terminate while busy"
cmd terminate ch=memcpy
cmd terminate ch=rx depth=65536
cmd terminate ch=tx depth=65536
expect "$(val cut_packet)" 65536 "length of the packet TX was cut in"

step "terminate from a callback, then synchronize"
cmd sync ch=memcpy at=3
expect "$(val callbacks)" 4 "callbacks up to and including the terminating one"
cmd sync ch=rx at=5
expect "$(val callbacks)" 6 "rx callbacks"
# TX kept filling the FIFO after RX was terminated: start clean.
dset fifo_flush 1
expect "$(dget fifo_level)" 0 "FIFO after flush"

step "no-copy mode: lengths, order and residues without touching memory"
dset rx/no_copy 1
cmd loop n=4 len=5000 rxlen=8192 untouched=1
dset rx/no_copy 0
dset memcpy/no_copy 1
cmd memcpy n=4 len=65536 untouched=1
dset memcpy/no_copy 0
dset tx/no_copy 1
cmd loop n=4 len=5000 nocheck=1
dset tx/no_copy 0

step "callbacks only for descriptors prepared with DMA_PREP_INTERRUPT"
cmd memcpy n=8 len=4096 nointr=1
expect "$(val callbacks)" 1 "callbacks"

step "counters"
for ch in tx rx memcpy; do dset $ch/reset_counters 1; done
cmd loop n=5 len=1000
cmd memcpy n=3 len=2000
expect "$(dget tx/descriptors)" 5 "tx descriptors"
expect "$(dget tx/bytes)" 5000 "tx bytes"
expect "$(dget tx/packets)" 5 "tx packets"
expect "$(dget rx/descriptors)" 5 "rx descriptors"
expect "$(dget rx/bytes)" 5000 "rx bytes"
expect "$(dget memcpy/descriptors)" 3 "memcpy descriptors"
expect "$(dget memcpy/bytes)" 6000 "memcpy bytes"
expect "$(dget live_descriptors)" 0 "live descriptors"
unload dmasim_client dmasim
echo "stream: all checks passed"
