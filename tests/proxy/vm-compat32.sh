#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The DMA Proxy personality from a 32-bit program on the 64-bit kernel: the
# ioctls' 4-byte size encoding through compat_ioctl, the same entry layout.
set -u
# shellcheck source=tests/tool/lib.sh
. "$DMASTREAM_SRC/tests/tool/lib.sh"
# shellcheck source=tests/driver/lib.sh
. "$DMASTREAM_SRC/tests/driver/lib.sh"
BIN=$DMASTREAM_BUILD/tests/proxy

load_modules || exit 1
expect 0 "$T" create --loopback --dma-proxy || exit 1
run t-proxy-m32 app 1000 128 1
run t-proxy-m32 app 100 4 1
run t-proxy-m32 errno
expect 0 "$T" remove dma_proxy
check unload_modules
finish
