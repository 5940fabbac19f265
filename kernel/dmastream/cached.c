// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cached rings (DMASTREAM_RING_CACHED). Each buffer is physically
 * contiguous ordinary memory, mapped into user space cacheable and mapped
 * once, for the ring's life, for streaming DMA in both directions on the
 * engine's device. A transfer's ranges pass to the engine at SUBMIT and
 * back at its completion record, and the CPU's and the engine's views are
 * made to agree exactly there:
 *
 *   SUBMIT, a range the engine reads     sync for the device, to device
 *   SUBMIT, a range the engine writes    sync for the device, both ways:
 *                                        bytes it does not write keep what
 *                                        the CPU left in them
 *   completion, a range it wrote         sync for the CPU, from device
 *
 * Where DMA is cache-coherent and nothing bounces, each sync is a test
 * and a return. Behind a bounce buffer (swiotlb=force, or a device that
 * cannot reach the pages) the syncs are copies, which is what lets the
 * test suite see a missing one on a coherent x86 guest.
 */

#include <linux/dma-mapping.h>
#include <linux/gfp.h>
#include <linux/mm.h>

#include "cached.h"
#include "compat.h"
#include "ring.h"

/**
 * dmastream_cached_size_max() - the largest buffer of a cached ring
 * @dma_dev:	the device that performs the DMA.
 *
 * A buffer is one allocation of contiguous pages and one streaming mapping,
 * so it is bounded by the page allocator's largest order and by what the
 * DMA API can map at once for @dma_dev (a bounce buffer's slot size).
 *
 * Return: bytes, a multiple of PAGE_SIZE.
 */
u32 dmastream_cached_size_max(struct device *dma_dev)
{
	size_t max = min_t(size_t, PAGE_SIZE << DMASTREAM_PAGE_ORDER_MAX,
			   dma_max_mapping_size(dma_dev));

	return min_t(size_t, PAGE_ALIGN_DOWN(max), rounddown(U32_MAX, PAGE_SIZE));
}

/**
 * dmastream_cached_alloc() - allocate and map one buffer of a cached ring
 * @dma_dev:	the device that performs the DMA.
 * @buf:	filled in: the buffer's kernel address and DMA address.
 * @stride:	bytes, a multiple of PAGE_SIZE, within
 *		dmastream_cached_size_max().
 *
 * The buffer is zeroed, and the mapping makes the zeroes what the engine
 * sees too.
 *
 * Return: 0, or -ENOMEM when there are no such pages or no mapping.
 */
int dmastream_cached_alloc(struct device *dma_dev, struct dmastream_buf *buf, u32 stride)
{
	void *cpu = alloc_pages_exact(stride, GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN);
	dma_addr_t dma;

	if (!cpu)
		return -ENOMEM;
	dma = dma_map_page(dma_dev, virt_to_page(cpu), 0, stride, DMA_BIDIRECTIONAL);
	if (dma_mapping_error(dma_dev, dma)) {
		free_pages_exact(cpu, stride);
		return -ENOMEM;
	}
	buf->cpu = cpu;
	buf->dma = dma;
	return 0;
}

/**
 * dmastream_cached_free() - unmap and free one buffer of a cached ring
 * @dma_dev:	the device it was mapped for.
 * @buf:	the buffer, allocated by dmastream_cached_alloc().
 * @stride:	its size.
 *
 * Nothing is in flight on a ring that is freed, and nobody reads the
 * buffer again: the unmapping skips the sync for the CPU.
 */
void dmastream_cached_free(struct device *dma_dev, struct dmastream_buf *buf, u32 stride)
{
	dma_unmap_page_attrs(dma_dev, buf->dma, stride, DMA_BIDIRECTIONAL,
			     DMA_ATTR_SKIP_CPU_SYNC);
	free_pages_exact(buf->cpu, stride);
}

/**
 * dmastream_cached_mmap() - map part of a cached buffer into user space
 * @buf:	the buffer.
 * @vma:	the caller's VMA, checked to fit in the buffer from @within.
 * @within:	page-aligned byte offset into the buffer.
 *
 * The pages keep the VMA's own (cacheable) protection.
 *
 * Return: 0 or a negative errno from remap_pfn_range().
 */
int dmastream_cached_mmap(struct dmastream_buf *buf, struct vm_area_struct *vma, u64 within)
{
	unsigned long pfn = page_to_pfn(virt_to_page(buf->cpu)) + (within >> PAGE_SHIFT);

	return remap_pfn_range(vma, vma->vm_start, pfn, vma->vm_end - vma->vm_start,
			       vma->vm_page_prot);
}

/**
 * dmastream_cached_to_engine() - hand accepted transfers' ranges to the engine
 * @ring:	a cached ring.
 * @reqs:	transfers whose ranges are reserved and not yet accepted, so
 *		that no descriptor of theirs can reach the engine before.
 * @n:		how many.
 *
 * In process context, without irq_lock: cache maintenance is linear in the
 * bytes, and this keeps it out of the interrupts-off sections.
 */
void dmastream_cached_to_engine(struct dmastream_kring *ring, struct dmastream_req **reqs,
				u32 n)
{
	u32 i, r;

	for (i = 0; i < n; i++) {
		const struct dmastream_req *req = reqs[i];

		for (r = 0; r < req->nrefs; r++) {
			const struct dmastream_seg_ref *ref = &req->refs[r];

			dma_sync_single_range_for_device(ring->dma_dev, ring->bufs[ref->buf].dma,
							 ref->offset, ref->len,
							 ref->dma_writes ? DMA_BIDIRECTIONAL :
							 DMA_TO_DEVICE);
		}
		cond_resched();
	}
}

/**
 * dmastream_cached_to_cpu() - hand a finished transfer's ranges back
 * @ring:	the cached ring its ranges are reserved on.
 * @req:	a transfer the engine is done with (completed or stopped),
 *		before its record is posted and its ranges are released.
 *
 * Ranges the engine only read need nothing. Under irq_lock, which the
 * completion path holds; its cost is linear in the bytes written.
 */
void dmastream_cached_to_cpu(struct dmastream_kring *ring, const struct dmastream_req *req)
{
	u32 r;

	for (r = 0; r < req->nrefs; r++) {
		const struct dmastream_seg_ref *ref = &req->refs[r];

		if (ref->dma_writes)
			dma_sync_single_range_for_cpu(ring->dma_dev, ring->bufs[ref->buf].dma,
						      ref->offset, ref->len, DMA_FROM_DEVICE);
	}
}
