// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cached rings (DMASTREAM_RING_CACHED). Each buffer is physically
 * contiguous ordinary memory, mapped into user space cacheable, with one
 * DMA address for the ring's life. A transfer's ranges pass to the engine
 * at SUBMIT and back at its completion record, and the CPU's and the
 * engine's views are made to agree exactly there:
 *
 *   SUBMIT, a range the engine reads     sync for the device, to device
 *   SUBMIT, a range the engine writes    sync for the device, both ways:
 *                                        bytes it does not write keep what
 *                                        the CPU left in them
 *   completion, a range it wrote         sync for the CPU, from device
 *
 * Where DMA is not cache-coherent, a range the engine writes must cover
 * whole cache lines (validate.c checks ring->write_align): a line shared
 * with bytes the CPU writes meanwhile would be written back over the
 * engine's data, or invalidated under the CPU's.
 *
 * The buffers come from dma_alloc_pages(), which picks memory the device
 * reaches (its DMA zone, CMA, an IOMMU mapping) and never bounces. With
 * the cached_streaming parameter they are plain pages mapped with
 * dma_map_page() instead: they then bounce wherever streaming DMA does
 * (swiotlb=force), holding bounce slots for the ring's life, and each sync
 * is a copy. That is a test aid: on a coherent x86 guest a missing sync is
 * otherwise invisible, to DMA-API debugging too.
 */

#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/gfp.h>
#include <linux/mm.h>

#include "cached.h"
#include "compat.h"
#include "ring.h"

/**
 * dmastream_cached_size_max() - the largest buffer of a cached ring
 * @dma_dev:	the device that performs the DMA.
 * @streaming:	for a ring of streaming-mapped pages (cached_streaming).
 *
 * One page allocator block: dma_alloc_pages() may find more in a CMA
 * area, but whether the device has one is not something a module can
 * ask, and a limit that depends on luck is no limit. Streaming-mapped
 * pages must also fit one mapping (one bounce buffer segment behind
 * swiotlb).
 *
 * Return: bytes, a multiple of PAGE_SIZE; the caller applies
 * buffer_size_max.
 */
u32 dmastream_cached_size_max(struct device *dma_dev, bool streaming)
{
	size_t max = PAGE_SIZE << DMASTREAM_PAGE_ORDER_MAX;

	if (streaming)
		max = min_t(size_t, max, dma_max_mapping_size(dma_dev));
	return min_t(size_t, PAGE_ALIGN_DOWN(max), rounddown(U32_MAX, PAGE_SIZE));
}

/**
 * dmastream_cached_write_align() - alignment of ranges the engine writes
 * @dma_dev:	the device that performs the DMA.
 *
 * Return: the DMA cache alignment where @dma_dev is not cache-coherent,
 * else 1.
 */
u32 dmastream_cached_write_align(struct device *dma_dev)
{
	return dev_is_dma_coherent(dma_dev) ? 1 : dma_get_cache_alignment();
}

/**
 * dmastream_cached_alloc() - allocate one buffer of a cached ring
 * @dma_dev:	the device that performs the DMA.
 * @buf:	filled in: the buffer's kernel address and DMA address.
 * @stride:	bytes, a multiple of PAGE_SIZE, within
 *		dmastream_cached_size_max().
 * @streaming:	plain pages mapped for streaming DMA (cached_streaming).
 *
 * The buffer is zeroed, and the zeroes are what the engine sees too.
 *
 * Return: 0, or -ENOMEM when there is no such memory or no mapping.
 */
int dmastream_cached_alloc(struct device *dma_dev, struct dmastream_buf *buf, u32 stride,
			   bool streaming)
{
	struct page *page;
	dma_addr_t dma;

	if (!streaming) {
		page = dma_alloc_pages(dma_dev, stride, &dma, DMA_BIDIRECTIONAL,
				       GFP_KERNEL | __GFP_NOWARN);
		if (!page)
			return -ENOMEM;
		/*
		 * Never an error here, but 6.1's DMA-API debugging registers
		 * the allocation as a mapping whose error nobody checked, and
		 * says so when it is freed.
		 */
		if (dma_mapping_error(dma_dev, dma)) {
			dma_free_pages(dma_dev, stride, page, dma, DMA_BIDIRECTIONAL);
			return -ENOMEM;
		}
		/* Zeroed through the cache: clean it before the engine looks. */
		memset(page_address(page), 0, stride);
		dma_sync_single_for_device(dma_dev, dma, stride, DMA_BIDIRECTIONAL);
	} else {
		void *cpu = alloc_pages_exact(stride, GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN);

		if (!cpu)
			return -ENOMEM;
		page = virt_to_page(cpu);
		dma = dma_map_page_attrs(dma_dev, page, 0, stride, DMA_BIDIRECTIONAL,
					 DMA_ATTR_NO_WARN);
		if (dma_mapping_error(dma_dev, dma)) {
			free_pages_exact(cpu, stride);
			return -ENOMEM;
		}
	}
	buf->cpu = page_address(page);
	buf->dma = dma;
	return 0;
}

/**
 * dmastream_cached_free() - unmap and free one buffer of a cached ring
 * @dma_dev:	the device it was allocated for.
 * @buf:	the buffer, allocated by dmastream_cached_alloc().
 * @stride:	its size.
 * @streaming:	as it was allocated.
 *
 * Nothing is in flight on a ring that is freed, and nobody reads the
 * buffer again: the unmapping skips the sync for the CPU.
 */
void dmastream_cached_free(struct device *dma_dev, struct dmastream_buf *buf, u32 stride,
			   bool streaming)
{
	if (!streaming) {
		dma_free_pages(dma_dev, stride, virt_to_page(buf->cpu), buf->dma,
			       DMA_BIDIRECTIONAL);
		return;
	}
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

			/* Imports have their own mappings (import.c). */
			if (ref->buf & DMASTREAM_BUF_IMPORTED)
				continue;
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
 * completion path holds: its cost is linear in the bytes this one
 * transfer had written (a stop retires one transfer per locked section).
 */
void dmastream_cached_to_cpu(struct dmastream_kring *ring, const struct dmastream_req *req)
{
	u32 r;

	for (r = 0; r < req->nrefs; r++) {
		const struct dmastream_seg_ref *ref = &req->refs[r];

		if (ref->dma_writes && !(ref->buf & DMASTREAM_BUF_IMPORTED))
			dma_sync_single_range_for_cpu(ring->dma_dev, ring->bufs[ref->buf].dma,
						      ref->offset, ref->len, DMA_FROM_DEVICE);
	}
}
