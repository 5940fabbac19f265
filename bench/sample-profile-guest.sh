#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of bench/sample-profile: one point measured as bench/guest.sh
# measures it (dmasim engines 0 and 2, the engine's workqueue on CPU 0, the
# program on CPU 1, the idle spinners), sampled by perf on both CPUs.
#
#   sample-profile-guest.sh MS DELAY_MS POINT...
#
# POINT is a dsbench point line ("busy_poll nocopy 4096 64 1 1 0 0"), or
# "ceiling copy|nocopy SIZE DEPTH" for the in-kernel client. perf records
# from DELAY_MS into the point's measuring until 100 ms before its MS of
# measuring end: what it does in its steady state.
set -u
OUT=$VMTEST_OUT BUILD=$DMASTREAM_BUILD
DBG=/sys/kernel/debug/dmasim
fail() { echo "sample-profile: $*" >&2; exit 1; }
[ $# -ge 3 ] || fail "usage: sample-profile-guest.sh MS DELAY_MS POINT..."
ms=$1 delay=$2
shift 2
command -v perf >/dev/null || fail "no perf on the host (linux-perf; scripts/bootstrap installs it)"
. "$DMASTREAM_SRC/bench/guest-setup.sh"
engines_start
counter_hold
spinners_start
insmod "$DMASTREAM_KMODS/kernel/dmastream/dmastream.ko" || fail "insmod dmastream"
mkdir /sys/kernel/config/dmastream/b0 &&
	echo "memcpy=$(cat /sys/bus/platform/devices/dmasim.0/channels/memcpy)" \
		>/sys/kernel/config/dmastream/b0/channels &&
	echo 1 >/sys/kernel/config/dmastream/b0/enable || fail "device b0"
insmod "$DMASTREAM_KMODS/kernel/tests/dmasim_client.ko" engine=2 || fail "insmod dmasim_client"

n=0 rc=0
for point in "$@"; do
	n=$((n + 1))
	set -- $point
	nc=0
	[ "$2" = nocopy ] && nc=1
	if [ "$1" = ceiling ]; then
		for c in memcpy tx rx; do echo $nc >$DBG/dmasim.2/$c/no_copy; done
		# Its bench times a CPU memcpy, the engine's, then a loopback,
		# each as long: its own warm-up is DELAY_MS into the second.
		cmd="echo 'bench ms=$((ms + delay)) rounds=1 len=$3 depth=$4' >/sys/kernel/debug/dmasim-client.2/cmd && cat /sys/kernel/debug/dmasim-client.2/result"
		from=$((ms + 2 * delay)) to=$((2 * (ms + delay)))
	else
		for c in memcpy tx rx; do echo $nc >$DBG/dmasim.0/$c/no_copy; done
		echo "$point" >/tmp/point
		cmd="$BUILD/tests/bench/dsbench --ms $ms --warmup-ms $delay --cpu 1 </tmp/point"
		from=$delay to=$((delay + ms))
	fi
	echo "$point" >"$OUT/$n-point.txt"
	rm -f /tmp/done
	# perf's workload starts the point and ends 100 ms before its window
	# does: the samples cover the steady state from DELAY_MS on, not the
	# program's setup nor its sorting of the latencies afterwards. The
	# data stays in the guest's tmpfs: written to the log folder
	# (virtio-9p) as it is recorded, its writing took a third of a CPU.
	until_s=$(awk -v t="$to" 'BEGIN { print (t - 100) / 1000 }')
	perf record -q -e cpu-clock -F 4000 -a -g -D "$from" -o /tmp/perf.data \
		-- sh -c "($cmd >'$OUT/$n-result.txt'; touch /tmp/done) & sleep $until_s" \
		2>"$OUT/$n-perf.err" ||
		{ echo "sample-profile: point $n: perf record failed" >&2; rc=1; continue; }
	t=0
	while [ ! -e /tmp/done ] && [ $t -lt 600 ]; do
		sleep 0.1
		t=$((t + 1))
	done
	[ -e /tmp/done ] || { echo "sample-profile: point $n did not end" >&2; rc=1; }
	r() { perf report -q -i /tmp/perf.data --stdio "$@" 2>>"$OUT/$n-perf.err"; }
	r --no-children --sort comm -g none >"$OUT/$n-comm.txt"
	# Each report reads the kernel's symbols again: about 5 s under TCG.
	# SAMPLE_BRIEF=1 (the VM test) keeps the program's CPU's inclusive
	# times only.
	if [ "${SAMPLE_BRIEF:-0}" = 1 ]; then
		cpus=1
	else
		cpus="0 1"
	fi
	for cpu in $cpus; do
		[ "${SAMPLE_BRIEF:-0}" = 1 ] ||
			r --no-children -C $cpu --sort comm,dso,sym -g none --percent-limit 0.3 \
				>"$OUT/$n-cpu$cpu-self.txt"
		r --children -C $cpu --sort sym -g none --percent-limit 1 \
			>"$OUT/$n-cpu$cpu-children.txt"
	done
	[ -s "$OUT/$n-comm.txt" ] || { echo "sample-profile: point $n: no samples" >&2; rc=1; }
done

rmmod dmasim_client
rmdir /sys/kernel/config/dmastream/b0
rmmod dmastream
rmmod dmasim
engines_release
spinners_stop
counter_release
exit $rc
