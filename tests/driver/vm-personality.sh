#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The driver against dmasim with a real provider's habits (docs/dmasim.md,
# "Personalities"): vm-personality.sh PERSONALITY [DMASIM_PARAMS...].
#  - the data path (loopback, memcpy, notification), stops (timeouts,
#    abort) and SIGKILL with transfers in flight, as with the default engine;
#  - memcpy loops of 4 KiB to 4 MiB (x86 has no CMA: no coherent buffer
#    above 4 MiB; the ARM lanes go to 8 MiB) at depths 1, 8 and 64, verified
#    (with zynqmp's 32 descriptors and 64 KiB pieces they wait for the
#    engine: engine_full must grow);
#  - kill -9 under a loop 30 times with completions slowed (delay_us) so that
#    stops must terminate with descriptors completed but not yet reported
#    (with pl330's late callbacks, 200 ms late here, late_callbacks must
#    grow); after each, a verified loop on the same channel;
#  - an injected engine error, reported as the provider reports it: never
#    as a good copy.
. "$(dirname "$0")/lib.sh"
T=$DMASTREAM_BUILD/userspace/tool/dmastream
SIM=/sys/kernel/debug/dmasim/dmasim.0

personality=$1
shift
load_modules personality="$personality" "$@" || exit 1
cat $SIM/habits
# Without a result or a residue, an RX record says the whole buffer.
if grep -qx 'rx/no_result 1' $SIM/habits || grep -qx 'no_residue 1' $SIM/habits; then
	export DSTEST_NO_RX_LENGTH=1
fi
create_t0 || exit 1
run t-loopback 30
run t-memcpy 60
run t-notify
run t-timeout
run t-kill 20

stat() {
	read -r v <"/sys/class/dmastream/t0.memcpy/stats/$1" && echo "$v"
}

# loop SIZE DEPTH COUNT: a verified memcpy loop that gets everything back
# (the tool exits 0 only when all COUNT transfers completed and verified).
loop() {
	"$T" loop t0/memcpy -s "$1" -d "$2" -n "$3" --verify --json >/tmp/loop.out 2>&1 && return 0
	echo "memcpy $1 depth $2: $(cat /tmp/loop.out)"
	return 1
}

# x86 has no CMA: a coherent buffer above 4 MiB cannot be allocated.
matrix() {
	for s in 4K 64K 1M 4M; do
		for d in 1 8 64; do
			loop $s $d $((2 * d + 4)) || return 1
		done
	done
}
check matrix

kills() {
	echo 3000 >$SIM/memcpy/delay_us || return 1
	# Late callbacks come after the stop has given up waiting for them
	# (an RCU grace period under TCG can take tens of ms).
	[ "$personality" = pl330 ] && echo 200000 >$SIM/memcpy/late_callback_us
	for i in $(seq 30); do
		"$T" loop t0/memcpy -s 256K -d 32 --verify -q >/dev/null 2>&1 &
		pid=$!
		n=0
		until [ "$(cat /sys/class/dmastream/t0.memcpy/stats/inflight)" -gt 8 ]; do
			n=$((n + 1))
			[ $n -lt 200 ] || { kill -9 $pid; echo "round $i: nothing in flight"; return 1; }
			sleep 0.05
		done
		kill -9 $pid
		wait $pid 2>/dev/null
		echo 0 >$SIM/memcpy/delay_us
		loop 64K 8 16 || return 1
		echo 3000 >$SIM/memcpy/delay_us
	done
	echo 0 >$SIM/memcpy/delay_us
}
check kills

# An engine error, as this provider reports it: pl330 calls back with no
# result (its tx_status says DMA_ERROR), zynqmp drops its whole queue with
# no callback, xilinx_dma stalls. No failed copy may be reported done (every
# completed transfer is verified), the failure must show (exit status 7:
# engine error, or 8: timeout), and the channel must work afterwards.
engine_error() {
	echo 3 >$SIM/memcpy/fail_nth || return 1
	"$T" loop t0/memcpy -s 64K -d 4 -n 12 --xfer-timeout 500ms --verify --json \
		>/tmp/err.out 2>&1
	rc=$?
	echo "engine error: exit $rc: $(cat /tmp/err.out)"
	case $rc in 7|8) ;; *) return 1 ;; esac
	grep -q '"verify_errors":0,' /tmp/err.out || return 1
	loop 64K 4 12
}
check engine_error

echo "memcpy: engine_full $(stat engine_full) late_callbacks $(stat late_callbacks)"
case $personality in
zynqmp) check test "$(stat engine_full)" -gt 0 ;;
pl330) check test "$(stat late_callbacks)" -gt 0 ;;
esac
remove_t0
finish
