// SPDX-License-Identifier: GPL-2.0-only
/*
 * Feeding the engine: turning queued transfers into dmaengine descriptors,
 * as many as the provider can hold, and taking them back in the callbacks.
 *
 * Providers hold a limited number of descriptors (zynqmp_dma preallocates
 * 32 per channel and refuses the 33rd), and a memcpy is cut into pieces of
 * the engine's segment size, so one large transfer may need more
 * descriptors than the provider has. Transfers therefore wait in the
 * driver (QUEUED) and are handed over piece by piece while the provider
 * takes them: at most chan->engine_max descriptors at once, and none more
 * after the provider refused one until one of ours comes back. A refusal
 * with nothing of ours in the engine is retried a few times (the provider
 * may recycle its descriptors only after our callback returned), then
 * ends that transfer as ENGINE_ABORTED: it is the transfer the engine
 * cannot take, not the engine that is busy.
 *
 * Feeding runs in process context under chan->lock, from SUBMIT and from
 * feed_work; a callback never feeds: pl330 would run its tasklet again
 * from inside issue_pending, inside our callback, and so on.
 *
 * Every descriptor carries a struct dmastream_desc as its callback
 * parameter, not the transfer: see dmastream_engine_stopped() for what
 * happens to it when a stop cannot be sure its callback will not come.
 */

#include <linux/dmaengine.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/slab.h>

#include "complete.h"
#include "engine.h"
#include "ring.h"
#include "timer.h"
#include "validate.h"

/* Refusals with nothing of ours in the engine, 1 ms apart, before giving up. */
#define DMASTREAM_FEED_RETRIES	5
/* Orphans older than this, or beyond this many per engine slot, are reclaimed. */
#define DMASTREAM_ORPHAN_AGE	(10 * HZ)
#define DMASTREAM_ORPHANS_PER_SLOT	4

static struct kmem_cache *dmastream_desc_cache;

/**
 * dmastream_engine_module_init() - create the descriptor cache
 *
 * Return: 0 or -ENOMEM.
 */
int dmastream_engine_module_init(void)
{
	dmastream_desc_cache = KMEM_CACHE(dmastream_desc, 0);
	return dmastream_desc_cache ? 0 : -ENOMEM;
}

/**
 * dmastream_engine_module_exit() - destroy the descriptor cache
 */
void dmastream_engine_module_exit(void)
{
	kmem_cache_destroy(dmastream_desc_cache);
}

/*
 * Descriptors are kept as spares (spares.c), except with KASAN: a callback
 * that came after its orphan was reclaimed would find a live descriptor of
 * a new transfer where KASAN would report the use after free.
 */
static bool dmastream_desc_spares(void)
{
	return !IS_ENABLED(CONFIG_KASAN);
}

static void dmastream_desc_free(struct dmastream_desc *desc)
{
	atomic_dec(&dmastream_live_descs);
	if (!dmastream_desc_spares() ||
	    !dmastream_spare_put(&desc->chan->desc_spares, &desc->spare))
		kmem_cache_free(dmastream_desc_cache, desc);
}

static struct dmastream_desc *dmastream_desc_alloc(struct dmastream_chan *chan)
{
	struct llist_node *node = NULL;
	struct dmastream_desc *desc;

	lockdep_assert_held(&chan->lock);
	if (dmastream_desc_spares())
		node = dmastream_spare_get(&chan->desc_spares);

	desc = node ? llist_entry(node, struct dmastream_desc, spare) :
		      kmem_cache_alloc(dmastream_desc_cache, GFP_KERNEL);
	if (desc)
		atomic_inc(&dmastream_live_descs);
	return desc;
}

/**
 * dmastream_engine_drop_spares() - free a channel's spare descriptors
 * @chan:	the channel, being released: none of its descriptors is out.
 */
void dmastream_engine_drop_spares(struct dmastream_chan *chan)
{
	struct llist_node *node = dmastream_spares_take_all(&chan->desc_spares);
	struct dmastream_desc *desc, *tmp;

	llist_for_each_entry_safe(desc, tmp, node, spare)
		kmem_cache_free(dmastream_desc_cache, desc);
}

/* One holder of @desc (the engine's side or the feeder) lets go. */
static void dmastream_desc_put(struct dmastream_desc *desc)
{
	if (refcount_dec_and_test(&desc->refs))
		dmastream_desc_free(desc);
}

static u32 dmastream_status_of(const struct dmaengine_result *res)
{
	switch (res ? res->result : DMA_TRANS_NOERROR) {
	case DMA_TRANS_NOERROR:
		return DMASTREAM_STATUS_OK;
	case DMA_TRANS_READ_FAILED:
		return DMASTREAM_STATUS_READ_ERROR;
	case DMA_TRANS_WRITE_FAILED:
		return DMASTREAM_STATUS_WRITE_ERROR;
	default:
		return DMASTREAM_STATUS_ENGINE_ABORTED;
	}
}

/* A transfer with every byte handed over (or refused) and nothing out is DONE. */
static void dmastream_req_check_done(struct dmastream_req *req)
{
	if (req->fed == req->len && !req->descs_out)
		req->state = DMASTREAM_XFER_DONE;
}

/* The next transfer with bytes to hand over, after @req. Under irq_lock. */
static struct dmastream_req *dmastream_next_to_feed(struct dmastream_chan *chan,
						    struct dmastream_req *req)
{
	list_for_each_entry_continue(req, &chan->xfers, node) {
		if (req->fed < req->len)
			return req;
	}
	return NULL;
}

/* Whether feed_work has anything to do. Under irq_lock. */
static bool dmastream_feed_wanted(struct dmastream_chan *chan)
{
	return chan->feed_next && chan->state == DMASTREAM_STATE_READY &&
	       chan->nengine < chan->engine_max;
}

/* The transfer to hand a descriptor of now, if any. Under irq_lock. */
static struct dmastream_req *dmastream_feed_peek_locked(struct dmastream_chan *chan)
{
	return dmastream_feed_wanted(chan) && !chan->feed_blocked ? chan->feed_next : NULL;
}

static struct dmastream_req *dmastream_feed_peek(struct dmastream_chan *chan)
{
	struct dmastream_req *req;

	spin_lock_irq(&chan->irq_lock);
	req = dmastream_feed_peek_locked(chan);
	spin_unlock_irq(&chan->irq_lock);
	return req;
}

/*
 * The descriptor's callback. It may run in any context the provider
 * chooses (hard IRQ, tasklet, thread), concurrently with feeding and with
 * a stop, and, with providers that lack device_synchronize, after a stop
 * has given up on it.
 */
static void dmastream_desc_done(void *param, const struct dmaengine_result *res)
{
	struct dmastream_desc *desc = param;
	struct dmastream_chan *chan = desc->chan;
	u32 residue = res ? res->residue : 0;
	u32 status = dmastream_status_of(res);
	u32 moved = desc->len - min(residue, desc->len);
	struct dmastream_retired after = {};
	struct dmastream_req *req;
	dma_cookie_t cookie;
	unsigned long flags;
	bool feed;

	/*
	 * A provider may call back without a result of its own (zynqmp_dma,
	 * pl330): the core then hands over "no error", even for a descriptor
	 * that failed. Its tx_status knows; ask it, outside our lock. The
	 * cookie is 0 only while dmaengine_submit() has not yet returned,
	 * for an engine that finished the descriptor before that.
	 */
	cookie = READ_ONCE(desc->cookie);
	if (status == DMASTREAM_STATUS_OK && cookie > 0) {
		struct dma_chan *dma = READ_ONCE(chan->dma);

		if (dma && dmaengine_tx_status(dma, cookie, NULL) == DMA_ERROR) {
			status = DMASTREAM_STATUS_ENGINE_ABORTED;
			moved = 0;
		}
	}

	spin_lock_irqsave(&chan->irq_lock, flags);
	req = desc->req;
	if (!req) {
		/* A stop gave up on it: nothing of ours waits for it any more. */
		list_del(&desc->node);
		chan->norphans--;
		chan->stats.late_callbacks++;
		spin_unlock_irqrestore(&chan->irq_lock, flags);
		dmastream_desc_put(desc);
		return;
	}
	list_del(&desc->node);
	chan->nengine--;
	req->descs_out--;
	req->bytes += moved;
	if (status != DMASTREAM_STATUS_OK && req->status == DMASTREAM_STATUS_OK)
		req->status = status;
	dmastream_req_check_done(req);
	chan->feed_blocked = false;
	feed = dmastream_feed_wanted(chan);
	dmastream_retire_ready_locked(chan, &after);
	if (!chan->nengine)
		wake_up(&chan->engine_wq);
	spin_unlock_irqrestore(&chan->irq_lock, flags);

	dmastream_desc_put(desc);
	if (feed)
		mod_delayed_work(system_highpri_wq, &chan->feed_work, 0);
	dmastream_after_retire(chan, &after);
}

/* The callback of providers not asked for results: see device.c. */
static void dmastream_desc_done_plain(void *param)
{
	dmastream_desc_done(param, NULL);
}

/*
 * The next piece of a memcpy: contiguous on both sides (an import's runs
 * end pieces too) and at most the engine's segment size.
 */
static u32 dmastream_memcpy_piece(const struct dmastream_req *req,
				  const struct dmastream_kring *ring, u32 max_seg,
				  dma_addr_t *dst, dma_addr_t *src)
{
	const struct dmastream_seg_ref *s = &req->refs[req->pos.si];
	const struct dmastream_seg_ref *d = &req->refs[req->nsrc + req->pos.di];
	u32 src_contig, dst_contig;

	*src = dmastream_seg_dma(ring, s, req->pos.soff, &src_contig);
	*dst = dmastream_seg_dma(ring, d, req->pos.doff, &dst_contig);
	return min3(src_contig, dst_contig, max_seg);
}

static void dmastream_memcpy_advance(struct dmastream_req *req, u32 len)
{
	req->pos.soff += len;
	req->pos.doff += len;
	if (req->pos.soff == req->refs[req->pos.si].len) {
		req->pos.si++;
		req->pos.soff = 0;
	}
	if (req->pos.doff == req->refs[req->nsrc + req->pos.di].len) {
		req->pos.di++;
		req->pos.doff = 0;
	}
}

static struct dma_async_tx_descriptor *dmastream_prep_slave(struct dmastream_chan *chan,
							    struct dmastream_kring *ring,
							    struct dmastream_req *req)
{
	struct scatterlist *sg = dmastream_req_sg(req);
	unsigned int i, n = 0;

	sg_init_table(sg, req->nsg);
	/* A segment of an import is one entry per run it touches. */
	for (i = 0; i < req->nrefs; i++) {
		const struct dmastream_seg_ref *ref = &req->refs[i];
		u32 done, contig;

		for (done = 0; done < ref->len && n < req->nsg; done += contig, n++) {
			sg_dma_address(&sg[n]) = dmastream_seg_dma(ring, ref, done, &contig);
			sg[n].length = contig;
			sg_dma_len(&sg[n]) = contig;
		}
	}
	if (WARN_ON_ONCE(n != req->nsg))
		return NULL;
	return dmaengine_prep_slave_sg(chan->dma, sg, n, chan->dir,
				       DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
}

/* The engine cannot take what is left of @req: it ends ENGINE_ABORTED. */
static void dmastream_feed_refused(struct dmastream_chan *chan, struct dmastream_req *req)
{
	struct dmastream_retired after;

	spin_lock_irq(&chan->irq_lock);
	req->fed = req->len;
	if (req->status == DMASTREAM_STATUS_OK)
		req->status = DMASTREAM_STATUS_ENGINE_ABORTED;
	if (req->state == DMASTREAM_XFER_QUEUED)
		req->state = DMASTREAM_XFER_ACTIVE;
	dmastream_req_check_done(req);
	chan->feed_next = dmastream_next_to_feed(chan, req);
	chan->feed_retries = 0;
	dmastream_retire_ready_locked(chan, &after);
	spin_unlock_irq(&chan->irq_lock);
	dmastream_after_retire(chan, &after);
}

enum dmastream_feed_result {
	DMASTREAM_FED,
	DMASTREAM_FEED_FULL,		/* the provider refused; wait for a callback */
	DMASTREAM_FEED_RETRY,		/* refused with nothing of ours in the engine */
	DMASTREAM_FEED_NOMEM,
};

/*
 * Hand the next descriptor of @req to the engine. chan->lock held. *@next
 * is the transfer to feed after it (NULL: stop), looked up in the section
 * that registers this descriptor: only callbacks run meanwhile, and they
 * only free engine slots (feed_work then catches up) and cannot retire a
 * transfer that still has bytes to hand over.
 */
static enum dmastream_feed_result dmastream_feed_one(struct dmastream_chan *chan,
						     struct dmastream_kring *ring,
						     struct dmastream_req *req, u64 *deadline,
						     struct dmastream_req **next)
{
	struct dma_async_tx_descriptor *txd;
	struct dmastream_desc *desc;
	dma_cookie_t cookie;
	u32 len;

	*next = NULL;
	desc = dmastream_desc_alloc(chan);
	if (!desc)
		return DMASTREAM_FEED_NOMEM;
	desc->chan = chan;
	desc->req = req;
	refcount_set(&desc->refs, 2);
	desc->cookie = 0;
	desc->moved = 0;

	if (chan->kind == DMASTREAM_DIR_MEMCPY) {
		dma_addr_t dst, src;

		len = dmastream_memcpy_piece(req, ring, chan->piece_max, &dst, &src);
		txd = dmaengine_prep_dma_memcpy(chan->dma, dst, src, len,
						DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
	} else {
		len = req->len;
		txd = dmastream_prep_slave(chan, ring, req);
	}
	desc->len = len;
	if (!txd) {
		bool ours_out;

		dmastream_desc_free(desc);
		spin_lock_irq(&chan->irq_lock);
		ours_out = chan->nengine > 0;
		if (ours_out) {
			chan->feed_blocked = true;
			chan->stats.engine_full++;
		}
		spin_unlock_irq(&chan->irq_lock);
		if (ours_out)
			return DMASTREAM_FEED_FULL;
		if (++chan->feed_retries <= DMASTREAM_FEED_RETRIES)
			return DMASTREAM_FEED_RETRY;
		dev_dbg(&chan->dev, "the provider refused a %u-byte descriptor\n", len);
		dmastream_feed_refused(chan, req);
		*next = dmastream_feed_peek(chan);
		return DMASTREAM_FED;
	}
	/* Both set: a recycled descriptor may carry another client's (pl330). */
	if (chan->wants_result) {
		txd->callback = NULL;
		txd->callback_result = dmastream_desc_done;
	} else {
		txd->callback = dmastream_desc_done_plain;
		txd->callback_result = NULL;
	}
	txd->callback_param = desc;

	/* On the engine list before the engine can possibly call back. */
	spin_lock_irq(&chan->irq_lock);
	list_add_tail(&desc->node, &chan->engine);
	chan->nengine++;
	req->descs_out++;
	if (req->state == DMASTREAM_XFER_QUEUED) {
		req->state = DMASTREAM_XFER_ACTIVE;
		if (req->timeout_ns)
			req->deadline_ns = ktime_get_ns() + req->timeout_ns;
	}
	req->fed += len;
	if (chan->kind == DMASTREAM_DIR_MEMCPY)
		dmastream_memcpy_advance(req, len);
	if (req->fed == req->len)
		chan->feed_next = dmastream_next_to_feed(chan, req);
	*deadline = req->deadline_ns;
	*next = dmastream_feed_peek_locked(chan);
	spin_unlock_irq(&chan->irq_lock);

	cookie = dmaengine_submit(txd);
	if (dma_submit_error(cookie)) {
		/*
		 * Not taken: no callback will come. The transfer cannot be
		 * handed over the rest of the way either.
		 */
		spin_lock_irq(&chan->irq_lock);
		list_del(&desc->node);
		chan->nengine--;
		req->descs_out--;
		req->fed -= len;
		if (!chan->nengine)
			wake_up(&chan->engine_wq);
		spin_unlock_irq(&chan->irq_lock);
		dmastream_desc_free(desc);
		dev_dbg(&chan->dev, "the provider did not accept a descriptor (%d)\n", cookie);
		dmastream_feed_refused(chan, req);
		*next = dmastream_feed_peek(chan);
		return DMASTREAM_FED;
	}
	chan->feed_retries = 0;
	WRITE_ONCE(desc->cookie, cookie);
	dmastream_desc_put(desc);
	return DMASTREAM_FED;
}

/**
 * dmastream_feed() - hand queued transfers to the engine
 * @chan:	the channel, chan->lock held.
 *
 * Hands over descriptors while the channel runs, transfers wait and the
 * provider takes them, then issues them; arms the timeout for the
 * transfers that just became ACTIVE.
 */
void dmastream_feed(struct dmastream_chan *chan)
{
	struct dmastream_kring *ring = chan->ring;
	enum dmastream_feed_result res = DMASTREAM_FED;
	struct dmastream_req *req;
	u64 first_deadline = 0;
	unsigned int handed = 0;

	lockdep_assert_held(&chan->lock);
	if (!chan->dma || !ring)
		return;
	for (req = dmastream_feed_peek(chan); req;) {
		u64 deadline = 0;

		res = dmastream_feed_one(chan, ring, req, &deadline, &req);
		if (res != DMASTREAM_FED)
			break;
		handed++;
		if (deadline && (!first_deadline || deadline < first_deadline))
			first_deadline = deadline;
	}
	if (handed)
		dma_async_issue_pending(chan->dma);
	if (first_deadline)
		dmastream_timer_arm(chan, first_deadline);
	if (res == DMASTREAM_FEED_RETRY || res == DMASTREAM_FEED_NOMEM)
		mod_delayed_work(system_highpri_wq, &chan->feed_work, msecs_to_jiffies(1));
}

static void dmastream_feed_work(struct work_struct *work)
{
	struct dmastream_chan *chan = container_of(to_delayed_work(work), struct dmastream_chan,
						   feed_work);

	mutex_lock(&chan->lock);
	if (!chan->dead)
		dmastream_feed(chan);
	mutex_unlock(&chan->lock);
}

/**
 * dmastream_engine_init() - set up a channel's engine side
 * @chan:	the channel being created.
 */
void dmastream_engine_init(struct dmastream_chan *chan)
{
	INIT_LIST_HEAD(&chan->engine);
	INIT_LIST_HEAD(&chan->orphans);
	init_waitqueue_head(&chan->engine_wq);
	INIT_DELAYED_WORK(&chan->feed_work, dmastream_feed_work);
	chan->engine_max = dmastream_engine_descs;
}

/**
 * dmastream_engine_drain() - wait until the engine holds nothing of ours
 * @chan:	the channel, chan->lock held, feeding stopped (not READY).
 * @ms:		at most this long.
 *
 * Return: true if the engine holds no descriptor of ours.
 */
bool dmastream_engine_drain(struct dmastream_chan *chan, unsigned int ms)
{
	wait_event_timeout(chan->engine_wq, !READ_ONCE(chan->nengine), msecs_to_jiffies(ms));
	return !READ_ONCE(chan->nengine);
}

/**
 * dmastream_engine_progress() - how far the engine got with what it holds
 * @chan:	the channel, chan->lock held, before terminating.
 *
 * A slave transfer a stop cuts short (an RX buffer half filled when the
 * program quits) keeps what the engine moved: its descriptor's length
 * minus the residue the provider reports now. Only the first descriptor
 * can have started; where the provider cannot tell (no residue), nothing
 * is counted. A memcpy keeps the pieces that came back.
 */
void dmastream_engine_progress(struct dmastream_chan *chan)
{
	struct dmastream_desc *desc;
	struct dma_tx_state state = {};
	dma_cookie_t cookie = 0;

	if (chan->kind == DMASTREAM_DIR_MEMCPY || !chan->dma)
		return;
	spin_lock_irq(&chan->irq_lock);
	desc = list_first_entry_or_null(&chan->engine, struct dmastream_desc, node);
	if (desc)
		cookie = desc->cookie;
	spin_unlock_irq(&chan->irq_lock);
	/* Asked without irq_lock: providers take their own locks. */
	if (cookie <= 0 || dmaengine_tx_status(chan->dma, cookie, &state) != DMA_IN_PROGRESS)
		return;
	spin_lock_irq(&chan->irq_lock);
	/*
	 * Still the same descriptor if still first: no new one can be
	 * allocated for this channel while chan->lock is held.
	 */
	if (list_first_entry_or_null(&chan->engine, struct dmastream_desc, node) == desc &&
	    state.residue && state.residue < desc->len)
		desc->moved = desc->len - state.residue;
	spin_unlock_irq(&chan->irq_lock);
}

/**
 * dmastream_engine_stopped() - the engine was terminated: settle its descriptors
 * @chan:	the channel, chan->lock held, after terminate and synchronize.
 * @certain:	no callback can come any more (the provider synchronizes).
 *
 * Descriptors the engine held no longer count for their transfers. If
 * their callbacks cannot come any more they are freed; otherwise they
 * become orphans, whose late callback (pl330 may be in the middle of one
 * when terminate returns, and dmaengine_synchronize() cannot wait for it)
 * finds no transfer and frees them. Orphans that never call back are
 * reclaimed once older than DMASTREAM_ORPHAN_AGE or beyond
 * DMASTREAM_ORPHANS_PER_SLOT per engine slot, and when the DMA channel is
 * released.
 */
void dmastream_engine_stopped(struct dmastream_chan *chan, bool certain)
{
	struct dmastream_desc *desc, *tmp;
	LIST_HEAD(reclaim);
	unsigned long now = jiffies;

	spin_lock_irq(&chan->irq_lock);
	list_for_each_entry_safe(desc, tmp, &chan->engine, node) {
		struct dmastream_req *req = desc->req;

		req->descs_out--;
		req->bytes += desc->moved;
		desc->req = NULL;
		chan->nengine--;
		if (certain) {
			list_move_tail(&desc->node, &reclaim);
		} else {
			desc->orphaned = now;
			list_move_tail(&desc->node, &chan->orphans);
			chan->norphans++;
		}
	}
	list_for_each_entry_safe(desc, tmp, &chan->orphans, node) {
		if (chan->norphans <= DMASTREAM_ORPHANS_PER_SLOT * chan->engine_max &&
		    time_before(now, desc->orphaned + DMASTREAM_ORPHAN_AGE))
			break;
		list_move_tail(&desc->node, &reclaim);
		chan->norphans--;
	}
	chan->feed_blocked = false;
	chan->feed_retries = 0;
	spin_unlock_irq(&chan->irq_lock);

	list_for_each_entry_safe(desc, tmp, &reclaim, node)
		dmastream_desc_put(desc);
}

/**
 * dmastream_engine_released() - the DMA channel was released
 * @chan:	the channel; no callback can run any more.
 *
 * Frees the orphans.
 */
void dmastream_engine_released(struct dmastream_chan *chan)
{
	struct dmastream_desc *desc, *tmp;
	LIST_HEAD(reclaim);

	spin_lock_irq(&chan->irq_lock);
	list_splice_init(&chan->orphans, &reclaim);
	chan->norphans = 0;
	spin_unlock_irq(&chan->irq_lock);
	list_for_each_entry_safe(desc, tmp, &reclaim, node)
		dmastream_desc_put(desc);
}
