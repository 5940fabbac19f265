#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# In the guest (debian.sh, step 6): load dmasim.ko and dmastream.ko as DKMS
# built them from dmastream-dkms, and run dmastream-tools' program (unpacked
# from its .deb) against dmasim: a loopback device, a verified loop of
# transfers, its removal; on that device, lib-probe (built against
# libdmastream-dev) with libdmastream0's shared library.
#
#   guest.sh MODULE_DIR ROOT MULTIARCH LIB_PROBE
set -u
# shellcheck source=tests/tool/lib.sh
. "$DMASTREAM_SRC/tests/tool/lib.sh"
mdir=$1 root=$2 multiarch=$3 probe=$4
T=$root/usr/bin/dmastream

modprobe configfs || { fail "modprobe configfs"; exit 1; }
for m in dmasim dmastream; do
	ko=
	for f in "$mdir/$m".ko*; do [ -f "$f" ] && ko=$f; done
	[ -n "$ko" ] || { fail "no $m module in $mdir"; exit 1; }
	insmod "$ko" || { fail "insmod $ko"; exit 1; }
	if [ -d "/sys/module/$m" ]; then ok "DKMS-built $m loaded"; else fail "$m is not loaded"; fi
done
is "dmastream module version" "$(cat /sys/module/dmastream/version)" "$(modinfo -F version "$mdir"/dmastream.ko*)"

expect 0 "$T" --version
expect 0 "$T" create --loopback pkg0
expect 0 "$T" list --json
contains "list --json" "$LINE" '"pkg0/rx"'
expect 0 "$T" loop pkg0 --count 100 --size 4K --verify --json
is "loop transfers" "$(jv transfers)" 100
is "loop verify_errors" "$(jv verify_errors)" 0
is "loop status" "$(jv status)" ok
export LD_LIBRARY_PATH="$root/usr/lib/$multiarch"
expect 0 "$probe" pkg0/rx
unset LD_LIBRARY_PATH
contains "lib-probe" "$(cat "$OUT")" "label rx"
contains "lib-probe" "$(cat "$OUT")" "state idle"
expect 0 "$T" remove pkg0
finish
