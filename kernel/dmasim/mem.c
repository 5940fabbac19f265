// SPDX-License-Identifier: GPL-2.0
/*
 * dmasim: how the simulated engine reaches memory.
 *
 * A real engine puts DMA addresses on its bus. dmasim turns them back into
 * physical addresses with the device's dma-direct translation (probe refuses
 * devices behind an IOMMU or with other DMA ops, where this would be wrong)
 * and touches the pages through the kernel mapping. Addresses that are not
 * RAM fail the descriptor, as an AXI decode error would on hardware.
 *
 * The movers hand their pieces to dmasim_move(), which also decides
 * whether the channel lock is dropped for the copy.
 *
 * Calls go down (docs/dmasim.md, "Sources"): called by the movers
 * (stream.c, source.c, copy.c; sched.c through mem.h's lock helpers);
 * calls nothing of dmasim's.
 */

#include <linux/dma-direct.h>
#include <linux/highmem.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "mem.h"

static phys_addr_t dmasim_phys(struct dmasim_engine *eng, dma_addr_t addr)
{
	return dma_to_phys(eng->dev, addr);
}

/*
 * pfn_valid() knows memory in sparsemem (sub)sections of 2 MiB at the
 * finest, so a probe every 2 MiB and at the end tells as much as probing
 * every page, at a fraction of the cost per copied byte.
 */
#define DMASIM_PROBE_PAGES	(SZ_2M >> PAGE_SHIFT)

/**
 * dmasim_mem_ok() - Is there RAM the engine can reach at these addresses?
 * @eng: the engine
 * @addr: first DMA address
 * @len: bytes from there
 *
 * Return: false for an address that is not RAM, or that phys_addr_t cannot
 * hold: the descriptor then fails, as on an AXI decode error.
 */
bool dmasim_mem_ok(struct dmasim_engine *eng, dma_addr_t addr, size_t len)
{
	phys_addr_t phys = dmasim_phys(eng, addr);
	unsigned long pfn, last;

	if (!len || phys + len - 1 < phys)
		return false;
	/* Beyond what phys_addr_t holds (32-bit without LPAE): not RAM. */
	if (phys_to_dma(eng->dev, phys) != addr)
		return false;
	last = PHYS_PFN(phys + len - 1);
	for (pfn = PHYS_PFN(phys); pfn < last; pfn += DMASIM_PROBE_PAGES)
		if (!pfn_valid(pfn))
			return false;
	return pfn_valid(last);
}

/*
 * Map the longest prefix of [phys, phys + *len) the kernel can address in
 * one piece: all of it from the linear map, one page under HIGHMEM.
 */
static void *dmasim_map(phys_addr_t phys, size_t *len)
{
	if (IS_ENABLED(CONFIG_HIGHMEM))
		*len = min_t(size_t, *len, PAGE_SIZE - offset_in_page(phys));
	return kmap_local_page(pfn_to_page(PHYS_PFN(phys))) + offset_in_page(phys);
}

static void dmasim_mem_copy(struct dmasim_engine *eng, dma_addr_t dst,
			    dma_addr_t src, size_t len)
{
	phys_addr_t pd = dmasim_phys(eng, dst), ps = dmasim_phys(eng, src);

	while (len) {
		size_t nd = len, ns;
		void *vd = dmasim_map(pd, &nd);
		void *vs;

		ns = nd;
		vs = dmasim_map(ps, &ns);
		memcpy(vd, vs, ns);
		kunmap_local(vs);
		kunmap_local(vd);
		pd += ns;
		ps += ns;
		len -= ns;
	}
}

static void dmasim_mem_write(struct dmasim_engine *eng, dma_addr_t dst,
			     const void *src, size_t len)
{
	phys_addr_t pd = dmasim_phys(eng, dst);

	while (len) {
		size_t n = len;
		void *vd = dmasim_map(pd, &n);

		memcpy(vd, src, n);
		kunmap_local(vd);
		pd += n;
		src += n;
		len -= n;
	}
}

static void dmasim_mem_read(struct dmasim_engine *eng, void *dst,
			    dma_addr_t src, size_t len)
{
	phys_addr_t ps = dmasim_phys(eng, src);

	while (len) {
		size_t n = len;
		void *vs = dmasim_map(ps, &n);

		memcpy(dst, vs, n);
		kunmap_local(vs);
		ps += n;
		dst += n;
		len -= n;
	}
}

static void dmasim_mem_generate(struct dmasim_engine *eng, dma_addr_t dst,
				size_t len,
				void (*gen)(void *buf, size_t n, void *ctx),
				void *ctx)
{
	phys_addr_t pd = dmasim_phys(eng, dst);

	while (len) {
		size_t n = len;
		void *vd = dmasim_map(pd, &n);

		gen(vd, n, ctx);
		kunmap_local(vd);
		pd += n;
		len -= n;
	}
}

/* Do what a mover's piece says. */
static void dmasim_mem_move(struct dmasim_engine *eng,
			    const struct dmasim_move *mv)
{
	if (!mv->len)
		return;
	if (mv->gen)
		dmasim_mem_generate(eng, mv->dst, mv->len, mv->gen, mv->ctx);
	else if (mv->dst_buf)
		dmasim_mem_read(eng, mv->dst_buf, mv->src, mv->len);
	else if (mv->src_buf)
		dmasim_mem_write(eng, mv->dst, mv->src_buf, mv->len);
	else
		dmasim_mem_copy(eng, mv->dst, mv->src, mv->len);
}

/**
 * dmasim_move() - Move a mover's piece.
 * @eng: the engine
 * @lock: the channel lock the mover holds (dmasim_mover_lock())
 * @flags: what it was taken with
 * @mv: the piece
 *
 * Without the lock, so that the engine never holds interrupts off for a
 * whole piece, and with bottom halves on: the callbacks of what completed
 * run meanwhile, so once it has the lock again the mover must allow for a
 * terminate, a submit, an issue_pending or a tx_status from them (its
 * generation check). With the lock (pieces of DMASIM_ATOMIC_CHUNK) when
 * the engine has no device_synchronize: terminate, taking the lock, then finds the engine
 * stopped, as pl330's terminate halts its channel thread, so no byte moves
 * after it returned.
 */
void dmasim_move(struct dmasim_engine *eng, spinlock_t *lock,
		 unsigned long *flags, const struct dmasim_move *mv)
	__must_hold(lock)
{
	if (eng->no_synchronize) {
		dmasim_mem_move(eng, mv);
		return;
	}
	dmasim_mover_unlock(lock, *flags);
	dmasim_mem_move(eng, mv);
	dmasim_mover_lock(lock, flags);
}
