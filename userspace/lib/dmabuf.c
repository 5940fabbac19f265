// SPDX-License-Identifier: MIT
/*
 * dma-bufs to use as buffers: allocated where the kernel can make them (the
 * system DMA heap, else udmabuf), and the CPU's accesses to them bracketed
 * as their exporter's rules ask. Both go through the channel's backend, so
 * that the unit tests' fake driver can stand in for the kernel.
 */
#include <errno.h>
#include <unistd.h>

#include "internal.h"

/* An import holds at most this much (docs/abi.md, limits). */
#define DMABUF_MAX_BYTES	(1ULL << 31)

int dms_dmabuf_alloc(struct dms_channel *ch, size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	if (!ch || size == 0)
		return -EINVAL;
	if (size > DMABUF_MAX_BYTES)
		return -E2BIG;
	return ch->be->dmabuf_alloc(ch->be_ctx, (size + page - 1) / page * page);
}

int dms__dmabuf_sync(struct dms_channel *ch, int fd, uint64_t flags)
{
	return ch->be->dmabuf_sync(ch->be_ctx, fd, flags);
}
