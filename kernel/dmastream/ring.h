/* SPDX-License-Identifier: GPL-2.0-only */
/* The ring of buffers and the completion queue (ring.c). */
#ifndef DMASTREAM_RING_H
#define DMASTREAM_RING_H

#include "dmastream.h"

struct vm_area_struct;

struct dmastream_kring *dmastream_ring_create(struct dmastream_chan *chan, u32 count,
					      u32 size, u32 cq_entries, u32 flags);
void dmastream_ring_put(struct dmastream_kring *ring);
u64 dmastream_total_ring_bytes_limit(void);
void dmastream_ring_layout(u32 count, u32 size, u32 cq_entries, struct dmastream_ring *out);
int dmastream_ring_mmap(struct dmastream_kring *ring, struct vm_area_struct *vma);
int dmastream_ring_mmap_buf(struct dmastream_kring *ring, u32 idx, struct vm_area_struct *vma,
			    u64 within);
int dmastream_ring_mmap_table(struct dmastream_kring *ring, struct vm_area_struct *vma);
u32 dmastream_cq_unreaped(struct dmastream_kring *ring);

/* The DMA address of byte @skip of a segment. */
static inline dma_addr_t dmastream_seg_dma(const struct dmastream_kring *ring,
					   const struct dmastream_seg_ref *ref, u32 skip)
{
	return ring->bufs[ref->buf].dma + ref->offset + skip;
}

#endif /* DMASTREAM_RING_H */
