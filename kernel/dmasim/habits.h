/* SPDX-License-Identifier: GPL-2.0 */
/* dmasim: the habits of real providers, carried out (habits.c). */
#ifndef DMASIM_HABITS_H
#define DMASIM_HABITS_H

#include "dmasim.h"

/* Longest delay late_callback_us takes, parameter or knob. */
#define DMASIM_LATE_MAX_US	1000000

extern const char *const dmasim_on_error_names[DMASIM_ON_ERROR_NR];

void dmasim_habits_chan_init(struct dmasim_chan *sc);
void dmasim_habits_chan_reset(struct dmasim_chan *sc);
void dmasim_habits_chan_teardown(struct dmasim_chan *sc);
void dmasim_habits_reorder_arm(struct dmasim_chan *sc, u32 window);
void dmasim_habits_completed(struct dmasim_chan *sc, struct dmasim_desc *d,
			     struct dmasim_tick *tick);
void dmasim_habits_poll(struct dmasim_chan *sc, struct dmasim_tick *tick);
void dmasim_habits_failed(struct dmasim_chan *sc, struct dmasim_desc *d);
bool dmasim_habits_error_cookie(struct dmasim_chan *sc, dma_cookie_t cookie);
void dmasim_habits_terminate(struct dmasim_chan *sc, struct list_head *dead);
void dmasim_habits_late_wait(struct dmasim_chan *sc);

#endif /* DMASIM_HABITS_H */
