#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The kernel's own dmatest (built from Debian's linux-source) on dmasim's
# memcpy channel: several threads, many iterations, every summary checked.
. "$(dirname "$0")/lib.sh"
set -u

P=/sys/module/dmatest/parameters

# dmatest THREADS ITERATIONS [PARAM=VALUE ...]: one run, all summaries clean.
dmatest() {
	threads=$1 iterations=$2
	shift 2
	chan=$(cat /sys/bus/platform/devices/dmasim.0/channels/memcpy)
	for kv in timeout=20000 threads_per_chan=$threads iterations=$iterations "$@" \
		  channel=$chan; do
		echo "${kv#*=}" >"$P/${kv%%=*}" || fail "dmatest parameter $kv"
	done
	dmesg -c >/dev/null
	echo 1 >"$P/run" || fail "dmatest run"
	cat "$P/wait" >/dev/null
	dmesg | grep "dmatest: $chan-copy" | grep summary | tee /tmp/summary
	n=$(grep -c "summary $iterations tests, 0 failures" /tmp/summary)
	expect "$n" "$threads" "dmatest threads passing all $iterations tests ($*)"
	expect "$(wc -l </tmp/summary)" "$threads" "dmatest summary lines"
}

step "dmatest, default buffers"
load_dmasim
insmod "$DMASTREAM_KMODS/linux-source/dmatest.ko" || fail "insmod dmatest"
dmatest 4 250
# One thread only: dmatest's polling spins without yielding, and the
# simulated engine needs a CPU of its own to make progress (docs/dmasim.md).
# On a one-CPU machine (the Zynq-7000 lane) there is none to spare; real
# engines need no CPU, so nothing is lost there.
if [ "$(nproc)" -gt 1 ]; then
	step "dmatest, polled, no random offsets"
	dmatest 1 100 polled=1 norandom=1
else
	step "dmatest, polled: not on one CPU ($(nproc)), dmasim copies with the CPU"
fi
expect "$(dget live_descriptors)" 0 "descriptors after dmatest"
expect "$(dget memcpy/errors)" 0 "memcpy errors"
rmmod dmatest || fail "rmmod dmatest"
rmmod dmasim || fail "rmmod dmasim"

step "dmatest with an 8-byte alignment constraint"
load_dmasim copy_align=3
insmod "$DMASTREAM_KMODS/linux-source/dmatest.ko" || fail "insmod dmatest"
dmatest 2 100
expect "$(dget memcpy/rejected)" 0 "preps dmatest got refused (it honours copy_align)"
rmmod dmatest || fail "rmmod dmatest"
rmmod dmasim || fail "rmmod dmasim"
echo "dmatest: all checks passed"
