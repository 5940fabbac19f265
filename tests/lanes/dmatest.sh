#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The kernel's own dmatest on the lane's real provider: the baseline that
# the provider itself works under QEMU, in a boot where dmastream's
# device-tree device holds two of its channels. (provider-loop runs it
# again after its matrix, in the same boot.)
set -u
. "$DMASTREAM_SRC/tests/lanes/lib.sh"

load_lane || exit 1
provider_dmatest 300
finish
