/* SPDX-License-Identifier: GPL-2.0-only */
/* Retiring transfers into the completion queue, and notifying (complete.c). */
#ifndef DMASTREAM_COMPLETE_H
#define DMASTREAM_COMPLETE_H

#include <linux/poll.h>

#include "dmastream.h"

/* What to do once irq_lock is dropped after transfers were retired. */
struct dmastream_retired {
	bool any;			/* a record was written or held back */
	bool sticky;			/* the error threshold was reached */
	__poll_t key;			/* what pollers are woken with, 0: nobody */
};

u32 dmastream_room(struct dmastream_chan *chan);
bool dmastream_flush_overflow(struct dmastream_chan *chan);
void dmastream_forget_ring_locked(struct dmastream_chan *chan);
void dmastream_retire_ready_locked(struct dmastream_chan *chan,
				   struct dmastream_retired *after);
void dmastream_retire_stopped_locked(struct dmastream_chan *chan, struct dmastream_req *req,
				     u32 status);
void dmastream_after_retire(struct dmastream_chan *chan,
			    const struct dmastream_retired *after);
bool dmastream_can_submit(struct dmastream_chan *chan);
bool dmastream_cq_ready(struct dmastream_chan *chan);
__poll_t dmastream_events_locked(struct dmastream_chan *chan);
void dmastream_notify(struct dmastream_chan *chan);

#endif /* DMASTREAM_COMPLETE_H */
