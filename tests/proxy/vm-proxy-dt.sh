#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The DMA Proxy 2.0 personality from the device tree, as Xilinx's design
# declares it: the ARM lanes' dma-proxy variant (tests/lanes/dma-proxy.dtso)
# has a node compatible with "xlnx,dma_proxy" whose dma-names are
# dma_proxy_tx and dma_proxy_rx, on a dmasim engine of the same tree.
#  - dma_proxy_bind=0 leaves the node alone (another driver may have it);
#  - loaded as usual (here before dmasim), dmastream binds it once its
#    provider is there and creates /dev/dma_proxy_tx and /dev/dma_proxy_rx with the direction
#    each name says, on the channels the tree names;
#  - dmastream list shows them; create --loopback --dma-proxy finds the
#    names taken and says by whom (status 6); remove cannot remove them;
#  - names taken by a configfs device while the tree's device was unbound:
#    binding it fails with EEXIST and claims nothing, then works;
#  - the DMA Proxy application's pattern with every word verified, and
#    every error t-proxy checks;
#  - the nodes go with the module and come back with it.
set -u
# shellcheck source=tests/tool/lib.sh
. "$DMASTREAM_SRC/tests/tool/lib.sh"
# shellcheck source=tests/driver/lib.sh
. "$DMASTREAM_SRC/tests/driver/lib.sh"
BIN=$DMASTREAM_BUILD/tests/proxy
KM=$DMASTREAM_KMODS/kernel
SIM=/sys/bus/platform/devices/dmasim-proxy
NODE=/sys/bus/platform/devices/dma_proxy
DRV=/sys/bus/platform/drivers/dmastream

# t-proxy MODE ARGS: on an empty loopback FIFO (the tree's engine).
px() {
	echo 1 >/sys/kernel/debug/dmasim/dmasim-proxy/fifo_flush
	check "$BIN/t-proxy" "$@"
}

modprobe configfs || exit 1
check insmod "$KM/dmasim/dmasim.ko"
check test -e "$SIM/channels/tx"

# in_use CHANNEL: dmaengine's count of clients of that channel.
in_use() {
	rd "/sys/class/dma/$(rd "$SIM/channels/$1")/in_use"
}

# Left alone: probed, declined with a message, nothing created or claimed.
dmesg -C
check insmod "$KM/dmastream/dmastream.ko" dma_proxy_bind=0
contains "dmesg with dma_proxy_bind=0" "$(dmesg)" "left to another driver (dma_proxy_bind=0)"
check test ! -e /dev/dma_proxy_tx
check test ! -e /sys/class/dmastream/dma_proxy_rx
check test ! -e "$NODE/driver"
is "tx channel's clients, declined" "$(in_use tx)" 0
is "rx channel's clients, declined" "$(in_use rx)" 0
check unload_modules

# dmastream first: the node waits for its provider (deferred probe), and
# is bound when dmasim registers the tree's engine.
check insmod "$KM/dmastream/dmastream.ko"
check test ! -e /dev/dma_proxy_tx
check insmod "$KM/dmasim/dmasim.ko"
wait_for 20 test -c /dev/dma_proxy_rx || fail "the tree's dma_proxy node made no /dev/dma_proxy_rx"
for l in tx rx; do
	c=/sys/class/dmastream/dma_proxy_$l
	check test -c "/dev/dma_proxy_$l"
	is "dma_proxy_$l abi" "$(rd "$c/abi")" dma_proxy
	is "dma_proxy_$l direction" "$(rd "$c/direction")" "$l"
	is "dma_proxy_$l channel" "$(rd "$c/dma_channel")" "$(rd "$SIM/channels/$l")"
done

# The tool sees the tree's device and says whose the names are.
expect 0 "$T" list
contains "dmastream list" "$(cat "$OUT")" "dma_proxy/dma_proxy_tx"
expect 6 "$T" create --loopback --dma-proxy
contains "create's refusal" "$(cat "$ERR")" "it comes from a device tree (xlnx,dma_proxy)"
check test ! -e /sys/kernel/config/dmastream/dma_proxy
expect 3 "$T" remove dma_proxy
check test -c /dev/dma_proxy_tx

# Names taken while the tree's device was unbound: binding it again fails
# (EEXIST, with a message) and claims nothing, and works once they are free.
check "$BIN/t-proxy" write "$DRV/unbind" dma_proxy ok
is "tx channel's clients, unbound" "$(in_use tx)" 0
expect 0 "$T" create --loopback --dma-proxy
dmesg -C
check "$BIN/t-proxy" write "$DRV/bind" dma_proxy EEXIST
contains "dmesg of the refused bind" "$(dmesg)" 'DMA Proxy label "dma_proxy_tx" is taken'
is "tx channel's clients, refused" "$(in_use tx)" 0
is "rx channel's clients, refused" "$(in_use rx)" 0
expect 0 "$T" remove dma_proxy
check "$BIN/t-proxy" write "$DRV/bind" dma_proxy ok
check test -c /dev/dma_proxy_tx
is "tx channel's clients, bound" "$(in_use tx)" 1

px app 200 128 1
px app 200 4 1
px app 50 1 1
px errno

# The nodes go with the module; the tree's node is bound again at reload.
check rmmod dmastream
check test ! -e /dev/dma_proxy_tx
check insmod "$KM/dmastream/dmastream.ko"
wait_for 20 test -c /dev/dma_proxy_tx || fail "no /dev/dma_proxy_tx after a reload"
px app 20 4 1
check unload_modules
finish
