/* SPDX-License-Identifier: GPL-2.0-only */
/* DMASTREAM_IOC_WAIT (wait.c). */
#ifndef DMASTREAM_WAIT_H
#define DMASTREAM_WAIT_H

#include "dmastream.h"

int dmastream_wait(struct dmastream_chan *chan, struct dmastream_kring *ring,
		   struct dmastream_wait *w);

#endif /* DMASTREAM_WAIT_H */
