#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The kernel's own dmatest on the lane's real provider: the baseline that
# the provider itself works under QEMU, in the same boot as dmastream's
# device-tree device holds two of its channels.
set -u
. "$DMASTREAM_SRC/tests/lanes/lib.sh"

load_lane || exit 1
P=/sys/module/dmatest/parameters
insmod "$DMASTREAM_KMODS/linux-source/dmatest.ko" || { fail "insmod dmatest"; finish; exit 1; }
chans=$(free_chans | head -n 2)
cmp_n "free channels for dmatest" "$(echo "$chans" | wc -w)" -ge 1
iterations=300
for kv in timeout=10000 threads_per_chan=2 iterations=$iterations max_channels=2 \
	  test_buf_size=65536; do
	echo "${kv#*=}" >"$P/${kv%%=*}" || fail "dmatest parameter $kv"
done
for c in $chans; do
	echo "$c" >"$P/channel" || fail "dmatest channel $c"
done
dmesg -c >/dev/null
echo 1 >"$P/run" || fail "dmatest run"
cat "$P/wait" >/dev/null
dmesg | grep 'summary' >/tmp/summary
cat /tmp/summary
for c in $chans; do
	n=$(grep -c "$c-copy[0-9]*: summary $iterations tests, 0 failures" /tmp/summary)
	is "dmatest threads on $c ($(provider_of "$c")) passing $iterations tests" "$n" 2
done
rmmod dmatest || fail "rmmod dmatest"
finish
