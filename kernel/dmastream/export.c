// SPDX-License-Identifier: GPL-2.0-only
/*
 * A ring buffer exported as a dma-buf (DMASTREAM_IOC_EXPORT_BUF), so that
 * another device (a second dmastream channel, a V4L2 queue, a GPU) or
 * another process uses the same memory without a copy.
 *
 * The dma-buf holds the ring like a mapping does: the ring's memory lives
 * until the last export, mapping and file are gone, and SET_RING cannot
 * replace it meanwhile. Importers map the buffer's pages for their own
 * device; CPU access through the dma-buf is bracketed by DMA_BUF_IOCTL_SYNC
 * as for any exporter, which syncs the importers' mappings. The ring's own
 * transfers keep their syncs at SUBMIT and at the record, and are left
 * alone here: a sync of the whole buffer for the engine would overwrite
 * bytes of transfers in flight in other ranges (or, bounced, the CPU's).
 */

#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/iosys-map.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "export.h"
#include "owner.h"
#include "ring.h"

struct dmastream_export_buf {
	struct dmastream_kring *ring;	/* a reference, counted in ring->mappings */
	u32 idx;
	struct mutex lock;		/* attachments */
	struct list_head attachments;
};

/*
 * One importer's device: the buffer's pages, mapped for it while in use.
 * The core gets a copy of the mapped table (@shown): with
 * CONFIG_DMABUF_DEBUG it scrambles the page links of the table it hands
 * out, and the syncs and the unmap here need them intact.
 */
struct dmastream_export_att {
	struct list_head node;
	struct device *dev;
	struct sg_table sgt;
	struct sg_table shown;
	enum dma_data_direction dir;
	bool mapped;
	bool shared;			/* the ring's own device: its mapping, shared */
};

/*
 * The buffer's pages, whichever allocator the ring used, in a table whose
 * entries respect @dev's largest DMA segment.
 */
static int dmastream_export_pages(struct dmastream_export_buf *exp, struct device *dev,
				  struct sg_table *sgt)
{
	struct dmastream_kring *ring = exp->ring;
	struct dmastream_buf *buf = &ring->bufs[exp->idx];
	unsigned int n = ring->stride >> PAGE_SHIFT, i = 0, k;
	struct sg_table whole;
	struct scatterlist *sg;
	struct page **pages;
	int ret;

	pages = kvmalloc_array(n, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	if (ring->flags & DMASTREAM_RING_CACHED) {
		/* One block of the page allocator. */
		for (i = 0; i < n; i++)
			pages[i] = nth_page(virt_to_page(buf->cpu), i);
	} else {
		ret = dma_get_sgtable(ring->dma_dev, &whole, buf->cpu, buf->dma, ring->stride);
		if (ret)
			goto out;
		for_each_sgtable_sg(&whole, sg, k) {
			unsigned int p;

			for (p = 0; p < sg->length >> PAGE_SHIFT && i < n; p++)
				pages[i++] = nth_page(sg_page(sg), p);
		}
		sg_free_table(&whole);
		ret = -ENXIO;
		if (i != n)
			goto out;
	}
	/* A device whose segments are shorter than a page cannot take pages. */
	ret = -EINVAL;
	if (dma_get_max_seg_size(dev) < PAGE_SIZE)
		goto out;
	ret = sg_alloc_table_from_pages_segment(sgt, pages, n, 0, ring->stride,
						dma_get_max_seg_size(dev), GFP_KERNEL);
out:
	kvfree(pages);
	return ret;
}

static int dmastream_export_attach(struct dma_buf *dmabuf, struct dma_buf_attachment *attach)
{
	struct dmastream_export_buf *exp = dmabuf->priv;
	struct dmastream_export_att *att;
	int ret;

	att = kzalloc(sizeof(*att), GFP_KERNEL);
	if (!att)
		return -ENOMEM;
	ret = dmastream_export_pages(exp, attach->dev, &att->sgt);
	if (ret) {
		kfree(att);
		return ret;
	}
	att->dev = attach->dev;
	/*
	 * The ring's own device has a cached buffer mapped already, for
	 * streaming: a second mapping would take a second bounce buffer, and
	 * DMA-API debugging cannot tell two mappings of one address apart (it
	 * reports the ring's syncs as of memory never mapped). A coherent
	 * buffer's mapping is not one to sync: it gets a mapping of its own.
	 */
	att->shared = attach->dev == exp->ring->dma_dev &&
		      (exp->ring->flags & DMASTREAM_RING_CACHED);
	attach->priv = att;
	mutex_lock(&exp->lock);
	list_add(&att->node, &exp->attachments);
	mutex_unlock(&exp->lock);
	return 0;
}

static void dmastream_export_detach(struct dma_buf *dmabuf, struct dma_buf_attachment *attach)
{
	struct dmastream_export_buf *exp = dmabuf->priv;
	struct dmastream_export_att *att = attach->priv;

	mutex_lock(&exp->lock);
	list_del(&att->node);
	/* The core unmaps first; an importer that did not must not leak the mapping. */
	if (WARN_ON_ONCE(att->mapped)) {
		if (!att->shared)
			dma_unmap_sgtable(att->dev, &att->sgt, att->dir, DMA_ATTR_SKIP_CPU_SYNC);
		sg_free_table(&att->shown);
	}
	mutex_unlock(&exp->lock);
	sg_free_table(&att->sgt);
	kfree(att);
}

/* A read-only export: the CPU maps it read-only, devices may only read it. */
static bool dmastream_export_writable(const struct dma_buf *dmabuf)
{
	return dmabuf->file->f_mode & FMODE_WRITE;
}

/*
 * The ring's own mapping of the buffer as an attachment's: one DMA range
 * for the ring's device, cut as the table's entries are.
 */
static int dmastream_export_share(struct dmastream_export_buf *exp,
				  struct dmastream_export_att *att)
{
	dma_addr_t dma = exp->ring->bufs[exp->idx].dma;
	struct scatterlist *sg;
	unsigned int i;

	for_each_sgtable_sg(&att->sgt, sg, i) {
		sg_dma_address(sg) = dma;
		sg_dma_len(sg) = sg->length;
		dma += sg->length;
	}
	att->sgt.nents = att->sgt.orig_nents;
	return 0;
}

/* A copy of the mapped table, for the core: see struct dmastream_export_att. */
static int dmastream_export_show(struct dmastream_export_att *att)
{
	struct scatterlist *from, *to;
	unsigned int i;
	int ret;

	ret = sg_alloc_table(&att->shown, att->sgt.orig_nents, GFP_KERNEL);
	if (ret)
		return ret;
	to = att->shown.sgl;
	for_each_sgtable_sg(&att->sgt, from, i) {
		sg_set_page(to, sg_page(from), from->length, from->offset);
		sg_dma_address(to) = sg_dma_address(from);
		sg_dma_len(to) = sg_dma_len(from);
		to = sg_next(to);
	}
	att->shown.nents = att->sgt.nents;
	return 0;
}

/*
 * Mapped without the DMA API's implicit syncs, then synced explicitly: the
 * ring's own mapping of the same pages (DMA_BIDIRECTIONAL) would otherwise
 * make DMA-API debugging report overlapping cache lines, and the explicit
 * syncs also carry an importer's bounce buffer, if it has one, both ways.
 * A device that writes the buffer is mapped bidirectionally, whatever it
 * asked for: the CPU's writes between DMA_BUF_IOCTL_SYNC's start and end
 * must reach memory (and a bounce buffer) at the end, which a sync for a
 * device that only writes would skip, or, on 32-bit ARM, invalidate.
 */
static struct sg_table *dmastream_export_map(struct dma_buf_attachment *attach,
					     enum dma_data_direction dir)
{
	struct dmastream_export_buf *exp = attach->dmabuf->priv;
	struct dmastream_export_att *att = attach->priv;
	int ret;

	if (dir != DMA_TO_DEVICE && !dmastream_export_writable(attach->dmabuf))
		return ERR_PTR(-EACCES);
	if (dir == DMA_FROM_DEVICE)
		dir = DMA_BIDIRECTIONAL;
	mutex_lock(&exp->lock);
	if (att->mapped) {
		mutex_unlock(&exp->lock);
		return ERR_PTR(-EBUSY);
	}
	if (att->shared)
		ret = dmastream_export_share(exp, att);
	else
		ret = dma_map_sgtable(att->dev, &att->sgt, dir, DMA_ATTR_SKIP_CPU_SYNC);
	if (!ret) {
		ret = dmastream_export_show(att);
		if (ret && !att->shared)
			dma_unmap_sgtable(att->dev, &att->sgt, dir, DMA_ATTR_SKIP_CPU_SYNC);
	}
	if (!ret) {
		if (!att->shared)
			dma_sync_sgtable_for_device(att->dev, &att->sgt, dir);
		att->dir = dir;
		att->mapped = true;
	}
	mutex_unlock(&exp->lock);
	return ret ? ERR_PTR(ret) : &att->shown;
}

/* The core hands back its copy; the table mapped is ours. */
static void dmastream_export_unmap(struct dma_buf_attachment *attach, struct sg_table *sgt,
				   enum dma_data_direction dir)
{
	struct dmastream_export_buf *exp = attach->dmabuf->priv;
	struct dmastream_export_att *att = attach->priv;

	mutex_lock(&exp->lock);
	if (!att->shared) {
		if (att->dir != DMA_TO_DEVICE)
			dma_sync_sgtable_for_cpu(att->dev, &att->sgt, att->dir);
		dma_unmap_sgtable(att->dev, &att->sgt, att->dir, DMA_ATTR_SKIP_CPU_SYNC);
	}
	sg_free_table(&att->shown);
	att->mapped = false;
	mutex_unlock(&exp->lock);
}

static void dmastream_export_release(struct dma_buf *dmabuf)
{
	struct dmastream_export_buf *exp = dmabuf->priv;

	atomic_dec(&exp->ring->mappings);
	dmastream_ring_put(exp->ring);
	mutex_destroy(&exp->lock);
	kfree(exp);
}

/*
 * The CPU takes the buffer (@to_cpu) or gives it back: every importer's
 * mapping is synced, each in the direction it was mapped with (what the
 * DMA API allows). Not the ring's own mapping (see the top of this file),
 * nor an attachment of the ring's own device, which shares it: its
 * importer is the driver itself, which syncs at its own hand-overs.
 */
static void dmastream_export_sync(struct dmastream_export_buf *exp, bool to_cpu)
{
	struct dmastream_export_att *att;

	mutex_lock(&exp->lock);
	list_for_each_entry(att, &exp->attachments, node) {
		if (!att->mapped || att->shared)
			continue;
		if (to_cpu)
			dma_sync_sgtable_for_cpu(att->dev, &att->sgt, att->dir);
		else
			dma_sync_sgtable_for_device(att->dev, &att->sgt, att->dir);
	}
	mutex_unlock(&exp->lock);
}

static int dmastream_export_begin_cpu(struct dma_buf *dmabuf, enum dma_data_direction dir)
{
	dmastream_export_sync(dmabuf->priv, true);
	return 0;
}

static int dmastream_export_end_cpu(struct dma_buf *dmabuf, enum dma_data_direction dir)
{
	dmastream_export_sync(dmabuf->priv, false);
	return 0;
}

/*
 * An importer's mmap() (dma_buf_mmap()) reaches here with its own file's
 * permissions in the VMA: a read-only export stays read-only that way too.
 */
static int dmastream_export_mmap(struct dma_buf *dmabuf, struct vm_area_struct *vma)
{
	struct dmastream_export_buf *exp = dmabuf->priv;

	if (!dmastream_export_writable(dmabuf)) {
		if (vma->vm_flags & VM_WRITE)
			return -EACCES;
		vm_flags_clear(vma, VM_MAYWRITE);
	}
	return dmastream_ring_mmap_buf(exp->ring, exp->idx, vma,
				       (u64)vma->vm_pgoff << PAGE_SHIFT);
}

static int dmastream_export_vmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct dmastream_export_buf *exp = dmabuf->priv;

	iosys_map_set_vaddr(map, exp->ring->bufs[exp->idx].cpu);
	return 0;
}

static const struct dma_buf_ops dmastream_export_ops = {
	.attach = dmastream_export_attach,
	.detach = dmastream_export_detach,
	.map_dma_buf = dmastream_export_map,
	.unmap_dma_buf = dmastream_export_unmap,
	.release = dmastream_export_release,
	.begin_cpu_access = dmastream_export_begin_cpu,
	.end_cpu_access = dmastream_export_end_cpu,
	.mmap = dmastream_export_mmap,
	.vmap = dmastream_export_vmap,
};

/*
 * A read-only export has no kernel mapping to give: a kernel address is
 * writable, and an importer that draws through one (V4L2's vmalloc back
 * end) would write the buffer. Without .vmap the core refuses, quietly.
 */
static const struct dma_buf_ops dmastream_export_ro_ops = {
	.attach = dmastream_export_attach,
	.detach = dmastream_export_detach,
	.map_dma_buf = dmastream_export_map,
	.unmap_dma_buf = dmastream_export_unmap,
	.release = dmastream_export_release,
	.begin_cpu_access = dmastream_export_begin_cpu,
	.end_cpu_access = dmastream_export_end_cpu,
	.mmap = dmastream_export_mmap,
};

/**
 * dmastream_export_ring() - the ring whose buffer a dma-buf is
 * @dmabuf:	any dma-buf.
 *
 * Return: the ring, if @dmabuf is an export of dmastream's; else NULL.
 */
struct dmastream_kring *dmastream_export_ring(const struct dma_buf *dmabuf)
{
	const struct dmastream_export_buf *exp = dmabuf->priv;

	if (dmabuf->ops != &dmastream_export_ops && dmabuf->ops != &dmastream_export_ro_ops)
		return NULL;
	return exp->ring;
}

/*
 * Memory from a device's own coherent pool (a reserved-memory region
 * declared for it) has no ordinary pages for other devices to map.
 */
static bool dmastream_export_possible(const struct dmastream_kring *ring)
{
#ifdef CONFIG_DMA_DECLARE_COHERENT
	if (!(ring->flags & DMASTREAM_RING_CACHED) && ring->dma_dev->dma_mem)
		return false;
#endif
	return true;
}

/* Takes over @ring's reference and mapping count, also on failure. */
static struct dma_buf *dmastream_export_create(struct dmastream_kring *ring, u32 idx,
					       bool writable)
{
	DEFINE_DMA_BUF_EXPORT_INFO(info);
	struct dmastream_export_buf *exp;
	struct dma_buf *dmabuf;

	exp = kzalloc(sizeof(*exp), GFP_KERNEL);
	if (!exp) {
		dmabuf = ERR_PTR(-ENOMEM);
		goto fail;
	}
	exp->ring = ring;
	exp->idx = idx;
	mutex_init(&exp->lock);
	INIT_LIST_HEAD(&exp->attachments);

	info.ops = writable ? &dmastream_export_ops : &dmastream_export_ro_ops;
	info.size = ring->stride;
	info.flags = writable ? O_RDWR : O_RDONLY;
	info.priv = exp;
	dmabuf = dma_buf_export(&info);
	if (!IS_ERR(dmabuf))
		return dmabuf;
	mutex_destroy(&exp->lock);
	kfree(exp);
fail:
	atomic_dec(&ring->mappings);
	dmastream_ring_put(ring);
	return dmabuf;
}

/**
 * dmastream_export_buf() - DMASTREAM_IOC_EXPORT_BUF: a buffer as a dma-buf fd
 * @chan:	the channel.
 * @file:	the calling file, which must own the channel.
 * @uarg:	struct dmastream_export in user memory; fd is written back.
 *
 * Return: 0; -EFAULT; -EINVAL (unknown flags, reserved or fd not 0, no
 * such buffer); -ENODEV, -ENXIO or -EBUSY as dmastream_owner_check();
 * -ENXIO for a coherent ring in the device's own memory pool;
 * -EMFILE; -ENOMEM or another errno of dma_buf_export(). (-EBADF, for a
 * file not open read-write, comes from the caller.)
 */
int dmastream_export_buf(struct dmastream_chan *chan, struct file *file, void __user *uarg)
{
	struct dmastream_export req;
	struct dmastream_kring *ring;
	struct dma_buf *dmabuf;
	int fd, ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (req.flags & ~(DMASTREAM_EXPORT_CLOEXEC | DMASTREAM_EXPORT_WRITE) || req.fd ||
	    req.reserved)
		return -EINVAL;

	spin_lock_irq(&chan->irq_lock);
	ret = dmastream_owner_check(chan, file);
	ring = chan->ring;
	if (!ret && req.buffer >= ring->count)
		ret = -EINVAL;
	if (!ret && !dmastream_export_possible(ring))
		ret = -ENXIO;
	if (!ret) {
		/* Counted now so that a concurrent SET_RING sees it. */
		kref_get(&ring->ref);
		atomic_inc(&ring->mappings);
	}
	spin_unlock_irq(&chan->irq_lock);
	if (ret)
		return ret;

	dmabuf = dmastream_export_create(ring, req.buffer, req.flags & DMASTREAM_EXPORT_WRITE);
	if (IS_ERR(dmabuf))
		return PTR_ERR(dmabuf);
	fd = get_unused_fd_flags(req.flags & DMASTREAM_EXPORT_CLOEXEC ? O_CLOEXEC : 0);
	if (fd < 0) {
		dma_buf_put(dmabuf);
		return fd;
	}
	req.fd = fd;
	/* The fd exists for user space only once it has been told. */
	if (copy_to_user(uarg, &req, sizeof(req))) {
		put_unused_fd(fd);
		dma_buf_put(dmabuf);
		return -EFAULT;
	}
	fd_install(fd, dmabuf->file);
	return 0;
}
