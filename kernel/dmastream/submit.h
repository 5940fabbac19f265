/* SPDX-License-Identifier: GPL-2.0-only */
/* DMASTREAM_IOC_SUBMIT (submit.c). */
#ifndef DMASTREAM_SUBMIT_H
#define DMASTREAM_SUBMIT_H

#include "dmastream.h"

long dmastream_submit_batch(struct dmastream_chan *chan, struct file *file,
			    const struct dmastream_xfer *xfers, const struct dmastream_seg *segs,
			    u32 nxfers, u32 nsegs, struct dmastream_req **reqs, u32 *bad);
long dmastream_submit(struct dmastream_chan *chan, struct file *file,
		      struct dmastream_submit __user *uarg);

#endif /* DMASTREAM_SUBMIT_H */
