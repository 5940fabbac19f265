/* SPDX-License-Identifier: GPL-2.0-only */
/* Who may act on a channel (owner.c). */
#ifndef DMASTREAM_OWNER_H
#define DMASTREAM_OWNER_H

#include "dmastream.h"

int dmastream_owner_check(struct dmastream_chan *chan, struct file *file);
int dmastream_owner_precheck(struct dmastream_chan *chan, struct file *file);

#endif /* DMASTREAM_OWNER_H */
