#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kill -9 at random moments, ROUNDS times (kill-loop.c), on dmasim's test
# device; then the modules must unload (dmastream warns at unload if any
# transfer, descriptor or ring is left) and the kernel's unreclaimable slab
# is compared with what it was before the modules were loaded.
#   vm-kill-loop.sh ROUNDS
. "$DMASTREAM_SRC/tests/driver/lib.sh"

rounds=${1:-200}
sunreclaim() {
	sed -n 's/^SUnreclaim: *\([0-9]*\) kB/\1/p' /proc/meminfo
}

before=$(sunreclaim)
load_modules || exit 1
create_t0 || exit 1
start=$(date +%s)
check "$DMASTREAM_BUILD/tests/fuzz/kill-loop" "$rounds"
echo "kill loop: $rounds rounds in $(($(date +%s) - start)) s"
remove_t0
check unload_modules
echo 3 >/proc/sys/vm/drop_caches
after=$(sunreclaim)
# Reported, not asserted: the rest of the kernel allocates too.
echo "SUnreclaim: $before kB before loading, $after kB after unloading ($((after - before)) kB)"
finish
