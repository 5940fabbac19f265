/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmasim: a simulated DMA controller (dmaengine provider), the objects its
 * files share. Each .c file declares what it offers in a header of its own
 * name; calls between files go one way, as docs/dmasim.md ("Sources")
 * draws them.
 *
 * One engine per platform device: an AXI-DMA-like dma_device with a TX
 * (MM2S) and an RX (S2MM) channel joined by a stream, and a CDMA-like
 * dma_device with one memcpy channel. The CPU moves the data in a workqueue;
 * completions are reported from a tasklet. docs/dmasim.md is the reference.
 */
#ifndef DMASIM_H
#define DMASIM_H

#include <linux/dmaengine.h>
#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "../../uapi/linux/dmasim.h"

struct auxiliary_device;

enum dmasim_chan_id {
	DMASIM_TX,
	DMASIM_RX,
	DMASIM_MEMCPY,
	DMASIM_NR_CHANS,
};

enum dmasim_mode {
	DMASIM_MODE_LOOPBACK,		/* TX -> FIFO -> RX */
	DMASIM_MODE_SOURCE_SINK,	/* TX -> sink, source -> RX */
};

enum dmasim_fail_kind {
	DMASIM_FAIL_AUTO,	/* READ_FAILED on tx/memcpy, WRITE_FAILED on rx */
	DMASIM_FAIL_READ,
	DMASIM_FAIL_WRITE,
};

/* What a channel does when a descriptor fails (habit on_error). */
enum dmasim_on_error {
	DMASIM_ON_ERROR_COMPLETE,	/* it completes, with its result */
	DMASIM_ON_ERROR_DROP,		/* ... and the rest is dropped (zynqmp_dma) */
	DMASIM_ON_ERROR_STALL,		/* no callback, stall until terminate (xilinx_dma) */
	DMASIM_ON_ERROR_NR,
};

enum dmasim_personality {
	DMASIM_PERS_DEFAULT,
	DMASIM_PERS_ZYNQMP,
	DMASIM_PERS_PL330,
	DMASIM_PERS_AXIDMA,
	DMASIM_PERS_NR,
};

/* Packet ends the FIFO can hold; TX stalls when they are all in use. */
#define DMASIM_FIFO_MAX_PKTS	256
/* Widest window of callbacks the reorder habit shuffles. */
#define DMASIM_REORDER_MAX	64
/*
 * A reorder window that cannot fill (the next descriptor waits for data,
 * or the client waits for a callback first) is let go after this long, by
 * default (knob reorder_hold_us).
 */
#define DMASIM_REORDER_HOLD_US	1000
#define DMASIM_REORDER_HOLD_MAX_US	(10 * USEC_PER_SEC)
/* Failed cookies a channel remembers for device_tx_status (no_result). */
#define DMASIM_ERR_COOKIES	64

/* Per-engine limits, fixed at probe. */
struct dmasim_limits {
	u32 max_seg_size;	/* bytes per scatter-gather entry */
	u32 max_segments;	/* entries per descriptor */
	u64 max_xfer;		/* bytes per descriptor */
	u32 copy_align;		/* log2 of the required address alignment */
	u32 fifo_depth;		/* bytes */
};

/* Faults a test arms through debugfs; guarded by the channel lock. */
struct dmasim_fault {
	u32 fail_nth;		/* countdown: the descriptor that reaches 0 fails */
	u32 fail_permille;	/* share of descriptors that fail */
	u32 prng;		/* drives fail_permille, reseeded on each write */
	enum dmasim_fail_kind kind;
	bool stall;		/* nothing moves or completes until terminate */
	bool stuck;		/* every descriptor fails until terminate */
	u32 delay_us;		/* added between end of data and completion */
	u32 truncate;		/* 0, or packets/copies cut to this many bytes */
};

struct dmasim_stats {
	u64 bytes;
	u64 descriptors;	/* completed, with or without error */
	u64 packets;		/* TLASTs sent (tx) or received (rx) */
	u64 errors;		/* injected failures */
	u64 bus_errors;		/* addresses outside RAM */
	u64 aborted;		/* submitted descriptors dropped by terminate */
	u64 split;		/* rx: descriptors filled before the packet ended */
	u64 truncated;		/* packets or copies cut by the truncate fault */
	u64 overruns;		/* rx: source packets dropped for want of room */
	u64 source_cut;		/* rx: source packets lost midway (terminate) */
	u64 rejected;		/* prep calls refused for breaking a limit */
	u64 desc_exhausted;	/* prep calls refused for want of descriptors */
	u64 dropped;		/* descriptors dropped without callback on an error */
	u64 late_callbacks;	/* callbacks run after terminate returned */
	u64 reordered;		/* callbacks run before an earlier descriptor's */
};

/*
 * Habits of real providers that a channel copies (habits.c, budget.c), under
 * the channel lock. The knobs come first; the rest is their state.
 */
struct dmasim_habits {
	u32 desc_budget;	/* descriptor slots, 0: no limit */
	bool no_result;		/* callbacks get no dmaengine_result */
	enum dmasim_on_error on_error;
	u32 late_us;		/* completed descriptors call back this long after terminate */
	u32 reorder;		/* window of callbacks shuffled, 0: in order */
	u32 reorder_hold_us;	/* a window that cannot fill goes after this */
	u32 fail_terminate;	/* countdown: that terminate_all fails */

	u32 desc_in_use;	/* slots taken by descriptors not recycled */
	/* reorder: descriptors retired into the window, in slot order */
	struct dmasim_desc *slot[DMASIM_REORDER_MAX];
	u8 perm[DMASIM_REORDER_MAX];	/* delivery order of the slots */
	unsigned int win_in;	/* slots filled */
	unsigned int win_out;	/* entries of perm delivered or skipped */
	u64 win_done;		/* slots delivered */
	u32 prng;
	/* no_result: the channel's last failed cookies, for device_tx_status */
	dma_cookie_t err_cookie[DMASIM_ERR_COOKIES];
	unsigned int err_next;
	/* late_us: descriptors waiting for their late callback */
	struct list_head late;
	struct hrtimer late_timer;
	bool late_running;
};

struct dmasim_seg {
	dma_addr_t addr;
	u32 len;
};

struct dmasim_desc {
	struct dma_async_tx_descriptor tx;
	struct list_head node;
	size_t len;		/* sum of the segment lengths */
	size_t xfer_len;	/* what will really move (truncate fault) */
	size_t done;		/* bytes consumed so far */
	unsigned int seg;	/* cursor: current segment ... */
	u32 seg_off;		/* ... and offset in it */
	dma_addr_t copy_src;	/* memcpy only; segs[0] is the destination */
	bool started;
	bool finished;		/* data phase over, result below is final */
	bool retire_armed;
	ktime_t retire_at;	/* delay fault: completion not before; late callback due */
	u32 slots;		/* descriptor budget taken, 0 once recycled */
	enum dmaengine_tx_result result;
	u32 residue;
	unsigned int nsegs;
	struct dmasim_seg segs[];
};

struct dmasim_engine;

/* Ties a debugfs file to one knob of one channel or engine. */
struct dmasim_knob_ref {
	void *owner;
	unsigned int knob;
};

#define DMASIM_CHAN_KNOBS	31

struct dmasim_chan {
	struct dma_chan chan;
	struct dmasim_engine *eng;
	enum dmasim_chan_id id;
	bool present;
	/* tx and rx share the engine's stream lock; memcpy has own_lock. */
	spinlock_t *lock;
	spinlock_t own_lock;	/* memcpy only: queues, faults, counters */
	/* Descriptor life: prepared -> submitted -> issued -> done -> freed. */
	struct list_head prepared;
	struct list_head submitted;
	struct list_head issued;
	struct list_head done;
	struct list_head terminated;
	struct list_head dropped;	/* on_error drop: freed by the tasklet */
	/* Freed one-segment descriptors, handed out again (callback.c) */
	struct list_head spare;
	unsigned int nspare;
	struct tasklet_struct tasklet;
	unsigned int gen;	/* bumped by terminate: stale moves are dropped */
	unsigned int busy;	/* moves running outside the lock */
	wait_queue_head_t idle_wq;
	bool no_copy;
	/* start descriptors at tx_submit, before issue_pending (xilinx_dma does) */
	bool start_on_submit;
	struct dmasim_fault fault;
	struct dmasim_habits habits;
	struct dmasim_stats stats;
	struct dmasim_knob_ref knob_refs[DMASIM_CHAN_KNOBS];
};

/* The AXI-Stream FIFO between TX and RX in loopback mode. */
struct dmasim_fifo {
	u8 *buf;
	u32 size;
	u64 wr, rd;			/* byte counters; level = wr - rd */
	u32 wr_off, rd_off;		/* the same, as offsets in buf */
	u64 ends[DMASIM_FIFO_MAX_PKTS];	/* stream positions of TLASTs */
	unsigned int ends_wr, ends_rd;
};

/* The packet the source is writing into RX descriptors. */
struct dmasim_src_pkt {
	bool active;
	u32 seq;
	u32 len;		/* bytes to write (may be truncated) */
	u32 full_len;		/* length in the header */
	u32 off;
	u64 time_ns;
	u32 prbs;		/* last generated PRBS word ... */
	u32 prbs_words;		/* ... and how many were generated */
};

struct dmasim_source {
	bool running;
	u32 len;
	u32 pps;		/* 0: paced by RX descriptors, never drops */
	u32 count;		/* packets to produce, 0: no limit */
	u32 pattern;		/* DMASIM_PATTERN_* */
	u32 seq;		/* next sequence number */
	ktime_t t0;
	struct dmasim_src_pkt pkt;
};

/* Stream state, under the engine's stream lock. */
struct dmasim_stream {
	enum dmasim_mode mode;
	unsigned int gen;	/* bumped when the FIFO is flushed */
	bool tx_open;		/* TX sent part of a packet, no TLAST yet */
	bool tx_cut;		/* TX terminated mid-packet: end it */
	bool rx_skip;		/* drop stream bytes up to the next TLAST */
	u64 rx_pkt_bytes;	/* of the packet RX is receiving */
	u32 rx_trunc;		/* the truncate knob when that packet began */
	u64 sink_bps;		/* 0: unlimited */
	ktime_t sink_next;
	struct dmasim_fifo fifo;
	struct dmasim_source source;
};

#define DMASIM_ENGINE_KNOBS	11

struct dmasim_engine {
	struct device *dev;
	int index;
	struct kref ref;
	struct dma_device axi;
	struct dma_device cdma;		/* on cdma_adev (cdma.c) */
	struct auxiliary_device *cdma_adev;
	bool axi_registered, cdma_registered;
	struct dmasim_chan chans[DMASIM_NR_CHANS];
	struct dma_slave_map map[DMASIM_NR_CHANS];
	char client_name[32];
	struct dmasim_limits limits;
	/* Habits fixed at registration; the per-channel ones are in chans[]. */
	enum dmasim_personality personality;
	bool no_synchronize;	/* no device_synchronize; terminate stops at once */
	bool no_max_seg_size;	/* dma_parms' max_segment_size left unset */
	bool no_residue;	/* residue granularity DESCRIPTOR, always 0 */
	/* tx and rx queues, faults and counters, and the whole stream state */
	spinlock_t stream_lock;
	struct dmasim_stream stream;
	struct work_struct stream_work;
	struct work_struct copy_work;
	struct hrtimer stream_timer;
	struct hrtimer copy_timer;
	bool dying;
	atomic_t live_descs;
	struct dentry *debugfs;
	struct dmasim_knob_ref knob_refs[DMASIM_ENGINE_KNOBS];
};

/* What a pass of the movers saw: the time (read before each part), when to look again. */
struct dmasim_tick {
	ktime_t now;
	ktime_t wake;
};

static inline struct dmasim_chan *to_dmasim_chan(struct dma_chan *chan)
{
	return container_of(chan, struct dmasim_chan, chan);
}

/* The pass is to come back at @when, unless it already comes back sooner. */
static inline void dmasim_tick_wake(struct dmasim_tick *tick, ktime_t when)
{
	if (ktime_before(when, tick->wake))
		tick->wake = when;
}

#endif /* DMASIM_H */
