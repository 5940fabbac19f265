/* SPDX-License-Identifier: GPL-2.0-only */
/* The ring of buffers and the completion queue (ring.c). */
#ifndef DMASTREAM_RING_H
#define DMASTREAM_RING_H

#include "dmastream.h"
#include "import.h"

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

/* An imported dma-buf's slot, from a segment's buffer index. */
static inline struct dmastream_kimport *
dmastream_ring_import(const struct dmastream_kring *ring, u32 buf)
{
	return ring->imports[buf & ~DMASTREAM_BUF_IMPORTED];
}

/* The bookkeeping of a segment's buffer: a ring buffer or an import. */
static inline struct dmastream_buf *dmastream_ring_buf(struct dmastream_kring *ring, u32 buf)
{
	if (buf & DMASTREAM_BUF_IMPORTED)
		return &dmastream_ring_import(ring, buf)->buf;
	return &ring->bufs[buf];
}

/*
 * The DMA address of byte @skip of a segment, and in @contig how many bytes
 * of the segment from there are contiguous for the engine.
 */
static inline dma_addr_t dmastream_seg_dma(const struct dmastream_kring *ring,
					   const struct dmastream_seg_ref *ref, u32 skip,
					   u32 *contig)
{
	dma_addr_t dma;
	u32 run;

	if (!(ref->buf & DMASTREAM_BUF_IMPORTED)) {
		*contig = ref->len - skip;
		return ring->bufs[ref->buf].dma + ref->offset + skip;
	}
	dma = dmastream_import_dma(dmastream_ring_import(ring, ref->buf), ref->offset + skip,
				   &run);
	*contig = min(run, ref->len - skip);
	return dma;
}

#endif /* DMASTREAM_RING_H */
