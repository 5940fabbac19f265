// SPDX-License-Identifier: GPL-2.0-only
/*
 * Validation of one transfer of a SUBMIT, against the ring and the
 * channel's limits, and nothing else: conflicts with other transfers are
 * reserve.c's. A transfer that passes is allocated here, with its
 * segments (and, for a slave transfer, room for its scatterlist).
 */

#include <linux/err.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "import.h"
#include "validate.h"

#define DMASTREAM_XFER_FLAGS	DMASTREAM_XFER_TIMEOUT

static size_t dmastream_req_size(u32 nrefs, u32 nsg)
{
	struct dmastream_req *req;

	return struct_size(req, refs, nrefs) + nsg * sizeof(struct scatterlist);
}

/*
 * The size of the transfers a channel keeps as spares: the common ones, a
 * one-segment memcpy (two segments, no scatterlist) or a one-segment tx or
 * rx on a ring buffer (one segment, one entry). Each of these is allocated
 * at this size, smaller ones too, so that any spare fits any of them.
 */
static size_t dmastream_req_spare_size(void)
{
	return max(dmastream_req_size(2, 0), dmastream_req_size(1, 1));
}

/* A zeroed transfer of @chan with room for @nrefs segments and @nsg entries. */
static struct dmastream_req *dmastream_req_alloc(struct dmastream_chan *chan, u32 nrefs,
						 u32 nsg)
{
	size_t size = dmastream_req_size(nrefs, nsg);
	bool spare_sized = size <= dmastream_req_spare_size();
	struct llist_node *node = NULL;
	struct dmastream_req *req;

	lockdep_assert_held(&chan->lock);
	if (spare_sized) {
		size = dmastream_req_spare_size();
		node = dmastream_spare_get(&chan->req_spares);
	}
	if (node) {
		req = llist_entry(node, struct dmastream_req, spare);
		memset(req, 0, size);
	} else {
		req = kzalloc(size, DMASTREAM_GFP_CALLER);
		if (!req)
			return NULL;
	}
	atomic_inc(&dmastream_live_reqs);
	req->chan = chan;
	req->spare_sized = spare_sized;
	return req;
}

/**
 * dmastream_req_free() - free a transfer, or keep it as its channel's spare
 * @req:	the transfer, on no list; any context.
 */
void dmastream_req_free(struct dmastream_req *req)
{
	atomic_dec(&dmastream_live_reqs);
	if (req->spare_sized && dmastream_spare_put(&req->chan->req_spares, &req->spare))
		return;
	kfree(req);
}

/**
 * dmastream_req_drop_spares() - free a channel's spare transfers
 * @chan:	the channel: chan->lock held and no transfer in flight (its
 *		owner goes), or being released.
 *
 * They are charged to the memory cgroup of the owner that allocated them
 * (DMASTREAM_GFP_CALLER): they go with that owner, not to the next one.
 */
void dmastream_req_drop_spares(struct dmastream_chan *chan)
{
	struct llist_node *node = dmastream_spares_take_all(&chan->req_spares);
	struct dmastream_req *req, *tmp;

	llist_for_each_entry_safe(req, tmp, node, spare)
		kfree(req);
}

/**
 * dmastream_req_sg() - a slave transfer's scatterlist, after its segments
 * @req:	the transfer.
 *
 * Return: room for @req->nsg entries.
 */
struct scatterlist *dmastream_req_sg(struct dmastream_req *req)
{
	return (struct scatterlist *)&req->refs[req->nrefs];
}

/*
 * The import a segment names, or NULL for a ring buffer; ERR_PTR(-EINVAL)
 * for an index that is neither.
 */
static struct dmastream_kimport *dmastream_seg_import(const struct dmastream_kring *ring,
						      u32 buf)
{
	u32 slot = buf & ~DMASTREAM_BUF_IMPORTED;

	if (!(buf & DMASTREAM_BUF_IMPORTED))
		return buf < ring->count ? NULL : ERR_PTR(-EINVAL);
	if (slot >= DMASTREAM_IMPORTS_MAX || !ring->imports[slot])
		return ERR_PTR(-EINVAL);
	return ring->imports[slot];
}

/* Check one segment against its buffer and the channel's limits. */
static int dmastream_check_seg(const struct dmastream_chan *chan,
			       const struct dmastream_kring *ring,
			       const struct dmastream_seg *seg, bool dma_writes)
{
	struct dmastream_kimport *imp = dmastream_seg_import(ring, seg->buf);
	u32 size, write_align;

	if (IS_ERR(imp))
		return PTR_ERR(imp);
	size = imp ? imp->size : ring->size;
	write_align = imp ? imp->write_align : ring->write_align;
	if (seg->reserved || !seg->len || seg->offset > size || seg->len > size - seg->offset)
		return -EINVAL;
	/* A memcpy's segments are cut into the engine's pieces by the driver. */
	if (chan->kind != DMASTREAM_DIR_MEMCPY && seg->len > chan->caps.max_seg_size)
		return -E2BIG;
	if (!IS_ALIGNED(seg->offset, chan->caps.addr_align) ||
	    !IS_ALIGNED(seg->len, chan->caps.len_align))
		return -EINVAL;
	/* A cache line the engine writes must not hold anything else. */
	if (dma_writes && (!IS_ALIGNED(seg->offset, write_align) ||
			   !IS_ALIGNED(seg->len, write_align)))
		return -EINVAL;
	if (!imp)
		return 0;
	if (dma_writes && imp->engine_reads)
		return -EACCES;
	/* Fences are not waited for (import.c): refused while one would be. */
	return dmastream_import_ready(imp, dma_writes) ? 0 : -EBUSY;
}

/*
 * Check a segment list of a transfer and fill its references.
 * Return: the total length, or a negative errno.
 */
static s64 dmastream_check_list(const struct dmastream_chan *chan,
				const struct dmastream_kring *ring,
				const struct dmastream_seg *segs, u32 nsegs_batch,
				u32 first, u32 n, bool dma_writes,
				struct dmastream_seg_ref *refs)
{
	u64 total = 0;
	u32 i;
	int ret;

	if (!n || n > chan->caps.max_segs)
		return n ? -E2BIG : -EINVAL;
	if (first >= nsegs_batch || n > nsegs_batch - first)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		const struct dmastream_seg *seg = &segs[first + i];

		ret = dmastream_check_seg(chan, ring, seg, dma_writes);
		if (ret)
			return ret;
		refs[i].buf = seg->buf;
		refs[i].offset = seg->offset;
		refs[i].len = seg->len;
		refs[i].dma_writes = dma_writes;
		RB_CLEAR_NODE(&refs[i].rb);
		total += seg->len;
	}
	if (chan->kind == DMASTREAM_DIR_MEMCPY)
		/* As GET_CAPS reports it, from the current buffer_size_max. */
		return total > min_t(u64, (u64)chan->caps.max_segs *
					  READ_ONCE(dmastream_buffer_size_max), U32_MAX) ?
		       -E2BIG : total;
	return total > chan->caps.max_xfer_bytes ? -E2BIG : total;
}

/*
 * Scatter-gather entries a slave transfer's segments take: one per
 * segment of a ring buffer, one per run touched of an import. Counted
 * before the segments are checked, to size the transfer's scatterlist: a
 * segment that is not valid counts one and is refused afterwards.
 */
static u32 dmastream_count_entries(const struct dmastream_kring *ring,
				   const struct dmastream_seg *segs, u32 nsegs_batch,
				   u32 first, u32 n)
{
	u32 i, entries = 0;

	if (first >= nsegs_batch || n > nsegs_batch - first)
		return n;
	for (i = 0; i < n; i++) {
		const struct dmastream_seg *seg = &segs[first + i];
		struct dmastream_kimport *imp = dmastream_seg_import(ring, seg->buf);

		if (IS_ERR_OR_NULL(imp) || !seg->len || seg->offset > imp->size ||
		    seg->len > imp->size - seg->offset)
			entries++;
		else
			entries += dmastream_import_entries(imp, seg->offset, seg->len);
	}
	return entries;
}

/* A transfer's ranges sorted by buffer and offset, for the overlap sweep. */
struct dmastream_span {
	u32 buf;
	u32 start;
	u32 end;
	bool dma_writes;
};

static int dmastream_span_cmp(const void *a, const void *b)
{
	const struct dmastream_span *x = a, *y = b;

	if (x->buf != y->buf)
		return x->buf < y->buf ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return 0;
}

/*
 * Within one transfer, nothing the engine writes may overlap anything
 * else. Sorted, then swept once: a range overlaps an earlier one of its
 * buffer exactly when it starts before that one's end, so it is enough to
 * know the furthest end so far of any range and of a written one. O(n log
 * n) for up to 2 x max_segs ranges, with no lock held.
 */
static int dmastream_check_self_overlap(const struct dmastream_req *req)
{
	/* A transfer of a few segments (a memcpy's two) allocates nothing. */
	struct dmastream_span few[8], *spans = few;
	u32 end_any = 0, end_written = 0, buf = U32_MAX;
	unsigned int i;
	int ret = 0;

	if (req->nrefs < 2)
		return 0;
	if (req->nrefs > ARRAY_SIZE(few)) {
		spans = kmalloc_array(req->nrefs, sizeof(*spans), DMASTREAM_GFP_CALLER);
		if (!spans)
			return -ENOMEM;
	}
	for (i = 0; i < req->nrefs; i++) {
		const struct dmastream_seg_ref *ref = &req->refs[i];

		spans[i] = (struct dmastream_span){
			.buf = ref->buf,
			.start = ref->offset,
			.end = ref->offset + ref->len,
			.dma_writes = ref->dma_writes,
		};
	}
	sort(spans, req->nrefs, sizeof(*spans), dmastream_span_cmp, NULL);
	for (i = 0; i < req->nrefs; i++) {
		const struct dmastream_span *sp = &spans[i];

		if (sp->buf != buf) {
			buf = sp->buf;
			end_any = 0;
			end_written = 0;
		}
		if (sp->start < end_written || (sp->dma_writes && sp->start < end_any)) {
			ret = -EINVAL;
			break;
		}
		end_any = max(end_any, sp->end);
		if (sp->dma_writes)
			end_written = max(end_written, sp->end);
	}
	if (spans != few)
		kfree(spans);
	return ret;
}

/**
 * dmastream_req_prepare() - check one transfer of a batch and allocate it
 * @chan:	the channel, chan->lock held.
 * @ring:	its ring.
 * @x:		the transfer, copied in.
 * @segs:	the batch's segments, copied in.
 * @nsegs_batch: how many.
 * @out:	the new transfer, in state QUEUED, on no list.
 *
 * Return: 0, or the errno docs/abi.md gives for what is wrong with it.
 */
int dmastream_req_prepare(struct dmastream_chan *chan, struct dmastream_kring *ring,
			  const struct dmastream_xfer *x, const struct dmastream_seg *segs,
			  u32 nsegs_batch, struct dmastream_req **out)
{
	bool is_memcpy = chan->kind == DMASTREAM_DIR_MEMCPY;
	struct dmastream_req *req;
	u32 nrefs, nsg;
	s64 src_len, dst_len;
	int ret;

	if (x->reserved || (x->flags & ~DMASTREAM_XFER_FLAGS) ||
	    (!(x->flags & DMASTREAM_XFER_TIMEOUT) && x->timeout_ms))
		return -EINVAL;
	if (is_memcpy ? !x->dst_nsegs : (x->dst_nsegs || x->dst_seg_first))
		return -EINVAL;
	if (x->nsegs > chan->caps.max_segs || x->dst_nsegs > chan->caps.max_segs)
		return -E2BIG;
	if (!x->nsegs)
		return -EINVAL;

	nrefs = x->nsegs + x->dst_nsegs;
	nsg = is_memcpy ? 0 : dmastream_count_entries(ring, segs, nsegs_batch, x->seg_first,
						      x->nsegs);
	/* An import's runs count against the engine's segments too. */
	if (nsg > chan->caps.max_segs)
		return -E2BIG;
	req = dmastream_req_alloc(chan, nrefs, nsg);
	if (!req)
		return -ENOMEM;
	req->state = DMASTREAM_XFER_QUEUED;
	req->nrefs = nrefs;
	req->nsg = nsg;
	req->nsrc = x->nsegs;
	req->user_cookie = x->cookie;

	/* TX reads memory, RX writes it; memcpy reads the source, writes the destination. */
	src_len = dmastream_check_list(chan, ring, segs, nsegs_batch, x->seg_first, x->nsegs,
				       chan->kind == DMASTREAM_DIR_RX, req->refs);
	if (src_len < 0) {
		ret = src_len;
		goto err;
	}
	if (is_memcpy) {
		dst_len = dmastream_check_list(chan, ring, segs, nsegs_batch, x->dst_seg_first,
					       x->dst_nsegs, true, &req->refs[x->nsegs]);
		if (dst_len < 0) {
			ret = dst_len;
			goto err;
		}
		if (dst_len != src_len) {
			ret = -EINVAL;
			goto err;
		}
	}
	ret = dmastream_check_self_overlap(req);
	if (ret)
		goto err;

	req->len = src_len;
	if (x->flags & DMASTREAM_XFER_TIMEOUT)
		req->timeout_ns = (u64)x->timeout_ms * NSEC_PER_MSEC;
	else
		req->timeout_ns = (u64)chan->timeout_ms * NSEC_PER_MSEC;
	*out = req;
	return 0;
err:
	dmastream_req_free(req);
	return ret;
}
