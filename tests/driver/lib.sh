# SPDX-License-Identifier: GPL-2.0
# Sourced by the driver's VM test scripts: load the modules, create the test
# device "t0" on dmasim engine 0, run test programs, clean up.

BIN=$DMASTREAM_BUILD/tests/driver
CFS=/sys/kernel/config/dmastream
FAILED=0

load_modules() {
	modprobe configfs || return 1
	grep -q ' /sys/kernel/config ' /proc/mounts ||
		mount -t configfs none /sys/kernel/config || return 1
	insmod "$DMASTREAM_KMODS/kernel/dmasim/dmasim.ko" "$@" || return 1
	insmod "$DMASTREAM_KMODS/kernel/dmastream/dmastream.ko" || return 1
}

sim_chan() {
	cat "/sys/bus/platform/devices/dmasim.0/channels/$1"
}

create_t0() {
	mkdir "$CFS/t0" || return 1
	echo "tx=$(sim_chan tx) rx=$(sim_chan rx) memcpy=$(sim_chan memcpy)" >"$CFS/t0/channels" ||
		return 1
	echo 1 >"$CFS/t0/enable" || return 1
	[ -c /dev/dmastream/t0/tx ] && [ -c /dev/dmastream/t0/rx ] &&
		[ -c /dev/dmastream/t0/memcpy ]
}

remove_t0() {
	[ -d "$CFS/t0" ] && rmdir "$CFS/t0"
}

unload_modules() {
	rmmod dmastream && rmmod dmasim
}

# run NAME [ARGS...]: one test program; its failure is counted, not fatal.
# Each starts with an empty loopback FIFO, whatever the previous one left.
run() {
	name=$1
	shift
	echo "== $name $*"
	echo 1 >/sys/kernel/debug/dmasim/dmasim.0/fifo_flush
	if "$BIN/$name" "$@"; then
		echo "-- $name: ok"
	else
		echo "-- $name: FAILED"
		FAILED=$((FAILED + 1))
	fi
}

check() {
	if "$@"; then
		echo "-- $*: ok"
	else
		echo "-- $*: FAILED"
		FAILED=$((FAILED + 1))
	fi
}

finish() {
	echo "== $FAILED failed"
	[ "$FAILED" -eq 0 ]
}
