// SPDX-License-Identifier: GPL-2.0-only
/*
 * Ownership of a channel: the file that sets up the ring (SET_RING) owns
 * the channel until it frees the ring or is closed; only the owner
 * submits, waits, maps and controls. Every thread or process sharing that
 * open file shares the ownership.
 */

#include <linux/fs.h>

#include "owner.h"

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
