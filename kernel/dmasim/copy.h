/* SPDX-License-Identifier: GPL-2.0 */
/* dmasim: the memcpy channel's mover (copy.c). */
#ifndef DMASIM_COPY_H
#define DMASIM_COPY_H

#include "dmasim.h"

bool dmasim_copy_step(struct dmasim_engine *eng, struct dmasim_tick *tick);

#endif /* DMASIM_COPY_H */
