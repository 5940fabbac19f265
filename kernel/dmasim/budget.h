/* SPDX-License-Identifier: GPL-2.0 */
/* dmasim: the descriptor budget (budget.c). */
#ifndef DMASIM_BUDGET_H
#define DMASIM_BUDGET_H

#include "dmasim.h"

/* Most slots desc_budget gives a channel, parameter or knob. */
#define DMASIM_BUDGET_MAX	65536

bool dmasim_budget_take(struct dmasim_chan *sc, struct dmasim_desc *d,
			u32 slots);
void dmasim_budget_put(struct dmasim_chan *sc, struct dmasim_desc *d);

#endif /* DMASIM_BUDGET_H */
