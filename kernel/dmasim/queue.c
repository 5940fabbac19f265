// SPDX-License-Identifier: GPL-2.0
/*
 * dmasim: a channel's issued queue as the movers work down it. The head
 * is started (and maybe failed: fault.c), its cursor advanced as bytes
 * move, its data phase finished, and it is retired: its cookie completes
 * and it goes on to be called back (habits.c decides when). Only the head
 * moves, so descriptors finish in submission order.
 *
 * Calls go down (docs/dmasim.md, "Sources"): called by debugfs.c,
 * chan.c, sched.c and the movers (stream.c, source.c, copy.c); calls
 * fault.c and habits.c.
 */

#include <linux/dmaengine.h>
#include <linux/list.h>
#include <linux/minmax.h>
#include <linux/wait.h>

#include "fault.h"
#include "habits.h"
#include "queue.h"

static unsigned int dmasim_list_len(struct list_head *list)
{
	struct list_head *pos;
	unsigned int n = 0;

	list_for_each(pos, list)
		n++;
	return n;
}

/**
 * dmasim_desc_advance() - Move a descriptor's cursor past bytes moved.
 * @d: the descriptor
 * @n: bytes the engine moved for it
 *
 * Context: channel lock held.
 */
void dmasim_desc_advance(struct dmasim_desc *d, size_t n)
{
	d->done += n;
	while (n && d->seg < d->nsegs) {
		u32 step = min_t(size_t, n, d->segs[d->seg].len - d->seg_off);

		d->seg_off += step;
		n -= step;
		if (d->seg_off == d->segs[d->seg].len) {
			d->seg++;
			d->seg_off = 0;
		}
	}
}

/**
 * dmasim_desc_finish() - End a descriptor's data phase.
 * @sc: its channel
 * @d: the descriptor, at the head of the issued queue
 * @result: how it ended; a failure lets the on_error habit react
 *
 * The residue is what did not move. It completes when dmasim_retire()
 * takes it off the queue.
 *
 * Context: channel lock held.
 */
void dmasim_desc_finish(struct dmasim_chan *sc, struct dmasim_desc *d,
			enum dmaengine_tx_result result)
{
	d->finished = true;
	d->result = result;
	d->residue = d->len - d->done;
	if (result != DMA_TRANS_NOERROR)
		dmasim_habits_failed(sc, d);
}

/**
 * dmasim_retire() - Complete the head of the issued queue.
 * @sc: the channel
 * @tick: the mover's pass, told when a delay fault ends
 *
 * Only if its data phase is over and no fault holds it back.
 *
 * Context: channel lock held.
 * Return: true if a descriptor completed.
 */
bool dmasim_retire(struct dmasim_chan *sc, struct dmasim_tick *tick)
{
	struct dmasim_desc *d;

	d = list_first_entry_or_null(&sc->issued, struct dmasim_desc, node);
	if (!d || !d->finished || sc->fault.stall)
		return false;
	if (sc->fault.delay_us && !d->retire_armed) {
		d->retire_armed = true;
		d->retire_at = ktime_add_us(tick->now, sc->fault.delay_us);
	}
	if (d->retire_armed && ktime_before(tick->now, d->retire_at)) {
		dmasim_tick_wake(tick, d->retire_at);
		return false;
	}
	list_del_init(&d->node);
	/* Before the callback, so the client sees DMA_COMPLETE inside it. */
	sc->chan.completed_cookie = d->tx.cookie;
	sc->stats.descriptors++;
	dmasim_habits_completed(sc, d, tick);
	return true;
}

/**
 * dmasim_active_desc() - The descriptor the engine is moving data for.
 * @sc: the channel
 * @tick: the mover's pass
 *
 * Finished ones are retired first, and the next is started (and maybe
 * failed, fault.c).
 *
 * Context: channel lock held.
 * Return: the descriptor, or NULL when the channel cannot move data now.
 */
struct dmasim_desc *dmasim_active_desc(struct dmasim_chan *sc,
				       struct dmasim_tick *tick)
{
	enum dmaengine_tx_result result;
	struct dmasim_desc *d;

	while (!sc->fault.stall) {
		d = list_first_entry_or_null(&sc->issued, struct dmasim_desc,
					     node);
		if (!d)
			return NULL;
		if (d->finished) {
			if (!dmasim_retire(sc, tick))
				return NULL;
			continue;
		}
		if (!d->started) {
			d->started = true;
			d->xfer_len = d->len;
			/* rx truncates packets, not descriptors: see stream.c. */
			if (sc->id != DMASIM_RX && sc->fault.truncate &&
			    sc->fault.truncate < d->len) {
				d->xfer_len = sc->fault.truncate;
				sc->stats.truncated++;
			}
			if (dmasim_fault_fails(sc, &result)) {
				sc->stats.errors++;
				dmasim_desc_finish(sc, d, result);
				continue;
			}
		}
		return d;
	}
	return NULL;
}

/**
 * dmasim_rx_room() - Bytes the source may write now.
 * @sc: the RX channel
 *
 * Context: stream lock held.
 * Return: what the issued RX descriptors can still hold, 0 while stalled.
 */
u64 dmasim_rx_room(struct dmasim_chan *sc)
{
	struct dmasim_desc *d;
	u64 room = 0;

	if (sc->fault.stall)
		return 0;
	list_for_each_entry(d, &sc->issued, node)
		if (!d->finished)
			room += d->len - d->done;
	return room;
}

/**
 * dmasim_chan_queued() - Descriptors submitted and not yet completed.
 * @sc: the channel
 *
 * Context: channel lock held.
 * Return: how many are submitted or issued.
 */
unsigned int dmasim_chan_queued(struct dmasim_chan *sc)
{
	return dmasim_list_len(&sc->submitted) + dmasim_list_len(&sc->issued);
}

/**
 * dmasim_chan_hold() - A mover is about to touch the channel's memory.
 * @sc: the channel
 *
 * Outside the lock: device_synchronize waits until it is released.
 *
 * Context: channel lock held.
 */
void dmasim_chan_hold(struct dmasim_chan *sc)
{
	sc->busy++;
}

/**
 * dmasim_chan_release() - A mover is done with the channel's memory.
 * @sc: the channel
 *
 * Context: channel lock held.
 */
void dmasim_chan_release(struct dmasim_chan *sc)
{
	if (!--sc->busy)
		wake_up(&sc->idle_wq);
}
