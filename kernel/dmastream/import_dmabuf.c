// SPDX-License-Identifier: GPL-2.0-only
/*
 * dma-bufs from elsewhere (udmabuf, a DMA heap, a V4L2 queue, a GPU,
 * another dmastream channel's export) as buffers of a ring
 * (DMASTREAM_IOC_IMPORT_BUF): attached to the engine's device and mapped
 * once, for as long as the import lasts (import.c).
 */

#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/fs.h>
#include <linux/uaccess.h>

#include "export.h"
#include "import.h"
#include "import_dmabuf.h"
#include "owner.h"
#include "ring.h"

static void dmastream_dmabuf_unmap(struct dmastream_kimport *imp)
{
	dma_buf_unmap_attachment_unlocked(imp->att, imp->sgt, imp->dir);
	dma_buf_detach(imp->dmabuf, imp->att);
	dma_buf_put(imp->dmabuf);
}

/* Attach the dma-buf behind @fd to the engine's device and map it, for @slot. */
static struct dmastream_kimport *dmastream_dmabuf_map(struct dmastream_chan *chan, u32 slot,
						      int fd, bool engine_reads)
{
	struct dma_buf_attachment *att;
	enum dma_data_direction dir;
	struct dmastream_kimport *imp;
	struct dma_buf *dmabuf;
	struct sg_table *sgt;
	int ret;

	/*
	 * A device that writes is mapped both ways, as for a cached ring: the
	 * bytes a short transfer does not write must keep what the CPU left
	 * there, which a mapping for the device to write only does not carry
	 * (to a bounce buffer; on 32-bit ARM the sync would invalidate them).
	 */
	if (chan->kind == DMASTREAM_DIR_TX)
		engine_reads = true;
	dir = engine_reads ? DMA_TO_DEVICE : DMA_BIDIRECTIONAL;

	dmabuf = dma_buf_get(fd);
	if (IS_ERR(dmabuf))
		return ERR_CAST(dmabuf);
	if (!dmabuf->size || dmabuf->size > DMASTREAM_IMPORT_SIZE_MAX) {
		ret = -E2BIG;
		goto put;
	}
	/* A file opened read-only may not be written, by the engine either. */
	if (!engine_reads && !(dmabuf->file->f_mode & FMODE_WRITE)) {
		ret = -EACCES;
		goto put;
	}
	/*
	 * The ring's own buffer seen through its export: transfers on the two
	 * names would not see each other's reservations.
	 */
	if (dmastream_export_ring(dmabuf) == chan->ring) {
		ret = -EINVAL;
		goto put;
	}
	ret = dmastream_import_vacant(chan, slot, dmabuf, 0, dmabuf->size);
	if (ret)
		goto put;
	att = dma_buf_attach(dmabuf, chan->dma_dev);
	if (IS_ERR(att)) {
		ret = PTR_ERR(att);
		goto put;
	}
	sgt = dma_buf_map_attachment_unlocked(att, dir);
	if (IS_ERR(sgt)) {
		ret = PTR_ERR(sgt);
		goto detach;
	}
	imp = dmastream_import_new(chan, sgt, dmabuf->size, dir, engine_reads,
				   dmastream_dmabuf_unmap);
	if (IS_ERR(imp)) {
		ret = PTR_ERR(imp);
		goto unmap;
	}
	imp->dmabuf = dmabuf;
	imp->att = att;
	imp->origin = dmabuf;
	return imp;

unmap:
	dma_buf_unmap_attachment_unlocked(att, sgt, dir);
detach:
	dma_buf_detach(dmabuf, att);
put:
	dma_buf_put(dmabuf);
	return ERR_PTR(ret);
}

/**
 * dmastream_import_buf() - DMASTREAM_IOC_IMPORT_BUF: a dma-buf as a buffer
 * @chan:	the channel.
 * @file:	the calling file, which must own the channel.
 * @uarg:	struct dmastream_import in user memory; runs and size are
 *		written back once the import is made.
 *
 * Return: 0; -EFAULT; -EINVAL (unknown flags, reserved fields or outputs
 * not 0, a slot beyond DMASTREAM_IMPORTS_MAX, ENGINE_READS on an rx
 * channel, a fd that is not a dma-buf, a buffer of this ring's own export,
 * a mapping whose pieces the engine cannot address); -EBADF (no such fd);
 * -EIO (the ring may still be reached by DMA: the provider could not
 * terminate);
 * -E2BIG (empty, or larger than DMASTREAM_IMPORT_SIZE_MAX); -EACCES (a
 * dma-buf opened read-only, unless the engine only reads it); -EEXIST (the
 * slot is taken, or the dma-buf is imported already); -ENODEV, -ENXIO or
 * -EBUSY as dmastream_owner_check(); -ENOMEM, or the exporter's errno for
 * an attachment or mapping it refuses (-EACCES, -EINTR or -ERESTARTSYS
 * among them).
 */
int dmastream_import_buf(struct dmastream_chan *chan, struct file *file, void __user *uarg)
{
	struct dmastream_import req;
	struct dmastream_kimport *imp;
	struct dmastream_kring *ring;
	u64 serial;
	u32 slot;
	int ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	slot = req.buffer & ~DMASTREAM_BUF_IMPORTED;
	if ((req.flags & ~DMASTREAM_IMPORT_ENGINE_READS) || req.runs || req.size ||
	    req.reserved[0] || req.reserved[1] || !(req.buffer & DMASTREAM_BUF_IMPORTED) ||
	    slot >= DMASTREAM_IMPORTS_MAX)
		return -EINVAL;
	if ((req.flags & DMASTREAM_IMPORT_ENGINE_READS) && chan->kind == DMASTREAM_DIR_RX)
		return -EINVAL;

	mutex_lock(&chan->lock);
	ret = dmastream_owner_check(chan, file);
	if (!ret)
		ret = dmastream_import_begin(chan);
	if (!ret) {
		imp = dmastream_dmabuf_map(chan, slot, req.fd,
					   req.flags & DMASTREAM_IMPORT_ENGINE_READS);
		ret = PTR_ERR_OR_ZERO(imp);
	}
	if (!ret) {
		ring = dmastream_import_install(chan, slot, imp);
		serial = imp->serial;
		req.runs = imp->nruns;
		req.size = imp->size;
	}
	mutex_unlock(&chan->lock);
	if (ret)
		return ret;
	ret = dmastream_import_tell(chan, ring, slot, serial, uarg, &req, sizeof(req));
	dmastream_ring_put(ring);
	return ret;
}
