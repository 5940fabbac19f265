# SPDX-License-Identifier: GPL-2.0
# Sourced by the ARM lanes' provider tests: the tool test helpers
# (tests/tool/lib.sh), plus what each lane's real DMA provider is.
#   DT            the dmastream device the lane's device tree creates
#   PROVIDER_MOD  the provider's module (none: built into the kernel)
#   PROVIDER_DRV  the provider's driver in sysfs (bind, unbind)

# shellcheck source=tests/tool/lib.sh
. "$DMASTREAM_SRC/tests/tool/lib.sh"

case ${VMTEST_LANE:-} in
arm64-*)
	DT=zdma
	PROVIDER_MOD=$DMASTREAM_KMODS/providers/xilinx/zynqmp_dma.ko
	PROVIDER_DRV=/sys/bus/platform/drivers/xilinx-zynqmp-dma
	;;
armhf-*)
	DT=pl330
	PROVIDER_MOD=
	PROVIDER_DRV=/sys/bus/amba/drivers/dma-pl330
	;;
*)
	echo "not on an ARM lane (VMTEST_LANE is '${VMTEST_LANE:-}')"
	exit 2
	;;
esac

# load_lane [--installed] [DMASTREAM_PARAMS...]: the driver, the provider,
# and the device tree's dmastream device once the provider is there.
# --installed: the driver as a board build installed it (kernel/Makefile's
# modules_install, scripts/board-build), found by modprobe in extra/.
load_lane() {
	modprobe configfs || return 1
	if [ "${1:-}" = --installed ]; then
		shift
		load_installed dmastream "$@" || return 1
	else
		insmod "$DMASTREAM_KMODS/kernel/dmastream/dmastream.ko" "$@" || return 1
	fi
	if [ -n "$PROVIDER_MOD" ]; then
		insmod "$PROVIDER_MOD" || return 1
	fi
	[ "${LANE_PROVIDER_PM:-pinned}" = pinned ] && { pin_provider_awake || return 1; }
	wait_for 20 test -c "/dev/dmastream/$DT/mem1" || {
		fail "the device tree's $DT device did not appear"
		return 1
	}
}

# pin_provider_awake: on arm64, keeps every zynqmp_dma device runtime-
# active (power/control "on"; it stays so across unbind, bind and reload).
# zynqmp_dma (6.1) remove() calls its runtime-suspend routine even when
# runtime PM has already suspended the device, disabling shared clocks
# twice; the clock core then warns (once their count reaches zero). The
# autosuspend comes 100 ms after a channel's last use, so a host that
# stalls the guest between a test's release of a channel and an unbind or
# unload makes any lane test fail on the provider's defect (seen once in
# CI, in provider-unbind). provider-zynqmp-remove-defect shows the defect
# (LANE_PROVIDER_PM=free) and that this avoids it.
pin_provider_awake() {
	case ${VMTEST_LANE:-} in arm64-*) ;; *) return 0 ;; esac
	for pa_dev in "$PROVIDER_DRV"/*.dma-controller; do
		echo on >"$pa_dev/power/control" || {
			fail "keep ${pa_dev##*/} runtime-active"
			return 1
		}
	done
}

# load_installed MODULE [PARAMS...]: modprobe MODULE, which must resolve to
# the board install in extra/ and be the module that got loaded.
load_installed() {
	li_mod=$1
	shift
	li_dep=/lib/modules/$(uname -r)/modules.dep
	grep -q "^extra/$li_mod/$li_mod.ko:" "$li_dep" || {
		fail "$li_mod.ko is not installed in extra/ ($li_dep)"
		return 1
	}
	modprobe "$li_mod" "$@" || { fail "modprobe $li_mod"; return 1; }
	li_want=$(modinfo -F srcversion "$li_mod")
	li_got=$(rd "/sys/module/$li_mod/srcversion")
	[ -n "$li_want" ] && [ "$li_got" = "$li_want" ] || {
		fail "loaded $li_mod has srcversion '$li_got', installed '$li_want'"
		return 1
	}
	echo "loaded the installed extra/$li_mod/$li_mod.ko ($li_got)"
}

# free_chans: the provider's dmaengine channels no client holds.
free_chans() {
	for c in /sys/class/dma/dma*chan*; do
		[ "$(rd "$c/in_use")" = 0 ] && echo "${c##*/}"
	done
}

# provider_of CHANNEL: the device that provides a dmaengine channel.
provider_of() {
	p=$(readlink "/sys/class/dma/$1/device")
	echo "${p##*/}"
}

# running PID: the process still runs.
running() {
	kill -0 "$1" 2>/dev/null
}

# busy DEV/LABEL: transfers are in flight on the channel. No fork, so
# that catch_in_flight samples often.
busy() {
	read -r bz_n <"/sys/class/dmastream/${1%/*}.${1#*/}/stats/inflight" 2>/dev/null &&
		[ "$bz_n" -gt 0 ]
}

# moving PID DEV/LABEL BASE: program PID runs and data moves on the channel:
# transfers in flight, or more than BASE completed.
moving() {
	running "$1" && { busy "$2" || streamed "$2" "$3"; }
}

# start_loop TARGET ARGS...: "dmastream loop TARGET ARGS..." in the
# background, its pid in $pid, once data moves. The emulated engines move
# a transfer within the doorbell write, so a loop may have nothing in
# flight at most moments (4 MiB on zdma: about 1 sample in 100): waiting
# for "in flight" alone missed for 20 s on a loaded host. A loop that
# ends or does not move data in 20 s fails, with its messages shown.
start_loop() {
	sl_target=$1
	shift
	sl_base=$(completed "$sl_target")
	"$T" loop "$sl_target" "$@" -q >/dev/null 2>/tmp/start-loop.err &
	pid=$!
	wait_for 20 moving $pid "$sl_target" "$sl_base" && return 0
	if running $pid; then
		fail "$sl_target: loop $* moved no data in 20 s"
		kill -9 $pid
		wait $pid 2>/dev/null
	else
		wait $pid
		fail "$sl_target: loop $* ended (status $?) before moving data: $(cat /tmp/start-loop.err)"
	fi
	return 1
}

# catch_in_flight DEV/LABEL: wait (up to some 2000 samples) for a moment
# with transfers in flight; false if none was seen. The caller acts at
# once: the moment may be over by then, which is a moment worth testing
# too.
catch_in_flight() {
	ci_n=2000
	while [ $ci_n -gt 0 ]; do
		busy "$1" && return 0
		ci_n=$((ci_n - 1))
	done
	return 1
}

# verify_loop TARGET SIZE DEPTH COUNT [OPTION...]: a verified memcpy loop
# that must get every transfer back intact.
verify_loop() {
	vl_target=$1 vl_size=$2 vl_depth=$3 vl_count=$4
	shift 4
	expect 0 "$T" loop "$vl_target" -s "$vl_size" -d "$vl_depth" -n "$vl_count" --verify \
		--json "$@" || return 1
	got="$(jv transfers) $(jv errors) $(jv verify_errors)"
	is "$vl_target $vl_size depth $vl_depth $*: transfers errors verify_errors" "$got" \
		"$vl_count 0 0"
}

# provider_dmatest ITERATIONS: the kernel's dmatest, two threads on each
# of two free channels of the provider; every thread must pass them all.
provider_dmatest() {
	P=/sys/module/dmatest/parameters
	insmod "$DMASTREAM_KMODS/linux-source/dmatest.ko" || { fail "insmod dmatest"; return 1; }
	chans=$(free_chans | head -n 2)
	cmp_n "free channels for dmatest" "$(echo "$chans" | wc -w)" -ge 1
	for kv in timeout=10000 threads_per_chan=2 iterations=$1 max_channels=2 \
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
		n=$(grep -c "$c-copy[0-9]*: summary $1 tests, 0 failures" /tmp/summary)
		is "dmatest threads on $c ($(provider_of "$c")) passing $1 tests" "$n" 2
	done
	rmmod dmatest || fail "rmmod dmatest"
}
