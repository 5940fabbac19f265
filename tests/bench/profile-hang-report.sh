#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# bench-profile-hang's host side (vm/run --host-after): the figures of a
# sweep whose profile and event count were given up pass bench/report
# --check, and summary.md leaves both out; the figures alone (what
# bench/run keeps of a guest that died profiling) pass it too.
out=$VMTEST_OUT
fail() { echo "FAIL: $*"; exit 1; }
[ -f "$out/profiles-done" ] || fail "the guest did not get past its profiles"
python3 "$DMASTREAM_SRC/bench/report" --records "$out/records.jsonl" --meta "$out/meta.txt" \
	--out "$out/report" --profiles "$out" --check --dmaproxy "$out/dmaproxy.jsonl" ||
	fail "bench/report --check"
python3 "$DMASTREAM_SRC/bench/report" --records "$out/records.jsonl" --meta "$out/meta.txt" \
	--out "$out/report-figures" --check --dmaproxy "$out/dmaproxy.jsonl" ||
	fail "bench/report --check on the figures alone"
grep -q '^\*\*busy_poll-nocopy-4k\*\*' "$out/report/summary.md" &&
	fail "summary.md has a profile that was given up"
grep -q '^### Where the time goes, counted' "$out/report/summary.md" &&
	fail "summary.md has event counts that were given up"
echo "profile-hang: pass"
