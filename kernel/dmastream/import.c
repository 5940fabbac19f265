// SPDX-License-Identifier: GPL-2.0-only
/*
 * Imported buffers: memory from elsewhere used as buffers of a ring, so
 * that transfers move data into and out of it without a copy. Two kinds
 * bring it: dma-bufs (import_dmabuf.c, DMASTREAM_IOC_IMPORT_BUF) and the
 * caller's own pinned pages (import_user.c, DMASTREAM_IOC_REGISTER_MEM).
 * Both map it once for the engine's device; this file takes it from there.
 *
 * The mapping's table is read into entries and DMA-contiguous runs, and
 * transfers only look them up, as io_uring's registered buffers. The
 * driver keeps the engine's view in step at the same two hand-overs as
 * for a cached ring (SUBMIT, and the completion record), syncing its own
 * mapping by DMA address (CONFIG_DMABUF_DEBUG scrambles a dma-buf table's
 * page links): an exporter that leaves importers' mappings alone when the
 * CPU brackets its access with DMA_BUF_IOCTL_SYNC (udmabuf, shmem GEM
 * objects) then still works where DMA bounces or is not cache-coherent.
 * Fences are not waited for: a transfer that would have to wait for one
 * is refused (validate.c asks dmastream_import_ready()), and no fence is
 * added for transfers.
 *
 * Imports go with the ring's owner, not with the ring's memory: mappings
 * and exports keep a ring alive, and an import of another channel's export
 * holds that channel's ring, so two channels importing each other's
 * exports would otherwise hold each other forever. Only a ring that DMA
 * may still reach (terminating failed: chan->wedged_ring) keeps its
 * imports until it is freed.
 */

#include <linux/dma-buf.h>
#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/dma-resv.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "import.h"
#include "ring.h"

/* The kind's own mapping goes first: it may still hold the engine's view. */
static void dmastream_import_free(struct dmastream_kimport *imp)
{
	imp->unmap(imp);
	kvfree(imp);
	atomic_dec(&dmastream_live_imports);
}

/* How many entries of @sgt cover its first @size bytes; 0 if not all. */
static u32 dmastream_count_ents(struct sg_table *sgt, u64 size)
{
	struct scatterlist *sg;
	u64 covered = 0;
	u32 n = 0;
	unsigned int i;

	for_each_sgtable_dma_sg(sgt, sg, i) {
		if (covered >= size)
			break;
		if (!sg_dma_len(sg))
			continue;
		covered += sg_dma_len(sg);
		n++;
	}
	return covered >= size ? n : 0;
}

/*
 * Fill @imp's entries and runs from its table. Entries that are
 * contiguous for the device make one run unless that would cross the
 * device's segment boundary, which the exporter respected in its entries
 * and a descriptor must respect too. Each run must start where the engine
 * may start a segment, as a ring buffer's pages do: otherwise a segment
 * aligned in the dma-buf would not be aligned for the engine where the run
 * breaks.
 */
static int dmastream_fill_ents(struct dmastream_kimport *imp, u32 align)
{
	unsigned long boundary = dma_get_seg_boundary(imp->dma_dev);
	struct dmastream_import_ent *ent = imp->ents;
	dma_addr_t run_dma = 0;
	struct scatterlist *sg;
	u64 pos = 0;
	unsigned int i;
	u32 n;

	for_each_sgtable_dma_sg(imp->sgt, sg, i) {
		if (pos >= imp->size)
			break;
		if (!sg_dma_len(sg))
			continue;
		ent->start = pos;
		ent->len = min_t(u64, sg_dma_len(sg), imp->size - pos);
		ent->dma = sg_dma_address(sg);
		if (ent == imp->ents || ent[-1].dma + ent[-1].len != ent->dma ||
		    (run_dma | boundary) != ((ent->dma + ent->len - 1) | boundary)) {
			if (!IS_ALIGNED(ent->dma, align) || !IS_ALIGNED(ent->start, align))
				return -EINVAL;
			imp->nruns++;
			run_dma = ent->dma;
		}
		ent->run = imp->nruns - 1;
		if (dma_need_sync(imp->dma_dev, ent->dma))
			imp->need_sync = true;
		pos += ent->len;
		ent++;
		if (!(i % 1024))
			cond_resched();
	}
	/* Where each entry's run ends, from the back. */
	for (n = imp->nents; n--; ) {
		ent = &imp->ents[n];
		if (n + 1 == imp->nents || ent[1].run != ent->run)
			ent->run_end = ent->start + ent->len;
		else
			ent->run_end = ent[1].run_end;
	}
	return 0;
}

/**
 * dmastream_import_new() - an import of memory mapped for the engine
 * @chan:	the channel whose engine the memory is mapped for.
 * @sgt:	the mapping, for chan->dma_dev; it stays the caller's until
 *		this succeeds.
 * @size:	the bytes of @sgt the import covers, 1 .. DMASTREAM_IMPORT_SIZE_MAX.
 * @dir:	the direction @sgt is mapped in.
 * @engine_reads: the engine only reads it.
 * @unmap:	undoes the caller's mapping once the import goes (called by
 *		the import's release, not on failure here).
 *
 * The caller sets ->origin and ->origin_start, what tells two imports of
 * the same memory apart, and the fields of its own kind.
 *
 * Return: the import, or -EINVAL (a table shorter than @size, a run the
 * engine cannot start a segment at), -ENOMEM.
 */
struct dmastream_kimport *dmastream_import_new(struct dmastream_chan *chan, struct sg_table *sgt,
					       u64 size, enum dma_data_direction dir,
					       bool engine_reads,
					       void (*unmap)(struct dmastream_kimport *imp))
{
	struct dmastream_kimport *imp;
	u32 nents;
	int ret;

	/* A table shorter than the memory is the exporter's bug. */
	nents = dmastream_count_ents(sgt, size);
	if (!nents)
		return ERR_PTR(-EINVAL);
	imp = kvzalloc(struct_size(imp, ents, nents), DMASTREAM_GFP_CALLER);
	if (!imp)
		return ERR_PTR(-ENOMEM);
	imp->dma_dev = chan->dma_dev;
	imp->sgt = sgt;
	imp->dir = dir;
	imp->engine_reads = engine_reads;
	imp->size = size;
	imp->nents = nents;
	imp->write_align = dev_is_dma_coherent(chan->dma_dev) ? 1 : dma_get_cache_alignment();
	imp->buf.reads = RB_ROOT_CACHED;
	imp->buf.writes = RB_ROOT_CACHED;
	ret = dmastream_fill_ents(imp, max(chan->caps.addr_align, chan->caps.len_align));
	if (ret) {
		kvfree(imp);
		return ERR_PTR(ret);
	}
	imp->unmap = unmap;
	atomic_inc(&dmastream_live_imports);
	return imp;
}

/**
 * dmastream_import_begin() - may the owner import into its ring now?
 * @chan:	the channel, chan->lock held and its owner checked (the lock is
 *		kept until the import is installed or given up: a removal of
 *		the channel releases imports under it before the provider goes,
 *		and must find one installed or not made at all).
 *
 * Return: 0, or -EIO (the ring may still be reached by DMA: the provider
 * could not terminate).
 */
int dmastream_import_begin(struct dmastream_chan *chan)
{
	lockdep_assert_held(&chan->lock);
	return chan->wedged_ring == chan->ring ? -EIO : 0;
}

/**
 * dmastream_import_vacant() - may memory join the owner's ring in a slot?
 * @chan:	the channel, chan->lock held since dmastream_import_begin().
 * @slot:	the slot, below DMASTREAM_IMPORTS_MAX.
 * @origin:	what the memory is: the dma-buf, or the pages' mm.
 * @start:	where in @origin it starts: 0, or the user address.
 * @size:	its size.
 *
 * Asked before the memory is mapped for the engine: the ring mapping some
 * of it a second time is what the DMA API does not support (DMA-API
 * debugging reports overlapping mappings a device may write).
 *
 * Return: 0, or -EEXIST (the slot is taken, or the ring imports some of
 * this memory already).
 */
int dmastream_import_vacant(struct dmastream_chan *chan, u32 slot, const void *origin,
			    u64 start, u64 size)
{
	struct dmastream_kring *ring = chan->ring;
	u32 i;

	lockdep_assert_held(&chan->lock);
	if (ring->imports[slot])
		return -EEXIST;
	for (i = 0; i < DMASTREAM_IMPORTS_MAX; i++) {
		const struct dmastream_kimport *imp = ring->imports[i];

		if (imp && imp->origin == origin && imp->origin_start < start + size &&
		    start < imp->origin_start + imp->size)
			return -EEXIST;
	}
	return 0;
}

/**
 * dmastream_import_install() - make an import a buffer of the owner's ring
 * @chan:	the channel, chan->lock held since dmastream_import_begin() (and
 *		since dmastream_import_vacant() allowed this import).
 * @slot:	the slot, below DMASTREAM_IMPORTS_MAX.
 * @imp:	a new import, which the ring now holds.
 *
 * Return: the ring, with a reference the caller puts once it has told user
 * space (dmastream_import_tell()).
 */
struct dmastream_kring *dmastream_import_install(struct dmastream_chan *chan, u32 slot,
						 struct dmastream_kimport *imp)
{
	struct dmastream_kring *ring = chan->ring;

	lockdep_assert_held(&chan->lock);
	kref_get(&ring->ref);
	imp->serial = ++ring->import_serial;
	spin_lock_irq(&chan->irq_lock);
	ring->imports[slot] = imp;
	ring->nimports++;
	spin_unlock_irq(&chan->irq_lock);
	return ring;
}

/*
 * Take back an import its caller could not be told of. chan->lock not
 * held. The caller's own threads may have started using the slot
 * meanwhile: an import with a transfer in flight stays. They may also have
 * released it and imported again into the same slot, at the same address:
 * the serial, not the pointer, says whether the import is still this one.
 */
static void dmastream_import_undo(struct dmastream_chan *chan, struct dmastream_kring *ring,
				  u32 slot, u64 serial)
{
	struct dmastream_kimport *imp;

	mutex_lock(&chan->lock);
	spin_lock_irq(&chan->irq_lock);
	imp = ring->imports[slot];
	if (chan->ring == ring && imp && imp->serial == serial &&
	    RB_EMPTY_ROOT(&imp->buf.reads.rb_root) &&
	    RB_EMPTY_ROOT(&imp->buf.writes.rb_root)) {
		ring->imports[slot] = NULL;
		ring->nimports--;
	} else {
		imp = NULL;
	}
	spin_unlock_irq(&chan->irq_lock);
	if (imp)
		dmastream_import_free(imp);
	mutex_unlock(&chan->lock);
}

/**
 * dmastream_import_tell() - write the request of a new import back
 * @chan:	the channel, chan->lock not held: a slow user fault must not
 *		hold it.
 * @ring:	the ring the import was installed in, kept by the reference
 *		dmastream_import_install() took (the caller puts it after).
 * @slot:	the import's slot.
 * @serial:	its serial number.
 * @uarg:	the request in user memory.
 * @req:	the request with its outputs filled in.
 * @len:	its size.
 *
 * A caller that cannot be told gets nothing imported, unless its own
 * threads started using the import meanwhile.
 *
 * Return: 0, or -EFAULT.
 */
int dmastream_import_tell(struct dmastream_chan *chan, struct dmastream_kring *ring, u32 slot,
			  u64 serial, void __user *uarg, const void *req, size_t len)
{
	int ret = 0;

	if (copy_to_user(uarg, req, len)) {
		ret = -EFAULT;
		dmastream_import_undo(chan, ring, slot, serial);
	}
	return ret;
}

/**
 * dmastream_import_end() - DMASTREAM_IOC_RELEASE_BUF: end an import
 * @chan:	the channel, chan->lock held and its owner checked.
 * @idx:	the import's buffer index, as the caller gave it.
 *
 * Return: 0; -EINVAL (not the index of an import); -EBUSY (a transfer in
 * flight uses it, or the ring may still be reached by DMA).
 */
int dmastream_import_end(struct dmastream_chan *chan, u32 idx)
{
	struct dmastream_kring *ring = chan->ring;
	struct dmastream_kimport *imp;
	u32 slot = idx & ~DMASTREAM_BUF_IMPORTED;

	lockdep_assert_held(&chan->lock);
	if (!(idx & DMASTREAM_BUF_IMPORTED) || slot >= DMASTREAM_IMPORTS_MAX ||
	    !ring->imports[slot])
		return -EINVAL;
	if (chan->wedged_ring == ring)
		return -EBUSY;
	spin_lock_irq(&chan->irq_lock);
	imp = ring->imports[slot];
	if (!RB_EMPTY_ROOT(&imp->buf.reads.rb_root) ||
	    !RB_EMPTY_ROOT(&imp->buf.writes.rb_root)) {
		spin_unlock_irq(&chan->irq_lock);
		return -EBUSY;
	}
	ring->imports[slot] = NULL;
	ring->nimports--;
	spin_unlock_irq(&chan->irq_lock);
	/* Under chan->lock: a removal must not see the provider go first. */
	dmastream_import_free(imp);
	return 0;
}

/**
 * dmastream_imports_release() - end every import of a ring
 * @ring:	a ring no transfer is in flight on and DMA cannot reach, that
 *		is nobody's current ring any more (or is being freed).
 */
void dmastream_imports_release(struct dmastream_kring *ring)
{
	struct dmastream_chan *chan = ring->chan;
	u32 i;

	for (i = 0; i < DMASTREAM_IMPORTS_MAX && ring->nimports; i++) {
		struct dmastream_kimport *imp;

		spin_lock_irq(&chan->irq_lock);
		imp = ring->imports[i];
		if (imp) {
			ring->imports[i] = NULL;
			ring->nimports--;
		}
		spin_unlock_irq(&chan->irq_lock);
		if (imp)
			dmastream_import_free(imp);
	}
}

/* The entry that holds byte @pos, which is below imp->size. */
static const struct dmastream_import_ent *
dmastream_import_ent_at(const struct dmastream_kimport *imp, u32 pos)
{
	u32 lo = 0, hi = imp->nents;

	/* The last entry that starts at or before @pos; entry 0 starts at 0. */
	while (hi - lo > 1) {
		u32 mid = lo + (hi - lo) / 2;

		if (imp->ents[mid].start <= pos)
			lo = mid;
		else
			hi = mid;
	}
	return &imp->ents[lo];
}

/**
 * dmastream_import_dma() - where a byte of an import is for the engine
 * @imp:	the import.
 * @pos:	a byte offset below imp->size.
 * @contig:	set to how many bytes from @pos are contiguous for the engine.
 *
 * Return: the DMA address of byte @pos.
 */
dma_addr_t dmastream_import_dma(const struct dmastream_kimport *imp, u32 pos, u32 *contig)
{
	const struct dmastream_import_ent *ent = dmastream_import_ent_at(imp, pos);

	*contig = ent->run_end - pos;
	return ent->dma + (pos - ent->start);
}

/**
 * dmastream_import_entries() - scatter-gather entries a range of an import takes
 * @imp:	the import.
 * @offset:	start of the range.
 * @len:	its length, > 0; the range lies within imp->size.
 *
 * Return: the number of runs the range touches.
 */
u32 dmastream_import_entries(const struct dmastream_kimport *imp, u32 offset, u32 len)
{
	return dmastream_import_ent_at(imp, offset + len - 1)->run -
	       dmastream_import_ent_at(imp, offset)->run + 1;
}

/*
 * Sync a range of an import for the engine or the CPU, entry by entry, and
 * within an entry granule by granule where the device's mappings merge
 * pages (an IOMMU): the DMA API turns a single range's DMA address into
 * one physical address and takes the rest as contiguous, which an entry
 * of several IOMMU pages is not.
 */
static void dmastream_import_sync(const struct dmastream_kimport *imp, u32 offset, u32 len,
				  enum dma_data_direction dir, bool for_cpu)
{
	const struct dmastream_import_ent *ent = dmastream_import_ent_at(imp, offset);
	unsigned long merge = dma_get_merge_boundary(imp->dma_dev);
	u32 end = offset + len;

	/* 32-bit ARM's IOMMU mapping merges pages and does not say so. */
	if (!merge && device_iommu_mapped(imp->dma_dev))
		merge = PAGE_SIZE - 1;

	while (offset < end) {
		dma_addr_t dma = ent->dma + (offset - ent->start);
		u32 n = min(ent->start + ent->len, end) - offset;

		if (merge)
			n = min_t(u64, n, (dma | merge) + 1 - dma);
		if (for_cpu)
			dma_sync_single_for_cpu(imp->dma_dev, dma, n, dir);
		else
			dma_sync_single_for_device(imp->dma_dev, dma, n, dir);
		offset += n;
		if (offset == ent->start + ent->len)
			ent++;
	}
}

/**
 * dmastream_import_to_engine() - hand accepted transfers' import ranges over
 * @ring:	the ring the transfers are reserved on.
 * @reqs:	transfers not yet accepted, so that none can reach the engine.
 * @n:		how many.
 *
 * What the CPU left in a range the engine reads, or in bytes of a range it
 * writes only in part, reaches the engine's view (a bounce buffer, memory
 * behind a cache): a written range is synced both ways. Nothing to do
 * where the device's mapping needs no syncs (coherent, not bounced). In
 * process context, without irq_lock.
 */
void dmastream_import_to_engine(struct dmastream_kring *ring, struct dmastream_req **reqs,
				u32 n)
{
	u32 i, r;

	for (i = 0; i < n; i++) {
		const struct dmastream_req *req = reqs[i];

		for (r = 0; r < req->nrefs; r++) {
			const struct dmastream_seg_ref *ref = &req->refs[r];
			const struct dmastream_kimport *imp;

			if (!(ref->buf & DMASTREAM_BUF_IMPORTED))
				continue;
			imp = dmastream_ring_import(ring, ref->buf);
			if (!imp->need_sync)
				continue;
			dmastream_import_sync(imp, ref->offset, ref->len,
					      ref->dma_writes ? imp->dir : DMA_TO_DEVICE, false);
		}
		cond_resched();
	}
}

/**
 * dmastream_import_to_cpu() - hand a finished transfer's import ranges back
 * @ring:	the ring its ranges are reserved on.
 * @req:	a transfer the engine is done with, before its record is posted
 *		and its ranges are released.
 *
 * Under irq_lock, as dmastream_cached_to_cpu(): linear in the bytes this
 * transfer had the engine write into imports.
 */
void dmastream_import_to_cpu(struct dmastream_kring *ring, const struct dmastream_req *req)
{
	u32 r;

	for (r = 0; r < req->nrefs; r++) {
		const struct dmastream_seg_ref *ref = &req->refs[r];

		const struct dmastream_kimport *imp;

		if (!ref->dma_writes || !(ref->buf & DMASTREAM_BUF_IMPORTED))
			continue;
		imp = dmastream_ring_import(ring, ref->buf);
		if (imp->need_sync)
			dmastream_import_sync(imp, ref->offset, ref->len, DMA_FROM_DEVICE, true);
	}
}

/**
 * dmastream_import_ready() - may the engine use an import now?
 * @imp:	the import.
 * @dma_writes:	the engine would write it.
 *
 * The engine may read once every fence that writes has signalled, and
 * write once every fence has.
 *
 * Return: true if no unsignalled fence stands in the way.
 */
bool dmastream_import_ready(const struct dmastream_kimport *imp, bool dma_writes)
{
	/* Plain memory has no fences. */
	if (!imp->dmabuf)
		return true;
	return dma_resv_test_signaled(imp->dmabuf->resv,
				      dma_writes ? DMA_RESV_USAGE_READ : DMA_RESV_USAGE_WRITE);
}
