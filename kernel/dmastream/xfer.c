// SPDX-License-Identifier: GPL-2.0-only
/*
 * Transfers: validation and submission of batches, the completion callback,
 * the completion queue, stopping the channel (abort, timeout, sticky error)
 * and waiting.
 *
 * A transfer's life: validated and its byte ranges reserved (so that no
 * other transfer in flight may write what it reads or touch what it
 * writes), queued as one dmaengine descriptor (a memcpy: one per contiguous
 * piece), completed by the engine's callback or by a channel stop, and
 * recorded in the completion queue, in submission order. Each transfer
 * produces exactly one completion record.
 */

#include <linux/dmaengine.h>
#include <linux/eventfd.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "compat.h"
#include "dmastream.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

#define DMASTREAM_XFER_FLAGS	DMASTREAM_XFER_TIMEOUT

static void dmastream_timeout_work(struct work_struct *work);
static void dmastream_error_work(struct work_struct *work);

int dmastream_chan_init_xfer(struct dmastream_chan *chan)
{
	INIT_DELAYED_WORK(&chan->timeout_work, dmastream_timeout_work);
	INIT_WORK(&chan->error_work, dmastream_error_work);
	return 0;
}

static void dmastream_req_free(struct dmastream_req *req)
{
	atomic_dec(&dmastream_live_reqs);
	kfree(req->pieces);
	kfree(req);
}

static struct scatterlist *dmastream_req_sg(struct dmastream_req *req)
{
	return (struct scatterlist *)&req->refs[req->nrefs];
}

/* ------------------------------------------------------------------------
 * Completion queue
 */

/* Free completion queue entries for new transfers. Under irq_lock. */
u32 dmastream_room(struct dmastream_chan *chan)
{
	struct dmastream_kring *ring = chan->ring;
	u32 used;

	if (!ring)
		return 0;
	used = chan->ninflight + chan->noverflow + dmastream_cq_unreaped(ring);
	return used >= ring->cq_entries ? 0 : ring->cq_entries - used;
}

static void dmastream_write_cqe(struct dmastream_kring *ring, const struct dmastream_req *req)
{
	struct dmastream_cqe *cqe = &ring->cqes[ring->cq_tail & (ring->cq_entries - 1)];

	cqe->cookie = req->user_cookie;
	cqe->seq = req->seq;
	cqe->t_submit_ns = req->t_submit_ns;
	cqe->t_complete_ns = req->t_complete_ns;
	cqe->bytes = req->bytes;
	cqe->status = req->status;
	cqe->flags = req->cqe_flags;
	cqe->reserved = 0;
	ring->cq_tail++;
	/* The entry must be visible before the tail that publishes it. */
	smp_store_release(&ring->cq->tail, ring->cq_tail);
}

/*
 * The ring goes (DMA stopped): what was held back for its completion queue
 * and the error history go with it, so that the next owner starts clean.
 * Under irq_lock.
 */
void dmastream_forget_ring_locked(struct dmastream_chan *chan)
{
	struct dmastream_req *req, *tmp;

	list_for_each_entry_safe(req, tmp, &chan->overflow, node) {
		list_del(&req->node);
		dmastream_req_free(req);
	}
	chan->noverflow = 0;
	chan->consecutive_errors = 0;
	chan->stop_pending = false;
}

/*
 * Post held-back completions while there is room. Under irq_lock.
 * Return: true if anything was posted.
 */
bool dmastream_flush_overflow(struct dmastream_chan *chan)
{
	struct dmastream_kring *ring = chan->ring;
	struct dmastream_req *req, *tmp;
	bool posted = false;

	if (!ring || list_empty(&chan->overflow))
		return false;
	list_for_each_entry_safe(req, tmp, &chan->overflow, node) {
		if (dmastream_cq_unreaped(ring) >= ring->cq_entries)
			break;
		list_del(&req->node);
		chan->noverflow--;
		dmastream_write_cqe(ring, req);
		dmastream_req_free(req);
		posted = true;
	}
	WRITE_ONCE(ring->cq->overflow, chan->noverflow);
	if (!chan->noverflow)
		WRITE_ONCE(ring->cq->flags, ring->cq->flags & ~DMASTREAM_CQ_OVERFLOW);
	return posted;
}

static void dmastream_count(struct dmastream_chan *chan, const struct dmastream_req *req)
{
	struct dmastream_stats *st = &chan->stats;

	st->completed++;
	switch (req->status) {
	case DMASTREAM_STATUS_OK:
		st->bytes += req->bytes;
		break;
	case DMASTREAM_STATUS_READ_ERROR:
		st->read_errors++;
		break;
	case DMASTREAM_STATUS_WRITE_ERROR:
		st->write_errors++;
		break;
	case DMASTREAM_STATUS_ENGINE_ABORTED:
		st->engine_aborts++;
		break;
	case DMASTREAM_STATUS_TIMEOUT:
		st->timeouts++;
		break;
	default:
		st->aborted++;
		break;
	}
	if (req->cqe_flags & DMASTREAM_CQE_SHORT)
		st->short_xfers++;
}

/* Release the byte ranges a transfer had reserved. Under irq_lock. */
static void dmastream_unreserve(struct dmastream_req *req)
{
	unsigned int i;

	for (i = 0; i < req->nrefs; i++) {
		if (!list_empty(&req->refs[i].node))
			list_del_init(&req->refs[i].node);
	}
}

/*
 * Record a finished transfer: in the completion queue when there is room
 * and nothing is held back before it, else at the end of the overflow list
 * so order is kept. Under irq_lock; the transfer is off the in-flight list.
 */
static void dmastream_finish_locked(struct dmastream_chan *chan, struct dmastream_req *req,
				    u32 status, u32 bytes)
{
	struct dmastream_kring *ring = chan->ring;

	dmastream_unreserve(req);
	req->status = status;
	req->bytes = bytes;
	if (status == DMASTREAM_STATUS_OK && bytes < req->len)
		req->cqe_flags |= DMASTREAM_CQE_SHORT;
	req->t_complete_ns = ktime_get_ns();
	dmastream_count(chan, req);
	trace_dmastream_complete(chan, req);

	if (!list_empty(&chan->overflow) || dmastream_cq_unreaped(ring) >= ring->cq_entries) {
		list_add_tail(&req->node, &chan->overflow);
		chan->noverflow++;
		chan->stats.cq_overflows++;
		WRITE_ONCE(ring->cq->overflow, chan->noverflow);
		WRITE_ONCE(ring->cq->flags, ring->cq->flags | DMASTREAM_CQ_OVERFLOW);
		return;
	}
	dmastream_write_cqe(ring, req);
	dmastream_req_free(req);
}

/*
 * Whether anyone would learn of a completion: an eventfd, a sleeper in
 * WAIT or poll(), or a registered epoll/io_uring poll entry. A program that
 * busy-polls the completion queue has none, and its completions then cost
 * neither the provider's lock (tx_status) nor the wait queue's. The
 * eventfd is only tested for NULL here; it is used under irq_lock.
 * wq_has_sleeper() orders the record's publication before the test, as
 * prepare_to_wait() orders a waiter's queueing before its own test.
 */
static bool dmastream_listened(struct dmastream_chan *chan)
{
	return READ_ONCE(chan->eventfd) || wq_has_sleeper(&chan->wq);
}

/* Wake poll()ers and waiters and signal the eventfd; dmastream_listened() said so. */
static void dmastream_wake_listeners(struct dmastream_chan *chan)
{
	__poll_t key = EPOLLIN | EPOLLRDNORM | EPOLLOUT | EPOLLWRNORM;
	unsigned long flags;

	spin_lock_irqsave(&chan->irq_lock, flags);
	if (chan->eventfd)
		dmastream_eventfd_signal(chan->eventfd);
	/*
	 * The key must not claim what is not so: io_uring's poll hands it to
	 * user space as the result. An error is reported only once entered.
	 */
	if (chan->state == DMASTREAM_STATE_ERROR)
		key |= EPOLLERR;
	spin_unlock_irqrestore(&chan->irq_lock, flags);
	wake_up_interruptible_poll(&chan->wq, key);
}

/* Wake poll()ers and waiters and signal the eventfd, if there are any. */
void dmastream_notify(struct dmastream_chan *chan)
{
	if (dmastream_listened(chan))
		dmastream_wake_listeners(chan);
}

/* ------------------------------------------------------------------------
 * Completion callback (the provider's tasklet or whatever context it uses)
 */

static u32 dmastream_status_of(const struct dmaengine_result *res)
{
	switch (res ? res->result : DMA_TRANS_NOERROR) {
	case DMA_TRANS_NOERROR:
		return DMASTREAM_STATUS_OK;
	case DMA_TRANS_READ_FAILED:
		return DMASTREAM_STATUS_READ_ERROR;
	case DMA_TRANS_WRITE_FAILED:
		return DMASTREAM_STATUS_WRITE_ERROR;
	default:
		return DMASTREAM_STATUS_ENGINE_ABORTED;
	}
}

/*
 * Each descriptor of a transfer (one for a slave transfer, one per piece
 * for a memcpy) holds a reference on the request until it calls back, and
 * the submitter holds one more until it has done with the request: some
 * providers (xilinx_dma) start descriptors as they are submitted, so the
 * first may call back before the last is submitted.
 */

/* Take a memcpy piece's reference and submit it; no reference if it fails. */
static dma_cookie_t dmastream_submit_desc(struct dmastream_chan *chan, struct dmastream_req *req,
					  struct dma_async_tx_descriptor *desc)
{
	dma_cookie_t cookie;

	spin_lock_irq(&chan->irq_lock);
	req->refs_left++;
	spin_unlock_irq(&chan->irq_lock);
	cookie = dmaengine_submit(desc);
	if (dma_submit_error(cookie)) {
		/* Never the last reference: the submitter still holds one. */
		spin_lock_irq(&chan->irq_lock);
		req->refs_left--;
		spin_unlock_irq(&chan->irq_lock);
	}
	return cookie;
}

/* What to do once irq_lock is dropped after a transfer was retired. */
struct dmastream_retired {
	bool sticky;
	dma_cookie_t next_cookie;
};

/*
 * The last reference to an in-flight transfer is gone: take it off the
 * in-flight list and record it. Under irq_lock.
 */
static void dmastream_retire_locked(struct dmastream_chan *chan, struct dmastream_req *req,
				    struct dmastream_retired *after)
{
	u32 status = req->pieces_status;

	if (req->failed_prep && status == DMASTREAM_STATUS_OK)
		status = DMASTREAM_STATUS_ENGINE_ABORTED;
	list_del(&req->node);
	chan->ninflight--;
	chan->stats.inflight = chan->ninflight;

	after->sticky = false;
	if (status == DMASTREAM_STATUS_OK) {
		chan->consecutive_errors = 0;
	} else if (chan->error_threshold && !chan->stop_pending &&
		   ++chan->consecutive_errors >= chan->error_threshold) {
		chan->stop_pending = true;
		after->sticky = true;
	}
	/* Known only once more comes: the end of a stream is not a gap. */
	if (chan->kind == DMASTREAM_DIR_RX && !chan->ninflight &&
	    chan->state == DMASTREAM_STATE_READY)
		chan->rx_ran_empty = true;

	dmastream_finish_locked(chan, req, status, req->pieces_bytes);
	after->next_cookie = 0;
	if (!list_empty(&chan->inflight))
		after->next_cookie = list_first_entry(&chan->inflight, struct dmastream_req,
						      node)->dma_cookie;
}

static void dmastream_after_retire(struct dmastream_chan *chan,
				   const struct dmastream_retired *after)
{
	struct dma_chan *dma;

	if (after->sticky)
		queue_work(system_wq, &chan->error_work);
	if (!dmastream_listened(chan))
		return;
	/*
	 * Notify once per burst: when the next transfer has completed too, its
	 * callback follows and notifies. Asked outside irq_lock: providers
	 * take their own locks in tx_status.
	 */
	dma = READ_ONCE(chan->dma);	/* NULL once the device is removed */
	if (after->next_cookie > 0 && dma &&
	    dmaengine_tx_status(dma, after->next_cookie, NULL) == DMA_COMPLETE)
		return;
	dmastream_wake_listeners(chan);
}

/* A descriptor called back: add up what it moved, keep the first error. */
static void dmastream_desc_done(struct dmastream_req *req, u32 status, u32 bytes)
{
	struct dmastream_chan *chan = req->chan;
	struct dmastream_retired after;
	unsigned long flags;

	spin_lock_irqsave(&chan->irq_lock, flags);
	req->pieces_bytes += bytes;
	if (status != DMASTREAM_STATUS_OK && req->pieces_status == DMASTREAM_STATUS_OK)
		req->pieces_status = status;
	if (--req->refs_left) {
		spin_unlock_irqrestore(&chan->irq_lock, flags);
		return;
	}
	dmastream_retire_locked(chan, req, &after);
	spin_unlock_irqrestore(&chan->irq_lock, flags);
	dmastream_after_retire(chan, &after);
}

/* The submitter is done with a queued request: drop its reference. */
static void dmastream_submitted(struct dmastream_chan *chan, struct dmastream_req *req,
				dma_cookie_t cookie)
{
	struct dmastream_retired after;

	spin_lock_irq(&chan->irq_lock);
	req->dma_cookie = cookie;
	if (--req->refs_left) {
		spin_unlock_irq(&chan->irq_lock);
		return;
	}
	dmastream_retire_locked(chan, req, &after);
	spin_unlock_irq(&chan->irq_lock);
	dmastream_after_retire(chan, &after);
}

static void dmastream_xfer_done(void *param, const struct dmaengine_result *res)
{
	struct dmastream_req *req = param;
	u32 residue = res ? res->residue : 0;

	dmastream_desc_done(req, dmastream_status_of(res), req->len - min(residue, req->len));
}

static void dmastream_piece_done_cb(void *param, const struct dmaengine_result *res)
{
	struct dmastream_piece *piece = param;
	u32 residue = res ? res->residue : 0;

	dmastream_desc_done(piece->req, dmastream_status_of(res),
			    piece->len - min(residue, piece->len));
}

/* ------------------------------------------------------------------------
 * Stopping the channel
 */

/**
 * dmastream_stop() - stop DMA and complete everything in flight
 * @chan:	the channel, chan->lock held.
 * @sticky:	enter the sticky error state afterwards.
 *
 * Terminates the engine's work and waits until no callback can run any more
 * (so no DMA touches the buffers after this), then completes every transfer
 * still in flight, in order, as TIMEOUT (its deadline passed) or ABORTED.
 */
void dmastream_stop(struct dmastream_chan *chan, bool sticky)
{
	struct dmastream_req *req, *tmp;
	u32 prev;

	lockdep_assert_held(&chan->lock);

	spin_lock_irq(&chan->irq_lock);
	prev = chan->state;
	if (prev != DMASTREAM_STATE_GONE)
		chan->state = DMASTREAM_STATE_STOPPING;
	spin_unlock_irq(&chan->irq_lock);

	/* No DMA channel: the device was removed, and stopped then. */
	if (chan->dma) {
		dmaengine_terminate_async(chan->dma);
		dmaengine_synchronize(chan->dma);
	}

	spin_lock_irq(&chan->irq_lock);
	if (chan->ninflight)
		chan->stats.channel_stops++;
	list_for_each_entry_safe(req, tmp, &chan->inflight, node) {
		list_del(&req->node);
		chan->ninflight--;
		dmastream_finish_locked(chan, req, req->expired ? DMASTREAM_STATUS_TIMEOUT :
					DMASTREAM_STATUS_ABORTED, 0);
	}
	chan->stats.inflight = 0;
	chan->consecutive_errors = 0;
	chan->stop_pending = false;
	/* Emptied on purpose: not a gap in the stream. */
	chan->rx_ran_empty = false;
	if (prev == DMASTREAM_STATE_GONE) {
		chan->state = prev;
	} else if (sticky || prev == DMASTREAM_STATE_ERROR) {
		if (prev != DMASTREAM_STATE_ERROR)
			chan->stats.sticky_errors++;
		chan->state = DMASTREAM_STATE_ERROR;
		if (chan->ring)
			WRITE_ONCE(chan->ring->cq->flags,
				   chan->ring->cq->flags | DMASTREAM_CQ_ERROR);
	} else {
		chan->state = chan->ring ? DMASTREAM_STATE_READY : DMASTREAM_STATE_IDLE;
	}
	spin_unlock_irq(&chan->irq_lock);
	dmastream_notify(chan);
}

/* Too many consecutive engine errors: stop in the sticky error state. */
static void dmastream_error_work(struct work_struct *work)
{
	struct dmastream_chan *chan = container_of(work, struct dmastream_chan, error_work);
	bool pending;

	mutex_lock(&chan->lock);
	/*
	 * A stop, reset or new ring since it was queued has dealt with it and
	 * cleared the flag; left alone otherwise, as a callback may have set
	 * it again (and queued this work again) meanwhile.
	 */
	spin_lock_irq(&chan->irq_lock);
	pending = chan->stop_pending;
	spin_unlock_irq(&chan->irq_lock);
	if (pending && !chan->dead && chan->ring) {
		dev_warn(&chan->dev, "%u consecutive engine errors: channel stopped until reset\n",
			 chan->error_threshold);
		dmastream_stop(chan, true);
	}
	mutex_unlock(&chan->lock);
}

/* Arm the timeout work for @deadline unless it already fires earlier. chan->lock held. */
static void dmastream_arm_timeout(struct dmastream_chan *chan, u64 deadline)
{
	u64 now = ktime_get_ns();

	if (chan->timer_deadline_ns && chan->timer_deadline_ns <= deadline)
		return;
	chan->timer_deadline_ns = deadline;
	mod_delayed_work(system_wq, &chan->timeout_work,
			 deadline > now ? nsecs_to_jiffies(deadline - now) + 1 : 0);
}

static void dmastream_timeout_work(struct work_struct *work)
{
	struct dmastream_chan *chan = container_of(to_delayed_work(work), struct dmastream_chan,
						   timeout_work);
	struct dmastream_req *req;
	bool expired = false;
	u64 now, next = 0;

	mutex_lock(&chan->lock);
	chan->timer_deadline_ns = 0;
	if (chan->dead || !chan->ring)
		goto out;

	now = ktime_get_ns();
	spin_lock_irq(&chan->irq_lock);
	list_for_each_entry(req, &chan->inflight, node) {
		if (!req->deadline_ns)
			continue;
		if (req->deadline_ns <= now) {
			req->expired = true;
			expired = true;
		} else if (!next || req->deadline_ns < next) {
			next = req->deadline_ns;
		}
	}
	spin_unlock_irq(&chan->irq_lock);

	if (expired)
		dmastream_stop(chan, false);
	else if (next)
		dmastream_arm_timeout(chan, next);
out:
	mutex_unlock(&chan->lock);
}

/* ------------------------------------------------------------------------
 * Submission
 */

static bool dmastream_ranges_overlap(const struct dmastream_seg_ref *a,
				     const struct dmastream_seg_ref *b)
{
	return a->buf == b->buf && a->offset < b->offset + b->len &&
	       b->offset < a->offset + a->len;
}

/* Check one segment against the ring and the channel's limits. */
static int dmastream_check_seg(const struct dmastream_chan *chan,
			       const struct dmastream_kring *ring,
			       const struct dmastream_seg *seg)
{
	if (seg->reserved || !seg->len || seg->buf >= ring->count ||
	    seg->offset > ring->size || seg->len > ring->size - seg->offset)
		return -EINVAL;
	if (seg->len > chan->caps.max_seg_size)
		return -E2BIG;
	if (!IS_ALIGNED(seg->offset, chan->caps.addr_align) ||
	    !IS_ALIGNED(seg->len, chan->caps.len_align))
		return -EINVAL;
	return 0;
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

		ret = dmastream_check_seg(chan, ring, seg);
		if (ret)
			return ret;
		refs[i].buf = seg->buf;
		refs[i].offset = seg->offset;
		refs[i].len = seg->len;
		refs[i].dma_writes = dma_writes;
		INIT_LIST_HEAD(&refs[i].node);
		total += seg->len;
	}
	return total > chan->caps.max_xfer_bytes ? -E2BIG : total;
}

/* Within one transfer, nothing the engine writes may overlap anything else. */
static int dmastream_check_self_overlap(const struct dmastream_req *req)
{
	unsigned int i, j;

	for (i = 0; i < req->nrefs; i++) {
		for (j = i + 1; j < req->nrefs; j++) {
			if (!req->refs[i].dma_writes && !req->refs[j].dma_writes)
				continue;
			if (dmastream_ranges_overlap(&req->refs[i], &req->refs[j]))
				return -EINVAL;
		}
	}
	return 0;
}

static dma_addr_t dmastream_seg_dma(const struct dmastream_kring *ring,
				    const struct dmastream_seg_ref *ref, u32 skip)
{
	return ring->bufs[ref->buf].dma + ref->offset + skip;
}

/*
 * Walk a memcpy's source and destination lists in pieces contiguous on both
 * sides and at most max_seg bytes; @fn gets each piece. Return: the number
 * of pieces, or fn's first non-zero return.
 */
static int dmastream_memcpy_pieces(const struct dmastream_req *req, u32 nsrc, u32 max_seg,
				   int (*fn)(void *ctx, u32 i, dma_addr_t dst, dma_addr_t src,
					     u32 len, bool last),
				   void *ctx, const struct dmastream_kring *ring)
{
	const struct dmastream_seg_ref *src = req->refs, *dst = &req->refs[nsrc];
	u32 si = 0, di = 0, soff = 0, doff = 0, left = req->len, n = 0;
	int ret;

	while (left) {
		u32 piece = min3(src[si].len - soff, dst[di].len - doff, max_seg);

		if (fn) {
			ret = fn(ctx, n, ring ? dmastream_seg_dma(ring, &dst[di], doff) : 0,
				 ring ? dmastream_seg_dma(ring, &src[si], soff) : 0, piece,
				 piece == left);
			if (ret)
				return ret;
		}
		n++;
		left -= piece;
		soff += piece;
		doff += piece;
		if (soff == src[si].len) {
			si++;
			soff = 0;
		}
		if (doff == dst[di].len) {
			di++;
			doff = 0;
		}
	}
	return n;
}

/*
 * Everything about one transfer that does not depend on other transfers.
 * Allocates the request on success.
 */
static int dmastream_prepare_req(struct dmastream_chan *chan, struct dmastream_kring *ring,
				 const struct dmastream_xfer *x, const struct dmastream_seg *segs,
				 u32 nsegs_batch, struct dmastream_req **out)
{
	bool is_memcpy = chan->kind == DMASTREAM_DIR_MEMCPY;
	struct dmastream_req *req;
	u32 nrefs, nsg;
	s64 src_len, dst_len;
	size_t size;
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
	nsg = is_memcpy ? 0 : x->nsegs;
	size = struct_size(req, refs, nrefs) + nsg * sizeof(struct scatterlist);
	req = kzalloc(size, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	atomic_inc(&dmastream_live_reqs);
	req->chan = chan;
	req->nrefs = nrefs;
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
	if (is_memcpy) {
		int n = dmastream_memcpy_pieces(req, x->nsegs, chan->caps.max_seg_size, NULL,
						NULL, NULL);

		req->pieces = kmalloc_array(n, sizeof(*req->pieces), GFP_KERNEL);
		if (!req->pieces) {
			ret = -ENOMEM;
			goto err;
		}
		req->npieces = n;
	}
	if (x->flags & DMASTREAM_XFER_TIMEOUT)
		req->deadline_ns = x->timeout_ms;	/* made absolute at queueing */
	else
		req->deadline_ns = chan->timeout_ms;
	*out = req;
	return 0;
err:
	dmastream_req_free(req);
	return ret;
}

/*
 * Reserve a request's ranges unless they conflict with a transfer in
 * flight or reserved earlier in this batch. Under irq_lock.
 */
static int dmastream_reserve(struct dmastream_kring *ring, struct dmastream_req *req)
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

static void dmastream_discard_reqs(struct dmastream_chan *chan, struct dmastream_req **reqs,
				   u32 from, u32 to)
{
	u32 i;

	spin_lock_irq(&chan->irq_lock);
	for (i = from; i < to; i++)
		dmastream_unreserve(reqs[i]);
	spin_unlock_irq(&chan->irq_lock);
	for (i = from; i < to; i++)
		dmastream_req_free(reqs[i]);
}

static struct dma_async_tx_descriptor *dmastream_prep_slave(struct dmastream_chan *chan,
							    struct dmastream_kring *ring,
							    struct dmastream_req *req)
{
	struct scatterlist *sg = dmastream_req_sg(req);
	unsigned int i;

	sg_init_table(sg, req->nrefs);
	for (i = 0; i < req->nrefs; i++) {
		sg[i].length = req->refs[i].len;
		sg_dma_address(&sg[i]) = dmastream_seg_dma(ring, &req->refs[i], 0);
		sg_dma_len(&sg[i]) = req->refs[i].len;
	}
	return dmaengine_prep_slave_sg(chan->dma, sg, req->nrefs, chan->dir,
				       DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
}

struct dmastream_memcpy_ctx {
	struct dmastream_chan *chan;
	struct dmastream_req *req;
	dma_cookie_t cookie;		/* of the last piece submitted */
	u32 queued;			/* pieces submitted */
};

/* Prepare and submit one piece of a memcpy. */
static int dmastream_memcpy_piece(void *data, u32 i, dma_addr_t dst, dma_addr_t src, u32 len,
				  bool last)
{
	struct dmastream_memcpy_ctx *ctx = data;
	struct dmastream_req *req = ctx->req;
	struct dma_async_tx_descriptor *desc;
	dma_cookie_t cookie;

	desc = dmaengine_prep_dma_memcpy(ctx->chan->dma, dst, src, len,
					 DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
	if (!desc)
		return -ENOMEM;
	req->pieces[i].req = req;
	req->pieces[i].len = len;
	desc->callback_result = dmastream_piece_done_cb;
	desc->callback_param = &req->pieces[i];
	cookie = dmastream_submit_desc(ctx->chan, req, desc);
	if (dma_submit_error(cookie))
		return -EIO;
	ctx->cookie = cookie;
	ctx->queued++;
	return 0;
}

/*
 * Queue a memcpy as one descriptor per piece; each calls back, so an error
 * in any piece reaches the completion record. Should a piece fail to
 * prepare or submit, those already queued still call back and the
 * transfer completes as ENGINE_ABORTED instead of disappearing.
 * Return: 0 with *cookie set if any piece is queued, else the error.
 */
static int dmastream_queue_memcpy(struct dmastream_chan *chan, struct dmastream_kring *ring,
				  struct dmastream_req *req, u32 nsrc, dma_cookie_t *cookie)
{
	struct dmastream_memcpy_ctx ctx = { .chan = chan, .req = req };
	int ret;

	ret = dmastream_memcpy_pieces(req, nsrc, chan->caps.max_seg_size, dmastream_memcpy_piece,
				      &ctx, ring);
	if (ret < 0) {
		if (!ctx.queued)
			return ret;
		/* Read under irq_lock once the submitter's reference goes. */
		req->failed_prep = true;
	}
	*cookie = ctx.cookie;
	return 0;
}

/*
 * Queue one validated, reserved request; @deadline gets its absolute
 * deadline (0: none). Return: 0, or -ENOMEM/-EIO when the engine would not
 * take it (nothing queued).
 */
static int dmastream_queue_req(struct dmastream_chan *chan, struct dmastream_kring *ring,
			       struct dmastream_req *req, u32 nsrc, u64 *deadline)
{
	struct dma_async_tx_descriptor *desc = NULL;
	u64 timeout_ms = req->deadline_ns;
	dma_cookie_t cookie = 0;
	int ret = 0;

	if (chan->kind != DMASTREAM_DIR_MEMCPY) {
		desc = dmastream_prep_slave(chan, ring, req);
		if (!desc)
			return -ENOMEM;
		desc->callback_result = dmastream_xfer_done;
		desc->callback_param = req;
	}

	/* On the in-flight list before the engine can possibly call back. */
	spin_lock_irq(&chan->irq_lock);
	req->seq = chan->next_seq++;
	req->t_submit_ns = ktime_get_ns();
	req->deadline_ns = timeout_ms ? req->t_submit_ns + timeout_ms * NSEC_PER_MSEC : 0;
	/* The submitter's, and a slave transfer's one descriptor's. */
	req->refs_left = desc ? 2 : 1;
	req->pieces_status = DMASTREAM_STATUS_OK;
	req->pieces_bytes = 0;
	if (chan->rx_ran_empty) {
		req->cqe_flags |= DMASTREAM_CQE_AFTER_EMPTY;
		chan->rx_ran_empty = false;
		chan->stats.rx_queue_empty++;
	}
	list_add_tail(&req->node, &chan->inflight);
	chan->ninflight++;
	spin_unlock_irq(&chan->irq_lock);
	*deadline = req->deadline_ns;
	trace_dmastream_submit(chan, req, req->nrefs);

	if (desc) {
		cookie = dmaengine_submit(desc);
		if (dma_submit_error(cookie))
			ret = -EIO;
	} else {
		ret = dmastream_queue_memcpy(chan, ring, req, nsrc, &cookie);
	}
	if (ret) {
		/* Nothing reached the engine: no callback refers to it. */
		spin_lock_irq(&chan->irq_lock);
		list_del(&req->node);
		chan->ninflight--;
		chan->next_seq--;
		if (req->cqe_flags & DMASTREAM_CQE_AFTER_EMPTY) {
			chan->rx_ran_empty = true;
			chan->stats.rx_queue_empty--;
		}
		spin_unlock_irq(&chan->irq_lock);
		return ret;
	}
	dmastream_submitted(chan, req, cookie);
	return 0;
}

/*
 * A batch as copied in from user space. Copied before chan->lock is taken:
 * a caller whose arrays fault slowly (userfaultfd, FUSE) must not hold up
 * timeouts, removal or sysfs readers of the channel. Small batches, the
 * common case of a pipeline refilling, live on the stack.
 */
#define DMASTREAM_BATCH_SMALL_XFERS	4
#define DMASTREAM_BATCH_SMALL_SEGS	8

struct dmastream_batch {
	struct dmastream_xfer *xfers;
	struct dmastream_seg *segs;
	struct dmastream_req **reqs;
	void *alloc;			/* NULL when on the stack */
	struct dmastream_xfer small_xfers[DMASTREAM_BATCH_SMALL_XFERS];
	struct dmastream_seg small_segs[DMASTREAM_BATCH_SMALL_SEGS];
	struct dmastream_req *small_reqs[DMASTREAM_BATCH_SMALL_XFERS];
};

static int dmastream_batch_copy_in(struct dmastream_batch *b, const struct dmastream_submit *sub)
{
	size_t xsize = array_size(sub->nxfers, sizeof(*b->xfers));
	size_t ssize = array_size(sub->nsegs, sizeof(*b->segs));
	size_t rsize = array_size(sub->nxfers, sizeof(*b->reqs));

	b->alloc = NULL;
	if (sub->nxfers <= DMASTREAM_BATCH_SMALL_XFERS &&
	    sub->nsegs <= DMASTREAM_BATCH_SMALL_SEGS) {
		b->xfers = b->small_xfers;
		b->segs = b->small_segs;
		b->reqs = b->small_reqs;
	} else {
		/* Bounded by DMASTREAM_SUBMIT_MAX{,_SEGS}: at most 176 KiB. */
		b->alloc = kvmalloc(xsize + ssize + rsize, GFP_KERNEL);
		if (!b->alloc)
			return -ENOMEM;
		b->xfers = b->alloc;
		b->segs = b->alloc + xsize;
		b->reqs = b->alloc + xsize + ssize;
	}
	if (copy_from_user(b->xfers, u64_to_user_ptr(sub->xfers), xsize) ||
	    copy_from_user(b->segs, u64_to_user_ptr(sub->segs), ssize)) {
		kvfree(b->alloc);
		return -EFAULT;
	}
	return 0;
}

/**
 * dmastream_submit() - DMASTREAM_IOC_SUBMIT
 * @chan:	the channel.
 * @file:	the calling file.
 * @uarg:	the user's struct dmastream_submit.
 *
 * Return: the number of transfers queued (> 0), or a negative errno; see
 * docs/abi.md for which errno means what.
 */
long dmastream_submit(struct dmastream_chan *chan, struct file *file,
		      struct dmastream_submit __user *uarg)
{
	struct dmastream_batch batch;
	struct dmastream_req **reqs;
	struct dmastream_submit sub;
	struct dmastream_kring *ring;
	u32 i, accept, queued = 0, bad = U32_MAX;
	u64 first_deadline = 0;
	long ret;

	if (copy_from_user(&sub, uarg, sizeof(sub)))
		return -EFAULT;
	if (sub.flags || sub.reserved[0] || sub.reserved[1] || !sub.nxfers ||
	    sub.nxfers > DMASTREAM_SUBMIT_MAX || !sub.nsegs ||
	    sub.nsegs > DMASTREAM_SUBMIT_MAX_SEGS)
		return -EINVAL;
	ret = dmastream_owner_precheck(chan, file);
	if (ret)
		return ret;
	ret = dmastream_batch_copy_in(&batch, &sub);
	if (ret)
		return ret;
	reqs = batch.reqs;

	mutex_lock(&chan->lock);
	ret = dmastream_owner_check(chan, file);
	if (ret)
		goto unlock;
	ring = chan->ring;
	if (READ_ONCE(chan->state) == DMASTREAM_STATE_ERROR) {
		ret = -EIO;
		goto unlock;
	}

	/* Each transfer on its own... */
	for (i = 0; i < sub.nxfers; i++) {
		ret = dmastream_prepare_req(chan, ring, &batch.xfers[i], batch.segs,
					    sub.nsegs, &reqs[i]);
		if (ret) {
			bad = i;
			dmastream_discard_reqs(chan, reqs, 0, i);
			goto report;
		}
	}

	/* ...then against everything in flight and before it in the batch. */
	spin_lock_irq(&chan->irq_lock);
	dmastream_flush_overflow(chan);
	for (i = 0; i < sub.nxfers; i++) {
		ret = dmastream_reserve(ring, reqs[i]);
		if (ret) {
			bad = i;
			break;
		}
	}
	accept = min(dmastream_room(chan), sub.nxfers);
	spin_unlock_irq(&chan->irq_lock);
	if (ret) {
		dmastream_discard_reqs(chan, reqs, 0, sub.nxfers);
		goto report;
	}
	if (!accept) {
		dmastream_discard_reqs(chan, reqs, 0, sub.nxfers);
		ret = -EAGAIN;
		goto report;
	}

	for (i = 0; i < accept; i++) {
		u64 deadline;

		ret = dmastream_queue_req(chan, ring, reqs[i], batch.xfers[i].nsegs, &deadline);
		if (ret)
			break;
		if (deadline && (!first_deadline || deadline < first_deadline))
			first_deadline = deadline;
		queued++;
	}
	dmastream_discard_reqs(chan, reqs, queued, sub.nxfers);

	if (queued) {
		dma_async_issue_pending(chan->dma);
		spin_lock_irq(&chan->irq_lock);
		chan->stats.submitted += queued;
		chan->stats.batches++;
		chan->stats.inflight = chan->ninflight;
		if (chan->ninflight > chan->stats.inflight_max)
			chan->stats.inflight_max = chan->ninflight;
		spin_unlock_irq(&chan->irq_lock);
		if (first_deadline)
			dmastream_arm_timeout(chan, first_deadline);
		ret = queued;
	}
report:
	mutex_unlock(&chan->lock);
	kvfree(batch.alloc);
	/* Once transfers are queued, their count is what the caller must learn. */
	if (put_user(bad, &uarg->bad_index) && ret <= 0)
		ret = -EFAULT;
	return ret;
unlock:
	mutex_unlock(&chan->lock);
	kvfree(batch.alloc);
	return ret;
}

/* ------------------------------------------------------------------------
 * Waiting
 */

static bool dmastream_ready(struct dmastream_chan *chan, struct dmastream_kring *ring,
			    u32 min_complete, u32 *avail)
{
	bool done;

	spin_lock_irq(&chan->irq_lock);
	if (chan->ring == ring)
		dmastream_flush_overflow(chan);
	*avail = dmastream_cq_unreaped(ring);
	done = chan->dead || chan->ring != ring || chan->state == DMASTREAM_STATE_ERROR ||
	       *avail >= min_complete || (!chan->ninflight && !chan->noverflow);
	spin_unlock_irq(&chan->irq_lock);
	return done;
}

/**
 * dmastream_wait() - DMASTREAM_IOC_WAIT, without chan->lock held
 * @chan:	the channel.
 * @ring:	the caller's ring, referenced by the caller.
 * @w:		the request, copied in; @w->available is filled in.
 *
 * Return: 0 when enough completions wait or none can arrive any more;
 * -ETIMEDOUT, -ERESTARTSYS, -EIO (sticky error), -ENODEV (device gone).
 */
int dmastream_wait(struct dmastream_chan *chan, struct dmastream_kring *ring,
		   struct dmastream_wait *w)
{
	u32 min = w->min_complete, avail = 0;
	ktime_t timeout;
	long ret;

	if (w->flags || w->reserved[0] || w->reserved[1] || w->reserved[2] ||
	    !min || min > ring->cq_entries)
		return -EINVAL;

	if (w->timeout_ns) {
		timeout = ns_to_ktime(min_t(u64, w->timeout_ns, KTIME_MAX));
		ret = wait_event_interruptible_hrtimeout(chan->wq,
							 dmastream_ready(chan, ring, min, &avail),
							 timeout);
		if (ret == -ETIME)
			ret = -ETIMEDOUT;
	} else {
		ret = wait_event_interruptible(chan->wq,
					       dmastream_ready(chan, ring, min, &avail));
	}
	w->available = avail;
	if (ret)
		return ret;
	if (chan->dead)
		return -ENODEV;
	if (READ_ONCE(chan->state) == DMASTREAM_STATE_ERROR)
		return -EIO;
	return 0;
}
