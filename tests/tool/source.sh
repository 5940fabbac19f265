#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# dmastream rx from dmasim's packet source (source-sink mode), verified in
# the source's own format (--format dmasim): a source paced by RX loses
# nothing (counter and prbs, full and fast checks); with a deliberately slow
# sink the sequence gaps the verifier counts are exactly the overruns
# dmasim reports, and the tool's rx_queue_empty is the driver's; RX errors
# injected while the stream goes on are reported one by one (exit 7) and
# lose no packet; truncated packets fail verification (exit 9).
set -u
# shellcheck source=tests/tool/lib.sh
. "$DMASTREAM_SRC/tests/tool/lib.sh"

load_modules "$@" || exit 1
expect 0 "$T" create --loopback src0 || exit 1
echo source-sink >"$SIM/mode" || exit 1
# These checks count the source's packets from its first one, and the
# source runs before rx has an owner: the stream flush of a new owner
# (rx_flush_ms, docs/abi.md) would take the first packets of a running
# source, by design. Off here; the driver tests cover the flush.
echo 0 >/sys/module/dmastream/parameters/rx_flush_ms || exit 1

# set_source PATTERN LEN PPS COUNT: set the source up (not started).
set_source() {
	echo "$1" >"$SIM/source_pattern" && echo "$2" >"$SIM/source_len" &&
		echo "$3" >"$SIM/source_pps" && echo "$4" >"$SIM/source_count"
}

# Paced by RX: every packet arrives, in order, and verifies.
for pat in counter prbs; do
	set_source $pat 4096 0 0
	echo 1 >"$SIM/source_run"
	expect 0 "$T" rx src0/rx -s 4K -n 300 --format dmasim --verify --json
	echo 0 >"$SIM/source_run"
	got="$(jv transfers) $(jv good) $(jv verify_errors) $(jv next_seq) $(jv format)"
	is "paced $pat: transfers good verify_errors next_seq format" "$got" "300 300 0 300 dmasim"
	is "paced $pat: bytes" "$(jv bytes)" $((300 * 4096))
	set_source $pat 65536 0 0
	echo 1 >"$SIM/source_run"
	expect 0 "$T" rx src0/rx -s 64K -n 50 --format dmasim --verify=fast --json
	echo 0 >"$SIM/source_run"
	is "paced $pat 64K fast: good" "$(jv good)" 50
done
# Our own pattern is not what this source sends.
set_source counter 4096 0 0
echo 1 >"$SIM/source_run"
expect 9 "$T" rx src0/rx -s 4K -n 10 --verify --json
echo 0 >"$SIM/source_run"
is "wrong format: corrupt" "$(jv corrupt)" 10

# A slow sink: the source runs at 500 packets/s, the sink takes one per
# 10 ms. What the device could not deliver leaves gaps: the dropped count
# plus the packets lost after the last one received (not a gap yet) equals
# dmasim's overruns; the tool's rx_queue_empty equals the driver's.
N=400
set_source counter 4096 500 $N
echo 1 >"$SIM/rx/reset_counters"
expect 0 "$T" stats src0/rx --reset
"$T" rx src0/rx -s 4K -d 4 --sink-delay 10ms --format dmasim --verify --json \
	>/tmp/slow.json 2>/tmp/slow.err &
pid=$!
wait_for 20 owned src0/rx || fail "rx did not start"
echo 1 >"$SIM/source_run"
src_done() { [ "$(rd "$SIM/source_run")" = 0 ]; }
wait_for 30 src_done || fail "the source did not finish"
sleep 1
kill -INT $pid
wait $pid
is "slow sink: exit status (drops are verify errors)" $? 9
IFS= read -r LINE </tmp/slow.json
ov=$(rd "$SIM/rx/overruns")
good=$(jv good)
dropped=$(jv dropped)
next=$(jv next_seq)
gaps=$(jv gaps)
qe=$(jv rx_queue_empty)
echo "slow sink: $good received, $dropped dropped in $gaps gaps, next $next of $N, overruns $ov, rx_queue_empty $qe"
cmp_n "slow sink: overruns" "$ov" -gt 0
cmp_n "slow sink: dropped" "$dropped" -gt 0
is "slow sink: dropped + lost at the end = overruns" $((dropped + N - next)) "$ov"
is "slow sink: received + dropped = next_seq" $((good + dropped)) "$next"
is "slow sink: corrupt duplicates reordered" "$(jv corrupt) $(jv duplicates) $(jv reordered)" "0 0 0"
# An overrun needs an empty queue in dmasim's view (issued descriptors),
# which can be empty for a moment while the driver already counts the next
# transfer in flight (submitted, not yet issued): gaps and rx_queue_empty
# need not match one for one, but gaps without any empty queue cannot be.
[ "$gaps" -eq 0 ] || cmp_n "slow sink: rx_queue_empty when there are gaps" "$qe" -gt 0
expect 0 "$T" stats src0/rx --json
is "slow sink: rx_queue_empty = the driver's" "$(jv rx_queue_empty)" "$qe"

# RX errors while the stream goes on: listed one by one, nothing lost
# (a failed descriptor takes no data).
set_source prbs 4096 0 0
echo 1 >"$SIM/rx/reset_counters"
echo 100 >"$SIM/rx/fail_permille"
echo 1 >"$SIM/source_run"
expect 7 "$T" rx src0/rx -s 4K -n 300 --format dmasim --verify --json
echo 0 >"$SIM/source_run"
echo 0 >"$SIM/rx/fail_permille"
inj=$(rd "$SIM/rx/errors")
cmp_n "rx errors: injected" "$inj" -gt 0
is "rx errors: errors" "$(jv errors)" "$inj"
is "rx errors: failed_transfers_total" "$(jv failed_transfers_total)" "$inj"
is "rx errors: status" "$(jlast status)" engine-error
is "rx errors: transfers" "$(jv transfers)" $((300 - inj))
is "rx errors: verify_errors" "$(jv verify_errors)" 0

# Truncated packets.
echo 1000 >"$SIM/rx/truncate"
echo 1 >"$SIM/source_run"
expect 9 "$T" rx src0/rx -s 4K -n 20 --format dmasim --verify --json
echo 0 >"$SIM/source_run"
echo 0 >"$SIM/rx/truncate"
is "truncated: bad_length" "$(jv bad_length)" 20

# rx -o FILE, then check FILE in the same format.
set_source counter 3000 0 0
echo 1 >"$SIM/source_run"
expect 0 "$T" rx src0/rx -s 4K -n 40 -o /tmp/src.bin
echo 0 >"$SIM/source_run"
expect 0 "$T" check /tmp/src.bin --format dmasim --from-zero --json
is "check: packets good bytes" "$(jv packets) $(jv good) $(jv bytes)" "40 40 120000"

echo loopback >"$SIM/mode"
expect 0 "$T" remove src0
finish
