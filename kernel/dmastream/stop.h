/* SPDX-License-Identifier: GPL-2.0-only */
/* Stopping a channel: abort, timeout, sticky error, close, removal (stop.c). */
#ifndef DMASTREAM_STOP_H
#define DMASTREAM_STOP_H

#include "dmastream.h"

/* dmastream_stop() flags */
#define DMASTREAM_STOP_DRAIN	0x1	/* let the engine finish what it holds first */
#define DMASTREAM_STOP_STICKY	0x2	/* enter the sticky error state afterwards */

void dmastream_stop_init(struct dmastream_chan *chan);
void dmastream_stop(struct dmastream_chan *chan, unsigned int flags);

#endif /* DMASTREAM_STOP_H */
