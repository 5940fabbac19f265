#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The examples (userspace/examples: RX -> TCP servers on epoll and io_uring
# by hand, and the pipeline in a GLib and a libuv loop) serve a real TCP
# client on loopback: dmastream tx sends packets through dmasim's TX->RX
# loopback, the server streams what its RX channel receives to the client,
# and the bytes the client got are checked with dmastream check: every
# packet, in order, none damaged. The ARM lanes have no GLib or libuv for
# the target, so there only the first two run. Then usermem-loop sends and
# receives the program's own registered memory through the same loopback,
# and rx-dmabuf-forward sends what ex0's RX receives out of a second
# device's TX without a copy: the pipeline hands its buffers over as
# dma-bufs (exports of its ring; then, where the kernel can make dma-bufs,
# a dma-buf per buffer) and holds each until its send completes; what the
# second device's RX gets must be every packet, in order, intact.
set -u
# shellcheck source=tests/tool/lib.sh
. "$DMASTREAM_SRC/tests/tool/lib.sh"
EX=$DMASTREAM_BUILD/userspace/examples
N=200
SIZE=65536	# the examples' buffer size: one packet per RX transfer

# A second engine for the forward's second loopback device.
load_modules engines=2 "$@" || exit 1
expect 0 "$T" create --loopback ex0 || exit 1
# The guest's loopback interface starts down.
ip link set lo up || exit 1

size_is() {
	[ -e "$1" ] && [ "$(wc -c <"$1")" -eq "$2" ]
}


servers="epoll-rx-server uring-rx-server"
[ -n "${VMTEST_LANE:-}" ] || servers="$servers glib-rx-server uv-rx-server"
for srv in $servers; do
	[ -x "$EX/$srv" ] || fail "$srv was not built (scripts/bootstrap installs what it needs)"
done

port=5301
for srv in $servers; do
	[ -x "$EX/$srv" ] || continue
	for pat in counter prbs; do
		rm -f /tmp/got /tmp/srv.out
		"$EX/$srv" ex0/rx $port >/tmp/srv.out 2>/tmp/srv.err &
		spid=$!
		wait_for 10 listening /tmp/srv.out $port || fail "$srv does not listen"
		"$DMASTREAM_BUILD/tests/tool/tcp-sink" $port >/tmp/got &
		cpid=$!
		# The server queues its 16 buffers once the client is there.
		# shellcheck disable=SC2016 # expanded by that sh
		wait_for 10 sh -c '[ "$(cat /sys/class/dmastream/ex0.rx/stats/inflight)" = 16 ]' ||
			fail "$srv did not queue its buffers"
		expect 0 "$T" tx ex0 -n $N -s $SIZE --pattern $pat --json
		is "$srv $pat: tx transfers" "$(jv transfers)" $N
		if ! wait_for 30 size_is /tmp/got $((N * SIZE)); then
			fail "$srv $pat: the client got $(wc -c </tmp/got) bytes of $((N * SIZE))"
			kill -KILL $spid $cpid
			break 2
		fi
		kill -INT $spid
		wait $spid
		is "$srv $pat: server exit status" $? 0
		wait $cpid
		is "$srv $pat: client exit status" $? 0
		expect 0 "$T" check - --from-zero --json </tmp/got
		got="$(jv packets) $(jv good) $(jv bytes) $(jv verify_errors) $(jv skipped_bytes)"
		is "$srv $pat: packets good bytes errors skipped" "$got" "$N $N $((N * SIZE)) 0 0"
		is "$srv $pat: channel idle again" "$(inflight ex0/rx)" 0
		port=$((port + 1))
	done
done

# The program's own memory, registered, through the same loopback: every
# frame sent from where it is and received into the program's other array.
expect 0 "$EX/usermem-loop" ex0 64 65536
is "usermem-loop: frames equal" "$(jv frames) $(jv equal)" "64 true"
is "usermem-loop: channel idle again" "$(inflight ex0/rx)" 0

expect 0 "$T" create --loopback ex1 --engine 1 || exit 1
kinds=ring
if [ -e /dev/dma_heap/system ] || [ -e /dev/udmabuf ]; then
	kinds="ring dmabuf"
else
	echo "# no DMA heap or udmabuf in this kernel: dma-buf buffers not forwarded"
fi
for kind in $kinds; do
	rm -f /tmp/fwd
	"$T" rx ex1 -n $N -s $SIZE -o /tmp/fwd --json >/tmp/rx.json 2>/tmp/rx.err &
	rpid=$!
	if ! wait_for 10 owned ex1/rx; then
		fail "forward $kind: dmastream rx did not start"
		kill -KILL $rpid
		wait $rpid
		continue
	fi
	"$EX/rx-dmabuf-forward" ex0/rx ex1/tx $N "$kind" >/tmp/fwd.json 2>/tmp/fwd.err &
	fpid=$!
	# shellcheck disable=SC2016 # expanded by that sh
	if ! wait_for 10 sh -c '[ "$(cat /sys/class/dmastream/ex0.rx/stats/inflight)" = 8 ]'; then
		fail "forward $kind: the pipeline did not queue its buffers"
		sed 's/^/# forward: /' /tmp/fwd.err
		kill -KILL $rpid $fpid
		wait $rpid $fpid
		continue
	fi
	expect 0 "$T" tx ex0 -n $N -s $SIZE --pattern prbs --json
	wait_exit $fpid 60 ex0/rx ex1/tx
	is "forward $kind: exit status" $? 0
	line=$(cat /tmp/fwd.json)
	is "forward $kind: forwarded failed" "$(jv forwarded "$line") $(jv failed "$line")" "$N 0"
	cmp_n "forward $kind: imports (one per buffer at most)" "$(jv imports "$line")" -le 16
	wait_exit $rpid 60 ex1/rx
	is "forward $kind: dmastream rx exit status" $? 0
	expect 0 "$T" check - --from-zero --json </tmp/fwd
	got="$(jv packets) $(jv good) $(jv verify_errors)"
	is "forward $kind: packets good errors" "$got" "$N $N 0"
	is "forward $kind: channels idle again" "$(inflight ex0/rx) $(inflight ex1/tx)" "0 0"
	owned ex0/rx && fail "forward $kind: ex0/rx still has a ring"
	[ -s /tmp/fwd.err ] && sed 's/^/# forward: /' /tmp/fwd.err
done
expect 0 "$T" remove ex1

expect 0 "$T" remove ex0
finish
