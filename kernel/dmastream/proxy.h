/* SPDX-License-Identifier: GPL-2.0-only */
/* The DMA Proxy 2.0 personality of a channel (proxy.c). */
#ifndef DMASTREAM_PROXY_H
#define DMASTREAM_PROXY_H

#include "dmastream.h"

struct file;

int dmastream_proxy_create(struct dmastream_chan *chan);
int dmastream_proxy_open(struct dmastream_chan *chan, struct file *file);
long dmastream_proxy_ioctl(struct dmastream_chan *chan, struct file *file, unsigned int cmd,
			   void __user *uarg);

#endif /* DMASTREAM_PROXY_H */
