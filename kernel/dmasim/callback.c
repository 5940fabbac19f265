// SPDX-License-Identifier: GPL-2.0
/*
 * dmasim: the end of a descriptor. A per-channel tasklet calls completed
 * descriptors back, as real drivers do from their interrupt bottom half,
 * in the order they reached the done list; then their budget slots are
 * recycled and they are freed. Late callbacks after terminate (habits.c)
 * call back through dmasim_desc_callback() too.
 *
 * Calls go down (docs/dmasim.md, "Sources"): called by chan.c and
 * habits.c; calls budget.c.
 */

#include <linux/dmaengine.h>
#include <linux/interrupt.h>
#include <linux/list.h>
#include <linux/slab.h>

#include "budget.h"
#include "callback.h"

/*
 * Most one-segment descriptors a channel keeps for reuse: real drivers
 * allocate theirs once (zynqmp_dma a pool per channel, pl330 a list it
 * grows) and do not pay for an allocation per transfer. Without this, the
 * allocation in prep, on the client's CPU, of what was freed on the
 * tasklet's CPU weighed on the client's transfer rate (docs/bench.md).
 */
#define DMASIM_SPARE_MAX	64

/*
 * Not with KASAN: a client that used a descriptor after its callback
 * would find the next transfer's, where KASAN would report it.
 */
static bool dmasim_desc_spares(void)
{
	return !IS_ENABLED(CONFIG_KASAN);
}

/**
 * dmasim_desc_spare() - Take a freed one-segment descriptor, if any.
 * @sc: the channel, lock not held
 *
 * Return: the descriptor, zeroed, or NULL.
 */
struct dmasim_desc *dmasim_desc_spare(struct dmasim_chan *sc)
{
	struct dmasim_desc *d;
	unsigned long flags;

	if (!dmasim_desc_spares())
		return NULL;
	spin_lock_irqsave(sc->lock, flags);
	d = list_first_entry_or_null(&sc->spare, struct dmasim_desc, node);
	if (d) {
		list_del(&d->node);
		sc->nspare--;
	}
	spin_unlock_irqrestore(sc->lock, flags);
	if (d)
		memset(d, 0, struct_size(d, segs, 1));
	return d;
}

/**
 * dmasim_desc_free() - Free a descriptor nobody refers to any more.
 * @eng: its engine
 * @d: the descriptor, its budget slots already recycled or lost; on no
 *     list, the channel's lock not held
 */
void dmasim_desc_free(struct dmasim_engine *eng, struct dmasim_desc *d)
{
	struct dmasim_chan *sc = to_dmasim_chan(d->tx.chan);
	unsigned long flags;
	bool kept = false;

	/* Drops the mapping references async_tx clients (dmatest) attach. */
	dma_descriptor_unmap(&d->tx);
	atomic_dec(&eng->live_descs);
	if (d->nsegs == 1 && dmasim_desc_spares()) {
		spin_lock_irqsave(sc->lock, flags);
		if (sc->nspare < DMASIM_SPARE_MAX) {
			list_add(&d->node, &sc->spare);
			sc->nspare++;
			kept = true;
		}
		spin_unlock_irqrestore(sc->lock, flags);
	}
	if (!kept)
		kfree(d);
}

/**
 * dmasim_desc_drop_spares() - Free the channel's spare descriptors.
 * @sc: the channel, which nobody can prepare on or free to any more
 */
void dmasim_desc_drop_spares(struct dmasim_chan *sc)
{
	struct dmasim_desc *d, *tmp;

	list_for_each_entry_safe(d, tmp, &sc->spare, node)
		kfree(d);
	INIT_LIST_HEAD(&sc->spare);
	sc->nspare = 0;
}

/**
 * dmasim_desc_free_list() - Free every descriptor of a list.
 * @eng: their engine
 * @list: the list, which nobody else can reach any more
 */
void dmasim_desc_free_list(struct dmasim_engine *eng, struct list_head *list)
{
	struct dmasim_desc *d, *tmp;

	list_for_each_entry_safe(d, tmp, list, node) {
		list_del(&d->node);
		dmasim_desc_free(eng, d);
	}
}

/**
 * dmasim_desc_callback() - Call a completed descriptor back, then free it.
 * @sc: its channel, lock not held
 * @d: the descriptor, on no list
 *
 * Its budget slots are recycled only after the callback returned, as
 * zynqmp_dma gives a descriptor back to its pool.
 */
void dmasim_desc_callback(struct dmasim_chan *sc, struct dmasim_desc *d)
{
	/* What dmaengine_desc_callback_invoke() passes for a NULL result. */
	struct dmaengine_result res = { .result = DMA_TRANS_NOERROR };
	unsigned long flags;

	if (!READ_ONCE(sc->habits.no_result)) {
		res.result = d->result;
		res.residue = sc->eng->no_residue ? 0 : d->residue;
	}
	/* Like an IOC bit: no interrupt asked for, no callback. */
	if (d->tx.flags & DMA_PREP_INTERRUPT) {
		if (d->tx.callback_result)
			d->tx.callback_result(d->tx.callback_param, &res);
		else if (d->tx.callback)
			d->tx.callback(d->tx.callback_param);
	}
	if (d->slots) {
		spin_lock_irqsave(sc->lock, flags);
		dmasim_budget_put(sc, d);
		spin_unlock_irqrestore(sc->lock, flags);
	}
	dmasim_desc_free(sc->eng, d);
}

static void dmasim_tasklet(struct tasklet_struct *t)
{
	struct dmasim_chan *sc = from_tasklet(sc, t, tasklet);
	struct dmasim_desc *d;
	unsigned long flags;
	LIST_HEAD(dropped);

	spin_lock_irqsave(sc->lock, flags);
	list_splice_init(&sc->dropped, &dropped);
	spin_unlock_irqrestore(sc->lock, flags);
	dmasim_desc_free_list(sc->eng, &dropped);
	for (;;) {
		spin_lock_irqsave(sc->lock, flags);
		d = list_first_entry_or_null(&sc->done, struct dmasim_desc,
					     node);
		if (d)
			list_del(&d->node);
		spin_unlock_irqrestore(sc->lock, flags);
		if (!d)
			break;
		dmasim_desc_callback(sc, d);
	}
}

/**
 * dmasim_callback_init() - Set up a channel's callback tasklet.
 * @sc: the channel, not yet registered
 */
void dmasim_callback_init(struct dmasim_chan *sc)
{
	tasklet_setup(&sc->tasklet, dmasim_tasklet);
}
