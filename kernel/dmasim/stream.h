/* SPDX-License-Identifier: GPL-2.0 */
/* dmasim: the stream between TX and RX: FIFO, loopback and sink (stream.c). */
#ifndef DMASIM_STREAM_H
#define DMASIM_STREAM_H

#include "dmasim.h"

extern const char *const dmasim_mode_names[2];

int dmasim_stream_init(struct dmasim_engine *eng);
void dmasim_stream_free(struct dmasim_engine *eng);
bool dmasim_loop_step(struct dmasim_engine *eng, struct dmasim_tick *tick);
bool dmasim_sink_step(struct dmasim_engine *eng, struct dmasim_tick *tick);
void dmasim_stream_terminated(struct dmasim_chan *sc);
void dmasim_fifo_flush(struct dmasim_engine *eng);
u64 dmasim_fifo_level(const struct dmasim_fifo *fifo);
unsigned int dmasim_fifo_packets(const struct dmasim_fifo *fifo);

#endif /* DMASIM_STREAM_H */
