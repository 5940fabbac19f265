// SPDX-License-Identifier: MIT
/*
 * The pipeline: keeps up to `depth` transfers in flight on each channel and
 * refills as completions arrive.
 *
 * Every buffer of a ring is either free, in flight (or waiting in the batch
 * for room), or - RX only - holding received data until the sink has taken
 * it, or kept by the sink after that (DMS_SINK_HELD) until
 * dms_pipeline_release(). A buffer is submitted again only once it is
 * free, so a slow sink
 * holds buffers back, the RX queue runs dry and the device has nowhere to
 * put data: that is counted (each RX completion the driver flags
 * DMASTREAM_CQE_AFTER_EMPTY, and with a pattern the verifier's sequence
 * gaps), never silent.
 *
 * Loopback: packet k may be sent only once RX transfer k is queued, so
 * every packet finds somewhere to land. Before the RX completions of a
 * round are processed, the TX completions are reaped: a TX failure of
 * packet k is posted before packet k+1 can reach RX, so the verifier knows
 * k was lost for a reason before it sees the gap.
 *
 * Cookies carry (sequence << 16 | buffer index); the driver allows at most
 * 1024 buffers per ring.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "pipeline-memory.h"

#define REAP_CHUNK		64
#define RETRY_MS		1
#define DEFAULT_DEPTH		8
#define DEFAULT_DRAIN_MS	1000

enum pipe_state { PIPE_RUNNING, PIPE_STOPPING, PIPE_DONE };

struct side {
	struct dms_channel *ch;
	struct pipe_mem mem;		/* where the buffers are */
	struct dms_batch *batch;
	uint32_t nbufs;			/* buffers (memcpy: buffer pairs) in use */
	uint32_t *free;			/* stack of free buffer (pair) indices */
	uint32_t nfree;
	/* RX: buffers the sink keeps (DMS_SINK_HELD), by buffer index. */
	struct hold {
		bool on;
		bool bracket;		/* a byte sink's CPU bracket, open until the release */
		uint64_t cookie;	/* the CQE's: only it gives the buffer back */
	} *held;
	uint64_t added;			/* transfers put in the batch */
	uint64_t submitted;		/* accepted by the driver */
	uint64_t completed;
	bool blocked;			/* the last submission found no room */
	struct dmastream_seg *segs;	/* scratch: one transfer's segments */
};

struct delivery {
	uint32_t buf;
	uint32_t len;
	uint32_t done;
	struct dmastream_cqe cqe;
};

struct dms_pipeline {
	struct dms_pipeline_params prm;
	enum dms_pipe_mode mode;
	enum pipe_state state;
	int stop_requested;		/* atomic: set from any thread or a handler */
	int wake_fd;			/* eventfd: stop requests (and, once the
					 * loop fd exists, the channels' completions) */
	int error;
	bool stopped_by_request;
	bool draining;			/* loopback: RX aborted after the drain time */

	struct side tx, rx;
	uint64_t rx_extra;		/* loopback: RX transfers owed for failed ones */
	uint32_t seg_max;		/* longest segment we cut */

	dms_sink_fn sink;
	dms_sink_dmabuf_fn sink_dmabuf;
	void *sink_arg;
	int sink_fd;
	bool sink_is_socket;
	bool sink_waits_fd;		/* the sink fd said EAGAIN */
	bool sink_waits;		/* the sink callback said EAGAIN */

	dms_source_fn source;
	dms_source_dmabuf_fn source_dmabuf;
	void *source_arg;
	int source_fd;
	bool source_waits_fd;		/* the source fd said EAGAIN */
	bool source_waits;		/* the source callback said EAGAIN */
	bool source_eof;

	dms_error_fn on_error;
	void *error_arg;

	struct delivery *dq;		/* RX data waiting for the sink, in order */
	uint32_t dq_head, dq_len;

	/* An external event loop's view (dms_pipeline_get_fd()). */
	int loop_fd;			/* epoll: wake_fd, and a waiting sink/source fd */
	bool loop_sink_watched, loop_source_watched;
	bool loop_retry;		/* a fd that epoll refused: poll it by time */
	bool due;			/* more may be done now, without waiting */
	uint64_t deadline_ns;		/* the next step must run by then; 0: none */

	struct dms_verifier *verifier;
	struct dms_hist lat;
	struct dms_pipeline_stats st;
	uint64_t t_first_submit, t_last_complete, t_last_activity, t_drain_deadline;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t cookie_of(uint64_t seq, uint32_t buf)
{
	return seq << 16 | buf;
}

static uint32_t cookie_buf(uint64_t cookie)
{
	return (uint32_t)(cookie & 0xffff);
}

static uint64_t cookie_seq(uint64_t cookie)
{
	return cookie >> 16;
}

static bool mem_is_zero(const void *mem, size_t len)
{
	const uint8_t *b = mem;

	while (len--)
		if (*b++)
			return false;
	return true;
}

void dms_pipeline_params_init(struct dms_pipeline_params *p)
{
	memset(p, 0, sizeof(*p));
	p->size = 65536;
	p->depth = DEFAULT_DEPTH;
	p->drain_ms = DEFAULT_DRAIN_MS;
	p->pattern = DMS_PATTERN_COUNTER;
	p->verify = DMS_CHECK_NONE;
}

/* ------------------------------------------------------------------------
 * Setup
 */

static int mode_of(struct dms_channel *tx, struct dms_channel *rx, enum dms_pipe_mode *mode)
{
	uint32_t td = tx ? dms_channel_direction(tx) : 0;
	uint32_t rd = rx ? dms_channel_direction(rx) : 0;

	if (!tx && rd == DMASTREAM_DIR_RX)
		*mode = DMS_PIPE_RX;
	else if (td == DMASTREAM_DIR_TX && !rx)
		*mode = DMS_PIPE_TX;
	else if (td == DMASTREAM_DIR_TX && rd == DMASTREAM_DIR_RX)
		*mode = DMS_PIPE_LOOPBACK;
	else if (td == DMASTREAM_DIR_MEMCPY && !rx)
		*mode = DMS_PIPE_MEMCPY;
	else
		return -EINVAL;
	return 0;
}

/*
 * The ring flags a channel works with: its own ring's when it has one (the
 * pipeline uses a ring as it is), else those of the ring it will set up.
 */
static uint32_t ring_flags_of(const struct dms_pipeline *p, struct dms_channel *ch)
{
	return dms_buf_count(ch) ? dms_ring_flags(ch) : p->prm.ring_flags;
}

/*
 * What the engine writes in a cached ring or in registered memory must
 * cover whole cache lines where DMA is not coherent (the driver refuses it
 * otherwise).
 */
static uint32_t write_align(const struct dms_pipeline *p, struct dms_channel *ch)
{
	const struct dmastream_caps *c = dms_get_caps(ch);
	bool writes = c->direction == DMASTREAM_DIR_RX || c->direction == DMASTREAM_DIR_MEMCPY;
	bool synced = (ring_flags_of(p, ch) & DMS_RING_CACHED) ||
		      p->prm.memory != DMS_MEMORY_RING;

	return synced && writes && c->cached_align > 1 ? c->cached_align : 1;
}

/* Where the data of buffer (memcpy: buffer of a pair) @b is. */
static uint8_t *buf_data(const struct side *s, uint32_t b)
{
	return pipe_mem_data(&s->mem, b);
}

/* What every segment start and length on @ch must be a multiple of. */
static uint32_t seg_align(const struct dms_pipeline *p, struct dms_channel *ch)
{
	const struct dmastream_caps *c = dms_get_caps(ch);
	uint32_t align = c->addr_align > c->len_align ? c->addr_align : c->len_align;

	if (write_align(p, ch) > align)
		align = write_align(p, ch);
	return align ? align : 1;
}

/*
 * The longest segment the pipeline cuts: within both channels' limits and
 * a multiple of both channels' alignments (powers of two: the larger one),
 * so that a loopback's cuts suit the TX and the RX side alike.
 */
static uint32_t segment_limit(const struct dms_pipeline *p, struct dms_channel *tx,
			      struct dms_channel *rx)
{
	uint32_t align = 1, lim = UINT32_MAX;
	struct dms_channel *chs[2] = { tx, rx };

	for (int i = 0; i < 2; i++) {
		if (!chs[i])
			continue;
		if (seg_align(p, chs[i]) > align)
			align = seg_align(p, chs[i]);
		if (dms_get_caps(chs[i])->max_seg_size < lim)
			lim = dms_get_caps(chs[i])->max_seg_size;
	}
	return lim - lim % align;
}

static int side_init(struct dms_pipeline *p, struct side *s, struct dms_channel *ch)
{
	const struct dmastream_caps *caps = dms_get_caps(ch);
	uint32_t ring_bufs = 0, size = p->prm.size, nsegs, per_xfer, max_x;
	uint64_t stride = ((uint64_t)size + 4095) & ~4095ull;
	bool pairs = p->mode == DMS_PIPE_MEMCPY;
	int ret;

	/* Refuse what the engine cannot do before allocating anything. */
	nsegs = (size + p->seg_max - 1) / p->seg_max;
	if (size > caps->max_xfer_bytes || nsegs > caps->max_segs)
		return -E2BIG;
	if (caps->len_align > 1 && size % caps->len_align)
		return -EINVAL;
	if (size % write_align(p, ch))
		return -EINVAL;

	s->ch = ch;
	if (!dms_buf_count(ch)) {
		ring_bufs = p->prm.buffers ? p->prm.buffers : 2 * p->prm.depth;
		if (pairs)
			ring_bufs *= 2;
		/*
		 * Fit the module's limits rather than fail: fewer buffers still
		 * work. A ring's buffers count against the ring limits, dma-bufs
		 * against the import slots; registered memory has neither.
		 */
		if (p->prm.memory == DMS_MEMORY_RING) {
			if (caps->max_buffers && ring_bufs > caps->max_buffers)
				ring_bufs = caps->max_buffers;
			if (caps->max_ring_bytes && ring_bufs * stride > caps->max_ring_bytes)
				ring_bufs = (uint32_t)(caps->max_ring_bytes / stride);
		} else if (p->prm.memory == DMS_MEMORY_DMABUF) {
			if (caps->abi_version < 0x00010005)
				return -EOPNOTSUPP;
			if (ring_bufs > caps->max_imports)
				ring_bufs = caps->max_imports;
		}
		/* No more than are used (below): the rest would be allocated for nothing. */
		if (ring_bufs > (pairs ? 2u : 1u) * 0xffff)
			ring_bufs = (pairs ? 2u : 1u) * 0xffff;
		if (pairs)
			ring_bufs -= ring_bufs % 2;
		if (ring_bufs < (pairs ? 2u : 1u))
			return -E2BIG;
		/* A buffer's segments and the runs they touch share max_segs entries. */
		ret = pipe_mem_setup(&s->mem, ch, p->prm.memory, ring_bufs, stride, size,
				     p->prm.ring_flags, pairs, pairs ? 0 : caps->max_segs - (nsegs - 1));
		if (ret)
			return ret;
	} else if (p->prm.memory != DMS_MEMORY_RING || dms_buf_size(ch) < size) {
		/* Registered memory and dma-bufs come with a ring of the pipeline's own. */
		return -EINVAL;
	} else {
		pipe_mem_use_ring(&s->mem, ch);
	}
	s->nbufs = s->mem.nbufs / (pairs ? 2 : 1);
	if (s->nbufs > 0xffff)
		s->nbufs = 0xffff;

	per_xfer = nsegs * (pairs ? 2 : 1);
	s->free = calloc(s->nbufs, sizeof(*s->free));
	s->segs = calloc(per_xfer, sizeof(*s->segs));
	if (!s->free || !s->segs)
		return -ENOMEM;
	for (s->nfree = 0; s->nfree < s->nbufs; s->nfree++)
		s->free[s->nfree] = s->nbufs - 1 - s->nfree;

	max_x = p->prm.batch ? p->prm.batch : p->prm.depth;
	if (max_x > DMASTREAM_SUBMIT_MAX)
		max_x = DMASTREAM_SUBMIT_MAX;
	if ((uint64_t)max_x * per_xfer > DMASTREAM_SUBMIT_MAX_SEGS)
		max_x = DMASTREAM_SUBMIT_MAX_SEGS / per_xfer;
	return dms_batch_create(ch, max_x, max_x * per_xfer, &s->batch);
}

static void side_fini(struct side *s)
{
	if (!s->ch)
		return;
	dms_batch_destroy(s->batch);
	free(s->free);
	free(s->segs);
	/* The CPU's brackets on buffers still held end with the memory. */
	for (uint32_t b = 0; s->held && b < s->nbufs; b++)
		if (s->held[b].on && s->held[b].bracket)
			pipe_mem_cpu_end(&s->mem, b, false);
	free(s->held);
	pipe_mem_fini(&s->mem);
	memset(s, 0, sizeof(*s));
}

int dms_pipeline_create(const struct dms_pipeline_params *params, struct dms_channel *tx,
			struct dms_channel *rx, struct dms_pipeline **pp)
{
	struct dms_pipeline *p;
	int ret;

	if (!params || !pp || params->size == 0 || params->depth == 0 ||
	    params->verify > DMS_CHECK_FULL || params->pattern > DMS_PATTERN_PRBS31)
		return -EINVAL;
	/* A later parameter this library does not know: refuse, not ignore. */
	if ((params->ring_flags & ~DMS_RING_CACHED) || params->memory > DMS_MEMORY_DMABUF ||
	    params->reserved32 || !mem_is_zero(params->reserved, sizeof(params->reserved)))
		return -EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->prm = *params;
	p->sink_fd = -1;
	p->source_fd = -1;
	p->loop_fd = -1;
	p->due = true;			/* nothing is submitted yet */
	p->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (p->wake_fd < 0) {
		ret = -errno;
		goto fail;
	}
	ret = mode_of(tx, rx, &p->mode);
	if (ret)
		goto fail;

	/* Data can only be verified if it was generated with a pattern. */
	ret = -EINVAL;
	if ((p->mode == DMS_PIPE_LOOPBACK || p->mode == DMS_PIPE_MEMCPY) &&
	    p->prm.verify != DMS_CHECK_NONE && p->prm.pattern == DMS_PATTERN_NONE)
		goto fail;
	if (p->prm.pattern != DMS_PATTERN_NONE && p->prm.size < DMS_PKT_HEADER_SIZE &&
	    p->mode != DMS_PIPE_RX)
		goto fail;

	p->seg_max = segment_limit(p, tx, rx);
	if (p->seg_max == 0)
		goto fail;

	if (tx) {
		ret = side_init(p, &p->tx, tx);
		if (ret)
			goto fail;
	}
	if (rx) {
		ret = side_init(p, &p->rx, rx);
		if (ret)
			goto fail;
		p->dq = calloc(p->rx.nbufs, sizeof(*p->dq));
		p->rx.held = calloc(p->rx.nbufs, sizeof(*p->rx.held));
		if (!p->dq || !p->rx.held) {
			ret = -ENOMEM;
			goto fail;
		}
	}
	if (p->prm.verify != DMS_CHECK_NONE) {
		unsigned int vflags = p->prm.verify_flags;

		/* A free-running source starts wherever it happens to be. */
		if (p->mode == DMS_PIPE_RX)
			vflags |= DMS_VERIFY_SYNC;
		ret = dms_verifier_create(p->prm.stream, p->prm.verify, vflags, &p->verifier);
		if (ret)
			goto fail;
	}
	dms__hist_init(&p->lat);
	p->st.mode = p->mode;
	p->st.buffers = (tx ? p->tx.nbufs : p->rx.nbufs);
	if (tx && rx && p->rx.nbufs < p->st.buffers)
		p->st.buffers = p->rx.nbufs;
	p->st.depth = p->prm.depth < p->st.buffers ? p->prm.depth : p->st.buffers;
	*pp = p;
	return 0;

fail:
	dms_pipeline_destroy(p);
	return ret;
}

void dms_pipeline_destroy(struct dms_pipeline *p)
{
	if (!p)
		return;
	if (p->loop_fd >= 0) {
		/* A ring the caller gave us outlives the pipeline: it must not signal us. */
		if (p->tx.ch)
			dms_register_eventfd(p->tx.ch, -1);
		if (p->rx.ch)
			dms_register_eventfd(p->rx.ch, -1);
		close(p->loop_fd);
	}
	if (p->wake_fd >= 0)
		close(p->wake_fd);
	side_fini(&p->tx);
	side_fini(&p->rx);
	dms_verifier_destroy(p->verifier);
	free(p->dq);
	free(p);
}

int dms_pipeline_set_sink(struct dms_pipeline *p, dms_sink_fn fn, void *arg)
{
	if (p->mode != DMS_PIPE_RX)
		return -EINVAL;
	p->sink = fn;
	p->sink_dmabuf = NULL;
	p->sink_arg = arg;
	p->sink_fd = -1;
	return 0;
}

int dms_pipeline_set_sink_dmabuf(struct dms_pipeline *p, dms_sink_dmabuf_fn fn, void *arg)
{
	if (p->mode != DMS_PIPE_RX)
		return -EINVAL;
	if (p->prm.memory == DMS_MEMORY_USER)
		return -EOPNOTSUPP;
	p->sink = NULL;
	p->sink_dmabuf = fn;
	p->sink_arg = arg;
	p->sink_fd = -1;
	return 0;
}

int dms_pipeline_set_sink_fd(struct dms_pipeline *p, int fd)
{
	struct stat sb;

	if (p->mode != DMS_PIPE_RX || fd < 0)
		return -EINVAL;
	if (fstat(fd, &sb) < 0)
		return -errno;
	p->sink = NULL;
	p->sink_dmabuf = NULL;
	p->sink_fd = fd;
	p->sink_is_socket = S_ISSOCK(sb.st_mode);
	return 0;
}

int dms_pipeline_set_source(struct dms_pipeline *p, dms_source_fn fn, void *arg)
{
	if (p->mode != DMS_PIPE_TX)
		return -EINVAL;
	p->source = fn;
	p->source_dmabuf = NULL;
	p->source_arg = arg;
	p->source_fd = -1;
	return 0;
}

int dms_pipeline_set_source_dmabuf(struct dms_pipeline *p, dms_source_dmabuf_fn fn, void *arg)
{
	if (p->mode != DMS_PIPE_TX)
		return -EINVAL;
	if (p->prm.memory == DMS_MEMORY_USER)
		return -EOPNOTSUPP;
	p->source = NULL;
	p->source_dmabuf = fn;
	p->source_arg = arg;
	p->source_fd = -1;
	return 0;
}

int dms_pipeline_set_source_fd(struct dms_pipeline *p, int fd)
{
	if (p->mode != DMS_PIPE_TX || fd < 0)
		return -EINVAL;
	p->source = NULL;
	p->source_dmabuf = NULL;
	p->source_fd = fd;
	return 0;
}

int dms_pipeline_set_error_handler(struct dms_pipeline *p, dms_error_fn fn, void *arg)
{
	p->on_error = fn;
	p->error_arg = arg;
	return 0;
}

/* ------------------------------------------------------------------------
 * Stopping and failing
 */

/* Async-signal-safe and thread-safe: an atomic store and write(2). */
void dms_pipeline_stop(struct dms_pipeline *p)
{
	uint64_t one = 1;
	int saved = errno;

	__atomic_store_n(&p->stop_requested, 1, __ATOMIC_RELEASE);
	/* Wakes a step asleep in poll() or an external loop. */
	if (write(p->wake_fd, &one, sizeof(one)) < 0) {
		/* EAGAIN: the counter is full, so it is readable already. */
	}
	errno = saved;
}

static bool stop_pending(const struct dms_pipeline *p)
{
	return __atomic_load_n(&p->stop_requested, __ATOMIC_ACQUIRE);
}

/* Reset the wake counter before looking at what woke us, never after. */
static void drain_wake(struct dms_pipeline *p)
{
	uint64_t n;

	if (read(p->wake_fd, &n, sizeof(n)) < 0) {
		/* EAGAIN: it was not signalled. */
	}
}

static uint64_t side_inflight(const struct side *s)
{
	return s->submitted - s->completed;
}

/*
 * Stop: no more submissions; what is in flight is aborted (the driver
 * completes it as ABORTED before ABORT returns) and reaped by the next
 * steps. The first error given is the one reported.
 */
static void begin_stop(struct dms_pipeline *p, int err)
{
	struct side *sides[2] = { &p->tx, &p->rx };
	int i;

	if (err && !p->error)
		p->error = err;
	if (p->state != PIPE_RUNNING)
		return;
	p->state = PIPE_STOPPING;
	/* Transfers still waiting in a batch will never be submitted. */
	for (i = 0; i < 2; i++) {
		struct side *s = sides[i];

		if (!s->ch)
			continue;
		s->added -= dms_batch_pending(s->batch);
		dms_batch_clear(s->batch);
	}
	if (p->tx.ch && side_inflight(&p->tx))
		dms_abort(p->tx.ch);
	if (p->rx.ch && side_inflight(&p->rx))
		dms_abort(p->rx.ch);
}

/* ------------------------------------------------------------------------
 * Completions
 */

static void count_status(struct dms_pipeline *p, uint32_t status)
{
	switch (status) {
	case DMASTREAM_STATUS_READ_ERROR:
		p->st.read_errors++;
		p->st.errors++;
		break;
	case DMASTREAM_STATUS_WRITE_ERROR:
		p->st.write_errors++;
		p->st.errors++;
		break;
	case DMASTREAM_STATUS_ENGINE_ABORTED:
		p->st.engine_aborts++;
		p->st.errors++;
		break;
	case DMASTREAM_STATUS_TIMEOUT:
		p->st.timeouts++;
		p->st.errors++;
		break;
	default:
		p->st.aborted++;
		break;
	}
}

static void complete_common(struct dms_pipeline *p, struct side *s,
			    const struct dmastream_cqe *cqe, bool primary, uint64_t now)
{
	bool ours;

	s->completed++;
	p->t_last_complete = now;
	p->t_last_activity = now;
	if (primary && cqe->t_complete_ns >= cqe->t_submit_ns)
		dms__hist_add(&p->lat, cqe->t_complete_ns - cqe->t_submit_ns);
	if (cqe->status == DMASTREAM_STATUS_OK)
		return;
	count_status(p, cqe->status);
	/* Cancellations by our own stop or drain are not failures to report. */
	ours = cqe->status == DMASTREAM_STATUS_ABORTED &&
	       (p->state != PIPE_RUNNING || p->draining);
	if (p->on_error && !ours)
		p->on_error(p->error_arg, dms_channel_direction(s->ch), cookie_seq(cqe->cookie), cqe);
}

/*
 * The CPU's access to a buffer, bracketed where the memory asks for it
 * (dma-bufs); a bracket that fails fails the pipeline.
 */
static bool cpu_begin(struct dms_pipeline *p, struct side *s, uint32_t buf, bool writes)
{
	int ret = pipe_mem_cpu_begin(&s->mem, buf, writes);

	if (ret)
		begin_stop(p, ret);
	return ret == 0;
}

static void cpu_end(struct dms_pipeline *p, struct side *s, uint32_t buf, bool writes)
{
	int ret = pipe_mem_cpu_end(&s->mem, buf, writes);

	if (ret)
		begin_stop(p, ret);
}

static void check_received(struct dms_pipeline *p, struct side *s, uint32_t buf, uint32_t len)
{
	if (!cpu_begin(p, s, buf, false))
		return;
	dms_verifier_check(p->verifier, buf_data(s, buf), len);
	cpu_end(p, s, buf, false);
}

static void free_buf(struct side *s, uint32_t buf)
{
	s->free[s->nfree++] = buf;
}

static void on_tx(struct dms_pipeline *p, const struct dmastream_cqe *cqe, uint64_t now)
{
	struct side *s = &p->tx;

	complete_common(p, s, cqe, true, now);
	free_buf(s, cookie_buf(cqe->cookie));
	p->st.tx_completed++;
	if (cqe->status == DMASTREAM_STATUS_OK) {
		p->st.tx_bytes += cqe->bytes;
		if (p->mode == DMS_PIPE_TX) {
			p->st.transfers++;
			p->st.bytes += cqe->bytes;
		}
	} else if (p->verifier) {
		/* That packet was not sent (or not all of it): not the receiver's fault. */
		dms_verifier_excuse(p->verifier, cookie_seq(cqe->cookie));
	}
}

static void on_rx(struct dms_pipeline *p, const struct dmastream_cqe *cqe, uint64_t now)
{
	struct side *s = &p->rx;
	uint32_t buf = cookie_buf(cqe->cookie);
	struct delivery *d;

	complete_common(p, s, cqe, p->mode == DMS_PIPE_RX, now);
	p->st.rx_completed++;
	/*
	 * The driver flags the first transfer queued after the RX queue ran
	 * dry while running (never the end of a run, nor our own abort): the
	 * device had nowhere to put data in between.
	 */
	if (cqe->flags & DMASTREAM_CQE_AFTER_EMPTY)
		p->st.rx_queue_empty++;
	if (cqe->status != DMASTREAM_STATUS_OK) {
		/*
		 * A transfer that failed (or was cancelled by someone else's
		 * timeout) while running may have cost a packet: excuse one
		 * gap. Our own stop and drain cost nothing.
		 */
		if (p->state == PIPE_RUNNING && !p->draining) {
			if (p->verifier)
				dms_verifier_excuse_any(p->verifier, 1);
			/*
			 * Loopback: the packet may still come (an engine
			 * that fails a descriptor without taking data, as
			 * AXI DMA and dmasim do, puts it into the next one):
			 * queue one more RX transfer than planned, or it
			 * would wait in the device for ever. If it is lost
			 * instead, the drain ends the extra transfer.
			 */
			if (p->mode == DMS_PIPE_LOOPBACK && p->prm.count)
				p->rx_extra++;
		}
		free_buf(s, buf);
		return;
	}
	p->st.rx_bytes += cqe->bytes;
	p->st.transfers++;
	p->st.bytes += cqe->bytes;
	if (cqe->flags & DMASTREAM_CQE_SHORT)
		p->st.short_xfers++;
	if (p->verifier)
		check_received(p, s, buf, cqe->bytes);
	if (p->mode != DMS_PIPE_RX || (!p->sink && !p->sink_dmabuf && p->sink_fd < 0)) {
		free_buf(s, buf);
		return;
	}
	d = &p->dq[(p->dq_head + p->dq_len) % s->nbufs];
	p->dq_len++;
	d->buf = buf;
	d->len = cqe->bytes;
	d->done = 0;
	d->cqe = *cqe;
}

static void on_memcpy(struct dms_pipeline *p, const struct dmastream_cqe *cqe, uint64_t now)
{
	struct side *s = &p->tx;
	uint32_t pair = cookie_buf(cqe->cookie);

	complete_common(p, s, cqe, true, now);
	free_buf(s, pair);
	p->st.tx_completed++;
	if (cqe->status != DMASTREAM_STATUS_OK) {
		if (p->verifier)
			dms_verifier_excuse(p->verifier, cookie_seq(cqe->cookie));
		return;
	}
	p->st.transfers++;
	p->st.bytes += cqe->bytes;
	p->st.tx_bytes += cqe->bytes;
	if (p->verifier)
		check_received(p, s, 2 * pair + 1, cqe->bytes);
}

typedef void (*cqe_fn)(struct dms_pipeline *p, const struct dmastream_cqe *cqe, uint64_t now);

/* Handle at most @limit completions of one side; returns how many. */
static uint32_t reap_side(struct dms_pipeline *p, struct side *s, cqe_fn fn, uint32_t limit)
{
	const struct dmastream_cqe *cqes[REAP_CHUNK];
	uint32_t total = 0, n, i;
	uint64_t now = now_ns();

	while (total < limit) {
		n = dms_cq_peek_batch(s->ch, cqes, limit - total < REAP_CHUNK ?
				      limit - total : REAP_CHUNK);
		if (!n)
			break;
		for (i = 0; i < n; i++)
			fn(p, cqes[i], now);
		dms_cq_advance(s->ch, n);
		total += n;
	}
	return total;
}

static uint32_t reap(struct dms_pipeline *p)
{
	uint32_t rx_ready, n = 0;

	switch (p->mode) {
	case DMS_PIPE_TX:
		n = reap_side(p, &p->tx, on_tx, UINT32_MAX);
		break;
	case DMS_PIPE_MEMCPY:
		n = reap_side(p, &p->tx, on_memcpy, UINT32_MAX);
		break;
	case DMS_PIPE_RX:
		n = reap_side(p, &p->rx, on_rx, UINT32_MAX);
		break;
	case DMS_PIPE_LOOPBACK:
		/* RX first seen, TX reaped, then those RX handled: see the top. */
		rx_ready = dms_cq_ready(p->rx.ch);
		n += reap_side(p, &p->tx, on_tx, UINT32_MAX);
		n += reap_side(p, &p->rx, on_rx, rx_ready);
		break;
	}
	/*
	 * The sticky error state stops a channel for good (until RESET); it
	 * would otherwise only show at the next submission, which a loopback
	 * waiting for lost packets may never make.
	 */
	if ((p->tx.ch && (dms_cq_flags(p->tx.ch) & DMASTREAM_CQ_ERROR)) ||
	    (p->rx.ch && (dms_cq_flags(p->rx.ch) & DMASTREAM_CQ_ERROR)))
		begin_stop(p, -EIO);
	return n;
}

/* ------------------------------------------------------------------------
 * The sink
 */

static int sink_write(struct dms_pipeline *p, const uint8_t *data, uint32_t len,
		      uint32_t *done)
{
	ssize_t n;

	while (*done < len) {
		if (p->sink_is_socket)
			n = send(p->sink_fd, data + *done, len - *done, MSG_NOSIGNAL);
		else
			n = write(p->sink_fd, data + *done, len - *done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		*done += (uint32_t)n;
	}
	return 0;
}

/* One delivery to the sink: 0 once taken, -EAGAIN, or another -errno. */
static int sink_one(struct dms_pipeline *p, struct delivery *d)
{
	const uint8_t *data = buf_data(&p->rx, d->buf);
	int ret, end;

	if (p->sink_dmabuf) {
		/* Its consumer brackets its own accesses, as the dma-buf's rules say. */
		ret = pipe_mem_dmabuf(&p->rx.mem, d->buf, false);
		return ret < 0 ? ret : p->sink_dmabuf(p->sink_arg, ret, 0, d->len, &d->cqe);
	}
	ret = pipe_mem_cpu_begin(&p->rx.mem, d->buf, false);
	if (ret)
		return ret;
	if (p->sink_fd >= 0) {
		ret = sink_write(p, data, d->len, &d->done);
	} else {
		ret = p->sink(p->sink_arg, data, d->len, &d->cqe);
		/* Kept for reading after the call: the bracket stays open until the release. */
		if (ret == DMS_SINK_HELD) {
			p->rx.held[d->buf].bracket = true;
			return ret;
		}
	}
	end = pipe_mem_cpu_end(&p->rx.mem, d->buf, false);
	return ret ? ret : end;
}

/* Hand received data to the sink, oldest first, as far as it takes it. */
static uint32_t deliver(struct dms_pipeline *p)
{
	uint32_t delivered = 0;
	int ret;

	p->sink_waits = false;
	p->sink_waits_fd = false;
	while (p->dq_len) {
		struct delivery *d = &p->dq[p->dq_head];

		ret = sink_one(p, d);
		if (ret == -EAGAIN || ret == -EWOULDBLOCK) {
			p->st.sink_stalls++;
			if (p->sink_fd >= 0)
				p->sink_waits_fd = true;
			else
				p->sink_waits = true;
			break;
		}
		if (ret < 0) {
			begin_stop(p, ret);
			break;
		}
		if (ret == DMS_SINK_HELD && p->sink_fd < 0) {
			/* Taken, and back only with dms_pipeline_release(). */
			p->rx.held[d->buf].on = true;
			p->rx.held[d->buf].cookie = d->cqe.cookie;
		} else {
			free_buf(&p->rx, d->buf);
		}
		p->dq_head = (p->dq_head + 1) % p->rx.nbufs;
		p->dq_len--;
		delivered++;
	}
	return delivered;
}

/* At the end, whatever the sink cannot take now is dropped, and counted. */
static void discard_deliveries(struct dms_pipeline *p)
{
	while (p->dq_len) {
		free_buf(&p->rx, p->dq[p->dq_head].buf);
		p->dq_head = (p->dq_head + 1) % p->rx.nbufs;
		p->dq_len--;
		p->st.undelivered++;
	}
}

/* A buffer the sink held (DMS_SINK_HELD) is free again. */
int dms_pipeline_release(struct dms_pipeline *p, uint64_t cookie)
{
	uint32_t buf = cookie_buf(cookie);
	struct hold *h;
	uint64_t one = 1;
	int ret = 0;

	if (p->mode != DMS_PIPE_RX || buf >= p->rx.nbufs)
		return -EINVAL;
	/* The buffer may be held again by now, under another cookie. */
	h = &p->rx.held[buf];
	if (!h->on || h->cookie != cookie)
		return -EINVAL;
	if (h->bracket)
		ret = pipe_mem_cpu_end(&p->rx.mem, buf, false);
	*h = (struct hold){ 0 };
	free_buf(&p->rx, buf);
	if (p->state == PIPE_DONE)
		return ret;
	if (ret)
		begin_stop(p, ret);
	/* A free buffer is work for the next step: wake an external loop. */
	p->due = true;
	if (p->loop_fd >= 0 && write(p->wake_fd, &one, sizeof(one)) < 0) {
		/* EAGAIN: the counter is full, so it is readable already. */
	}
	return ret;
}

/* ------------------------------------------------------------------------
 * The source
 */

static int source_read(struct dms_pipeline *p, uint8_t *buf, uint32_t size)
{
	uint32_t got = 0;
	ssize_t n;

	/* Fill whole transfers: a pipe hands data over in small pieces. */
	while (got < size) {
		n = read(p->source_fd, buf + got, size - got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if ((errno == EAGAIN || errno == EWOULDBLOCK) && got)
				break;
			return -errno;
		}
		if (n == 0)
			break;
		got += (uint32_t)n;
	}
	return (int)got;
}

/* Write packet @seq with the pattern; returns its length or -errno. */
static int fill_packet(const struct dms_pipeline *p, uint8_t *data, uint64_t seq)
{
	/* Fast checking reads samples only, so only samples need writing. */
	enum dms_check how = p->prm.verify == DMS_CHECK_FAST ? DMS_CHECK_FAST : DMS_CHECK_FULL;
	int ret = dms_pattern_fill(data, p->prm.size, p->prm.pattern, p->prm.stream, seq, how);

	return ret < 0 ? ret : (int)p->prm.size;
}

/* Packet @seq written into buffer @b of @s with the pattern: its length or -errno. */
static int fill_buffer(struct dms_pipeline *p, struct side *s, uint32_t b, uint64_t seq)
{
	int n, end;

	n = pipe_mem_cpu_begin(&s->mem, b, true);
	if (n)
		return n;
	n = fill_packet(p, buf_data(s, b), seq);
	end = pipe_mem_cpu_end(&s->mem, b, true);
	return n < 0 || !end ? n : end;
}

/* What a dma-buf source put in @buf for packet @seq: > 0, 0 at the end, or -errno. */
static int produce_dmabuf(struct dms_pipeline *p, uint32_t buf, uint64_t seq)
{
	uint32_t size = p->prm.size, align = dms_get_caps(p->tx.ch)->len_align;
	int fd = pipe_mem_dmabuf(&p->tx.mem, buf, true);
	int n;

	if (fd < 0)
		return fd;
	n = p->source_dmabuf(p->source_arg, fd, 0, size, seq);
	if (n > (int)size)
		return -EOVERFLOW;
	/* The CPU does not touch what another device filled: no padding here. */
	if (n > 0 && align > 1 && n % align)
		return -EINVAL;
	return n;
}

/* Bytes to send in @buf for packet @seq: > 0, 0 at the end, or -errno. */
static int produce(struct dms_pipeline *p, uint32_t buf, uint64_t seq)
{
	uint8_t *data = buf_data(&p->tx, buf);
	uint32_t size = p->prm.size, align = dms_get_caps(p->tx.ch)->len_align;
	int n, end;

	if (p->source_dmabuf)
		return produce_dmabuf(p, buf, seq);
	if (p->source_fd < 0 && !p->source && p->prm.pattern == DMS_PATTERN_NONE)
		return (int)size;	/* whatever the buffer holds: no CPU cost */
	if (p->source_fd < 0 && !p->source)
		return fill_buffer(p, &p->tx, buf, seq);
	n = pipe_mem_cpu_begin(&p->tx.mem, buf, true);
	if (n)
		return n;
	if (p->source_fd >= 0)
		n = source_read(p, data, size);
	else
		n = p->source(p->source_arg, data, size, seq);
	if (n > (int)size) {
		n = -EOVERFLOW;
	} else if (n > 0 && align > 1 && n % align) {
		/* The engine wants whole units: pad the stream's last piece with zeros. */
		uint32_t padded = (uint32_t)n + align - (uint32_t)n % align;

		memset(data + n, 0, padded - (uint32_t)n);
		n = (int)padded;
	}
	end = pipe_mem_cpu_end(&p->tx.mem, buf, true);
	return n < 0 || !end ? n : end;
}

/* ------------------------------------------------------------------------
 * Refilling
 */

/* Cut [0, len) of one buffer into segments the engine takes. */
static uint32_t cut_segments(const struct dms_pipeline *p, const struct side *s,
			     struct dmastream_seg *segs, uint32_t buf, uint32_t len)
{
	uint32_t n = 0, off = 0, base;

	pipe_mem_locate(&s->mem, buf, &buf, &base);
	while (off < len) {
		uint32_t piece = len - off < p->seg_max ? len - off : p->seg_max;

		segs[n++] = (struct dmastream_seg){ .buf = buf, .offset = base + off, .len = piece };
		off += piece;
	}
	return n;
}

static int add_xfer(struct dms_pipeline *p, struct side *s, uint64_t seq, uint32_t buf,
		    uint32_t len)
{
	uint32_t n;
	int idx;

	if (p->mode == DMS_PIPE_MEMCPY) {
		n = cut_segments(p, s, s->segs, 2 * buf, len);
		cut_segments(p, s, s->segs + n, 2 * buf + 1, len);
		idx = dms_batch_add_memcpy(s->batch, cookie_of(seq, buf), s->segs, n,
					   s->segs + n, n);
	} else {
		n = cut_segments(p, s, s->segs, buf, len);
		idx = dms_batch_add(s->batch, cookie_of(seq, buf), s->segs, n);
	}
	if (idx < 0)
		return idx;
	if (p->prm.xfer_timeout_ms)
		dms_batch_set_timeout(s->batch, (uint32_t)idx, p->prm.xfer_timeout_ms);
	s->added++;
	return 0;
}

/* Submit what the batch holds; returns transfers queued or -errno (fatal). */
static int flush(struct dms_pipeline *p, struct side *s)
{
	int ret;

	if (!dms_batch_pending(s->batch))
		return 0;
	ret = dms_submit(s->ch, s->batch);
	if (ret == -EAGAIN) {
		/* No room: completions must be reaped first. Not an error. */
		s->blocked = true;
		p->st.backpressure++;
		return 0;
	}
	if (ret < 0)
		return ret;
	s->blocked = dms_batch_pending(s->batch) != 0;
	if (s->blocked)
		p->st.backpressure++;
	s->submitted += (uint32_t)ret;
	if (!p->t_first_submit)
		p->t_first_submit = now_ns();
	p->t_last_activity = now_ns();
	return ret;
}

/* Transfers a finite run performs on a side. */
static uint64_t side_target(const struct dms_pipeline *p, const struct side *s)
{
	return p->prm.count + (s == &p->rx ? p->rx_extra : 0);
}

static bool more_wanted(const struct dms_pipeline *p, const struct side *s)
{
	return !p->prm.count || s->added < side_target(p, s);
}

static bool room(const struct dms_pipeline *p, const struct side *s)
{
	return s->nfree && s->added - s->completed < p->st.depth &&
	       dms_batch_pending(s->batch) < DMASTREAM_SUBMIT_MAX;
}

static int refill_rx(struct dms_pipeline *p)
{
	struct side *s = &p->rx;
	int ret;

	while (!s->blocked && room(p, s) && more_wanted(p, s)) {
		ret = add_xfer(p, s, s->added, s->free[s->nfree - 1], p->prm.size);
		if (ret == -ENOSPC)
			break;
		if (ret)
			return ret;
		s->nfree--;
	}
	return flush(p, s);
}

static int refill_tx(struct dms_pipeline *p)
{
	struct side *s = &p->tx;
	uint32_t buf;
	int n, ret;

	while (!s->blocked && room(p, s) && more_wanted(p, s) && !p->source_eof) {
		/* Loopback: packet k only once RX transfer k is queued. */
		if (p->mode == DMS_PIPE_LOOPBACK && s->added >= p->rx.submitted)
			break;
		buf = s->free[s->nfree - 1];
		if (p->mode == DMS_PIPE_MEMCPY) {
			n = p->prm.pattern == DMS_PATTERN_NONE ? (int)p->prm.size :
			    fill_buffer(p, s, 2 * buf, s->added);
		} else {
			n = produce(p, buf, s->added);
		}
		if (n == -EAGAIN || n == -EWOULDBLOCK) {
			p->source_waits_fd = p->source_fd >= 0;
			p->source_waits = p->source_fd < 0;
			break;
		}
		if (n < 0)
			return n;
		if (n == 0) {
			p->source_eof = true;
			break;
		}
		ret = add_xfer(p, s, s->added, buf, (uint32_t)n);
		if (ret == -ENOSPC)
			break;
		if (ret)
			return ret;
		s->nfree--;
	}
	return flush(p, s);
}

static int refill(struct dms_pipeline *p)
{
	int a = 0, b = 0;

	p->source_waits_fd = false;
	p->source_waits = false;
	if (p->rx.ch) {
		p->rx.blocked = false;
		a = refill_rx(p);
		if (a < 0)
			return a;
	}
	if (p->tx.ch) {
		p->tx.blocked = false;
		b = refill_tx(p);
		if (b < 0)
			return b;
	}
	return a + b;
}

/* ------------------------------------------------------------------------
 * Finishing
 */

static bool side_idle(const struct side *s)
{
	return !s->ch || (side_inflight(s) == 0 && dms_batch_pending(s->batch) == 0);
}

static bool all_done(const struct dms_pipeline *p)
{
	if (!side_idle(&p->tx) || !side_idle(&p->rx))
		return false;
	if (p->state == PIPE_STOPPING)
		return true;
	if (p->dq_len)
		return false;
	if (p->mode == DMS_PIPE_TX && p->source_eof)
		return true;
	if (!p->prm.count)
		return false;
	if (p->tx.ch && p->tx.added < p->prm.count && !p->source_eof)
		return false;
	/* Loopback: every RX transfer is accounted for (or drained). */
	if (p->rx.ch && p->rx.added < side_target(p, &p->rx) && !p->draining)
		return false;
	return true;
}

static void finish(struct dms_pipeline *p)
{
	discard_deliveries(p);
	/* A complete run expected every packet; a stopped one only what came. */
	if (p->verifier && !p->stopped_by_request && !p->error &&
	    (p->mode == DMS_PIPE_LOOPBACK || p->mode == DMS_PIPE_MEMCPY))
		dms_verifier_finish(p->verifier, p->tx.added);
	p->state = PIPE_DONE;
}

/* ------------------------------------------------------------------------
 * Waiting
 */

static bool any_inflight(const struct dms_pipeline *p)
{
	return (p->tx.ch && side_inflight(&p->tx)) || (p->rx.ch && side_inflight(&p->rx));
}

/*
 * A callback that asked to wait has no fd to wake us, and with nothing in
 * flight or waited for nothing else would: such a pipeline is looked at
 * again after RETRY_MS.
 */
static bool retry_needed(const struct dms_pipeline *p)
{
	return p->sink_waits || p->source_waits || p->loop_retry ||
	       !(any_inflight(p) || p->sink_waits_fd || p->source_waits_fd);
}

/* Wait for the fds; returns how many are ready (0 after a signal), or -errno. */
static int wait_events(struct dms_pipeline *p, int timeout_ms)
{
	struct pollfd fds[5];
	struct side *sides[2] = { &p->tx, &p->rx };
	unsigned int n = 0, nch = 0, i;
	const struct dms_backend *be = NULL;
	void *ctx = NULL;
	int ret;

	/* Every channel, busy or not: POLLERR and POLLHUP are always reported. */
	for (i = 0; i < 2; i++) {
		struct side *s = sides[i];
		short events = 0;

		if (!s->ch)
			continue;
		if (side_inflight(s))
			events |= POLLIN;
		/* Room only matters to a pipeline that will submit again. */
		if (s->blocked && p->state == PIPE_RUNNING)
			events |= POLLIN | POLLOUT;
		be = s->ch->be;
		ctx = s->ch->be_ctx;
		fds[n++] = (struct pollfd){ .fd = dms_channel_fd(s->ch), .events = events };
	}
	nch = n;
	fds[n++] = (struct pollfd){ .fd = p->wake_fd, .events = POLLIN };
	if (p->sink_waits_fd)
		fds[n++] = (struct pollfd){ .fd = p->sink_fd, .events = POLLOUT };
	if (p->source_waits_fd)
		fds[n++] = (struct pollfd){ .fd = p->source_fd, .events = POLLIN };
	ret = be->poll(ctx, fds, n, timeout_ms);
	if (ret == -EINTR)
		return 0;
	if (ret < 0)
		return ret;
	for (i = 0; i < nch; i++) {
		if (fds[i].revents & POLLHUP)
			return -ENODEV;
		if (fds[i].revents & POLLERR)
			return -EIO;
	}
	if (fds[nch].revents & POLLIN)
		drain_wake(p);
	return ret;
}

/* Milliseconds until @deadline_ns, rounded up; 0 if passed. */
static int ms_until(uint64_t deadline_ns, uint64_t now)
{
	uint64_t ms;

	if (deadline_ns <= now)
		return 0;
	ms = (deadline_ns - now + 999999) / 1000000;
	return ms > INT32_MAX ? INT32_MAX : (int)ms;
}

static int min_timeout(int a, int b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

static uint64_t earliest(uint64_t a, uint64_t b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	return a < b ? a : b;
}

static int step(struct dms_pipeline *p, int timeout_ms)
{
	uint32_t progress = 0;
	uint64_t now, deadline = 0;
	int ret, wait_ms;

	p->due = true;
	p->deadline_ns = 0;
	if (p->state == PIPE_DONE) {
		/* Nothing is waited for any more: an external loop's fd must go quiet. */
		if (p->loop_fd >= 0)
			drain_wake(p);
		return p->error;
	}
	/* In an external loop nobody else resets it; before looking at anything. */
	if (p->loop_fd >= 0)
		drain_wake(p);
	if (stop_pending(p) && p->state == PIPE_RUNNING) {
		p->stopped_by_request = true;
		begin_stop(p, 0);
	}

	progress += reap(p);
	progress += deliver(p);
	if (p->state == PIPE_RUNNING) {
		ret = refill(p);
		if (ret < 0)
			begin_stop(p, ret);
		else
			progress += (uint32_t)ret;
	}
	if (all_done(p)) {
		finish(p);
		return p->error;
	}
	if (progress)
		return 1;

	now = now_ns();
	if (p->state == PIPE_RUNNING && p->prm.idle_timeout_ms && any_inflight(p)) {
		uint64_t idle = p->t_last_activity + p->prm.idle_timeout_ms * 1000000ull;

		if (now >= idle) {
			begin_stop(p, -ETIMEDOUT);
			return 1;
		}
		deadline = earliest(deadline, idle);
	}
	if (p->mode == DMS_PIPE_LOOPBACK && p->state == PIPE_RUNNING && p->prm.count &&
	    side_idle(&p->tx) && p->tx.added == p->prm.count && side_inflight(&p->rx)) {
		/* Everything is sent; what has not arrived by now never will. */
		if (!p->t_drain_deadline)
			p->t_drain_deadline = now + p->prm.drain_ms * 1000000ull;
		if (now >= p->t_drain_deadline) {
			p->draining = true;
			dms_abort(p->rx.ch);
			return 1;
		}
		deadline = earliest(deadline, p->t_drain_deadline);
	}
	if (retry_needed(p))
		deadline = earliest(deadline, now + RETRY_MS * 1000000ull);
	p->deadline_ns = deadline;
	p->due = false;
	wait_ms = deadline ? min_timeout(timeout_ms, ms_until(deadline, now)) : timeout_ms;
	ret = wait_events(p, wait_ms);
	if (ret < 0)
		begin_stop(p, ret);
	/* Something is ready (or failed): the next step has work. */
	p->due = ret != 0;
	return 1;
}

/* An external loop's epoll set follows what the pipeline waits for. */
static void loop_watch(struct dms_pipeline *p, int fd, uint32_t events, bool want, bool *watched)
{
	struct epoll_event ev = { .events = events, .data.fd = fd };

	if (want == *watched)
		return;
	if (epoll_ctl(p->loop_fd, want ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, fd, &ev) == 0 || !want)
		*watched = want;
	else
		p->loop_retry = true;	/* e.g. EPERM: a regular file */
}

static void loop_sync(struct dms_pipeline *p)
{
	bool running = p->state != PIPE_DONE;

	p->loop_retry = false;
	if (p->sink_fd >= 0)
		loop_watch(p, p->sink_fd, EPOLLOUT, running && p->sink_waits_fd,
			   &p->loop_sink_watched);
	if (p->source_fd >= 0)
		loop_watch(p, p->source_fd, EPOLLIN, running && p->source_waits_fd,
			   &p->loop_source_watched);
	if (p->loop_retry)
		p->deadline_ns = earliest(p->deadline_ns, now_ns() + RETRY_MS * 1000000ull);
}

int dms_pipeline_step(struct dms_pipeline *p, int timeout_ms)
{
	int ret = step(p, timeout_ms);

	if (p->loop_fd >= 0)
		loop_sync(p);
	return ret;
}

int dms_pipeline_dispatch(struct dms_pipeline *p)
{
	return dms_pipeline_step(p, 0);
}

int dms_pipeline_get_fd(struct dms_pipeline *p)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = p->wake_fd };
	struct side *sides[2] = { &p->tx, &p->rx };
	int fd, ret, i;

	if (p->loop_fd >= 0)
		return p->loop_fd;
	fd = epoll_create1(EPOLL_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (epoll_ctl(fd, EPOLL_CTL_ADD, p->wake_fd, &ev) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	/* Every completion, stop, error or removal on a channel signals wake_fd. */
	for (i = 0; i < 2; i++) {
		if (!sides[i]->ch)
			continue;
		ret = dms_register_eventfd(sides[i]->ch, p->wake_fd);
		if (ret) {
			if (i && p->tx.ch)
				dms_register_eventfd(p->tx.ch, -1);
			close(fd);
			return ret;
		}
	}
	p->loop_fd = fd;
	/* What happened before the registration signalled nothing. */
	p->due = true;
	loop_sync(p);
	return fd;
}

int dms_pipeline_get_timeout(struct dms_pipeline *p)
{
	if (p->due || p->state == PIPE_DONE || (stop_pending(p) && p->state == PIPE_RUNNING))
		return 0;
	if (!p->deadline_ns)
		return -1;
	return ms_until(p->deadline_ns, now_ns());
}

int dms_pipeline_run(struct dms_pipeline *p)
{
	int ret;

	while ((ret = dms_pipeline_step(p, -1)) > 0)
		;
	return ret;
}

void dms_pipeline_stats(struct dms_pipeline *p, struct dms_pipeline_stats *st)
{
	uint64_t end;

	p->st.tx_submitted = p->tx.submitted;
	p->st.rx_submitted = p->rx.submitted;
	if (p->verifier) {
		dms_verifier_stats(p->verifier, &p->st.verify);
		p->st.verify_errors = p->st.verify.errors;
	}
	dms__hist_summary(&p->lat, &p->st.latency);
	end = p->state == PIPE_DONE ? p->t_last_complete : now_ns();
	p->st.elapsed_ns = p->t_first_submit && end > p->t_first_submit ?
			   end - p->t_first_submit : 0;
	p->st.error = p->error;
	*st = p->st;
}
