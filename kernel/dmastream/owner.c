// SPDX-License-Identifier: GPL-2.0-only
/*
 * Ownership of a channel: the file that sets up the ring (SET_RING, or the
 * read-write open() of a DMA Proxy node) owns the channel until it frees
 * the ring or is closed; only the owner submits, waits, maps and controls.
 * Every thread or process sharing that open file shares the ownership.
 */

#include <linux/eventfd.h>
#include <linux/fs.h>

#include "complete.h"
#include "flush.h"
#include "import.h"
#include "owner.h"
#include "ring.h"
#include "stop.h"
#include "validate.h"

/**
 * dmastream_owner_check() - may @file act as the owner of @chan?
 * @chan:	the channel, chan->lock or irq_lock held.
 * @file:	the calling file.
 *
 * Return: 0, -ENODEV (device removed), -ENXIO (no ring) or -EBUSY (another
 * file owns it).
 */
int dmastream_owner_check(struct dmastream_chan *chan, struct file *file)
{
	if (chan->dead)
		return -ENODEV;
	if (!chan->ring)
		return -ENXIO;
	if (chan->owner != file)
		return -EBUSY;
	return 0;
}

/**
 * dmastream_owner_precheck() - dmastream_owner_check(), taking irq_lock
 * @chan:	the channel, no lock held.
 * @file:	the calling file.
 *
 * For calls that read user memory before taking chan->lock, so that a
 * caller who may not act learns that first; they check again under the
 * lock.
 *
 * Return: as dmastream_owner_check().
 */
int dmastream_owner_precheck(struct dmastream_chan *chan, struct file *file)
{
	int ret;

	spin_lock_irq(&chan->irq_lock);
	ret = dmastream_owner_check(chan, file);
	spin_unlock_irq(&chan->irq_lock);
	return ret;
}

/**
 * dmastream_drop_ring() - give up the ring and the ownership that came with it
 * @chan:	the channel, DMA stopped, chan->lock held.
 * @if_unmapped: only while nothing maps the ring (mmap() counts mappings
 *		under irq_lock, without chan->lock).
 *
 * The ring's imports are released with it, unless DMA may still reach the
 * ring (chan->wedged_ring): then they go when its memory does.
 *
 * Return: the ring, for dmastream_ring_put() outside the locks (NULL if
 * there was none), or ERR_PTR(-EBUSY).
 */
struct dmastream_kring *dmastream_drop_ring(struct dmastream_chan *chan, bool if_unmapped)
{
	struct eventfd_ctx *ctx;
	struct dmastream_kring *ring;

	spin_lock_irq(&chan->irq_lock);
	ring = chan->ring;
	if (ring && if_unmapped && atomic_read(&ring->mappings)) {
		spin_unlock_irq(&chan->irq_lock);
		return ERR_PTR(-EBUSY);
	}
	ctx = chan->eventfd;
	chan->ring = NULL;
	chan->owner = NULL;
	WRITE_ONCE(chan->eventfd, NULL);
	dmastream_forget_ring_locked(chan);
	if (!chan->dead)
		chan->state = DMASTREAM_STATE_IDLE;
	/* The next owner starts from the defaults, not from this one's settings. */
	dmastream_chan_defaults(chan);
	spin_unlock_irq(&chan->irq_lock);
	if (ctx)
		eventfd_ctx_put(ctx);
	/* Imports go with the owner, unless DMA may still reach them. */
	if (ring && ring != chan->wedged_ring)
		dmastream_imports_release(ring);
	dmastream_req_drop_spares(chan);
	return ring;
}

/*
 * Why a ring was refused, for the administrator who can raise the limit:
 * once per channel and limit, so a program retrying cannot flood the log.
 */
static void dmastream_limit_refused(struct dmastream_chan *chan, enum dmastream_limit limit,
				    const char *what, u32 count, u32 size, const char *param,
				    u64 value)
{
	if (test_and_set_bit(limit, &chan->limits_told))
		return;
	dev_info(&chan->dev, "%s of %u x %u bytes refused: above module parameter %s (%llu)\n",
		 what, count, size, param, value);
}

/**
 * dmastream_ring_limits() - the module's limits on one ring
 * @chan:	the channel, for the log.
 * @what:	what asks for the ring, for the log ("SET_RING").
 * @count:	buffers asked for.
 * @size:	bytes per buffer asked for.
 *
 * Return: 0, or -E2BIG with the reason logged once per channel and limit.
 */
int dmastream_ring_limits(struct dmastream_chan *chan, const char *what, u32 count, u32 size)
{
	u32 buffers_max = READ_ONCE(dmastream_buffers_max);
	u32 size_max = READ_ONCE(dmastream_buffer_size_max);
	u64 bytes_max = READ_ONCE(dmastream_ring_bytes_max);

	if (count > buffers_max)
		dmastream_limit_refused(chan, DMASTREAM_LIMIT_BUFFERS, what, count, size,
					"buffers_max", buffers_max);
	else if (size > size_max)
		dmastream_limit_refused(chan, DMASTREAM_LIMIT_BUFFER_SIZE, what, count, size,
					"buffer_size_max", size_max);
	else if ((u64)count * PAGE_ALIGN((u64)size) > bytes_max)
		dmastream_limit_refused(chan, DMASTREAM_LIMIT_RING_BYTES, what, count, size,
					"ring_bytes_max", bytes_max);
	else
		return 0;
	return -E2BIG;
}

/**
 * dmastream_ring_replaceable() - may @file replace or free the channel's ring
 * @chan:	the channel, chan->lock held.
 * @file:	the caller.
 *
 * What SET_RING and the DMA Proxy open both need before the ring changes
 * hands: the device is there, @file owns the channel or nobody does, and
 * nothing of the current ring is in flight or held back for the CQ.
 * Mappings are the caller's to check: mmap() does not take chan->lock.
 *
 * Return: 0, -ENODEV (device removed) or -EBUSY (another owner, or the
 * current ring is busy).
 */
int dmastream_ring_replaceable(struct dmastream_chan *chan, struct file *file)
{
	lockdep_assert_held(&chan->lock);
	if (chan->dead)
		return -ENODEV;
	if (chan->owner && chan->owner != file)
		return -EBUSY;
	if (chan->ring && (chan->nxfers || chan->noverflow))
		return -EBUSY;
	return 0;
}

/**
 * dmastream_own_ring() - give @file a new ring, and with it the channel
 * @chan:	the channel, no lock held.
 * @file:	the file that becomes (or stays) the owner.
 * @what:	what asks for the ring, for the log ("SET_RING").
 * @count:	buffers, within dmastream_ring_limits() (checked by the caller).
 * @size:	bytes per buffer.
 * @cq_entries:	completion queue entries, a power of two.
 * @flags:	DMASTREAM_RING_* bits, within the channel's limits (checked by
 *		the caller).
 *
 * The ring replaces the owner's current one, which must be idle,
 * unmapped and without imports. A new owner receives nothing its predecessor left in an rx
 * stream: that is drained first. Pollers are then woken with what poll()
 * reports for the new ring: one that found no ring, or a full one, sleeps
 * for EPOLLOUT.
 *
 * Return: 0; -ENODEV (device removed), -EBUSY (another owner, or the
 * current ring is in use), -ENOMEM, -EDQUOT (total_ring_bytes_max), or
 * -EIO (the stream could not be drained: the channel is in the sticky
 * error state).
 */
int dmastream_own_ring(struct dmastream_chan *chan, struct file *file, const char *what,
		       u32 count, u32 size, u32 cq_entries, u32 flags)
{
	struct dmastream_kring *ring, *old = NULL;
	int ret;

	mutex_lock(&chan->lock);
	ret = dmastream_ring_replaceable(chan, file);
	if (!ret && chan->ring && (atomic_read(&chan->ring->mappings) || chan->ring->nimports))
		ret = -EBUSY;
	if (ret)
		goto unlock;

	ring = dmastream_ring_create(chan, count, size, cq_entries, flags);
	if (IS_ERR(ring)) {
		ret = PTR_ERR(ring);
		if (ret == -EDQUOT)
			dmastream_limit_refused(chan, DMASTREAM_LIMIT_TOTAL_RING_BYTES, what,
						count, size, "total_ring_bytes_max",
						dmastream_total_ring_bytes_limit());
		goto unlock;
	}
	if (chan->owner != file && chan->state == DMASTREAM_STATE_IDLE &&
	    dmastream_flush_stream(chan)) {
		dmastream_ring_put(ring);
		spin_lock_irq(&chan->irq_lock);
		chan->state = DMASTREAM_STATE_ERROR;
		spin_unlock_irq(&chan->irq_lock);
		ret = -EIO;
		goto unlock;
	}
	spin_lock_irq(&chan->irq_lock);
	/* Checked again: a mapping may have appeared while allocating. */
	if (chan->ring && atomic_read(&chan->ring->mappings)) {
		spin_unlock_irq(&chan->irq_lock);
		dmastream_ring_put(ring);
		ret = -EBUSY;
		goto unlock;
	}
	old = chan->ring;
	chan->ring = ring;
	chan->owner = file;
	chan->rx_ran_empty = false;
	chan->unwritable_seen = false;
	if (chan->state == DMASTREAM_STATE_IDLE)
		chan->state = DMASTREAM_STATE_READY;
	if (chan->state == DMASTREAM_STATE_ERROR)
		ring->cq->flags |= DMASTREAM_CQ_ERROR;
	spin_unlock_irq(&chan->irq_lock);
	/* A poller that found no ring (or the old one full) learns of room. */
	dmastream_notify(chan);
	ret = 0;
unlock:
	mutex_unlock(&chan->lock);
	dmastream_ring_put(old);
	return ret;
}

/**
 * dmastream_disown() - what closing the owner's file does
 * @chan:	the channel, no lock held.
 * @file:	the file being released; nothing happens unless it owns @chan.
 *
 * Whatever was in flight is stopped, so that no DMA reaches the memory
 * afterwards; the memory itself goes with the last mapping.
 */
void dmastream_disown(struct dmastream_chan *chan, struct file *file)
{
	struct dmastream_kring *ring = NULL;

	mutex_lock(&chan->lock);
	if (chan->owner == file) {
		if (chan->ring)
			dmastream_stop(chan, DMASTREAM_STOP_DRAIN);
		ring = dmastream_drop_ring(chan, false);
	}
	mutex_unlock(&chan->lock);
	/*
	 * A timeout work still queued finds no ring and does nothing; it is not
	 * cancelled here, as a new owner may already have armed it.
	 */
	dmastream_ring_put(ring);
}
