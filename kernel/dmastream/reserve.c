// SPDX-License-Identifier: GPL-2.0-only
/*
 * Byte-range reservations: while a transfer is in flight, no other transfer
 * may write what it reads or touch what it writes. Each buffer keeps the
 * ranges of the transfers in flight on it; ranges only read may be shared.
 */

#include "reserve.h"

/**
 * dmastream_reserve() - reserve a transfer's ranges
 * @ring:	the ring its segments refer to.
 * @req:	the transfer, validated.
 *
 * Fails, reserving nothing, if a range conflicts with one of a transfer in
 * flight or reserved earlier in the same batch. Under irq_lock.
 *
 * Return: 0 or -EBUSY.
 */
int dmastream_reserve(struct dmastream_kring *ring, struct dmastream_req *req)
{
	unsigned int i;

	for (i = 0; i < req->nrefs; i++) {
		struct dmastream_seg_ref *ref = &req->refs[i], *busy;

		list_for_each_entry(busy, &ring->bufs[ref->buf].busy, node) {
			if ((ref->dma_writes || busy->dma_writes) &&
			    dmastream_ranges_overlap(ref, busy))
				return -EBUSY;
		}
	}
	for (i = 0; i < req->nrefs; i++)
		list_add_tail(&req->refs[i].node, &ring->bufs[req->refs[i].buf].busy);
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
		if (!list_empty(&req->refs[i].node))
			list_del_init(&req->refs[i].node);
	}
}
