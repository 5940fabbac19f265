// SPDX-License-Identifier: GPL-2.0
/*
 * dmasim: habits of real dmaengine providers, and the personalities that
 * bundle them (docs/dmasim.md, "Personalities").
 *
 * dmasim is friendlier than the providers our users have: it never runs
 * out of descriptors, always passes a result with an exact residue, calls
 * back in order, drops nothing, and synchronizes. Each habit here copies
 * one way in which zynqmp_dma, pl330 or xilinx_dma (Linux 6.1) differ, so
 * that a client's bugs show on x86 before they show on the boards. Habits
 * that dma_device fields carry are fixed at registration (module
 * parameters); the others are per-channel debugfs knobs, initialised from
 * the personality and the module parameters.
 */

#include <linux/hrtimer.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/string.h>

#include "compat.h"
#include "dmasim.h"

/* Fixed, so that the same window sequence shuffles the same way each run. */
#define DMASIM_REORDER_SEED	0x9e3779b9
/*
 * A window that cannot fill (the next descriptor waits for data, or the
 * client waits for a callback first) is let go after this long.
 */
#define DMASIM_REORDER_HOLD_US	1000

struct dmasim_preset {
	bool no_synchronize;
	bool no_max_seg_size;
	bool no_residue;
	u32 max_seg_size;	/* 0: the module parameter's */
	u32 desc_budget;
	bool no_result;
	bool start_on_submit;
	enum dmasim_on_error on_error;
	u32 late_us;
	u32 reorder;
};

static const char *const dmasim_personality_names[DMASIM_PERS_NR] = {
	[DMASIM_PERS_DEFAULT] = "default",
	[DMASIM_PERS_ZYNQMP] = "zynqmp",
	[DMASIM_PERS_PL330] = "pl330",
	[DMASIM_PERS_AXIDMA] = "axidma",
};

/* The facts behind each value are in docs/dmasim.md. */
static const struct dmasim_preset dmasim_presets[DMASIM_PERS_NR] = {
	[DMASIM_PERS_DEFAULT] = { },
	[DMASIM_PERS_ZYNQMP] = {
		.no_max_seg_size = true,
		.no_residue = true,
		.desc_budget = 32,
		.no_result = true,
		.on_error = DMASIM_ON_ERROR_DROP,
	},
	[DMASIM_PERS_PL330] = {
		.no_synchronize = true,
		.max_seg_size = 1900800,
		.no_result = true,
		.late_us = 5000,
		.reorder = 4,
	},
	[DMASIM_PERS_AXIDMA] = {
		.no_max_seg_size = true,
		.desc_budget = 255,
		.start_on_submit = true,
		.on_error = DMASIM_ON_ERROR_STALL,
	},
};

const char *const dmasim_on_error_names[DMASIM_ON_ERROR_NR] = {
	[DMASIM_ON_ERROR_COMPLETE] = "complete",
	[DMASIM_ON_ERROR_DROP] = "drop",
	[DMASIM_ON_ERROR_STALL] = "stall",
};

static char *personality = "default";
module_param(personality, charp, 0444);
MODULE_PARM_DESC(personality, "Habits of a real provider: default, zynqmp, pl330 or axidma");

/* -1 (or no word): what the personality says. */
static int no_synchronize = -1;
module_param(no_synchronize, int, 0444);
MODULE_PARM_DESC(no_synchronize, "1: no device_synchronize, callbacks may run after terminate (-1: personality's)");

static int no_max_seg_size = -1;
module_param(no_max_seg_size, int, 0444);
MODULE_PARM_DESC(no_max_seg_size, "1: leave the max segment size unset, clients see 64 KiB (-1: personality's)");

static int no_residue = -1;
module_param(no_residue, int, 0444);
MODULE_PARM_DESC(no_residue, "1: residue granularity DESCRIPTOR, residue always 0 (-1: personality's)");

static int desc_budget = -1;
module_param(desc_budget, int, 0444);
MODULE_PARM_DESC(desc_budget, "Initial descriptor slots per channel, 0: no limit (-1: personality's)");

static int no_result = -1;
module_param(no_result, int, 0444);
MODULE_PARM_DESC(no_result, "Initial: 1: callbacks get no dmaengine_result (-1: personality's)");

static char *on_error;
module_param(on_error, charp, 0444);
MODULE_PARM_DESC(on_error, "Initial: complete, drop or stall (default: personality's)");

static int late_callback_us = -1;
module_param(late_callback_us, int, 0444);
MODULE_PARM_DESC(late_callback_us, "Initial: completed descriptors call back this long after terminate, 0: never (-1: personality's)");

static int reorder = -1;
module_param(reorder, int, 0444);
MODULE_PARM_DESC(reorder, "Initial: window of callbacks delivered out of order, 0: in order (-1: personality's)");

static int start_on_submit = -1;
module_param(start_on_submit, int, 0444);
MODULE_PARM_DESC(start_on_submit, "Initial: 1: descriptors start at submission (-1: personality's)");

/* The personality with the module parameters applied over it. */
static struct dmasim_preset dmasim_habit_params;
static enum dmasim_personality dmasim_personality;

/**
 * dmasim_personality_name() - The word that selects a personality.
 * @p: the personality
 *
 * Return: its name, as the personality parameter takes it.
 */
const char *dmasim_personality_name(enum dmasim_personality p)
{
	return dmasim_personality_names[p];
}

static int dmasim_param_bool(const char *name, int val, bool *out)
{
	if (val < -1 || val > 1) {
		pr_err("dmasim: %s=%d: use 0 or 1\n", name, val);
		return -EINVAL;
	}
	if (val >= 0)
		*out = val;
	return 0;
}

static int dmasim_param_u32(const char *name, int val, u32 max, u32 *out)
{
	if (val < -1 || (val >= 0 && (u32)val > max)) {
		pr_err("dmasim: %s=%d is outside 0..%u\n", name, val, max);
		return -EINVAL;
	}
	if (val >= 0)
		*out = val;
	return 0;
}

/**
 * dmasim_habits_parse_params() - Check the habit module parameters.
 *
 * Return: 0, or -EINVAL with the reason in the kernel log. On success the
 * preset of the personality, with each habit parameter given applied over
 * it, is what engines and channels start from.
 */
int dmasim_habits_parse_params(void)
{
	struct dmasim_preset *p = &dmasim_habit_params;
	int i, ret;

	i = match_string(dmasim_personality_names, DMASIM_PERS_NR, personality);
	if (i < 0) {
		pr_err("dmasim: personality=%s: use default, zynqmp, pl330 or axidma\n",
		       personality);
		return -EINVAL;
	}
	dmasim_personality = i;
	*p = dmasim_presets[i];
	ret = dmasim_param_bool("no_synchronize", no_synchronize, &p->no_synchronize) ?:
	      dmasim_param_bool("no_max_seg_size", no_max_seg_size, &p->no_max_seg_size) ?:
	      dmasim_param_bool("no_residue", no_residue, &p->no_residue) ?:
	      dmasim_param_bool("no_result", no_result, &p->no_result) ?:
	      dmasim_param_bool("start_on_submit", start_on_submit, &p->start_on_submit) ?:
	      dmasim_param_u32("desc_budget", desc_budget, DMASIM_BUDGET_MAX,
			       &p->desc_budget) ?:
	      dmasim_param_u32("late_callback_us", late_callback_us,
			       DMASIM_LATE_MAX_US, &p->late_us) ?:
	      dmasim_param_u32("reorder", reorder, DMASIM_REORDER_MAX, &p->reorder);
	if (ret)
		return ret;
	if (p->reorder == 1) {
		pr_err("dmasim: reorder=1: use 0 (in order) or a window of 2..%d\n",
		       DMASIM_REORDER_MAX);
		return -EINVAL;
	}
	if (on_error) {
		i = match_string(dmasim_on_error_names, DMASIM_ON_ERROR_NR, on_error);
		if (i < 0) {
			pr_err("dmasim: on_error=%s: use complete, drop or stall\n",
			       on_error);
			return -EINVAL;
		}
		p->on_error = i;
	}
	return 0;
}

/**
 * dmasim_habits_max_seg_size() - The personality's max segment size.
 * @size: set to it, if the personality has one
 *
 * Return: true if @size was set.
 */
bool dmasim_habits_max_seg_size(u32 *size)
{
	if (!dmasim_habit_params.max_seg_size)
		return false;
	*size = dmasim_habit_params.max_seg_size;
	return true;
}

/**
 * dmasim_habits_engine_init() - Fix an engine's registration-time habits.
 * @eng: the engine, before its dma_devices are set up
 */
void dmasim_habits_engine_init(struct dmasim_engine *eng)
{
	eng->personality = dmasim_personality;
	eng->no_synchronize = dmasim_habit_params.no_synchronize;
	eng->no_max_seg_size = dmasim_habit_params.no_max_seg_size;
	eng->no_residue = dmasim_habit_params.no_residue;
}

static u32 dmasim_habits_prng(struct dmasim_habits *h)
{
	u32 x = h->prng;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	h->prng = x;
	return x;
}

/* A fresh window with its own delivery order (Fisher-Yates). */
static void dmasim_reorder_new_window(struct dmasim_habits *h)
{
	unsigned int i;

	for (i = 0; i < h->reorder; i++)
		h->perm[i] = i;
	for (i = h->reorder; i > 1; i--) {
		unsigned int j = dmasim_habits_prng(h) % i;

		swap(h->perm[i - 1], h->perm[j]);
	}
	memset(h->slot, 0, sizeof(h->slot));
	h->win_in = 0;
	h->win_out = 0;
	h->win_done = 0;
}

static u64 dmasim_reorder_held(const struct dmasim_habits *h)
{
	u64 filled = h->win_in >= 64 ? ~0ULL : BIT_ULL(h->win_in) - 1;

	return filled & ~h->win_done;
}

static void dmasim_to_done(struct dmasim_chan *sc, struct dmasim_desc *d)
{
	list_add_tail(&d->node, &sc->done);
	tasklet_schedule(&sc->tasklet);
}

/*
 * Hand the held slots to the tasklet in the window's order, as far as
 * they have arrived; with @flush, all of them (the ones that never came
 * are skipped) and the window starts again.
 */
static void dmasim_reorder_release(struct dmasim_chan *sc, bool flush)
{
	struct dmasim_habits *h = &sc->habits;

	while (h->win_out < h->reorder) {
		unsigned int s = h->perm[h->win_out];
		struct dmasim_desc *d = h->slot[s];

		if (!d) {
			if (!flush)
				break;
			h->win_out++;
			continue;
		}
		if (dmasim_reorder_held(h) & (BIT_ULL(s) - 1))
			sc->stats.reordered++;
		h->slot[s] = NULL;
		h->win_done |= BIT_ULL(s);
		h->win_out++;
		dmasim_to_done(sc, d);
	}
	if (h->win_out == h->reorder || flush)
		dmasim_reorder_new_window(h);
}

/**
 * dmasim_habits_reorder_arm() - Set the reorder window, reseeding it.
 * @sc: the channel, lock held
 * @window: descriptors per window, 0: callbacks in order
 *
 * What the old window held is delivered first, in its order.
 */
void dmasim_habits_reorder_arm(struct dmasim_chan *sc, u32 window)
{
	struct dmasim_habits *h = &sc->habits;

	if (h->reorder)
		dmasim_reorder_release(sc, true);
	h->reorder = window;
	h->prng = DMASIM_REORDER_SEED;
	dmasim_reorder_new_window(h);
}

/**
 * dmasim_habits_completed() - A descriptor completed: pass it on to the tasklet.
 * @sc: the channel, lock held
 * @d: the descriptor, off every list, its cookie complete
 * @tick: the mover's pass
 *
 * With the reorder habit, the descriptor waits in the window until its
 * turn; the cookies still complete in order, as pl330's do.
 */
void dmasim_habits_completed(struct dmasim_chan *sc, struct dmasim_desc *d,
			     struct dmasim_tick *tick)
{
	struct dmasim_habits *h = &sc->habits;

	if (h->no_result && d->result != DMA_TRANS_NOERROR) {
		h->err_cookie[h->err_next] = d->tx.cookie;
		h->err_next = (h->err_next + 1) % DMASIM_ERR_COOKIES;
	}
	if (!h->reorder) {
		dmasim_to_done(sc, d);
		return;
	}
	d->retire_at = tick->now;
	h->slot[h->win_in++] = d;
	/* Nothing more will complete without the client: let the window go. */
	dmasim_reorder_release(sc, list_empty(&sc->issued));
}

/**
 * dmasim_habits_poll() - Let a reorder window go that waited too long.
 * @sc: the channel, lock held
 * @tick: the mover's pass, told when to look again
 */
void dmasim_habits_poll(struct dmasim_chan *sc, struct dmasim_tick *tick)
{
	struct dmasim_habits *h = &sc->habits;
	u64 held = h->reorder ? dmasim_reorder_held(h) : 0;
	ktime_t oldest = KTIME_MAX;
	unsigned int s;

	if (!held)
		return;
	for (s = 0; s < h->win_in; s++)
		if (h->slot[s] && ktime_before(h->slot[s]->retire_at, oldest))
			oldest = h->slot[s]->retire_at;
	oldest = ktime_add_us(oldest, DMASIM_REORDER_HOLD_US);
	if (ktime_before(tick->now, oldest)) {
		dmasim_tick_wake(tick, oldest);
		return;
	}
	dmasim_reorder_release(sc, true);
	tick->completed = true;
}

/**
 * dmasim_habits_failed() - A descriptor failed: the channel reacts.
 * @sc: the channel, lock held
 * @d: the failed descriptor, at the head of the issued queue
 *
 * on_error drop: like zynqmp_dma's reset after an error interrupt, every
 * other descriptor submitted to the channel is freed without a callback
 * (the failed one still calls back). on_error stall: like xilinx_dma with
 * its error flag set, nothing completes any more, not even the failed one,
 * until terminate_all.
 */
void dmasim_habits_failed(struct dmasim_chan *sc, struct dmasim_desc *d)
{
	struct dmasim_desc *x, *tmp;

	switch (sc->habits.on_error) {
	case DMASIM_ON_ERROR_DROP:
		list_splice_tail_init(&sc->submitted, &sc->issued);
		list_for_each_entry_safe(x, tmp, &sc->issued, node) {
			if (x == d)
				continue;
			dmasim_budget_put(sc, x);
			list_move_tail(&x->node, &sc->dropped);
			sc->stats.dropped++;
		}
		tasklet_schedule(&sc->tasklet);
		break;
	case DMASIM_ON_ERROR_STALL:
		sc->fault.stall = true;
		break;
	default:
		break;
	}
}

/**
 * dmasim_habits_error_cookie() - Did this cookie fail without a result?
 * @sc: the channel, lock held
 * @cookie: a completed cookie
 *
 * Return: true if the descriptor failed while no_result was on; the
 * channel remembers its last DMASIM_ERR_COOKIES such cookies.
 */
bool dmasim_habits_error_cookie(struct dmasim_chan *sc, dma_cookie_t cookie)
{
	unsigned int i;

	for (i = 0; i < DMASIM_ERR_COOKIES; i++)
		if (sc->habits.err_cookie[i] == cookie)
			return true;
	return false;
}

static void dmasim_late_arm(struct dmasim_habits *h, ktime_t due)
{
	if (!hrtimer_is_queued(&h->late_timer) ||
	    ktime_before(due, hrtimer_get_expires(&h->late_timer)))
		hrtimer_start(&h->late_timer, due, HRTIMER_MODE_ABS_SOFT);
}

/**
 * dmasim_habits_terminate() - terminate_all meets the completed descriptors.
 * @sc: the channel, lock held
 * @dead: where descriptors dropped without callback go
 *
 * Completed descriptors whose callback has not run (on the done list, held
 * by the reorder window, or at the head with their data phase over) are
 * dropped without callback, unless late_us is set: then they call back
 * late_us after terminate, from a soft hrtimer, as pl330's tasklet may
 * still do after its terminate_all returned. Their slots are recycled
 * after that callback; those of the other dropped descriptors now.
 */
void dmasim_habits_terminate(struct dmasim_chan *sc, struct list_head *dead)
{
	struct dmasim_habits *h = &sc->habits;
	struct dmasim_desc *d, *tmp;
	LIST_HEAD(completed);
	unsigned int s;
	ktime_t due;

	for (s = 0; h->reorder && s < h->win_in; s++)
		if (h->slot[s])
			list_add_tail(&h->slot[s]->node, &completed);
	if (h->reorder)
		dmasim_reorder_new_window(h);
	list_splice_tail_init(&sc->done, &completed);
	while (h->late_us && !sc->fault.stall) {
		d = list_first_entry_or_null(&sc->issued, struct dmasim_desc,
					     node);
		if (!d || !d->finished)
			break;
		list_move_tail(&d->node, &completed);
		sc->chan.completed_cookie = d->tx.cookie;
		sc->stats.descriptors++;
	}
	if (!h->late_us) {
		list_for_each_entry(d, &completed, node)
			dmasim_budget_put(sc, d);
		list_splice_tail(&completed, dead);
		return;
	}
	if (list_empty(&completed))
		return;
	due = ktime_add_us(ktime_get(), h->late_us);
	list_for_each_entry_safe(d, tmp, &completed, node) {
		d->retire_at = due;
		list_move_tail(&d->node, &h->late);
	}
	dmasim_late_arm(h, due);
}

static enum hrtimer_restart dmasim_late_fire(struct hrtimer *t)
{
	struct dmasim_habits *h = container_of(t, struct dmasim_habits,
					       late_timer);
	struct dmasim_chan *sc = container_of(h, struct dmasim_chan, habits);
	ktime_t next = KTIME_MAX, now = ktime_get();
	struct dmasim_desc *d, *due;
	unsigned long flags;

	spin_lock_irqsave(sc->lock, flags);
	h->late_running = true;
	for (;;) {
		due = NULL;
		list_for_each_entry(d, &h->late, node) {
			if (!ktime_after(d->retire_at, now)) {
				due = d;
				break;
			}
		}
		if (!due)
			break;
		list_del_init(&due->node);
		sc->stats.late_callbacks++;
		spin_unlock_irqrestore(sc->lock, flags);
		dmasim_desc_callback(sc, due);
		spin_lock_irqsave(sc->lock, flags);
	}
	list_for_each_entry(d, &h->late, node)
		if (ktime_before(d->retire_at, next))
			next = d->retire_at;
	h->late_running = false;
	spin_unlock_irqrestore(sc->lock, flags);
	/* synchronize (when there is one) waits for the late callbacks. */
	wake_up(&sc->idle_wq);
	if (next == KTIME_MAX)
		return HRTIMER_NORESTART;
	hrtimer_set_expires(t, next);
	return HRTIMER_RESTART;
}

static bool dmasim_late_idle(struct dmasim_chan *sc)
{
	unsigned long flags;
	bool idle;

	spin_lock_irqsave(sc->lock, flags);
	idle = list_empty(&sc->habits.late) && !sc->habits.late_running;
	spin_unlock_irqrestore(sc->lock, flags);
	return idle;
}

/**
 * dmasim_habits_late_wait() - Wait until every late callback has run.
 * @sc: the channel
 *
 * Context: process; waits at most late_us after the last terminate.
 */
void dmasim_habits_late_wait(struct dmasim_chan *sc)
{
	wait_event(sc->idle_wq, dmasim_late_idle(sc));
}

/**
 * dmasim_habits_chan_init() - Set a channel's knobs from the personality.
 * @sc: the channel, not yet registered
 */
void dmasim_habits_chan_init(struct dmasim_chan *sc)
{
	const struct dmasim_preset *p = &dmasim_habit_params;
	struct dmasim_habits *h = &sc->habits;

	h->desc_budget = p->desc_budget;
	h->no_result = p->no_result;
	h->on_error = p->on_error;
	h->late_us = p->late_us;
	sc->start_on_submit = p->start_on_submit;
	INIT_LIST_HEAD(&h->late);
	dmasim_hrtimer_setup(&h->late_timer, dmasim_late_fire,
			     HRTIMER_MODE_ABS_SOFT);
	dmasim_habits_reorder_arm(sc, p->reorder);
}

/**
 * dmasim_habits_chan_reset() - A client takes or gives back the channel.
 * @sc: the channel, lock held, no descriptor left
 *
 * The descriptor pool starts full again, even of slots that prepared and
 * never submitted descriptors kept, as zynqmp_dma's is reallocated; no
 * failed cookie is remembered; the reorder window is reseeded.
 */
void dmasim_habits_chan_reset(struct dmasim_chan *sc)
{
	struct dmasim_habits *h = &sc->habits;

	h->desc_in_use = 0;
	memset(h->err_cookie, 0, sizeof(h->err_cookie));
	h->err_next = 0;
	dmasim_habits_reorder_arm(sc, h->reorder);
}

/**
 * dmasim_habits_chan_teardown() - The engine goes: no timer may run.
 * @sc: the channel, released by every client
 */
void dmasim_habits_chan_teardown(struct dmasim_chan *sc)
{
	hrtimer_cancel(&sc->habits.late_timer);
}

/**
 * dmasim_habits_show() - The habits in effect, for the engine's habits file.
 * @m: the file
 * @eng: the engine
 *
 * "name value" lines; per-channel knobs as "channel/knob value", the path
 * of the knob under the engine's debugfs directory.
 */
void dmasim_habits_show(struct seq_file *m, struct dmasim_engine *eng)
{
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
}
