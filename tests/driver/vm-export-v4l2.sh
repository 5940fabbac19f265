#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Exported ring buffers imported by a V4L2 capture device, and vivid's
# own buffers (VIDIOC_EXPBUF) imported by the memcpy channel (t-vivid): two
# vivid instances, one with each buffer back end that imports dma-bufs
# (vmalloc: dma_buf_vmap(); dma-contig: attach and map for its device),
# capture only, one webcam input (no HDMI, so no CEC and no rc_core left
# behind). Coherent rings, then cached ones; then the example
# v4l2-dmabuf-tx on each vivid node. Not under swiotlb=force:
# vivid's "DMA" is its CPU writing through the vmap, which a bounced
# mapping for its device would overwrite when unmapped.
. "$(dirname "$0")/lib.sh"

load_modules || exit 1
modprobe vivid n_devs=2 allocators=0,1 node_types=0x1,0x1 num_inputs=1,1 input_types=0,0 || {
	echo "modprobe vivid failed"
	exit 1
}
create_t0 || exit 1
run t-vivid
DSTEST_RING=cached run t-vivid
# The example: frames captured into the TX ring's buffers go out from
# there, through dmasim's loopback, and arrive intact.
for node in /sys/class/video4linux/video*; do
	grep -q vid-cap "$node/name" || continue
	check "$DMASTREAM_BUILD/userspace/examples/v4l2-dmabuf-tx" "/dev/${node##*/}" t0/tx 8 t0/rx
done
remove_t0
modprobe -r vivid
finish
