#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kill -9 of a running loop on the lane's real provider, at varying
# moments and sizes, ROUNDS times (default 30; CI: 12), then at once a
# verified loop on the same channel: the next owner finds the channel free
# and working, nothing of the killed owner's transfers reaches it, and (the
# harness checks) the kernel neither crashes nor warns. Each kill waits for
# a moment with transfers in flight (start_loop says why they are rare on
# the emulated engines); at least one kill must find one.
set -u
. "$DMASTREAM_SRC/tests/lanes/lib.sh"

load_lane || exit 1
rounds=${1:-30}
caught=0
i=0
while [ $i -lt $rounds ]; do
	case $((i % 3)) in
	0) size=64K ;;
	1) size=1M ;;
	2) size=4M ;;
	esac
	start_loop "$DT/mem0" -s $size -d 8 --verify || break
	# A moment between 0 and 90 ms into the stream, then the first moment
	# after it with transfers in flight.
	sleep "0.0$((RANDOM % 10))"
	catch_in_flight "$DT/mem0" && caught=$((caught + 1))
	running $pid || fail "round $i: the loop ended before the kill"
	kill -9 $pid
	wait $pid 2>/dev/null
	verify_loop "$DT/mem0" 64K 8 32 || break
	i=$((i + 1))
done
is "rounds" $i "$rounds"
echo "# $caught of $i kills came with transfers in flight"
[ "$caught" -gt 0 ] || fail "no kill came with transfers in flight"
is "in flight after the last round" "$(inflight "$DT/mem0")" 0
finish
