// SPDX-License-Identifier: GPL-2.0
/*
 * dmasim: when the movers run. A work item per engine runs the stream's
 * movers (stream.c: TX -> FIFO -> RX loopback, or the sink; source.c: the
 * source) and another the memcpy channel's (copy.c); an hrtimer brings
 * them back when a rate or a delay fault makes them wait. Each pass also
 * retires finished descriptors (queue.c) and lets a reorder window go
 * that waited too long (habits.c).
 *
 * Each step decides what to move under the lock, drops the lock for the
 * copy itself and takes it back to account for it. Channels being copied
 * for are marked busy so that device_synchronize can wait for the copy; a
 * terminate meanwhile bumps the channel's generation and the mover then
 * forgets the copy instead of completing anything with it.
 *
 * Calls go down (docs/dmasim.md, "Sources"): called by main.c,
 * debugfs.c and chan.c; calls stream.c, source.c, copy.c, queue.c,
 * habits.c and mem.h's lock helpers.
 */

#include <linux/hrtimer.h>
#include <linux/sched.h>
#include <linux/workqueue.h>

#include "compat.h"
#include "copy.h"
#include "habits.h"
#include "mem.h"
#include "queue.h"
#include "sched.h"
#include "source.h"
#include "stream.h"

static struct workqueue_struct *dmasim_wq;

/*
 * The clock again before each part of a pass: callbacks run as a mover
 * lets go of its lock, and what they submit and issue must not be timed
 * (a delay fault, the reorder hold, the sink's pace) from before it was.
 */
static struct dmasim_tick *dmasim_tick_now(struct dmasim_tick *tick)
{
	tick->now = ktime_get();
	return tick;
}

static bool dmasim_retire_all(struct dmasim_chan *sc, struct dmasim_tick *tick)
{
	unsigned long flags;
	bool progress = false;

	dmasim_mover_lock(sc->lock, &flags);
	while (dmasim_retire(sc, tick))
		progress = true;
	dmasim_habits_poll(sc, tick);
	dmasim_mover_unlock(sc->lock, flags);
	return progress;
}

static void dmasim_run(struct dmasim_engine *eng, struct hrtimer *timer,
		       bool (*step)(struct dmasim_engine *eng,
				    struct dmasim_tick *tick))
{
	struct dmasim_tick tick;
	bool progress;

	do {
		tick.wake = KTIME_MAX;
		/*
		 * The callbacks of what the step completed ran as it let go
		 * of the channel lock (dmasim_mover_unlock()), in softirq
		 * context, as after a real engine's interrupt.
		 */
		progress = step(eng, &tick);
		cond_resched();
	} while (progress && !READ_ONCE(eng->dying));
	if (tick.wake != KTIME_MAX && !READ_ONCE(eng->dying))
		hrtimer_start(timer, tick.wake, HRTIMER_MODE_ABS);
}

static bool dmasim_stream_step(struct dmasim_engine *eng,
			       struct dmasim_tick *tick)
{
	bool progress;

	/* Retire first: a delayed head's deadline must be seen every pass. */
	progress = dmasim_retire_all(&eng->chans[DMASIM_TX], dmasim_tick_now(tick));
	progress |= dmasim_retire_all(&eng->chans[DMASIM_RX], dmasim_tick_now(tick));
	progress |= dmasim_loop_step(eng, dmasim_tick_now(tick));
	progress |= dmasim_sink_step(eng, dmasim_tick_now(tick));
	progress |= dmasim_source_step(eng, dmasim_tick_now(tick));
	return progress;
}

static bool dmasim_memcpy_step(struct dmasim_engine *eng,
			       struct dmasim_tick *tick)
{
	bool progress;

	progress = dmasim_retire_all(&eng->chans[DMASIM_MEMCPY], dmasim_tick_now(tick));
	progress |= dmasim_copy_step(eng, dmasim_tick_now(tick));
	return progress;
}

static void dmasim_stream_work(struct work_struct *work)
{
	struct dmasim_engine *eng = container_of(work, struct dmasim_engine,
						 stream_work);

	dmasim_run(eng, &eng->stream_timer, dmasim_stream_step);
}

static void dmasim_copy_work(struct work_struct *work)
{
	struct dmasim_engine *eng = container_of(work, struct dmasim_engine,
						 copy_work);

	dmasim_run(eng, &eng->copy_timer, dmasim_memcpy_step);
}

static enum hrtimer_restart dmasim_stream_timer_fn(struct hrtimer *t)
{
	struct dmasim_engine *eng = container_of(t, struct dmasim_engine,
						 stream_timer);

	queue_work(dmasim_wq, &eng->stream_work);
	return HRTIMER_NORESTART;
}

static enum hrtimer_restart dmasim_copy_timer_fn(struct hrtimer *t)
{
	struct dmasim_engine *eng = container_of(t, struct dmasim_engine,
						 copy_timer);

	queue_work(dmasim_wq, &eng->copy_work);
	return HRTIMER_NORESTART;
}

/**
 * dmasim_kick_stream() - Have the stream's movers look at it again.
 * @eng: the engine
 *
 * Context: any; the pass runs in the workqueue.
 */
void dmasim_kick_stream(struct dmasim_engine *eng)
{
	queue_work(dmasim_wq, &eng->stream_work);
}

/**
 * dmasim_kick() - Have the mover of a channel look at it again.
 * @sc: the channel
 *
 * Context: any; the pass runs in the workqueue.
 */
void dmasim_kick(struct dmasim_chan *sc)
{
	struct dmasim_engine *eng = sc->eng;

	queue_work(dmasim_wq, sc->id == DMASIM_MEMCPY ? &eng->copy_work :
							 &eng->stream_work);
}

/**
 * dmasim_sched_init() - Set up an engine's work items and timers.
 * @eng: the engine, before any of its channels is registered
 */
void dmasim_sched_init(struct dmasim_engine *eng)
{
	INIT_WORK(&eng->stream_work, dmasim_stream_work);
	INIT_WORK(&eng->copy_work, dmasim_copy_work);
	dmasim_hrtimer_setup(&eng->stream_timer, dmasim_stream_timer_fn,
			     HRTIMER_MODE_ABS);
	dmasim_hrtimer_setup(&eng->copy_timer, dmasim_copy_timer_fn,
			     HRTIMER_MODE_ABS);
}

/**
 * dmasim_sched_stop() - Stop an engine's movers for good.
 * @eng: the engine, which no client holds any more
 *
 * Context: process; waits for a pass that is running.
 */
void dmasim_sched_stop(struct dmasim_engine *eng)
{
	WRITE_ONCE(eng->dying, true);
	/* A pass that began before "dying" may still arm its timer ... */
	cancel_work_sync(&eng->stream_work);
	cancel_work_sync(&eng->copy_work);
	/* ... whose expiry may queue one last pass, which will not re-arm. */
	hrtimer_cancel(&eng->stream_timer);
	hrtimer_cancel(&eng->copy_timer);
	cancel_work_sync(&eng->stream_work);
	cancel_work_sync(&eng->copy_work);
}

/**
 * dmasim_sched_module_init() - Create the workqueue the movers run in.
 *
 * Return: 0 or -ENOMEM.
 */
int dmasim_sched_module_init(void)
{
	dmasim_wq = alloc_workqueue("dmasim", WQ_UNBOUND, 0);
	if (!dmasim_wq)
		return -ENOMEM;
	return 0;
}

/**
 * dmasim_sched_module_exit() - Destroy the movers' workqueue.
 *
 * Context: every engine has stopped its movers.
 */
void dmasim_sched_module_exit(void)
{
	destroy_workqueue(dmasim_wq);
}
