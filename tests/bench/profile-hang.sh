#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A profile that never ends costs the profile, not the sweep: bench/guest.sh
# gives it up after BENCH_PROFILE_TIMEOUT seconds, says so, and the check
# sweep's figures pass the report's check, without that profile
# (profile-hang-report.sh, on the host). The same for the event counts,
# which run the same way.
log=$VMTEST_OUT/guest-sh.log
# The check sweep cut to 4 KiB at depth 16 (bench-check runs all of it):
# what is tested is the profile step, which comes after the figures.
BENCH_SIZES=4096 BENCH_DEPTHS=16 BENCH_SLICES=0 BENCH_PROFILE_TIMEOUT=3 \
	BENCH_PROFILE_PROGRAM="$DMASTREAM_SRC/tests/bench/stuck-profiler" \
	"$DMASTREAM_SRC/bench/guest.sh" check >"$log" 2>&1
rc=$?
cat "$log"
fail() { echo "FAIL: $*"; exit 1; }
[ $rc -eq 0 ] || fail "bench/guest.sh exited $rc"
grep -q '^bench: profile-busy_poll-nocopy-4k failed or timed out (rc=124); left out' "$log" ||
	fail "the stuck profile was not reported as given up"
grep -q '^bench: events-poll-copy-4k failed or timed out (rc=124); left out' "$log" ||
	fail "the stuck event count was not reported as given up"
echo "profile-hang: the guest gave up both"
