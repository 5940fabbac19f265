// SPDX-License-Identifier: GPL-2.0
/*
 * dmasim_client: what a client sees of the habits of real providers that
 * dmasim copies (docs/dmasim.md, "Personalities"). These commands judge
 * little themselves: they report, per descriptor, what came back and when,
 * and tests/dmasim/habits.sh says what each habit must look like.
 */

#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/dmaengine.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "dmasim_client.h"

#define DSC_OBSERVE_MAX	32

enum dsc_when {
	DSC_TERM_NEVER,
	DSC_TERM_NOW,		/* right after issue_pending */
	DSC_TERM_DATA,		/* once the first descriptor's data has moved */
	DSC_TERM_MOVING,	/* once some descriptor's data is seen moving */
};

static const char *const dsc_when_names[] = { "never", "now", "data", "moving" };

/*
 * The first descriptor, still in progress, moved all its data (it waits to
 * complete: delay_us); looked at every 1-2 ms, @ms times.
 */
static bool dsc_data_moved(struct dsc_xfer *x, unsigned int ms)
{
	struct dma_tx_state state;
	unsigned int i;

	for (i = 0; i < ms; i++) {
		if (dmaengine_tx_status(x->run->chan, x->cookie, &state) ==
		    DMA_IN_PROGRESS && !state.residue)
			return true;
		usleep_range(1000, 2000);
	}
	return false;
}

/*
 * The first descriptor of @run seen with its data moving (in progress,
 * some residue gone), watched for up to @ms: on a loaded host the first
 * one may well finish between two looks, the next one then moves.
 * Return: its index, or -1.
 */
static int dsc_some_moving(struct dsc_run *run, unsigned int ms)
{
	ktime_t end = ktime_add_ms(ktime_get(), ms);
	struct dma_tx_state state;
	unsigned int i;

	do {
		bool pending = false;

		for (i = 0; i < run->n; i++) {
			enum dma_status st = dmaengine_tx_status(run->chan, run->x[i].cookie,
								 &state);

			if (st == DMA_IN_PROGRESS && state.residue < run->x[i].buf->len)
				return i;
			pending |= st != DMA_COMPLETE;
		}
		/* All over already: nothing will be seen moving. */
		if (!pending)
			return -1;
		cpu_relax();
	} while (ktime_before(ktime_get(), end));
	return -1;
}

static void dsc_out_list(struct dsc_client *c, const char *key,
			 struct dsc_run *run, int (*get)(struct dsc_xfer *x,
							 void *ctx),
			 void *ctx)
{
	unsigned int i;

	dsc_out(c, "%s=", key);
	for (i = 0; i < run->n; i++)
		dsc_out(c, "%s%d", i ? "," : "", get(&run->x[i], ctx));
	dsc_out(c, " ");
}

static int dsc_get_called(struct dsc_xfer *x, void *ctx)
{
	return READ_ONCE(x->called);
}

static int dsc_get_result(struct dsc_xfer *x, void *ctx)
{
	return x->called ? x->result : -1;
}

static int dsc_get_residue(struct dsc_xfer *x, void *ctx)
{
	return x->called ? x->residue : -1;
}

static int dsc_get_order(struct dsc_xfer *x, void *ctx)
{
	return x->called ? x->order : -1;
}

static int dsc_get_status(struct dsc_xfer *x, void *ctx)
{
	return dmaengine_tx_status(x->run->chan, x->cookie, NULL);
}

static int dsc_get_after(struct dsc_xfer *x, void *ctx)
{
	return x->called && ktime_after(x->when, *(ktime_t *)ctx);
}

static int dsc_get_bh(struct dsc_xfer *x, void *ctx)
{
	return x->called ? x->in_bh : -1;
}

static int dsc_get_behind(struct dsc_xfer *x, void *ctx)
{
	return x->called ? x->behind : -1;
}

static u32 dsc_sum_run(struct dsc_run *run)
{
	unsigned int i;
	u32 sum = 0;

	for (i = 0; i < run->n; i++)
		sum = sum * 31 + dsc_buf_sum(run->x[i].buf);
	return sum;
}

static int dsc_observe_submit(struct dsc_client *c, struct dsc_run *run,
			      struct dsc_run *txr, bool rx)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < run->n && !ret; i++)
		ret = rx ? dsc_submit_sg(run, i, DMA_DEV_TO_MEM, DSC_FLAGS) :
			   dsc_submit_memcpy(run, i, DSC_FLAGS);
	if (ret) {
		dsc_fail(c, "descriptor %u refused (%d)", i - 1, ret);
		return ret;
	}
	dma_async_issue_pending(run->chan);
	for (i = 0; txr && i < txr->n && !ret; i++)
		ret = dsc_submit_sg(txr, i, DMA_MEM_TO_DEV, DSC_FLAGS);
	if (ret) {
		dsc_fail(c, "tx descriptor %u refused (%d)", i - 1, ret);
		return ret;
	}
	if (txr)
		dma_async_issue_pending(txr->chan);
	return 0;
}

/**
 * dsc_cmd_observe() - What a client sees of a run, descriptor by descriptor.
 * @c: the client
 * @a: the command's arguments
 *
 * n copies (ch=memcpy) or n RX descriptors of rxlen fed n TX packets of
 * len (ch=rx); optionally terminate (terminate=now, moving: once some
 * descriptor's data is seen moving, reported as moving=index; data: once the
 * first descriptor's data all moved), then wait
 * until want callbacks came or timeout_ms, and a further settle_ms. Per
 * descriptor, in submission order: called, result, residue, the cookie's
 * status at the end (0 complete, 1 in progress, 3 error), callback order,
 * whether the callback came after terminate returned (late) and after
 * synchronize returned (after_sync), ran in softirq context (bh), and saw
 * its own cookie not yet complete (behind). written_after: a destination
 * changed between terminate's return and the end (an engine that had not
 * stopped).
 *
 * Return: 0, or a negative errno for a bad argument or no memory.
 */
int dsc_cmd_observe(struct dsc_client *c, struct dsc_args *a)
{
	const char *ch = dsc_arg_str(a, "ch", "memcpy");
	unsigned int n = dsc_arg(c, a, "n", 8);
	u64 len = dsc_arg(c, a, "len", SZ_4K);
	u64 rxlen = dsc_arg(c, a, "rxlen", len);
	unsigned int want = dsc_arg(c, a, "want", n);
	unsigned int timeout_ms = dsc_arg(c, a, "timeout_ms", 20000);
	unsigned int settle_ms = dsc_arg(c, a, "settle_ms", 0);
	const char *when = dsc_arg_str(a, "terminate", "never");
	struct dsc_run *run = NULL, *txr = NULL;
	int at_term = -1, at_sync = -1, term_ret = 0, written = -1, moving = -1;
	ktime_t t_term = KTIME_MAX, t_sync = KTIME_MAX;
	struct dma_chan *chan;
	bool rx, settled;
	unsigned int i;
	int term, ret;
	u32 sum = 0;

	if (c->bad_arg)
		return c->bad_arg;
	rx = !strcmp(ch, "rx");
	if (!rx && strcmp(ch, "memcpy"))
		return -EINVAL;
	chan = dsc_need(c, rx ? DSC_RX : DSC_MEMCPY);
	term = match_string(dsc_when_names, ARRAY_SIZE(dsc_when_names), when);
	if (!chan || (rx && !dsc_need(c, DSC_TX)) || term < 0 || !n ||
	    n > DSC_OBSERVE_MAX || !len || len > SZ_4M || !rxlen ||
	    rxlen > SZ_4M)
		return c->bad_arg ?: -EINVAL;

	ret = -ENOMEM;
	run = dsc_run_new(chan, n);
	if (!run)
		goto out;
	run->probe = true;
	if (rx) {
		txr = dsc_run_new(c->chan[DSC_TX], n);
		if (!txr)
			goto out;
		run->wake = &txr->wq;
	}
	for (i = 0; i < n; i++) {
		struct device *dev = chan->device->dev;

		run->x[i].buf = dsc_buf_alloc(dev, rx ? rxlen : len, 1, 0);
		if (IS_ERR(run->x[i].buf)) {
			ret = PTR_ERR(run->x[i].buf);
			run->x[i].buf = NULL;
			goto out;
		}
		if (rx) {
			txr->x[i].buf = dsc_buf_alloc(dev, len, 1, 0);
			if (IS_ERR(txr->x[i].buf)) {
				ret = PTR_ERR(txr->x[i].buf);
				txr->x[i].buf = NULL;
				goto out;
			}
			dsc_buf_fill(txr->x[i].buf, i);
			continue;
		}
		run->x[i].src = dsc_buf_alloc(dev, len, 1, 0);
		if (IS_ERR(run->x[i].src)) {
			ret = PTR_ERR(run->x[i].src);
			run->x[i].src = NULL;
			goto out;
		}
		dsc_buf_fill(run->x[i].src, i);
	}
	ret = dsc_observe_submit(c, run, txr, rx);
	if (ret)
		goto out;

	if (term == DSC_TERM_DATA && !dsc_data_moved(&run->x[0], 20000))
		dsc_fail(c, "descriptor 0 never finished its data phase");
	if (term == DSC_TERM_MOVING) {
		/*
		 * On a loaded host every copy may be over before one is seen
		 * in progress: reported as moving=-1, and the caller tries
		 * again (terminate is then exercised on finished copies).
		 */
		moving = dsc_some_moving(run, 20000);
	}
	if (term != DSC_TERM_NEVER) {
		term_ret = dmaengine_terminate_async(chan);
		t_term = ktime_get();
		at_term = atomic_read(&run->finished);
		sum = dsc_sum_run(run);
		dmaengine_synchronize(chan);
		t_sync = ktime_get();
		at_sync = atomic_read(&run->finished);
	}
	settled = dsc_wait(run, want, timeout_ms);
	if (settle_ms)
		msleep(settle_ms);
	if (term != DSC_TERM_NEVER)
		written = dsc_sum_run(run) != sum;

	dsc_out(c, "callbacks=%d timeout=%d terminate_ret=%d at_terminate=%d moving=%d ",
		atomic_read(&run->finished), !settled, term_ret, at_term, moving);
	dsc_out(c, "at_sync=%d synchronize=%d written_after=%d ", at_sync,
		!!chan->device->device_synchronize, written);
	dsc_out_list(c, "called", run, dsc_get_called, NULL);
	dsc_out_list(c, "result", run, dsc_get_result, NULL);
	dsc_out_list(c, "residue", run, dsc_get_residue, NULL);
	dsc_out_list(c, "status", run, dsc_get_status, NULL);
	dsc_out_list(c, "order", run, dsc_get_order, NULL);
	dsc_out_list(c, "late", run, dsc_get_after, &t_term);
	dsc_out_list(c, "after_sync", run, dsc_get_after, &t_sync);
	dsc_out_list(c, "bh", run, dsc_get_bh, NULL);
	dsc_out_list(c, "behind", run, dsc_get_behind, NULL);
	dsc_out(c, "\n");
	ret = 0;
out:
	dsc_run_free(run);
	dsc_run_free(txr);
	return ret;
}

struct dsc_budget {
	struct dma_chan *chan;
	dma_addr_t addr;	/* a page to copy within */
	bool prep_in_cb;	/* the first callback could prep */
	bool tried;
};

static struct dma_async_tx_descriptor *dsc_budget_prep(struct dsc_budget *b,
						       unsigned int sg,
						       struct scatterlist *sgl,
						       unsigned long flags)
{
	unsigned int i;

	if (b->chan->device->device_prep_dma_memcpy &&
	    dma_has_cap(DMA_MEMCPY, b->chan->device->cap_mask))
		return dmaengine_prep_dma_memcpy(b->chan, b->addr, b->addr + 2048,
						 64, flags);
	sg_init_table(sgl, sg);
	for (i = 0; i < sg; i++) {
		sg_dma_address(&sgl[i]) = b->addr + 64 * i;
		sg_dma_len(&sgl[i]) = 64;
	}
	return dmaengine_prep_slave_sg(b->chan, sgl, sg, DMA_MEM_TO_DEV, flags);
}

static bool dsc_budget_done(struct dsc_xfer *x)
{
	struct dsc_budget *b = x->run->priv;
	struct dma_async_tx_descriptor *d;

	if (x->index || b->tried)
		return false;
	b->tried = true;
	/* Submitted so that the slot comes back; nobody waits for it. */
	d = dmaengine_prep_dma_memcpy(b->chan, b->addr, b->addr + 2048, 64,
				      DMA_CTRL_ACK);
	b->prep_in_cb = !!d;
	if (d) {
		dmaengine_submit(d);
		dma_async_issue_pending(b->chan);
	}
	return false;
}

/* Prepare up to @n descriptors without submitting them; how many came. */
static unsigned int dsc_budget_fill(struct dsc_budget *b, unsigned int n,
				    unsigned int sg, struct scatterlist *sgl,
				    bool submit)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct dma_async_tx_descriptor *d;

		d = dsc_budget_prep(b, sg, sgl, DMA_CTRL_ACK);
		if (!d)
			break;
		if (submit)
			dmaengine_submit(d);
	}
	return i;
}

/**
 * dsc_cmd_budget() - The descriptor budget from a client's side.
 * @c: the client
 * @a: the command's arguments
 *
 * Fills the channel three ways and reports how many descriptors fit (on a
 * stream channel each has sg entries, a slot each):
 *  - on memcpy, as many copies as fit, submitted with callbacks: does a
 *    prep from the first callback succeed (its own slot not yet back)?
 *  - submitted and never issued, then terminated: are the slots back?
 *  - prepared and never submitted, then terminated: are they back?
 * Leaves the channel with its unsubmitted slots lost if the provider keeps
 * them: reload the client to get them back.
 *
 * Return: 0, or a negative errno for a bad argument or no memory.
 */
int dsc_cmd_budget(struct dsc_client *c, struct dsc_args *a)
{
	struct dma_chan *chan = dsc_arg_chan(c, a, DSC_MEMCPY);
	unsigned int n = dsc_arg(c, a, "n", 64);
	unsigned int sg = dsc_arg(c, a, "sg", 1);
	struct dsc_budget b = { .chan = chan };
	struct scatterlist *sgl = NULL;
	struct dsc_run *run = NULL;
	struct dsc_buf *buf = NULL;
	unsigned int fit, i, queued, prepared, again;
	bool is_copy;
	int ret = -ENOMEM;

	if (c->bad_arg || !chan || !n || n > 4096 || !sg || sg > 64)
		return c->bad_arg ?: -EINVAL;
	is_copy = chan == c->chan[DSC_MEMCPY];
	if (is_copy && sg != 1)
		return -EINVAL;
	buf = dsc_buf_alloc(chan->device->dev, SZ_4K, 1, 0);
	sgl = kcalloc(sg, sizeof(*sgl), GFP_KERNEL);
	if (IS_ERR(buf) || !sgl)
		goto out;
	b.addr = buf->segs[0].dma;

	if (is_copy) {
		/* How many fit, counted by preparing; terminate gives them back below. */
		fit = dsc_budget_fill(&b, n, sg, sgl, true);
		dmaengine_terminate_sync(chan);
		run = dsc_run_new(chan, fit ?: 1);
		if (!run)
			goto out;
		run->priv = &b;
		run->on_done = dsc_budget_done;
		for (i = 0; i < fit; i++) {
			run->x[i].buf = dsc_buf_alloc(chan->device->dev, SZ_4K, 1, 0);
			run->x[i].src = dsc_buf_alloc(chan->device->dev, SZ_4K, 1, 0);
			if (IS_ERR(run->x[i].buf) || IS_ERR(run->x[i].src)) {
				ret = -ENOMEM;
				goto out;
			}
			ret = dsc_submit_memcpy(run, i, DSC_FLAGS);
			if (ret) {
				dsc_fail(c, "copy %u of %u refused after terminate (%d)",
					 i, fit, ret);
				goto out;
			}
		}
		dma_async_issue_pending(chan);
		if (!dsc_wait(run, fit, 20000))
			dsc_fail(c, "%d of %u callbacks", atomic_read(&run->finished),
				 fit);
		/* The copy the first callback submitted, if it could. */
		dmaengine_terminate_sync(chan);
		dsc_out(c, "fit=%u prep_in_callback=%d ", fit, b.prep_in_cb);
	}

	queued = dsc_budget_fill(&b, n, sg, sgl, true);
	dmaengine_terminate_sync(chan);
	prepared = dsc_budget_fill(&b, n, sg, sgl, false);
	dmaengine_terminate_sync(chan);
	again = dsc_budget_fill(&b, n, sg, sgl, true);
	dmaengine_terminate_sync(chan);
	dsc_out(c, "submitted=%u prepared=%u after_unsubmitted=%u\n", queued,
		prepared, again);
	ret = 0;
out:
	dsc_run_free(run);
	kfree(sgl);
	dsc_buf_free(IS_ERR(buf) ? NULL : buf);
	return ret;
}
