// SPDX-License-Identifier: GPL-2.0-only
/*
 * DMASTREAM_IOC_WAIT: sleeping until enough completion records wait in the
 * queue, or none can come any more.
 */

#include <linux/ktime.h>
#include <linux/wait.h>

#include "complete.h"
#include "ring.h"
#include "wait.h"

static bool dmastream_ready(struct dmastream_chan *chan, struct dmastream_kring *ring,
			    u32 min_complete, u32 *avail)
{
	bool done;

	spin_lock_irq(&chan->irq_lock);
	if (chan->ring == ring)
		dmastream_flush_overflow(chan);
	*avail = dmastream_cq_unreaped(ring);
	done = chan->dead || chan->ring != ring || chan->state == DMASTREAM_STATE_ERROR ||
	       *avail >= min_complete || (!chan->nxfers && !chan->noverflow);
	spin_unlock_irq(&chan->irq_lock);
	return done;
}

/**
 * dmastream_wait() - DMASTREAM_IOC_WAIT, without chan->lock held
 * @chan:	the channel.
 * @ring:	the caller's ring, referenced by the caller.
 * @w:		the request, copied in; @w->available is filled in, and
 *		@w->timeout_ns lowered to the time left when a signal ends the wait.
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
		u64 start = ktime_get_ns();

		timeout = ns_to_ktime(min_t(u64, w->timeout_ns, KTIME_MAX));
		ret = wait_event_interruptible_hrtimeout(chan->wait_wq,
							 dmastream_ready(chan, ring, min, &avail),
							 timeout);
		if (ret == -ETIME)
			ret = -ETIMEDOUT;
		/*
		 * Interrupted: what is left of the timeout goes back to the
		 * caller, so that a call restarted after the signal handler
		 * (SA_RESTART) waits only for the rest, as select() does. A
		 * program taking signals faster than its timeout would
		 * otherwise never time out.
		 */
		if (ret == -ERESTARTSYS) {
			u64 spent = ktime_get_ns() - start;

			if (spent >= w->timeout_ns)
				ret = -ETIMEDOUT;
			else
				w->timeout_ns -= spent;
		}
	} else {
		ret = wait_event_interruptible(chan->wait_wq,
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
