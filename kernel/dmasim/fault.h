/* SPDX-License-Identifier: GPL-2.0 */
/* dmasim: injected failures, decided as a descriptor starts (fault.c). */
#ifndef DMASIM_FAULT_H
#define DMASIM_FAULT_H

#include "dmasim.h"

bool dmasim_fault_fails(struct dmasim_chan *sc,
			enum dmaengine_tx_result *result);
void dmasim_fault_arm_permille(struct dmasim_fault *f, u32 permille);

#endif /* DMASIM_FAULT_H */
