/* SPDX-License-Identifier: GPL-2.0-only */
/* The buffers of a cached ring and their hand-overs (cached.c). */
#ifndef DMASTREAM_CACHED_H
#define DMASTREAM_CACHED_H

#include "dmastream.h"

struct vm_area_struct;

u32 dmastream_cached_size_max(struct device *dma_dev, bool streaming);
u32 dmastream_cached_write_align(struct device *dma_dev);
int dmastream_cached_alloc(struct device *dma_dev, struct dmastream_buf *buf, u32 stride,
			   bool streaming);
void dmastream_cached_free(struct device *dma_dev, struct dmastream_buf *buf, u32 stride,
			   bool streaming);
int dmastream_cached_mmap(struct dmastream_buf *buf, struct vm_area_struct *vma, u64 within);
void dmastream_cached_to_engine(struct dmastream_kring *ring, struct dmastream_req **reqs,
				u32 n);
void dmastream_cached_to_cpu(struct dmastream_kring *ring, const struct dmastream_req *req);

#endif /* DMASTREAM_CACHED_H */
