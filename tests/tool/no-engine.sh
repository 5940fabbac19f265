#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The dmastream tool against the real module, before any DMA engine exists:
# "module not loaded" is told apart from "no such channel", configfs is
# mounted on demand, a device whose channels cannot be claimed is refused
# with the right exit code and removed again, and --json failures are JSON.
set -u
T="$DMASTREAM_BUILD/userspace/tool/dmastream"
fails=0

# expect STATUS CMD...: run CMD, compare its exit status.
expect() {
	want=$1
	shift
	"$@" >/tmp/out 2>/tmp/err
	got=$?
	if [ "$got" -ne "$want" ]; then
		echo "FAIL: $* exited $got, expected $want"
		cat /tmp/out /tmp/err
		fails=$((fails + 1))
	else
		echo "ok: $* -> $got"
	fi
}

expect 5 "$T" list
expect 5 "$T" loop loop0 --count 1
expect 5 "$T" create --loopback loop0

modprobe configfs
insmod "$DMASTREAM_KMODS/kernel/dmastream/dmastream.ko"

expect 0 "$T" list
grep -q "no dmastream channels" /tmp/out || { echo "FAIL: list output"; fails=$((fails + 1)); }
expect 0 "$T" list --json
[ "$(cat /tmp/out)" = '{"channels":[]}' ] || { echo "FAIL: list --json: $(cat /tmp/out)"; fails=$((fails + 1)); }
expect 3 "$T" info loop0/rx
expect 3 "$T" loop loop0 --count 1 --json
grep -q '"class":"no-channel"' /tmp/out || { echo "FAIL: JSON failure"; fails=$((fails + 1)); }

# No dmasim: --loopback has no engine to read channel names from.
expect 5 "$T" create --loopback loop0
# A channel that does not exist cannot be claimed; nothing may be left behind.
expect 3 "$T" create bad0 --channels "tx=dma9chan9"
[ ! -e /sys/kernel/config/dmastream/bad0 ] || { echo "FAIL: bad0 left in configfs"; fails=$((fails + 1)); }
# Malformed lists are refused by the driver itself.
expect 2 "$T" create bad1 --channels "nolabelprefix=dma0chan0"
[ ! -e /sys/kernel/config/dmastream/bad1 ] || { echo "FAIL: bad1 left in configfs"; fails=$((fails + 1)); }
expect 3 "$T" remove nosuch
mount | grep -q configfs || { echo "FAIL: configfs not mounted"; fails=$((fails + 1)); }

umount /sys/kernel/config
rmmod dmastream
expect 5 "$T" list
echo "$fails failure(s)"
[ "$fails" -eq 0 ]
