/* SPDX-License-Identifier: GPL-2.0 */
/* dmasim: calling descriptors back, and freeing them (callback.c). */
#ifndef DMASIM_CALLBACK_H
#define DMASIM_CALLBACK_H

#include "dmasim.h"

void dmasim_callback_init(struct dmasim_chan *sc);
void dmasim_desc_callback(struct dmasim_chan *sc, struct dmasim_desc *d);
struct dmasim_desc *dmasim_desc_spare(struct dmasim_chan *sc);
void dmasim_desc_free(struct dmasim_engine *eng, struct dmasim_desc *d);
void dmasim_desc_drop_spares(struct dmasim_chan *sc);
void dmasim_desc_free_list(struct dmasim_engine *eng, struct list_head *list);

#endif /* DMASIM_CALLBACK_H */
