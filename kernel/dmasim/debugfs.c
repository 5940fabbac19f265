// SPDX-License-Identifier: GPL-2.0
/*
 * dmasim: run-time control and counters in debugfs,
 * /sys/kernel/debug/dmasim/<device>/ and .../<device>/<channel>/.
 *
 * Every write is checked: a value that does not parse or is out of range
 * fails with EINVAL (ERANGE when it does not fit 64 bits), a change the
 * engine cannot take in its current state with EBUSY. docs/dmasim.md lists
 * the files, their ranges and errors.
 *
 * Calls go down (docs/dmasim.md, "Sources"): called by main.c; calls
 * personality.c, chan.c (for channel names), sched.c, stream.c, source.c,
 * queue.c, fault.c and habits.c.
 */

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "budget.h"
#include "chan.h"
#include "debugfs.h"
#include "fault.h"
#include "habits.h"
#include "personality.h"
#include "queue.h"
#include "sched.h"
#include "source.h"
#include "stream.h"

#define CH_TX		BIT(DMASIM_TX)
#define CH_RX		BIT(DMASIM_RX)
#define CH_MEMCPY	BIT(DMASIM_MEMCPY)
#define CH_ALL		(CH_TX | CH_RX | CH_MEMCPY)

enum dmasim_chan_knob {
	CK_NO_COPY,
	CK_FAIL_NTH,
	CK_FAIL_PERMILLE,
	CK_STALL,
	CK_STUCK,
	CK_DELAY_US,
	CK_TRUNCATE,
	CK_BYTES,
	CK_DESCRIPTORS,
	CK_PACKETS,
	CK_ERRORS,
	CK_BUS_ERRORS,
	CK_ABORTED,
	CK_SPLIT,
	CK_TRUNCATED,
	CK_OVERRUNS,
	CK_SOURCE_CUT,
	CK_REJECTED,
	CK_QUEUED,
	CK_START_ON_SUBMIT,
	CK_DESC_BUDGET,
	CK_DESC_IN_USE,
	CK_NO_RESULT,
	CK_LATE_US,
	CK_REORDER,
	CK_REORDER_HOLD_US,
	CK_FAIL_TERMINATE,
	CK_DESC_EXHAUSTED,
	CK_DROPPED,
	CK_LATE_CALLBACKS,
	CK_REORDERED,
	CK_NR
};

enum dmasim_engine_knob {
	EK_SOURCE_RUN,
	EK_SOURCE_LEN,
	EK_SOURCE_PPS,
	EK_SOURCE_COUNT,
	EK_SOURCE_SEQ,
	EK_SINK_BPS,
	EK_FIFO_DEPTH,
	EK_FIFO_LEVEL,
	EK_FIFO_PACKETS,
	EK_FIFO_FLUSH,
	EK_LIVE_DESCS,
	EK_NR
};

static struct dentry *dmasim_debugfs_root;

static_assert(CK_NR == DMASIM_CHAN_KNOBS);
static_assert(EK_NR == DMASIM_ENGINE_KNOBS);

struct dmasim_knob {
	const char *name;
	umode_t mode;		/* 0644 settable, 0444 read-only, 0200 action */
	u64 max;		/* largest value a write may set */
	unsigned int chans;	/* channel knobs: which channels have it */
	size_t stat;		/* counters: offset in struct dmasim_stats */
};

#define COUNTER(_name, _chans) \
	{ #_name, 0444, 0, _chans, offsetof(struct dmasim_stats, _name) }

static const struct dmasim_knob dmasim_chan_knobs[CK_NR] = {
	[CK_NO_COPY] = { "no_copy", 0644, 1, CH_ALL },
	[CK_FAIL_NTH] = { "fail_nth", 0644, U32_MAX, CH_ALL },
	[CK_FAIL_PERMILLE] = { "fail_permille", 0644, 1000, CH_ALL },
	[CK_STALL] = { "stall", 0644, 1, CH_ALL },
	[CK_STUCK] = { "stuck", 0644, 1, CH_ALL },
	[CK_DELAY_US] = { "delay_us", 0644, 10 * USEC_PER_SEC, CH_ALL },
	[CK_TRUNCATE] = { "truncate", 0644, U32_MAX, CH_ALL },
	[CK_BYTES] = COUNTER(bytes, CH_ALL),
	[CK_DESCRIPTORS] = COUNTER(descriptors, CH_ALL),
	[CK_PACKETS] = COUNTER(packets, CH_TX | CH_RX),
	[CK_ERRORS] = COUNTER(errors, CH_ALL),
	[CK_BUS_ERRORS] = COUNTER(bus_errors, CH_ALL),
	[CK_ABORTED] = COUNTER(aborted, CH_ALL),
	[CK_SPLIT] = COUNTER(split, CH_RX),
	[CK_TRUNCATED] = COUNTER(truncated, CH_ALL),
	[CK_OVERRUNS] = COUNTER(overruns, CH_RX),
	[CK_SOURCE_CUT] = COUNTER(source_cut, CH_RX),
	[CK_REJECTED] = COUNTER(rejected, CH_ALL),
	[CK_QUEUED] = { "queued", 0444, 0, CH_ALL },
	[CK_START_ON_SUBMIT] = { "start_on_submit", 0644, 1, CH_ALL },
	[CK_DESC_BUDGET] = { "desc_budget", 0644, DMASIM_BUDGET_MAX, CH_ALL },
	[CK_DESC_IN_USE] = { "desc_in_use", 0444, 0, CH_ALL },
	[CK_NO_RESULT] = { "no_result", 0644, 1, CH_ALL },
	[CK_LATE_US] = { "late_callback_us", 0644, DMASIM_LATE_MAX_US, CH_ALL },
	[CK_REORDER] = { "reorder", 0644, DMASIM_REORDER_MAX, CH_ALL },
	[CK_REORDER_HOLD_US] = { "reorder_hold_us", 0644, DMASIM_REORDER_HOLD_MAX_US, CH_ALL },
	[CK_FAIL_TERMINATE] = { "fail_terminate", 0644, U32_MAX, CH_ALL },
	[CK_DESC_EXHAUSTED] = COUNTER(desc_exhausted, CH_ALL),
	[CK_DROPPED] = COUNTER(dropped, CH_ALL),
	[CK_LATE_CALLBACKS] = COUNTER(late_callbacks, CH_ALL),
	[CK_REORDERED] = COUNTER(reordered, CH_ALL),
};

static const struct dmasim_knob dmasim_engine_knobs[EK_NR] = {
	[EK_SOURCE_RUN] = { "source_run", 0644, 1 },
	[EK_SOURCE_LEN] = { "source_len", 0644, SZ_64M },
	[EK_SOURCE_PPS] = { "source_pps", 0644, 1000000 },
	[EK_SOURCE_COUNT] = { "source_count", 0644, U32_MAX },
	[EK_SOURCE_SEQ] = { "source_seq", 0444, 0 },
	[EK_SINK_BPS] = { "sink_bps", 0644, U64_MAX },
	[EK_FIFO_DEPTH] = { "fifo_depth", 0444, 0 },
	[EK_FIFO_LEVEL] = { "fifo_level", 0444, 0 },
	[EK_FIFO_PACKETS] = { "fifo_packets", 0444, 0 },
	[EK_FIFO_FLUSH] = { "fifo_flush", 0200, 1 },
	[EK_LIVE_DESCS] = { "live_descriptors", 0444, 0 },
};

static int dmasim_chan_knob_get(void *data, u64 *val)
{
	struct dmasim_knob_ref *ref = data;
	const struct dmasim_knob *knob = &dmasim_chan_knobs[ref->knob];
	struct dmasim_chan *sc = ref->owner;
	const struct dmasim_fault *f = &sc->fault;
	const struct dmasim_habits *h = &sc->habits;
	unsigned long flags;

	spin_lock_irqsave(sc->lock, flags);
	switch (ref->knob) {
	case CK_NO_COPY:
		*val = sc->no_copy;
		break;
	case CK_DESC_BUDGET:
		*val = h->desc_budget;
		break;
	case CK_DESC_IN_USE:
		*val = h->desc_in_use;
		break;
	case CK_NO_RESULT:
		*val = h->no_result;
		break;
	case CK_LATE_US:
		*val = h->late_us;
		break;
	case CK_REORDER:
		*val = h->reorder;
		break;
	case CK_REORDER_HOLD_US:
		*val = h->reorder_hold_us;
		break;
	case CK_FAIL_TERMINATE:
		*val = h->fail_terminate;
		break;
	case CK_START_ON_SUBMIT:
		*val = sc->start_on_submit;
		break;
	case CK_FAIL_NTH:
		*val = f->fail_nth;
		break;
	case CK_FAIL_PERMILLE:
		*val = f->fail_permille;
		break;
	case CK_STALL:
		*val = f->stall;
		break;
	case CK_STUCK:
		*val = f->stuck;
		break;
	case CK_DELAY_US:
		*val = f->delay_us;
		break;
	case CK_TRUNCATE:
		*val = f->truncate;
		break;
	case CK_QUEUED:
		*val = dmasim_chan_queued(sc);
		break;
	default:
		*val = *(u64 *)((char *)&sc->stats + knob->stat);
		break;
	}
	spin_unlock_irqrestore(sc->lock, flags);
	return 0;
}

static int dmasim_chan_knob_set(void *data, u64 val)
{
	struct dmasim_knob_ref *ref = data;
	struct dmasim_chan *sc = ref->owner;
	struct dmasim_fault *f = &sc->fault;
	struct dmasim_habits *h = &sc->habits;
	unsigned long flags;

	if (val > dmasim_chan_knobs[ref->knob].max)
		return -EINVAL;
	/* A window of one shuffles nothing: say 0. */
	if (ref->knob == CK_REORDER && val == 1)
		return -EINVAL;
	spin_lock_irqsave(sc->lock, flags);
	switch (ref->knob) {
	case CK_NO_COPY:
		sc->no_copy = val;
		break;
	case CK_DESC_BUDGET:
		h->desc_budget = val;
		break;
	case CK_NO_RESULT:
		h->no_result = val;
		break;
	case CK_LATE_US:
		h->late_us = val;
		break;
	case CK_REORDER:
		dmasim_habits_reorder_arm(sc, val);
		break;
	case CK_REORDER_HOLD_US:
		h->reorder_hold_us = val;
		break;
	case CK_FAIL_TERMINATE:
		h->fail_terminate = val;
		break;
	case CK_START_ON_SUBMIT:
		sc->start_on_submit = val;
		break;
	case CK_FAIL_NTH:
		f->fail_nth = val;
		break;
	case CK_FAIL_PERMILLE:
		dmasim_fault_arm_permille(f, val);
		break;
	case CK_STALL:
		f->stall = val;
		break;
	case CK_STUCK:
		f->stuck = val;
		break;
	case CK_DELAY_US:
		f->delay_us = val;
		break;
	case CK_TRUNCATE:
		f->truncate = val;
		break;
	}
	spin_unlock_irqrestore(sc->lock, flags);
	/* A lifted stall or a shorter delay lets the mover go on. */
	dmasim_kick(sc);
	return 0;
}

DEFINE_DEBUGFS_ATTRIBUTE(dmasim_chan_rw_fops, dmasim_chan_knob_get,
			 dmasim_chan_knob_set, "%llu\n");
DEFINE_DEBUGFS_ATTRIBUTE(dmasim_chan_ro_fops, dmasim_chan_knob_get, NULL,
			 "%llu\n");

static bool dmasim_stream_busy(struct dmasim_engine *eng)
{
	return dmasim_chan_queued(&eng->chans[DMASIM_TX]) ||
	       dmasim_chan_queued(&eng->chans[DMASIM_RX]);
}

static int dmasim_engine_knob_get(void *data, u64 *val)
{
	struct dmasim_knob_ref *ref = data;
	struct dmasim_engine *eng = ref->owner;
	struct dmasim_stream *st = &eng->stream;
	struct dmasim_source *src = &st->source;
	unsigned long flags;

	spin_lock_irqsave(&eng->stream_lock, flags);
	switch (ref->knob) {
	case EK_SOURCE_RUN:
		*val = src->running || src->pkt.active;
		break;
	case EK_SOURCE_LEN:
		*val = src->len;
		break;
	case EK_SOURCE_PPS:
		*val = src->pps;
		break;
	case EK_SOURCE_COUNT:
		*val = src->count;
		break;
	case EK_SOURCE_SEQ:
		*val = src->seq;
		break;
	case EK_SINK_BPS:
		*val = st->sink_bps;
		break;
	case EK_FIFO_DEPTH:
		*val = st->fifo.size;
		break;
	case EK_FIFO_LEVEL:
		*val = dmasim_fifo_level(&st->fifo);
		break;
	case EK_FIFO_PACKETS:
		*val = dmasim_fifo_packets(&st->fifo);
		break;
	case EK_LIVE_DESCS:
		*val = atomic_read(&eng->live_descs);
		break;
	default:
		*val = 0;
		break;
	}
	spin_unlock_irqrestore(&eng->stream_lock, flags);
	return 0;
}

static int dmasim_engine_knob_set(void *data, u64 val)
{
	struct dmasim_knob_ref *ref = data;
	struct dmasim_engine *eng = ref->owner;
	struct dmasim_stream *st = &eng->stream;
	struct dmasim_source *src = &st->source;
	unsigned long flags;
	int ret = 0;

	if (val > dmasim_engine_knobs[ref->knob].max)
		return -EINVAL;
	if (ref->knob == EK_SOURCE_LEN && val < DMASIM_PKT_HDR_LEN)
		return -EINVAL;
	if (ref->knob == EK_FIFO_FLUSH && val != 1)
		return -EINVAL;

	spin_lock_irqsave(&eng->stream_lock, flags);
	switch (ref->knob) {
	case EK_SOURCE_RUN:
		if (!val)
			src->running = false;
		else if (src->running || src->pkt.active ||
			 st->mode != DMASIM_MODE_SOURCE_SINK)
			ret = -EBUSY;
		else if (!eng->chans[DMASIM_RX].present)
			ret = -ENODEV;
		else
			dmasim_source_start(eng);
		break;
	case EK_SOURCE_LEN:
	case EK_SOURCE_PPS:
	case EK_SOURCE_COUNT:
		if (src->running || src->pkt.active) {
			ret = -EBUSY;
			break;
		}
		if (ref->knob == EK_SOURCE_LEN)
			src->len = val;
		else if (ref->knob == EK_SOURCE_PPS)
			src->pps = val;
		else
			src->count = val;
		break;
	case EK_SINK_BPS:
		st->sink_bps = val;
		st->sink_next = 0;
		break;
	case EK_FIFO_FLUSH:
		if (dmasim_stream_busy(eng))
			ret = -EBUSY;
		else
			dmasim_fifo_flush(eng);
		break;
	}
	spin_unlock_irqrestore(&eng->stream_lock, flags);
	/* A started source or a new sink rate needs the stream mover. */
	if (!ret)
		dmasim_kick_stream(eng);
	return ret;
}

DEFINE_DEBUGFS_ATTRIBUTE(dmasim_engine_rw_fops, dmasim_engine_knob_get,
			 dmasim_engine_knob_set, "%llu\n");
DEFINE_DEBUGFS_ATTRIBUTE(dmasim_engine_ro_fops, dmasim_engine_knob_get, NULL,
			 "%llu\n");
DEFINE_DEBUGFS_ATTRIBUTE(dmasim_engine_wo_fops, NULL, dmasim_engine_knob_set,
			 "%llu\n");

/* Files holding a word: read gives the current one, write picks one. */
static ssize_t dmasim_word_read(struct file *file, char __user *ubuf,
				size_t len, loff_t *ppos, const char *word)
{
	char buf[32];
	int n = scnprintf(buf, sizeof(buf), "%s\n", word);

	return simple_read_from_buffer(ubuf, len, ppos, buf, n);
}

static int dmasim_word_write(const char __user *ubuf, size_t len,
			     const char *const *words, size_t nwords)
{
	char buf[32];
	int i;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	i = match_string(words, nwords, strim(buf));
	return i < 0 ? -EINVAL : i;
}

static const char *const dmasim_fail_kind_names[] = {
	[DMASIM_FAIL_AUTO] = "auto",
	[DMASIM_FAIL_READ] = "read",
	[DMASIM_FAIL_WRITE] = "write",
};

static ssize_t dmasim_fail_kind_read(struct file *file, char __user *ubuf,
				     size_t len, loff_t *ppos)
{
	struct dmasim_chan *sc = file->private_data;

	return dmasim_word_read(file, ubuf, len, ppos,
				dmasim_fail_kind_names[READ_ONCE(sc->fault.kind)]);
}

static ssize_t dmasim_fail_kind_write(struct file *file,
				      const char __user *ubuf, size_t len,
				      loff_t *ppos)
{
	struct dmasim_chan *sc = file->private_data;
	unsigned long flags;
	int kind;

	kind = dmasim_word_write(ubuf, len, dmasim_fail_kind_names,
				 ARRAY_SIZE(dmasim_fail_kind_names));
	if (kind < 0)
		return kind;
	spin_lock_irqsave(sc->lock, flags);
	sc->fault.kind = kind;
	spin_unlock_irqrestore(sc->lock, flags);
	return len;
}

static const struct file_operations dmasim_fail_kind_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = dmasim_fail_kind_read,
	.write = dmasim_fail_kind_write,
	.llseek = default_llseek,
};

static ssize_t dmasim_on_error_read(struct file *file, char __user *ubuf,
				    size_t len, loff_t *ppos)
{
	struct dmasim_chan *sc = file->private_data;

	return dmasim_word_read(file, ubuf, len, ppos,
				dmasim_on_error_names[READ_ONCE(sc->habits.on_error)]);
}

static ssize_t dmasim_on_error_write(struct file *file,
				     const char __user *ubuf, size_t len,
				     loff_t *ppos)
{
	struct dmasim_chan *sc = file->private_data;
	unsigned long flags;
	int action;

	action = dmasim_word_write(ubuf, len, dmasim_on_error_names,
				   ARRAY_SIZE(dmasim_on_error_names));
	if (action < 0)
		return action;
	spin_lock_irqsave(sc->lock, flags);
	sc->habits.on_error = action;
	spin_unlock_irqrestore(sc->lock, flags);
	return len;
}

static const struct file_operations dmasim_on_error_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = dmasim_on_error_read,
	.write = dmasim_on_error_write,
	.llseek = default_llseek,
};

static ssize_t dmasim_reset_counters_write(struct file *file,
					   const char __user *ubuf, size_t len,
					   loff_t *ppos)
{
	struct dmasim_chan *sc = file->private_data;
	unsigned long flags;
	int ret;
	u8 val;

	ret = kstrtou8_from_user(ubuf, len, 0, &val);
	if (ret)
		return ret;
	if (val != 1)
		return -EINVAL;
	spin_lock_irqsave(sc->lock, flags);
	memset(&sc->stats, 0, sizeof(sc->stats));
	spin_unlock_irqrestore(sc->lock, flags);
	return len;
}

static const struct file_operations dmasim_reset_counters_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = dmasim_reset_counters_write,
	.llseek = default_llseek,
};

static ssize_t dmasim_mode_read(struct file *file, char __user *ubuf,
				size_t len, loff_t *ppos)
{
	struct dmasim_engine *eng = file->private_data;

	return dmasim_word_read(file, ubuf, len, ppos,
				dmasim_mode_names[READ_ONCE(eng->stream.mode)]);
}

static ssize_t dmasim_mode_write(struct file *file, const char __user *ubuf,
				 size_t len, loff_t *ppos)
{
	struct dmasim_engine *eng = file->private_data;
	struct dmasim_stream *st = &eng->stream;
	unsigned long flags;
	int mode, ret = len;

	mode = dmasim_word_write(ubuf, len, dmasim_mode_names,
				 ARRAY_SIZE(dmasim_mode_names));
	if (mode < 0)
		return mode;
	spin_lock_irqsave(&eng->stream_lock, flags);
	if (dmasim_stream_busy(eng)) {
		ret = -EBUSY;
	} else if (mode != st->mode) {
		/* What was in flight belonged to the other wiring. */
		dmasim_fifo_flush(eng);
		st->source.running = false;
		st->source.pkt.active = false;
		st->mode = mode;
	}
	spin_unlock_irqrestore(&eng->stream_lock, flags);
	return ret;
}

static const struct file_operations dmasim_mode_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = dmasim_mode_read,
	.write = dmasim_mode_write,
	.llseek = default_llseek,
};

static ssize_t dmasim_pattern_read(struct file *file, char __user *ubuf,
				   size_t len, loff_t *ppos)
{
	struct dmasim_engine *eng = file->private_data;

	return dmasim_word_read(file, ubuf, len, ppos,
				dmasim_pattern_names[READ_ONCE(eng->stream.source.pattern)]);
}

static ssize_t dmasim_pattern_write(struct file *file, const char __user *ubuf,
				    size_t len, loff_t *ppos)
{
	struct dmasim_engine *eng = file->private_data;
	struct dmasim_source *src = &eng->stream.source;
	unsigned long flags;
	int pattern, ret = len;

	pattern = dmasim_word_write(ubuf, len, dmasim_pattern_names,
				    ARRAY_SIZE(dmasim_pattern_names));
	if (pattern < 0)
		return pattern;
	spin_lock_irqsave(&eng->stream_lock, flags);
	if (src->running || src->pkt.active)
		ret = -EBUSY;
	else
		src->pattern = pattern;
	spin_unlock_irqrestore(&eng->stream_lock, flags);
	return ret;
}

static const struct file_operations dmasim_pattern_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = dmasim_pattern_read,
	.write = dmasim_pattern_write,
	.llseek = default_llseek,
};

static int dmasim_limits_show(struct seq_file *m, void *unused)
{
	struct dmasim_engine *eng = m->private;
	const struct dmasim_limits *lim = &eng->limits;

	seq_printf(m, "max_seg_size %u\nmax_segments %u\nmax_xfer %llu\n",
		   lim->max_seg_size, lim->max_segments, lim->max_xfer);
	seq_printf(m, "copy_align %u\nfifo_depth %u\n", lim->copy_align,
		   lim->fifo_depth);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(dmasim_limits);

/*
 * The habits in effect: "name value" lines; per-channel knobs as
 * "channel/knob value", the path of the knob under the engine's directory.
 */
static int dmasim_habits_file_show(struct seq_file *m, void *unused)
{
	struct dmasim_engine *eng = m->private;
	enum dmasim_chan_id id;

	seq_printf(m, "personality %s\n", dmasim_personality_name(eng->personality));
	seq_printf(m, "no_synchronize %d\nno_max_seg_size %d\nno_residue %d\n",
		   eng->no_synchronize, eng->no_max_seg_size, eng->no_residue);
	seq_printf(m, "max_seg_size %u\n", eng->limits.max_seg_size);
	for (id = 0; id < DMASIM_NR_CHANS; id++) {
		struct dmasim_chan *sc = &eng->chans[id];
		const char *name = dmasim_chan_names[id];
		struct dmasim_habits *h = &sc->habits;
		unsigned long flags;
		bool start;
		u32 budget, late, window, failt;
		bool nores;
		int onerr;

		if (!sc->present)
			continue;
		spin_lock_irqsave(sc->lock, flags);
		budget = h->desc_budget;
		nores = h->no_result;
		onerr = h->on_error;
		late = h->late_us;
		window = h->reorder;
		failt = h->fail_terminate;
		start = sc->start_on_submit;
		spin_unlock_irqrestore(sc->lock, flags);
		seq_printf(m, "%s/desc_budget %u\n%s/no_result %d\n", name, budget,
			   name, nores);
		seq_printf(m, "%s/on_error %s\n%s/late_callback_us %u\n", name,
			   dmasim_on_error_names[onerr], name, late);
		seq_printf(m, "%s/reorder %u\n%s/start_on_submit %d\n", name,
			   window, name, start);
		seq_printf(m, "%s/fail_terminate %u\n", name, failt);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(dmasim_habits_file);

static void dmasim_debugfs_add_chan(struct dmasim_chan *sc, struct dentry *parent)
{
	struct dentry *dir = debugfs_create_dir(dmasim_chan_names[sc->id], parent);
	unsigned int k;

	for (k = 0; k < CK_NR; k++) {
		const struct dmasim_knob *knob = &dmasim_chan_knobs[k];

		if (!(knob->chans & BIT(sc->id)))
			continue;
		sc->knob_refs[k].owner = sc;
		sc->knob_refs[k].knob = k;
		debugfs_create_file_unsafe(knob->name, knob->mode, dir,
					   &sc->knob_refs[k],
					   knob->mode & 0200 ? &dmasim_chan_rw_fops :
							       &dmasim_chan_ro_fops);
	}
	debugfs_create_file("fail_kind", 0644, dir, sc, &dmasim_fail_kind_fops);
	debugfs_create_file("on_error", 0644, dir, sc, &dmasim_on_error_fops);
	debugfs_create_file("reset_counters", 0200, dir, sc,
			    &dmasim_reset_counters_fops);
}

/**
 * dmasim_debugfs_add() - Create an engine's directory and files.
 * @eng: the engine, registered
 *
 * Failures are not reported, as debugfs wants: the engine works without.
 */
void dmasim_debugfs_add(struct dmasim_engine *eng)
{
	struct dentry *dir = debugfs_create_dir(dev_name(eng->dev),
						dmasim_debugfs_root);
	unsigned int k;

	eng->debugfs = dir;
	for (k = 0; k < EK_NR; k++) {
		const struct dmasim_knob *knob = &dmasim_engine_knobs[k];
		const struct file_operations *fops = &dmasim_engine_ro_fops;

		if (knob->mode == 0200)
			fops = &dmasim_engine_wo_fops;
		else if (knob->mode & 0200)
			fops = &dmasim_engine_rw_fops;
		eng->knob_refs[k].owner = eng;
		eng->knob_refs[k].knob = k;
		debugfs_create_file_unsafe(knob->name, knob->mode, dir,
					   &eng->knob_refs[k], fops);
	}
	debugfs_create_file("mode", 0644, dir, eng, &dmasim_mode_fops);
	debugfs_create_file("source_pattern", 0644, dir, eng,
			    &dmasim_pattern_fops);
	debugfs_create_file("limits", 0444, dir, eng, &dmasim_limits_fops);
	debugfs_create_file("habits", 0444, dir, eng, &dmasim_habits_file_fops);
	for (k = 0; k < DMASIM_NR_CHANS; k++)
		if (eng->chans[k].present)
			dmasim_debugfs_add_chan(&eng->chans[k], dir);
}

/**
 * dmasim_debugfs_remove() - Remove an engine's directory and files.
 * @eng: the engine
 *
 * Context: process; waits for readers and writers still inside a handler.
 */
void dmasim_debugfs_remove(struct dmasim_engine *eng)
{
	debugfs_remove_recursive(eng->debugfs);
}

/**
 * dmasim_debugfs_init() - Create dmasim's directory, /sys/kernel/debug/dmasim.
 */
void dmasim_debugfs_init(void)
{
	dmasim_debugfs_root = debugfs_create_dir("dmasim", NULL);
}

/**
 * dmasim_debugfs_exit() - Remove dmasim's directory, once no engine is left.
 */
void dmasim_debugfs_exit(void)
{
	debugfs_remove_recursive(dmasim_debugfs_root);
}
