// SPDX-License-Identifier: GPL-2.0-only
/*
 * One delayed work per channel runs when the earliest deadline of its
 * transfers passes (what it does then is stop.c's). Arming it is all this
 * file knows, so that feeding the engine need not know about stopping.
 */

#include <linux/ktime.h>
#include <linux/workqueue.h>

#include "timer.h"

/**
 * dmastream_timer_arm() - have the timeout work run by @deadline
 * @chan:	the channel, chan->lock held.
 * @deadline:	CLOCK_MONOTONIC ns; nothing changes if it already runs earlier.
 */
void dmastream_timer_arm(struct dmastream_chan *chan, u64 deadline)
{
	u64 now = ktime_get_ns();

	lockdep_assert_held(&chan->lock);
	if (chan->timer_deadline_ns && chan->timer_deadline_ns <= deadline)
		return;
	chan->timer_deadline_ns = deadline;
	mod_delayed_work(system_wq, &chan->timeout_work,
			 deadline > now ? nsecs_to_jiffies(deadline - now) + 1 : 0);
}
