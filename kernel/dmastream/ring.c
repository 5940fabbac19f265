// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ring: buffers allocated on the device that performs the DMA,
 * DMA-coherent or cached (cached.c), and the completion queue shared with
 * user space, plus their mmap().
 *
 * mmap() layout (offsets in bytes, all page aligned):
 *   0                          completion queue, cq_bytes long
 *   buf_offset + i * stride    buffer i, stride = PAGE_ALIGN(size)
 * where buf_offset = PAGE_ALIGN(cq_bytes). A mapping covers part or all of
 * exactly one region; each buffer is mapped into the caller's own VMA.
 *
 * The DMA Proxy personality maps differently: its applications map their
 * whole buffer table with one mmap(), so there offset 0 is buffer 0 and
 * one VMA spans the buffers back to back (dmastream_ring_mmap_table()).
 */

#include <linux/atomic.h>
#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "cached.h"
#include "compat.h"
#include "ring.h"

/* Bytes in the buffers of every ring that exists, against total_ring_bytes_max. */
static atomic64_t dmastream_total_ring_bytes = ATOMIC64_INIT(0);

/**
 * dmastream_total_ring_bytes_limit() - the budget of all rings together
 *
 * Return: total_ring_bytes_max, or half of RAM when that is 0.
 */
u64 dmastream_total_ring_bytes_limit(void)
{
	u64 max = READ_ONCE(dmastream_total_ring_bytes_max);

	return max ?: ((u64)totalram_pages() << PAGE_SHIFT) / 2;
}

static bool dmastream_ring_charge(u64 bytes)
{
	u64 limit = dmastream_total_ring_bytes_limit();

	if (atomic64_add_return(bytes, &dmastream_total_ring_bytes) <= limit)
		return true;
	atomic64_sub(bytes, &dmastream_total_ring_bytes);
	return false;
}

static size_t dmastream_cq_bytes(u32 cq_entries)
{
	return PAGE_ALIGN(DMASTREAM_CQES_OFFSET +
			  (size_t)cq_entries * sizeof(struct dmastream_cqe));
}

static void dmastream_ring_free(struct dmastream_kring *ring)
{
	u32 i;

	/* Left only on a ring that was wedged: see import.c. */
	dmastream_imports_release(ring);
	for (i = 0; i < ring->count; i++) {
		struct dmastream_buf *buf = &ring->bufs[i];

		if (!buf->cpu)
			continue;
		if (ring->flags & DMASTREAM_RING_CACHED)
			dmastream_cached_free(ring->dma_dev, buf, ring->stride, ring->streaming);
		else
			dma_free_coherent(ring->dma_dev, ring->stride, buf->cpu, buf->dma);
	}
	kvfree(ring->bufs);
	vfree(ring->cq_mem);
	atomic64_sub(ring->charged, &dmastream_total_ring_bytes);
	put_device(&ring->chan->dev);
	kfree(ring);
	atomic_dec(&dmastream_live_rings);
}

/**
 * dmastream_ring_create() - allocate a ring for a channel
 * @chan:	the channel; the ring keeps a reference to it.
 * @count:	number of buffers, validated by the caller.
 * @size:	bytes per buffer, validated by the caller.
 * @cq_entries:	completion queue entries, a power of two.
 * @flags:	DMASTREAM_RING_* bits.
 *
 * The ring's buffers count against total_ring_bytes_max from here until
 * the ring is freed.
 *
 * Return: the ring, zeroed; ERR_PTR(-E2BIG) for a cached ring's buffer
 * above dmastream_cached_size_max(), ERR_PTR(-EDQUOT) when all rings
 * together would exceed total_ring_bytes_max, or ERR_PTR(-ENOMEM).
 */
struct dmastream_kring *dmastream_ring_create(struct dmastream_chan *chan, u32 count,
					      u32 size, u32 cq_entries, u32 flags)
{
	u64 bytes = (u64)count * PAGE_ALIGN(size);
	bool streaming = READ_ONCE(dmastream_cached_streaming);
	struct dmastream_kring *ring;
	u32 i;

	if ((flags & DMASTREAM_RING_CACHED) &&
	    PAGE_ALIGN(size) > dmastream_cached_size_max(chan->dma_dev, streaming))
		return ERR_PTR(-E2BIG);
	if (!dmastream_ring_charge(bytes))
		return ERR_PTR(-EDQUOT);
	ring = kzalloc(sizeof(*ring), DMASTREAM_GFP_CALLER);
	if (!ring) {
		atomic64_sub(bytes, &dmastream_total_ring_bytes);
		return ERR_PTR(-ENOMEM);
	}
	ring->charged = bytes;
	atomic_inc(&dmastream_live_rings);
	kref_init(&ring->ref);
	get_device(&chan->dev);
	ring->chan = chan;
	ring->dma_dev = chan->dma_dev;
	ring->size = size;
	ring->stride = PAGE_ALIGN(size);
	ring->flags = flags;
	ring->streaming = (flags & DMASTREAM_RING_CACHED) && streaming;
	ring->write_align = flags & DMASTREAM_RING_CACHED ?
			    dmastream_cached_write_align(ring->dma_dev) : 1;
	ring->cq_entries = cq_entries;
	atomic_set(&ring->mappings, 0);

	ring->cq_bytes = dmastream_cq_bytes(cq_entries);
	ring->cq_mem = vmalloc_user(ring->cq_bytes);
	ring->bufs = kvcalloc(count, sizeof(*ring->bufs), DMASTREAM_GFP_CALLER);
	if (!ring->cq_mem || !ring->bufs)
		goto fail;
	ring->cq = ring->cq_mem;
	ring->cqes = ring->cq_mem + DMASTREAM_CQES_OFFSET;
	ring->cq->ring_mask = cq_entries - 1;
	ring->cq->ring_entries = cq_entries;

	for (i = 0; i < count; i++) {
		struct dmastream_buf *buf = &ring->bufs[i];

		buf->reads = RB_ROOT_CACHED;
		buf->writes = RB_ROOT_CACHED;
		ring->count = i + 1;
		if (flags & DMASTREAM_RING_CACHED) {
			if (dmastream_cached_alloc(ring->dma_dev, buf, ring->stride,
						   ring->streaming))
				goto fail;
			continue;
		}
		/* Zeroed by the DMA API; no warning: failure is reported as ENOMEM. */
		buf->cpu = dma_alloc_coherent(ring->dma_dev, ring->stride, &buf->dma,
					      GFP_KERNEL | __GFP_NOWARN);
		if (!buf->cpu)
			goto fail;
	}
	return ring;

fail:
	dmastream_ring_free(ring);
	return ERR_PTR(-ENOMEM);
}

static void dmastream_ring_release(struct kref *ref)
{
	dmastream_ring_free(container_of(ref, struct dmastream_kring, ref));
}

/**
 * dmastream_ring_put() - drop a reference to a ring
 * @ring:	the ring, or NULL.
 *
 * The last reference frees its memory on the device it came from.
 */
void dmastream_ring_put(struct dmastream_kring *ring)
{
	if (ring)
		kref_put(&ring->ref, dmastream_ring_release);
}

/**
 * dmastream_ring_layout() - the mmap layout of a ring, before it exists
 * @count:	number of buffers.
 * @size:	bytes per buffer.
 * @cq_entries:	completion queue entries.
 * @out:	filled with what SET_RING returns; other fields are left alone.
 *
 * The layout follows from the request alone, so SET_RING can tell it to
 * user space before taking any lock.
 */
void dmastream_ring_layout(u32 count, u32 size, u32 cq_entries, struct dmastream_ring *out)
{
	out->count = count;
	out->size = size;
	out->cq_entries = cq_entries;
	out->cq_offset = 0;
	out->cq_size = dmastream_cq_bytes(cq_entries);
	out->buf_offset = out->cq_size;
	out->buf_stride = PAGE_ALIGN(size);
	out->cq.head = offsetof(struct dmastream_cq_hdr, head);
	out->cq.tail = offsetof(struct dmastream_cq_hdr, tail);
	out->cq.ring_mask = offsetof(struct dmastream_cq_hdr, ring_mask);
	out->cq.ring_entries = offsetof(struct dmastream_cq_hdr, ring_entries);
	out->cq.flags = offsetof(struct dmastream_cq_hdr, flags);
	out->cq.overflow = offsetof(struct dmastream_cq_hdr, overflow);
	out->cq.cqes = DMASTREAM_CQES_OFFSET;
}

/* Completions posted and not yet consumed, as far as user space says. */
u32 dmastream_cq_unreaped(struct dmastream_kring *ring)
{
	/* Pairs with the consumer's release store of head. */
	u32 head = smp_load_acquire(&ring->cq->head);
	u32 used = ring->cq_tail - head;

	/* A head beyond the tail is a lie; count the queue as full. */
	return used > ring->cq_entries ? ring->cq_entries : used;
}

static void dmastream_vma_open(struct vm_area_struct *vma)
{
	struct dmastream_kring *ring = vma->vm_private_data;

	kref_get(&ring->ref);
	atomic_inc(&ring->mappings);
}

static void dmastream_vma_close(struct vm_area_struct *vma)
{
	struct dmastream_kring *ring = vma->vm_private_data;

	atomic_dec(&ring->mappings);
	dmastream_ring_put(ring);
}

static const struct vm_operations_struct dmastream_vm_ops = {
	.open = dmastream_vma_open,
	.close = dmastream_vma_close,
};

/*
 * What every mapping of a ring must be: shared and never executable. A
 * shared mapping of a read-only file (a read-only dma-buf export) has
 * VM_MAYSHARE without VM_SHARED; a private one has neither.
 */
static int dmastream_vma_check(struct vm_area_struct *vma)
{
	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	if (vma->vm_flags & VM_EXEC)
		return -EPERM;
	vm_flags_clear(vma, VM_MAYEXEC);
	return 0;
}

/* A mapped VMA holds the ring, and counts as a mapping, until unmapped. */
static void dmastream_vma_attach(struct dmastream_kring *ring, struct vm_area_struct *vma)
{
	vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_private_data = ring;
	vma->vm_ops = &dmastream_vm_ops;
	dmastream_vma_open(vma);
}

/**
 * dmastream_ring_mmap() - map the completion queue or one buffer
 * @ring:	the channel's current ring.
 * @vma:	the caller's VMA; its offset selects the region.
 *
 * Return: 0, or -EINVAL when the mapping is not shared, does not start in a
 * region or does not fit in it; -EPERM for executable mappings; an errno
 * of the DMA API or of remap_pfn_range().
 */
int dmastream_ring_mmap(struct dmastream_kring *ring, struct vm_area_struct *vma)
{
	unsigned long len = vma->vm_end - vma->vm_start;
	u64 off = (u64)vma->vm_pgoff << PAGE_SHIFT;
	u64 rel, idx;
	int ret;

	ret = dmastream_vma_check(vma);
	if (ret)
		return ret;
	if (off < ring->cq_bytes) {
		if (off || len > ring->cq_bytes)
			return -EINVAL;
		ret = remap_vmalloc_range(vma, ring->cq_mem, 0);
		if (ret)
			return ret;
		dmastream_vma_attach(ring, vma);
		return 0;
	}
	rel = off - ring->cq_bytes;
	idx = div_u64(rel, ring->stride);
	if (idx >= ring->count)
		return -EINVAL;
	return dmastream_ring_mmap_buf(ring, idx, vma, rel - idx * ring->stride);
}

/**
 * dmastream_ring_mmap_buf() - map part of one buffer
 * @ring:	the ring.
 * @idx:	the buffer, below ring->count.
 * @vma:	the caller's VMA (of the channel's file or of an exported dma-buf).
 * @within:	page-aligned offset into the buffer where the VMA starts.
 *
 * The VMA holds the ring, and counts as a mapping of it, until unmapped.
 *
 * Return: 0, or -EINVAL when the mapping is not shared or does not fit in
 * the buffer; -EPERM for executable mappings; an errno of the DMA API.
 */
int dmastream_ring_mmap_buf(struct dmastream_kring *ring, u32 idx, struct vm_area_struct *vma,
			    u64 within)
{
	unsigned long len = vma->vm_end - vma->vm_start;
	struct dmastream_buf *buf = &ring->bufs[idx];
	int ret;

	ret = dmastream_vma_check(vma);
	if (ret)
		return ret;
	if (within >= ring->stride || len > ring->stride - within)
		return -EINVAL;
	if (ring->flags & DMASTREAM_RING_CACHED) {
		ret = dmastream_cached_mmap(buf, vma, within);
	} else {
		/* dma_mmap_coherent() takes the offset into the buffer from vm_pgoff. */
		vma->vm_pgoff = within >> PAGE_SHIFT;
		ret = dma_mmap_coherent(ring->dma_dev, vma, buf->cpu, buf->dma, ring->stride);
	}
	if (ret)
		return ret;
	dmastream_vma_attach(ring, vma);
	return 0;
}

/*
 * Insert @len bytes of a buffer, from @within into it, at @addr. The
 * buffer's pages come from the DMA API, whichever allocator (direct,
 * remapped, IOMMU) produced them.
 */
static int dmastream_map_buf_part(struct dmastream_kring *ring, struct dmastream_buf *buf,
				  struct vm_area_struct *vma, unsigned long addr, u64 within,
				  u64 len, pgprot_t prot)
{
	struct scatterlist *sg;
	struct sg_table sgt;
	unsigned int i;
	int ret;

	if (dma_get_sgtable(ring->dma_dev, &sgt, buf->cpu, buf->dma, ring->stride))
		return -ENXIO;
	ret = 0;
	for_each_sgtable_sg(&sgt, sg, i) {
		u64 n;

		if (within >= sg->length) {
			within -= sg->length;
			continue;
		}
		n = min_t(u64, sg->length - within, len);
		ret = remap_pfn_range(vma, addr, page_to_pfn(sg_page(sg)) + (within >> PAGE_SHIFT),
				      n, prot);
		if (ret)
			break;
		addr += n;
		len -= n;
		within = 0;
		if (!len)
			break;
	}
	sg_free_table(&sgt);
	if (!ret && len)
		ret = -ENXIO;
	return ret;
}

/**
 * dmastream_ring_mmap_table() - map buffers back to back into one VMA
 * @ring:	the channel's current ring, with a page-aligned buffer size
 *		when it has more than one buffer.
 * @vma:	the caller's VMA; its offset counts from the start of buffer 0.
 *
 * For the DMA Proxy personality, whose table of entries spans buffers.
 * The pages get the attributes dma_mmap_coherent() would give them.
 *
 * Return: 0; -EINVAL when the mapping is not shared or reaches beyond the
 * buffers; -EPERM for executable mappings; -ENXIO when the DMA API cannot
 * tell the buffers' pages (memory from a device's private pool); -ENOMEM.
 */
int dmastream_ring_mmap_table(struct dmastream_kring *ring, struct vm_area_struct *vma)
{
	unsigned long addr = vma->vm_start, len = vma->vm_end - vma->vm_start;
	u64 off = (u64)vma->vm_pgoff << PAGE_SHIFT;
	u64 total = (u64)ring->count * ring->stride;
	u32 idx;
	int ret;

	/* dma_get_sgtable() below knows coherent buffers only. */
	if (WARN_ON_ONCE(ring->flags & DMASTREAM_RING_CACHED))
		return -EINVAL;
	ret = dmastream_vma_check(vma);
	if (ret)
		return ret;
	if (off >= total || len > total - off)
		return -EINVAL;
	if (!dev_is_dma_coherent(ring->dma_dev))
		vma->vm_page_prot = pgprot_dmacoherent(vma->vm_page_prot);

	for (idx = div_u64(off, ring->stride); len; idx++) {
		u64 within = off - (u64)idx * ring->stride;
		u64 n = min_t(u64, ring->stride - within, len);

		ret = dmastream_map_buf_part(ring, &ring->bufs[idx], vma, addr, within, n,
					     vma->vm_page_prot);
		if (ret)
			return ret;
		addr += n;
		off += n;
		len -= n;
	}
	dmastream_vma_attach(ring, vma);
	return 0;
}
