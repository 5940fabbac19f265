#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kill -9 with transfers in flight on the lane's real provider, at varying
# moments and sizes, ROUNDS times (default 30; CI: 12), then at once a verified loop on the same channel: the
# next owner finds the channel free and working, nothing of the killed
# owner's transfers reaches it, and (the harness checks) the kernel
# neither crashes nor warns.
set -u
. "$DMASTREAM_SRC/tests/lanes/lib.sh"

load_lane || exit 1
rounds=${1:-30}
i=0
while [ $i -lt $rounds ]; do
	case $((i % 3)) in
	0) size=64K ;;
	1) size=1M ;;
	2) size=4M ;;
	esac
	"$T" loop "$DT/mem0" -s $size -d 8 --verify -q >/dev/null 2>&1 &
	pid=$!
	wait_for 20 busy "$DT/mem0" || fail "round $i: nothing in flight"
	# A moment between 0 and 90 ms into the stream.
	sleep "0.0$((RANDOM % 10))"
	kill -9 $pid
	wait $pid 2>/dev/null
	verify_loop "$DT/mem0" 64K 8 32 || break
	i=$((i + 1))
done
is "rounds" $i "$rounds"
is "in flight after the last round" "$(inflight "$DT/mem0")" 0
finish
