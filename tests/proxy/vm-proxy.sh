#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The DMA Proxy 2.0 personality on dmasim's loopback: the device
# "dmastream create --loopback --dma-proxy" makes, the DMA Proxy
# application's pattern with every word verified, every documented error
# (t-proxy errno), the configfs rules of abi=dma_proxy, the device removed
# under open files, and an unload that finds nothing left.
# Argument "quick" (the ARM lanes): fewer transfers.
set -u
# tests/tool/lib.sh: $T, expect, is; tests/driver/lib.sh (sourced second:
# its load_modules mounts configfs): run, check, sim_chan, unload_modules.
# shellcheck source=tests/tool/lib.sh
. "$DMASTREAM_SRC/tests/tool/lib.sh"
# shellcheck source=tests/driver/lib.sh
. "$DMASTREAM_SRC/tests/driver/lib.sh"
BIN=$DMASTREAM_BUILD/tests/proxy
PX=$BIN/t-proxy

if [ "${1:-}" = quick ]; then
	n128=200 n4=200 n1=50
else
	n128=1000 n4=1000 n1=100
fi

# Engine 1: channels for the second proxy device of the configfs checks.
load_modules engines=2 || exit 1
expect 0 "$T" create --loopback --dma-proxy || exit 1

# /dev/<label>, mode 0660, and the class device's abi.
nodes() {
	for l in dma_proxy_tx dma_proxy_rx; do
		[ -c "/dev/$l" ] || { echo "/dev/$l: not a character device"; return 1; }
		# shellcheck disable=SC2046 # the words of ls -l
		set -- $(ls -l "/dev/$l")
		[ "$1" = crw-rw---- ] || { echo "/dev/$l: mode $1, expected crw-rw----"; return 1; }
		a=$(rd "/sys/class/dmastream/$l/abi")
		[ "$a" = dma_proxy ] || { echo "/sys/class/dmastream/$l/abi: '$a'"; return 1; }
	done
}
check nodes
is "configfs dma_proxy/abi" "$(rd "$CFS/dma_proxy/abi")" dma_proxy

# The DMA Proxy 2.0 application's pattern (1 TX, 32 RX in flight).
run t-proxy app "$n128" 128 1
run t-proxy app "$n4" 4 1
run t-proxy app "$n1" 1 1
run t-proxy errno

# configfs: the abi attribute and the label rules of abi=dma_proxy, on
# dmasim engine 1 (engine 0's pair is dma_proxy's).
sim1() {
	rd "/sys/bus/platform/devices/dmasim.1/channels/$1"
}
W() {
	check "$PX" write "$@"
}
P=$CFS/px1
check mkdir "$P"
is "px1/abi by default" "$(rd "$P/abi")" dmastream
W "$P/abi" bogus EINVAL
W "$P/abi" dma_proxy ok
is "px1/abi" "$(rd "$P/abi")" dma_proxy
# A '.': a valid name for channels (it starts with rx), not for dma_proxy.
W "$P/channels" "rx_a.b=$(sim1 rx)" ok
W "$P/enable" 1 EINVAL
# No tx or rx token.
W "$P/channels" "rxq_proxy=$(sim1 rx)" ok
W "$P/enable" 1 EINVAL
# dma_proxy's label.
W "$P/channels" "dma_proxy_rx=$(sim1 rx)" ok
W "$P/enable" 1 EEXIST
# A memcpy channel.
W "$P/channels" "dma_proxy_tx_1=$(sim1 memcpy)" ok
W "$P/enable" 1 EINVAL
# A channel dma_proxy holds.
W "$P/channels" "dma_proxy_rx_1=$(sim_chan rx)" ok
W "$P/enable" 1 ENODEV
# After all those refusals, a good one: the channels were given back.
W "$P/channels" "dma_proxy_rx_1=$(sim1 rx) dma_proxy_tx_1=$(sim1 tx)" ok
W "$P/enable" 1 ok
check test -c /dev/dma_proxy_rx_1
check test -c /dev/dma_proxy_tx_1
is "dma_proxy_rx_1/abi" "$(rd /sys/class/dmastream/dma_proxy_rx_1/abi)" dma_proxy
W "$P/abi" dmastream EBUSY
W "$CFS/dma_proxy/abi" dmastream EBUSY
W "$P/enable" 0 ok
check test ! -e /dev/dma_proxy_rx_1
W "$P/abi" dmastream ok
# abi=dmastream applies its own rule at enable (labels start with tx, rx, mem).
W "$P/channels" "dma_proxy_rx_1=$(sim1 rx)" ok
W "$P/enable" 1 EINVAL
check rmdir "$P"

# Removed under open files and a sleeping FINISH; then made again.
run t-proxy removal "$CFS/dma_proxy"
check test ! -e /dev/dma_proxy_tx
check test ! -e /sys/class/dmastream/dma_proxy_rx
expect 0 "$T" create --loopback --dma-proxy
run t-proxy app 50 4 1
expect 0 "$T" remove dma_proxy
check test ! -e /dev/dma_proxy_rx
check test ! -e "$CFS/dma_proxy"
# The driver counts what it allocated and warns at unload if anything is left.
check unload_modules
finish
