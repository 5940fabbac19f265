/* SPDX-License-Identifier: GPL-2.0 */
/* dmasim: the packet source on RX (source.c). */
#ifndef DMASIM_SOURCE_H
#define DMASIM_SOURCE_H

#include "dmasim.h"

extern const char *const dmasim_pattern_names[2];

bool dmasim_source_step(struct dmasim_engine *eng, struct dmasim_tick *tick);
void dmasim_source_start(struct dmasim_engine *eng);

#endif /* DMASIM_SOURCE_H */
