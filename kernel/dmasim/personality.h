/* SPDX-License-Identifier: GPL-2.0 */
/* dmasim: personalities and the habit module parameters (personality.c). */
#ifndef DMASIM_PERSONALITY_H
#define DMASIM_PERSONALITY_H

#include "dmasim.h"

int dmasim_personality_parse_params(void);
const char *dmasim_personality_name(enum dmasim_personality p);
bool dmasim_personality_max_seg_size(u32 *size);
void dmasim_personality_engine_init(struct dmasim_engine *eng);
void dmasim_personality_chan_init(struct dmasim_chan *sc);

#endif /* DMASIM_PERSONALITY_H */
