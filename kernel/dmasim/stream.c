// SPDX-License-Identifier: GPL-2.0
/*
 * dmasim: the movers. A work item per engine runs the stream (TX -> FIFO ->
 * RX loopback, or TX -> sink and source -> RX) and another the memcpy
 * channel; an hrtimer brings them back when a rate or a delay fault makes
 * them wait.
 *
 * Each step decides what to move under the lock, drops the lock for the
 * copy itself and takes it back to account for it. Channels being copied
 * for are marked busy so that device_synchronize can wait for the copy; a
 * terminate meanwhile bumps the channel's generation and the mover then
 * forgets the copy instead of completing anything with it.
 *
 * Stream rules (AXI-Stream as AXI DMA sees it):
 *  - a TX descriptor is one packet: TLAST follows its last byte;
 *  - an RX descriptor completes at TLAST with the unfilled part as residue;
 *  - a packet longer than the RX descriptor fills it (residue 0) and goes
 *    on in the next RX descriptor, as AXI DMA does in scatter-gather mode;
 *  - TX bytes wait in the FIFO while no RX descriptor is queued; TX stalls
 *    when the FIFO is full (or holds DMASIM_FIFO_MAX_PKTS packet ends).
 * While the FIFO is empty and both sides have a descriptor, bytes go from
 * TX to RX in one copy, so the simulator costs one memcpy per byte.
 */

#include <linux/bottom_half.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "compat.h"
#include "dmasim.h"

#define DMASIM_ENDS_MASK	(DMASIM_FIFO_MAX_PKTS - 1)

static_assert((DMASIM_FIFO_MAX_PKTS & DMASIM_ENDS_MASK) == 0);

u64 dmasim_fifo_level(const struct dmasim_fifo *f)
{
	return f->wr - f->rd;
}

unsigned int dmasim_fifo_packets(const struct dmasim_fifo *f)
{
	return f->ends_wr - f->ends_rd;
}

static u64 dmasim_fifo_next_end(const struct dmasim_fifo *f)
{
	return f->ends[f->ends_rd & DMASIM_ENDS_MASK];
}

/* The open packet (no TLAST yet) has bytes waiting in the FIFO. */
static bool dmasim_fifo_holds_open_packet(const struct dmasim_fifo *f)
{
	if (!dmasim_fifo_level(f))
		return false;
	return !dmasim_fifo_packets(f) ||
	       f->ends[(f->ends_wr - 1) & DMASIM_ENDS_MASK] != f->wr;
}

static void dmasim_fifo_push_end(struct dmasim_fifo *f)
{
	f->ends[f->ends_wr++ & DMASIM_ENDS_MASK] = f->wr;
}

static void dmasim_fifo_consume(struct dmasim_fifo *f, u32 n)
{
	f->rd += n;
	f->rd_off += n;
	if (f->rd_off == f->size)
		f->rd_off = 0;
}

/* Stream lock held. */
void dmasim_fifo_flush(struct dmasim_engine *eng)
{
	struct dmasim_stream *st = &eng->stream;
	struct dmasim_fifo *f = &st->fifo;

	f->wr = 0;
	f->rd = 0;
	f->wr_off = 0;
	f->rd_off = 0;
	f->ends_wr = 0;
	f->ends_rd = 0;
	st->gen++;
	st->tx_open = false;
	st->tx_cut = false;
	st->rx_skip = false;
	st->rx_pkt_bytes = 0;
}

/* The packet RX is receiving ended here (TLAST). */
static void dmasim_rx_packet_end(struct dmasim_engine *eng,
				 struct dmasim_desc *rd)
{
	struct dmasim_stream *st = &eng->stream;
	struct dmasim_chan *rx = &eng->chans[DMASIM_RX];

	st->rx_pkt_bytes = 0;
	if (st->rx_skip) {
		st->rx_skip = false;
		return;
	}
	if (rd && rd->done) {
		rx->stats.packets++;
		dmasim_desc_finish(rx, rd, DMA_TRANS_NOERROR);
	}
}

/* RX got bytes that did not end the packet: truncation or a full buffer. */
static void dmasim_rx_took_bytes(struct dmasim_engine *eng,
				 struct dmasim_desc *rd)
{
	struct dmasim_stream *st = &eng->stream;
	struct dmasim_chan *rx = &eng->chans[DMASIM_RX];
	u32 trunc = rx->fault.truncate;

	if (trunc && st->rx_pkt_bytes >= trunc) {
		rx->stats.packets++;
		rx->stats.truncated++;
		dmasim_desc_finish(rx, rd, DMA_TRANS_NOERROR);
		st->rx_pkt_bytes = 0;
		st->rx_skip = true;
	} else if (rd->done == rd->len) {
		rx->stats.split++;
		dmasim_desc_finish(rx, rd, DMA_TRANS_NOERROR);
	}
}

/* The TX descriptor sent its last byte: TLAST goes where the bytes went. */
static void dmasim_tx_packet_end(struct dmasim_engine *eng,
				 struct dmasim_desc *td, bool into_fifo,
				 struct dmasim_desc *rd)
{
	struct dmasim_chan *tx = &eng->chans[DMASIM_TX];
	struct dmasim_stream *st = &eng->stream;

	/* Bytes a truncate fault cut off are read and dropped. */
	td->done = td->len;
	tx->stats.packets++;
	st->tx_open = false;
	dmasim_desc_finish(tx, td, DMA_TRANS_NOERROR);
	if (into_fifo)
		dmasim_fifo_push_end(&st->fifo);
	else
		dmasim_rx_packet_end(eng, rd);
}

/* The RX descriptor holding the start of an unfinished packet, if any. */
static struct dmasim_desc *dmasim_rx_receiving(struct dmasim_engine *eng)
{
	struct dmasim_desc *d;

	d = list_first_entry_or_null(&eng->chans[DMASIM_RX].issued,
				     struct dmasim_desc, node);
	return d && d->started && !d->finished && d->done ? d : NULL;
}

/* TX was terminated mid-packet: the packet ends where it was cut. */
static bool dmasim_apply_cut(struct dmasim_engine *eng)
{
	struct dmasim_stream *st = &eng->stream;

	if (!st->tx_cut)
		return false;
	st->tx_cut = false;
	st->tx_open = false;
	if (dmasim_fifo_holds_open_packet(&st->fifo))
		dmasim_fifo_push_end(&st->fifo);
	else
		dmasim_rx_packet_end(eng, dmasim_rx_receiving(eng));
	return true;
}

static void dmasim_tx_bus_error(struct dmasim_engine *eng,
				struct dmasim_desc *td)
{
	struct dmasim_chan *tx = &eng->chans[DMASIM_TX];

	tx->stats.bus_errors++;
	dmasim_desc_finish(tx, td, DMA_TRANS_READ_FAILED);
	if (eng->stream.tx_open)
		eng->stream.tx_cut = true;
}

static void dmasim_rx_bus_error(struct dmasim_engine *eng,
				struct dmasim_desc *rd)
{
	struct dmasim_chan *rx = &eng->chans[DMASIM_RX];
	struct dmasim_stream *st = &eng->stream;

	rx->stats.bus_errors++;
	dmasim_desc_finish(rx, rd, DMA_TRANS_WRITE_FAILED);
	/* A packet already partly delivered cannot be resumed elsewhere. */
	if (st->rx_pkt_bytes)
		st->rx_skip = true;
	st->rx_pkt_bytes = 0;
}

static u32 dmasim_rx_trunc_left(struct dmasim_engine *eng, u32 n)
{
	u32 trunc = eng->chans[DMASIM_RX].fault.truncate;

	if (!trunc)
		return n;
	return min_t(u64, n, trunc - eng->stream.rx_pkt_bytes);
}

static bool dmasim_tx_to_fifo(struct dmasim_engine *eng,
			      struct dmasim_desc *td, unsigned long *flags)
	__must_hold(&eng->stream_lock)
{
	struct dmasim_chan *tx = &eng->chans[DMASIM_TX];
	struct dmasim_stream *st = &eng->stream;
	struct dmasim_fifo *f = &st->fifo;
	unsigned int gen = tx->gen, sgen = st->gen;
	bool copy = !tx->no_copy;
	u32 off = f->wr_off, n;
	struct dmasim_move mv;
	dma_addr_t addr;

	n = min_t(u64, td->xfer_len - td->done, dmasim_span(td));
	n = min_t(u64, n, f->size - dmasim_fifo_level(f));
	n = min3(n, f->size - off, dmasim_chunk(eng));
	addr = dmasim_addr(td);
	if (copy && !dmasim_mem_ok(eng, addr, n)) {
		dmasim_tx_bus_error(eng, td);
		return true;
	}

	dmasim_chan_hold(tx);
	mv = (struct dmasim_move){ .src = addr, .dst_buf = f->buf + off,
				   .len = copy ? n : 0 };
	dmasim_move(eng, &eng->stream_lock, flags, &mv);
	dmasim_chan_release(tx);
	if (gen != tx->gen || sgen != st->gen)
		return true;

	f->wr += n;
	f->wr_off += n;
	if (f->wr_off == f->size)
		f->wr_off = 0;
	dmasim_desc_advance(td, n);
	tx->stats.bytes += n;
	st->tx_open = true;
	if (td->done == td->xfer_len)
		dmasim_tx_packet_end(eng, td, true, NULL);
	return true;
}

static bool dmasim_fifo_to_rx(struct dmasim_engine *eng,
			      struct dmasim_desc *rd, unsigned long *flags)
	__must_hold(&eng->stream_lock)
{
	struct dmasim_chan *rx = &eng->chans[DMASIM_RX];
	struct dmasim_stream *st = &eng->stream;
	struct dmasim_fifo *f = &st->fifo;
	unsigned int gen = rx->gen, sgen = st->gen;
	bool has_end = dmasim_fifo_packets(f);
	u64 stop = has_end ? dmasim_fifo_next_end(f) : f->wr;
	bool copy = !rx->no_copy;
	u32 off = f->rd_off, n;
	struct dmasim_move mv;
	dma_addr_t addr;

	n = min_t(u64, stop - f->rd, dmasim_span(rd));
	n = min3(n, f->size - off, dmasim_chunk(eng));
	n = dmasim_rx_trunc_left(eng, n);
	if (WARN_ON_ONCE(!n))
		return false;
	addr = dmasim_addr(rd);
	if (copy && !dmasim_mem_ok(eng, addr, n)) {
		dmasim_rx_bus_error(eng, rd);
		return true;
	}

	dmasim_chan_hold(rx);
	mv = (struct dmasim_move){ .dst = addr, .src_buf = f->buf + off,
				   .len = copy ? n : 0 };
	dmasim_move(eng, &eng->stream_lock, flags, &mv);
	dmasim_chan_release(rx);
	if (gen != rx->gen || sgen != st->gen)
		return true;

	dmasim_fifo_consume(f, n);
	dmasim_desc_advance(rd, n);
	rx->stats.bytes += n;
	st->rx_pkt_bytes += n;
	if (has_end && f->rd == stop) {
		f->ends_rd++;
		dmasim_rx_packet_end(eng, rd);
	} else {
		dmasim_rx_took_bytes(eng, rd);
	}
	return true;
}

/* Drop FIFO bytes up to the next TLAST (rest of a packet RX gave up on). */
static void dmasim_fifo_skip(struct dmasim_engine *eng)
{
	struct dmasim_stream *st = &eng->stream;
	struct dmasim_fifo *f = &st->fifo;
	bool has_end = dmasim_fifo_packets(f);
	u64 stop = has_end ? dmasim_fifo_next_end(f) : f->wr;

	while (f->rd != stop)
		dmasim_fifo_consume(f, min_t(u64, stop - f->rd,
					     f->size - f->rd_off));
	if (has_end) {
		f->ends_rd++;
		dmasim_rx_packet_end(eng, NULL);
	}
}

/* FIFO empty, both sides ready (or RX dropping): one copy, TX to RX. */
static bool dmasim_tx_to_rx(struct dmasim_engine *eng, struct dmasim_desc *td,
			    struct dmasim_desc *rd, unsigned long *flags)
	__must_hold(&eng->stream_lock)
{
	struct dmasim_chan *tx = &eng->chans[DMASIM_TX];
	struct dmasim_chan *rx = &eng->chans[DMASIM_RX];
	struct dmasim_stream *st = &eng->stream;
	unsigned int tgen = tx->gen, rgen = rx->gen;
	dma_addr_t src = dmasim_addr(td), dst = 0;
	bool copy = rd && !tx->no_copy && !rx->no_copy;
	struct dmasim_move mv;
	u32 n;

	n = min_t(u64, td->xfer_len - td->done, dmasim_span(td));
	n = min_t(u32, n, dmasim_chunk(eng));
	if (rd) {
		n = min(n, dmasim_span(rd));
		n = dmasim_rx_trunc_left(eng, n);
		dst = dmasim_addr(rd);
	}
	if (copy && !dmasim_mem_ok(eng, src, n)) {
		dmasim_tx_bus_error(eng, td);
		return true;
	}
	if (copy && !dmasim_mem_ok(eng, dst, n)) {
		dmasim_rx_bus_error(eng, rd);
		return true;
	}

	dmasim_chan_hold(tx);
	if (rd)
		dmasim_chan_hold(rx);
	mv = (struct dmasim_move){ .dst = dst, .src = src, .len = copy ? n : 0 };
	dmasim_move(eng, &eng->stream_lock, flags, &mv);
	dmasim_chan_release(tx);
	if (rd)
		dmasim_chan_release(rx);
	if (tgen != tx->gen || (rd && rgen != rx->gen))
		return true;

	dmasim_desc_advance(td, n);
	tx->stats.bytes += n;
	st->tx_open = true;
	if (rd) {
		dmasim_desc_advance(rd, n);
		rx->stats.bytes += n;
		st->rx_pkt_bytes += n;
	}
	if (td->done == td->xfer_len)
		dmasim_tx_packet_end(eng, td, false, rd);
	else if (rd)
		dmasim_rx_took_bytes(eng, rd);
	return true;
}

static bool dmasim_loop_step(struct dmasim_engine *eng,
			     struct dmasim_tick *tick)
{
	struct dmasim_stream *st = &eng->stream;
	struct dmasim_fifo *f = &st->fifo;
	struct dmasim_desc *td, *rd;
	unsigned long flags;
	bool progress = false;
	u64 level;

	spin_lock_irqsave(&eng->stream_lock, flags);
	if (st->mode != DMASIM_MODE_LOOPBACK)
		goto out;
	progress = dmasim_apply_cut(eng);
	td = dmasim_active_desc(&eng->chans[DMASIM_TX], tick);
	rd = dmasim_active_desc(&eng->chans[DMASIM_RX], tick);
	level = dmasim_fifo_level(f);

	if (level && st->rx_skip) {
		dmasim_fifo_skip(eng);
		progress = true;
	} else if (level && rd) {
		progress |= dmasim_fifo_to_rx(eng, rd, &flags);
	} else if (!level && td && (rd || st->rx_skip)) {
		progress |= dmasim_tx_to_rx(eng, td, st->rx_skip ? NULL : rd,
					    &flags);
	} else if (td && level < f->size &&
		   dmasim_fifo_packets(f) < DMASIM_FIFO_MAX_PKTS) {
		progress |= dmasim_tx_to_fifo(eng, td, &flags);
	}
out:
	spin_unlock_irqrestore(&eng->stream_lock, flags);
	return progress;
}

/* The sink takes whole TX descriptors, at sink_bps if set; it reads nothing. */
static bool dmasim_sink_step(struct dmasim_engine *eng,
			     struct dmasim_tick *tick)
{
	struct dmasim_chan *tx = &eng->chans[DMASIM_TX];
	struct dmasim_stream *st = &eng->stream;
	struct dmasim_desc *td;
	unsigned long flags;
	bool progress = false;
	u64 n;

	spin_lock_irqsave(&eng->stream_lock, flags);
	if (st->mode != DMASIM_MODE_SOURCE_SINK)
		goto out;
	td = dmasim_active_desc(tx, tick);
	if (!td)
		goto out;
	n = td->len - td->done;
	if (st->sink_bps) {
		ktime_t start = st->sink_next;

		if (ktime_before(tick->now, start)) {
			dmasim_tick_wake(tick, start);
			goto out;
		}
		if (ktime_before(start, tick->now))
			start = tick->now;
		/* Pace in pieces so a big descriptor drains smoothly. */
		n = min_t(u64, n, DMASIM_CHUNK);
		st->sink_next = ktime_add_ns(start,
					     mul_u64_u64_div_u64(n, NSEC_PER_SEC,
								 st->sink_bps));
	}
	dmasim_desc_advance(td, n);
	tx->stats.bytes += n;
	if (td->done == td->len) {
		tx->stats.packets++;
		dmasim_desc_finish(tx, td, DMA_TRANS_NOERROR);
	}
	progress = true;
out:
	spin_unlock_irqrestore(&eng->stream_lock, flags);
	return progress;
}

/*
 * Nothing to move: finish up to DMASIM_NOCOPY_BURST descriptors in one
 * pass, as an engine works down its chain while the CPU takes a single
 * interrupt for several of them. One descriptor per pass would make the
 * simulator's own per-pass cost (locks, softirq, reschedule) what a
 * no-copy benchmark measures. Faults still apply per descriptor: the next
 * one is started (and maybe failed) by dmasim_active_desc(), and a delay
 * or a stall ends the burst. Channel lock held.
 */
static void dmasim_nocopy_burst(struct dmasim_chan *mc, struct dmasim_desc *d,
				struct dmasim_tick *tick)
{
	unsigned int i;

	for (i = 0; d && i < DMASIM_NOCOPY_BURST; i++) {
		mc->stats.bytes += d->xfer_len - d->done;
		dmasim_desc_advance(d, d->xfer_len - d->done);
		dmasim_desc_finish(mc, d, DMA_TRANS_NOERROR);
		d = dmasim_active_desc(mc, tick);
	}
}

static bool dmasim_copy_step(struct dmasim_engine *eng,
			     struct dmasim_tick *tick)
{
	struct dmasim_chan *mc = &eng->chans[DMASIM_MEMCPY];
	enum dmaengine_tx_result bad = DMA_TRANS_NOERROR;
	struct dmasim_move mv;
	struct dmasim_desc *d;
	dma_addr_t src, dst;
	unsigned long flags;
	unsigned int gen;
	bool copy;
	u32 n;

	spin_lock_irqsave(mc->lock, flags);
	d = dmasim_active_desc(mc, tick);
	if (!d) {
		spin_unlock_irqrestore(mc->lock, flags);
		return false;
	}
	if (mc->no_copy) {
		dmasim_nocopy_burst(mc, d, tick);
		spin_unlock_irqrestore(mc->lock, flags);
		return true;
	}
	n = min_t(u64, d->xfer_len - d->done, dmasim_chunk(eng));
	src = d->copy_src + d->done;
	dst = d->segs[0].addr + d->done;
	copy = !mc->no_copy;
	if (copy && !dmasim_mem_ok(eng, src, n))
		bad = DMA_TRANS_READ_FAILED;
	else if (copy && !dmasim_mem_ok(eng, dst, n))
		bad = DMA_TRANS_WRITE_FAILED;
	if (bad != DMA_TRANS_NOERROR) {
		mc->stats.bus_errors++;
		dmasim_desc_finish(mc, d, bad);
		spin_unlock_irqrestore(mc->lock, flags);
		return true;
	}
	gen = mc->gen;
	dmasim_chan_hold(mc);
	mv = (struct dmasim_move){ .dst = dst, .src = src, .len = copy ? n : 0 };
	dmasim_move(eng, mc->lock, &flags, &mv);
	dmasim_chan_release(mc);
	if (gen == mc->gen) {
		dmasim_desc_advance(d, n);
		mc->stats.bytes += n;
		if (d->done == d->xfer_len)
			dmasim_desc_finish(mc, d, DMA_TRANS_NOERROR);
	}
	spin_unlock_irqrestore(mc->lock, flags);
	return true;
}

static bool dmasim_retire_all(struct dmasim_chan *sc, struct dmasim_tick *tick)
{
	unsigned long flags;
	bool progress = false;

	spin_lock_irqsave(sc->lock, flags);
	while (dmasim_retire(sc, tick))
		progress = true;
	dmasim_habits_poll(sc, tick);
	spin_unlock_irqrestore(sc->lock, flags);
	return progress;
}

static void dmasim_run(struct dmasim_engine *eng, struct hrtimer *timer,
		       bool (*step)(struct dmasim_engine *eng,
				    struct dmasim_tick *tick))
{
	struct dmasim_tick tick;
	bool progress;

	do {
		tick.now = ktime_get();
		tick.wake = KTIME_MAX;
		tick.completed = false;
		progress = step(eng, &tick);
		/*
		 * Like the interrupt of a real engine: the callbacks run now,
		 * in softirq context, not when ksoftirqd or the next tick gets
		 * to them while this pass keeps the CPU busy.
		 */
		if (tick.completed) {
			local_bh_disable();
			local_bh_enable();
		}
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
	progress = dmasim_retire_all(&eng->chans[DMASIM_TX], tick);
	progress |= dmasim_retire_all(&eng->chans[DMASIM_RX], tick);
	progress |= dmasim_loop_step(eng, tick);
	progress |= dmasim_sink_step(eng, tick);
	progress |= dmasim_source_step(eng, tick);
	return progress;
}

static bool dmasim_memcpy_step(struct dmasim_engine *eng,
			       struct dmasim_tick *tick)
{
	bool progress;

	progress = dmasim_retire_all(&eng->chans[DMASIM_MEMCPY], tick);
	progress |= dmasim_copy_step(eng, tick);
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

void dmasim_kick(struct dmasim_chan *sc)
{
	struct dmasim_engine *eng = sc->eng;

	queue_work(dmasim_wq, sc->id == DMASIM_MEMCPY ? &eng->copy_work :
							 &eng->stream_work);
}

/* terminate_all on a stream channel, stream lock held. */
void dmasim_stream_terminated(struct dmasim_chan *sc)
{
	struct dmasim_stream *st = &sc->eng->stream;

	switch (sc->id) {
	case DMASIM_TX:
		if (st->tx_open)
			st->tx_cut = true;
		break;
	case DMASIM_RX:
		/* The next RX descriptor starts with the next whole packet. */
		if (st->rx_pkt_bytes)
			st->rx_skip = true;
		st->rx_pkt_bytes = 0;
		if (st->source.pkt.active) {
			st->source.pkt.active = false;
			sc->stats.source_cut++;
		}
		break;
	default:
		break;
	}
}

int dmasim_stream_init(struct dmasim_engine *eng)
{
	struct dmasim_fifo *f = &eng->stream.fifo;

	f->size = eng->limits.fifo_depth;
	if (f->size) {
		f->buf = kvzalloc(f->size, GFP_KERNEL);
		if (!f->buf)
			return -ENOMEM;
	}
	INIT_WORK(&eng->stream_work, dmasim_stream_work);
	INIT_WORK(&eng->copy_work, dmasim_copy_work);
	dmasim_hrtimer_setup(&eng->stream_timer, dmasim_stream_timer_fn,
			     HRTIMER_MODE_ABS);
	dmasim_hrtimer_setup(&eng->copy_timer, dmasim_copy_timer_fn,
			     HRTIMER_MODE_ABS);
	return 0;
}

/* No client is left: stop the movers for good. */
void dmasim_stream_stop(struct dmasim_engine *eng)
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

void dmasim_stream_free(struct dmasim_engine *eng)
{
	kvfree(eng->stream.fifo.buf);
}
