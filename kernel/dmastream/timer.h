/* SPDX-License-Identifier: GPL-2.0-only */
/* Arming a channel's timeout work (timer.c). */
#ifndef DMASTREAM_TIMER_H
#define DMASTREAM_TIMER_H

#include "dmastream.h"

void dmastream_timer_arm(struct dmastream_chan *chan, u64 deadline);

#endif /* DMASTREAM_TIMER_H */
