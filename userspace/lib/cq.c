// SPDX-License-Identifier: MIT
/*
 * The completion queue consumer. The driver is the only producer: it writes
 * an entry, then publishes it with a release store of tail. We load tail
 * with acquire semantics (so the entries before it are visible), read the
 * entries, and hand the slots back with a release store of head (so our
 * reads are done before the driver may overwrite them). head and tail are
 * free-running 32-bit counters; unsigned subtraction handles the wrap.
 */
#include <errno.h>

#include "internal.h"

static bool field_ok(uint32_t off, uint32_t len, uint32_t align, size_t size)
{
	return off % align == 0 && (size_t)off + len <= size;
}

int dms__cq_attach(struct dms_cq *cq, void *mem, size_t size,
		   const struct dmastream_cq_offsets *off, uint32_t entries)
{
	uint8_t *base = mem;

	if (!mem || entries == 0 || (entries & (entries - 1)))
		return -EINVAL;
	if (!field_ok(off->head, 4, 4, size) || !field_ok(off->tail, 4, 4, size) ||
	    !field_ok(off->ring_mask, 4, 4, size) || !field_ok(off->ring_entries, 4, 4, size) ||
	    !field_ok(off->flags, 4, 4, size) || !field_ok(off->overflow, 4, 4, size) ||
	    off->cqes % 8 || (size_t)off->cqes + (size_t)entries * sizeof(struct dmastream_cqe) > size)
		return -EINVAL;
	/* The producer wrote its geometry; it must be what we asked for. */
	if (*(uint32_t *)(base + off->ring_entries) != entries ||
	    *(uint32_t *)(base + off->ring_mask) != entries - 1)
		return -EPROTO;

	cq->head = (uint32_t *)(base + off->head);
	cq->tail = (const uint32_t *)(base + off->tail);
	cq->flags = (const uint32_t *)(base + off->flags);
	cq->overflow = (const uint32_t *)(base + off->overflow);
	cq->cqes = (const struct dmastream_cqe *)(base + off->cqes);
	cq->entries = entries;
	cq->mask = entries - 1;
	cq->local_head = __atomic_load_n(cq->head, __ATOMIC_RELAXED);
	return 0;
}

uint32_t dms__cq_ready(const struct dms_cq *cq)
{
	uint32_t tail = __atomic_load_n(cq->tail, __ATOMIC_ACQUIRE);
	uint32_t ready = tail - cq->local_head;

	/* Only a broken producer can claim more than the ring holds. */
	return ready > cq->entries ? cq->entries : ready;
}

uint32_t dms__cq_peek(struct dms_cq *cq, const struct dmastream_cqe **cqes, uint32_t max)
{
	uint32_t n = dms__cq_ready(cq), i;

	if (n > max)
		n = max;
	for (i = 0; i < n; i++)
		cqes[i] = &cq->cqes[(cq->local_head + i) & cq->mask];
	return n;
}

void dms__cq_advance(struct dms_cq *cq, uint32_t n)
{
	uint32_t ready = dms__cq_ready(cq);

	/* Never hand back slots we have not been given: the driver would
	 * count them as unconsumed forever (docs/abi.md, "Never lost"). */
	if (n > ready)
		n = ready;
	if (!n)
		return;
	cq->local_head += n;
	__atomic_store_n(cq->head, cq->local_head, __ATOMIC_RELEASE);
}

/* ------------------------------------------------------------------------
 * Public verbs on a channel's CQ. Without a ring there is nothing to reap.
 */

uint32_t dms_cq_ready(const struct dms_channel *ch)
{
	return ch->has_ring ? dms__cq_ready(&ch->cq) : 0;
}

int dms_cq_peek(struct dms_channel *ch, const struct dmastream_cqe **cqep)
{
	if (!ch->has_ring)
		return -ENXIO;
	return dms__cq_peek(&ch->cq, cqep, 1) ? 0 : -EAGAIN;
}

uint32_t dms_cq_peek_batch(struct dms_channel *ch, const struct dmastream_cqe **cqes,
			   uint32_t max)
{
	return ch->has_ring ? dms__cq_peek(&ch->cq, cqes, max) : 0;
}

void dms_cq_advance(struct dms_channel *ch, uint32_t n)
{
	if (ch->has_ring)
		dms__cq_advance(&ch->cq, n);
}

uint32_t dms_reap(struct dms_channel *ch, struct dmastream_cqe *out, uint32_t max)
{
	uint32_t n, i;

	if (!ch->has_ring)
		return 0;
	n = dms__cq_ready(&ch->cq);
	if (n > max)
		n = max;
	for (i = 0; i < n; i++)
		out[i] = ch->cq.cqes[(ch->cq.local_head + i) & ch->cq.mask];
	dms__cq_advance(&ch->cq, n);
	return n;
}

uint32_t dms_cq_flags(const struct dms_channel *ch)
{
	return ch->has_ring ? __atomic_load_n(ch->cq.flags, __ATOMIC_RELAXED) : 0;
}
