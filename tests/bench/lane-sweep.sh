#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The guest side of bench/run --lane LANE (docs/bench.md, "On the arm64
# lane"): the sweep's rounds on the lane's real provider. In every round,
# the reference ("ceiling") is the kernel's dmatest on a free channel of
# the provider (one thread, one copy at a time, no verification), then
# dsbench runs every mode on the device tree's
# dmastream channel ($DT/mem0). The lane has no python3: records go to
# records.jsonl in the log folder and bench/run reports on the host. As a
# VM test (bench-lane-check, the lane-check sweep) this script judges the
# records at its end (every point's record there, no error, every copy
# intact); speeds are never judged.
#
#   lane-sweep.sh SWEEP      (lane | lane-check)
set -u
. "$DMASTREAM_SRC/tests/lanes/lib.sh"
sweep=${1:-lane}
OUT=$VMTEST_OUT
REC=$OUT/records.jsonl
: >"$REC"
t_start=$(date +%s)
phase() { echo "bench: $* at $(($(date +%s) - t_start)) s"; }
die() { echo "bench: $*"; exit 1; }

load_lane || die "cannot load the lane's driver and provider"
"$DMASTREAM_SRC/bench/points" "$sweep" >"$OUT/points.txt" || die "points $sweep"
MS=$(sed -n 's/^# ms=//p' "$OUT/points.txt")
WARM=$(sed -n 's/^# warmup_ms=//p' "$OUT/points.txt")
. "$DMASTREAM_SRC/bench/dmatest.sh"
insmod "$DMASTREAM_KMODS/linux-source/dmatest.ko" || die "insmod dmatest"
chan=$(free_chans | head -n 1)
[ -n "$chan" ] || die "no free channel of the provider for dmatest"
echo "bench: ceiling on $chan ($(provider_of "$chan")), dmastream on $DT/mem0 ($(cat \
	/sys/class/dmastream/$DT.mem0/dma_channel 2>/dev/null || echo '?'))"

# ceiling SIZE DEPTH CONFIG ROUND: one record. The first run of a size
# calibrates: then as many copies as fill the window. One thread whatever
# the depth: more threads on one channel queue more copies but, measured
# on arm64-zcu102 (2026-12-06, 4 KiB), four ran at 1.1 k copies/s together
# against one thread's 10.7 k (each copy's wakeup of a nice-10 thread on a
# 4-vCPU guest emulated on two host CPUs).
ceiling() {
	rate=$(sed -n "s/^$1 //p" "$OUT/calibration.txt" 2>/dev/null)
	if [ -z "$rate" ]; then
		rate=$(dmatest_once "$chan" "$1" 8 1 | cut -d' ' -f1)
		echo "$1 ${rate:-0}" >>"$OUT/calibration.txt"
	fi
	iters=$(awk -v r="${rate:-0}" -v ms="$MS" \
		'BEGIN { n = int(r * ms / 1000); print (n < 8) ? 8 : n }')
	res=$(dmatest_once "$chan" "$1" "$iters" 1)
	echo "${res:-0 1 0}" | awk -v size="$1" -v depth="$2" -v config="$3" -v round="$4" \
		-v chan="$chan" '{
		tps = $1; n = $3
		printf "{\"mode\":\"kernel\",\"variant\":\"dmatest-ceiling\",\"engine\":\"copy\"," \
		       "\"size\":%d,\"depth\":%d,\"threads\":1,\"segs\":1,\"channels\":1," \
		       "\"config\":%d,\"round\":%d,\"transfers\":%d,\"bytes\":%.0f," \
		       "\"gbps\":%.6f,\"tps\":%.1f,\"verify\":\"none (timing run)\"," \
		       "\"verify_errors\":0,\"syscalls_per_transfer\":0,\"channel\":\"%s\"," \
		       "\"error\":\"%s\"}\n",
		       size, depth, config, round, n, n * size, tps * size / 1e9, tps,
		       chan, (n && !$2) ? "" : "dmatest failed or did not report" }' >>"$REC"
}

rc=0
# The benchmark off CPU 0, where interrupts (and the provider's tasklet) go,
# when the lane has another CPU (armhf-zynq7000 has one).
bench_cpu=$(($(nproc) > 1 ? 1 : 0))
user=$OUT/user-points.txt
: >"$user"
flush() {
	[ -s "$user" ] || return 0
	"$DMASTREAM_BUILD/tests/bench/dsbench" --ms "$MS" --warmup-ms "$WARM" --cpu "$bench_cpu" \
		--chan "$DT/mem0" <"$user" >>"$REC" || rc=1
	: >"$user"
}
phase "setup done"
grep -v '^#' "$OUT/points.txt" >"$OUT/paired.txt"
while read -r first rest; do
	if [ "$first" = kernel ]; then
		flush
		# shellcheck disable=SC2086 # "dmatest-ceiling SIZE DEPTH ENGINE CONFIG ROUND"
		set -- $rest
		ceiling "$2" "$3" "$5" "$6"
	else
		echo "$first $rest" >>"$user"
	fi
done <"$OUT/paired.txt"
flush
rmmod dmatest || rc=1
{
	echo "kernel=$(uname -r)"
	echo "date=$(date -u +%Y-%m-%d)"
	echo "sweep=$sweep"
	echo "wake_min=half"
	echo "rounds=$(sed -n 's/^# rounds=//p' "$OUT/points.txt")"
	echo "cpus=$(nproc)"
	echo "bench_cpu=$bench_cpu"
	echo "cpu_model=$(uname -m) ($VMTEST_LANE)"
	echo "provider=${PROVIDER_DRV##*/}"
	echo "lane=$VMTEST_LANE"
	echo "guest_seconds=$(($(date +%s) - t_start))"
} >"$OUT/meta.txt"
phase "measured, dsbench rc=$rc"
# Every point has its record, none failed, every copy checked out: what the
# VM test judges (the report's own check runs on the host, bench/run).
want=$(grep -vc '^#' "$OUT/points.txt")
got=$(grep -c . "$REC")
bad=$(grep -v '"error":""' "$REC" | grep -c .)
unverified=$(grep -vc '"verify_errors":0[,}]' "$REC")
echo "bench: $got of $want records, $bad with an error, $unverified with verification errors"
grep -v '"error":""' "$REC" | head -n 5
[ "$got" -eq "$want" ] && [ "$bad" -eq 0 ] && [ "$unverified" -eq 0 ] || rc=1
exit $rc
