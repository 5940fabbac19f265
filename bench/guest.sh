#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side of bench/run: SWEEP (quick | standard) [spin | nospin [half | 0
# [half | eager [half | quarter]]]].
#
# 1. the kernel's dmatest on dmasim.0, copying and no-copy (a reference);
# 2. in rounds (bench/points): the ceiling, dmasim_client's in-kernel bench
#    on dmasim.2's memcpy channel, then dmastream on dmasim.0 (and dmasim.1
#    for two channels), where bench/dsbench runs every user-space point;
#    then the DMA Proxy application, on the personality and natively;
# 3. meta.txt, which bench/report reads with the records on the host
#    (bench/run; the VM tests' vm/run --host-after) to write results.json,
#    summary.md and the plots.
set -u
sweep=${1:-quick}
[ "${2:-}" = nospin ] && BENCH_SPIN=0
# The sleeping modes' completion watermark (dsbench --wake-min).
WAKE=${3:-half}
# When the sleeping modes refill (dsbench --refill).
REFILL=${4:-half}
# When busy_poll refills (dsbench --busy-refill).
BUSY_REFILL=${5:-half}
SRC=$DMASTREAM_SRC
BUILD=$DMASTREAM_BUILD
OUT=$VMTEST_OUT
DBG=/sys/kernel/debug/dmasim
REC=$OUT/records.jsonl
: >"$REC"
# A second boot in the same folder (vm/run) must not leave a first boot's
# markers of completion beside its own records.
rm -f "$OUT/meta.txt" "$OUT/profiles-done" "$OUT"/profile-* "$OUT"/events-*

fail() { echo "bench: $*" >&2; exit 1; }
t_start=$(date +%s)

grep -q ' /sys/kernel/tracing ' /proc/mounts || mount -t tracefs none /sys/kernel/tracing
. "$SRC/bench/guest-setup.sh"
engines_start
# The counter first: it opens with CPU 0 alone, which would unpin the
# spinners.
counter_hold
spinners_start

"$SRC/bench/points" "$sweep" >"$OUT/points.txt" || fail "points $sweep"
MS=$(sed -n 's/^# ms=//p' "$OUT/points.txt")
WARM=$(sed -n 's/^# warmup_ms=//p' "$OUT/points.txt")

nocopy() { # DMASIM_ENGINE 0|1 (copy|no-copy) CHANNELS...
	k=$1 v=$2
	shift 2
	for c in "$@"; do
		echo "$v" >"$DBG/dmasim.$k/$c/no_copy" || fail "no_copy dmasim.$k $c"
	done
}

phase() { echo "bench: $* at $(($(date +%s) - t_start)) s"; }

# -- 1. the kernel's dmatest (a reference, not paired): "kernel dmatest SIZE ITERATIONS ENGINE" lines
. "$SRC/bench/dmatest.sh"
insmod "$DMASTREAM_KMODS/linux-source/dmatest.ko" || fail "insmod dmatest"
chan=$(cat /sys/bus/platform/devices/dmasim.0/channels/memcpy)
grep '^kernel dmatest ' "$OUT/points.txt" | while read -r _ _ size iters engine; do
	if [ "$engine" = nocopy ]; then nv=1; else nv=0; fi
	nocopy 0 $nv memcpy
	res=$(dmatest_once "$chan" "$size" "$iters" "$nv") || fail "dmatest $size"
	[ -n "$res" ] || fail "dmatest $size: no summary"
	echo "$res" | awk -v size="$size" -v engine="$engine" -v nv="$nv" '{
		iops = $1; f = $2; n = $3
		printf "{\"mode\":\"kernel\",\"variant\":\"dmatest\",\"engine\":\"%s\",\"size\":%d," \
		       "\"depth\":1,\"segs\":1,\"channels\":1,\"transfers\":%d,\"bytes\":%.0f," \
		       "\"gbps\":%.6f,\"tps\":%.1f,\"verify\":\"%s\",\"verify_errors\":%d," \
		       "\"verified_bytes_total\":%.0f,\"syscalls_per_transfer\":0,\"error\":\"%s\"}\n",
		       engine, size, n, n * size, iops * size / 1e9, iops,
		       nv ? "none (no-copy)" : "dmatest: every byte", f, nv ? 0 : (n - f) * size,
		       f ? "dmatest failures" : "" }' >>"$REC"
done
rmmod dmatest || fail "rmmod dmatest"
nocopy 0 0 memcpy tx rx

phase "dmatest done"
# -- 2. dmastream, one device per engine: b0, b1 (memcpy channels), and
# the in-kernel client on engine 2, interleaved round by round (see
# bench/points): "kernel client" lines run here, the user-space points in
# between go to one dsbench per stretch.
insmod "$DMASTREAM_KMODS/kernel/dmastream/dmastream.ko" || fail "insmod dmastream"
for k in 0 1; do
	mkdir "/sys/kernel/config/dmastream/b$k" &&
		echo "memcpy=$(cat /sys/bus/platform/devices/dmasim.$k/channels/memcpy)" \
			>"/sys/kernel/config/dmastream/b$k/channels" &&
		echo 1 >"/sys/kernel/config/dmastream/b$k/enable" || fail "device b$k"
done
insmod "$DMASTREAM_KMODS/kernel/tests/dmasim_client.ko" engine=2 || fail "insmod dmasim_client"
CLIENT=/sys/kernel/debug/dmasim-client.2
client() { # SIZE DEPTH ENGINE CONFIG ROUND
	if [ "$3" = nocopy ]; then nc=1; else nc=0; fi
	nocopy 2 $nc memcpy tx rx
	# A window in which not one transfer completed (a slow size on a busy
	# host) is measured again, 4 times longer.
	for ms in $MS $((MS * 4)); do
		echo "bench ms=$ms rounds=1 len=$1 depth=$2" >$CLIENT/cmd ||
			fail "client bench $1 $2"
		read -r res <$CLIENT/result
		copied=$(echo "$res" | sed -n 's/.* dma_memcpy_bytes=\([0-9]*\) .*/\1/p')
		[ "${copied:-0}" -lt "$1" ] || break
	done
	echo "$res" | awk -v size="$1" -v depth="$2" -v engine="$3" -v config="$4" \
		-v round="$5" '{
		for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		s = v["dma_memcpy_ns"] / 1e9; gbps = s ? v["dma_memcpy_bytes"] / (s * 1e9) : 0
		n = int(v["dma_memcpy_bytes"] / size)
		printf "{\"mode\":\"kernel\",\"variant\":\"client\",\"engine\":\"%s\",\"size\":%d," \
		       "\"depth\":%d,\"segs\":1,\"channels\":1,\"config\":%d,\"round\":%d," \
		       "\"seconds\":%.3f,\"transfers\":%d,\"bytes\":%.0f,\"gbps\":%.6f,\"tps\":%.1f," \
		       "\"loopback_gbps\":%.6f,\"cpu_memcpy_gbps\":%.6f," \
		       "\"verify\":\"none (timing run; see dmatest)\",\"verify_errors\":0," \
		       "\"syscalls_per_transfer\":0,\"error\":\"\"}\n",
		       engine, size, depth, config, round, s, n, n * size, gbps, s ? n / s : 0,
		       v["loopback_MBps"] / 1000.0, v["cpu_memcpy_MBps"] / 1000.0 }' >>"$REC"
}
rc=0
user=$OUT/user-points.txt
: >"$user"
flush() {
	[ -s "$user" ] || return 0
	"$BUILD/tests/bench/dsbench" --ms "$MS" --warmup-ms "$WARM" --cpu 1 --wake-min "$WAKE" \
		--refill "$REFILL" --busy-refill "$BUSY_REFILL" <"$user" >>"$REC" ||
		rc=1
	: >"$user"
}
grep -v '^#' "$OUT/points.txt" | grep -v '^profile ' | grep -v '^events ' | grep -v '^kernel dmatest ' |
	grep -v '^dmaproxy ' >"$OUT/paired.txt"
while read -r first rest; do
	if [ "$first" = kernel ]; then
		flush
		# shellcheck disable=SC2086 # "client SIZE DEPTH ENGINE CONFIG ROUND"
		set -- $rest
		client "$2" "$3" "$4" "$5" "$6"
	else
		echo "$first $rest" >>"$user"
	fi
done <"$OUT/paired.txt"
flush
rmmod dmasim_client || fail "rmmod dmasim_client"
nocopy 2 0 memcpy tx rx

phase "user-space points done"

# -- 2c. the DMA Proxy 2.0 application's pattern: tests/proxy/t-proxy on
# the personality (dmasim.0's loopback, `create --loopback --dma-proxy`),
# userspace/examples/dma-proxy-native on a native loopback (dmasim.1's),
# alternating (bench/points), pinned to CPU 1 as dsbench is. One JSON line
# each, tagged with its peer and round, in dmaproxy.jsonl.
TOOL=$BUILD/userspace/tool/dmastream
PXREC=$OUT/dmaproxy.jsonl
: >"$PXREC"
"$TOOL" create --quiet --loopback --dma-proxy || fail "create --dma-proxy"
"$TOOL" create --quiet --loopback --engine 1 pxnative || fail "create pxnative"
grep '^dmaproxy ' "$OUT/points.txt" | while read -r _ peer kb n round; do
	if [ "$peer" = personality ]; then
		set -- "$BUILD/tests/proxy/t-proxy" app "$n" "$kb" 1
	else
		set -- "$BUILD/userspace/examples/dma-proxy-native" --device pxnative "$n" "$kb" 1
	fi
	if line=$(taskset -c 1 "$@" | tail -n 1) && [ "${line#\{}" != "$line" ]; then
		echo "{\"peer\":\"$peer\",\"round\":$round,${line#\{}"
	else
		echo "{\"peer\":\"$peer\",\"round\":$round,\"size\":$((kb * 1024)),\"error\":\"$1 failed\"}"
	fi >>"$PXREC"
done
"$TOOL" remove dma_proxy || fail "remove dma_proxy"
"$TOOL" remove pxnative || fail "remove pxnative"
phase "DMA Proxy applications done"

# -- 3. what bench/report needs besides the records. The report runs on
# the host: here its python3 and gnuplot would read the host's root through
# the guest, about four minutes a report on the debug kernel. Written now,
# so that the figures survive whatever the profiling below does (hang,
# crash), and again at the end, with profiles-done beside it once the
# profiles and event counts are complete.
meta() {
	{
		echo "kernel=$(uname -r)"
		echo "date=$(date -u +%Y-%m-%d)"
		echo "sweep=$sweep"
		echo "wake_min=$WAKE"
		echo "refill=$REFILL"
		echo "busy_refill=$BUSY_REFILL"
		echo "rounds=$(sed -n 's/^# rounds=//p' "$OUT/points.txt")"
		echo "cpus=$(nproc)"
		echo "cpu_model=$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)"
		echo "guest_seconds=$(($(date +%s) - t_start))"
	} >"$OUT/meta.txt.new"
	mv "$OUT/meta.txt.new" "$OUT/meta.txt"
}
meta
phase "figures complete"
T=/sys/kernel/tracing
PMS=$(sed -n 's/^# profile_ms=//p' "$OUT/points.txt")
# traced_run FILE POINT...: one point's measured window with tracing on,
# into $OUT/FILE.json and, if it ended, $OUT/FILE.trace. dsbench switches
# tracing on for the window only. A run that does not end within
# BENCH_PROFILE_TIMEOUT seconds (60) is given up: the figures are already
# complete. BENCH_PROFILE_PROGRAM stands in for dsbench
# (tests/bench/profile-hang.sh).
traced_run() {
	file=$1
	shift
	echo 0 >$T/tracing_on
	echo >$T/trace
	kept=1
	echo "$*" | timeout -k 5 "${BENCH_PROFILE_TIMEOUT:-60}" \
		"${BENCH_PROFILE_PROGRAM:-$BUILD/tests/bench/dsbench}" --ms "$PMS" --warmup-ms 20 \
		--cpu 1 --wake-min "$WAKE" --refill "$REFILL" \
		--busy-refill "$BUSY_REFILL" --trace >"$OUT/$file.json" || {
		echo "bench: $file failed or timed out (rc=$?); left out"
		rm -f "$OUT/$file.json"
		kept=
	}
	echo 0 >$T/tracing_on
	[ -z "$kept" ] || cat $T/trace >"$OUT/$file.trace"
	echo >$T/trace
}
# -- 2a. where the time goes, counted: a few points again with trace
# events on (the scheduler's switches and wakeups, softirqs, IPIs, timer
# ticks, the engine's work runs, the driver's completions) and the
# spinners still there, as the points were measured; bench/report counts
# them per transfer. Each tracepoint is switched on once and never off
# (switching patches kernel text, which TCG has been seen to choke on:
# "Patching kernel text" in docs/bench.md); they record only while dsbench
# has tracing on.
EVENTS="sched/sched_switch sched/sched_wakeup irq/softirq_entry workqueue/workqueue_execute_start
	irq_vectors/reschedule_entry irq_vectors/call_function_single_entry
	irq_vectors/local_timer_entry dmastream/dmastream_complete"
# All of them or none.
events_enable() {
	for e in $EVENTS; do
		[ -f $T/events/$e/enable ] || return 1
	done
	for e in $EVENTS; do
		echo 1 >$T/events/$e/enable || return 1
	done
}
if grep -q '^events ' "$OUT/points.txt"; then
	echo 0 >$T/tracing_on
	echo 8192 >$T/buffer_size_kb
	spinners_stop
	ok=
	cpu0_alone events_enable 2>/dev/null && ok=1
	spinners_start
	if [ -n "$ok" ]; then
		grep '^events ' "$OUT/points.txt" | while read -r _ label point; do
			traced_run "events-$label" $point
		done
	else
		echo "bench: this kernel lacks one of the trace events ($EVENTS): counts left out"
	fi
	phase "event counts done"
fi
# -- 2b. where the time goes: a few points again under function_graph
# (3 levels below the syscalls, the engine's work and its completion
# tasklet) with the driver's completion tracepoint counting transfers.
# function_graph is switched on once and never off: each switch patches
# every traceable function of the kernel, and under TCG that has been seen
# to crash the guest (an int3 Oops in the scheduler while the patching
# task rescheduled), once in about ten switches. The guest powers off
# after the profiles, which are all that runs with the tracer still in.
profile_setup() {
	echo 0 >$T/tracing_on
	echo 16384 >$T/buffer_size_kb
	: >$T/set_graph_function
	for f in __x64_sys_ioctl __x64_sys_poll __x64_sys_ppoll __x64_sys_epoll_wait \
		 __x64_sys_read __x64_sys_io_uring_enter dmasim_copy_work dmasim_tasklet; do
		echo $f >>$T/set_graph_function 2>/dev/null
	done
	echo 3 >$T/max_graph_depth
	echo function_graph >$T/current_tracer
	echo funcgraph-tail >$T/trace_options
	# Counts the transfers; on for good, as the events above.
	echo 1 >$T/events/dmastream/dmastream_complete/enable
}
# The profiles run without the spinners: switching tracers patches kernel
# text on every CPU, and under TCG that has been seen to starve the stopper
# threads next to two spinning vCPUs (soft lockups); and cpu0_alone takes
# CPU 1 offline under the spinner pinned there.
spinners_stop
# A kernel without the function_graph tracer (the debug kernel's config
# leaves it out) gets no profiles, and says so.
if ! grep -qw function_graph $T/available_tracers 2>/dev/null; then
	grep -q '^profile ' "$OUT/points.txt" &&
		echo "bench: no function_graph tracer in this kernel: profiles left out"
elif grep -q '^profile ' "$OUT/points.txt"; then
	cpu0_alone profile_setup
	grep '^profile ' "$OUT/points.txt" | while read -r _ label point; do
		traced_run "profile-$label" $point
	done
fi
# The counter is held through the event counts and the profiles too: their
# dsbench runs open counters of their own.
counter_release
engines_release
for k in 0 1; do rmdir "/sys/kernel/config/dmastream/b$k"; done
phase "profiles done"
echo "bench: measured in $(($(date +%s) - t_start)) s (guest clock), dsbench rc=$rc"
meta
: >"$OUT/profiles-done"
exit $rc
