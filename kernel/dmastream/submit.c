// SPDX-License-Identifier: GPL-2.0-only
/*
 * DMASTREAM_IOC_SUBMIT: a batch is copied in, every transfer validated on
 * its own (validate.c), then against everything in flight (reserve.c),
 * then as many as there is room for in the completion queue and in the
 * channel's segment budget (inflight_segs_max) are accepted: on a cached
 * ring their ranges are handed over to the engine (cached.c), then they
 * join the channel's transfers, in order, and the engine is fed
 * (engine.c). Whether the engine takes them at once or as it frees
 * descriptors, an accepted transfer is never refused later for lack of
 * engine descriptors; it ends with exactly one completion record.
 */

#include <linux/ktime.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "cached.h"
#include "engine.h"
#include "import.h"
#include "complete.h"
#include "owner.h"
#include "reserve.h"
#include "submit.h"
#include "trace.h"
#include "validate.h"

/*
 * A batch as copied in from user space. Copied before chan->lock is taken:
 * a caller whose arrays fault slowly (userfaultfd, FUSE) must not hold up
 * timeouts, removal or sysfs readers of the channel. Small batches, the
 * common case of a pipeline refilling, live on the stack.
 */
#define DMASTREAM_BATCH_SMALL_XFERS	4
#define DMASTREAM_BATCH_SMALL_SEGS	8

/* Segments reserved per irq_lock section: dmastream_reserve_batch(). */
#define DMASTREAM_RESERVE_SECTION_SEGS	64

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
		b->alloc = kvmalloc(xsize + ssize + rsize, DMASTREAM_GFP_CALLER);
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

static void dmastream_discard_reqs(struct dmastream_chan *chan, struct dmastream_req **reqs,
				   u32 from, u32 to)
{
	u32 i;

	if (from == to)
		return;
	spin_lock_irq(&chan->irq_lock);
	for (i = from; i < to; i++)
		dmastream_unreserve(reqs[i]);
	spin_unlock_irq(&chan->irq_lock);
	for (i = from; i < to; i++)
		dmastream_req_free(reqs[i]);
}

/*
 * How many of the first @n transfers fit in what is left of the channel's
 * segment budget (inflight_segs_max). One transfer always fits on an idle
 * channel: the budget's minimum is two sides of max_segs. Under irq_lock.
 */
static u32 dmastream_fits(struct dmastream_chan *chan, struct dmastream_req **reqs, u32 n)
{
	u32 max = READ_ONCE(dmastream_inflight_segs_max), used = chan->nsegs_inflight;
	u32 i;

	for (i = 0; i < n; i++) {
		if (used > max || reqs[i]->nrefs > max - used)
			break;
		used += reqs[i]->nrefs;
	}
	return i;
}

/* Accept validated, reserved transfers: they join the channel's, in order. */
static void dmastream_accept(struct dmastream_chan *chan, struct dmastream_req **reqs, u32 n)
{
	u64 now = ktime_get_ns();
	u32 i;

	spin_lock_irq(&chan->irq_lock);
	for (i = 0; i < n; i++) {
		struct dmastream_req *req = reqs[i];

		req->seq = chan->next_seq++;
		req->t_submit_ns = now;
		if (chan->rx_ran_empty) {
			req->cqe_flags |= DMASTREAM_CQE_AFTER_EMPTY;
			chan->rx_ran_empty = false;
			chan->stats.rx_queue_empty++;
		}
		list_add_tail(&req->node, &chan->xfers);
		chan->nxfers++;
		chan->nsegs_inflight += req->nrefs;
		if (!chan->feed_next)
			chan->feed_next = req;
		trace_dmastream_submit(chan, req, req->nrefs);
	}
	chan->stats.submitted += n;
	chan->stats.batches++;
	chan->stats.inflight = chan->nxfers;
	if (chan->nxfers > chan->stats.inflight_max)
		chan->stats.inflight_max = chan->nxfers;
	/* Room's return is then worth a wakeup: complete.c. */
	if (!dmastream_can_submit(chan))
		chan->unwritable_seen = true;
	spin_unlock_irq(&chan->irq_lock);
}

/*
 * Reserve the transfers' ranges against everything in flight and before
 * them in the batch, in locked sections of up to
 * DMASTREAM_RESERVE_SECTION_SEGS segments (a single transfer may hold
 * more): interrupts stay off for a bounded time however large the batch,
 * and a refill of small transfers takes irq_lock a few times, not once per
 * transfer. Only completions run in between, and they only release ranges
 * and make room. Returns 0, or -EBUSY with *@bad set.
 */
static int dmastream_reserve_batch(struct dmastream_chan *chan, struct dmastream_kring *ring,
				   struct dmastream_req **reqs, u32 n, u32 *bad)
{
	u32 i = 0;

	while (i < n) {
		u32 segs = 0;
		int ret = 0;

		spin_lock_irq(&chan->irq_lock);
		do {
			segs += reqs[i]->nrefs;
			ret = dmastream_reserve(ring, reqs[i]);
			if (ret)
				break;
			i++;
		} while (i < n && segs + reqs[i]->nrefs <= DMASTREAM_RESERVE_SECTION_SEGS);
		spin_unlock_irq(&chan->irq_lock);
		if (ret) {
			*bad = i;
			return ret;
		}
		cond_resched();
	}
	return 0;
}

/**
 * dmastream_submit_batch() - validate, reserve and accept transfers
 * @chan:	the channel, no lock held.
 * @file:	the calling file, which must own @chan.
 * @xfers:	the transfers, in kernel memory.
 * @segs:	the segments they refer to, in kernel memory.
 * @nxfers:	transfers in @xfers, at least one.
 * @nsegs:	segments in @segs.
 * @reqs:	room for @nxfers transfer pointers.
 * @bad:	set to the index of the first invalid transfer, or U32_MAX.
 *
 * What SUBMIT does once the batch is copied in, also used for the
 * transfers the DMA Proxy personality starts on its own.
 *
 * Return: the number of transfers accepted (> 0), or a negative errno, as
 * dmastream_submit().
 */
long dmastream_submit_batch(struct dmastream_chan *chan, struct file *file,
			    const struct dmastream_xfer *xfers, const struct dmastream_seg *segs,
			    u32 nxfers, u32 nsegs, struct dmastream_req **reqs, u32 *bad)
{
	struct dmastream_kring *ring;
	u32 i, accept;
	long ret;

	*bad = U32_MAX;
	mutex_lock(&chan->lock);
	ret = dmastream_owner_check(chan, file);
	if (ret)
		goto unlock;
	ring = chan->ring;
	/*
	 * Past error_threshold the sticky stop is only queued (error_work):
	 * refuse now, not accept transfers it would cancel.
	 */
	if (READ_ONCE(chan->state) == DMASTREAM_STATE_ERROR || READ_ONCE(chan->stop_pending)) {
		ret = -EIO;
		goto unlock;
	}

	/* Each transfer on its own... */
	for (i = 0; i < nxfers; i++) {
		ret = dmastream_req_prepare(chan, ring, &xfers[i], segs, nsegs, &reqs[i]);
		if (ret) {
			*bad = i;
			dmastream_discard_reqs(chan, reqs, 0, i);
			goto unlock;
		}
		cond_resched();
	}

	/* ...then against everything in flight and before it in the batch. */
	ret = dmastream_reserve_batch(chan, ring, reqs, nxfers, bad);
	spin_lock_irq(&chan->irq_lock);
	dmastream_flush_overflow(chan);
	accept = dmastream_fits(chan, reqs, min(dmastream_room(chan), nxfers));
	if (!accept)
		chan->unwritable_seen = true;
	spin_unlock_irq(&chan->irq_lock);
	if (ret) {
		dmastream_discard_reqs(chan, reqs, 0, nxfers);
		goto unlock;
	}
	if (!accept) {
		dmastream_discard_reqs(chan, reqs, 0, nxfers);
		ret = -EAGAIN;
		goto unlock;
	}
	dmastream_discard_reqs(chan, reqs, accept, nxfers);
	if (ring->flags & DMASTREAM_RING_CACHED)
		dmastream_cached_to_engine(ring, reqs, accept);
	if (ring->nimports)
		dmastream_import_to_engine(ring, reqs, accept);
	dmastream_accept(chan, reqs, accept);
	dmastream_feed(chan);
	ret = accept;
unlock:
	mutex_unlock(&chan->lock);
	return ret;
}

/**
 * dmastream_submit() - DMASTREAM_IOC_SUBMIT
 * @chan:	the channel.
 * @file:	the calling file.
 * @uarg:	the user's struct dmastream_submit.
 *
 * Return: the number of transfers accepted (> 0), or a negative errno; see
 * docs/abi.md for which errno means what.
 */
long dmastream_submit(struct dmastream_chan *chan, struct file *file,
		      struct dmastream_submit __user *uarg)
{
	struct dmastream_batch batch;
	struct dmastream_submit sub;
	u32 bad;
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
	ret = dmastream_submit_batch(chan, file, batch.xfers, batch.segs, sub.nxfers, sub.nsegs,
				     batch.reqs, &bad);
	kvfree(batch.alloc);
	/*
	 * The index is reported once the batch was looked at: after a
	 * validation error, EAGAIN or acceptance. Once transfers are accepted,
	 * their count is what the caller must learn.
	 */
	if (ret > 0 || ret == -EAGAIN || bad != U32_MAX) {
		if (put_user(bad, &uarg->bad_index) && ret <= 0)
			ret = -EFAULT;
	}
	return ret;
}
