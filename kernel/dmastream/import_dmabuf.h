/* SPDX-License-Identifier: GPL-2.0-only */
/* dma-bufs from elsewhere as buffers of a ring (import_dmabuf.c). */
#ifndef DMASTREAM_IMPORT_DMABUF_H
#define DMASTREAM_IMPORT_DMABUF_H

#include "dmastream.h"

int dmastream_import_buf(struct dmastream_chan *chan, struct file *file, void __user *uarg);

#endif /* DMASTREAM_IMPORT_DMABUF_H */
