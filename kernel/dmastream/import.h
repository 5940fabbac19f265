/* SPDX-License-Identifier: GPL-2.0-only */
/* Memory from elsewhere used as buffers of a ring (import.c). */
#ifndef DMASTREAM_IMPORT_H
#define DMASTREAM_IMPORT_H

#include "dmastream.h"

struct dmastream_kimport *dmastream_import_new(struct dmastream_chan *chan, struct sg_table *sgt,
					       u64 size, enum dma_data_direction dir,
					       bool engine_reads,
					       void (*unmap)(struct dmastream_kimport *imp));
int dmastream_import_begin(struct dmastream_chan *chan);
int dmastream_import_vacant(struct dmastream_chan *chan, u32 slot, const void *origin,
			    u64 start, u64 size);
struct dmastream_kring *dmastream_import_install(struct dmastream_chan *chan, u32 slot,
						 struct dmastream_kimport *imp);
int dmastream_import_tell(struct dmastream_chan *chan, struct dmastream_kring *ring, u32 slot,
			  u64 serial, void __user *uarg, const void *req, size_t len);
int dmastream_import_end(struct dmastream_chan *chan, u32 idx);
void dmastream_imports_release(struct dmastream_kring *ring);
dma_addr_t dmastream_import_dma(const struct dmastream_kimport *imp, u32 pos, u32 *contig);
u32 dmastream_import_entries(const struct dmastream_kimport *imp, u32 offset, u32 len);
bool dmastream_import_ready(const struct dmastream_kimport *imp, bool dma_writes);
void dmastream_import_to_engine(struct dmastream_kring *ring, struct dmastream_req **reqs,
				u32 n);
void dmastream_import_to_cpu(struct dmastream_kring *ring, const struct dmastream_req *req);

#endif /* DMASTREAM_IMPORT_H */
