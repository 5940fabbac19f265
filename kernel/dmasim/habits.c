// SPDX-License-Identifier: GPL-2.0
/*
 * dmasim: habits of real dmaengine providers, as a channel carries them
 * out (docs/dmasim.md, "Personalities").
 *
 * dmasim is friendlier than the providers our users have: it never runs
 * out of descriptors, always passes a result with an exact residue, calls
 * back in order, drops nothing, and synchronizes. Each habit copies one
 * way in which zynqmp_dma, pl330 or xilinx_dma (Linux 6.1) differ, so
 * that a client's bugs show on x86 before they show on the boards. Here:
 * callbacks out of order (reorder), failures without a result
 * (no_result), the reaction to an error (on_error) and callbacks after
 * terminate (late_callback_us). The descriptor budget is budget.c; the
 * personalities and the module parameters that set the knobs are
 * personality.c.
 *
 * Calls go down (docs/dmasim.md, "Sources"): called by debugfs.c,
 * personality.c, chan.c, sched.c and queue.c; calls callback.c and
 * budget.c.
 */

#include <linux/hrtimer.h>
#include <linux/string.h>

#include "budget.h"
#include "callback.h"
#include "compat.h"
#include "habits.h"

/* Fixed, so that the same window sequence shuffles the same way each run. */
#define DMASIM_REORDER_SEED	0x9e3779b9

const char *const dmasim_on_error_names[DMASIM_ON_ERROR_NR] = {
	[DMASIM_ON_ERROR_COMPLETE] = "complete",
	[DMASIM_ON_ERROR_DROP] = "drop",
	[DMASIM_ON_ERROR_STALL] = "stall",
};

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
	oldest = ktime_add_us(oldest, h->reorder_hold_us);
	if (ktime_before(tick->now, oldest)) {
		dmasim_tick_wake(tick, oldest);
		return;
	}
	dmasim_reorder_release(sc, true);
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
 * dmasim_habits_chan_init() - Set up the state of a channel's habits.
 * @sc: the channel, not yet registered
 */
void dmasim_habits_chan_init(struct dmasim_chan *sc)
{
	struct dmasim_habits *h = &sc->habits;

	INIT_LIST_HEAD(&h->late);
	dmasim_hrtimer_setup(&h->late_timer, dmasim_late_fire,
			     HRTIMER_MODE_ABS_SOFT);
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

