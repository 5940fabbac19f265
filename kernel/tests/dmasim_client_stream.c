// SPDX-License-Identifier: GPL-2.0
/*
 * dmasim_client: test cases for the TX and RX stream channels: loopback
 * integrity and packet boundaries, backpressure, TX into the sink,
 * terminate and synchronize, and the packet source.
 */

#include <linux/delay.h>
#include <linux/dmaengine.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "../../uapi/linux/dmasim.h"
#include "dmasim_client.h"

#define DSC_MEM_LIMIT	SZ_128M

static const char *const dsc_result_names[] = {
	"ok", "read_err", "write_err", "aborted"
};

static int dsc_fill_run(struct dsc_client *c, struct dsc_run *run, size_t len,
			unsigned int nsegs, u32 off, bool fill)
{
	struct device *dev = run->chan->device->dev;
	unsigned int i;

	for (i = 0; i < run->n; i++) {
		struct dsc_buf *b = dsc_buf_alloc(dev, len, nsegs, off);

		if (IS_ERR(b)) {
			dsc_out(c, "cannot allocate %zu bytes in %u segments: %pe\n",
				len, nsegs, b);
			return PTR_ERR(b);
		}
		run->x[i].buf = b;
		run->x[i].tag = i;
		if (fill)
			dsc_buf_fill(b, i);
	}
	return 0;
}

static int dsc_submit_all(struct dsc_client *c, struct dsc_run *run,
			  enum dma_transfer_direction dir)
{
	unsigned int i;
	int ret;

	for (i = 0; i < run->n; i++) {
		ret = dsc_submit_sg(run, i, dir, DSC_FLAGS);
		if (ret) {
			dsc_fail(c, "%s: descriptor %u refused (%d)",
				 dma_chan_name(run->chan), i, ret);
			return ret;
		}
	}
	dma_async_issue_pending(run->chan);
	return 0;
}

static void dsc_out_results(struct dsc_client *c, const char *prefix,
			    struct dsc_run *run)
{
	unsigned int count[4], i;

	dsc_count_results(run, count);
	for (i = 0; i < 4; i++)
		dsc_out(c, "%s_%s=%u ", prefix, dsc_result_names[i], count[i]);
}

struct dsc_loop {
	unsigned int n, sg, rxn, rxsg, off, timeout_ms;
	size_t len, rxlen, pkt;
	bool nocheck, untouched, tx_first, expect_timeout;
};

/* Done when every TX finished and RX got what the good TX packets carried. */
static bool dsc_loop_settled(struct dsc_run *txr, struct dsc_run *rxr,
			     const struct dsc_loop *p)
{
	unsigned int i, sent = 0, need, got = 0;

	if (atomic_read(&txr->finished) < txr->n)
		return false;
	if (atomic_read(&rxr->finished) >= rxr->n)
		return true;
	for (i = 0; i < txr->n; i++)
		sent += txr->x[i].result == DMA_TRANS_NOERROR;
	need = sent * DIV_ROUND_UP(p->pkt, p->rxlen);
	for (i = 0; i < rxr->n && READ_ONCE(rxr->x[i].called); i++)
		got += rxr->x[i].result == DMA_TRANS_NOERROR;
	return got >= need;
}

/* Walk RX completions against the packets TX sent, byte for byte. */
static void dsc_loop_verify(struct dsc_client *c, struct dsc_run *txr,
			    struct dsc_run *rxr, const struct dsc_loop *p)
{
	unsigned int i, pkt = 0, nsent = 0, packets = 0, split = 0;
	unsigned int *sent;
	size_t at = 0, bad;
	u64 bytes = 0;

	sent = kcalloc(txr->n, sizeof(*sent), GFP_KERNEL);
	if (!sent) {
		dsc_fail(c, "out of memory");
		return;
	}
	for (i = 0; i < txr->n; i++) {
		struct dsc_xfer *x = &txr->x[i];

		if (!x->called)
			continue;
		if (x->result == DMA_TRANS_NOERROR)
			sent[nsent++] = i;
		if (x->residue != (x->result == DMA_TRANS_NOERROR ? 0 : p->len))
			dsc_fail(c, "tx %u: result %d with residue %u", i,
				 x->result, x->residue);
		if (!dsc_buf_canaries_ok(x->buf))
			dsc_fail(c, "tx %u: bytes around the buffer changed", i);
	}

	for (i = 0; i < rxr->n && rxr->x[i].called && !c->failed; i++) {
		struct dsc_xfer *x = &rxr->x[i];
		size_t got = p->rxlen - x->residue, want;

		if (!dsc_buf_canaries_ok(x->buf))
			dsc_fail(c, "rx %u: bytes around the buffer changed", i);
		if (x->result != DMA_TRANS_NOERROR) {
			if (x->residue != p->rxlen)
				dsc_fail(c, "rx %u failed with residue %u", i, x->residue);
			if (dsc_buf_check_untouched(x->buf, 0) != SIZE_MAX)
				dsc_fail(c, "rx %u failed but was written", i);
			continue;
		}
		if (pkt >= nsent) {
			dsc_fail(c, "rx %u: %zu bytes arrived after the last packet", i, got);
			break;
		}
		want = min(p->pkt - at, p->rxlen);
		if (got != want) {
			dsc_fail(c, "rx %u: %zu bytes (residue %u), expected %zu of packet %u",
				 i, got, x->residue, want, sent[pkt]);
			break;
		}
		if (p->untouched) {
			bad = dsc_buf_check_untouched(x->buf, 0);
			if (bad != SIZE_MAX)
				dsc_fail(c, "rx %u: byte %zu written in no-copy mode", i, bad);
		} else if (!p->nocheck) {
			bad = dsc_buf_check(x->buf, sent[pkt], at, got);
			if (bad != SIZE_MAX)
				dsc_fail(c, "rx %u: byte %zu differs from packet %u byte %zu",
					 i, bad, sent[pkt], at + bad);
			bad = dsc_buf_check_untouched(x->buf, got);
			if (bad != SIZE_MAX)
				dsc_fail(c, "rx %u: byte %zu written after the packet ended",
					 i, bad);
		}
		bytes += got;
		at += got;
		if (at == p->pkt) {
			packets++;
			pkt++;
			at = 0;
		} else {
			split++;
		}
	}
	if (!p->expect_timeout && !c->failed && (pkt != nsent || at))
		dsc_fail(c, "received %u whole packets of %u sent", pkt, nsent);
	dsc_out(c, "packets=%u split=%u rx_bytes=%llu ", packets, split, bytes);
	kfree(sent);
}

static int dsc_loop_args(struct dsc_client *c, struct dsc_args *a,
			 struct dsc_loop *p)
{
	u64 trunc, mem;

	p->n = dsc_arg(c, a, "n", 1);
	p->len = dsc_arg(c, a, "len", 4096);
	p->sg = dsc_arg(c, a, "sg", 1);
	p->rxlen = dsc_arg(c, a, "rxlen", p->len);
	p->rxsg = dsc_arg(c, a, "rxsg", 1);
	trunc = dsc_arg(c, a, "trunc", 0);
	p->pkt = trunc ? min_t(u64, trunc, p->len) : p->len;
	p->rxn = dsc_arg(c, a, "rxn", p->n * DIV_ROUND_UP(p->pkt, p->rxlen ?: 1));
	p->off = dsc_arg(c, a, "off", 0);
	p->timeout_ms = dsc_arg(c, a, "timeout_ms", 20000);
	p->nocheck = dsc_arg(c, a, "nocheck", 0);
	p->untouched = dsc_arg(c, a, "untouched", 0);
	p->tx_first = dsc_arg(c, a, "tx_first", 0);
	p->expect_timeout = dsc_arg(c, a, "expect_timeout", 0);
	if (c->bad_arg)
		return c->bad_arg;
	mem = (u64)p->n * p->len + (u64)p->rxn * p->rxlen;
	if (!p->n || !p->len || !p->rxlen || p->n > 4096 || p->rxn > 4096 ||
	    mem > DSC_MEM_LIMIT) {
		dsc_out(c, "n, rxn: 1..4096; len, rxlen: > 0; at most 128 MiB in all\n");
		return -EINVAL;
	}
	return 0;
}

int dsc_cmd_loop(struct dsc_client *c, struct dsc_args *a)
{
	struct dma_chan *tx = dsc_need(c, DSC_TX), *rx = dsc_need(c, DSC_RX);
	struct dsc_run *txr = NULL, *rxr = NULL;
	struct dsc_loop p;
	bool settled;
	int ret;

	ret = dsc_loop_args(c, a, &p);
	if (ret || !tx || !rx)
		return ret ?: -EINVAL;
	txr = dsc_run_new(tx, p.n);
	rxr = dsc_run_new(rx, p.rxn);
	ret = -ENOMEM;
	if (!txr || !rxr)
		goto out;
	rxr->wake = &txr->wq;
	ret = dsc_fill_run(c, txr, p.len, p.sg, p.off, true) ?:
	      dsc_fill_run(c, rxr, p.rxlen, p.rxsg, p.off, false);
	if (ret)
		goto out;

	if (p.tx_first)
		ret = dsc_submit_all(c, txr, DMA_MEM_TO_DEV) ?:
		      dsc_submit_all(c, rxr, DMA_DEV_TO_MEM);
	else
		ret = dsc_submit_all(c, rxr, DMA_DEV_TO_MEM) ?:
		      dsc_submit_all(c, txr, DMA_MEM_TO_DEV);
	if (ret)
		goto out;
	settled = wait_event_timeout(txr->wq, dsc_loop_settled(txr, rxr, &p),
				     msecs_to_jiffies(p.timeout_ms)) > 0;
	/* Frees what RX still holds; no callback may come after this. */
	dmaengine_terminate_sync(rx);
	dmaengine_terminate_sync(tx);
	if (settled == p.expect_timeout) {
		dsc_fail(c, "%s: tx %d/%u and rx %d/%u callbacks",
			 settled ? "did not time out" : "timed out",
			 atomic_read(&txr->finished), p.n,
			 atomic_read(&rxr->finished), p.rxn);
	}
	dsc_run_in_order(c, txr, "tx");
	dsc_run_in_order(c, rxr, "rx");
	dsc_out_results(c, "tx", txr);
	dsc_out_results(c, "rx", rxr);
	if (!c->failed)
		dsc_loop_verify(c, txr, rxr, &p);
	dsc_out(c, "timeout=%d\n", !settled);
out:
	dsc_run_free(rxr);
	dsc_run_free(txr);
	return ret;
}

/*
 * TX with nothing queued on RX moves exactly a FIFO's worth of
 * descriptors and then stalls; RX then drains everything in order.
 */
int dsc_cmd_backpressure(struct dsc_client *c, struct dsc_args *a)
{
	struct dma_chan *tx = dsc_need(c, DSC_TX), *rx = dsc_need(c, DSC_RX);
	u64 depth = dsc_arg(c, a, "depth", SZ_64K);
	u64 len = dsc_arg(c, a, "len", SZ_4K);
	unsigned int settle_ms = dsc_arg(c, a, "settle_ms", 200);
	struct dsc_run *txr = NULL, *rxr = NULL;
	struct dma_tx_state state;
	enum dma_status status;
	unsigned int fit, n, i;
	int ret;

	if (c->bad_arg || !tx || !rx)
		return c->bad_arg ?: -EINVAL;
	/* Bounded first, so that 32-bit kernels divide 32-bit numbers. */
	if (!len || !depth || depth > SZ_1G || len > depth || (u32)depth % (u32)len ||
	    (u32)depth / (u32)len > 1024) {
		dsc_out(c, "depth must be a multiple of len, at most 1024 of them\n");
		return -EINVAL;
	}
	fit = (u32)depth / (u32)len;
	n = 2 * fit;
	txr = dsc_run_new(tx, n);
	rxr = dsc_run_new(rx, n);
	ret = -ENOMEM;
	if (!txr || !rxr)
		goto out;
	rxr->wake = &txr->wq;
	ret = dsc_fill_run(c, txr, len, 1, 0, true) ?:
	      dsc_fill_run(c, rxr, len, 1, 0, false) ?:
	      dsc_submit_all(c, txr, DMA_MEM_TO_DEV);
	if (ret)
		goto out;
	if (!dsc_wait(txr, fit, 20000)) {
		dsc_fail(c, "tx completed %d descriptors, expected %u to fit the FIFO",
			 atomic_read(&txr->finished), fit);
		goto out;
	}
	/* Give a TX that ignores backpressure time to show it. */
	msleep(settle_ms);
	status = dmaengine_tx_status(tx, txr->x[fit].cookie, &state);
	dsc_out(c, "tx_done=%d stalled_residue=%u ", atomic_read(&txr->finished),
		state.residue);
	if (atomic_read(&txr->finished) != fit || status == DMA_COMPLETE ||
	    state.residue != len)
		dsc_fail(c, "tx went past a full FIFO: %d done, next residue %u",
			 atomic_read(&txr->finished), state.residue);

	ret = dsc_submit_all(c, rxr, DMA_DEV_TO_MEM);
	if (ret)
		goto out;
	if (!wait_event_timeout(txr->wq, atomic_read(&txr->finished) == n &&
				atomic_read(&rxr->finished) == n,
				msecs_to_jiffies(20000)))
		dsc_fail(c, "after RX was queued: tx %d/%u, rx %d/%u",
			 atomic_read(&txr->finished), n,
			 atomic_read(&rxr->finished), n);
	for (i = 0; i < n && !c->failed; i++) {
		struct dsc_xfer *x = &rxr->x[i];

		if (x->result || x->residue ||
		    dsc_buf_check(x->buf, i, 0, len) != SIZE_MAX)
			dsc_fail(c, "rx %u: result %d residue %u or data wrong", i,
				 x->result, x->residue);
	}
	dsc_run_in_order(c, txr, "tx");
	dsc_run_in_order(c, rxr, "rx");
	dsc_out(c, "\n");
out:
	dsc_run_free(rxr);
	dsc_run_free(txr);
	return ret;
}

/* TX alone (the sink in source-sink mode): how long n descriptors take. */
int dsc_cmd_tx(struct dsc_client *c, struct dsc_args *a)
{
	struct dma_chan *tx = dsc_need(c, DSC_TX);
	unsigned int n = dsc_arg(c, a, "n", 1);
	u64 len = dsc_arg(c, a, "len", SZ_4K);
	unsigned int timeout_ms = dsc_arg(c, a, "timeout_ms", 20000);
	struct dsc_run *txr;
	ktime_t t0;
	int ret;

	if (c->bad_arg || !tx)
		return c->bad_arg ?: -EINVAL;
	if (!n || n > 4096 || !len || n * len > DSC_MEM_LIMIT)
		return -EINVAL;
	txr = dsc_run_new(tx, n);
	if (!txr)
		return -ENOMEM;
	ret = dsc_fill_run(c, txr, len, 1, 0, true);
	if (ret)
		goto out;
	t0 = ktime_get();
	ret = dsc_submit_all(c, txr, DMA_MEM_TO_DEV);
	if (ret)
		goto out;
	if (!dsc_wait(txr, n, timeout_ms))
		dsc_fail(c, "tx: %d of %u callbacks", atomic_read(&txr->finished), n);
	dsc_out(c, "elapsed_ms=%lld ", ktime_ms_delta(ktime_get(), t0));
	dsc_run_in_order(c, txr, "tx");
	dsc_out_results(c, "tx", txr);
	dsc_out(c, "\n");
out:
	dsc_run_free(txr);
	return ret;
}

/* Wait until descriptor @x shows @residue: the engine went that far. */
static bool dsc_wait_residue(struct dsc_xfer *x, u32 residue)
{
	struct dma_tx_state state;
	int ms;

	for (ms = 0; ms < 20000; ms++) {
		dmaengine_tx_status(x->run->chan, x->cookie, &state);
		if (state.residue == residue)
			return true;
		usleep_range(1000, 2000);
	}
	return false;
}

/* A one-packet loopback on a clean stream: proves terminate left none behind. */
static void dsc_clean_packet(struct dsc_client *c, unsigned int tag)
{
	struct dsc_run *txr = dsc_run_new(c->chan[DSC_TX], 1);
	struct dsc_run *rxr = dsc_run_new(c->chan[DSC_RX], 1);

	if (!txr || !rxr || dsc_fill_run(c, txr, SZ_4K, 1, 0, false) ||
	    dsc_fill_run(c, rxr, SZ_8K, 1, 0, false)) {
		dsc_fail(c, "cannot set up the clean packet");
		goto out;
	}
	dsc_buf_fill(txr->x[0].buf, tag);
	if (dsc_submit_all(c, rxr, DMA_DEV_TO_MEM) ||
	    dsc_submit_all(c, txr, DMA_MEM_TO_DEV))
		goto out;
	if (!dsc_wait(rxr, 1, 20000) || !dsc_wait(txr, 1, 20000)) {
		dsc_fail(c, "clean packet: no completion");
		goto out;
	}
	if (rxr->x[0].result || rxr->x[0].residue != SZ_8K - SZ_4K ||
	    dsc_buf_check(rxr->x[0].buf, tag, 0, SZ_4K) != SIZE_MAX)
		dsc_fail(c, "clean packet: result %d residue %u or wrong data",
			 rxr->x[0].result, rxr->x[0].residue);
out:
	dsc_run_free(rxr);
	dsc_run_free(txr);
}

/* Nothing happens to @run once terminate_sync returned. */
static void dsc_check_quiet(struct dsc_client *c, struct dsc_run *run,
			    const char *what)
{
	int called = atomic_read(&run->finished);
	unsigned int i;
	u32 *sums;

	sums = kcalloc(run->n, sizeof(*sums), GFP_KERNEL);
	if (!sums) {
		dsc_fail(c, "out of memory");
		return;
	}
	for (i = 0; i < run->n; i++)
		sums[i] = dsc_buf_sum(run->x[i].buf);
	msleep(50);
	if (atomic_read(&run->finished) != called)
		dsc_fail(c, "%s: a callback ran after terminate/synchronize", what);
	for (i = 0; i < run->n; i++)
		if (dsc_buf_sum(run->x[i].buf) != sums[i])
			dsc_fail(c, "%s: buffer %u written after terminate/synchronize",
				 what, i);
	kfree(sums);
}

static int dsc_terminate_memcpy(struct dsc_client *c, struct dma_chan *chan)
{
	unsigned int i, n = 32;
	struct dsc_run *run;
	int ret;

	run = dsc_run_new(chan, n);
	if (!run)
		return -ENOMEM;
	ret = dsc_fill_run(c, run, SZ_1M, 1, 0, false);
	for (i = 0; i < n && !ret; i++) {
		run->x[i].src = dsc_buf_alloc(chan->device->dev, SZ_1M, 1, 0);
		if (IS_ERR(run->x[i].src)) {
			ret = PTR_ERR(run->x[i].src);
			run->x[i].src = NULL;
			break;
		}
		dsc_buf_fill(run->x[i].src, i);
		ret = dsc_submit_memcpy(run, i, DSC_FLAGS);
	}
	if (ret)
		goto out;
	dma_async_issue_pending(chan);
	if (!dsc_wait(run, 1, 20000)) {
		dsc_fail(c, "memcpy: no completion");
		goto out;
	}
	dmaengine_terminate_sync(chan);
	dsc_out(c, "completed=%d of %u ", atomic_read(&run->finished), n);
	dsc_check_quiet(c, run, "memcpy");
	dsc_run_in_order(c, run, "memcpy");
out:
	dsc_run_free(run);
	return ret;
}

/*
 * RX idle, then RX terminated in the middle of a packet while TX is stuck
 * in the middle of sending it. RX drops the rest of that packet, which
 * frees TX: its descriptor completes whole, and the next packet arrives
 * whole and alone.
 */
static int dsc_terminate_rx(struct dsc_client *c, u32 depth)
{
	struct dma_chan *tx = c->chan[DSC_TX], *rx = c->chan[DSC_RX];
	struct dsc_run *txr, *rxr;
	int ret;

	rxr = dsc_run_new(rx, 4);
	if (!rxr)
		return -ENOMEM;
	ret = dsc_fill_run(c, rxr, SZ_64K, 1, 0, false) ?:
	      dsc_submit_all(c, rxr, DMA_DEV_TO_MEM);
	if (!ret) {
		msleep(20);
		dmaengine_terminate_sync(rx);
		dsc_check_quiet(c, rxr, "idle rx");
	}
	dsc_run_free(rxr);
	if (ret)
		return ret;

	txr = dsc_run_new(tx, 1);
	rxr = dsc_run_new(rx, 1);
	ret = -ENOMEM;
	if (!txr || !rxr)
		goto out;
	ret = dsc_fill_run(c, txr, SZ_256K, 1, 0, true) ?:
	      dsc_fill_run(c, rxr, SZ_64K, 1, 0, false) ?:
	      dsc_submit_all(c, rxr, DMA_DEV_TO_MEM) ?:
	      dsc_submit_all(c, txr, DMA_MEM_TO_DEV);
	if (ret)
		goto out;
	if (!dsc_wait(rxr, 1, 20000) ||
	    !dsc_wait_residue(&txr->x[0], SZ_256K - SZ_64K - depth)) {
		dsc_fail(c, "rx mid-packet: rx never filled or tx never stalled");
		goto out;
	}
	dmaengine_terminate_sync(rx);
	dsc_check_quiet(c, rxr, "rx terminated mid-packet");
	if (!dsc_wait(txr, 1, 20000))
		dsc_fail(c, "tx still stalled after rx dropped the packet");
	else if (txr->x[0].result || txr->x[0].residue)
		dsc_fail(c, "tx after rx dropped the packet: result %d residue %u",
			 txr->x[0].result, txr->x[0].residue);
	/* Harmless once TX completed; frees it if it did not. */
	dmaengine_terminate_sync(tx);
	dsc_clean_packet(c, 7);
out:
	dsc_run_free(rxr);
	dsc_run_free(txr);
	return ret;
}

/* TX terminated mid-packet: RX sees the packet end where TX was cut. */
static int dsc_terminate_tx(struct dsc_client *c, u32 depth)
{
	struct dma_chan *tx = c->chan[DSC_TX], *rx = c->chan[DSC_RX];
	struct dsc_run *txr, *rxr;
	size_t bad;
	int ret;

	txr = dsc_run_new(tx, 1);
	rxr = dsc_run_new(rx, 1);
	ret = -ENOMEM;
	if (!txr || !rxr)
		goto out;
	ret = dsc_fill_run(c, txr, SZ_1M, 1, 0, true) ?:
	      dsc_fill_run(c, rxr, SZ_1M, 1, 0, false) ?:
	      dsc_submit_all(c, txr, DMA_MEM_TO_DEV);
	if (ret)
		goto out;
	if (!dsc_wait_residue(&txr->x[0], SZ_1M - depth)) {
		dsc_fail(c, "tx never filled the FIFO");
		goto out;
	}
	dmaengine_terminate_sync(tx);
	dsc_check_quiet(c, txr, "tx");
	if (atomic_read(&txr->finished))
		dsc_fail(c, "terminated tx descriptor got a callback");
	ret = dsc_submit_all(c, rxr, DMA_DEV_TO_MEM);
	if (ret)
		goto out;
	if (!dsc_wait(rxr, 1, 20000)) {
		dsc_fail(c, "the cut packet never arrived");
		goto out;
	}
	bad = dsc_buf_check(rxr->x[0].buf, 0, 0, depth);
	dsc_out(c, "cut_packet=%u ", SZ_1M - rxr->x[0].residue);
	if (rxr->x[0].result || rxr->x[0].residue != SZ_1M - depth || bad != SIZE_MAX)
		dsc_fail(c, "cut packet: result %d residue %u, bad byte %zd",
			 rxr->x[0].result, rxr->x[0].residue, (ssize_t)bad);
	dsc_clean_packet(c, 9);
out:
	dsc_run_free(rxr);
	dsc_run_free(txr);
	return ret;
}

int dsc_cmd_terminate(struct dsc_client *c, struct dsc_args *a)
{
	const char *ch = dsc_arg_str(a, "ch", "memcpy");
	u32 depth = dsc_arg(c, a, "depth", SZ_64K);
	int ret;

	if (c->bad_arg)
		return c->bad_arg;
	if (!strcmp(ch, "memcpy") && dsc_need(c, DSC_MEMCPY))
		ret = dsc_terminate_memcpy(c, c->chan[DSC_MEMCPY]);
	else if (!strcmp(ch, "rx") && dsc_need(c, DSC_RX) && dsc_need(c, DSC_TX))
		ret = dsc_terminate_rx(c, depth);
	else if (!strcmp(ch, "tx") && dsc_need(c, DSC_RX) && dsc_need(c, DSC_TX))
		ret = dsc_terminate_tx(c, depth);
	else
		return -EINVAL;
	dsc_out(c, "\n");
	return ret;
}

/*
 * terminate_async from inside callback number @at, then synchronize from
 * here: exactly the callbacks up to @at ran, and nothing moves afterwards.
 */
int dsc_cmd_sync(struct dsc_client *c, struct dsc_args *a)
{
	struct dma_chan *chan = dsc_arg_chan(c, a, DSC_MEMCPY);
	unsigned int at = dsc_arg(c, a, "at", 3);
	unsigned int n = 32, i;
	struct dsc_run *run, *txr = NULL;
	bool is_copy;
	int ret;

	if (c->bad_arg || !chan || at >= n)
		return c->bad_arg ?: -EINVAL;
	is_copy = chan == c->chan[DSC_MEMCPY];
	if (!is_copy && (chan != c->chan[DSC_RX] || !dsc_need(c, DSC_TX)))
		return -EINVAL;
	run = dsc_run_new(chan, n);
	if (!run)
		return -ENOMEM;
	run->terminate_at = at;
	ret = dsc_fill_run(c, run, SZ_256K, 1, 0, false);
	if (ret)
		goto out;
	if (is_copy) {
		for (i = 0; i < n && !ret; i++) {
			run->x[i].src = dsc_buf_alloc(chan->device->dev, SZ_256K, 1, 0);
			if (IS_ERR(run->x[i].src)) {
				ret = PTR_ERR(run->x[i].src);
				run->x[i].src = NULL;
				break;
			}
			dsc_buf_fill(run->x[i].src, i);
			ret = dsc_submit_memcpy(run, i, DSC_FLAGS);
		}
		if (!ret)
			dma_async_issue_pending(chan);
	} else {
		txr = dsc_run_new(c->chan[DSC_TX], n);
		ret = txr ? dsc_fill_run(c, txr, SZ_256K, 1, 0, true) : -ENOMEM;
		ret = ret ?: dsc_submit_all(c, run, DMA_DEV_TO_MEM) ?:
			     dsc_submit_all(c, txr, DMA_MEM_TO_DEV);
	}
	if (ret)
		goto out;
	if (!dsc_wait(run, at + 1, 20000)) {
		dsc_fail(c, "callback %u never came", at);
		goto out;
	}
	dmaengine_synchronize(chan);
	dsc_out(c, "callbacks=%d\n", atomic_read(&run->finished));
	if (atomic_read(&run->finished) != at + 1)
		dsc_fail(c, "%d callbacks ran; terminate in callback %u allows %u",
			 atomic_read(&run->finished), at, at + 1);
	dsc_check_quiet(c, run, dma_chan_name(chan));
	dsc_run_in_order(c, run, dma_chan_name(chan));
out:
	dsc_run_free(run);
	dsc_run_free(txr);
	return ret;
}

/* Packet source: RX descriptors armed, checked as they complete. */
struct dsc_source {
	struct dsc_run *run;
	u32 len;
	u32 pktlen;		/* expected bytes per packet; 0: the header's */
	bool resubmit;
	bool stop;
	bool nocheck;
	/* Parser state, touched by the callbacks only (one tasklet). */
	bool in_pkt;
	u32 seq, want, off, pattern, prbs, prbs_words;
	u64 packets, descs, bytes, gaps, bad;
	s64 first_seq, last_seq;
	char why[96];
};

static void dsc_source_bad(struct dsc_source *s, const char *why, u64 val)
{
	if (!s->bad++)
		snprintf(s->why, sizeof(s->why), "%s (%llu)", why, val);
}

static u8 dsc_source_byte(struct dsc_source *s, u32 off)
{
	u32 word;

	if (s->pattern == DMASIM_PATTERN_COUNTER)
		return s->seq + off;
	word = (off - DMASIM_PKT_HDR_LEN) / 4;
	while (s->prbs_words <= word) {
		s->prbs = dmasim_prbs_next(s->prbs);
		s->prbs_words++;
	}
	return s->prbs >> (8 * ((off - DMASIM_PKT_HDR_LEN) % 4));
}

static bool dsc_source_header(struct dsc_source *s, const u8 *p, u32 avail)
{
	struct dmasim_pkt_hdr hdr;
	u32 seq;

	if (avail < sizeof(hdr)) {
		dsc_source_bad(s, "packet header split over descriptors", avail);
		return false;
	}
	memcpy(&hdr, p, sizeof(hdr));
	if (le32_to_cpu(hdr.magic) != DMASIM_PKT_MAGIC) {
		dsc_source_bad(s, "bad magic", le32_to_cpu(hdr.magic));
		return false;
	}
	seq = le32_to_cpu(hdr.seq);
	if (s->first_seq < 0)
		s->first_seq = seq;
	else if (seq <= s->last_seq)
		dsc_source_bad(s, "sequence number went back", seq);
	else
		s->gaps += seq - s->last_seq - 1;
	s->last_seq = seq;
	s->seq = seq;
	s->pattern = le32_to_cpu(hdr.pattern);
	s->want = s->pktlen ?: le32_to_cpu(hdr.len);
	s->off = 0;
	s->prbs = dmasim_prbs_seed(seq);
	s->prbs_words = 0;
	s->in_pkt = true;
	return true;
}

static void dsc_source_feed(struct dsc_source *s, struct dsc_xfer *x)
{
	const u8 *p = x->buf->segs[0].cpu + x->buf->segs[0].start;
	u32 got = s->len - x->residue, pos = 0;

	s->descs++;
	s->bytes += got;
	if (x->result != DMA_TRANS_NOERROR) {
		dsc_source_bad(s, "rx descriptor failed", x->result);
		return;
	}
	if (!s->nocheck && dsc_buf_check_untouched(x->buf, got) != SIZE_MAX)
		dsc_source_bad(s, "bytes written after the packet ended", got);
	while (pos < got) {
		u32 n;

		if (!s->in_pkt && !dsc_source_header(s, p + pos, got - pos))
			return;
		n = min(got - pos, s->want - s->off);
		for (; !s->nocheck && n; n--, pos++, s->off++)
			if (s->off >= DMASIM_PKT_HDR_LEN &&
			    p[pos] != dsc_source_byte(s, s->off)) {
				dsc_source_bad(s, "payload byte differs at packet offset",
					       s->off);
				return;
			}
		pos += n;
		s->off += n;
		if (s->off == s->want) {
			s->in_pkt = false;
			s->packets++;
			if (pos != got)
				dsc_source_bad(s, "two packets in one descriptor", pos);
		}
	}
	if (s->in_pkt && got < s->len)
		dsc_source_bad(s, "descriptor ended before its packet", got);
}

static bool dsc_source_done(struct dsc_xfer *x)
{
	struct dsc_source *s = x->run->priv;

	dsc_source_feed(s, x);
	if (!s->resubmit || READ_ONCE(s->stop))
		return false;
	dsc_buf_clear(x->buf);
	if (dsc_submit_sg(x->run, x->index, DMA_DEV_TO_MEM, DSC_FLAGS)) {
		dsc_source_bad(s, "resubmission refused", x->index);
		return false;
	}
	dma_async_issue_pending(x->run->chan);
	return true;
}

int dsc_cmd_rx_arm(struct dsc_client *c, struct dsc_args *a)
{
	struct dma_chan *rx = dsc_need(c, DSC_RX);
	unsigned int n = dsc_arg(c, a, "n", 8);
	struct dsc_source *s;
	int ret;

	if (c->bad_arg || !rx)
		return c->bad_arg ?: -EINVAL;
	if (c->source_state) {
		dsc_out(c, "already armed: rx_collect first\n");
		return -EBUSY;
	}
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->len = dsc_arg(c, a, "len", SZ_4K);
	s->pktlen = dsc_arg(c, a, "pktlen", 0);
	s->resubmit = dsc_arg(c, a, "resubmit", 0);
	s->nocheck = dsc_arg(c, a, "nocheck", 0);
	s->first_seq = -1;
	s->last_seq = -1;
	if (c->bad_arg || !n || n > 1024 || s->len < DMASIM_PKT_HDR_LEN ||
	    s->len > SZ_1M) {
		kfree(s);
		return c->bad_arg ?: -EINVAL;
	}
	s->run = dsc_run_new(rx, n);
	if (!s->run) {
		kfree(s);
		return -ENOMEM;
	}
	s->run->priv = s;
	s->run->on_done = dsc_source_done;
	c->source_state = s;
	ret = dsc_fill_run(c, s->run, s->len, 1, 0, false) ?:
	      dsc_submit_all(c, s->run, DMA_DEV_TO_MEM);
	if (ret)
		dsc_source_release(c);
	return ret;
}

/*
 * The source has finished (source_run reads 0): every packet it produced
 * is in a descriptor that completed. Collect their callbacks, stop, report.
 */
int dsc_cmd_rx_collect(struct dsc_client *c, struct dsc_args *a)
{
	struct dsc_source *s = c->source_state;
	u64 count = dsc_arg(c, a, "count", 0);
	unsigned int i, ms;
	u64 missing;

	if (c->bad_arg)
		return c->bad_arg;
	if (!s) {
		dsc_out(c, "nothing armed: rx_arm first\n");
		return -EINVAL;
	}
	WRITE_ONCE(s->stop, true);
	for (ms = 0; ms < 20000; ms++) {
		bool pending = false;

		for (i = 0; i < s->run->n; i++) {
			struct dsc_xfer *x = &s->run->x[i];

			if (!READ_ONCE(x->called) &&
			    dma_async_is_tx_complete(s->run->chan, READ_ONCE(x->cookie),
						     NULL, NULL) == DMA_COMPLETE)
				pending = true;
		}
		if (!pending)
			break;
		usleep_range(1000, 2000);
	}
	dmaengine_terminate_sync(s->run->chan);
	if (s->in_pkt)
		dsc_source_bad(s, "last packet incomplete at offset", s->off);
	missing = count;
	if (s->first_seq >= 0)
		missing = s->first_seq + s->gaps + (count ? count - 1 - s->last_seq : 0);
	dsc_out(c, "packets=%llu descs=%llu bytes=%llu ", s->packets, s->descs,
		s->bytes);
	dsc_out(c, "first_seq=%lld last_seq=%lld gaps=%llu missing=%llu bad=%llu\n",
		s->first_seq, s->last_seq, s->gaps, missing, s->bad);
	if (s->bad)
		dsc_fail(c, "source stream: %s", s->why);
	dsc_source_release(c);
	return 0;
}

void dsc_source_release(struct dsc_client *c)
{
	struct dsc_source *s = c->source_state;

	if (!s)
		return;
	WRITE_ONCE(s->stop, true);
	dsc_run_free(s->run);
	kfree(s);
	c->source_state = NULL;
}
