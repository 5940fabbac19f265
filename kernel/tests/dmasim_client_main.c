// SPDX-License-Identifier: GPL-2.0
/*
 * dmasim_client: the platform device and driver, the debugfs command
 * interface, and what the test cases share (buffers, patterns, descriptor
 * bookkeeping). See dmasim_client.h.
 */

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "../dmasim/compat.h"
#include "dmasim_client.h"

static int engine;
module_param(engine, int, 0444);
MODULE_PARM_DESC(engine, "dmasim engine N whose channels to take (device dmasim-client.N)");

static char *chans = "tx,rx,memcpy";
module_param(chans, charp, 0444);
MODULE_PARM_DESC(chans, "Channels to request at load, a subset of tx,rx,memcpy");

const char *const dsc_chan_names[DSC_NR_CHANS] = { "tx", "rx", "memcpy" };

/* Without CMA, the largest physically contiguous buffer x86 hands out. */
#define DSC_MAX_ALLOC	SZ_4M

void dsc_out(struct dsc_client *c, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	c->out_len += vscnprintf(c->out + c->out_len, DSC_OUT_SIZE - c->out_len,
				 fmt, args);
	va_end(args);
}

void dsc_fail(struct dsc_client *c, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	dsc_out(c, "FAIL: %pV\n", &vaf);
	dev_err(c->dev, "FAIL: %pV\n", &vaf);
	va_end(args);
	c->failed = true;
}

static int dsc_find_arg(struct dsc_args *a, const char *key)
{
	unsigned int i;

	for (i = 0; i < a->n; i++) {
		if (!strcmp(a->key[i], key)) {
			a->used |= BIT(i);
			return i;
		}
	}
	return -1;
}

u64 dsc_arg(struct dsc_client *c, struct dsc_args *a, const char *key, u64 def)
{
	int i = dsc_find_arg(a, key);
	u64 val;

	if (i < 0)
		return def;
	if (kstrtou64(a->val[i], 0, &val)) {
		dsc_out(c, "bad value for %s: %s\n", key, a->val[i]);
		c->bad_arg = -EINVAL;
		return def;
	}
	return val;
}

const char *dsc_arg_str(struct dsc_args *a, const char *key, const char *def)
{
	int i = dsc_find_arg(a, key);

	return i < 0 ? def : a->val[i];
}

struct dma_chan *dsc_need(struct dsc_client *c, int id)
{
	if (!c->chan[id]) {
		dsc_out(c, "channel %s was not requested (module parameter chans)\n",
			dsc_chan_names[id]);
		c->bad_arg = -EINVAL;
	}
	return c->chan[id];
}

struct dma_chan *dsc_arg_chan(struct dsc_client *c, struct dsc_args *a,
			      int def)
{
	const char *name = dsc_arg_str(a, "ch", dsc_chan_names[def]);
	int id = match_string(dsc_chan_names, DSC_NR_CHANS, name);

	if (id < 0) {
		dsc_out(c, "no channel %s\n", name);
		c->bad_arg = -EINVAL;
		return NULL;
	}
	return dsc_need(c, id);
}

u8 dsc_pattern(unsigned int tag, size_t pos)
{
	/* Differs between neighbours, 256-byte blocks, 64 KiB blocks and tags. */
	return pos + (pos >> 8) * 3 + (pos >> 16) * 7 + tag * 37 + 1;
}

struct dsc_buf *dsc_buf_alloc(struct device *dev, size_t len,
			      unsigned int nsegs, u32 offset)
{
	struct dsc_buf *b;
	unsigned int i;

	if (!nsegs || nsegs > len)
		return ERR_PTR(-EINVAL);
	b = kzalloc(struct_size(b, segs, nsegs), GFP_KERNEL);
	if (!b)
		return ERR_PTR(-ENOMEM);
	b->dev = dev;
	b->len = len;
	b->sgl = kcalloc(nsegs, sizeof(*b->sgl), GFP_KERNEL);
	if (!b->sgl)
		goto nomem;
	sg_init_table(b->sgl, nsegs);
	for (i = 0; i < nsegs; i++) {
		struct dsc_seg *s = &b->segs[i];
		size_t canary = DSC_CANARY;

		s->len = len / nsegs + (i < len % nsegs);
		/* Big segments give up their guard bytes to fit an allocation. */
		if (s->len + offset + 2 * canary > DSC_MAX_ALLOC)
			canary = 0;
		s->start = canary + offset;
		s->alloc = PAGE_ALIGN(s->start + s->len + canary);
		s->cpu = dma_alloc_coherent(dev, s->alloc, &s->dma, GFP_KERNEL);
		if (!s->cpu)
			goto nomem;
		b->nsegs = i + 1;
		memset(s->cpu, DSC_UNTOUCHED, s->alloc);
		sg_dma_address(&b->sgl[i]) = s->dma + s->start;
		sg_dma_len(&b->sgl[i]) = s->len;
	}
	return b;

nomem:
	dsc_buf_free(b);
	return ERR_PTR(-ENOMEM);
}

void dsc_buf_free(struct dsc_buf *b)
{
	unsigned int i;

	if (IS_ERR_OR_NULL(b))
		return;
	for (i = 0; i < b->nsegs; i++)
		dma_free_coherent(b->dev, b->segs[i].alloc, b->segs[i].cpu,
				  b->segs[i].dma);
	kfree(b->sgl);
	kfree(b);
}

void dsc_buf_fill(struct dsc_buf *b, unsigned int tag)
{
	size_t pos = 0;
	unsigned int i;
	u32 j;

	for (i = 0; i < b->nsegs; i++) {
		u8 *p = b->segs[i].cpu + b->segs[i].start;

		for (j = 0; j < b->segs[i].len; j++)
			p[j] = dsc_pattern(tag, pos++);
	}
}

void dsc_buf_clear(struct dsc_buf *b)
{
	unsigned int i;

	for (i = 0; i < b->nsegs; i++)
		memset(b->segs[i].cpu, DSC_UNTOUCHED, b->segs[i].alloc);
}

u8 *dsc_buf_byte(struct dsc_buf *b, size_t pos)
{
	unsigned int i;

	for (i = 0; i < b->nsegs; i++) {
		if (pos < b->segs[i].len)
			return b->segs[i].cpu + b->segs[i].start + pos;
		pos -= b->segs[i].len;
	}
	return NULL;
}

/*
 * Compare the first @len bytes with the pattern of @tag from pattern
 * position @pattern_pos on; returns the first bad byte's offset, or SIZE_MAX.
 */
size_t dsc_buf_check(struct dsc_buf *b, unsigned int tag, size_t pattern_pos,
		     size_t len)
{
	size_t pos = 0;
	unsigned int i;
	u32 j;

	for (i = 0; i < b->nsegs && pos < len; i++) {
		const u8 *p = b->segs[i].cpu + b->segs[i].start;

		for (j = 0; j < b->segs[i].len && pos < len; j++, pos++)
			if (p[j] != dsc_pattern(tag, pattern_pos + pos))
				return pos;
	}
	return SIZE_MAX;
}

/* Bytes [from, len) must not have been written; returns as dsc_buf_check. */
size_t dsc_buf_check_untouched(struct dsc_buf *b, size_t from)
{
	size_t pos = 0;
	unsigned int i;
	u32 j;

	for (i = 0; i < b->nsegs; i++) {
		const u8 *p = b->segs[i].cpu + b->segs[i].start;

		for (j = 0; j < b->segs[i].len; j++, pos++)
			if (pos >= from && p[j] != DSC_UNTOUCHED)
				return pos;
	}
	return SIZE_MAX;
}

/* Nothing outside the segments' own bytes was written. */
bool dsc_buf_canaries_ok(struct dsc_buf *b)
{
	unsigned int i;
	size_t k;

	for (i = 0; i < b->nsegs; i++) {
		const struct dsc_seg *s = &b->segs[i];
		const u8 *p = s->cpu;

		for (k = 0; k < s->alloc; k++) {
			if (k == s->start)
				k += s->len;
			if (k < s->alloc && p[k] != DSC_UNTOUCHED)
				return false;
		}
	}
	return true;
}

u32 dsc_buf_sum(struct dsc_buf *b)
{
	u32 h = 2166136261u;
	unsigned int i;
	u32 j;

	for (i = 0; i < b->nsegs; i++) {
		const u8 *p = b->segs[i].cpu + b->segs[i].start;

		for (j = 0; j < b->segs[i].len; j++)
			h = (h ^ p[j]) * 16777619u;
	}
	return h;
}

struct dsc_run *dsc_run_new(struct dma_chan *chan, unsigned int n)
{
	struct dsc_run *run;
	unsigned int i;

	run = kzalloc(sizeof(*run), GFP_KERNEL);
	if (!run)
		return NULL;
	run->x = kcalloc(n, sizeof(*run->x), GFP_KERNEL);
	if (!run->x) {
		kfree(run);
		return NULL;
	}
	run->chan = chan;
	run->n = n;
	run->terminate_at = -1;
	atomic_set(&run->called, 0);
	atomic_set(&run->finished, 0);
	init_waitqueue_head(&run->wq);
	run->wake = &run->wq;
	for (i = 0; i < n; i++) {
		run->x[i].run = run;
		run->x[i].index = i;
		run->x[i].order = -1;
	}
	return run;
}

/*
 * Terminates the channel first: no callback may still be looking at @run.
 * A provider without device_synchronize gives no way to know that; dmasim
 * with late_callback_us calls back at most that long after terminate, and
 * the tests keep it well below the grace period.
 */
#define DSC_LATE_GRACE_MS	20

void dsc_run_free(struct dsc_run *run)
{
	unsigned int i;

	if (!run)
		return;
	dmaengine_terminate_sync(run->chan);
	if (!run->chan->device->device_synchronize)
		msleep(DSC_LATE_GRACE_MS);
	for (i = 0; i < run->n; i++) {
		dsc_buf_free(run->x[i].buf);
		dsc_buf_free(run->x[i].src);
	}
	kfree(run->x);
	kfree(run);
}

static void dsc_callback(void *param, const struct dmaengine_result *res)
{
	struct dsc_xfer *x = param;
	struct dsc_run *run = x->run;

	x->result = res->result;
	x->residue = res->residue;
	x->in_bh = in_serving_softirq();
	x->when = ktime_get();
	x->order = atomic_inc_return(&run->called) - 1;
	if (run->probe) {
		dma_cookie_t last;

		dma_async_is_tx_complete(run->chan, x->cookie, &last, NULL);
		x->behind = last < x->cookie;
	}
	if (run->terminate_at == (int)x->index)
		dmaengine_terminate_async(run->chan);
	if (!run->on_done || !run->on_done(x))
		WRITE_ONCE(x->called, true);
	atomic_inc(&run->finished);
	wake_up(run->wake);
}

int dsc_submit_desc(struct dsc_xfer *x, struct dma_async_tx_descriptor *d)
{
	if (!d)
		return -EINVAL;
	d->callback_result = dsc_callback;
	d->callback_param = x;
	x->cookie = dmaengine_submit(d);
	return dma_submit_error(x->cookie) ? -EIO : 0;
}

int dsc_submit_sg(struct dsc_run *run, unsigned int i,
		  enum dma_transfer_direction dir, unsigned long flags)
{
	struct dsc_xfer *x = &run->x[i];

	return dsc_submit_desc(x, dmaengine_prep_slave_sg(run->chan, x->buf->sgl,
						     x->buf->nsegs, dir, flags));
}

int dsc_submit_memcpy(struct dsc_run *run, unsigned int i, unsigned long flags)
{
	struct dsc_xfer *x = &run->x[i];

	return dsc_submit_desc(x, dmaengine_prep_dma_memcpy(run->chan,
						       sg_dma_address(x->buf->sgl),
						       sg_dma_address(x->src->sgl),
						       x->buf->len, flags));
}

unsigned int dsc_count_results(struct dsc_run *run, unsigned int count[4])
{
	unsigned int i, called = 0;

	memset(count, 0, 4 * sizeof(*count));
	for (i = 0; i < run->n; i++) {
		if (!READ_ONCE(run->x[i].called))
			continue;
		called++;
		if (run->x[i].result <= DMA_TRANS_ABORTED)
			count[run->x[i].result]++;
	}
	return called;
}

bool dsc_wait(struct dsc_run *run, unsigned int ncalled, unsigned int ms)
{
	return wait_event_timeout(*run->wake,
				  atomic_read(&run->finished) >= ncalled,
				  msecs_to_jiffies(ms)) > 0;
}

/* Callbacks came in submission order, each in BH context, none twice. */
bool dsc_run_in_order(struct dsc_client *c, struct dsc_run *run,
		      const char *what)
{
	int last = -1;
	unsigned int i;

	for (i = 0; i < run->n; i++) {
		struct dsc_xfer *x = &run->x[i];

		if (!READ_ONCE(x->called))
			continue;
		if (x->order <= last) {
			dsc_fail(c, "%s: descriptor %u completed as callback %d, after callback %d",
				 what, i, x->order, last);
			return false;
		}
		if (!x->in_bh) {
			dsc_fail(c, "%s: callback %u did not run in softirq context",
				 what, i);
			return false;
		}
		last = x->order;
	}
	return true;
}

static const struct {
	const char *name;
	int (*fn)(struct dsc_client *c, struct dsc_args *a);
} dsc_cmds[] = {
	{ "caps", dsc_cmd_caps },
	{ "loop", dsc_cmd_loop },
	{ "backpressure", dsc_cmd_backpressure },
	{ "tx", dsc_cmd_tx },
	{ "terminate", dsc_cmd_terminate },
	{ "rx_arm", dsc_cmd_rx_arm },
	{ "rx_collect", dsc_cmd_rx_collect },
	{ "memcpy", dsc_cmd_memcpy },
	{ "limits", dsc_cmd_limits },
	{ "sync", dsc_cmd_sync },
	{ "bus", dsc_cmd_bus },
	{ "bench", dsc_cmd_bench },
	{ "observe", dsc_cmd_observe },
	{ "budget", dsc_cmd_budget },
};

static int dsc_parse(char *line, char **cmd, struct dsc_args *a)
{
	char *tok;

	*cmd = NULL;
	memset(a, 0, sizeof(*a));
	while ((tok = strsep(&line, " \t\n")) != NULL) {
		char *eq;

		if (!*tok)
			continue;
		if (!*cmd) {
			*cmd = tok;
			continue;
		}
		eq = strchr(tok, '=');
		if (!eq || eq == tok || a->n == DSC_MAX_ARGS)
			return -EINVAL;
		*eq = '\0';
		a->key[a->n] = tok;
		a->val[a->n++] = eq + 1;
	}
	return *cmd ? 0 : -EINVAL;
}

static int dsc_run_cmd(struct dsc_client *c, char *line)
{
	struct dsc_args a;
	unsigned int i;
	char *cmd;
	int ret;

	c->out_len = 0;
	c->out[0] = '\0';
	c->failed = false;
	c->bad_arg = 0;
	if (dsc_parse(line, &cmd, &a)) {
		dsc_out(c, "usage: COMMAND key=value ...\n");
		return -EINVAL;
	}
	for (i = 0; i < ARRAY_SIZE(dsc_cmds); i++)
		if (!strcmp(cmd, dsc_cmds[i].name))
			break;
	if (i == ARRAY_SIZE(dsc_cmds)) {
		dsc_out(c, "unknown command %s\n", cmd);
		return -EINVAL;
	}
	ret = dsc_cmds[i].fn(c, &a);
	for (i = 0; i < a.n; i++) {
		if (!(a.used & BIT(i))) {
			dsc_out(c, "unknown argument %s\n", a.key[i]);
			ret = ret ?: -EINVAL;
		}
	}
	if (!ret && c->bad_arg)
		ret = c->bad_arg;
	if (!ret && c->failed)
		ret = -EIO;
	return ret;
}

static ssize_t dsc_cmd_write(struct file *file, const char __user *ubuf,
			     size_t len, loff_t *ppos)
{
	struct dsc_client *c = file->private_data;
	char *line;
	int ret;

	if (len > 512)
		return -EINVAL;
	line = memdup_user_nul(ubuf, len);
	if (IS_ERR(line))
		return PTR_ERR(line);
	mutex_lock(&c->lock);
	ret = dsc_run_cmd(c, line);
	mutex_unlock(&c->lock);
	kfree(line);
	return ret ?: len;
}

static const struct file_operations dsc_cmd_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = dsc_cmd_write,
	.llseek = default_llseek,
};

static ssize_t dsc_result_read(struct file *file, char __user *ubuf,
			       size_t len, loff_t *ppos)
{
	struct dsc_client *c = file->private_data;
	ssize_t ret;

	mutex_lock(&c->lock);
	ret = simple_read_from_buffer(ubuf, len, ppos, c->out, c->out_len);
	mutex_unlock(&c->lock);
	return ret;
}

static const struct file_operations dsc_result_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = dsc_result_read,
	.llseek = default_llseek,
};

static void dsc_release_chans(struct dsc_client *c)
{
	int i;

	for (i = 0; i < DSC_NR_CHANS; i++) {
		if (c->chan[i])
			dma_release_channel(c->chan[i]);
		c->chan[i] = NULL;
	}
}

static int dsc_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct dsc_client *c;
	int i;

	c = devm_kzalloc(dev, sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	c->out = devm_kzalloc(dev, DSC_OUT_SIZE, GFP_KERNEL);
	if (!c->out)
		return -ENOMEM;
	c->dev = dev;
	mutex_init(&c->lock);
	for (i = 0; i < DSC_NR_CHANS; i++) {
		struct dma_chan *chan;

		if (!strstr(chans, dsc_chan_names[i]))
			continue;
		/* The provider's dma_slave_map names this device. */
		chan = dma_request_chan(dev, dsc_chan_names[i]);
		if (IS_ERR(chan)) {
			dev_err(dev, "no %s channel: %pe\n", dsc_chan_names[i], chan);
			dsc_release_chans(c);
			/* Not deferred: the test loads dmasim first, or fails. */
			return PTR_ERR(chan) == -EPROBE_DEFER ? -ENODEV : PTR_ERR(chan);
		}
		c->chan[i] = chan;
	}
	c->debugfs = debugfs_create_dir(dev_name(dev), NULL);
	debugfs_create_file("cmd", 0200, c->debugfs, c, &dsc_cmd_fops);
	debugfs_create_file("result", 0444, c->debugfs, c, &dsc_result_fops);
	platform_set_drvdata(pdev, c);
	return 0;
}

static void dsc_remove(struct platform_device *pdev)
{
	struct dsc_client *c = platform_get_drvdata(pdev);

	debugfs_remove_recursive(c->debugfs);
	dsc_source_release(c);
	dsc_release_chans(c);
}

static struct platform_driver dsc_driver = {
	.probe = dsc_probe,
	.DMASIM_PLATFORM_REMOVE = dsc_remove,
	.driver = {
		.name = "dmasim-client",
		.suppress_bind_attrs = true,
	},
};

static struct platform_device *dsc_pdev;

static int __init dsc_init(void)
{
	int ret;

	ret = platform_driver_register(&dsc_driver);
	if (ret)
		return ret;
	dsc_pdev = platform_device_register_simple("dmasim-client", engine,
						   NULL, 0);
	if (IS_ERR(dsc_pdev)) {
		platform_driver_unregister(&dsc_driver);
		return PTR_ERR(dsc_pdev);
	}
	if (!dsc_pdev->dev.driver) {
		platform_device_unregister(dsc_pdev);
		platform_driver_unregister(&dsc_driver);
		return -ENODEV;
	}
	return 0;
}

static void __exit dsc_exit(void)
{
	platform_device_unregister(dsc_pdev);
	platform_driver_unregister(&dsc_driver);
}

module_init(dsc_init);
module_exit(dsc_exit);

MODULE_DESCRIPTION("Test-only dmaengine client for dmasim");
MODULE_LICENSE("GPL");
