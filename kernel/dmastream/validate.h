/* SPDX-License-Identifier: GPL-2.0-only */
/* One transfer of a SUBMIT, checked on its own (validate.c). */
#ifndef DMASTREAM_VALIDATE_H
#define DMASTREAM_VALIDATE_H

#include "dmastream.h"

int dmastream_req_prepare(struct dmastream_chan *chan, struct dmastream_kring *ring,
			  const struct dmastream_xfer *x, const struct dmastream_seg *segs,
			  u32 nsegs_batch, struct dmastream_req **out);
void dmastream_req_free(struct dmastream_req *req);
void dmastream_req_drop_spares(struct dmastream_chan *chan);
struct scatterlist *dmastream_req_sg(struct dmastream_req *req);

#endif /* DMASTREAM_VALIDATE_H */
