/* SPDX-License-Identifier: GPL-2.0 */
/* dmasim: the memcpy engine's own device on the auxiliary bus (cdma.c). */
#ifndef DMASIM_CDMA_H
#define DMASIM_CDMA_H

#include "dmasim.h"

int dmasim_cdma_driver_register(void);
void dmasim_cdma_driver_unregister(void);
int dmasim_cdma_add(struct dmasim_engine *eng);
void dmasim_cdma_remove(struct dmasim_engine *eng);

#endif /* DMASIM_CDMA_H */
