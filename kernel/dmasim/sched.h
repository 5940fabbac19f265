/* SPDX-License-Identifier: GPL-2.0 */
/* dmasim: when the movers run: work items, timers, kicks (sched.c). */
#ifndef DMASIM_SCHED_H
#define DMASIM_SCHED_H

#include "dmasim.h"

int dmasim_sched_module_init(void);
void dmasim_sched_module_exit(void);
void dmasim_sched_init(struct dmasim_engine *eng);
void dmasim_sched_stop(struct dmasim_engine *eng);
void dmasim_kick(struct dmasim_chan *sc);
void dmasim_kick_stream(struct dmasim_engine *eng);

#endif /* DMASIM_SCHED_H */
