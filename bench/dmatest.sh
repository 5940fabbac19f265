# SPDX-License-Identifier: GPL-2.0
# Sourced by the benchmark's guest scripts (bench/guest.sh on x86,
# tests/bench/lane-sweep.sh on an ARM lane): one run of the kernel's
# dmatest, its module loaded.
#
#   dmatest_once CHANNEL SIZE ITERATIONS NOVERIFY
#
# One thread on CHANNEL, ITERATIONS copies of SIZE bytes (norandom), every
# byte verified unless NOVERIFY is 1. Prints "transfers/s failures tests"
# from the thread's summary, nothing if it did not report. The parameters
# go in before the channel: writing the channel starts the thread with the
# parameters of that moment.
dmatest_once() {
	for dt_kv in timeout=20000 threads_per_chan=1 iterations=$3 test_buf_size=$2 \
		     norandom=1 noverify=$4 verbose=0 max_channels=1 channel=$1; do
		echo "${dt_kv#*=}" >"/sys/module/dmatest/parameters/${dt_kv%%=*}" || return 1
	done
	dmesg -c >/dev/null
	echo 1 >/sys/module/dmatest/parameters/run || return 1
	cat /sys/module/dmatest/parameters/wait >/dev/null
	dmesg | grep "dmatest: $1-copy0: summary" | tail -n 1 | awk '{
		for (i = 1; i <= NF; i++) {
			if ($(i+1) == "tests,") n = $i
			if ($(i+1) == "failures") f = $i
			if ($(i+1) == "iops") r = $i
		}
		if (n) printf "%.1f %d %d\n", r, f, n
	}'
}
