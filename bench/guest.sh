#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side of bench/run: SWEEP (quick | standard | a points file) [MS].
#
# 1. the ceiling, in-kernel: dmasim_client's bench (memcpy channel, TX->RX
#    loopback) and the kernel's dmatest, on dmasim.0, copying and no-copy;
# 2. dmastream on dmasim.0 (and dmasim.1 for two channels): bench/dsbench
#    runs every user-space point;
# 3. bench/report turns the records into results.json, summary.md and
#    the plots, in $VMTEST_OUT/report.
set -u
sweep=${1:-quick}
SRC=$DMASTREAM_SRC
BUILD=$DMASTREAM_BUILD
OUT=$VMTEST_OUT
DBG=/sys/kernel/debug/dmasim
REC=$OUT/records.jsonl
: >"$REC"

fail() { echo "bench: $*" >&2; exit 1; }
t_start=$(date +%s)

grep -q ' /sys/kernel/tracing ' /proc/mounts || mount -t tracefs none /sys/kernel/tracing
modprobe configfs || fail "configfs"
grep -q ' /sys/kernel/config ' /proc/mounts || mount -t configfs none /sys/kernel/config
insmod "$DMASTREAM_KMODS/kernel/dmasim/dmasim.ko" engines=2 || fail "insmod dmasim"
# The simulated engine is the CPU: its unbound workqueue (copies, then the
# completion tasklets) gets CPU 0, user space (dsbench) CPU 1, so that a
# spinning program cannot sit on the CPU the engine was woken on, as on
# hardware where the engine is not a CPU.
WQMASK=/sys/devices/virtual/workqueue/cpumask
wqmask_old=$(cat $WQMASK)
echo 1 >$WQMASK || fail "workqueue cpumask"

"$SRC/bench/points" "$sweep" >"$OUT/points.txt" || fail "points $sweep"
MS=$(sed -n 's/^# ms=//p' "$OUT/points.txt")
WARM=$(sed -n 's/^# warmup_ms=//p' "$OUT/points.txt")
CMS=$(sed -n 's/^# ceiling_ms=//p' "$OUT/points.txt")

nocopy() { # ENGINE(0|1 = copy|nocopy) CHANNELS...
	v=$1
	shift
	for c in "$@"; do echo "$v" >"$DBG/dmasim.0/$c/no_copy" || fail "no_copy $c"; done
}

# -- 1a. the in-kernel client: "kernel client SIZE DEPTH ENGINE" lines
insmod "$DMASTREAM_KMODS/kernel/tests/dmasim_client.ko" || fail "insmod dmasim_client"
grep '^kernel client ' "$OUT/points.txt" | while read -r _ _ size depth engine; do
	[ "$engine" = nocopy ] && nocopy 1 memcpy tx rx || nocopy 0 memcpy tx rx
	echo "bench ms=$CMS rounds=1 len=$size depth=$depth" >/sys/kernel/debug/dmasim-client.0/cmd ||
		fail "client bench $size $depth"
	read -r res </sys/kernel/debug/dmasim-client.0/result
	echo "$res" | awk -v size="$size" -v depth="$depth" -v engine="$engine" -v ms="$CMS" '{
		for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		mbps = v["dma_memcpy_MBps"]; s = ms / 1000.0
		n = int(mbps * 1e6 * s / size + 0.5)
		printf "{\"mode\":\"kernel\",\"variant\":\"client\",\"engine\":\"%s\",\"size\":%d," \
		       "\"depth\":%d,\"segs\":1,\"channels\":1,\"seconds\":%.3f,\"transfers\":%d," \
		       "\"bytes\":%d,\"gbps\":%.6f,\"tps\":%.1f,\"loopback_gbps\":%.6f," \
		       "\"cpu_memcpy_gbps\":%.6f,\"verify\":\"none (timing run; see dmatest)\"," \
		       "\"verify_errors\":0,\"syscalls_per_transfer\":0,\"error\":\"\"}\n",
		       engine, size, depth, s, n, n * size, mbps / 1000.0, mbps * 1e6 / size,
		       v["loopback_MBps"] / 1000.0, v["cpu_memcpy_MBps"] / 1000.0 }' >>"$REC"
done
rmmod dmasim_client || fail "rmmod dmasim_client"

# -- 1b. the kernel's dmatest: "kernel dmatest SIZE ITERATIONS ENGINE" lines
insmod "$DMASTREAM_KMODS/linux-source/dmatest.ko" || fail "insmod dmatest"
P=/sys/module/dmatest/parameters
chan=$(cat /sys/bus/platform/devices/dmasim.0/channels/memcpy)
grep '^kernel dmatest ' "$OUT/points.txt" | while read -r _ _ size iters engine; do
	if [ "$engine" = nocopy ]; then nocopy 1 memcpy; nv=1; else nocopy 0 memcpy; nv=0; fi
	for kv in timeout=20000 threads_per_chan=1 iterations=$iters test_buf_size=$size \
		  norandom=1 noverify=$nv verbose=0 channel=$chan; do
		echo "${kv#*=}" >"$P/${kv%%=*}" || fail "dmatest $kv"
	done
	dmesg -c >/dev/null
	echo 1 >"$P/run" || fail "dmatest run"
	cat "$P/wait" >/dev/null
	dmesg | grep "dmatest: $chan-copy0: summary" | tail -n 1 | awk -v size="$size" \
		-v engine="$engine" -v nv="$nv" '{
		for (i = 1; i <= NF; i++) {
			if ($(i+1) == "tests,") n = $i
			if ($(i+1) == "failures") f = $i
			if ($(i+1) == "iops") iops = $i
		}
		printf "{\"mode\":\"kernel\",\"variant\":\"dmatest\",\"engine\":\"%s\",\"size\":%d," \
		       "\"depth\":1,\"segs\":1,\"channels\":1,\"transfers\":%d,\"bytes\":%d," \
		       "\"gbps\":%.6f,\"tps\":%.1f,\"verify\":\"%s\",\"verify_errors\":%d," \
		       "\"verified_bytes_total\":%d,\"syscalls_per_transfer\":0,\"error\":\"%s\"}\n",
		       engine, size, n, n * size, iops * size / 1e9, iops,
		       nv ? "none (no-copy)" : "dmatest: every byte", f, nv ? 0 : (n - f) * size,
		       f ? "dmatest failures" : "" }' >>"$REC"
done
rmmod dmatest || fail "rmmod dmatest"
nocopy 0 memcpy tx rx

# -- 2. dmastream, one device per engine: b0, b1 (memcpy channels)
insmod "$DMASTREAM_KMODS/kernel/dmastream/dmastream.ko" || fail "insmod dmastream"
for k in 0 1; do
	mkdir "/sys/kernel/config/dmastream/b$k" &&
		echo "memcpy=$(cat /sys/bus/platform/devices/dmasim.$k/channels/memcpy)" \
			>"/sys/kernel/config/dmastream/b$k/channels" &&
		echo 1 >"/sys/kernel/config/dmastream/b$k/enable" || fail "device b$k"
done
grep -v '^kernel ' "$OUT/points.txt" | grep -v '^#' |
	"$BUILD/tests/bench/dsbench" --ms "$MS" --warmup-ms "$WARM" --cpu 1 >>"$REC"
rc=$?
echo "$wqmask_old" >$WQMASK
for k in 0 1; do rmdir "/sys/kernel/config/dmastream/b$k"; done
t_end=$(date +%s)
echo "bench: measured in $((t_end - t_start)) s (guest clock), dsbench rc=$rc"

# -- 3. the report (python3 and gnuplot from the host's root)
{
	echo "kernel=$(uname -r)"
	echo "date=$(date -u +%Y-%m-%d)"
	echo "sweep=$sweep"
	echo "cpus=$(nproc)"
	echo "cpu_model=$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)"
	echo "guest_seconds=$((t_end - t_start))"
} >"$OUT/meta.txt"
XDG_CACHE_HOME=/tmp python3 "$SRC/bench/report" --records "$REC" --meta "$OUT/meta.txt" --out "$OUT/report" \
	${BENCH_CHECK:+--check} || fail "report"
exit $rc
