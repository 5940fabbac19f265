#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The guest side of bench/memory (docs/bench.md, "Cached against coherent
# rings"): dsmem on one memcpy channel, coherent rings, cached rings,
# registered user memory and imported dma-bufs (where the kernel can make
# them: a DMA heap or udmabuf) in rotating order, for each size; on x86
# dmasim's channel, on an ARM lane the lane's real provider (zynqmp_dma,
# pl330: not DMA-coherent). Records go
# to memory.jsonl in the log folder. As a VM test (bench-memory-check) it
# checks that every record is there and every copy arrived intact; speeds
# are reported, never judged.
#
#   memory.sh ROUNDS MS SIZE...
set -u
rounds=$1 ms=$2
shift 2
out=$VMTEST_OUT/memory.jsonl
: >"$out"

if [ -n "${VMTEST_LANE:-}" ]; then
	. "$DMASTREAM_SRC/tests/lanes/lib.sh"
	load_lane || exit 1
	chan=$DT/mem0
else
	. "$DMASTREAM_SRC/tests/driver/lib.sh"
	load_modules || exit 1
	create_t0 || exit 1
	chan=t0/memcpy
fi

uname -r >"$VMTEST_OUT/memory-kernel.txt"
failed=0
for size in "$@"; do
	if ! "$DMASTREAM_BUILD/tests/bench/dsmem" "$chan" "$size" "$rounds" "$ms" >>"$out"; then
		echo "dsmem $chan $size: FAILED"
		failed=$((failed + 1))
	fi
done
cat "$out"
# The harness refuses a run that leaves its modules loaded: t0 pins them.
[ -z "${VMTEST_LANE:-}" ] && { remove_t0 || failed=$((failed + 1)); }
kinds=3
if [ -e /dev/dma_heap/system ] || [ -e /dev/udmabuf ]; then
	kinds=4
fi
want=$((kinds * rounds * $#))
got=$(grep -c '"xfers":[1-9]' "$out")
echo "memory: $got of $want records"
[ "$failed" -eq 0 ] && [ "$got" -eq "$want" ]
