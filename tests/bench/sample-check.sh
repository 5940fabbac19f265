#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# bench/sample-profile's guest side on two short points: perf records in the
# guest, and each point's samples are where the work is (the program and
# dmasim's kworker for a dsbench point, the kworker for the in-kernel
# client), with the point's own record intact. Shares are never checked.
set -u
OUT=$VMTEST_OUT
fail() { echo "FAIL: $*"; exit 1; }
SAMPLE_BRIEF=1 "$DMASTREAM_SRC/bench/sample-profile-guest.sh" 600 300 "poll nocopy 4096 16 1 1 0 0" \
	"ceiling nocopy 4096 16" || fail "sample-profile-guest.sh"
for f in 1-comm.txt 1-cpu1-children.txt 2-comm.txt; do
	[ -s "$OUT/$f" ] || fail "$f missing or empty"
done
grep -q '"error":""' "$OUT/1-result.txt" || fail "dsbench's record: $(cat "$OUT/1-result.txt")"
grep -q 'dma_memcpy_bytes=[1-9]' "$OUT/2-result.txt" || fail "client: $(cat "$OUT/2-result.txt")"
# A command with samples: "  12.34%  dsbench".
has() { awk -v c="$2" '$2 ~ c && $1 + 0 > 0 { f = 1 } END { exit !f }' "$OUT/$1"; }
has 1-comm.txt '^dsbench$' || fail "no samples of dsbench: $(cat "$OUT/1-comm.txt")"
has 1-comm.txt '^kworker' || fail "no samples of dmasim's kworker: $(cat "$OUT/1-comm.txt")"
has 2-comm.txt '^kworker' || fail "no samples of the client's kworker: $(cat "$OUT/2-comm.txt")"
grep -q 'dmastream_submit' "$OUT/1-cpu1-children.txt" ||
	fail "no SUBMIT in the program's CPU: $(head -20 "$OUT/1-cpu1-children.txt")"
echo "PASS: samples of the program and the engine, records intact"
