// SPDX-License-Identifier: GPL-2.0-only
/*
 * Retiring transfers: each transfer produces exactly one completion record,
 * in submission order, whatever order the provider calls back in (pl330
 * calls later descriptors back first when its tasklet runs over its own
 * issue_pending). A transfer whose descriptors are all back (DONE) waits
 * until every earlier one is retired too. Records go to the shared
 * completion queue, or, when user space moved head beyond what it may,
 * to the overflow list, in order, until there is room. Then WAITers learn
 * of it, and poll()ers and the eventfd once the channel's watermark
 * (wake_min) is reached or nothing is left in flight; poll()ers waiting
 * for EPOLLOUT when room returns after the channel was found full. Stops,
 * a new ring, leaving the error state and a lower watermark wake them too
 * (dmastream_notify()).
 */

#include <linux/eventfd.h>
#include <linux/ktime.h>

#include "cached.h"
#include "compat.h"
#include "complete.h"
#include "import.h"
#include "reserve.h"
#include "ring.h"
#include "validate.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

/**
 * dmastream_room() - free completion queue entries for new transfers
 * @chan:	the channel, irq_lock held.
 *
 * Every transfer accepted and not retired, held back or unreaped takes one,
 * so the queue can never overflow for a program that reaps what it reads.
 *
 * Return: how many transfers SUBMIT may accept now.
 */
u32 dmastream_room(struct dmastream_chan *chan)
{
	struct dmastream_kring *ring = chan->ring;
	u32 used;

	if (!ring)
		return 0;
	used = chan->nxfers + chan->noverflow + dmastream_cq_unreaped(ring);
	return used >= ring->cq_entries ? 0 : ring->cq_entries - used;
}

/**
 * dmastream_can_submit() - whether SUBMIT would now accept any transfer
 * @chan:	the channel, irq_lock held.
 *
 * What poll() reports as EPOLLOUT: a free completion queue entry and, in
 * the segment budget, room for the largest transfer the channel takes. A
 * poller woken by it never meets EAGAIN, and must not: it would poll
 * again at once and spin. A smaller transfer may fit before EPOLLOUT
 * shows; the completion that makes room for the largest wakes the poller.
 *
 * Return: true if a valid transfer of any size fits now.
 */
bool dmastream_can_submit(struct dmastream_chan *chan)
{
	u32 max = READ_ONCE(dmastream_inflight_segs_max);
	u32 largest = chan->caps.max_segs * (chan->kind == DMASTREAM_DIR_MEMCPY ? 2 : 1);

	lockdep_assert_held(&chan->irq_lock);
	return dmastream_room(chan) && chan->nsegs_inflight <= max &&
	       largest <= max - chan->nsegs_inflight;
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

/**
 * dmastream_forget_ring_locked() - drop what waits for a ring that goes
 * @chan:	the channel, DMA stopped, irq_lock held.
 *
 * What was held back for the completion queue and the error history go
 * with the ring, so that the next owner starts clean.
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
	WRITE_ONCE(chan->stop_pending, false);
}

/**
 * dmastream_flush_overflow() - post held-back records while there is room
 * @chan:	the channel, irq_lock held.
 *
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

/*
 * Take a transfer off the transfer list and record it: in the completion
 * queue when there is room and nothing is held back before it, else at
 * the end of the overflow list so that order is kept. Under irq_lock.
 */
static void dmastream_record_locked(struct dmastream_chan *chan, struct dmastream_req *req)
{
	struct dmastream_kring *ring = chan->ring;

	list_del(&req->node);
	chan->nxfers--;
	chan->nsegs_inflight -= req->nrefs;
	chan->stats.inflight = chan->nxfers;
	if (chan->feed_next == req)
		chan->feed_next = NULL;
	/* What the engine wrote is the CPU's again before the record says so. */
	if (req->ring->flags & DMASTREAM_RING_CACHED)
		dmastream_cached_to_cpu(req->ring, req);
	if (req->ring->nimports)
		dmastream_import_to_cpu(req->ring, req);
	dmastream_unreserve(req);
	if (req->status == DMASTREAM_STATUS_OK && req->bytes < req->len)
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

static bool dmastream_engine_error(u32 status)
{
	return status == DMASTREAM_STATUS_READ_ERROR || status == DMASTREAM_STATUS_WRITE_ERROR ||
	       status == DMASTREAM_STATUS_ENGINE_ABORTED;
}

/*
 * What retiring tells pollers and the eventfd, decided in the same locked
 * section as the records, so that the callback takes irq_lock once. The
 * watermark decides EPOLLIN as in poll(); EPOLLOUT is an edge: it is in
 * the key only if the channel was last found unwritable (by poll(), by
 * SUBMIT or here), since nearly every completion leaves the channel
 * writable and a poller that waits for EPOLLIN alone need not be woken
 * for it. Testing for sleepers here orders as dmastream_notify() does:
 * a poller queues itself before it takes irq_lock to look.
 */
static __poll_t dmastream_retire_key_locked(struct dmastream_chan *chan)
{
	__poll_t key;

	if (!chan->eventfd && !wq_has_sleeper(&chan->wq))
		return 0;
	key = dmastream_events_locked(chan);
	if (chan->eventfd && (key & (EPOLLIN | EPOLLERR)))
		dmastream_eventfd_signal(chan->eventfd);
	if (!(key & EPOLLOUT))
		return key;
	if (!chan->unwritable_seen)
		return key & ~(EPOLLOUT | EPOLLWRNORM);
	chan->unwritable_seen = false;
	return key;
}

/**
 * dmastream_retire_ready_locked() - retire the DONE transfers at the head
 * @chan:	the channel, irq_lock held.
 * @after:	filled in: what to do once irq_lock is dropped.
 *
 * Retires, in submission order, every transfer whose descriptors are all
 * back, up to the first that is not; counts consecutive engine errors
 * towards the sticky error state; signals the eventfd and decides what
 * pollers are woken with once irq_lock is dropped.
 */
void dmastream_retire_ready_locked(struct dmastream_chan *chan,
				   struct dmastream_retired *after)
{
	struct dmastream_req *req;

	after->any = false;
	after->sticky = false;
	while (!list_empty(&chan->xfers)) {
		req = list_first_entry(&chan->xfers, struct dmastream_req, node);
		if (req->state != DMASTREAM_XFER_DONE)
			break;
		if (req->status == DMASTREAM_STATUS_OK) {
			chan->consecutive_errors = 0;
		} else if (dmastream_engine_error(req->status) && chan->error_threshold &&
			   !chan->stop_pending &&
			   ++chan->consecutive_errors >= chan->error_threshold) {
			WRITE_ONCE(chan->stop_pending, true);
			after->sticky = true;
		}
		dmastream_record_locked(chan, req);
		after->any = true;
		/* Known only once more comes: the end of a stream is not a gap. */
		if (chan->kind == DMASTREAM_DIR_RX && !chan->nxfers &&
		    chan->state == DMASTREAM_STATE_READY)
			chan->rx_ran_empty = true;
	}
	after->key = after->any ? dmastream_retire_key_locked(chan) : 0;
}

/**
 * dmastream_retire_stopped_locked() - retire a transfer as a stop ends it
 * @chan:	the channel, DMA stopped, irq_lock held.
 * @req:	the first transfer on chan->xfers.
 * @status:	TIMEOUT or ABORTED, for a transfer that is not DONE.
 *
 * A DONE transfer keeps its own status; the others keep the bytes their
 * descriptors moved. Stops do not count towards the sticky error state.
 */
void dmastream_retire_stopped_locked(struct dmastream_chan *chan, struct dmastream_req *req,
				     u32 status)
{
	if (req->state != DMASTREAM_XFER_DONE)
		req->status = status;
	dmastream_record_locked(chan, req);
}

/**
 * dmastream_cq_ready() - whether the completion queue counts as readable
 * @chan:	the channel, irq_lock held.
 *
 * Records wait and either wake_min of them do (held to the queue's size,
 * which they could never exceed) or no transfer is in flight, so none will
 * come to make up the number. With wake_min 0 or 1, any record will do.
 * A program that refills once half its transfers are back sets that as
 * its watermark and is woken once per refill, not once per completion.
 *
 * Return: true if the queue is readable.
 */
bool dmastream_cq_ready(struct dmastream_chan *chan)
{
	struct dmastream_kring *ring = chan->ring;
	u32 unreaped;

	lockdep_assert_held(&chan->irq_lock);
	if (!ring)
		return false;
	unreaped = dmastream_cq_unreaped(ring);
	return unreaped && (!chan->nxfers || unreaped >= min(chan->wake_min, ring->cq_entries));
}

/**
 * dmastream_events_locked() - what the ring's owner may be told is ready
 * @chan:	the channel, irq_lock held.
 *
 * Posts held-back records first while there is room, so that a queue that
 * overflowed and was then consumed counts again. Both poll() and the
 * wakeups use it, so that a wakeup's key never claims what poll() would
 * not report: io_uring hands the key to user space as the result.
 *
 * Return: EPOLLIN | EPOLLRDNORM when the queue is readable
 * (dmastream_cq_ready()); EPOLLERR in the sticky error state, otherwise
 * EPOLLOUT | EPOLLWRNORM when the channel runs and SUBMIT would accept a
 * transfer of any size (else notes that it was found unwritable); 0
 * without a ring.
 */
__poll_t dmastream_events_locked(struct dmastream_chan *chan)
{
	__poll_t mask = 0;

	lockdep_assert_held(&chan->irq_lock);
	if (!chan->ring)
		return 0;
	dmastream_flush_overflow(chan);
	if (dmastream_cq_ready(chan))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (chan->state == DMASTREAM_STATE_ERROR)
		mask |= EPOLLERR;
	else if (chan->state == DMASTREAM_STATE_READY && dmastream_can_submit(chan))
		mask |= EPOLLOUT | EPOLLWRNORM;
	if (!(mask & EPOLLOUT))
		chan->unwritable_seen = true;
	return mask;
}

/**
 * dmastream_notify() - wake sleepers, pollers and the eventfd
 * @chan:	the channel, irq_lock not held.
 *
 * WAIT and DMA Proxy FINISH sleepers are always woken: they test their
 * own condition. Pollers are woken with the events the owner's poll()
 * would now report (dmastream_events_locked()), so that one waiting for
 * EPOLLIN sleeps on below the watermark while one waiting for EPOLLOUT
 * learns of room at once; the eventfd is signalled when records are
 * readable or the channel entered the error state. Nobody listening costs
 * no lock: a program that busy-polls the queue has no sleeper and no
 * eventfd. The eventfd is only tested for NULL outside irq_lock;
 * wq_has_sleeper() orders the record's publication before the test, as
 * prepare_to_wait() orders a waiter's queueing before its own.
 */
void dmastream_notify(struct dmastream_chan *chan)
{
	unsigned long flags;
	__poll_t key;

	if (wq_has_sleeper(&chan->wait_wq))
		wake_up_interruptible(&chan->wait_wq);
	if (!READ_ONCE(chan->eventfd) && !wq_has_sleeper(&chan->wq))
		return;
	spin_lock_irqsave(&chan->irq_lock, flags);
	key = dmastream_events_locked(chan);
	if (chan->eventfd && (key & (EPOLLIN | EPOLLERR)))
		dmastream_eventfd_signal(chan->eventfd);
	if (key & EPOLLOUT)
		chan->unwritable_seen = false;
	spin_unlock_irqrestore(&chan->irq_lock, flags);
	if (key)
		wake_up_interruptible_poll(&chan->wq, key);
}

/**
 * dmastream_after_retire() - what retiring asked for, outside irq_lock
 * @chan:	the channel.
 * @after:	as dmastream_retire_ready_locked() filled it in.
 *
 * Queues the sticky stop, wakes WAIT and DMA Proxy FINISH sleepers, and
 * pollers with the key retiring decided, if any.
 */
void dmastream_after_retire(struct dmastream_chan *chan,
			    const struct dmastream_retired *after)
{
	if (after->sticky)
		queue_work(system_wq, &chan->error_work);
	if (!after->any)
		return;
	if (wq_has_sleeper(&chan->wait_wq))
		wake_up_interruptible(&chan->wait_wq);
	if (after->key)
		wake_up_interruptible_poll(&chan->wq, after->key);
}
