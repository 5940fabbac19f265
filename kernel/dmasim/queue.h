/* SPDX-License-Identifier: GPL-2.0 */
/* dmasim: a channel's issued queue as the movers work down it (queue.c). */
#ifndef DMASIM_QUEUE_H
#define DMASIM_QUEUE_H

#include "dmasim.h"

/* Where the descriptor's cursor is, and how much of its segment is left. */
static inline dma_addr_t dmasim_addr(const struct dmasim_desc *d)
{
	return d->segs[d->seg].addr + d->seg_off;
}

static inline u32 dmasim_span(const struct dmasim_desc *d)
{
	return d->segs[d->seg].len - d->seg_off;
}

struct dmasim_desc *dmasim_active_desc(struct dmasim_chan *sc,
				       struct dmasim_tick *tick);
void dmasim_desc_advance(struct dmasim_desc *d, size_t n);
void dmasim_desc_finish(struct dmasim_chan *sc, struct dmasim_desc *d,
			enum dmaengine_tx_result result);
bool dmasim_retire(struct dmasim_chan *sc, struct dmasim_tick *tick);
u64 dmasim_rx_room(struct dmasim_chan *sc);
unsigned int dmasim_chan_queued(struct dmasim_chan *sc);
void dmasim_chan_hold(struct dmasim_chan *sc);
void dmasim_chan_release(struct dmasim_chan *sc);

#endif /* DMASIM_QUEUE_H */
