# SPDX-License-Identifier: GPL-2.0
# Sourced by bench/guest.sh and bench/sample-profile-guest.sh: what both
# set up in the guest around the points they measure. Needs fail(), BUILD
# (the build directory) and DMASTREAM_KMODS (the modules).

# engines_start: dmasim with three engines (0 and 1 for dmastream, 2 for
# the in-kernel client), configfs mounted. The simulated engine is the CPU:
# its unbound workqueue (copies, then the completion tasklets) gets CPU 0,
# user space (dsbench) CPU 1, so that a spinning program cannot sit on the
# CPU the engine was woken on, as on hardware where the engine is not a
# CPU. engines_release gives the workqueue its CPUs back (dmasim itself is
# the caller's to remove, after its users).
WQMASK=/sys/devices/virtual/workqueue/cpumask
wqmask_old=""
engines_start() {
	modprobe configfs || fail "configfs"
	grep -q ' /sys/kernel/config ' /proc/mounts ||
		mount -t configfs none /sys/kernel/config || fail "mounting configfs"
	insmod "$DMASTREAM_KMODS/kernel/dmasim/dmasim.ko" engines=3 || fail "insmod dmasim"
	wqmask_old=$(cat $WQMASK)
	echo 1 >$WQMASK || fail "workqueue cpumask"
}
engines_release() {
	[ -z "$wqmask_old" ] || echo "$wqmask_old" >$WQMASK
}

# cpu0_alone COMMAND...: runs COMMAND with every CPU but CPU 0 offline, and
# returns its status. For whatever patches kernel text (a tracepoint or a
# tracer switched on, the first perf event of a kind): under TCG with
# several vCPUs, another vCPU has been seen to run a stale int3 after the
# patching had ended, and the guest dies of it. With one vCPU online it
# has not been seen (measured, not understood: "Patching kernel text" in
# docs/bench.md). Tasks pinned to an offlined CPU lose their pinning: the
# spinners stop first.
cpu0_alone() {
	alone_others=""
	for alone_c in /sys/devices/system/cpu/cpu[1-9]*; do
		[ -w "$alone_c/online" ] && [ "$(cat "$alone_c/online")" = 1 ] &&
			alone_others="$alone_others $alone_c"
	done
	for alone_c in $alone_others; do
		echo 0 >"$alone_c/online" || fail "taking $alone_c offline"
	done
	"$@"
	alone_rc=$?
	for alone_c in $alone_others; do
		echo 1 >"$alone_c/online" || fail "bringing $alone_c online"
	done
	return $alone_rc
}

# An idle vCPU halts, and under TCG on a busy host waking it takes
# milliseconds: every cross-CPU wakeup (engine kicked, sleeper woken) would
# measure the host's scheduler. Like idle=poll, keep both vCPUs running:
# one SCHED_IDLE, nice 19 spinner per CPU, which any real task preempts at
# once (its time shows as "nice", which the guest CPU counts leave out).
# BENCH_SPIN=0 leaves them out (to compare: on a heavily loaded host they
# make every cross-vCPU hop wait for the host's round robin instead).
spinners=""
spinners_start() {
	for cpu in 0 1; do
		[ "${BENCH_SPIN:-1}" = 0 ] && break
		taskset -c $cpu nice -n 19 chrt -i 0 sh -c 'while :; do :; done' &
		spinners="$spinners $!"
	done
}
spinners_stop() {
	[ -z "$spinners" ] && return 0
	# shellcheck disable=SC2086 # a list of pids
	kill $spinners
	# shellcheck disable=SC2086
	wait $spinners 2>/dev/null
	spinners=""
}

# One system call counter held open from here to counter_release, so that
# the points' own counters patch no kernel text (dsbench --hold-counter):
# opened with CPU 0 alone, and only once it is open do the others return.
holder=""
counter_open() {
	n=0
	"$BUILD/tests/bench/dsbench" --hold-counter &
	holder=$!
	until readlink "/proc/$holder"/fd/* 2>/dev/null | grep -q '^anon_inode:\[perf_event\]$'; do
		kill -0 "$holder" 2>/dev/null || fail "dsbench --hold-counter ended"
		[ $n -lt 600 ] || fail "dsbench --hold-counter: no counter after 30 s"
		sleep 0.05
		n=$((n + 1))
	done
}
counter_hold() { cpu0_alone counter_open; }
# The release patches the text back: the tracepoint at once, the
# scheduler's perf hooks a second later (deferred), so CPU 0 stays alone
# for two.
counter_close() {
	kill "$holder" 2>/dev/null
	wait "$holder" 2>/dev/null
	holder=""
	sleep 2
}
counter_release() {
	[ -n "$holder" ] || return 0
	cpu0_alone counter_close
}
