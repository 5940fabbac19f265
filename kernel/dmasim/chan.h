/* SPDX-License-Identifier: GPL-2.0 */
/* dmasim: the dmaengine channel operations a client calls (chan.c). */
#ifndef DMASIM_CHAN_H
#define DMASIM_CHAN_H

#include "dmasim.h"

extern const char *const dmasim_chan_names[DMASIM_NR_CHANS];

void dmasim_set_chan_ops(struct dma_device *dd);
void dmasim_chan_init(struct dmasim_engine *eng, enum dmasim_chan_id id,
		      struct dma_device *dd);
void dmasim_chan_teardown(struct dmasim_chan *sc);

#endif /* DMASIM_CHAN_H */
