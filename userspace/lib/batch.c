// SPDX-License-Identifier: MIT
/*
 * Batches of transfers and their submission.
 *
 * A batch holds transfers in the driver's own format, so submitting is one
 * ioctl with no conversion. Each transfer is checked against the channel's
 * capabilities and ring when it is added: a mistake is reported by the call
 * that made it, with its own errno, and the driver's all-or-nothing
 * validation of the batch is left for what only it can know (conflicts
 * with transfers in flight). When the driver queues only the front of a
 * batch (no room), the rest stays in the batch for the next dms_submit().
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct dms_batch {
	const struct dms_channel *ch;
	struct dmastream_xfer *xfers;
	struct dmastream_seg *segs;
	uint32_t max_xfers;
	uint32_t max_segs;
	uint32_t first;		/* first transfer not yet submitted */
	uint32_t nxfers;	/* transfers in the arrays */
	uint32_t nsegs;		/* segments in the array */
	uint32_t bad_index;
};

static uint32_t align_or_one(uint32_t a)
{
	return a ? a : 1;
}

static bool ranges_overlap(const struct dmastream_seg *a, const struct dmastream_seg *b)
{
	return a->buf == b->buf && a->offset < b->offset + b->len &&
	       b->offset < a->offset + a->len;
}

/* The import a segment names, or NULL for a ring buffer. */
static const struct dms_import *import_of(const struct dms_channel *ch, uint32_t buf)
{
	static const struct dms_import none;
	uint32_t slot = buf & ~DMS_BUF_IMPORTED;

	if (!(buf & DMS_BUF_IMPORTED))
		return NULL;
	if (slot >= sizeof(ch->imports) / sizeof(ch->imports[0]))
		return &none;
	return &ch->imports[slot];
}

int dms__check_segs(const struct dms_channel *ch, const struct dmastream_seg *segs,
		    uint32_t nsegs, bool dma_writes, uint64_t *total)
{
	const struct dmastream_caps *caps = &ch->caps;
	uint64_t sum = 0;
	uint32_t i, j;

	if (!ch->has_ring)
		return -ENXIO;
	if (nsegs == 0 || !segs)
		return -EINVAL;
	if (nsegs > caps->max_segs)
		return -E2BIG;
	for (i = 0; i < nsegs; i++) {
		const struct dmastream_seg *s = &segs[i];

		const struct dms_import *im = import_of(ch, s->buf);
		uint64_t size = im ? im->size : ch->ring.size;

		if (s->reserved || s->len == 0 || (!im && s->buf >= ch->ring.count) ||
		    (im && !im->size) || s->offset > size || s->len > size - s->offset)
			return -EINVAL;
		/* A memcpy's segments are cut into the engine's pieces by the driver. */
		if (ch->direction != DMASTREAM_DIR_MEMCPY && s->len > caps->max_seg_size)
			return -E2BIG;
		if (s->offset % align_or_one(caps->addr_align) ||
		    s->len % align_or_one(caps->len_align))
			return -EINVAL;
		/* What the engine writes in a cached ring or an import is whole cache lines. */
		if (dma_writes && (im || (ch->ring.flags & DMS_RING_CACHED)) &&
		    (s->offset % align_or_one(caps->cached_align) ||
		     s->len % align_or_one(caps->cached_align)))
			return -EINVAL;
		if (dma_writes && im && im->engine_reads)
			return -EACCES;
		sum += s->len;
	}
	if (sum > caps->max_xfer_bytes)
		return -E2BIG;
	/* The engine must not write the same byte twice in one transfer. */
	if (dma_writes) {
		for (i = 0; i < nsegs; i++)
			for (j = i + 1; j < nsegs; j++)
				if (ranges_overlap(&segs[i], &segs[j]))
					return -EINVAL;
	}
	*total = sum;
	return 0;
}

int dms_batch_create(const struct dms_channel *ch, uint32_t max_xfers, uint32_t max_segs,
		     struct dms_batch **bp)
{
	struct dms_batch *b;

	if (!ch || !bp || max_xfers == 0 || max_xfers > DMASTREAM_SUBMIT_MAX ||
	    max_segs > DMASTREAM_SUBMIT_MAX_SEGS)
		return -EINVAL;
	if (max_segs == 0)
		max_segs = max_xfers;
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->xfers = calloc(max_xfers, sizeof(*b->xfers));
	b->segs = calloc(max_segs, sizeof(*b->segs));
	if (!b->xfers || !b->segs) {
		dms_batch_destroy(b);
		return -ENOMEM;
	}
	b->ch = ch;
	b->max_xfers = max_xfers;
	b->max_segs = max_segs;
	b->bad_index = UINT32_MAX;
	*bp = b;
	return 0;
}

void dms_batch_destroy(struct dms_batch *b)
{
	if (!b)
		return;
	free(b->xfers);
	free(b->segs);
	free(b);
}

void dms_batch_clear(struct dms_batch *b)
{
	b->first = 0;
	b->nxfers = 0;
	b->nsegs = 0;
}

uint32_t dms_batch_pending(const struct dms_batch *b)
{
	return b->nxfers - b->first;
}

uint32_t dms_batch_bad_index(const struct dms_batch *b)
{
	return b->bad_index;
}

/* Move the transfers not yet submitted, and their segments, to the front. */
static void batch_compact(struct dms_batch *b)
{
	uint32_t pending = b->nxfers - b->first, seg_base, i;

	if (b->first == 0)
		return;
	if (pending == 0) {
		dms_batch_clear(b);
		return;
	}
	/* Segments are appended in transfer order, so the pending ones are a tail. */
	seg_base = b->xfers[b->first].seg_first;
	memmove(b->xfers, b->xfers + b->first, pending * sizeof(*b->xfers));
	memmove(b->segs, b->segs + seg_base, (b->nsegs - seg_base) * sizeof(*b->segs));
	for (i = 0; i < pending; i++) {
		b->xfers[i].seg_first -= seg_base;
		if (b->xfers[i].dst_nsegs)
			b->xfers[i].dst_seg_first -= seg_base;
	}
	b->first = 0;
	b->nxfers = pending;
	b->nsegs -= seg_base;
}

static int batch_make_room(struct dms_batch *b, uint32_t nsegs)
{
	if (b->nxfers < b->max_xfers && b->nsegs + nsegs <= b->max_segs)
		return 0;
	batch_compact(b);
	if (b->nxfers < b->max_xfers && b->nsegs + nsegs <= b->max_segs)
		return 0;
	return -ENOSPC;
}

/* Append a checked transfer; returns its index among the pending ones. */
static int batch_append(struct dms_batch *b, uint64_t cookie, const struct dmastream_seg *src,
			uint32_t nsrc, const struct dmastream_seg *dst, uint32_t ndst)
{
	struct dmastream_xfer *x;
	int ret;

	ret = batch_make_room(b, nsrc + ndst);
	if (ret)
		return ret;
	x = &b->xfers[b->nxfers];
	memset(x, 0, sizeof(*x));
	x->cookie = cookie;
	x->seg_first = b->nsegs;
	x->nsegs = nsrc;
	memcpy(&b->segs[b->nsegs], src, nsrc * sizeof(*src));
	b->nsegs += nsrc;
	if (ndst) {
		x->dst_seg_first = b->nsegs;
		x->dst_nsegs = ndst;
		memcpy(&b->segs[b->nsegs], dst, ndst * sizeof(*dst));
		b->nsegs += ndst;
	}
	b->nxfers++;
	return (int)(b->nxfers - 1 - b->first);
}

int dms_batch_add(struct dms_batch *b, uint64_t cookie, const struct dmastream_seg *segs,
		  uint32_t nsegs)
{
	const struct dms_channel *ch = b->ch;
	uint64_t total;
	int ret;

	if (ch->direction == DMASTREAM_DIR_MEMCPY)
		return -EINVAL;
	ret = dms__check_segs(ch, segs, nsegs, ch->direction == DMASTREAM_DIR_RX, &total);
	if (ret)
		return ret;
	return batch_append(b, cookie, segs, nsegs, NULL, 0);
}

int dms_batch_add_buf(struct dms_batch *b, uint64_t cookie, uint32_t buf, uint32_t offset,
		      uint32_t len)
{
	struct dmastream_seg seg = { .buf = buf, .offset = offset, .len = len };

	return dms_batch_add(b, cookie, &seg, 1);
}

int dms_batch_add_memcpy(struct dms_batch *b, uint64_t cookie,
			 const struct dmastream_seg *src, uint32_t nsrc,
			 const struct dmastream_seg *dst, uint32_t ndst)
{
	const struct dms_channel *ch = b->ch;
	uint64_t src_total, dst_total;
	uint32_t i, j;
	int ret;

	if (ch->direction != DMASTREAM_DIR_MEMCPY)
		return -EINVAL;
	ret = dms__check_segs(ch, src, nsrc, false, &src_total);
	if (ret)
		return ret;
	ret = dms__check_segs(ch, dst, ndst, true, &dst_total);
	if (ret)
		return ret;
	if (src_total != dst_total)
		return -EINVAL;
	for (i = 0; i < ndst; i++)
		for (j = 0; j < nsrc; j++)
			if (ranges_overlap(&dst[i], &src[j]))
				return -EINVAL;
	return batch_append(b, cookie, src, nsrc, dst, ndst);
}

int dms_batch_set_timeout(struct dms_batch *b, uint32_t index, uint32_t timeout_ms)
{
	struct dmastream_xfer *x;

	if (index >= b->nxfers - b->first)
		return -EINVAL;
	x = &b->xfers[b->first + index];
	x->flags |= DMASTREAM_XFER_TIMEOUT;
	x->timeout_ms = timeout_ms;
	return 0;
}

int dms_submit(struct dms_channel *ch, struct dms_batch *b)
{
	struct dmastream_submit sub = { 0 };
	uint32_t pending = b->nxfers - b->first;
	int ret;

	if (b->ch != ch)
		return -EINVAL;
	b->bad_index = UINT32_MAX;
	if (pending == 0)
		return 0;
	sub.xfers = (uint64_t)(uintptr_t)(b->xfers + b->first);
	sub.segs = (uint64_t)(uintptr_t)b->segs;
	sub.nxfers = pending;
	sub.nsegs = b->nsegs;
	ret = dms__ioctl(ch, DMASTREAM_IOC_SUBMIT, &sub);
	if (ret < 0) {
		b->bad_index = sub.bad_index;
		return ret;
	}
	b->first += (uint32_t)ret;
	if (b->first == b->nxfers)
		dms_batch_clear(b);
	return ret;
}

int dms_submit_buf(struct dms_channel *ch, uint64_t cookie, uint32_t buf, uint32_t offset,
		   uint32_t len)
{
	struct dmastream_seg seg = { .buf = buf, .offset = offset, .len = len };
	struct dmastream_xfer x = { .cookie = cookie, .nsegs = 1 };
	struct dmastream_submit sub = {
		.xfers = (uint64_t)(uintptr_t)&x,
		.segs = (uint64_t)(uintptr_t)&seg,
		.nxfers = 1,
		.nsegs = 1,
	};
	uint64_t total;
	int ret;

	if (ch->direction == DMASTREAM_DIR_MEMCPY)
		return -EINVAL;
	ret = dms__check_segs(ch, &seg, 1, ch->direction == DMASTREAM_DIR_RX, &total);
	if (ret)
		return ret;
	ret = dms__ioctl(ch, DMASTREAM_IOC_SUBMIT, &sub);
	return ret < 0 ? ret : 0;
}
