/* SPDX-License-Identifier: GPL-2.0-only */
/* Discarding what an rx stream holds before a new owner (flush.c). */
#ifndef DMASTREAM_FLUSH_H
#define DMASTREAM_FLUSH_H

#include "dmastream.h"

int dmastream_flush_stream(struct dmastream_chan *chan);

#endif /* DMASTREAM_FLUSH_H */
