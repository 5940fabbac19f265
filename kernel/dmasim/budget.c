// SPDX-License-Identifier: GPL-2.0
/*
 * dmasim: the descriptor budget (habit desc_budget), as zynqmp_dma's pool
 * of 32 descriptors per channel or xilinx_dma's 255 hardware segments.
 * Prep takes slots (chan.c); they come back after the descriptor's
 * callback (callback.c), when terminate drops it (chan.c, habits.c) or
 * when on_error drops it (habits.c). docs/dmasim.md says when exactly.
 *
 * Calls go down (docs/dmasim.md, "Sources"): called by chan.c,
 * callback.c and habits.c; calls nothing of dmasim's.
 */

#include <linux/device.h>
#include <linux/dmaengine.h>
#include <linux/spinlock.h>

#include "budget.h"

/**
 * dmasim_budget_take() - Take descriptor slots for a prepared descriptor.
 * @sc: the channel, lock not held
 * @d: the descriptor
 * @slots: slots it needs (one per scatter-gather entry; a copy is one)
 *
 * Return: false, counted in desc_exhausted, when the budget cannot hold
 * them: prep then returns NULL, as zynqmp_dma does when its 32 descriptors
 * are taken.
 */
bool dmasim_budget_take(struct dmasim_chan *sc, struct dmasim_desc *d,
			u32 slots)
{
	struct dmasim_habits *h = &sc->habits;
	unsigned long flags;
	bool ok = true;

	spin_lock_irqsave(sc->lock, flags);
	if (h->desc_budget) {
		ok = h->desc_in_use + slots <= h->desc_budget;
		if (ok) {
			h->desc_in_use += slots;
			d->slots = slots;
		} else {
			sc->stats.desc_exhausted++;
		}
	}
	spin_unlock_irqrestore(sc->lock, flags);
	if (!ok)
		dev_dbg(sc->eng->dev, "%s: prep refused: %u descriptor slots in use, %u needed\n",
			dma_chan_name(&sc->chan), h->desc_in_use, slots);
	return ok;
}

/**
 * dmasim_budget_put() - Recycle a descriptor's slots.
 * @sc: the channel, lock held
 * @d: the descriptor
 */
void dmasim_budget_put(struct dmasim_chan *sc, struct dmasim_desc *d)
{
	sc->habits.desc_in_use -= d->slots;
	d->slots = 0;
}
