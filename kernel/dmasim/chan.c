// SPDX-License-Identifier: GPL-2.0
/*
 * dmasim: the dmaengine channel operations a client calls: prep, submit,
 * issue_pending, tx_status, terminate_all, synchronize, and taking and
 * releasing the channel.
 *
 * A descriptor is "prepared" until submitted, "submitted" until
 * issue_pending, then "issued" where the movers work on the head of the
 * queue only (queue.c), so descriptors finish in submission order. A
 * finished head moves to "done" and a tasklet runs the callback
 * (callback.c). terminate moves everything to "terminated"; synchronize
 * waits for the movers and the tasklet and frees those.
 *
 * Calls go down (docs/dmasim.md, "Sources"): called by dmaengine and
 * main.c; calls sched.c, stream.c, queue.c, habits.c, callback.c and
 * budget.c.
 */

#include <linux/dmaengine.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include "budget.h"
#include "callback.h"
#include "chan.h"
#include "habits.h"
#include "queue.h"
#include "sched.h"
#include "stream.h"

const char *const dmasim_chan_names[DMASIM_NR_CHANS] = {
	[DMASIM_TX] = "tx",
	[DMASIM_RX] = "rx",
	[DMASIM_MEMCPY] = "memcpy",
};

static dma_cookie_t dmasim_tx_submit(struct dma_async_tx_descriptor *tx);

static struct dmasim_desc *dmasim_desc_alloc(struct dmasim_chan *sc,
					     unsigned int nsegs,
					     unsigned long flags)
{
	struct dmasim_desc *d;

	d = nsegs == 1 ? dmasim_desc_spare(sc) : NULL;
	/* prep may be called from a callback or with interrupts off. */
	if (!d)
		d = kzalloc(struct_size(d, segs, nsegs), GFP_NOWAIT | __GFP_NOWARN);
	if (!d)
		return NULL;
	dma_async_tx_descriptor_init(&d->tx, &sc->chan);
	d->tx.flags = flags;
	d->tx.tx_submit = dmasim_tx_submit;
	d->nsegs = nsegs;
	INIT_LIST_HEAD(&d->node);
	atomic_inc(&sc->eng->live_descs);
	return d;
}

static struct dma_async_tx_descriptor *
dmasim_desc_prepared(struct dmasim_chan *sc, struct dmasim_desc *d)
{
	unsigned long flags;

	spin_lock_irqsave(sc->lock, flags);
	list_add_tail(&d->node, &sc->prepared);
	spin_unlock_irqrestore(sc->lock, flags);
	return &d->tx;
}

static void dmasim_reject(struct dmasim_chan *sc, const char *why, u64 val)
{
	unsigned long flags;

	spin_lock_irqsave(sc->lock, flags);
	sc->stats.rejected++;
	spin_unlock_irqrestore(sc->lock, flags);
	dev_dbg(sc->eng->dev, "%s: prep refused: %s (%llu)\n",
		dma_chan_name(&sc->chan), why, val);
}

static struct dma_async_tx_descriptor *
dmasim_prep_slave_sg(struct dma_chan *chan, struct scatterlist *sgl,
		     unsigned int sg_len, enum dma_transfer_direction dir,
		     unsigned long flags, void *context)
{
	struct dmasim_chan *sc = to_dmasim_chan(chan);
	const struct dmasim_limits *lim = &sc->eng->limits;
	struct scatterlist *sg;
	struct dmasim_desc *d;
	unsigned int i;
	u64 total = 0;

	if (!((sc->id == DMASIM_TX && dir == DMA_MEM_TO_DEV) ||
	      (sc->id == DMASIM_RX && dir == DMA_DEV_TO_MEM))) {
		dmasim_reject(sc, "direction", dir);
		return NULL;
	}
	if (!sg_len || sg_len > lim->max_segments) {
		dmasim_reject(sc, "segment count", sg_len);
		return NULL;
	}
	d = dmasim_desc_alloc(sc, sg_len, flags);
	if (!d)
		return NULL;
	for_each_sg(sgl, sg, sg_len, i) {
		dma_addr_t addr = sg_dma_address(sg);
		u32 len = sg_dma_len(sg);

		if (!len || len > lim->max_seg_size) {
			dmasim_reject(sc, "segment length", len);
			goto refuse;
		}
		if (!IS_ALIGNED(addr, 1ULL << lim->copy_align)) {
			dmasim_reject(sc, "segment alignment", addr);
			goto refuse;
		}
		total += len;
		if (total > lim->max_xfer) {
			dmasim_reject(sc, "descriptor length", total);
			goto refuse;
		}
		d->segs[i].addr = addr;
		d->segs[i].len = len;
	}
	d->len = total;
	if (!dmasim_budget_take(sc, d, sg_len))
		goto refuse;
	return dmasim_desc_prepared(sc, d);

refuse:
	dmasim_desc_free(sc->eng, d);
	return NULL;
}

static struct dma_async_tx_descriptor *
dmasim_prep_memcpy(struct dma_chan *chan, dma_addr_t dst, dma_addr_t src,
		   size_t len, unsigned long flags)
{
	struct dmasim_chan *sc = to_dmasim_chan(chan);
	const struct dmasim_limits *lim = &sc->eng->limits;
	u64 align = 1ULL << lim->copy_align;
	struct dmasim_desc *d;

	if (sc->id != DMASIM_MEMCPY) {
		dmasim_reject(sc, "memcpy on a stream channel", 0);
		return NULL;
	}
	/* A copy is one segment: both limits apply. */
	if (!len || len > lim->max_seg_size || len > lim->max_xfer) {
		dmasim_reject(sc, "copy length", len);
		return NULL;
	}
	if (!IS_ALIGNED(src | dst | len, align)) {
		dmasim_reject(sc, "copy alignment", src | dst | len);
		return NULL;
	}
	d = dmasim_desc_alloc(sc, 1, flags);
	if (!d)
		return NULL;
	d->copy_src = src;
	d->segs[0].addr = dst;
	d->segs[0].len = len;
	d->len = len;
	if (!dmasim_budget_take(sc, d, 1)) {
		dmasim_desc_free(sc->eng, d);
		return NULL;
	}
	return dmasim_desc_prepared(sc, d);
}

static dma_cookie_t dmasim_tx_submit(struct dma_async_tx_descriptor *tx)
{
	struct dmasim_chan *sc = to_dmasim_chan(tx->chan);
	struct dmasim_desc *d = container_of(tx, struct dmasim_desc, tx);
	unsigned long flags;
	dma_cookie_t cookie;
	bool start;

	spin_lock_irqsave(sc->lock, flags);
	cookie = sc->chan.cookie + 1;
	if (cookie < DMA_MIN_COOKIE)
		cookie = DMA_MIN_COOKIE;
	sc->chan.cookie = cookie;
	tx->cookie = cookie;
	/*
	 * Some engines start a descriptor as soon as it is submitted (with
	 * earlier ones running, xilinx_dma does); clients must cope with its
	 * callback arriving before issue_pending, even before their next
	 * submit. The submitted list stays in order behind issued ones.
	 */
	start = sc->start_on_submit && list_empty(&sc->submitted);
	list_move_tail(&d->node, start ? &sc->issued : &sc->submitted);
	spin_unlock_irqrestore(sc->lock, flags);
	if (start)
		dmasim_kick(sc);
	return cookie;
}

static void dmasim_issue_pending(struct dma_chan *chan)
{
	struct dmasim_chan *sc = to_dmasim_chan(chan);
	unsigned long flags;
	bool kick;

	spin_lock_irqsave(sc->lock, flags);
	kick = !list_empty(&sc->submitted);
	list_splice_tail_init(&sc->submitted, &sc->issued);
	spin_unlock_irqrestore(sc->lock, flags);
	if (kick)
		dmasim_kick(sc);
}

static u32 dmasim_residue_of(struct dmasim_chan *sc, dma_cookie_t cookie)
{
	struct dmasim_desc *d;

	list_for_each_entry(d, &sc->issued, node)
		if (d->tx.cookie == cookie)
			return d->finished ? d->residue : d->len - d->done;
	list_for_each_entry(d, &sc->submitted, node)
		if (d->tx.cookie == cookie)
			return d->len;
	return 0;
}

static enum dma_status dmasim_tx_status(struct dma_chan *chan,
					dma_cookie_t cookie,
					struct dma_tx_state *state)
{
	struct dmasim_chan *sc = to_dmasim_chan(chan);
	enum dma_status status;
	unsigned long flags;

	spin_lock_irqsave(sc->lock, flags);
	status = dma_async_is_complete(cookie, chan->completed_cookie,
				       chan->cookie);
	/* The only trace of a failure whose callback carried no result. */
	if (status == DMA_COMPLETE && dmasim_habits_error_cookie(sc, cookie))
		status = DMA_ERROR;
	if (state) {
		state->last = chan->completed_cookie;
		state->used = chan->cookie;
		state->residue = status != DMA_IN_PROGRESS || sc->eng->no_residue ?
				 0 : dmasim_residue_of(sc, cookie);
		state->in_flight_bytes = 0;
	}
	spin_unlock_irqrestore(sc->lock, flags);
	return status;
}

static void dmasim_recycle_list(struct dmasim_chan *sc, struct list_head *list)
{
	struct dmasim_desc *d;

	list_for_each_entry(d, list, node)
		dmasim_budget_put(sc, d);
}

static void dmasim_terminate(struct dmasim_chan *sc)
{
	struct dmasim_desc *d;
	unsigned long flags;
	LIST_HEAD(dead);

	spin_lock_irqsave(sc->lock, flags);
	/* Completed ones first: they may still call back (late_callback_us). */
	dmasim_habits_terminate(sc, &sc->terminated);
	sc->stats.aborted += dmasim_chan_queued(sc);
	/* Never submitted: zynqmp_dma only gets those back at release. */
	list_for_each_entry(d, &sc->prepared, node)
		d->slots = 0;
	list_splice_tail_init(&sc->prepared, &sc->terminated);
	dmasim_recycle_list(sc, &sc->submitted);
	dmasim_recycle_list(sc, &sc->issued);
	list_splice_tail_init(&sc->submitted, &sc->terminated);
	list_splice_tail_init(&sc->issued, &sc->terminated);
	sc->gen++;
	/* Terminate is the channel reset that clears latched faults. */
	sc->fault.stall = false;
	sc->fault.stuck = false;
	dmasim_stream_terminated(sc);
	/*
	 * Without device_synchronize nobody would free them later; nothing
	 * refers to them: the movers copy with the lock held in that mode.
	 */
	if (sc->eng->no_synchronize)
		list_splice_init(&sc->terminated, &dead);
	spin_unlock_irqrestore(sc->lock, flags);
	dmasim_desc_free_list(sc->eng, &dead);
	dmasim_kick(sc);
}

static int dmasim_terminate_all(struct dma_chan *chan)
{
	struct dmasim_chan *sc = to_dmasim_chan(chan);
	struct dmasim_habits *h = &sc->habits;
	unsigned long flags;
	bool fail;

	/* Like dw-edma refusing while a stop is pending: nothing changes. */
	spin_lock_irqsave(sc->lock, flags);
	fail = h->fail_terminate && --h->fail_terminate == 0;
	spin_unlock_irqrestore(sc->lock, flags);
	if (fail) {
		dev_dbg(sc->eng->dev, "%s: terminate_all fails (fail_terminate)\n",
			dma_chan_name(chan));
		return -EPERM;
	}
	dmasim_terminate(sc);
	return 0;
}

static bool dmasim_chan_idle(struct dmasim_chan *sc)
{
	unsigned long flags;
	bool idle;

	spin_lock_irqsave(sc->lock, flags);
	idle = !sc->busy;
	spin_unlock_irqrestore(sc->lock, flags);
	return idle;
}

/* device_synchronize, and what release does whether there is one or not. */
static void dmasim_quiesce(struct dmasim_chan *sc)
{
	unsigned long flags;
	LIST_HEAD(dead);

	/* A move that began before terminate may still be writing memory. */
	wait_event(sc->idle_wq, dmasim_chan_idle(sc));
	dmasim_habits_late_wait(sc);
	/* A callback taken off the done list before terminate may be running. */
	tasklet_kill(&sc->tasklet);
	spin_lock_irqsave(sc->lock, flags);
	list_splice_init(&sc->terminated, &dead);
	list_splice_init(&sc->dropped, &dead);
	/*
	 * A channel still running (its terminate failed, or there was none)
	 * may have retired a descriptor while tasklet_kill() held the tasklet:
	 * that schedule was lost.
	 */
	if (!list_empty(&sc->done))
		tasklet_schedule(&sc->tasklet);
	spin_unlock_irqrestore(sc->lock, flags);
	dmasim_desc_free_list(sc->eng, &dead);
}

static void dmasim_synchronize(struct dma_chan *chan)
{
	dmasim_quiesce(to_dmasim_chan(chan));
}

static int dmasim_alloc_chan_resources(struct dma_chan *chan)
{
	struct dmasim_chan *sc = to_dmasim_chan(chan);
	unsigned long flags;

	spin_lock_irqsave(sc->lock, flags);
	chan->cookie = DMA_MIN_COOKIE;
	chan->completed_cookie = DMA_MIN_COOKIE;
	dmasim_habits_chan_reset(sc);
	spin_unlock_irqrestore(sc->lock, flags);
	return 0;
}

static void dmasim_free_chan_resources(struct dma_chan *chan)
{
	struct dmasim_chan *sc = to_dmasim_chan(chan);
	unsigned long flags;

	/* Release must not fail, nor leave a callback to run. */
	dmasim_terminate(sc);
	dmasim_quiesce(sc);
	spin_lock_irqsave(sc->lock, flags);
	dmasim_habits_chan_reset(sc);
	spin_unlock_irqrestore(sc->lock, flags);
}

static int dmasim_device_config(struct dma_chan *chan,
				struct dma_slave_config *cfg)
{
	/* Like AXI DMA: the stream has no address or burst to configure. */
	return 0;
}

static void dmasim_device_caps(struct dma_chan *chan,
			       struct dma_slave_caps *caps)
{
	static const u32 dirs[DMASIM_NR_CHANS] = {
		[DMASIM_TX] = BIT(DMA_MEM_TO_DEV),
		[DMASIM_RX] = BIT(DMA_DEV_TO_MEM),
		[DMASIM_MEMCPY] = BIT(DMA_MEM_TO_MEM),
	};

	caps->directions = dirs[to_dmasim_chan(chan)->id];
}

/**
 * dmasim_set_chan_ops() - Fill in a dma_device's channel operations.
 * @dd: the dma_device, not yet registered
 */
void dmasim_set_chan_ops(struct dma_device *dd)
{
	dd->device_alloc_chan_resources = dmasim_alloc_chan_resources;
	dd->device_free_chan_resources = dmasim_free_chan_resources;
	dd->device_prep_slave_sg = dmasim_prep_slave_sg;
	dd->device_prep_dma_memcpy = dmasim_prep_memcpy;
	dd->device_config = dmasim_device_config;
	dd->device_caps = dmasim_device_caps;
	dd->device_terminate_all = dmasim_terminate_all;
	dd->device_synchronize = dmasim_synchronize;
	dd->device_tx_status = dmasim_tx_status;
	dd->device_issue_pending = dmasim_issue_pending;
}

/**
 * dmasim_chan_init() - Set up one of an engine's channels.
 * @eng: the engine
 * @id: which channel
 * @dd: the dma_device it joins, not yet registered
 */
void dmasim_chan_init(struct dmasim_engine *eng, enum dmasim_chan_id id,
		      struct dma_device *dd)
{
	struct dmasim_chan *sc = &eng->chans[id];

	sc->eng = eng;
	sc->id = id;
	spin_lock_init(&sc->own_lock);
	sc->lock = id == DMASIM_MEMCPY ? &sc->own_lock : &eng->stream_lock;
	INIT_LIST_HEAD(&sc->prepared);
	INIT_LIST_HEAD(&sc->spare);
	INIT_LIST_HEAD(&sc->submitted);
	INIT_LIST_HEAD(&sc->issued);
	INIT_LIST_HEAD(&sc->done);
	INIT_LIST_HEAD(&sc->terminated);
	INIT_LIST_HEAD(&sc->dropped);
	init_waitqueue_head(&sc->idle_wq);
	dmasim_callback_init(sc);
	dmasim_habits_chan_init(sc);
	sc->chan.device = dd;
	list_add_tail(&sc->chan.device_node, &dd->channels);
}

/**
 * dmasim_chan_teardown() - The engine goes: free what the channel holds.
 * @sc: the channel; dmaengine guarantees that no client holds it
 */
void dmasim_chan_teardown(struct dmasim_chan *sc)
{
	dmasim_habits_chan_teardown(sc);
	tasklet_kill(&sc->tasklet);
	dmasim_desc_free_list(sc->eng, &sc->terminated);
	dmasim_desc_free_list(sc->eng, &sc->dropped);
	dmasim_desc_drop_spares(sc);
}

