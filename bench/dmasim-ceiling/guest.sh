#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side of bench/dmasim-ceiling/run: MS ROUNDS LEN DEPTH.
set -e
insmod "$DMASTREAM_KMODS/kernel/dmasim/dmasim.ko"
insmod "$DMASTREAM_KMODS/kernel/tests/dmasim_client.ko"
echo "bench ms=$1 rounds=$2 len=$3 depth=$4" >/sys/kernel/debug/dmasim-client.0/cmd
cat /sys/kernel/debug/dmasim-client.0/result >"$VMTEST_OUT/bench.txt"
cat "$VMTEST_OUT/bench.txt"
rmmod dmasim_client dmasim
