#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# bench-check's host side (vm/run --host-after): bench/report --check on
# what the guest wrote: every record complete and consistent (bytes =
# transfers x size, no verification errors, latencies and counters
# measured), every round with every mode, the event counts and the DMA
# Proxy application's records, every plot written. Speeds are reported,
# never judged.
out=$VMTEST_OUT
[ -f "$out/profiles-done" ] || { echo "FAIL: the guest did not finish its profiles"; exit 1; }
exec python3 "$DMASTREAM_SRC/bench/report" --records "$out/records.jsonl" \
	--meta "$out/meta.txt" --out "$out/report" --profiles "$out" --check \
	--dmaproxy "$out/dmaproxy.jsonl"
