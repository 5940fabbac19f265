/* SPDX-License-Identifier: GPL-2.0-only */
/* A channel's freed transfers and descriptors, kept for reuse (spares.c). */
#ifndef DMASTREAM_SPARES_H
#define DMASTREAM_SPARES_H

#include <linux/atomic.h>
#include <linux/llist.h>

/* Most objects of one kind a channel keeps; more go back to the allocator. */
#define DMASTREAM_SPARES_MAX	256

/*
 * Zeroed is empty. Objects come back on @returned from any context; the one
 * side that takes them, always under chan->lock, moves the whole list to
 * @taken when its own runs out.
 */
struct dmastream_spares {
	struct llist_head returned;
	struct llist_node *taken;	/* chan->lock */
	atomic_t count;			/* on either list, or about to be */
};

struct llist_node *dmastream_spare_get(struct dmastream_spares *sp);
bool dmastream_spare_put(struct dmastream_spares *sp, struct llist_node *node);
struct llist_node *dmastream_spares_take_all(struct dmastream_spares *sp);

#endif /* DMASTREAM_SPARES_H */
