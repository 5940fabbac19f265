// SPDX-License-Identifier: GPL-2.0-only
/*
 * Spare transfers and descriptors. A channel allocates them where SUBMIT
 * runs and frees them where the provider calls back, which is usually
 * another CPU: through the slab allocator every object then went from one
 * CPU's slab to the other's, and the submitting CPU kept taking new slabs
 * (with dmasim's own descriptors, about a quarter of that CPU at 4 KiB;
 * docs/bench.md, "Spare transfers and descriptors, measured"). Kept on
 * the channel instead, a freed object is pushed on a lock-free list from
 * any context, and the allocating side, one at a time under chan->lock,
 * takes the whole list in one exchange when what it took before runs out.
 */

#include "spares.h"

/**
 * dmastream_spare_get() - take a spare object
 * @sp:		the channel's spares of one kind, chan->lock held.
 *
 * Return: the object's node, or NULL if there is none.
 */
struct llist_node *dmastream_spare_get(struct dmastream_spares *sp)
{
	struct llist_node *node;

	if (!sp->taken)
		sp->taken = llist_del_all(&sp->returned);
	node = sp->taken;
	if (!node)
		return NULL;
	sp->taken = node->next;
	atomic_dec(&sp->count);
	return node;
}

/**
 * dmastream_spare_put() - keep a freed object, if there is room
 * @sp:		the channel's spares of one kind; any context, no lock.
 * @node:	the object's node, the object on no list and unused.
 *
 * Return: true if kept; false if the caller must free it.
 */
bool dmastream_spare_put(struct dmastream_spares *sp, struct llist_node *node)
{
	if (atomic_inc_return(&sp->count) > DMASTREAM_SPARES_MAX) {
		atomic_dec(&sp->count);
		return false;
	}
	llist_add(node, &sp->returned);
	return true;
}

/**
 * dmastream_spares_take_all() - empty the spares, to free them
 * @sp:		the channel's spares of one kind, chan->lock held or the
 *		channel being released. An object put meanwhile stays a spare.
 *
 * Return: the first node of a NULL-terminated chain of every spare taken.
 */
struct llist_node *dmastream_spares_take_all(struct dmastream_spares *sp)
{
	struct llist_node *chain = llist_del_all(&sp->returned);
	struct llist_node *first = sp->taken, *node;
	int n = 0;

	sp->taken = NULL;
	if (!first) {
		first = chain;
	} else {
		for (node = first; node->next; node = node->next)
			;
		node->next = chain;
	}
	for (node = first; node; node = node->next)
		n++;
	atomic_sub(n, &sp->count);
	return first;
}
