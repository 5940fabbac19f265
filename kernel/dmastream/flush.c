// SPDX-License-Identifier: GPL-2.0-only
/*
 * Discarding what an rx stream holds before a new owner receives from it.
 *
 * Data waits outside the DMA engine: in a loopback's FIFO, in the FIFO of
 * the FPGA design in front of an AXI DMA S2MM channel, in a peripheral.
 * When a program dies with packets on their way, the next program to own
 * the rx channel would receive them as its own (a verified loop started
 * after a kill -9 got 8 stale packets of 500), and a program that merely
 * stopped receiving leaves whatever the device produced since. Whether
 * the old owner was receiving at the moment it left says nothing (a loop
 * has no receive queued between two refills), so every new owner starts
 * from a drained stream; rx_flush_ms = 0 keeps it. No dmaengine operation
 * empties a device's stream, so dmastream receives and drops: descriptors
 * into a bounce buffer of its own, until the stream has been quiet for
 * rx_flush_ms, or for at most 10 x rx_flush_ms of a stream that never
 * pauses (a live source: what it sends after that is the new owner's).
 *
 * The descriptors carry no callback at all: completion is polled with
 * tx_status, so no provider can call back into this code after it
 * returned, whether it implements device_synchronize or not.
 */

#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/dmaengine.h>
#include <linux/ktime.h>

#include "flush.h"

#define DMASTREAM_FLUSH_BYTES		SZ_64K
#define DMASTREAM_FLUSH_SPAN		10	/* the longest flush, in rx_flush_ms */

/* Hand one bounce descriptor to the engine. Return: its cookie, or < 0. */
static dma_cookie_t dmastream_flush_issue(struct dmastream_chan *chan, dma_addr_t dma, u32 len)
{
	struct dma_async_tx_descriptor *txd;
	dma_cookie_t cookie;

	txd = dmaengine_prep_slave_single(chan->dma, dma, len, DMA_DEV_TO_MEM,
					  DMA_PREP_INTERRUPT);
	if (!txd)
		return -ENOMEM;
	/* Both set: a recycled descriptor may carry another client's. */
	txd->callback = NULL;
	txd->callback_result = NULL;
	cookie = dmaengine_submit(txd);
	if (dma_submit_error(cookie))
		return cookie;
	dma_async_issue_pending(chan->dma);
	return cookie;
}

/* The bounce length: within the engine's limits, a whole number of len_align. */
static u32 dmastream_flush_len(const struct dmastream_chan *chan)
{
	u32 len = min_t(u32, DMASTREAM_FLUSH_BYTES, chan->caps.max_seg_size);

	return rounddown(len, max_t(u32, chan->caps.len_align, 1));
}

/**
 * dmastream_flush_stream() - receive and drop what an rx stream holds
 * @chan:	an rx channel, chan->lock held, with nothing of ours in the engine.
 *
 * Counts the descriptors that completed in chan->flushed (about one per
 * packet). Does nothing for other channels, or when rx_flush_ms is 0.
 *
 * Return: 0, or -EIO when the last descriptor could not be terminated:
 * the engine may still write the bounce buffer, which is then never freed,
 * and the channel must enter the sticky error state.
 */
int dmastream_flush_stream(struct dmastream_chan *chan)
{
	u32 quiet_ms = READ_ONCE(dmastream_rx_flush_ms), len = dmastream_flush_len(chan);
	u64 now, start, last_data, span_ns, quiet_ns;
	dma_cookie_t cookie = -EINVAL;
	enum dma_status status = DMA_COMPLETE;
	dma_addr_t dma;
	void *bounce;
	int ret = 0;

	lockdep_assert_held(&chan->lock);
	if (chan->kind != DMASTREAM_DIR_RX || !chan->dma || !quiet_ms || !len)
		return 0;
	bounce = dma_alloc_coherent(chan->dma_dev, len, &dma, GFP_KERNEL | __GFP_NOWARN);
	if (!bounce)
		return 0;	/* best effort: nothing was started */

	quiet_ns = (u64)quiet_ms * NSEC_PER_MSEC;
	span_ns = quiet_ns * DMASTREAM_FLUSH_SPAN;
	start = ktime_get_ns();
	last_data = start;
	for (;;) {
		if (cookie < 0) {
			cookie = dmastream_flush_issue(chan, dma, len);
			if (cookie < 0)
				break;
		}
		usleep_range(500, 1000);
		status = dmaengine_tx_status(chan->dma, cookie, NULL);
		now = ktime_get_ns();
		if (status == DMA_COMPLETE) {
			chan->flushed++;
			cookie = -EINVAL;
			last_data = now;
		} else if (status == DMA_ERROR) {
			break;
		}
		if (now - last_data >= quiet_ns || now - start >= span_ns)
			break;
	}
	if (cookie >= 0 || status == DMA_ERROR) {
		/* As stop.c: a cleanup already running in the provider ends first. */
		if (chan->has_synchronize)
			dmaengine_synchronize(chan->dma);
		ret = dmaengine_terminate_async(chan->dma);
		dmaengine_synchronize(chan->dma);
	}
	if (ret) {
		dev_err(&chan->dev, "%s could not be terminated after a stream flush (%d)\n",
			chan->dma_name, ret);
		return -EIO;	/* the bounce stays allocated: DMA may still reach it */
	}
	dma_free_coherent(chan->dma_dev, len, bounce, dma);
	if (chan->flushed)
		dev_dbg(&chan->dev, "stream flush: %llu descriptors so far\n", chan->flushed);
	return 0;
}
