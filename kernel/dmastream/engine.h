/* SPDX-License-Identifier: GPL-2.0-only */
/* Handing transfers to the engine and taking them back (engine.c). */
#ifndef DMASTREAM_ENGINE_H
#define DMASTREAM_ENGINE_H

#include "dmastream.h"

int dmastream_engine_module_init(void);
void dmastream_engine_module_exit(void);
void dmastream_engine_init(struct dmastream_chan *chan);
void dmastream_feed(struct dmastream_chan *chan);
bool dmastream_engine_drain(struct dmastream_chan *chan, unsigned int ms);
void dmastream_engine_progress(struct dmastream_chan *chan);
void dmastream_engine_stopped(struct dmastream_chan *chan, bool certain);
void dmastream_engine_released(struct dmastream_chan *chan);
void dmastream_engine_drop_spares(struct dmastream_chan *chan);

#endif /* DMASTREAM_ENGINE_H */
