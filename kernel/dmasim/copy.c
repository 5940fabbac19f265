// SPDX-License-Identifier: GPL-2.0
/*
 * dmasim: the memcpy channel's mover, a CDMA-like copy between two engine
 * addresses. It copies the head descriptor of the memcpy channel in pieces
 * of at most dmasim_chunk() bytes; sched.c runs it from the engine's copy
 * work item.
 *
 * Calls go down (docs/dmasim.md, "Sources"): called by sched.c; calls
 * queue.c and mem.c.
 */

#include <linux/minmax.h>
#include <linux/spinlock.h>

#include "copy.h"
#include "mem.h"
#include "queue.h"

/* memcpy descriptors a no-copy pass finishes at most */
#define DMASIM_NOCOPY_BURST	64

/*
 * Nothing to move: finish up to DMASIM_NOCOPY_BURST descriptors in one
 * pass, as an engine works down its chain while the CPU takes a single
 * interrupt for several of them. One descriptor per pass would make the
 * simulator's own per-pass cost (locks, softirq, reschedule) what a
 * no-copy benchmark measures. Faults still apply per descriptor: the next
 * one is started (and maybe failed) by dmasim_active_desc(), and a delay
 * or a stall ends the burst. Channel lock held.
 */
static void dmasim_nocopy_burst(struct dmasim_chan *mc, struct dmasim_desc *d,
				struct dmasim_tick *tick)
{
	unsigned int i;

	for (i = 0; d && i < DMASIM_NOCOPY_BURST; i++) {
		mc->stats.bytes += d->xfer_len - d->done;
		dmasim_desc_advance(d, d->xfer_len - d->done);
		dmasim_desc_finish(mc, d, DMA_TRANS_NOERROR);
		d = dmasim_active_desc(mc, tick);
	}
}

/**
 * dmasim_copy_step() - One step of the memcpy channel's mover.
 * @eng: the engine
 * @tick: the pass it is part of
 *
 * Context: the engine's copy work item; takes the memcpy channel's lock.
 * Return: true if it moved data or finished a descriptor.
 */
bool dmasim_copy_step(struct dmasim_engine *eng, struct dmasim_tick *tick)
{
	struct dmasim_chan *mc = &eng->chans[DMASIM_MEMCPY];
	enum dmaengine_tx_result bad = DMA_TRANS_NOERROR;
	struct dmasim_move mv;
	struct dmasim_desc *d;
	dma_addr_t src, dst;
	unsigned long flags;
	unsigned int gen;
	bool copy;
	u32 n;

	dmasim_mover_lock(mc->lock, &flags);
	d = dmasim_active_desc(mc, tick);
	if (!d) {
		dmasim_mover_unlock(mc->lock, flags);
		return false;
	}
	if (mc->no_copy) {
		dmasim_nocopy_burst(mc, d, tick);
		dmasim_mover_unlock(mc->lock, flags);
		return true;
	}
	n = min_t(u64, d->xfer_len - d->done, dmasim_chunk(eng));
	src = d->copy_src + d->done;
	dst = d->segs[0].addr + d->done;
	copy = !mc->no_copy;
	if (copy && !dmasim_mem_ok(eng, src, n))
		bad = DMA_TRANS_READ_FAILED;
	else if (copy && !dmasim_mem_ok(eng, dst, n))
		bad = DMA_TRANS_WRITE_FAILED;
	if (bad != DMA_TRANS_NOERROR) {
		mc->stats.bus_errors++;
		dmasim_desc_finish(mc, d, bad);
		dmasim_mover_unlock(mc->lock, flags);
		return true;
	}
	gen = mc->gen;
	dmasim_chan_hold(mc);
	mv = (struct dmasim_move){ .dst = dst, .src = src, .len = copy ? n : 0 };
	dmasim_move(eng, mc->lock, &flags, &mv);
	dmasim_chan_release(mc);
	if (gen == mc->gen) {
		dmasim_desc_advance(d, n);
		mc->stats.bytes += n;
		if (d->done == d->xfer_len)
			dmasim_desc_finish(mc, d, DMA_TRANS_NOERROR);
	}
	dmasim_mover_unlock(mc->lock, flags);
	return true;
}
