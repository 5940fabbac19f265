// SPDX-License-Identifier: MIT
/* Test only: see fake-engine.h. */
#include <errno.h>
#include <linux/dma-buf.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fake-engine.h"

#define CQ_HDR		192	/* same layout as the driver's */
#define OFF_HEAD	0
#define OFF_TAIL	64
#define OFF_MASK	128
#define OFF_ENTRIES	132
#define OFF_FLAGS	136
#define OFF_OVERFLOW	140
#define MAX_SEGS	16
#define MAX_FAULTS	64
#define MAX_IMPORTS	64
#define MAX_CPU_BRACKETS 256

struct fake_xfer {
	uint64_t cookie;
	uint64_t seq;
	uint64_t t_submit;
	uint32_t len;
	uint32_t flags;			/* DMASTREAM_CQE_AFTER_EMPTY */
	uint32_t nsrc, ndst;
	struct dmastream_seg segs[2 * MAX_SEGS];
};

struct fake_chan {
	struct fake_engine *e;
	uint32_t dir;
	int fd;
	bool open;
	struct dmastream_caps caps;
	bool owned;
	uint32_t count, size, stride, cq_entries;
	uint32_t ring_flags;		/* DMASTREAM_RING_* */
	uint32_t last_ring_flags;	/* kept when the ring goes */
	uint32_t registrations;		/* REGISTER_MEM calls that succeeded */
	uint8_t *bufs;			/* count * stride, one memfd per buffer */
	int *buf_fds;			/* for exports: reopened through /proc */
	/* Imports: the file's memory, mapped as the driver maps a dma-buf. */
	struct fake_import {
		uint8_t *map;		/* NULL: the slot is free */
		size_t size;
		bool engine_reads;
		bool user;		/* the program's memory, not mapped here */
		dev_t dev;
		ino_t ino;
	} imports[MAX_IMPORTS];
	uint8_t *cq;
	size_t cq_size;
	uint32_t tail;
	struct fake_xfer *q;		/* in flight, in order */
	uint32_t qhead, qlen;
	uint64_t next_seq;
	uint32_t state;
	uint32_t timeout_ms, error_threshold, consecutive_errors;
	uint32_t wake_min;
	int efd;
	uint32_t submit_limit;
	bool rx_ran_empty;		/* the next RX transfer gets CQE_AFTER_EMPTY */
	struct dmastream_stats stats;
};

struct fake_fault_entry {
	uint32_t dir;
	uint64_t index;
	enum fake_fault fault;
	uint32_t arg;
};

struct fake_engine {
	struct fake_chan tx, rx, mem;
	struct fake_fault_entry faults[MAX_FAULTS];
	unsigned int nfaults;
	bool stalled;
	uint8_t *held;			/* a swapped packet waiting for its turn */
	uint32_t held_len;
	bool held_pending;
	uint64_t source_seq;
	uint64_t overruns;
	/* dma-bufs (memfds here) the CPU has opened a DMA_BUF_SYNC_START on. */
	struct fake_bracket {
		dev_t dev;
		ino_t ino;
	} brackets[MAX_CPU_BRACKETS];
	uint32_t nbrackets;
	struct fake_dmabuf_stats dmabuf;
	uint32_t import_runs;		/* what IMPORT_BUF says a dma-buf comes in; 0: 1 */
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void default_caps(struct dmastream_caps *c, uint32_t dir)
{
	memset(c, 0, sizeof(*c));
	c->abi_version = DMASTREAM_ABI_VERSION;
	c->direction = dir;
	c->directions = DMASTREAM_DIR_TX | DMASTREAM_DIR_RX | DMASTREAM_DIR_MEMCPY;
	c->flags = DMASTREAM_CAP_COHERENT | DMASTREAM_CAP_TERMINATE;
	c->residue_granularity = DMASTREAM_RESIDUE_BURST;
	c->max_seg_size = 1u << 20;
	c->max_segs = MAX_SEGS;
	c->max_xfer_bytes = 16u << 20;
	c->addr_align = 1;
	c->len_align = 1;
	c->max_buffers = 1024;
	c->max_buffer_size = 64u << 20;
	c->max_ring_bytes = 256ull << 20;
	c->max_cq_entries = 65536;
	c->max_cached_buffer_size = 4u << 20;
	c->cached_align = 1;
	c->max_imports = MAX_IMPORTS;
}

struct fake_engine *fake_engine_new(void)
{
	struct fake_engine *e = calloc(1, sizeof(*e));
	struct fake_chan *chans[3];
	uint32_t dirs[3] = { DMASTREAM_DIR_TX, DMASTREAM_DIR_RX, DMASTREAM_DIR_MEMCPY };
	int i;

	if (!e)
		abort();
	chans[0] = &e->tx;
	chans[1] = &e->rx;
	chans[2] = &e->mem;
	for (i = 0; i < 3; i++) {
		chans[i]->e = e;
		chans[i]->dir = dirs[i];
		chans[i]->fd = -1;
		chans[i]->efd = -1;
		chans[i]->error_threshold = 8;
		default_caps(&chans[i]->caps, dirs[i]);
	}
	return e;
}

static void release_import(struct fake_import *im)
{
	if (!im->user)
		munmap(im->map, im->size);
	memset(im, 0, sizeof(*im));
}

static void drop_ring(struct fake_chan *c)
{
	uint32_t i;

	/* Imports go with the owner, as in the driver. */
	for (i = 0; i < MAX_IMPORTS; i++)
		if (c->imports[i].map)
			release_import(&c->imports[i]);
	if (c->bufs)
		munmap(c->bufs, (size_t)c->count * c->stride);
	for (i = 0; c->buf_fds && i < c->count; i++)
		if (c->buf_fds[i] >= 0)
			close(c->buf_fds[i]);
	free(c->buf_fds);
	c->buf_fds = NULL;
	free(c->cq);
	free(c->q);
	c->bufs = NULL;
	c->cq = NULL;
	c->q = NULL;
	c->qlen = c->qhead = 0;
	c->count = c->size = c->cq_entries = c->ring_flags = 0;
	c->owned = false;
	c->efd = -1;
	c->wake_min = 0;
	c->tail = 0;
	c->rx_ran_empty = false;
	if (c->state != DMASTREAM_STATE_ERROR)
		c->state = DMASTREAM_STATE_IDLE;
}

void fake_engine_free(struct fake_engine *e)
{
	if (!e)
		return;
	drop_ring(&e->tx);
	drop_ring(&e->rx);
	drop_ring(&e->mem);
	free(e->held);
	free(e);
}

static struct fake_chan *chan_of_dir(struct fake_engine *e, uint32_t dir)
{
	switch (dir) {
	case DMASTREAM_DIR_TX:
		return &e->tx;
	case DMASTREAM_DIR_RX:
		return &e->rx;
	default:
		return &e->mem;
	}
}

static struct fake_chan *chan_of_fd(struct fake_engine *e, int fd)
{
	if (fd < 0)
		return NULL;
	if (e->tx.open && e->tx.fd == fd)
		return &e->tx;
	if (e->rx.open && e->rx.fd == fd)
		return &e->rx;
	if (e->mem.open && e->mem.fd == fd)
		return &e->mem;
	return NULL;
}

struct dmastream_caps *fake_caps(struct fake_engine *e, uint32_t dir)
{
	return &chan_of_dir(e, dir)->caps;
}

void fake_inject(struct fake_engine *e, uint32_t dir, uint64_t index, enum fake_fault fault,
		 uint32_t arg)
{
	if (e->nfaults == MAX_FAULTS)
		abort();
	e->faults[e->nfaults++] = (struct fake_fault_entry){ dir, index, fault, arg };
}

static const struct fake_fault_entry *fault_for(struct fake_engine *e, uint32_t dir,
						uint64_t index)
{
	unsigned int i;

	for (i = 0; i < e->nfaults; i++)
		if (e->faults[i].dir == dir && e->faults[i].index == index)
			return &e->faults[i];
	return NULL;
}

void fake_limit_submit(struct fake_engine *e, uint32_t dir, uint32_t n)
{
	chan_of_dir(e, dir)->submit_limit = n;
}

uint64_t fake_source_overruns(const struct fake_engine *e)
{
	return e->overruns;
}

const struct dmastream_stats *fake_stats(const struct fake_engine *e, uint32_t dir)
{
	return &chan_of_dir((struct fake_engine *)e, dir)->stats;
}

uint32_t fake_inflight(const struct fake_engine *e, uint32_t dir)
{
	return chan_of_dir((struct fake_engine *)e, dir)->qlen;
}

bool fake_owned(const struct fake_engine *e, uint32_t dir)
{
	return chan_of_dir((struct fake_engine *)e, dir)->owned;
}

uint32_t fake_last_ring_flags(const struct fake_engine *e, uint32_t dir)
{
	return chan_of_dir((struct fake_engine *)e, dir)->last_ring_flags;
}

uint32_t fake_registrations(const struct fake_engine *e, uint32_t dir)
{
	return chan_of_dir((struct fake_engine *)e, dir)->registrations;
}

/* ------------------------------------------------------------------------
 * The completion queue, as the driver fills it
 */

static uint32_t *cq_word(struct fake_chan *c, uint32_t off)
{
	return (uint32_t *)(c->cq + off);
}

static uint32_t unreaped(struct fake_chan *c)
{
	uint32_t head = __atomic_load_n(cq_word(c, OFF_HEAD), __ATOMIC_ACQUIRE);
	uint32_t used = c->tail - head;

	return used > c->cq_entries ? c->cq_entries : used;
}

/* The driver's EPOLLIN: wake_min records wait, or some and none in flight. */
static bool cq_ready(struct fake_chan *c)
{
	uint32_t n = unreaped(c);
	uint32_t min = c->wake_min < c->cq_entries ? c->wake_min : c->cq_entries;

	return n && (!c->qlen || n >= min);
}

static uint32_t room(struct fake_chan *c)
{
	uint32_t used = c->qlen + unreaped(c);

	return used >= c->cq_entries ? 0 : c->cq_entries - used;
}

static void stop_chan(struct fake_chan *c, bool sticky);

static void post(struct fake_chan *c, const struct fake_xfer *x, uint32_t status, uint32_t bytes)
{
	struct dmastream_cqe *cqe;
	uint64_t one = 1;

	/* Submission only takes what fits, so a full CQ here is a fake bug. */
	if (unreaped(c) >= c->cq_entries) {
		fprintf(stderr, "fake-engine: CQ overflow\n");
		abort();
	}
	cqe = (struct dmastream_cqe *)(c->cq + CQ_HDR) + (c->tail & (c->cq_entries - 1));
	memset(cqe, 0, sizeof(*cqe));
	cqe->cookie = x->cookie;
	cqe->seq = x->seq;
	cqe->t_submit_ns = x->t_submit;
	cqe->t_complete_ns = mono_ns();
	cqe->bytes = bytes;
	cqe->status = status;
	cqe->flags = x->flags;
	if (status == DMASTREAM_STATUS_OK && bytes < x->len)
		cqe->flags |= DMASTREAM_CQE_SHORT;
	c->tail++;
	__atomic_store_n(cq_word(c, OFF_TAIL), c->tail, __ATOMIC_RELEASE);

	c->stats.completed++;
	switch (status) {
	case DMASTREAM_STATUS_OK:
		c->stats.bytes += bytes;
		break;
	case DMASTREAM_STATUS_READ_ERROR:
		c->stats.read_errors++;
		break;
	case DMASTREAM_STATUS_WRITE_ERROR:
		c->stats.write_errors++;
		break;
	case DMASTREAM_STATUS_ENGINE_ABORTED:
		c->stats.engine_aborts++;
		break;
	case DMASTREAM_STATUS_TIMEOUT:
		c->stats.timeouts++;
		break;
	default:
		c->stats.aborted++;
		break;
	}
	if (cqe->flags & DMASTREAM_CQE_SHORT)
		c->stats.short_xfers++;
	/* Readiness for poll()ers of the fd, and the registered eventfd. */
	if (!cq_ready(c))
		return;
	if (write(c->fd, &one, sizeof(one)) < 0)
		abort();
	if (c->efd >= 0 && write(c->efd, &one, sizeof(one)) < 0)
		abort();
}

/* Complete the oldest transfer in flight. */
static void complete_head(struct fake_chan *c, uint32_t status, uint32_t bytes)
{
	struct fake_xfer *x = &c->q[c->qhead];
	bool engine_error = status != DMASTREAM_STATUS_OK && status != DMASTREAM_STATUS_ABORTED;

	c->qhead = (c->qhead + 1) % c->cq_entries;
	c->qlen--;
	c->stats.inflight = c->qlen;
	/* As the driver: known to be a gap only once more comes. */
	if (c->dir == DMASTREAM_DIR_RX && c->qlen == 0 && c->state == DMASTREAM_STATE_READY)
		c->rx_ran_empty = true;
	post(c, x, status, bytes);
	if (!engine_error) {
		c->consecutive_errors = 0;
	} else if (c->error_threshold && ++c->consecutive_errors >= c->error_threshold) {
		stop_chan(c, true);
	}
}

static void stop_chan(struct fake_chan *c, bool sticky)
{
	while (c->qlen)
		complete_head(c, DMASTREAM_STATUS_ABORTED, 0);
	c->stats.channel_stops++;
	c->consecutive_errors = 0;
	c->rx_ran_empty = false;	/* emptied on purpose */
	if (sticky && c->state != DMASTREAM_STATE_ERROR) {
		c->stats.sticky_errors++;
		c->state = DMASTREAM_STATE_ERROR;
		*cq_word(c, OFF_FLAGS) |= DMASTREAM_CQ_ERROR;
	}
}

/* ------------------------------------------------------------------------
 * Moving data
 */

static uint8_t *seg_ptr(struct fake_chan *c, const struct dmastream_seg *s)
{
	if (s->buf & DMASTREAM_BUF_IMPORTED)
		return c->imports[s->buf & ~DMASTREAM_BUF_IMPORTED].map + s->offset;
	return c->bufs + (size_t)s->buf * c->stride + s->offset;
}

static void gather(struct fake_chan *c, const struct dmastream_seg *segs, uint32_t n,
		   uint8_t *out)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		memcpy(out, seg_ptr(c, &segs[i]), segs[i].len);
		out += segs[i].len;
	}
}

static uint32_t scatter(struct fake_chan *c, const struct dmastream_seg *segs, uint32_t n,
			const uint8_t *in, uint32_t len)
{
	uint32_t i, done = 0;

	for (i = 0; i < n && done < len; i++) {
		uint32_t piece = segs[i].len < len - done ? segs[i].len : len - done;

		memcpy(seg_ptr(c, &segs[i]), in + done, piece);
		done += piece;
	}
	return done;
}

/* RX transfers at the head that fail without taking data complete now. */
static void rx_fail_kept(struct fake_engine *e)
{
	struct fake_chan *rx = &e->rx;
	const struct fake_fault_entry *f;

	while (rx->qlen && rx->state == DMASTREAM_STATE_READY) {
		f = fault_for(e, DMASTREAM_DIR_RX, rx->q[rx->qhead].seq);
		if (!f || f->fault != FAKE_FAIL_KEEP)
			break;
		complete_head(rx, f->arg, 0);
	}
}

/* A packet arrives at RX: it lands in the oldest RX transfer, if any. */
static bool rx_deliver(struct fake_engine *e, const uint8_t *data, uint32_t len)
{
	struct fake_chan *rx = &e->rx;
	const struct fake_fault_entry *f;
	struct fake_xfer *x;
	uint32_t got;

	if (!rx->owned || rx->qlen == 0 || rx->state != DMASTREAM_STATE_READY)
		return false;
	rx_fail_kept(e);
	if (rx->qlen == 0 || rx->state != DMASTREAM_STATE_READY)
		return false;
	x = &rx->q[rx->qhead];
	f = fault_for(e, DMASTREAM_DIR_RX, x->seq);
	if (f && f->fault == FAKE_FAIL) {
		complete_head(rx, f->arg, 0);
		return true;
	}
	got = scatter(rx, x->segs, x->nsrc, data, len);
	complete_head(rx, DMASTREAM_STATUS_OK, got);
	return true;
}

static void run_loopback(struct fake_engine *e)
{
	struct fake_chan *tx = &e->tx, *rx = &e->rx;
	const struct fake_fault_entry *f;
	struct fake_xfer *x;
	uint8_t *data;
	uint32_t len;

	while (tx->owned && tx->qlen && !e->stalled && tx->state == DMASTREAM_STATE_READY) {
		x = &tx->q[tx->qhead];
		f = fault_for(e, DMASTREAM_DIR_TX, x->seq);
		if (f && f->fault == FAKE_FAIL) {
			complete_head(tx, f->arg, 0);
			continue;
		}
		if (f && f->fault == FAKE_DROP) {
			complete_head(tx, DMASTREAM_STATUS_OK, x->len);
			continue;
		}
		/* Without an RX user the device simply consumes what it gets. */
		if (!rx->owned) {
			complete_head(tx, DMASTREAM_STATUS_OK, x->len);
			continue;
		}
		/* AXI-Stream flow control: TX waits until RX can take the data. */
		rx_fail_kept(e);
		if (rx->qlen == 0)
			break;
		if (f && f->fault == FAKE_DUPLICATE && rx->qlen < 2)
			break;
		len = x->len;
		data = malloc(len);
		if (!data)
			abort();
		gather(tx, x->segs, x->nsrc, data);
		if (f && f->fault == FAKE_CORRUPT && f->arg < len)
			data[f->arg] ^= 0x5a;
		if (f && f->fault == FAKE_TRUNCATE && f->arg < len)
			len = f->arg;
		if (f && f->fault == FAKE_SWAP && !e->held_pending) {
			free(e->held);
			e->held = data;
			e->held_len = len;
			e->held_pending = true;
			complete_head(tx, DMASTREAM_STATUS_OK, x->len);
			continue;
		}
		rx_deliver(e, data, len);
		if (f && f->fault == FAKE_DUPLICATE)
			rx_deliver(e, data, len);
		free(data);
		if (e->held_pending && rx->qlen) {
			rx_deliver(e, e->held, e->held_len);
			e->held_pending = false;
		}
		complete_head(tx, DMASTREAM_STATUS_OK, x->len);
	}
}

static void run_memcpy(struct fake_engine *e)
{
	struct fake_chan *m = &e->mem;
	const struct fake_fault_entry *f;
	struct fake_xfer *x;
	uint8_t *data;

	while (m->owned && m->qlen && !e->stalled && m->state == DMASTREAM_STATE_READY) {
		x = &m->q[m->qhead];
		f = fault_for(e, DMASTREAM_DIR_MEMCPY, x->seq);
		if (f && f->fault == FAKE_FAIL) {
			complete_head(m, f->arg, 0);
			continue;
		}
		data = malloc(x->len);
		if (!data)
			abort();
		gather(m, x->segs, x->nsrc, data);
		if (f && f->fault == FAKE_CORRUPT && f->arg < x->len)
			data[f->arg] ^= 0x5a;
		scatter(m, x->segs + x->nsrc, x->ndst, data, x->len);
		free(data);
		complete_head(m, DMASTREAM_STATUS_OK, x->len);
	}
}

static void run(struct fake_engine *e)
{
	run_loopback(e);
	run_memcpy(e);
}

void fake_stall(struct fake_engine *e, bool stalled)
{
	e->stalled = stalled;
	run(e);
}

void fake_source_emit(struct fake_engine *e, uint32_t n, uint32_t size,
		      enum dms_pattern pattern, uint32_t stream)
{
	uint8_t *pkt = malloc(size);
	uint32_t i;

	if (!pkt)
		abort();
	for (i = 0; i < n; i++) {
		dms_pattern_fill(pkt, size, pattern, stream, e->source_seq++, DMS_CHECK_FULL);
		if (!rx_deliver(e, pkt, size))
			e->overruns++;
	}
	free(pkt);
}

/* ------------------------------------------------------------------------
 * The ioctls
 */

static bool ranges_overlap(const struct dmastream_seg *a, const struct dmastream_seg *b)
{
	return a->buf == b->buf && a->offset < b->offset + b->len &&
	       b->offset < a->offset + a->len;
}

/* Whether a new transfer's ranges conflict with one in flight (docs/abi.md). */
static bool conflicts(struct fake_chan *c, const struct fake_xfer *nx)
{
	bool rx = c->dir == DMASTREAM_DIR_RX;
	uint32_t i, j, k;

	for (k = 0; k < c->qlen; k++) {
		const struct fake_xfer *x = &c->q[(c->qhead + k) % c->cq_entries];

		for (i = 0; i < nx->nsrc + nx->ndst; i++) {
			bool w1 = rx || i >= nx->nsrc;

			for (j = 0; j < x->nsrc + x->ndst; j++) {
				bool w2 = rx || j >= x->nsrc;

				if ((w1 || w2) && ranges_overlap(&nx->segs[i], &x->segs[j]))
					return true;
			}
		}
	}
	return false;
}

/* The index of the open CPU bracket on that file, or -1. */
static int bracket_of(const struct fake_engine *e, dev_t dev, ino_t ino)
{
	for (uint32_t i = 0; i < e->nbrackets; i++)
		if (e->brackets[i].dev == dev && e->brackets[i].ino == ino)
			return (int)i;
	return -1;
}

static bool aligned(uint32_t v, uint32_t align)
{
	return align <= 1 || v % align == 0;
}

/* The driver's checks of one segment (validate.c); @writes: the engine writes it. */
static int check_seg(struct fake_chan *c, const struct dmastream_seg *s, bool writes)
{
	const struct fake_import *im = NULL;
	uint32_t slot = s->buf & ~DMASTREAM_BUF_IMPORTED;
	size_t size = c->size;

	if (s->buf & DMASTREAM_BUF_IMPORTED) {
		if (slot >= MAX_IMPORTS || !c->imports[slot].map)
			return -EINVAL;
		im = &c->imports[slot];
		size = im->size;
		if (!im->user && bracket_of(c->e, im->dev, im->ino) >= 0)
			c->e->dmabuf.busy_while_open++;
	} else if (s->buf >= c->count) {
		return -EINVAL;
	}
	if (s->reserved || !s->len || s->offset > size || s->len > size - s->offset)
		return -EINVAL;
	if (c->dir != DMASTREAM_DIR_MEMCPY && s->len > c->caps.max_seg_size)
		return -E2BIG;
	if (!aligned(s->offset, c->caps.addr_align) || !aligned(s->len, c->caps.len_align))
		return -EINVAL;
	if (writes && (im || (c->ring_flags & DMASTREAM_RING_CACHED)) &&
	    (!aligned(s->offset, c->caps.cached_align) || !aligned(s->len, c->caps.cached_align)))
		return -EINVAL;
	if (writes && im && im->engine_reads)
		return -EACCES;
	return 0;
}

static int do_submit(struct fake_chan *c, struct dmastream_submit *sub)
{
	const struct dmastream_xfer *xs = (const void *)(uintptr_t)sub->xfers;
	const struct dmastream_seg *segs = (const void *)(uintptr_t)sub->segs;
	uint32_t i, j, accept;
	bool memcpy_chan = c->dir == DMASTREAM_DIR_MEMCPY;

	sub->bad_index = UINT32_MAX;
	if (!c->owned)
		return -ENXIO;
	if (!sub->nxfers || sub->nxfers > DMASTREAM_SUBMIT_MAX || !sub->nsegs ||
	    sub->nsegs > DMASTREAM_SUBMIT_MAX_SEGS || sub->flags)
		return -EINVAL;
	if (c->state == DMASTREAM_STATE_ERROR)
		return -EIO;
	for (i = 0; i < sub->nxfers; i++) {
		const struct dmastream_xfer *x = &xs[i];
		struct fake_xfer nx = { 0 };
		uint32_t dst_len = 0;

		sub->bad_index = i;
		if (x->nsegs == 0 || x->nsegs > MAX_SEGS || x->dst_nsegs > MAX_SEGS ||
		    x->seg_first + x->nsegs > sub->nsegs ||
		    (memcpy_chan ? !x->dst_nsegs : x->dst_nsegs != 0) ||
		    x->dst_seg_first + x->dst_nsegs > sub->nsegs)
			return -EINVAL;
		nx.nsrc = x->nsegs;
		nx.ndst = x->dst_nsegs;
		for (j = 0; j < x->nsegs; j++) {
			int ret;

			nx.segs[j] = segs[x->seg_first + j];
			ret = check_seg(c, &nx.segs[j], c->dir == DMASTREAM_DIR_RX);
			if (ret)
				return ret;
			nx.len += nx.segs[j].len;
		}
		for (j = 0; j < x->dst_nsegs; j++) {
			int ret;

			nx.segs[x->nsegs + j] = segs[x->dst_seg_first + j];
			ret = check_seg(c, &nx.segs[x->nsegs + j], true);
			if (ret)
				return ret;
			dst_len += segs[x->dst_seg_first + j].len;
		}
		if (memcpy_chan && dst_len != nx.len)
			return -EINVAL;
		if (conflicts(c, &nx))
			return -EBUSY;
	}
	sub->bad_index = UINT32_MAX;

	accept = room(c);
	if (accept > sub->nxfers)
		accept = sub->nxfers;
	if (c->submit_limit && accept > c->submit_limit)
		accept = c->submit_limit;
	if (!accept)
		return -EAGAIN;
	for (i = 0; i < accept; i++) {
		const struct dmastream_xfer *x = &xs[i];
		struct fake_xfer *nx = &c->q[(c->qhead + c->qlen) % c->cq_entries];

		memset(nx, 0, sizeof(*nx));
		nx->cookie = x->cookie;
		nx->seq = c->next_seq++;
		nx->t_submit = mono_ns();
		if (c->rx_ran_empty) {
			nx->flags = DMASTREAM_CQE_AFTER_EMPTY;
			c->rx_ran_empty = false;
			c->stats.rx_queue_empty++;
		}
		nx->nsrc = x->nsegs;
		nx->ndst = x->dst_nsegs;
		for (j = 0; j < x->nsegs; j++) {
			nx->segs[j] = segs[x->seg_first + j];
			nx->len += nx->segs[j].len;
		}
		for (j = 0; j < x->dst_nsegs; j++)
			nx->segs[x->nsegs + j] = segs[x->dst_seg_first + j];
		c->qlen++;
	}
	c->stats.submitted += accept;
	c->stats.batches++;
	c->stats.inflight = c->qlen;
	if (c->qlen > c->stats.inflight_max)
		c->stats.inflight_max = c->qlen;
	run(c->e);
	return (int)accept;
}

/*
 * The buffers, back to back as the driver's mmap() offsets them, each a
 * memfd of its own so that an export can be a file of that buffer alone.
 */
static uint8_t *map_buffers(struct fake_chan *c)
{
	size_t total = (size_t)c->count * c->stride;
	uint8_t *base;
	uint32_t i;

	c->buf_fds = malloc(c->count * sizeof(*c->buf_fds));
	if (!c->buf_fds)
		return NULL;
	for (i = 0; i < c->count; i++)
		c->buf_fds[i] = -1;
	base = mmap(NULL, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return NULL;
	for (i = 0; i < c->count; i++) {
		c->buf_fds[i] = memfd_create("fake-buffer", MFD_CLOEXEC);
		if (c->buf_fds[i] < 0 || ftruncate(c->buf_fds[i], c->stride) ||
		    mmap(base + (size_t)i * c->stride, c->stride, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_FIXED, c->buf_fds[i], 0) == MAP_FAILED) {
			munmap(base, total);
			return NULL;
		}
	}
	return base;
}

/* An export: the buffer's memfd opened again, read-only or read-write. */
static int do_export(struct fake_chan *c, struct dmastream_export *x)
{
	char path[64];
	int fd;

	if (c->caps.abi_version < 0x00010004)
		return -ENOTTY;
	if ((x->flags & ~(DMASTREAM_EXPORT_WRITE | DMASTREAM_EXPORT_CLOEXEC)) || x->fd ||
	    x->reserved || x->buffer >= c->count)
		return -EINVAL;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", c->buf_fds[x->buffer]);
	fd = open(path, (x->flags & DMASTREAM_EXPORT_WRITE ? O_RDWR : O_RDONLY) |
		  (x->flags & DMASTREAM_EXPORT_CLOEXEC ? O_CLOEXEC : 0));
	if (fd < 0)
		return -errno;
	x->fd = fd;
	return 0;
}

/*
 * An import: the file mapped whole, shared, read-only if the engine only
 * reads. A file stands for one dma-buf (the driver tells dma-bufs apart,
 * the fake inodes: two exports of one buffer are one here).
 */
static int do_import(struct fake_chan *c, struct dmastream_import *x)
{
	uint32_t slot = x->buffer & ~DMASTREAM_BUF_IMPORTED;
	bool engine_reads = (x->flags & DMASTREAM_IMPORT_ENGINE_READS) ||
			    c->dir == DMASTREAM_DIR_TX;
	struct fake_import *im;
	struct stat st;
	uint32_t i;
	off_t size;
	void *map;

	if (c->caps.abi_version < 0x00010005)
		return -ENOTTY;
	if ((x->flags & ~DMASTREAM_IMPORT_ENGINE_READS) || x->runs || x->size ||
	    x->reserved[0] || x->reserved[1] || !(x->buffer & DMASTREAM_BUF_IMPORTED) ||
	    slot >= MAX_IMPORTS)
		return -EINVAL;
	if ((x->flags & DMASTREAM_IMPORT_ENGINE_READS) && c->dir == DMASTREAM_DIR_RX)
		return -EINVAL;
	if (!c->owned)
		return -ENXIO;
	if (fstat(x->fd, &st))
		return -errno;
	size = st.st_size;
	if (size == 0 || size > (off_t)1 << 31)
		return -E2BIG;
	/* As the driver: a file opened read-only is for the engine to read. */
	if (!engine_reads && (fcntl(x->fd, F_GETFL) & O_ACCMODE) == O_RDONLY)
		return -EACCES;
	for (i = 0; i < c->count; i++) {
		struct stat own;

		if (!fstat(c->buf_fds[i], &own) && own.st_dev == st.st_dev &&
		    own.st_ino == st.st_ino)
			return -EINVAL;
	}
	if (c->imports[slot].map)
		return -EEXIST;
	for (i = 0; i < MAX_IMPORTS; i++)
		if (c->imports[i].map && c->imports[i].dev == st.st_dev &&
		    c->imports[i].ino == st.st_ino)
			return -EEXIST;
	map = mmap(NULL, size, PROT_READ | (engine_reads ? 0 : PROT_WRITE), MAP_SHARED, x->fd, 0);
	if (map == MAP_FAILED)
		return -errno;
	im = &c->imports[slot];
	im->map = map;
	im->size = size;
	im->engine_reads = engine_reads;
	im->dev = st.st_dev;
	im->ino = st.st_ino;
	x->runs = c->e->import_runs ? c->e->import_runs : 1;
	x->size = size;
	return 0;
}

/*
 * The program's memory, registered: the fake engine works on it in place.
 * The driver's checks that need the kernel (kinds of memory, pinning,
 * RLIMIT_MEMLOCK) are not made; an unreadable range is refused as the
 * driver's pinning would, by asking the kernel whether it is mapped.
 */
static int do_register(struct fake_chan *c, struct dmastream_user_mem *m)
{
	uint32_t slot = m->buffer & ~DMASTREAM_BUF_IMPORTED;
	bool engine_reads = (m->flags & DMASTREAM_IMPORT_ENGINE_READS) ||
			    c->dir == DMASTREAM_DIR_TX;
	long page = sysconf(_SC_PAGESIZE);
	uintptr_t start, end;
	unsigned char vec;
	uint32_t i;

	if (c->caps.abi_version < 0x00010006)
		return -ENOTTY;
	if ((m->flags & ~DMASTREAM_IMPORT_ENGINE_READS) || m->runs || !m->len ||
	    !(m->buffer & DMASTREAM_BUF_IMPORTED) || slot >= MAX_IMPORTS)
		return -EINVAL;
	for (i = 0; i < sizeof(m->reserved) / sizeof(m->reserved[0]); i++)
		if (m->reserved[i])
			return -EINVAL;
	if ((m->flags & DMASTREAM_IMPORT_ENGINE_READS) && c->dir == DMASTREAM_DIR_RX)
		return -EINVAL;
	if (m->len > (uint64_t)1 << 31)
		return -E2BIG;
	if (!c->owned)
		return -ENXIO;
	if (!aligned((uint32_t)(m->addr % page), c->caps.addr_align) ||
	    !aligned((uint32_t)(m->addr % page), c->caps.len_align) ||
	    (!engine_reads && !aligned((uint32_t)(m->addr % page), c->caps.cached_align)))
		return -EINVAL;
	if (m->addr != (uintptr_t)m->addr || m->addr + m->len < m->addr ||
	    (uintptr_t)(m->addr + m->len) != m->addr + m->len)
		return -EFAULT;
	start = m->addr & ~(uintptr_t)(page - 1);
	end = m->addr + m->len;
	for (; start < end; start += page)
		if (mincore((void *)start, 1, &vec))
			return -EFAULT;
	if (c->imports[slot].map)
		return -EEXIST;
	for (i = 0; i < MAX_IMPORTS; i++) {
		const struct fake_import *o = &c->imports[i];

		if (o->map && o->user && (uintptr_t)o->map < m->addr + m->len &&
		    m->addr < (uintptr_t)o->map + o->size)
			return -EEXIST;
	}
	c->imports[slot] = (struct fake_import){
		.map = (uint8_t *)(uintptr_t)m->addr,
		.size = m->len,
		.engine_reads = engine_reads,
		.user = true,
	};
	c->registrations++;
	m->runs = 1;
	return 0;
}

static int do_release(struct fake_chan *c, const uint32_t *arg)
{
	uint32_t index = *arg, slot = index & ~DMASTREAM_BUF_IMPORTED;
	uint32_t i, j;

	if (c->caps.abi_version < 0x00010005)
		return -ENOTTY;
	if (!(index & DMASTREAM_BUF_IMPORTED) || slot >= MAX_IMPORTS)
		return -EINVAL;
	if (!c->owned)
		return -ENXIO;
	if (!c->imports[slot].map)
		return -EINVAL;
	for (i = 0; i < c->qlen; i++) {
		const struct fake_xfer *x = &c->q[(c->qhead + i) % c->cq_entries];

		for (j = 0; j < x->nsrc + x->ndst; j++)
			if (x->segs[j].buf == index)
				return -EBUSY;
	}
	release_import(&c->imports[slot]);
	return 0;
}

static int do_set_ring(struct fake_chan *c, struct dmastream_ring *r)
{
	uint32_t entries;

	if ((r->flags & ~DMASTREAM_RING_CACHED) || r->buf_offset || r->cq_size)
		return -EINVAL;
	/* The driver before ABI 0x00010003 knew no flag at all. */
	if (r->flags && c->caps.abi_version < 0x00010003)
		return -EINVAL;
	if (r->count == 0) {
		if (r->flags)
			return -EINVAL;
		if (c->qlen)
			return -EBUSY;
		drop_ring(c);
		return 0;
	}
	if (c->owned)
		return -EBUSY;
	if (r->size == 0)
		return -EINVAL;
	if (r->count > c->caps.max_buffers || r->size > c->caps.max_buffer_size)
		return -E2BIG;
	if ((r->flags & DMASTREAM_RING_CACHED) && r->size > c->caps.max_cached_buffer_size)
		return -E2BIG;
	entries = r->cq_entries;
	if (!entries) {
		entries = 64;
		while (entries < 2 * r->count)
			entries *= 2;
	}
	if (entries & (entries - 1))
		return -EINVAL;
	c->count = r->count;
	c->size = r->size;
	c->stride = (r->size + 4095u) & ~4095u;
	c->cq_entries = entries;
	c->ring_flags = c->last_ring_flags = r->flags;
	c->cq_size = (CQ_HDR + (size_t)entries * sizeof(struct dmastream_cqe) + 4095) & ~(size_t)4095;
	c->bufs = map_buffers(c);
	c->cq = aligned_alloc(4096, c->cq_size);
	c->q = calloc(entries, sizeof(*c->q));
	if (!c->bufs || !c->cq || !c->q) {
		drop_ring(c);
		return -ENOMEM;
	}
	memset(c->cq, 0, c->cq_size);
	*cq_word(c, OFF_MASK) = entries - 1;
	*cq_word(c, OFF_ENTRIES) = entries;
	if (c->state == DMASTREAM_STATE_ERROR)
		*cq_word(c, OFF_FLAGS) |= DMASTREAM_CQ_ERROR;
	else
		c->state = DMASTREAM_STATE_READY;
	c->owned = true;

	r->count = c->count;
	r->size = c->size;
	r->cq_entries = entries;
	r->cq_offset = 0;
	r->cq_size = c->cq_size;
	r->buf_offset = c->cq_size;
	r->buf_stride = c->stride;
	r->cq = (struct dmastream_cq_offsets){
		.head = OFF_HEAD, .tail = OFF_TAIL, .ring_mask = OFF_MASK,
		.ring_entries = OFF_ENTRIES, .flags = OFF_FLAGS, .overflow = OFF_OVERFLOW,
		.cqes = CQ_HDR,
	};
	return 0;
}

static int fake_ioctl(void *ctx, int fd, unsigned long req, void *arg)
{
	struct fake_engine *e = ctx;
	struct fake_chan *c = chan_of_fd(e, fd);
	struct dmastream_wait *w;
	struct dmastream_info *info;

	if (!c)
		return -EBADF;
	switch (req) {
	case DMASTREAM_IOC_GET_CAPS:
		memcpy(arg, &c->caps, sizeof(c->caps));
		return 0;
	case DMASTREAM_IOC_GET_INFO:
		info = arg;
		memset(info, 0, sizeof(*info));
		snprintf(info->device, sizeof(info->device), "fake");
		snprintf(info->label, sizeof(info->label), "%s", dms_direction_name(c->dir));
		snprintf(info->dma_channel, sizeof(info->dma_channel), "dma9chan%u", c->dir);
		snprintf(info->provider, sizeof(info->provider), "fake-engine");
		info->state = c->state;
		info->flags = c->owned ? DMASTREAM_INFO_OWNER | DMASTREAM_INFO_OWNED : 0;
		info->buffer_count = c->count;
		info->buffer_size = c->size;
		info->cq_entries = c->cq_entries;
		info->inflight = c->qlen;
		info->timeout_ms = c->timeout_ms;
		info->error_threshold = c->error_threshold;
		info->wake_min = c->wake_min;
		info->ring_flags = c->ring_flags;
		return 0;
	case DMASTREAM_IOC_GET_STATS:
		memcpy(arg, &c->stats, sizeof(c->stats));
		return 0;
	case DMASTREAM_IOC_SET_RING:
		return do_set_ring(c, arg);
	default:
		break;
	}
	if (!c->owned)
		return -ENXIO;
	switch (req) {
	case DMASTREAM_IOC_SUBMIT:
		return do_submit(c, arg);
	case DMASTREAM_IOC_WAIT:
		w = arg;
		if (!w->min_complete || w->min_complete > c->cq_entries)
			return -EINVAL;
		run(e);
		w->available = unreaped(c);
		if (c->state == DMASTREAM_STATE_ERROR)
			return -EIO;
		if (w->available >= w->min_complete || c->qlen == 0)
			return 0;
		/* Nothing else runs in this process: waiting would never end. */
		return -ETIMEDOUT;
	case DMASTREAM_IOC_ABORT:
		stop_chan(c, false);
		return 0;
	case DMASTREAM_IOC_RESET:
		stop_chan(c, false);
		c->state = DMASTREAM_STATE_READY;
		*cq_word(c, OFF_FLAGS) &= ~DMASTREAM_CQ_ERROR;
		return 0;
	case DMASTREAM_IOC_SET_EVENTFD:
		c->efd = ((struct dmastream_eventfd *)arg)->fd;
		return 0;
	case DMASTREAM_IOC_SET_CONFIG: {
		const struct dmastream_config *cfg = arg;

		static const uint32_t zero[4];

		if (cfg->flags || memcmp(cfg->reserved, zero, sizeof(zero)) ||
		    cfg->wake_min > DMASTREAM_WAKE_MIN_MAX)
			return -EINVAL;
		c->timeout_ms = cfg->timeout_ms;
		c->error_threshold = cfg->error_threshold;
		c->wake_min = cfg->wake_min;
		return 0;
	}
	case DMASTREAM_IOC_RESET_STATS:
		memset(&c->stats, 0, sizeof(c->stats));
		c->stats.inflight = c->qlen;
		return 0;
	case DMASTREAM_IOC_EXPORT_BUF:
		return do_export(c, arg);
	case DMASTREAM_IOC_IMPORT_BUF:
		return do_import(c, arg);
	case DMASTREAM_IOC_RELEASE_BUF:
		return do_release(c, arg);
	case DMASTREAM_IOC_REGISTER_MEM:
		return do_register(c, arg);
	default:
		return -ENOTTY;
	}
}

static int fake_map_ring(void *ctx, int fd, const struct dmastream_ring *ring, void **cq,
			 void **bufs)
{
	struct fake_chan *c = chan_of_fd(ctx, fd);

	if (!c || !c->owned || ring->cq_size != c->cq_size)
		return -EINVAL;
	*cq = c->cq;
	*bufs = c->bufs;
	return 0;
}

static void fake_unmap_ring(void *ctx, const struct dmastream_ring *ring, void *cq, void *bufs)
{
	(void)ctx;
	(void)ring;
	(void)cq;
	(void)bufs;
}

/*
 * Channel fds answer from the fake's state (level-triggered, as the
 * driver); other fds go to the real poll(), which is the only thing that
 * can block: nothing in the fake changes while we sleep.
 */
static int fake_poll(void *ctx, struct pollfd *fds, unsigned int nfds, int timeout_ms)
{
	struct fake_engine *e = ctx;
	struct pollfd real[8];
	unsigned int map[8], nreal = 0, i;
	int ready = 0, ret;

	if (nfds > 8)
		return -EINVAL;
	run(e);
	for (i = 0; i < nfds; i++) {
		struct fake_chan *c = chan_of_fd(e, fds[i].fd);
		short rev = 0;

		fds[i].revents = 0;
		if (!c) {
			map[nreal] = i;
			real[nreal++] = fds[i];
			continue;
		}
		if (c->owned) {
			if (cq_ready(c))
				rev |= POLLIN;
			if (c->state == DMASTREAM_STATE_ERROR)
				rev |= POLLERR;
			else if (room(c))
				rev |= POLLOUT;
		}
		fds[i].revents = rev & (fds[i].events | POLLERR | POLLHUP);
		if (fds[i].revents)
			ready++;
	}
	if (!nreal && !ready && timeout_ms < 0)
		return -EDEADLK;	/* a test waiting for something that cannot happen */
	ret = poll(real, nreal, ready ? 0 : timeout_ms);
	if (ret < 0)
		return ready ? ready : -errno;
	for (i = 0; i < nreal; i++) {
		fds[map[i]].revents = real[i].revents;
		if (real[i].revents)
			ready++;
	}
	return ready;
}

static void fake_close(void *ctx, int fd)
{
	struct fake_chan *c = chan_of_fd(ctx, fd);

	if (!c)
		return;
	/* As the driver's release: stop DMA, drop the ring. */
	if (c->owned) {
		stop_chan(c, false);
		drop_ring(c);
	}
	close(c->fd);
	c->fd = -1;
	c->open = false;
}

/* A dma-buf here is a memfd: the fake's imports take any file. */
static int fake_dmabuf_alloc(void *ctx, size_t size)
{
	struct fake_engine *e = ctx;
	int fd = memfd_create("fake-dmabuf", MFD_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)size)) {
		close(fd);
		return -ENOMEM;
	}
	e->dmabuf.made++;
	return fd;
}

/* Whether a transfer in flight on any channel uses an import of that file. */
static bool dmabuf_in_flight(struct fake_engine *e, dev_t dev, ino_t ino)
{
	struct fake_chan *chans[3] = { &e->tx, &e->rx, &e->mem };

	for (int k = 0; k < 3; k++) {
		struct fake_chan *c = chans[k];

		for (uint32_t i = 0; i < c->qlen; i++) {
			const struct fake_xfer *x = &c->q[(c->qhead + i) % c->cq_entries];

			for (uint32_t j = 0; j < x->nsrc + x->ndst; j++) {
				const struct fake_import *im;

				if (!(x->segs[j].buf & DMASTREAM_BUF_IMPORTED))
					continue;
				im = &c->imports[x->segs[j].buf & ~DMASTREAM_BUF_IMPORTED];
				if (im->map && !im->user && im->dev == dev && im->ino == ino)
					return true;
			}
		}
	}
	return false;
}

/*
 * DMA_BUF_IOCTL_SYNC as the rules for an import ask it to be used: a START
 * opens a bracket, its END closes it; what breaks the rules is counted.
 */
static int fake_dmabuf_sync(void *ctx, int fd, uint64_t flags)
{
	struct fake_engine *e = ctx;
	struct stat st;
	int i;

	if ((flags & ~(uint64_t)(DMA_BUF_SYNC_RW | DMA_BUF_SYNC_END)) || !(flags & DMA_BUF_SYNC_RW))
		return -EINVAL;
	if (fstat(fd, &st))
		return -errno;
	i = bracket_of(e, st.st_dev, st.st_ino);
	if (flags & DMA_BUF_SYNC_END) {
		e->dmabuf.ends++;
		if (i < 0) {
			e->dmabuf.unmatched_ends++;
			return 0;
		}
		e->brackets[i] = e->brackets[--e->nbrackets];
		return 0;
	}
	e->dmabuf.starts++;
	if (dmabuf_in_flight(e, st.st_dev, st.st_ino))
		e->dmabuf.open_while_busy++;
	if (i >= 0 || e->nbrackets == MAX_CPU_BRACKETS) {
		e->dmabuf.nested_starts++;
		return 0;
	}
	e->brackets[e->nbrackets++] = (struct fake_bracket){ st.st_dev, st.st_ino };
	return 0;
}

const struct fake_dmabuf_stats *fake_dmabuf_stats(const struct fake_engine *e)
{
	return &e->dmabuf;
}

void fake_set_import_runs(struct fake_engine *e, uint32_t runs)
{
	e->import_runs = runs;
}

uint32_t fake_dmabuf_open_brackets(const struct fake_engine *e)
{
	return e->nbrackets;
}

static const struct dms_backend fake_backend = {
	.ioctl = fake_ioctl,
	.map_ring = fake_map_ring,
	.unmap_ring = fake_unmap_ring,
	.poll = fake_poll,
	.close = fake_close,
	.dmabuf_alloc = fake_dmabuf_alloc,
	.dmabuf_sync = fake_dmabuf_sync,
};

int fake_open(struct fake_engine *e, uint32_t dir, struct dms_channel **chp)
{
	struct fake_chan *c = chan_of_dir(e, dir);
	int ret;

	if (c->open)
		return -EBUSY;
	/* A real fd, so that fd numbers are unique and io_uring can poll it. */
	c->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (c->fd < 0)
		return -errno;
	c->open = true;
	ret = dms__channel_open_backend(&fake_backend, e, c->fd, chp);
	if (ret) {
		close(c->fd);
		c->open = false;
	}
	return ret;
}
