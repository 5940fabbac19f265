// SPDX-License-Identifier: GPL-2.0-only
/*
 * The caller's own memory as a buffer of a ring (DMASTREAM_IOC_REGISTER_MEM),
 * for programs whose data already lives in their buffers: the pages are
 * pinned for the long term and mapped for the engine's device once, as
 * io_uring registers fixed buffers, and from then on are an import like a
 * dma-buf's (import.c).
 *
 * Only memory whose pages stay put while pinned: anonymous memory, shared
 * memory (memfd, tmpfs, SysV) and hugetlbfs. The page cache of a regular
 * file is written back and truncated behind a pin's back, and device or
 * ring mappings have no pages to pin (or belong to their driver): both are
 * refused. Pinned pages count in the process's pinned memory against
 * RLIMIT_MEMLOCK, as RDMA's and io_uring's do.
 */

#include <linux/dma-mapping.h>
#include <linux/hugetlb_inline.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "cached.h"
#include "import.h"
#include "import_user.h"
#include "owner.h"
#include "ring.h"

/* Pages pinned per call, so that a fatal signal is seen between calls. */
#define DMASTREAM_PIN_CHUNK	1024

/*
 * Whether a mapping's pages stay put while pinned (see the top). Of the
 * mappings without a file, only anonymous memory: not the vdso's or other
 * special pages.
 */
static bool dmastream_vma_pinnable(struct vm_area_struct *vma)
{
	if (vma->vm_flags & (VM_IO | VM_PFNMAP))
		return false;
	if (!vma->vm_file)
		return vma_is_anonymous(vma);
	return shmem_file(vma->vm_file) || is_vm_hugetlb_page(vma);
}

/*
 * Refuse memory of the wrong kind before pinning any of it, for one errno
 * on every kernel (6.5 and later refuse some file pages in GUP itself,
 * with EFAULT). Holes are left to GUP (EFAULT). @writable: whether the
 * process may write the mappings of the range; a range that mixes
 * writable and read-only mappings is refused, as one set of pin flags
 * would be wrong for a part of it.
 */
static int dmastream_user_range_check(unsigned long start, unsigned long end, bool *writable)
{
	VMA_ITERATOR(vmi, current->mm, start);
	struct vm_area_struct *vma;
	int ret = 0, seen = 0;

	if (mmap_read_lock_killable(current->mm))
		return -EINTR;
	for_each_vma_range(vmi, vma, end) {
		if (!dmastream_vma_pinnable(vma)) {
			ret = -EOPNOTSUPP;
			break;
		}
		seen |= vma->vm_flags & VM_WRITE ? 1 : 2;
	}
	mmap_read_unlock(current->mm);
	if (!ret && seen == 3)
		ret = -EINVAL;
	*writable = seen == 1;
	return ret;
}

/*
 * The same, page by page, once pinned: the mappings may have changed
 * since dmastream_user_range_check() looked. A shmem page truncated
 * meanwhile has lost its mapping, and its inode may be on its way out:
 * inodes are freed after an RCU grace period. The huge zero page (not
 * exported to modules) is refused with the rest.
 */
static bool dmastream_page_pinnable(struct page *page)
{
	struct folio *folio = page_folio(page);
	struct address_space *mapping;
	bool ok;

	if (folio_test_anon(folio) || folio_test_hugetlb(folio) || is_zero_page(page))
		return true;
	rcu_read_lock();
	mapping = READ_ONCE(folio->mapping);
	ok = mapping && !((unsigned long)mapping & PAGE_MAPPING_FLAGS) && shmem_mapping(mapping);
	rcu_read_unlock();
	return ok;
}

static void dmastream_user_unpin(struct dmastream_user_pages *up, unsigned long pinned,
				 bool dirty)
{
	unsigned long done, n;

	/* Up to half a million pages, under chan->lock: let others run. */
	for (done = 0; done < pinned; done += n) {
		n = min_t(unsigned long, pinned - done, DMASTREAM_PIN_CHUNK);
		unpin_user_pages_dirty_lock(up->pages + done, n, dirty);
		cond_resched();
	}
	atomic64_sub(up->npages, &up->mm->pinned_vm);
	mmdrop(up->mm);
	kvfree(up->pages);
}

/* Count @npages in @mm's pinned memory, within RLIMIT_MEMLOCK. */
static int dmastream_user_account(struct mm_struct *mm, unsigned long npages)
{
	unsigned long limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	s64 pinned = atomic64_add_return(npages, &mm->pinned_vm);

	if (pinned > limit && !capable(CAP_IPC_LOCK)) {
		atomic64_sub(npages, &mm->pinned_vm);
		return -ENOMEM;
	}
	return 0;
}

/*
 * GUP's errnos as the ioctl's: a page it could not move out of movable
 * memory for a long-term pin (EBUSY, EAGAIN) is memory the caller cannot
 * have; a poisoned page is memory it cannot reach.
 */
static int dmastream_gup_errno(int ret)
{
	switch (ret) {
	case 0:
	case -EHWPOISON:
		return -EFAULT;
	case -EFAULT:
	case -ENOMEM:
	case -EINTR:
		return ret;
	default:
		return -ENOMEM;
	}
}

/* Pin the pages of [@addr, @addr + @len) for the long term, counted. */
static int dmastream_user_pin(struct dmastream_user_pages *up, unsigned long addr, u64 len,
			      bool dma_writes)
{
	unsigned int gup = FOLL_LONGTERM;
	unsigned long start = addr & PAGE_MASK;
	unsigned long done = 0, i;
	bool writable;
	int ret;

	up->npages = (offset_in_page(addr) + len + PAGE_SIZE - 1) >> PAGE_SHIFT;
	ret = dmastream_user_range_check(start, start + (up->npages << PAGE_SHIFT), &writable);
	if (ret)
		return ret;
	/*
	 * Writable memory is pinned for writing even when the engine only
	 * reads it: a read-only pin may take the shared zero page or a page
	 * shared with a forked child (6.1 does), which the program's next
	 * write then replaces with a page the engine never sees.
	 */
	if (dma_writes || writable)
		gup |= FOLL_WRITE;
	up->pages = kvmalloc_array(up->npages, sizeof(*up->pages), DMASTREAM_GFP_CALLER);
	if (!up->pages)
		return -ENOMEM;
	up->mm = current->mm;
	mmgrab(up->mm);
	ret = dmastream_user_account(up->mm, up->npages);
	if (ret) {
		mmdrop(up->mm);
		kvfree(up->pages);
		return ret;
	}
	while (done < up->npages) {
		int n = min_t(unsigned long, up->npages - done, DMASTREAM_PIN_CHUNK);

		ret = pin_user_pages_fast(start + (done << PAGE_SHIFT), n, gup, up->pages + done);
		if (ret <= 0) {
			ret = dmastream_gup_errno(ret);
			break;
		}
		done += ret;
		ret = 0;
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		cond_resched();
	}
	for (i = 0; !ret && i < done; i++) {
		if (!dmastream_page_pinnable(up->pages[i]))
			ret = -EOPNOTSUPP;
		if (!(i % DMASTREAM_PIN_CHUNK))
			cond_resched();
	}
	if (ret)
		dmastream_user_unpin(up, done, false);
	return ret;
}

/*
 * Without a sync for the CPU: every range the engine wrote was synced at
 * its completion record, and a sync now would bring back, over what the
 * program wrote since, a bounce buffer's or the cache's older bytes.
 */
static void dmastream_user_unmap(struct dmastream_kimport *imp)
{
	dma_unmap_sgtable(imp->dma_dev, &imp->user.sgt, imp->dir, DMA_ATTR_SKIP_CPU_SYNC);
	sg_free_table(&imp->user.sgt);
	dmastream_user_unpin(&imp->user, imp->user.npages, imp->dir != DMA_TO_DEVICE);
}

/*
 * Map pinned pages for the engine's device, one entry per page: the
 * DMA API then merges them only where the device's segment boundary
 * allows (behind an IOMMU), and import.c joins contiguous entries into
 * runs within it. chan->lock held.
 */
static struct dmastream_kimport *dmastream_user_map(struct dmastream_chan *chan,
						    struct dmastream_user_pages *up,
						    unsigned long addr, u64 len,
						    bool engine_reads)
{
	enum dma_data_direction dir = engine_reads ? DMA_TO_DEVICE : DMA_BIDIRECTIONAL;
	struct dmastream_kimport *imp;
	int ret;

	ret = sg_alloc_table_from_pages_segment(&up->sgt, up->pages, up->npages,
						offset_in_page(addr), len, PAGE_SIZE,
						DMASTREAM_GFP_CALLER);
	if (ret)
		return ERR_PTR(ret);
	/* EIO there (bounce buffers full) is not the ioctl's EIO. */
	ret = dma_map_sgtable(chan->dma_dev, &up->sgt, dir, 0);
	if (ret) {
		ret = -ENOMEM;
		goto free;
	}
	imp = dmastream_import_new(chan, &up->sgt, len, dir, engine_reads, dmastream_user_unmap);
	if (IS_ERR(imp)) {
		ret = PTR_ERR(imp);
		goto unmap;
	}
	imp->user = *up;
	imp->sgt = &imp->user.sgt;
	imp->origin = up->mm;
	imp->origin_start = addr;
	return imp;

unmap:
	dma_unmap_sgtable(chan->dma_dev, &up->sgt, dir, DMA_ATTR_SKIP_CPU_SYNC);
free:
	sg_free_table(&up->sgt);
	return ERR_PTR(ret);
}

/**
 * dmastream_register_mem() - DMASTREAM_IOC_REGISTER_MEM: user memory as a buffer
 * @chan:	the channel.
 * @file:	the calling file, which must own the channel.
 * @uarg:	struct dmastream_user_mem in user memory; runs is written back
 *		once the memory is registered.
 *
 * Return: 0; -EFAULT (the request, or memory that is not mapped, or
 * read-only memory the engine would write); -EINVAL (unknown flags,
 * reserved fields or runs not 0, length 0, a slot beyond
 * DMASTREAM_IMPORTS_MAX, ENGINE_READS on an rx channel, an address the
 * engine cannot start a segment at); -E2BIG (longer than
 * DMASTREAM_IMPORT_SIZE_MAX); -EOPNOTSUPP (memory mapped from a regular
 * file or a device, or a ring's or dma-buf's mapping); -ENOMEM (also: over
 * RLIMIT_MEMLOCK without CAP_IPC_LOCK); -EINTR (a fatal signal while
 * pinning); -EIO (the ring may still be reached by DMA); -EEXIST (the slot
 * is taken, or the memory overlaps memory registered already); -ENODEV,
 * -ENXIO or -EBUSY as dmastream_owner_check().
 */
int dmastream_register_mem(struct dmastream_chan *chan, struct file *file, void __user *uarg)
{
	struct dmastream_user_mem req;
	struct dmastream_user_pages up = { };
	struct dmastream_kimport *imp;
	struct dmastream_kring *ring;
	unsigned long addr;
	bool engine_reads;
	u32 slot, i, align;
	u64 serial;
	int ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	slot = req.buffer & ~DMASTREAM_BUF_IMPORTED;
	if ((req.flags & ~DMASTREAM_IMPORT_ENGINE_READS) || req.runs || !req.len ||
	    !(req.buffer & DMASTREAM_BUF_IMPORTED) || slot >= DMASTREAM_IMPORTS_MAX)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(req.reserved); i++) {
		if (req.reserved[i])
			return -EINVAL;
	}
	if ((req.flags & DMASTREAM_IMPORT_ENGINE_READS) && chan->kind == DMASTREAM_DIR_RX)
		return -EINVAL;
	if (req.len > DMASTREAM_IMPORT_SIZE_MAX)
		return -E2BIG;
	/* Beyond a 32-bit address space, before it is cut to one. */
	if (req.addr != (unsigned long)req.addr)
		return -EFAULT;
	addr = untagged_addr((unsigned long)req.addr);
	if (!access_ok((void __user *)addr, req.len))
		return -EFAULT;
	engine_reads = (req.flags & DMASTREAM_IMPORT_ENGINE_READS) ||
		       chan->kind == DMASTREAM_DIR_TX;
	/*
	 * Where the engine may start (checked again per run, once mapped),
	 * and, where it writes and DMA is not coherent, on a cache line: a
	 * line it shares with the program's other data would lose the
	 * program's writes.
	 */
	align = max(chan->caps.addr_align, chan->caps.len_align);
	if (!engine_reads)
		align = max(align, dmastream_cached_write_align(chan->dma_dev));
	if (!IS_ALIGNED(addr, align))
		return -EINVAL;
	/* Not worth pinning for a caller that does not own the channel. */
	ret = dmastream_owner_precheck(chan, file);
	if (ret)
		return ret;

	/*
	 * Pinned before chan->lock: faults may take long, and a fault in a
	 * mapping of this channel's own exports must not find it held.
	 */
	ret = dmastream_user_pin(&up, addr, req.len, !engine_reads);
	if (ret)
		return ret;

	mutex_lock(&chan->lock);
	ret = dmastream_owner_check(chan, file);
	if (!ret)
		ret = dmastream_import_begin(chan);
	if (!ret)
		ret = dmastream_import_vacant(chan, slot, up.mm, addr, req.len);
	if (!ret) {
		imp = dmastream_user_map(chan, &up, addr, req.len, engine_reads);
		ret = PTR_ERR_OR_ZERO(imp);
		if (ret)
			dmastream_user_unpin(&up, up.npages, false);
	} else {
		dmastream_user_unpin(&up, up.npages, false);
	}
	if (!ret) {
		ring = dmastream_import_install(chan, slot, imp);
		serial = imp->serial;
		req.runs = imp->nruns;
	}
	mutex_unlock(&chan->lock);
	if (ret)
		return ret;
	ret = dmastream_import_tell(chan, ring, slot, serial, uarg, &req, sizeof(req));
	dmastream_ring_put(ring);
	return ret;
}
