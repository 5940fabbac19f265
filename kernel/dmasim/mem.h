/* SPDX-License-Identifier: GPL-2.0 */
/* dmasim: the engine's view of memory, and moving a mover's piece (mem.c). */
#ifndef DMASIM_MEM_H
#define DMASIM_MEM_H

#include <linux/bottom_half.h>
#include <linux/spinlock.h>

#include "dmasim.h"

/*
 * Largest piece moved outside the lock: bounds how long synchronize waits
 * for a copy, and keeps the per-piece bookkeeping small next to the copy.
 */
#define DMASIM_CHUNK		(1024 * 1024)
/*
 * Largest piece copied with the channel lock held, when terminate must stop
 * the engine at once (no_synchronize): bounds the time with interrupts off.
 */
#define DMASIM_ATOMIC_CHUNK	(64 * 1024)

/*
 * One piece a mover moves: between two engine addresses, or between one
 * and the FIFO's buffer, or generated into one. len 0: nothing moves.
 */
struct dmasim_move {
	dma_addr_t dst, src;
	void *dst_buf;			/* read src into it */
	const void *src_buf;		/* write it to dst */
	void (*gen)(void *buf, size_t n, void *ctx);	/* generate at dst */
	void *ctx;
	size_t len;
};

/* Largest piece a mover moves at once. */
static inline u32 dmasim_chunk(const struct dmasim_engine *eng)
{
	return eng->no_synchronize ? DMASIM_ATOMIC_CHUNK : DMASIM_CHUNK;
}

/*
 * The movers hold a channel's lock with bottom halves off too. What
 * completes meanwhile schedules its channel's tasklet, which then runs as
 * the mover lets go of the lock, as a real engine's callbacks run on the
 * way out of its interrupt. Scheduled with bottom halves on (from process
 * context), the tasklet also woke ksoftirqd, which the mover's pass then
 * beat to it: a wakeup and two context switches per completion on the
 * engine's CPU, for nothing (docs/bench.md, "Proposed fixes", 7).
 */
static inline void dmasim_mover_lock(spinlock_t *lock, unsigned long *flags)
	__acquires(lock)
{
	local_bh_disable();
	spin_lock_irqsave(lock, *flags);
}

static inline void dmasim_mover_unlock(spinlock_t *lock, unsigned long flags)
	__releases(lock)
{
	spin_unlock_irqrestore(lock, flags);
	local_bh_enable();
}

bool dmasim_mem_ok(struct dmasim_engine *eng, dma_addr_t addr, size_t len);
void dmasim_move(struct dmasim_engine *eng, spinlock_t *lock,
		 unsigned long *flags, const struct dmasim_move *mv)
	__must_hold(lock);

#endif /* DMASIM_MEM_H */
