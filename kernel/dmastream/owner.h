/* SPDX-License-Identifier: GPL-2.0-only */
/* Who may act on a channel (owner.c). */
#ifndef DMASTREAM_OWNER_H
#define DMASTREAM_OWNER_H

#include "dmastream.h"

int dmastream_owner_check(struct dmastream_chan *chan, struct file *file);
int dmastream_owner_precheck(struct dmastream_chan *chan, struct file *file);
struct dmastream_kring *dmastream_drop_ring(struct dmastream_chan *chan, bool if_unmapped);
int dmastream_ring_limits(struct dmastream_chan *chan, const char *what, u32 count, u32 size);
int dmastream_ring_replaceable(struct dmastream_chan *chan, struct file *file);
int dmastream_own_ring(struct dmastream_chan *chan, struct file *file, const char *what,
		       u32 count, u32 size, u32 cq_entries, u32 flags);
void dmastream_disown(struct dmastream_chan *chan, struct file *file);

#endif /* DMASTREAM_OWNER_H */
