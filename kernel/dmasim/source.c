// SPDX-License-Identifier: GPL-2.0
/*
 * dmasim: the stream source on RX, a stand-in for an ADC or a camera.
 *
 * Packet k (k = 0, 1, ...) is due source_pps times a second after the
 * source was started. At its due time it needs RX descriptors queued that
 * can hold all of it (it may span several, as a long packet does);
 * otherwise it is dropped and counted as an overrun, its sequence number
 * lost, so the receiver sees the drop as a gap. With source_pps = 0 the
 * source is paced by RX instead: it waits for room and never drops.
 * The packet layout is in uapi/linux/dmasim.h.
 *
 * Calls go down (docs/dmasim.md, "Sources"): called by main.c,
 * debugfs.c and sched.c; calls queue.c and mem.c.
 */

#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/string.h>

#include "mem.h"
#include "queue.h"
#include "source.h"

const char *const dmasim_pattern_names[] = {
	[DMASIM_PATTERN_COUNTER] = "counter",
	[DMASIM_PATTERN_PRBS] = "prbs",
};

struct dmasim_gen {
	struct dmasim_src_pkt pkt;	/* a private copy, advanced as we write */
	u32 pattern;
	u8 hdr[DMASIM_PKT_HDR_LEN];
};

static void dmasim_gen_prbs(struct dmasim_gen *g, u8 *p, size_t n)
{
	struct dmasim_src_pkt *pkt = &g->pkt;

	while (n) {
		u32 pos = pkt->off - DMASIM_PKT_HDR_LEN;
		u32 word = pos / 4, byte = pos % 4;

		while (pkt->prbs_words <= word) {
			pkt->prbs = dmasim_prbs_next(pkt->prbs);
			pkt->prbs_words++;
		}
		for (; byte < 4 && n; byte++, n--, pkt->off++)
			*p++ = pkt->prbs >> (8 * byte);
	}
}

static void dmasim_gen_fill(void *buf, size_t n, void *ctx)
{
	struct dmasim_gen *g = ctx;
	struct dmasim_src_pkt *pkt = &g->pkt;
	u8 *p = buf;

	while (n && pkt->off < DMASIM_PKT_HDR_LEN) {
		size_t k = min_t(size_t, n, DMASIM_PKT_HDR_LEN - pkt->off);

		memcpy(p, g->hdr + pkt->off, k);
		p += k;
		n -= k;
		pkt->off += k;
	}
	if (g->pattern == DMASIM_PATTERN_PRBS) {
		dmasim_gen_prbs(g, p, n);
		return;
	}
	for (; n; n--, pkt->off++)
		*p++ = pkt->seq + pkt->off;
}

static void dmasim_gen_header(struct dmasim_gen *g)
{
	struct dmasim_pkt_hdr hdr = {
		.magic = cpu_to_le32(DMASIM_PKT_MAGIC),
		.seq = cpu_to_le32(g->pkt.seq),
		.len = cpu_to_le32(g->pkt.full_len),
		.pattern = cpu_to_le32(g->pattern),
		.time_ns = cpu_to_le64(g->pkt.time_ns),
	};

	static_assert(sizeof(hdr) == DMASIM_PKT_HDR_LEN);
	memcpy(g->hdr, &hdr, sizeof(hdr));
}

/* Stream lock held. Start the next packet if it is due and fits. */
static bool dmasim_source_begin(struct dmasim_engine *eng,
				struct dmasim_tick *tick, bool *progress)
{
	struct dmasim_source *src = &eng->stream.source;
	struct dmasim_chan *rx = &eng->chans[DMASIM_RX];
	u32 len = src->len, trunc = rx->fault.truncate;
	u64 room;

	if (src->count && src->seq >= src->count) {
		src->running = false;
		return false;
	}
	if (trunc && trunc < len)
		len = trunc;
	room = dmasim_rx_room(rx);
	if (src->pps) {
		u64 elapsed = ktime_to_ns(ktime_sub(tick->now, src->t0));
		u64 due = mul_u64_u64_div_u64(elapsed, src->pps, NSEC_PER_SEC) + 1;

		if (due <= src->seq) {
			/* +1 ns: the integer division must not wake us early. */
			u64 at = mul_u64_u64_div_u64(src->seq, NSEC_PER_SEC,
						     src->pps) + 1;

			dmasim_tick_wake(tick, ktime_add_ns(src->t0, at));
			return false;
		}
		if (room < len) {
			u64 lost = due - src->seq;

			if (src->count)
				lost = min_t(u64, lost, src->count - src->seq);
			rx->stats.overruns += lost;
			src->seq += lost;
			*progress = true;
			return false;
		}
	} else if (room < len) {
		return false;
	}

	src->pkt = (struct dmasim_src_pkt) {
		.active = true,
		.seq = src->seq++,
		.len = len,
		.full_len = src->len,
		.time_ns = ktime_get_ns(),
	};
	src->pkt.prbs = dmasim_prbs_seed(src->pkt.seq);
	if (len < src->len)
		rx->stats.truncated++;
	*progress = true;
	return true;
}

/**
 * dmasim_source_step() - One step of the source, in source-sink mode.
 * @eng: the engine
 * @tick: the pass it is part of, told when the next packet is due
 *
 * Context: the engine's stream work item; takes the stream lock.
 * Return: true if it wrote bytes, started, dropped or lost a packet.
 */
bool dmasim_source_step(struct dmasim_engine *eng, struct dmasim_tick *tick)
{
	struct dmasim_stream *st = &eng->stream;
	struct dmasim_source *src = &st->source;
	struct dmasim_chan *rx = &eng->chans[DMASIM_RX];
	unsigned int gen, sgen;
	struct dmasim_move mv;
	struct dmasim_desc *rd;
	struct dmasim_gen g;
	bool progress = false;
	unsigned long flags;
	dma_addr_t addr;
	u32 n;

	dmasim_mover_lock(&eng->stream_lock, &flags);
	if (st->mode != DMASIM_MODE_SOURCE_SINK)
		goto out;
	if (!src->pkt.active &&
	    (!src->running || !dmasim_source_begin(eng, tick, &progress)))
		goto out;
	rd = dmasim_active_desc(rx, tick);
	if (!rd) {
		/* A stalled channel or a delayed completion: wait for it. */
		if (!list_empty(&rx->issued))
			goto out;
		/* The room it was started with failed under it: lose the rest. */
		src->pkt.active = false;
		rx->stats.source_cut++;
		progress = true;
		goto out;
	}
	n = min3(src->pkt.len - src->pkt.off, dmasim_span(rd), dmasim_chunk(eng));
	addr = dmasim_addr(rd);
	progress = true;
	if (!rx->no_copy && !dmasim_mem_ok(eng, addr, n)) {
		rx->stats.bus_errors++;
		dmasim_desc_finish(rx, rd, DMA_TRANS_WRITE_FAILED);
		goto out;
	}

	g.pkt = src->pkt;
	g.pattern = src->pattern;
	dmasim_gen_header(&g);
	gen = rx->gen;
	sgen = st->gen;
	dmasim_chan_hold(rx);
	mv = (struct dmasim_move){ .dst = addr, .gen = dmasim_gen_fill,
				   .ctx = &g, .len = rx->no_copy ? 0 : n };
	dmasim_move(eng, &eng->stream_lock, &flags, &mv);
	if (!mv.len)
		g.pkt.off += n;
	dmasim_chan_release(rx);
	if (gen != rx->gen || sgen != st->gen || !src->pkt.active)
		goto out;

	src->pkt = g.pkt;
	dmasim_desc_advance(rd, n);
	rx->stats.bytes += n;
	if (src->pkt.off == src->pkt.len) {
		src->pkt.active = false;
		rx->stats.packets++;
		dmasim_desc_finish(rx, rd, DMA_TRANS_NOERROR);
	} else if (rd->done == rd->len) {
		rx->stats.split++;
		dmasim_desc_finish(rx, rd, DMA_TRANS_NOERROR);
	}
out:
	dmasim_mover_unlock(&eng->stream_lock, flags);
	return progress;
}

/**
 * dmasim_source_start() - Start the source from packet 0, due now.
 * @eng: the engine
 *
 * Context: stream lock held.
 */
void dmasim_source_start(struct dmasim_engine *eng)
{
	struct dmasim_source *src = &eng->stream.source;

	src->running = true;
	src->seq = 0;
	src->t0 = ktime_get();
	src->pkt.active = false;
}
