// SPDX-License-Identifier: GPL-2.0
/*
 * dmasim: the stream between the TX and RX channels, as its movers see it:
 * in loopback mode TX -> FIFO -> RX, in source-sink mode TX -> sink (the
 * source, which feeds RX then, is source.c). sched.c runs the steps.
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
 *
 * Calls go down (docs/dmasim.md, "Sources"): called by main.c,
 * debugfs.c, chan.c (terminate) and sched.c; calls queue.c and mem.c.
 */

#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/slab.h>

#include "mem.h"
#include "queue.h"
#include "stream.h"

#define DMASIM_ENDS_MASK	(DMASIM_FIFO_MAX_PKTS - 1)

static_assert((DMASIM_FIFO_MAX_PKTS & DMASIM_ENDS_MASK) == 0);

const char *const dmasim_mode_names[] = {
	[DMASIM_MODE_LOOPBACK] = "loopback",
	[DMASIM_MODE_SOURCE_SINK] = "source-sink",
};

/**
 * dmasim_fifo_level() - Bytes in the FIFO.
 * @f: the FIFO, stream lock held
 *
 * Return: bytes written and not yet read.
 */
u64 dmasim_fifo_level(const struct dmasim_fifo *f)
{
	return f->wr - f->rd;
}

/**
 * dmasim_fifo_packets() - Packet ends (TLASTs) in the FIFO.
 * @f: the FIFO, stream lock held
 *
 * Return: how many packets end in the FIFO.
 */
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

/**
 * dmasim_fifo_flush() - Empty the FIFO and forget every packet in flight.
 * @eng: the engine
 *
 * Movers in the middle of a copy drop it (the stream's generation changes).
 *
 * Context: stream lock held.
 */
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
	u32 trunc = st->rx_trunc;

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

/*
 * How much of @n RX may take before a truncate fault cuts the packet. The
 * knob is read when a packet begins and holds for all of it: lowered below
 * what the packet already has, it would otherwise leave nothing to take
 * and no cut either (the ABI fuzzer turned it so mid-packet).
 */
static u32 dmasim_rx_trunc_left(struct dmasim_engine *eng, u32 n)
{
	struct dmasim_stream *st = &eng->stream;

	if (!st->rx_pkt_bytes)
		st->rx_trunc = eng->chans[DMASIM_RX].fault.truncate;
	if (!st->rx_trunc)
		return n;
	return min_t(u64, n, st->rx_trunc - st->rx_pkt_bytes);
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

/**
 * dmasim_loop_step() - One step of the loopback stream: TX -> FIFO -> RX.
 * @eng: the engine
 * @tick: the pass it is part of
 *
 * Context: the engine's stream work item; takes the stream lock.
 * Return: true if it moved data or finished a descriptor.
 */
bool dmasim_loop_step(struct dmasim_engine *eng, struct dmasim_tick *tick)
{
	struct dmasim_stream *st = &eng->stream;
	struct dmasim_fifo *f = &st->fifo;
	struct dmasim_desc *td, *rd;
	unsigned long flags;
	bool progress = false;
	u64 level;

	dmasim_mover_lock(&eng->stream_lock, &flags);
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
	dmasim_mover_unlock(&eng->stream_lock, flags);
	return progress;
}

/**
 * dmasim_sink_step() - One step of the sink, in source-sink mode.
 * @eng: the engine
 * @tick: the pass it is part of
 *
 * The sink takes whole TX descriptors, at sink_bps if set; it reads nothing.
 *
 * Context: the engine's stream work item; takes the stream lock.
 * Return: true if it took bytes.
 */
bool dmasim_sink_step(struct dmasim_engine *eng, struct dmasim_tick *tick)
{
	struct dmasim_chan *tx = &eng->chans[DMASIM_TX];
	struct dmasim_stream *st = &eng->stream;
	struct dmasim_desc *td;
	unsigned long flags;
	bool progress = false;
	u64 n;

	dmasim_mover_lock(&eng->stream_lock, &flags);
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
	dmasim_mover_unlock(&eng->stream_lock, flags);
	return progress;
}

/**
 * dmasim_stream_terminated() - terminate_all met a stream channel.
 * @sc: the channel
 *
 * The FIFO is outside the DMA core, so it keeps its bytes: a packet TX was
 * sending ends where it was cut, and RX drops the rest of the packet it
 * was receiving (and the source's packet in flight).
 *
 * Context: stream lock held.
 */
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

/**
 * dmasim_stream_init() - Allocate an engine's FIFO.
 * @eng: the engine, its limits read
 *
 * Return: 0 or -ENOMEM.
 */
int dmasim_stream_init(struct dmasim_engine *eng)
{
	struct dmasim_fifo *f = &eng->stream.fifo;

	f->size = eng->limits.fifo_depth;
	if (f->size) {
		f->buf = kvzalloc(f->size, GFP_KERNEL);
		if (!f->buf)
			return -ENOMEM;
	}
	return 0;
}

/**
 * dmasim_stream_free() - Free an engine's FIFO.
 * @eng: the engine, whose movers have stopped
 */
void dmasim_stream_free(struct dmasim_engine *eng)
{
	kvfree(eng->stream.fifo.buf);
}
