// SPDX-License-Identifier: GPL-2.0-only
/*
 * Byte-range reservations: while a transfer is in flight, no other transfer
 * may write what it reads or touch what it writes. Each buffer keeps the
 * ranges of the transfers in flight on it in two interval trees, one of
 * ranges the engine reads and one of ranges it writes; ranges only read
 * may overlap each other. A check costs O(log n) in the ranges in flight,
 * so a SUBMIT's cost grows with its own segments, never with what the
 * channel already holds.
 */

#include <linux/interval_tree_generic.h>

#include "reserve.h"
#include "ring.h"

static inline u32 dmastream_ref_start(const struct dmastream_seg_ref *ref)
{
	return ref->offset;
}

/* Inclusive, as the interval tree wants it; a segment is never empty. */
static inline u32 dmastream_ref_last(const struct dmastream_seg_ref *ref)
{
	return ref->offset + ref->len - 1;
}

INTERVAL_TREE_DEFINE(struct dmastream_seg_ref, rb, u32, subtree_last,
		     dmastream_ref_start, dmastream_ref_last, static __maybe_unused,
		     dmastream_ref_tree)

static struct rb_root_cached *dmastream_ref_root(struct dmastream_kring *ring,
						 const struct dmastream_seg_ref *ref)
{
	struct dmastream_buf *buf = dmastream_ring_buf(ring, ref->buf);

	return ref->dma_writes ? &buf->writes : &buf->reads;
}

/* Whether @ref conflicts with a range in flight on its buffer. */
static bool dmastream_ref_conflicts(struct dmastream_kring *ring,
				    struct dmastream_seg_ref *ref)
{
	struct dmastream_buf *buf = dmastream_ring_buf(ring, ref->buf);
	u32 first = dmastream_ref_start(ref), last = dmastream_ref_last(ref);

	if (dmastream_ref_tree_iter_first(&buf->writes, first, last))
		return true;
	return ref->dma_writes && dmastream_ref_tree_iter_first(&buf->reads, first, last);
}

/**
 * dmastream_reserve() - reserve a transfer's ranges
 * @ring:	the ring its segments refer to.
 * @req:	the transfer, validated: its own ranges do not conflict.
 *
 * Fails, reserving nothing, if a range conflicts with one of a transfer in
 * flight or reserved earlier in the same batch. Under irq_lock; the cost
 * is O(r log n) for r ranges of @req and n ranges in flight.
 *
 * Return: 0 or -EBUSY.
 */
int dmastream_reserve(struct dmastream_kring *ring, struct dmastream_req *req)
{
	unsigned int i;

	for (i = 0; i < req->nrefs; i++) {
		if (dmastream_ref_conflicts(ring, &req->refs[i]))
			return -EBUSY;
	}
	for (i = 0; i < req->nrefs; i++) {
		struct dmastream_seg_ref *ref = &req->refs[i];

		dmastream_ref_tree_insert(ref, dmastream_ref_root(ring, ref));
	}
	req->ring = ring;
	return 0;
}

/**
 * dmastream_unreserve() - release a transfer's ranges
 * @req:	the transfer; ranges it did not reserve are left alone.
 *
 * Under irq_lock.
 */
void dmastream_unreserve(struct dmastream_req *req)
{
	unsigned int i;

	for (i = 0; i < req->nrefs; i++) {
		struct dmastream_seg_ref *ref = &req->refs[i];

		if (RB_EMPTY_NODE(&ref->rb))
			continue;
		dmastream_ref_tree_remove(ref, dmastream_ref_root(req->ring, ref));
		RB_CLEAR_NODE(&ref->rb);
	}
}
