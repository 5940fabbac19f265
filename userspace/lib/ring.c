// SPDX-License-Identifier: MIT
/*
 * The ring: size it with DMASTREAM_IOC_SET_RING, map the CQ and every
 * buffer, and give it back.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"

int dms_ring_setup(struct dms_channel *ch, uint32_t count, uint32_t size, uint32_t cq_entries)
{
	return dms_ring_setup_flags(ch, count, size, cq_entries, 0);
}

int dms_ring_setup_flags(struct dms_channel *ch, uint32_t count, uint32_t size,
			 uint32_t cq_entries, uint32_t flags)
{
	struct dmastream_ring ring = {
		.count = count,
		.size = size,
		.cq_entries = cq_entries,
		.flags = flags,
	};
	struct dmastream_ring release = { 0 };
	void *cq = NULL, *bufs = NULL;
	int ret;

	if (ch->readonly)
		return -EBADF;
	/* Resizing needs the old mappings gone first; make that explicit. */
	if (ch->has_ring || ch->ring_kept)
		return -EBUSY;
	if (count == 0 || size == 0 || (flags & ~DMS_RING_CACHED))
		return -EINVAL;
	/* An older driver would refuse the flag with EINVAL: say why instead. */
	if (flags && ch->caps.abi_version < 0x00010003)
		return -EOPNOTSUPP;

	ret = dms__ioctl(ch, DMASTREAM_IOC_SET_RING, &ring);
	if (ret < 0)
		return ret;
	ret = ch->be->map_ring(ch->be_ctx, ch->fd, &ring, &cq, &bufs);
	if (ret < 0)
		goto give_back;
	ret = dms__cq_attach(&ch->cq, cq, ring.cq_size, &ring.cq, ring.cq_entries);
	if (ret < 0) {
		ch->be->unmap_ring(ch->be_ctx, &ring, cq, bufs);
		goto give_back;
	}
	ch->ring = ring;
	ch->ring.flags = flags;	/* what was granted, whether or not echoed */
	ch->cq_mem = cq;
	ch->bufs = bufs;
	ch->has_ring = true;
	return 0;

give_back:
	/* Leave the channel as we found it: unowned, so others may use it. */
	dms__ioctl(ch, DMASTREAM_IOC_SET_RING, &release);
	return ret;
}

static void release_imports(struct dms_channel *ch)
{
	uint32_t slot;

	for (slot = 0; slot < sizeof(ch->imports) / sizeof(ch->imports[0]); slot++) {
		uint32_t index = DMS_BUF_IMPORTED | slot;

		if (ch->imports[slot].size)
			dms__ioctl(ch, DMASTREAM_IOC_RELEASE_BUF, &index);
		ch->imports[slot].size = 0;
	}
}

int dms_ring_free(struct dms_channel *ch)
{
	struct dmastream_ring release = { 0 };
	struct dmastream_info info;
	int ret;

	if (ch->ring_kept)
		goto give_back;
	if (!ch->has_ring)
		return -ENXIO;
	/*
	 * The driver refuses to drop a ring with transfers in flight or
	 * mapped memory; stop the transfers first (they complete as ABORTED
	 * and their records go with the ring). Only when there are any: an
	 * abort counts as a channel stop in the driver's statistics.
	 */
	ret = dms_get_info(ch, &info);
	if (ret == 0 && info.inflight)
		ret = dms_abort(ch);
	if (ret < 0 && ret != -ENODEV)
		return ret;
	/*
	 * Imports are released here, one by one: the driver releases them
	 * with the ring, but not when an export keeps the ring (EBUSY below),
	 * and two channels importing each other's exports would then hold
	 * each other.
	 */
	release_imports(ch);
	ch->be->unmap_ring(ch->be_ctx, &ch->ring, ch->cq_mem, ch->bufs);
	ch->has_ring = false;
	ch->cq_mem = NULL;
	ch->bufs = NULL;
	memset(&ch->cq, 0, sizeof(ch->cq));
give_back:
	ret = dms__ioctl(ch, DMASTREAM_IOC_SET_RING, &release);
	/*
	 * An export of a buffer keeps the ring in the driver (EBUSY): it is
	 * unmapped here, and a later call gives it back once the exports are
	 * gone.
	 */
	ch->ring_kept = ret == -EBUSY;
	/* A removed device has no ring to give back. */
	return ret == -ENODEV ? 0 : ret;
}

void *dms_buf(const struct dms_channel *ch, uint32_t index)
{
	if (!ch->has_ring || index >= ch->ring.count)
		return NULL;
	return ch->bufs + (size_t)index * ch->ring.buf_stride;
}

uint32_t dms_buf_count(const struct dms_channel *ch)
{
	return ch->has_ring ? ch->ring.count : 0;
}

uint32_t dms_buf_size(const struct dms_channel *ch)
{
	return ch->has_ring ? ch->ring.size : 0;
}

uint32_t dms_ring_flags(const struct dms_channel *ch)
{
	return ch->has_ring ? ch->ring.flags : 0;
}

uint32_t dms_cq_entries(const struct dms_channel *ch)
{
	return ch->has_ring ? ch->ring.cq_entries : 0;
}

int dms_buf_export(struct dms_channel *ch, uint32_t index, unsigned int flags)
{
	struct dmastream_export req = { .buffer = index };
	int ret;

	if (!ch->has_ring)
		return -ENXIO;
	if (index >= ch->ring.count || (flags & ~(DMS_EXPORT_WRITE | DMS_EXPORT_CLOEXEC)))
		return -EINVAL;
	/* An older driver would answer ENOTTY: say what is missing instead. */
	if (ch->caps.abi_version < 0x00010004)
		return -EOPNOTSUPP;
	if (flags & DMS_EXPORT_WRITE)
		req.flags |= DMASTREAM_EXPORT_WRITE;
	if (flags & DMS_EXPORT_CLOEXEC)
		req.flags |= DMASTREAM_EXPORT_CLOEXEC;
	ret = dms__ioctl(ch, DMASTREAM_IOC_EXPORT_BUF, &req);
	return ret < 0 ? ret : req.fd;
}

/*
 * A dma-buf (@fd >= 0) or the program's memory: the lowest free slot, the
 * ioctl, and the bookkeeping the checks of segments read.
 */
static int import_into_slot(struct dms_channel *ch, int fd, void *addr, size_t len,
			    unsigned int flags, uint32_t abi, struct dms_import_info *info)
{
	struct dmastream_import req = { .fd = fd };
	struct dmastream_user_mem mem = { .addr = (uintptr_t)addr, .len = len };
	uint32_t slot, max;
	int ret;

	if (!ch->has_ring)
		return -ENXIO;
	if (!info || (flags & ~DMS_IMPORT_ENGINE_READS))
		return -EINVAL;
	/* An older driver would answer ENOTTY: say what is missing instead. */
	if (ch->caps.abi_version < abi)
		return -EOPNOTSUPP;
	max = ch->caps.max_imports;
	if (max > sizeof(ch->imports) / sizeof(ch->imports[0]))
		max = sizeof(ch->imports) / sizeof(ch->imports[0]);
	if (flags & DMS_IMPORT_ENGINE_READS)
		req.flags = mem.flags = DMASTREAM_IMPORT_ENGINE_READS;
	/* Two threads importing at once must not both pick the same slot. */
	pthread_mutex_lock(&ch->import_lock);
	for (slot = 0; slot < max && ch->imports[slot].size; slot++)
		;
	if (slot == max) {
		ret = -ENOSPC;
		goto out;
	}
	req.buffer = mem.buffer = DMS_BUF_IMPORTED | slot;
	if (fd >= 0) {
		ret = dms__ioctl(ch, DMASTREAM_IOC_IMPORT_BUF, &req);
	} else {
		ret = dms__ioctl(ch, DMASTREAM_IOC_REGISTER_MEM, &mem);
		req.runs = mem.runs;
		req.size = len;
	}
	if (ret < 0)
		goto out;
	ch->imports[slot].engine_reads = (flags & DMS_IMPORT_ENGINE_READS) ||
					 ch->direction == DMASTREAM_DIR_TX;
	ch->imports[slot].size = req.size;
	info->index = req.buffer;
	info->runs = req.runs;
	info->size = req.size;
out:
	pthread_mutex_unlock(&ch->import_lock);
	return ret;
}

int dms_buf_import(struct dms_channel *ch, int dmabuf_fd, unsigned int flags,
		   struct dms_import_info *info)
{
	if (dmabuf_fd < 0)
		return -EBADF;
	return import_into_slot(ch, dmabuf_fd, NULL, 0, flags, 0x00010005, info);
}

int dms_buf_register(struct dms_channel *ch, void *addr, size_t len, unsigned int flags,
		     struct dms_import_info *info)
{
	if (!len)
		return -EINVAL;
	return import_into_slot(ch, -1, addr, len, flags, 0x00010006, info);
}

int dms_buf_release(struct dms_channel *ch, uint32_t index)
{
	uint32_t slot = index & ~DMS_BUF_IMPORTED;
	int ret;

	if (!ch->has_ring)
		return -ENXIO;
	if (!(index & DMS_BUF_IMPORTED) || slot >= sizeof(ch->imports) / sizeof(ch->imports[0]))
		return -EINVAL;
	pthread_mutex_lock(&ch->import_lock);
	ret = -EINVAL;
	if (ch->imports[slot].size)
		ret = dms__ioctl(ch, DMASTREAM_IOC_RELEASE_BUF, &index);
	if (ret == 0)
		ch->imports[slot].size = 0;
	pthread_mutex_unlock(&ch->import_lock);
	return ret;
}
