#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The slave configuration properties of the device tree binding, on the
# armhf lane's pl330 (tests/lanes/pl330-slave.dtso): a device whose values
# the provider accepts is created and configured as its tree says; one with
# a bus width the provider does not have is refused, saying why, and holds
# no channel.
set -u
. "$DMASTREAM_SRC/tests/lanes/lib.sh"

load_lane || exit 1
wait_for 20 test -c /dev/dmastream/slave-ok/rx || fail "slave-ok has its channels"
is "slave-ok tx" "$(rd /sys/class/dmastream/slave-ok.tx/slave_config)" \
	"width=4 burst=8 addr=0xe0008000"
is "slave-ok rx" "$(rd /sys/class/dmastream/slave-ok.rx/slave_config)" \
	"width=2 burst=4 addr=0xe0009000"
is "slave-ok tx direction" "$(rd /sys/class/dmastream/slave-ok.tx/direction)" tx
is "the shipped device's memcpy channel" "$(rd /sys/class/dmastream/pl330.mem0/slave_config)" "-"
[ -e /dev/dmastream/slave-bad ] && fail "slave-bad was created"
contains "slave-bad's refusal" "$(dmesg)" "takes no 16-byte bus width"
finish
