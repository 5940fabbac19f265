/* SPDX-License-Identifier: GPL-2.0-only */
/* A ring buffer exported as a dma-buf (export.c). */
#ifndef DMASTREAM_EXPORT_H
#define DMASTREAM_EXPORT_H

#include "dmastream.h"

int dmastream_export_buf(struct dmastream_chan *chan, struct file *file, void __user *uarg);
struct dmastream_kring *dmastream_export_ring(const struct dma_buf *dmabuf);

#endif /* DMASTREAM_EXPORT_H */
