// SPDX-License-Identifier: GPL-2.0
/*
 * dmasim: injected failures.
 *
 * The decision is taken once per descriptor, when the engine starts it, so
 * "the Nth descriptor" counts descriptors in the order the channel runs
 * them. A failed descriptor moves no data and completes with the whole
 * length as residue. The fraction uses a fixed-seed generator so a test
 * that writes fail_permille and runs the same sequence gets the same
 * failures every time.
 *
 * Calls go down (docs/dmasim.md, "Sources"): called by debugfs.c and
 * queue.c; calls nothing of dmasim's.
 */

#include "fault.h"

#define DMASIM_FAULT_SEED	0x2545f491

static u32 dmasim_fault_prng(struct dmasim_fault *f)
{
	u32 x = f->prng;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	f->prng = x;
	return x;
}

/**
 * dmasim_fault_arm_permille() - Set the share of descriptors that fail.
 * @f: the channel's faults, channel lock held
 * @permille: failures per thousand descriptors
 *
 * The generator is reseeded, so the same sequence fails the same way.
 */
void dmasim_fault_arm_permille(struct dmasim_fault *f, u32 permille)
{
	f->fail_permille = permille;
	f->prng = DMASIM_FAULT_SEED;
}

static enum dmaengine_tx_result dmasim_fault_result(struct dmasim_chan *sc)
{
	switch (sc->fault.kind) {
	case DMASIM_FAIL_READ:
		return DMA_TRANS_READ_FAILED;
	case DMASIM_FAIL_WRITE:
		return DMA_TRANS_WRITE_FAILED;
	default:
		/* The side that touches memory: RX writes it, the others read. */
		return sc->id == DMASIM_RX ? DMA_TRANS_WRITE_FAILED :
					     DMA_TRANS_READ_FAILED;
	}
}

/**
 * dmasim_fault_fails() - Does the descriptor that starts now fail?
 * @sc: the channel
 * @result: set to the failure to report, if it fails
 *
 * Context: channel lock held; once per descriptor, as it starts.
 * Return: true if it fails.
 */
bool dmasim_fault_fails(struct dmasim_chan *sc, enum dmaengine_tx_result *result)
{
	struct dmasim_fault *f = &sc->fault;
	bool fail = f->stuck;

	if (f->fail_nth && --f->fail_nth == 0)
		fail = true;
	/* Draw even when already failing, so the sequence does not depend on other faults. */
	if (f->fail_permille && dmasim_fault_prng(f) % 1000 < f->fail_permille)
		fail = true;
	if (fail)
		*result = dmasim_fault_result(sc);
	return fail;
}
