#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# dmastream loop against faults injected in dmasim: engine errors are
# reported per transfer while the stream goes on (exit 7 at the end), the
# sticky error state ends a run (7), stalls end in a timeout (8), truncated
# and stale packets fail verification (9); SIGINT mid-stream exits 130 and
# SIGKILL mid-stream (also with transfers stuck in the engine) leaves the
# channels reusable: the next loop succeeds.
set -u
# shellcheck source=tests/tool/lib.sh
. "$DMASTREAM_SRC/tests/tool/lib.sh"

load_modules "$@" || exit 1
expect 0 "$T" create --loopback loop0 || exit 1

# clean_loop: the channels are reusable; a fresh loop verifies.
clean_loop() {
	expect 0 "$T" loop loop0 -n 30 -s 16K --json
	is "$1: next loop transfers" "$(jv transfers)" 30
}

# One TX transfer fails: packet 4 is never sent; counted once, as an engine
# error (not as a drop), and the other 49 arrive and verify.
echo 5 >"$SIM/tx/fail_nth"
expect 7 "$T" loop loop0 -n 50 -s 8K --json
is "tx error: status" "$(jlast status)" engine-error
is "tx error: errors" "$(jv errors)" 1
is "tx error: read_errors" "$(jv read_errors)" 1
is "tx error: failed_transfers_total" "$(jv failed_transfers_total)" 1
is "tx error: failed channel" "$(jv channel)" tx
is "tx error: failed index" "$(jv index)" 4
is "tx error: transfers" "$(jv transfers)" 49
is "tx error: verify_errors" "$(jv verify_errors)" 0
is "tx error: excused" "$(jv excused)" 1
echo 1 >"$SIM/fifo_flush"

# RX errors while the stream goes on: every failure is listed, the others
# verify (a failed RX descriptor takes no data: nothing is lost).
echo 1 >"$SIM/rx/reset_counters"
echo 100 >"$SIM/rx/fail_permille"
expect 7 "$T" loop loop0 -n 300 -s 4K --json
echo 0 >"$SIM/rx/fail_permille"
inj=$(rd "$SIM/rx/errors")
cmp_n "rx errors injected" "$inj" -gt 0
is "rx errors: errors" "$(jv errors)" "$inj"
is "rx errors: write_errors" "$(jv write_errors)" "$inj"
is "rx errors: failed_transfers_total" "$(jv failed_transfers_total)" "$inj"
is "rx errors: failed channel" "$(jv channel)" rx
is "rx errors: transfers (every packet came)" "$(jv transfers)" 300
is "rx errors: verify_errors" "$(jv verify_errors)" 0
clean_loop "after rx errors"

# Text output names each failed transfer.
echo 3 >"$SIM/tx/fail_nth"
expect 7 "$T" loop loop0 -n 10 -s 4K
contains "text report" "$(cat "$OUT" "$ERR")" "failed: tx transfer 2"
echo 1 >"$SIM/fifo_flush"

# A channel latched in error: error_threshold (8) failures in a row put it
# in the sticky error state and end the run; closing leaves it.
echo 1 >"$SIM/tx/stuck"
expect 7 "$T" loop loop0 -n 100 -s 4K --json
is "sticky: status" "$(jlast status)" engine-error
contains "sticky: error" "$LINE" '"error":"'
echo 0 >"$SIM/tx/stuck"
echo 1 >"$SIM/fifo_flush"
clean_loop "after the sticky error state"

# Stalled engine: the idle timeout, then the driver's per-transfer timeout.
echo 1 >"$SIM/tx/stall"
expect 8 "$T" loop loop0 -n 10 -s 4K --timeout 1s --json
is "stall: status" "$(jlast status)" timeout
echo 1 >"$SIM/fifo_flush"
echo 1 >"$SIM/tx/stall"
expect 8 "$T" loop loop0 -n 10 -s 4K --xfer-timeout 300ms --json
cmp_n "xfer-timeout: timeouts" "$(jv timeouts)" -ge 1
is "xfer-timeout: status" "$(jlast status)" timeout
echo 0 >"$SIM/tx/stall"
echo 1 >"$SIM/fifo_flush"
clean_loop "after timeouts"

# Verification: packets cut short by the engine, and stale buffers (RX
# writes nothing) are found.
echo 1000 >"$SIM/tx/truncate"
expect 9 "$T" loop loop0 -n 20 -s 4K --json
echo 0 >"$SIM/tx/truncate"
is "truncated: status" "$(jlast status)" verify-failed
is "truncated: bad_length" "$(jv bad_length)" 20
is "truncated: errors" "$(jv errors)" 0
echo 1 >"$SIM/fifo_flush"
echo 1 >"$SIM/rx/no_copy"
expect 9 "$T" loop loop0 -n 20 -s 4K --pattern prbs --json
echo 0 >"$SIM/rx/no_copy"
is "stale: corrupt" "$(jv corrupt)" 20
echo 1 >"$SIM/fifo_flush"
clean_loop "after verification failures"

# SIGINT mid-stream: 130, a clean summary, channels idle and reusable.
before=$(rd /sys/class/dmastream/loop0.rx/stats/completed)
"$T" loop loop0 -n 10M -s 64K --json >/tmp/int.json 2>/tmp/int.err &
pid=$!
wait_for 20 catches $pid 2 || fail "loop did not catch SIGINT"
wait_for 20 streamed loop0/rx "$before" || fail "loop moved nothing"
kill -INT $pid
wait_exit $pid 60 loop0/tx loop0/rx
is "SIGINT: exit status" $? 130
IFS= read -r LINE </tmp/int.json
is "SIGINT: interrupted" "$(jv interrupted)" true
is "SIGINT: status" "$(jlast status)" interrupted
is "SIGINT: verify_errors" "$(jv verify_errors)" 0
is "SIGINT: errors" "$(jv errors)" 0
cmp_n "SIGINT: transfers" "$(jv transfers)" -gt 0
owned loop0/rx && fail "rx still owned after SIGINT"
owned loop0/tx && fail "tx still owned after SIGINT"
clean_loop "after SIGINT"

# rx interrupted while waiting for data that never comes.
"$T" rx loop0/rx -n 5 --json >/tmp/int.json 2>/dev/null &
pid=$!
wait_for 20 owned loop0/rx || fail "rx did not start"
wait_for 20 catches $pid 2 || fail "rx did not catch SIGINT"
kill -INT $pid
wait_exit $pid 60 loop0/rx
is "SIGINT rx: exit status" $? 130
clean_loop "after SIGINT of rx"

# SIGKILL mid-stream, streaming and with transfers stuck in the engine: the
# driver stops the DMA when the files close; the channels are reusable.
for how in streaming stalled; do
	[ $how = stalled ] && echo 1 >"$SIM/tx/stall"
	"$T" loop loop0 -n 10M -s 64K >/dev/null 2>&1 &
	pid=$!
	wait_for 20 owned loop0/rx || fail "loop did not start"
	sleep 1
	kill -KILL $pid
	wait $pid
	is "SIGKILL $how: exit status" $? 137
	# shellcheck disable=SC2016 # expanded by that sh
	wait_for 10 sh -c '! read -r n _ </sys/class/dmastream/loop0.rx/ring || [ "$n" = 0 ]' ||
		fail "rx still owned after SIGKILL"
	echo 0 >"$SIM/tx/stall"
	is "SIGKILL $how: nothing in flight" "$(inflight loop0/tx) $(inflight loop0/rx)" "0 0"
	is "SIGKILL $how: no descriptors left" "$(rd "$SIM/live_descriptors")" 0
	# Packets the killed run had sent but not yet received are still in
	# the loopback path, as in an FPGA's FIFO. It was receiving when it
	# died, so the next owner's SET_RING drains them (rx_flush_ms): a
	# verified run gets none of them.
	expect 0 "$T" loop loop0 -n 30 -s 16K --verify --json
	is "after SIGKILL $how: next loop transfers verify_errors" \
		"$(jv transfers) $(jv verify_errors)" "30 0"
done

expect 0 "$T" remove loop0
finish
