// SPDX-License-Identifier: GPL-2.0
/*
 * dmasim_client: capabilities, limits, the memcpy channel, bus errors, and
 * the throughput ceiling benchmark.
 */

#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/dmaengine.h>
#include <linux/math64.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "dmasim_client.h"

int dsc_cmd_caps(struct dsc_client *c, struct dsc_args *a)
{
	int i;

	for (i = 0; i < DSC_NR_CHANS; i++) {
		struct dma_chan *chan = c->chan[i];
		struct dma_slave_caps caps;
		int ret;

		if (!chan)
			continue;
		ret = dma_get_slave_caps(chan, &caps);
		if (ret) {
			dsc_fail(c, "%s: dma_get_slave_caps: %d", dsc_chan_names[i], ret);
			continue;
		}
		dsc_out(c, "%s_name=%s %s_directions=%#x %s_max_sg_burst=%u %s_residue=%d ",
			dsc_chan_names[i], dma_chan_name(chan), dsc_chan_names[i],
			caps.directions, dsc_chan_names[i], caps.max_sg_burst,
			dsc_chan_names[i], caps.residue_granularity);
		dsc_out(c, "%s_terminate=%d %s_pause=%d %s_max_seg_size=%u ",
			dsc_chan_names[i], caps.cmd_terminate, dsc_chan_names[i],
			caps.cmd_pause, dsc_chan_names[i],
			dma_get_max_seg_size(chan->device->dev));
		dsc_out(c, "%s_copy_align=%d %s_memcpy=%d %s_synchronize=%d\n",
			dsc_chan_names[i], chan->device->copy_align,
			dsc_chan_names[i],
			dma_has_cap(DMA_MEMCPY, chan->device->cap_mask),
			dsc_chan_names[i], !!chan->device->device_synchronize);
	}
	return 0;
}

static void dsc_copy_verify(struct dsc_client *c, struct dsc_xfer *x,
			    size_t want, bool untouched, bool nocheck)
{
	size_t len = x->buf->len, bad;

	if (!dsc_buf_canaries_ok(x->buf) || !dsc_buf_canaries_ok(x->src))
		dsc_fail(c, "memcpy %u: bytes around the buffers changed", x->index);
	if (x->result != DMA_TRANS_NOERROR) {
		if (x->residue != len)
			dsc_fail(c, "memcpy %u failed with residue %u", x->index, x->residue);
		if (dsc_buf_check_untouched(x->buf, 0) != SIZE_MAX)
			dsc_fail(c, "memcpy %u failed but wrote its destination", x->index);
		return;
	}
	if (x->residue != len - want)
		dsc_fail(c, "memcpy %u: residue %u, expected %zu", x->index,
			 x->residue, len - want);
	if (untouched) {
		bad = dsc_buf_check_untouched(x->buf, 0);
		if (bad != SIZE_MAX)
			dsc_fail(c, "memcpy %u: byte %zu written in no-copy mode",
				 x->index, bad);
		return;
	}
	if (nocheck)
		return;
	bad = dsc_buf_check(x->buf, x->index, 0, want);
	if (bad != SIZE_MAX)
		dsc_fail(c, "memcpy %u: byte %zu wrong", x->index, bad);
	bad = dsc_buf_check_untouched(x->buf, want);
	if (bad != SIZE_MAX)
		dsc_fail(c, "memcpy %u: byte %zu written past the copy", x->index, bad);
}

int dsc_cmd_memcpy(struct dsc_client *c, struct dsc_args *a)
{
	struct dma_chan *chan = dsc_need(c, DSC_MEMCPY);
	unsigned int n = dsc_arg(c, a, "n", 1);
	u64 len = dsc_arg(c, a, "len", SZ_4K);
	u32 off = dsc_arg(c, a, "off", 0);
	u64 trunc = dsc_arg(c, a, "trunc", 0);
	bool nointr = dsc_arg(c, a, "nointr", 0);
	bool untouched = dsc_arg(c, a, "untouched", 0);
	bool nocheck = dsc_arg(c, a, "nocheck", 0);
	bool expect_timeout = dsc_arg(c, a, "expect_timeout", 0);
	unsigned int timeout_ms = dsc_arg(c, a, "timeout_ms", 20000);
	unsigned int i, count[4], want_cb;
	struct device *dev;
	struct dsc_run *run;
	bool settled;
	ktime_t t0;
	s64 us;
	int ret = 0;

	if (c->bad_arg || !chan)
		return c->bad_arg ?: -EINVAL;
	if (!n || n > 4096 || !len || 2 * n * len > SZ_128M)
		return -EINVAL;
	dev = chan->device->dev;
	run = dsc_run_new(chan, n);
	if (!run)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		run->x[i].buf = dsc_buf_alloc(dev, len, 1, off);
		run->x[i].src = dsc_buf_alloc(dev, len, 1, off);
		if (IS_ERR(run->x[i].buf) || IS_ERR(run->x[i].src)) {
			ret = IS_ERR(run->x[i].buf) ? PTR_ERR(run->x[i].buf) :
						       PTR_ERR(run->x[i].src);
			goto out;
		}
		dsc_buf_fill(run->x[i].src, i);
	}
	t0 = ktime_get();
	for (i = 0; i < n; i++) {
		unsigned long flags = DMA_CTRL_ACK;

		/* nointr: ask for an interrupt on the last descriptor only. */
		if (!nointr || i == n - 1)
			flags |= DMA_PREP_INTERRUPT;
		ret = dsc_submit_memcpy(run, i, flags);
		if (ret) {
			dsc_fail(c, "memcpy %u refused (%d)", i, ret);
			goto out;
		}
	}
	dma_async_issue_pending(chan);
	want_cb = nointr ? 1 : n;
	settled = dsc_wait(run, want_cb, timeout_ms);
	us = ktime_us_delta(ktime_get(), t0);
	if (settled && nointr) {
		for (i = 0; i < n; i++)
			if (dma_async_is_tx_complete(chan, run->x[i].cookie, NULL,
						     NULL) != DMA_COMPLETE)
				dsc_fail(c, "memcpy %u not complete after the last one", i);
	}
	dmaengine_terminate_sync(chan);
	if (settled == expect_timeout)
		dsc_fail(c, "%s: %d of %u callbacks",
			 settled ? "did not time out" : "timed out",
			 atomic_read(&run->finished), want_cb);
	if (atomic_read(&run->finished) > want_cb)
		dsc_fail(c, "%d callbacks, at most %u were asked for",
			 atomic_read(&run->finished), want_cb);
	dsc_run_in_order(c, run, "memcpy");
	for (i = 0; i < n && settled && !c->failed; i++) {
		struct dsc_xfer *x = &run->x[i];

		/* Without DMA_PREP_INTERRUPT there is no result: it completed. */
		if (!x->called)
			x->residue = trunc ? len - min(trunc, len) : 0;
		dsc_copy_verify(c, x, trunc ? min(trunc, len) : len, untouched,
				nocheck);
	}
	dsc_count_results(run, count);
	dsc_out(c, "callbacks=%d ok=%u read_err=%u write_err=%u elapsed_us=%lld timeout=%d\n",
		atomic_read(&run->finished), count[DMA_TRANS_NOERROR],
		count[DMA_TRANS_READ_FAILED], count[DMA_TRANS_WRITE_FAILED], us,
		!settled);
out:
	dsc_run_free(run);
	return ret;
}

struct dsc_limits {
	struct dsc_client *c;
	struct scatterlist *sgl;
	dma_addr_t addr;
	unsigned int checks;
};

/* Prep @total bytes in pieces of @seg at @addr; must succeed iff @ok. */
static void dsc_try_sg(struct dsc_limits *l, struct dma_chan *chan,
		       unsigned int nents, u64 seg, u64 total, dma_addr_t addr,
		       enum dma_transfer_direction dir, bool ok, const char *what)
{
	struct dma_async_tx_descriptor *d;
	unsigned int i;

	sg_init_table(l->sgl, nents);
	for (i = 0; i < nents; i++) {
		u64 piece = i == nents - 1 ? total - seg * (nents - 1) : seg;

		sg_dma_address(&l->sgl[i]) = addr;
		sg_dma_len(&l->sgl[i]) = piece;
	}
	d = dmaengine_prep_slave_sg(chan, l->sgl, nents, dir, DMA_CTRL_ACK);
	l->checks++;
	if (!!d != ok)
		dsc_fail(l->c, "%s: %s: prep %s", dma_chan_name(chan), what,
			 d ? "accepted it" : "refused it");
}

static void dsc_try_copy(struct dsc_limits *l, struct dma_chan *chan,
			 dma_addr_t dst, dma_addr_t src, u64 len, bool ok,
			 const char *what)
{
	struct dma_async_tx_descriptor *d;

	d = dmaengine_prep_dma_memcpy(chan, dst, src, len, DMA_CTRL_ACK);
	l->checks++;
	if (!!d != ok)
		dsc_fail(l->c, "%s: %s: prep %s", dma_chan_name(chan), what,
			 d ? "accepted it" : "refused it");
}

/*
 * Preps at and past each limit; nothing is submitted (terminate frees the
 * prepared descriptors), so no memory behind the lengths is needed.
 */
int dsc_cmd_limits(struct dsc_client *c, struct dsc_args *a)
{
	struct dma_chan *tx = dsc_need(c, DSC_TX), *rx = dsc_need(c, DSC_RX);
	struct dma_chan *mc = c->chan[DSC_MEMCPY];
	u64 max_xfer = dsc_arg(c, a, "max_xfer", 0);
	struct dsc_limits l = { .c = c };
	struct dma_slave_caps caps;
	u32 max_seg, segs, align;
	struct dsc_buf *buf;
	dma_addr_t base;

	if (c->bad_arg || !tx || !rx)
		return c->bad_arg ?: -EINVAL;
	if (dma_get_slave_caps(tx, &caps))
		return -EIO;
	max_seg = dma_get_max_seg_size(tx->device->dev);
	segs = caps.max_sg_burst;
	align = tx->device->copy_align;
	buf = dsc_buf_alloc(tx->device->dev, SZ_4K, 1, 0);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	base = buf->segs[0].dma;	/* page aligned */
	l.sgl = kcalloc(segs + 1, sizeof(*l.sgl), GFP_KERNEL);
	if (!l.sgl) {
		dsc_buf_free(buf);
		return -ENOMEM;
	}

	dsc_try_sg(&l, tx, 1, 64, 64, base, DMA_MEM_TO_DEV, true, "plain");
	dsc_try_sg(&l, tx, 1, 64, 64, base, DMA_DEV_TO_MEM, false, "wrong direction");
	dsc_try_sg(&l, rx, 1, 64, 64, base, DMA_MEM_TO_DEV, false, "wrong direction");
	if (mc)
		dsc_try_sg(&l, mc, 1, 64, 64, base, DMA_MEM_TO_DEV, false,
			   "slave sg on memcpy");
	dsc_try_sg(&l, tx, 1, 0, 0, base, DMA_MEM_TO_DEV, false, "empty segment");
	dsc_try_sg(&l, tx, segs, 1, segs, base, DMA_MEM_TO_DEV, true, "max segments");
	dsc_try_sg(&l, rx, segs + 1, 1, segs + 1, base, DMA_DEV_TO_MEM, false,
		   "max segments + 1");
	dsc_try_sg(&l, rx, 1, max_seg, max_seg, base, DMA_DEV_TO_MEM, true,
		   "max segment size");
	if (max_seg < U32_MAX)
		dsc_try_sg(&l, tx, 1, max_seg + 1ULL, max_seg + 1ULL, base,
			   DMA_MEM_TO_DEV, false, "max segment size + 1");
	if (max_xfer && max_xfer < (u64)segs * max_seg) {
		unsigned int n = DIV_ROUND_UP_ULL(max_xfer + 1, max_seg);

		dsc_try_sg(&l, tx, n, max_seg, max_xfer + 1, base,
			   DMA_MEM_TO_DEV, false, "max transfer + 1");
		n = DIV_ROUND_UP_ULL(max_xfer, max_seg);
		dsc_try_sg(&l, tx, n, max_seg, max_xfer, base, DMA_MEM_TO_DEV,
			   true, "max transfer");
	}
	dsc_try_copy(&l, tx, base, base + 2048, 64, false, "memcpy on tx");
	if (align) {
		u64 step = 1ULL << align;

		dsc_try_sg(&l, tx, 1, 64, 64, base + step / 2, DMA_MEM_TO_DEV,
			   false, "misaligned address");
		dsc_try_sg(&l, rx, 1, step, step, base + step, DMA_DEV_TO_MEM,
			   true, "aligned address");
	}
	if (mc) {
		u32 step = 1U << align;

		dsc_try_copy(&l, mc, base, base + 2048, 1024, true, "plain");
		dsc_try_copy(&l, mc, base, base + 2048, 0, false, "empty copy");
		dsc_try_copy(&l, mc, base, base, max_seg, true, "max segment size");
		if (max_seg < U32_MAX)
			dsc_try_copy(&l, mc, base, base, max_seg + 1ULL, false,
				     "max segment size + 1");
		if (align) {
			dsc_try_copy(&l, mc, base + step / 2, base, step, false,
				     "misaligned destination");
			dsc_try_copy(&l, mc, base, base + step, step / 2, false,
				     "misaligned length");
			dsc_try_copy(&l, mc, base, base + step, step, true,
				     "aligned copy");
		}
	}
	/* Prepared but never submitted: terminate gives them back. */
	dmaengine_terminate_sync(tx);
	dmaengine_terminate_sync(rx);
	if (mc)
		dmaengine_terminate_sync(mc);
	dsc_out(c, "checks=%u max_seg_size=%u max_segments=%u copy_align=%u\n",
		l.checks, max_seg, segs, align);
	kfree(l.sgl);
	dsc_buf_free(buf);
	return 0;
}

/* Addresses where there is no memory fail like an AXI decode error. */
int dsc_cmd_bus(struct dsc_client *c, struct dsc_args *a)
{
	struct dma_chan *tx = dsc_need(c, DSC_TX), *rx = dsc_need(c, DSC_RX);
	struct dma_chan *mc = dsc_need(c, DSC_MEMCPY);
	dma_addr_t bogus = dsc_arg(c, a, "addr", 1ULL << 40);
	struct dsc_run *mr = NULL, *txr = NULL, *rxr = NULL;
	dma_addr_t good;
	int ret = -ENOMEM;

	if (c->bad_arg || !tx || !rx || !mc)
		return c->bad_arg ?: -EINVAL;
	mr = dsc_run_new(mc, 2);
	txr = dsc_run_new(tx, 2);
	rxr = dsc_run_new(rx, 2);
	if (!mr || !txr || !rxr)
		goto out;
	rxr->wake = &txr->wq;
	mr->x[0].buf = dsc_buf_alloc(mc->device->dev, SZ_4K, 1, 0);
	txr->x[0].buf = dsc_buf_alloc(tx->device->dev, SZ_4K, 1, 0);
	txr->x[1].buf = dsc_buf_alloc(tx->device->dev, SZ_4K, 1, 0);
	rxr->x[0].buf = dsc_buf_alloc(rx->device->dev, SZ_4K, 1, 0);
	rxr->x[1].buf = dsc_buf_alloc(rx->device->dev, SZ_4K, 1, 0);
	if (IS_ERR(mr->x[0].buf) || IS_ERR(txr->x[0].buf) ||
	    IS_ERR(txr->x[1].buf) || IS_ERR(rxr->x[0].buf) ||
	    IS_ERR(rxr->x[1].buf))
		goto out;
	good = sg_dma_address(mr->x[0].buf->sgl);

	/* memcpy: from nowhere, then to nowhere. */
	ret = dsc_submit_desc(&mr->x[0], dmaengine_prep_dma_memcpy(mc, good, bogus, SZ_4K,
								   DSC_FLAGS)) ?:
	      dsc_submit_desc(&mr->x[1], dmaengine_prep_dma_memcpy(mc, bogus, good, SZ_4K,
								   DSC_FLAGS));
	if (ret)
		goto out;
	dma_async_issue_pending(mc);
	/* tx from nowhere (nothing queued on rx: it fails entering the FIFO). */
	sg_dma_address(txr->x[0].buf->sgl) = bogus;
	ret = dsc_submit_sg(txr, 0, DMA_MEM_TO_DEV, DSC_FLAGS);
	if (ret)
		goto out;
	dma_async_issue_pending(tx);
	if (!dsc_wait(mr, 2, 20000) || !dsc_wait(txr, 1, 20000)) {
		dsc_fail(c, "bus errors: no completion");
		goto out;
	}
	/* rx to nowhere: the packet goes on to the next rx descriptor. */
	sg_dma_address(rxr->x[0].buf->sgl) = bogus;
	dsc_buf_fill(txr->x[1].buf, 1);
	ret = dsc_submit_sg(rxr, 0, DMA_DEV_TO_MEM, DSC_FLAGS) ?:
	      dsc_submit_sg(rxr, 1, DMA_DEV_TO_MEM, DSC_FLAGS) ?:
	      dsc_submit_sg(txr, 1, DMA_MEM_TO_DEV, DSC_FLAGS);
	if (ret)
		goto out;
	dma_async_issue_pending(rx);
	dma_async_issue_pending(tx);
	if (!dsc_wait(rxr, 2, 20000) || !dsc_wait(txr, 2, 20000)) {
		dsc_fail(c, "bus errors: rx never completed");
		goto out;
	}
	if (mr->x[0].result != DMA_TRANS_READ_FAILED ||
	    mr->x[1].result != DMA_TRANS_WRITE_FAILED ||
	    mr->x[0].residue != SZ_4K || mr->x[1].residue != SZ_4K)
		dsc_fail(c, "memcpy: results %d/%d residues %u/%u", mr->x[0].result,
			 mr->x[1].result, mr->x[0].residue, mr->x[1].residue);
	if (txr->x[0].result != DMA_TRANS_READ_FAILED || txr->x[1].result)
		dsc_fail(c, "tx: results %d/%d", txr->x[0].result, txr->x[1].result);
	if (rxr->x[0].result != DMA_TRANS_WRITE_FAILED || rxr->x[1].result ||
	    rxr->x[1].residue || dsc_buf_check(rxr->x[1].buf, 1, 0, SZ_4K) != SIZE_MAX)
		dsc_fail(c, "rx: results %d/%d, second residue %u or data wrong",
			 rxr->x[0].result, rxr->x[1].result, rxr->x[1].residue);
	dsc_out(c, "memcpy=%d/%d tx=%d rx=%d/%d\n", mr->x[0].result,
		mr->x[1].result, txr->x[0].result, rxr->x[0].result,
		rxr->x[1].result);
out:
	dsc_run_free(mr);
	dsc_run_free(txr);
	dsc_run_free(rxr);
	return ret;
}

/* Benchmark rings: each completion puts its descriptor straight back. */
struct dsc_bench {
	atomic64_t bytes;
	bool stop;
	bool count;
	enum dma_transfer_direction dir;
	bool copy;
};

static bool dsc_bench_done(struct dsc_xfer *x)
{
	struct dsc_bench *b = x->run->priv;
	int ret;

	if (b->count && x->result == DMA_TRANS_NOERROR)
		atomic64_add(x->buf->len - x->residue, &b->bytes);
	if (READ_ONCE(b->stop))
		return false;
	if (b->copy)
		ret = dsc_submit_memcpy(x->run, x->index, DSC_FLAGS);
	else
		ret = dsc_submit_sg(x->run, x->index, b->dir, DSC_FLAGS);
	if (ret)
		return false;
	dma_async_issue_pending(x->run->chan);
	return true;
}

/* Bytes a ring of @run moves in @ms, and how long that took exactly. */
static void dsc_bench_ring(struct dsc_run *run, struct dsc_bench *b,
			   struct dsc_run *counted, unsigned int ms, u64 *bytes,
			   u64 *ns)
{
	struct dsc_bench *cb = counted->priv;
	unsigned int i;
	u64 bytes0;
	ktime_t t0;

	WRITE_ONCE(b->stop, false);
	WRITE_ONCE(cb->stop, false);
	for (i = 0; i < run->n; i++) {
		if (b->copy ? dsc_submit_memcpy(run, i, DSC_FLAGS) :
			      dsc_submit_sg(run, i, b->dir, DSC_FLAGS))
			return;
	}
	dma_async_issue_pending(run->chan);
	/* Let the ring fill before the clock starts. */
	msleep(50);
	bytes0 = atomic64_read(&cb->bytes);
	t0 = ktime_get();
	msleep(ms);
	*ns += ktime_to_ns(ktime_sub(ktime_get(), t0));
	*bytes += atomic64_read(&cb->bytes) - bytes0;
	WRITE_ONCE(b->stop, true);
	WRITE_ONCE(cb->stop, true);
	dmaengine_terminate_sync(run->chan);
}

static void dsc_bench_cpu(struct dsc_run *run, unsigned int ms, u64 *bytes,
			  u64 *ns)
{
	ktime_t t0 = ktime_get();
	unsigned int i = 0;
	s64 spent;

	do {
		struct dsc_xfer *x = &run->x[i++ % run->n];

		memcpy(x->buf->segs[0].cpu, x->src->segs[0].cpu, x->buf->len);
		*bytes += x->buf->len;
		spent = ktime_to_ns(ktime_sub(ktime_get(), t0));
		cond_resched();
	} while (spent < (s64)ms * NSEC_PER_MSEC);
	*ns += spent;
}

static u64 dsc_rate_mbps(u64 bytes, u64 ns)
{
	return ns ? div64_u64(bytes * 1000, ns) : 0;
}

static void dsc_out_permille(struct dsc_client *c, const char *name,
			     u64 permille)
{
	u32 frac;
	u64 whole = div_u64_rem(permille, 1000, &frac);

	dsc_out(c, "%s=%llu.%03u ", name, whole, frac);
}

static int dsc_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* The median of @n per-round ratios (sorts them). */
static u64 dsc_median(u64 *v, unsigned int n)
{
	sort(v, n, sizeof(*v), dsc_cmp_u64, NULL);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] >> 1) + (v[n / 2] >> 1) +
				  (v[n / 2 - 1] & v[n / 2] & 1);
}

/*
 * The engine's own ceiling, driven in-kernel: the memcpy channel and the
 * TX->RX loopback with big descriptors, next to the CPU's memcpy(). All
 * three move between the same buffer pairs, in turns, @rounds times:
 * under TCG the speed of guest memory varies with where it sits on the
 * host and with the host's load, so only side-by-side ratios mean
 * something; the ratios reported are the medians of the rounds'.
 * MB/s = 10^6 B/s, over all rounds.
 */
int dsc_cmd_bench(struct dsc_client *c, struct dsc_args *a)
{
	struct dma_chan *tx = dsc_need(c, DSC_TX), *rx = dsc_need(c, DSC_RX);
	struct dma_chan *mc = dsc_need(c, DSC_MEMCPY);
	unsigned int ms = dsc_arg(c, a, "ms", 200);
	unsigned int rounds = dsc_arg(c, a, "rounds", 10);
	unsigned int depth = dsc_arg(c, a, "depth", 4);
	u64 len = dsc_arg(c, a, "len", SZ_4M);
	struct dsc_bench cb = { .copy = true, .count = true };
	struct dsc_bench tb = { .dir = DMA_MEM_TO_DEV };
	struct dsc_bench rb = { .dir = DMA_DEV_TO_MEM, .count = true };
	u64 cpu[2] = {}, copy[2] = {}, loop[2] = {};
	u64 copy_ratio[20], loop_ratio[20];
	struct dsc_run *mr, *txr, *rxr;
	unsigned int i, r;
	int ret = 0;

	if (c->bad_arg || !tx || !rx || !mc)
		return c->bad_arg ?: -EINVAL;
	if (!depth || depth > 64 || !len || len > SZ_4M || !ms || ms > 10000 ||
	    !rounds || rounds > 20)
		return -EINVAL;
	mr = dsc_run_new(mc, depth);
	txr = dsc_run_new(tx, depth);
	rxr = dsc_run_new(rx, depth);
	if (!mr || !txr || !rxr) {
		ret = -ENOMEM;
		goto out;
	}
	mr->priv = &cb;
	txr->priv = &tb;
	rxr->priv = &rb;
	mr->on_done = dsc_bench_done;
	txr->on_done = dsc_bench_done;
	rxr->on_done = dsc_bench_done;
	for (i = 0; i < depth; i++) {
		struct dsc_xfer *x = &mr->x[i];

		x->src = dsc_buf_alloc(mc->device->dev, len, 1, 0);
		x->buf = dsc_buf_alloc(mc->device->dev, len, 1, 0);
		if (IS_ERR(x->src) || IS_ERR(x->buf)) {
			ret = -ENOMEM;
			goto out;
		}
		/* The loopback reads the copy's source and writes its destination. */
		txr->x[i].buf = x->src;
		rxr->x[i].buf = x->buf;
	}
	for (r = 0; r < rounds; r++) {
		u64 round_cpu[2] = {}, round_copy[2] = {}, round_loop[2] = {};

		dsc_bench_cpu(mr, ms, &round_cpu[0], &round_cpu[1]);
		dsc_bench_ring(mr, &cb, mr, ms, &round_copy[0], &round_copy[1]);
		WRITE_ONCE(rb.stop, false);
		for (i = 0; i < depth && !ret; i++)
			ret = dsc_submit_sg(rxr, i, DMA_DEV_TO_MEM, DSC_FLAGS);
		if (ret)
			break;
		dma_async_issue_pending(rx);
		dsc_bench_ring(txr, &tb, rxr, ms, &round_loop[0], &round_loop[1]);
		dmaengine_terminate_sync(rx);
		/* Per round: the host's load changes from one second to the next. */
		copy_ratio[r] = div64_u64(dsc_rate_mbps(round_copy[0], round_copy[1]) * 1000,
					  dsc_rate_mbps(round_cpu[0], round_cpu[1]) ?: 1);
		loop_ratio[r] = div64_u64(dsc_rate_mbps(round_loop[0], round_loop[1]) * 1000,
					  dsc_rate_mbps(round_cpu[0], round_cpu[1]) ?: 1);
		for (i = 0; i < 2; i++) {
			cpu[i] += round_cpu[i];
			copy[i] += round_copy[i];
			loop[i] += round_loop[i];
		}
	}
	if (ret)
		goto out;
	dsc_out(c, "cpu_memcpy_MBps=%llu dma_memcpy_MBps=%llu loopback_MBps=%llu ",
		dsc_rate_mbps(cpu[0], cpu[1]), dsc_rate_mbps(copy[0], copy[1]),
		dsc_rate_mbps(loop[0], loop[1]));
	dsc_out(c, "dma_memcpy_bytes=%llu dma_memcpy_ns=%llu ", copy[0], copy[1]);
	dsc_out_permille(c, "memcpy_ratio", dsc_median(copy_ratio, rounds));
	dsc_out_permille(c, "loopback_ratio", dsc_median(loop_ratio, rounds));
	dsc_out(c, "len=%llu depth=%u ms=%u rounds=%u\n", len, depth, ms, rounds);
out:
	/* The buffers belong to mr; the other runs only borrowed them. */
	for (i = 0; txr && rxr && i < depth; i++) {
		txr->x[i].buf = NULL;
		rxr->x[i].buf = NULL;
	}
	dsc_run_free(rxr);
	dsc_run_free(txr);
	dsc_run_free(mr);
	return ret;
}
