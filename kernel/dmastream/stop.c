// SPDX-License-Identifier: GPL-2.0-only
/*
 * Stopping a channel. Abort, reset, a transfer's timeout, the sticky
 * error, closing the owner and removing the device all come here: the
 * engine stops holding anything of ours, then every transfer not yet
 * retired is retired, in order (DONE ones with their own status, the
 * others as TIMEOUT if their own deadline passed, else ABORTED). Only then
 * may the ring's memory be given back or reused.
 *
 * A healthy engine is first given stop_drain_ms to finish what it holds:
 * what completes is reported as it is, and a channel whose engine holds
 * nothing need not be terminated at all. That matters beyond saving work:
 * providers' cleanup paths race with terminate (zynqmp_dma 6.1 walks its
 * done list with its lock dropped around each callback while terminate
 * frees that list, and then loops forever). A timeout or the sticky error
 * does not wait: the engine is not making progress.
 *
 * Then dmaengine_terminate_async(), whose failure means DMA may still be
 * running (the ring is then kept forever and the channel enters the
 * sticky error state), and dmaengine_synchronize(). Only a provider that
 * implements device_synchronize promises that no callback runs after it;
 * for the others (pl330 among them) dmastream waits for an RCU grace
 * period, which covers callbacks running in tasklets and interrupts, and
 * engine.c keeps the descriptors so that a callback that still comes finds
 * no transfer.
 */

#include <linux/dmaengine.h>
#include <linux/ktime.h>
#include <linux/rcupdate.h>

#include "complete.h"
#include "engine.h"
#include "import.h"
#include "ring.h"
#include "stop.h"
#include "timer.h"

/*
 * Terminate what the engine holds of ours; the transfers stay listed.
 * Return: 0, terminated or not needed (*terminated tells), or the error of
 * dmaengine_terminate_async().
 */
static int dmastream_stop_engine(struct dmastream_chan *chan, unsigned int flags,
				 bool *terminated)
{
	bool busy;
	int ret;

	*terminated = false;
	if (!chan->dma)
		return 0;
	/* After a failed terminate, nothing short of a new one will do. */
	if (chan->wedged_ring)
		busy = true;
	else if (flags & DMASTREAM_STOP_DRAIN)
		busy = !dmastream_engine_drain(chan, READ_ONCE(dmastream_stop_drain_ms));
	else
		busy = READ_ONCE(chan->nengine);
	if (!busy)
		return 0;
	*terminated = true;

	dmastream_engine_progress(chan);
	/* A cleanup already running in the provider finishes before terminate. */
	if (chan->has_synchronize)
		dmaengine_synchronize(chan->dma);
	ret = dmaengine_terminate_async(chan->dma);
	if (ret)
		dev_err(&chan->dev, "%s could not be terminated (%d): DMA may go on; the ring is kept\n",
			chan->dma_name, ret);
	dmaengine_synchronize(chan->dma);
	if (!chan->has_synchronize)
		synchronize_rcu();
	dmastream_engine_stopped(chan, chan->has_synchronize && !ret);
	return ret;
}

/**
 * dmastream_stop() - stop DMA and retire every transfer
 * @chan:	the channel, chan->lock held.
 * @flags:	DMASTREAM_STOP_*.
 */
void dmastream_stop(struct dmastream_chan *chan, unsigned int flags)
{
	struct dmastream_kring *unwedged = NULL;
	struct dmastream_req *req;
	bool sticky = flags & DMASTREAM_STOP_STICKY;
	bool terminated;
	u32 prev;
	int ret;

	lockdep_assert_held(&chan->lock);

	spin_lock_irq(&chan->irq_lock);
	prev = chan->state;
	/* Past error_threshold: whichever stop comes first is the sticky one. */
	sticky |= chan->stop_pending;
	if (prev != DMASTREAM_STATE_GONE)
		chan->state = DMASTREAM_STATE_STOPPING;
	spin_unlock_irq(&chan->irq_lock);

	ret = dmastream_stop_engine(chan, flags, &terminated);
	if (ret) {
		/* Whatever DMA still runs must find its memory. */
		if (!chan->wedged_ring && chan->ring) {
			kref_get(&chan->ring->ref);
			chan->wedged_ring = chan->ring;
		}
		sticky = true;
	} else if (chan->wedged_ring && terminated) {
		/* Terminated at last (RESET): the kept ring may go. */
		unwedged = chan->wedged_ring;
		chan->wedged_ring = NULL;
		/* Its owner has gone already: its imports go now (import.c). */
		if (unwedged != chan->ring)
			dmastream_imports_release(unwedged);
	}

	spin_lock_irq(&chan->irq_lock);
	if (chan->nxfers)
		chan->stats.channel_stops++;
	/*
	 * One transfer per locked section: on a cached ring each retirement
	 * hands back what the engine wrote (cached.c), at a cost linear in
	 * its bytes, and a whole ring's worth must not run with interrupts
	 * off. Nothing new is accepted meanwhile (chan->lock), nor fed
	 * (STOPPING).
	 */
	while (!list_empty(&chan->xfers)) {
		req = list_first_entry(&chan->xfers, struct dmastream_req, node);
		dmastream_retire_stopped_locked(chan, req, req->expired ? DMASTREAM_STATUS_TIMEOUT :
						DMASTREAM_STATUS_ABORTED);
		spin_unlock_irq(&chan->irq_lock);
		cond_resched();
		spin_lock_irq(&chan->irq_lock);
	}
	chan->feed_next = NULL;
	chan->consecutive_errors = 0;
	WRITE_ONCE(chan->stop_pending, false);
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
	dmastream_ring_put(unwedged);
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
		dmastream_stop(chan, DMASTREAM_STOP_STICKY);
	}
	mutex_unlock(&chan->lock);
}

/*
 * A transfer's deadline counts from its first descriptor's handing over,
 * so a transfer waiting behind others in the driver does not time out.
 */
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
	list_for_each_entry(req, &chan->xfers, node) {
		if (!req->deadline_ns || req->state == DMASTREAM_XFER_DONE)
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
		dmastream_stop(chan, 0);
	else if (next)
		dmastream_timer_arm(chan, next);
out:
	mutex_unlock(&chan->lock);
}

/**
 * dmastream_stop_init() - set up a channel's timeout and error works
 * @chan:	the channel being created.
 */
void dmastream_stop_init(struct dmastream_chan *chan)
{
	INIT_DELAYED_WORK(&chan->timeout_work, dmastream_timeout_work);
	INIT_WORK(&chan->error_work, dmastream_error_work);
}
