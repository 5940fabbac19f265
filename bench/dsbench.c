// SPDX-License-Identifier: MIT
/*
 * dsbench: the user-space half of bench/run. Drives dmastream memcpy
 * channels (one per dmasim engine) in one completion mode per point and
 * prints one JSON record per point on stdout.
 *
 * Points come on stdin, one per line:
 *
 *	MODE ENGINE SIZE DEPTH SEGS CHANNELS [CONFIG ROUND]
 *
 * MODE: baseline | pool | poll | eventfd | io_uring | busy_poll; ENGINE: copy |
 * nocopy (written to dmasim's per-channel no_copy switch in debugfs before
 * the point). Channel k is /dev/dmastream/bK/memcpy (dmasim.K's memcpy
 * channel), or the k-th --chan DEVICE/CHANNEL: a memcpy channel on any
 * provider (an ARM lane's zynqmp_dma, say), where the engine always copies
 * and only "copy" points run. CONFIG and ROUND (bench/points' interleaved
 * rounds) are copied into the record, for bench/report to pair the runs of
 * one round. Options: --warmup-ms N, --ms N (measured window).
 *
 * baseline and pool are what users build on the blocking DMA Proxy 2.0
 * model, for comparison: one thread per channel that finishes its buffers
 * in order with a blocking call and restarts each (baseline), and one
 * thread per buffer, each blocking until its own buffer is done (pool).
 * The other modes are dmastream's: one event loop for all channels.
 *
 * Per transfer: one source (shared, read-only, filled once with a
 * position-dependent pattern) copied into the destination slot of the
 * transfer, SEGS segments on each side. The fast check: before each
 * submission the destination gets poison at sampled words (every segment's
 * first and last word, one word per 64 KiB); after completion those words
 * must hold the source's. Every completion record is checked too: status
 * OK, bytes = size, sequence numbers consecutive, cookies in submission
 * order. With nocopy the engine writes nothing, so only the records are
 * checked.
 *
 * What is counted in the measured window: completions, bytes, process CPU
 * time (getrusage: user+sys of all threads), whole-guest CPU time
 * (/proc/stat), and system calls, counted by the kernel: a perf counter on
 * the raw_syscalls:sys_enter tracepoint, inherited by the worker threads.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/perf_event.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <libdmastream-uring.h>
#include <libdmastream.h>

#define MAX_CHANS	4
#define MAX_SEGS	64
#define MAX_BUF		(4u << 20)	/* one buffer: what dma_alloc_coherent gives */
#define RING_BYTES	(64u << 20)	/* depth is cut so the ring stays below this */
#define SAMPLE_STEP	65536u
/*
 * Set in a channel's completion count while the window is open: the
 * completions counted in the window and those sampled for latency are the
 * same ones, however late the measuring thread opens or closes it.
 */
#define DONE_MEASURED	(1ull << 63)
#define MAX_SAMPLES	(1u << 20)	/* latency samples per point and kind */
#define WAIT_NS		200000000LL	/* blocking calls come back to look at stop */
#define POOL_MAX	64	/* pool: threads (buffers in flight) per channel */

/*
 * --wake-min half (the default), quarter or 0: the sleeping modes'
 * watermark, as the part of the depth that must be back (2: half, 4: a
 * quarter; 0: none, woken at every completion). They refill at the same
 * point: quarter keeps three quarters of the depth queued in the engine
 * while the program is woken and refills, at twice the calls.
 */
static unsigned int wake_div = 2;
/*
 * --refill eager: once awake, the sleeping modes also resubmit what comes
 * back while they refill, before sleeping again (default half: only at
 * the refill point, refill_due()). With the watermark at half the depth,
 * what completes during the refill call is reaped but neither refilled nor
 * counted towards the next wakeup, so the engine's queue is down to less
 * than half when the program next wakes.
 */
static bool refill_eager;
/*
 * --busy-refill half (the default) or quarter: busy_poll resubmits once no
 * more than this part of the depth is in flight (2: half, 4: a quarter).
 * It never sleeps, so what the engine has queued need only cover the
 * submit call itself, not a wakeup; a quarter makes the call carry three
 * quarters of the depth instead of half.
 */
static unsigned int busy_div = 2;
/* --chan: channels named on the command line instead of dmasim's bK/memcpy. */
static const char *chan_names[MAX_CHANS];
static uint32_t nchan_names;

enum mode { M_BASELINE, M_POOL, M_POLL, M_EVENTFD, M_URING, M_BUSY, M_NMODES };
static const char *const mode_names[] = { "baseline", "pool", "poll", "eventfd", "io_uring",
					  "busy_poll" };

struct point {
	enum mode mode;
	int nocopy;
	uint32_t size, depth, segs, nchans;
	int config, round;	/* -1: not given */
};

/* One channel in one point. */
struct chan {
	struct dms_channel *ch;
	struct dms_batch *b;
	const struct point *pt;
	uint32_t depth;		/* as run */
	uint32_t nbuf;		/* buffers per side of a transfer */
	uint32_t bufsz;
	uint32_t segs;		/* as run (>= nbuf) */
	struct dmastream_seg src[MAX_SEGS];
	uint32_t *pending;	/* slots completed, not yet resubmitted */
	uint32_t npending;
	uint32_t *order;	/* slots in submission order (FIFO) */
	uint64_t order_head, order_tail;
	uint64_t *t_sub;	/* per slot: user clock just before its submit call */
	uint64_t next_seq;
	int seq_known;
	uint32_t inflight;
	uint32_t refill_at;	/* refill once no more than this is in flight */
	bool submitted_awake;	/* --refill eager: submitted since the last sleep */
	/* counted by the worker; read by the main thread */
	_Atomic uint64_t done, verified, errors;	/* done: | DONE_MEASURED */
	/*
	 * Of the completions that found DONE_MEASURED: their bytes, then how
	 * many have added them (the main thread waits for the two to agree).
	 */
	_Atomic uint64_t measured_bytes, measured_settled;
	char err[160];
	/*
	 * pool: the buffers' threads share the channel's completion queue.
	 * Whoever finds no thread in WAIT becomes the one that waits and
	 * reaps for all (slot_done), then wakes the others.
	 */
	pthread_mutex_t pool_lock;
	pthread_cond_t pool_wake;
	bool pool_reaping;
	uint8_t *slot_done;	/* per slot; NULL but in pool mode */
};

struct lat {
	uint64_t *v;
	size_t n, cap;
};

struct run {
	struct point pt;
	struct chan c[MAX_CHANS];
	uint32_t nch;
	atomic_int measuring;	/* samples are kept while set */
	atomic_int stop;
	pthread_mutex_t lat_lock;
	struct lat lat_drv, lat_user;
	atomic_int fail;
	atomic_uint ready;	/* workers whose sample arrays are in memory */
	/* time spent inside the calls, measured window only */
	_Atomic uint64_t submit_ns, submit_calls, wait_ns, wait_calls;
};

static uint64_t now_ns(void);

/* Account a call that started at @t0 to @ns/@calls, inside the window. */
static void run_acct(struct run *r, _Atomic uint64_t *ns, _Atomic uint64_t *calls, uint64_t t0)
{
	if (atomic_load_explicit(&r->measuring, memory_order_relaxed)) {
		atomic_fetch_add_explicit(ns, now_ns() - t0, memory_order_relaxed);
		atomic_fetch_add_explicit(calls, 1, memory_order_relaxed);
	}
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t src_word(uint64_t pos)
{
	uint64_t x = pos * 0x9e3779b97f4a7c15ull + 0x632be59bd9b4e019ull;

	x ^= x >> 31;
	return x * 0xbf58476d1ce4e5b9ull;
}

static void chan_fail(struct run *r, struct chan *c, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void chan_fail(struct run *r, struct chan *c, const char *fmt, ...)
{
	va_list ap;

	if (!c->err[0]) {
		va_start(ap, fmt);
		vsnprintf(c->err, sizeof(c->err), fmt, ap);
		va_end(ap);
	}
	r->fail = 1;
	atomic_store(&r->stop, 1);
}

/* Destination segments of slot @s; the source list has the same shape. */
static void dst_segs(const struct chan *c, uint32_t s, struct dmastream_seg *d)
{
	for (uint32_t i = 0; i < c->segs; i++) {
		d[i] = c->src[i];
		d[i].buf += c->nbuf * (1 + s);
	}
}

/*
 * Sampled words of segment @seg (len bytes): the first, the last and one
 * per SAMPLE_STEP in between (8-byte loads at any byte offset).
 */
static uint32_t sample_offsets(uint32_t len, uint32_t *off, uint32_t max)
{
	uint32_t n = 0;

	if (len < 8)
		return 0;
	off[n++] = 0;
	for (uint32_t o = SAMPLE_STEP; o + 8 < len && n < max - 1; o += SAMPLE_STEP)
		off[n++] = o - 8 * ((o / SAMPLE_STEP) % 7);
	off[n++] = len - 8;
	return n;
}

static uint64_t load64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static void store64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

/* Position of a byte of the transfer, for the pattern: buffer-relative. */
static void poison(struct chan *c, uint32_t s)
{
	struct dmastream_seg d[MAX_SEGS];
	uint32_t off[160];

	dst_segs(c, s, d);
	for (uint32_t i = 0; i < c->segs; i++) {
		uint8_t *dp = (uint8_t *)dms_buf(c->ch, d[i].buf) + d[i].offset;
		uint8_t *sp = (uint8_t *)dms_buf(c->ch, c->src[i].buf) + c->src[i].offset;
		uint32_t n = sample_offsets(d[i].len, off, 160);

		for (uint32_t k = 0; k < n; k++)
			store64(dp + off[k], ~load64(sp + off[k]));
	}
}

static int check(struct chan *c, uint32_t s)
{
	struct dmastream_seg d[MAX_SEGS];
	uint32_t off[160];

	dst_segs(c, s, d);
	for (uint32_t i = 0; i < c->segs; i++) {
		const uint8_t *dp = (const uint8_t *)dms_buf(c->ch, d[i].buf) + d[i].offset;
		const uint8_t *sp = (const uint8_t *)dms_buf(c->ch, c->src[i].buf) + c->src[i].offset;
		uint32_t n = sample_offsets(d[i].len, off, 160);

		for (uint32_t k = 0; k < n; k++)
			if (load64(dp + off[k]) != load64(sp + off[k]))
				return -1;
	}
	return 0;
}

static int add_slot(struct chan *c, uint32_t s)
{
	struct dmastream_seg d[MAX_SEGS];

	dst_segs(c, s, d);
	if (!c->pt->nocopy)
		poison(c, s);
	/* Returns the transfer's index in the batch. */
	return dms_batch_add_memcpy(c->b, s, c->src, c->segs, d, c->segs) < 0 ? -1 : 0;
}

/* Submit what the batch holds; records the order and the user-side time. */
static int submit(struct run *r, struct chan *c)
{
	uint32_t n = dms_batch_pending(c->b);
	uint64_t t = now_ns();
	int ret;

	if (!n)
		return 0;
	/* Slots go in batch order; remember them before the call. */
	ret = dms_submit(c->ch, c->b);
	run_acct(r, &r->submit_ns, &r->submit_calls, t);
	if (ret == -EAGAIN)
		return 0;
	if (ret < 0) {
		chan_fail(r, c, "submit: %s", strerror(-ret));
		return ret;
	}
	for (int i = 0; i < ret; i++) {
		uint32_t s = c->pending[i];

		c->t_sub[s] = t;
		c->order[c->order_tail++ % c->depth] = s;
	}
	memmove(c->pending, c->pending + ret, (c->npending - (uint32_t)ret) * sizeof(*c->pending));
	c->npending -= (uint32_t)ret;
	c->inflight += (uint32_t)ret;
	return ret;
}

static void lat_add(struct lat *l, uint64_t v)
{
	if (l->n < l->cap)
		l->v[l->n++] = v;
}

/* Handle one completion record. Returns the slot, or -1 after a failure. */
static int complete_one(struct run *r, struct chan *c, const struct dmastream_cqe *e,
			uint64_t seen, struct lat *ld, struct lat *lu)
{
	uint32_t s;

	if (c->order_head == c->order_tail) {
		chan_fail(r, c, "completion with nothing in flight");
		return -1;
	}
	s = c->order[c->order_head++ % c->depth];
	c->inflight--;
	if (e->cookie != s || (c->seq_known && e->seq != c->next_seq) ||
	    e->status != DMASTREAM_STATUS_OK || e->bytes != c->pt->size) {
		atomic_fetch_add_explicit(&c->errors, 1, memory_order_relaxed);
		chan_fail(r, c, "bad record: cookie %" PRIu64 " (want %u) seq %" PRIu64
			  " (want %" PRIu64 ") status %u bytes %u",
			  (uint64_t)e->cookie, s, (uint64_t)e->seq, c->next_seq, e->status,
			  e->bytes);
		return -1;
	}
	c->next_seq = e->seq + 1;
	c->seq_known = 1;
	if (!c->pt->nocopy && check(c, s)) {
		atomic_fetch_add_explicit(&c->errors, 1, memory_order_relaxed);
		chan_fail(r, c, "data check failed in slot %u", s);
		return -1;
	}
	atomic_fetch_add_explicit(&c->verified, e->bytes, memory_order_relaxed);
	/*
	 * Counted, sampled and its bytes summed exactly when it finds
	 * DONE_MEASURED: transfers and bytes of a record are the same set.
	 */
	if (atomic_fetch_add_explicit(&c->done, 1, memory_order_acq_rel) & DONE_MEASURED) {
		atomic_fetch_add_explicit(&c->measured_bytes, e->bytes, memory_order_relaxed);
		atomic_fetch_add_explicit(&c->measured_settled, 1, memory_order_release);
		lat_add(ld, e->t_complete_ns - e->t_submit_ns);
		lat_add(lu, seen - c->t_sub[s]);
	}
	return (int)s;
}

/* Reap everything in the CQ; completed slots go to the batch. */
static uint32_t reap(struct run *r, struct chan *c, struct lat *ld, struct lat *lu, int resubmit)
{
	const struct dmastream_cqe *e[64];
	uint32_t n, total = 0;
	uint64_t seen;

	while ((n = dms_cq_peek_batch(c->ch, e, 64)) > 0) {
		seen = now_ns();
		for (uint32_t i = 0; i < n; i++) {
			int s = complete_one(r, c, e[i], seen, ld, lu);

			if (s < 0) {
				dms_cq_advance(c->ch, n);
				return total;
			}
			if (c->slot_done)
				c->slot_done[s] = 1;
			if (resubmit) {
				if (add_slot(c, (uint32_t)s)) {
					chan_fail(r, c, "batch add failed");
					dms_cq_advance(c->ch, n);
					return total;
				}
				c->pending[c->npending++] = (uint32_t)s;
			}
		}
		dms_cq_advance(c->ch, n);
		total += n;
	}
	return total;
}

static void lat_merge(struct run *r, struct lat *ld, struct lat *lu)
{
	pthread_mutex_lock(&r->lat_lock);
	for (size_t i = 0; i < ld->n; i++)
		lat_add(&r->lat_drv, ld->v[i]);
	for (size_t i = 0; i < lu->n; i++)
		lat_add(&r->lat_user, lu->v[i]);
	pthread_mutex_unlock(&r->lat_lock);
	free(ld->v);
	free(lu->v);
}

static int lat_init(struct lat *l, size_t cap)
{
	l->v = malloc(cap * sizeof(*l->v));
	l->n = 0;
	l->cap = cap;
	return l->v ? 0 : -ENOMEM;
}

/*
 * A worker's own sample arrays, faulted in before the warm-up starts (the
 * run waits for every worker's). Left to the first samples, their page
 * faults fell in the measured window: 3-47 per 300 ms window at 4 KiB,
 * 0-2 since (page_faults in the record). A store per 4 KiB page, not
 * memset: malloc and memset of zeros may become calloc, which touches
 * nothing.
 */
static int worker_lat_init(struct run *r, struct lat *ld, struct lat *lu, size_t cap)
{
	int ret = lat_init(ld, cap);

	lu->v = NULL;
	if (!ret)
		ret = lat_init(lu, cap);
	if (ret) {
		free(ld->v);
		free(lu->v);
	} else {
		for (size_t i = 0; i < cap; i += 4096 / sizeof(uint64_t)) {
			((volatile uint64_t *)ld->v)[i] = 0;
			((volatile uint64_t *)lu->v)[i] = 0;
		}
	}
	atomic_fetch_add(&r->ready, 1);
	return ret;
}

/*
 * Resubmit once this many slots are back, which amortizes the submit call
 * over most of the depth...
 */
static uint32_t threshold(uint32_t depth)
{
	uint32_t t = depth - (depth + 7) / 8;

	return t ? t : 1;
}

/*
 * ...or as soon as no more than half the depth is in flight (refill_at;
 * three quarters with --wake-min quarter, a quarter for busy_poll with
 * --busy-refill quarter): waiting for the last eighth let
 * the engine run dry while the program was being woken, and at 4-64 KiB
 * made the batched modes slower than the one-at-a-time baseline. Costs at
 * most one more submit call per depth.
 */
static bool refill_due(const struct chan *c)
{
	return c->npending &&
	       (c->npending >= threshold(c->depth) || c->inflight <= c->refill_at);
}

/*
 * End the watches' requests and wait for their last CQEs (at most a
 * second). io_uring drops its reference to a channel's file when the
 * request ends; left to io_uring_queue_exit(), that happens later, in the
 * ring's asynchronous teardown, and until then the channel stays owned: the
 * next point's SET_RING failed with EBUSY (standard sweep, 2026-12-06).
 */
static void uring_watch_end(struct io_uring *ring, struct dms_uring_watch *w, uint32_t n)
{
	struct __kernel_timespec ts = { .tv_nsec = 100000000 };
	uint64_t until = now_ns() + 1000000000ull;
	struct io_uring_cqe *cqe;
	unsigned int head, seen;
	uint32_t i, armed;

	for (i = 0; i < n; i++)
		dms_uring_watch_cancel(ring, &w[i]);
	for (;;) {
		for (armed = 0, i = 0; i < n; i++)
			armed += w[i].armed;
		if (!armed || now_ns() > until)
			return;
		io_uring_submit_and_wait_timeout(ring, &cqe, 1, &ts, NULL);
		seen = 0;
		io_uring_for_each_cqe(ring, head, cqe) {
			for (i = 0; i < n; i++)
				if (dms_uring_watch_owns(&w[i], cqe) &&
				    !(cqe->flags & IORING_CQE_F_MORE))
					w[i].armed = 0;
			seen++;
		}
		io_uring_cq_advance(ring, seen);
	}
}

/* Wait for everything in flight to come back (after stop). */
static void drain(struct run *r, struct chan *c, struct lat *ld, struct lat *lu)
{
	uint64_t until = now_ns() + 10000000000ull;

	while (c->inflight && now_ns() < until) {
		int ret = dms_wait(c->ch, 1, WAIT_NS);

		if (ret < 0 && ret != -ETIMEDOUT && ret != -EINTR)
			break;
		reap(r, c, ld, lu, 0);
	}
	if (c->inflight)
		chan_fail(r, c, "%u transfers did not come back", c->inflight);
}

/*
 * The finish call of the blocking models: always the ioctl, as DMA Proxy's
 * FINISH_XFER. Returns 0, -EAGAIN after a timeout or a signal (look at
 * stop, then wait again), or -errno after a failure, which it records.
 */
static int blocking_wait(struct run *r, struct chan *c)
{
	struct dmastream_wait wt = { .min_complete = 1, .timeout_ns = WAIT_NS };
	uint64_t t = now_ns();
	int ret = ioctl(dms_channel_fd(c->ch), DMASTREAM_IOC_WAIT, &wt) < 0 ? -errno : 0;

	run_acct(r, &r->wait_ns, &r->wait_calls, t);
	if (ret == -ETIMEDOUT || ret == -EINTR)
		return -EAGAIN;
	if (ret < 0)
		chan_fail(r, c, "WAIT: %s", strerror(-ret));
	return ret;
}

/* ---- (a) baseline: DMA Proxy 2.0 pattern, one thread per channel ---- */

struct worker {
	struct run *r;
	struct chan *c;		/* baseline, pool: its channel */
	uint32_t slot;		/* pool: its buffer */
	pthread_t t;
};

static void *baseline_thread(void *arg)
{
	struct worker *w = arg;
	struct run *r = w->r;
	struct chan *c = w->c;
	struct lat ld, lu;

	if (worker_lat_init(r, &ld, &lu, MAX_SAMPLES)) {
		chan_fail(r, c, "out of memory");
		return NULL;
	}
	/* Prime: one start call per buffer. */
	for (uint32_t s = 0; s < c->depth && !r->fail; s++) {
		c->pending[c->npending++] = s;
		if (add_slot(c, s) || submit(r, c) != 1)
			chan_fail(r, c, "priming failed");
	}
	while (!atomic_load(&r->stop)) {
		const struct dmastream_cqe *e;
		int s, ret = blocking_wait(r, c);

		if (ret == -EAGAIN)
			continue;
		if (ret < 0)
			break;
		if (dms_cq_peek(c->ch, &e) < 0)
			continue;
		s = complete_one(r, c, e, now_ns(), &ld, &lu);
		dms_cq_advance(c->ch, 1);
		if (s < 0)
			break;
		/* The start call for the same buffer. */
		c->pending[c->npending++] = (uint32_t)s;
		if (add_slot(c, (uint32_t)s) || submit(r, c) < 0)
			break;
	}
	drain(r, c, &ld, &lu);
	lat_merge(r, &ld, &lu);
	return NULL;
}

/* ---- (b) pool: DMA Proxy 2.0 pattern, one thread per buffer ---- */

/*
 * Block until @slot has completed (the pool's lock held). The native ABI
 * waits for a channel's completions, not for one buffer's, so one thread
 * at a time waits in the kernel and hands each record to its buffer's
 * thread: a thread-per-buffer program on dmastream has to do that.
 */
static void pool_finish(struct run *r, struct chan *c, uint32_t slot, struct lat *ld,
			struct lat *lu)
{
	while (!c->slot_done[slot] && !r->fail) {
		int ret;

		if (c->pool_reaping) {
			pthread_cond_wait(&c->pool_wake, &c->pool_lock);
			continue;
		}
		c->pool_reaping = true;
		pthread_mutex_unlock(&c->pool_lock);
		ret = blocking_wait(r, c);
		pthread_mutex_lock(&c->pool_lock);
		c->pool_reaping = false;
		if (ret == 0 || ret == -EAGAIN)
			reap(r, c, ld, lu, 0);
		pthread_cond_broadcast(&c->pool_wake);
	}
	c->slot_done[slot] = 0;
}

static void *pool_thread(void *arg)
{
	struct worker *w = arg;
	struct run *r = w->r;
	struct chan *c = w->c;
	struct lat ld, lu;
	size_t cap = MAX_SAMPLES / c->depth;

	if (worker_lat_init(r, &ld, &lu, cap)) {
		chan_fail(r, c, "out of memory");
		return NULL;
	}
	/* Each round: the start call for this thread's buffer, then its finish. */
	while (!atomic_load(&r->stop) && !r->fail) {
		pthread_mutex_lock(&c->pool_lock);
		c->pending[c->npending++] = w->slot;
		if (add_slot(c, w->slot) || submit(r, c) != 1) {
			chan_fail(r, c, "start of slot %u failed", w->slot);
			pthread_cond_broadcast(&c->pool_wake);
			pthread_mutex_unlock(&c->pool_lock);
			break;
		}
		pool_finish(r, c, w->slot, &ld, &lu);
		pthread_mutex_unlock(&c->pool_lock);
	}
	lat_merge(r, &ld, &lu);
	return NULL;
}

/* ---- (c)-(f): one event loop for all channels ---- */

static void *loop_thread(void *arg)
{
	struct worker *w = arg;
	struct run *r = w->r;
	enum mode m = r->pt.mode;
	struct pollfd pfd[MAX_CHANS];
	struct dms_uring_watch watch[MAX_CHANS];
	struct io_uring ring;
	int efd = -1, ep = -1, have_ring = 0;
	struct lat ld, lu;
	uint32_t i;

	if (worker_lat_init(r, &ld, &lu, MAX_SAMPLES)) {
		chan_fail(r, &r->c[0], "out of memory");
		return NULL;
	}
	if (m == M_EVENTFD) {
		struct epoll_event ev = { .events = EPOLLIN };

		efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		ep = epoll_create1(EPOLL_CLOEXEC);
		if (efd < 0 || ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev) < 0)
			chan_fail(r, &r->c[0], "eventfd/epoll: %s", strerror(errno));
		for (i = 0; i < r->nch && !r->fail; i++)
			if (dms_register_eventfd(r->c[i].ch, efd) < 0)
				chan_fail(r, &r->c[i], "register eventfd");
	}
	if (m == M_URING && !r->fail) {
		int ret = io_uring_queue_init(2 * MAX_CHANS, &ring, 0);

		if (ret < 0) {
			chan_fail(r, &r->c[0], "io_uring: %s", strerror(-ret));
		} else {
			have_ring = 1;
			for (i = 0; i < r->nch; i++) {
				dms_uring_watch_init(&watch[i], r->c[i].ch, DMS_URING_POLL);
				dms_uring_watch_arm(&ring, &watch[i]);
			}
			/* The watches go in with the first wait. */
		}
	}
	for (i = 0; i < r->nch; i++) {
		struct chan *c = &r->c[i];

		pfd[i] = (struct pollfd){ .fd = dms_channel_fd(c->ch), .events = POLLIN };
		for (uint32_t s = 0; s < c->depth && !r->fail; s++) {
			c->pending[c->npending++] = s;
			if (add_slot(c, s))
				chan_fail(r, c, "batch add failed");
		}
		if (!r->fail && submit(r, c) < 0)
			break;
	}
	while (!atomic_load(&r->stop)) {
		uint32_t got = 0;
		uint64_t tw;

		for (i = 0; i < r->nch; i++) {
			struct chan *c = &r->c[i];

			got += reap(r, c, &ld, &lu, 1);
			if (refill_due(c) || (refill_eager && m != M_BUSY && c->npending &&
					      c->submitted_awake))
				c->submitted_awake = submit(r, c) > 0 || c->submitted_awake;
		}
		if (got || r->fail)
			continue;
		for (i = 0; i < r->nch; i++)
			r->c[i].submitted_awake = false;
		tw = now_ns();
		switch (m) {
		case M_POLL:
			if (poll(pfd, r->nch, WAIT_NS / 1000000) < 0 && errno != EINTR)
				chan_fail(r, &r->c[0], "poll: %s", strerror(errno));
			break;
		case M_EVENTFD: {
			struct epoll_event ev;
			uint64_t v;
			int n = epoll_wait(ep, &ev, 1, WAIT_NS / 1000000);

			if (n > 0 && read(efd, &v, sizeof(v)) < 0 && errno != EAGAIN)
				chan_fail(r, &r->c[0], "eventfd read: %s", strerror(errno));
			break;
		}
		case M_URING: {
			struct __kernel_timespec ts = { .tv_nsec = WAIT_NS };
			struct io_uring_cqe *cqe;
			unsigned int head, seen = 0;
			int ret = io_uring_submit_and_wait_timeout(&ring, &cqe, 1, &ts, NULL);

			if (ret < 0 && ret != -ETIME && ret != -EINTR) {
				chan_fail(r, &r->c[0], "io_uring wait: %s", strerror(-ret));
				break;
			}
			io_uring_for_each_cqe(&ring, head, cqe) {
				for (i = 0; i < r->nch; i++)
					if (dms_uring_watch_owns(&watch[i], cqe)) {
						ret = dms_uring_watch_handle(&ring, &watch[i], cqe);
						if (ret < 0 && ret != -EBUSY)
							chan_fail(r, &r->c[i], "watch: %s",
								  strerror(-ret));
					}
				seen++;
			}
			io_uring_cq_advance(&ring, seen);
			break;
		}
		default:	/* busy_poll: look again */
			continue;
		}
		run_acct(r, &r->wait_ns, &r->wait_calls, tw);
	}
	for (i = 0; i < r->nch; i++)
		drain(r, &r->c[i], &ld, &lu);
	if (have_ring) {
		uring_watch_end(&ring, watch, r->nch);
		for (i = 0; i < r->nch; i++)
			dms_uring_watch_release(&watch[i]);
		io_uring_queue_exit(&ring);
	}
	if (efd >= 0) {
		for (i = 0; i < r->nch; i++)
			dms_register_eventfd(r->c[i].ch, -1);
		close(efd);
	}
	if (ep >= 0)
		close(ep);
	lat_merge(r, &ld, &lu);
	return NULL;
}

/* ---- setup ---- */

static int set_nocopy(uint32_t engine, int on)
{
	char path[128];
	int fd, ok;

	snprintf(path, sizeof(path), "/sys/kernel/debug/dmasim/dmasim.%u/memcpy/no_copy", engine);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ok = write(fd, on ? "1" : "0", 1) == 1;
	close(fd);
	return ok ? 0 : -EIO;
}

static int chan_setup(struct run *r, uint32_t k, char *err, size_t errsz)
{
	struct chan *c = &r->c[k];
	const struct point *pt = &r->pt;
	char name[64];
	uint32_t segs, per, count;
	int ret;

	c->pt = pt;
	c->nbuf = (pt->size + MAX_BUF - 1) / MAX_BUF;
	c->bufsz = pt->size / c->nbuf;
	segs = pt->segs < c->nbuf ? c->nbuf : pt->segs;
	segs = (segs + c->nbuf - 1) / c->nbuf * c->nbuf;
	if (segs > MAX_SEGS || c->bufsz * c->nbuf != pt->size || c->bufsz % (segs / c->nbuf)) {
		snprintf(err, errsz, "size %u does not split into %u segments", pt->size, segs);
		return -EINVAL;
	}
	c->segs = segs;
	per = segs / c->nbuf;
	c->depth = pt->depth;
	if (pt->mode == M_POOL && c->depth > POOL_MAX)
		c->depth = POOL_MAX;
	while (c->depth > 1 && (uint64_t)(c->depth + 1) * c->nbuf *
				       ((c->bufsz + 4095) & ~4095u) > RING_BYTES)
		c->depth--;
	count = c->nbuf * (1 + c->depth);
	for (uint32_t i = 0; i < segs; i++)
		c->src[i] = (struct dmastream_seg){
			.buf = i / per, .offset = (i % per) * (c->bufsz / per), .len = c->bufsz / per,
		};
	if (nchan_names) {
		if (k >= nchan_names || pt->nocopy) {
			snprintf(err, errsz, "%s", k >= nchan_names ?
				 "more channels than --chan names" :
				 "nocopy needs dmasim (a --chan engine always copies)");
			return -EINVAL;
		}
		snprintf(name, sizeof(name), "%s", chan_names[k]);
	} else {
		snprintf(name, sizeof(name), "b%u/memcpy", k);
	}
	ret = dms_channel_open(name, 0, &c->ch);
	if (ret < 0) {
		snprintf(err, errsz, "open %s: %s", name, strerror(-ret));
		return ret;
	}
	ret = nchan_names ? 0 : set_nocopy(k, pt->nocopy);
	if (ret < 0) {
		snprintf(err, errsz, "no_copy of dmasim.%u: %s", k, strerror(-ret));
		return ret;
	}
	ret = dms_ring_setup(c->ch, count, c->bufsz, 0);
	if (ret < 0) {
		snprintf(err, errsz, "ring %u x %u: %s", count, c->bufsz, strerror(-ret));
		return ret;
	}
	/*
	 * The sleeping modes refill once half the depth is back: woken only
	 * then (the completion watermark), they pay one wakeup per refill
	 * instead of one per completion burst.
	 */
	c->refill_at = c->depth / (pt->mode == M_BUSY ? busy_div : 2);
	if (wake_div && (pt->mode == M_POLL || pt->mode == M_EVENTFD || pt->mode == M_URING)) {
		/* The part of the depth back (rounded up), and what is left then. */
		c->refill_at = c->depth * (wake_div - 1) / wake_div;
		ret = dms_set_wake_min(c->ch, c->depth - c->refill_at);
		if (ret < 0) {
			snprintf(err, errsz, "wake_min: %s", strerror(-ret));
			return ret;
		}
	}
	ret = dms_batch_create(c->ch, c->depth, c->depth * segs * 2, &c->b);
	if (ret < 0) {
		snprintf(err, errsz, "batch: %s", strerror(-ret));
		return ret;
	}
	c->pending = calloc(c->depth, sizeof(*c->pending));
	c->order = calloc(c->depth, sizeof(*c->order));
	c->t_sub = calloc(c->depth, sizeof(*c->t_sub));
	if (pt->mode == M_POOL) {
		c->slot_done = calloc(c->depth, sizeof(*c->slot_done));
		pthread_mutex_init(&c->pool_lock, NULL);
		pthread_cond_init(&c->pool_wake, NULL);
		if (!c->slot_done) {
			snprintf(err, errsz, "out of memory");
			return -ENOMEM;
		}
	}
	if (!c->pending || !c->order || !c->t_sub) {
		snprintf(err, errsz, "out of memory");
		return -ENOMEM;
	}
	for (uint32_t b = 0; b < c->nbuf; b++) {
		uint8_t *p = dms_buf(c->ch, b);

		for (uint32_t o = 0; o + 8 <= c->bufsz; o += 8)
			store64(p + o, src_word((uint64_t)b * c->bufsz + o));
	}
	return 0;
}

static void chan_teardown(struct chan *c)
{
	dms_batch_destroy(c->b);
	dms_channel_close(c->ch);
	free(c->pending);
	free(c->order);
	free(c->t_sub);
	if (c->slot_done) {
		free(c->slot_done);
		pthread_mutex_destroy(&c->pool_lock);
		pthread_cond_destroy(&c->pool_wake);
	}
}

/* ---- counters ---- */

static int syscall_counter(void)
{
	struct perf_event_attr a = { 0 };
	char buf[32];
	int fd;
	ssize_t n;

	fd = open("/sys/kernel/tracing/events/raw_syscalls/sys_enter/id", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fd = open("/sys/kernel/debug/tracing/events/raw_syscalls/sys_enter/id",
			  O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = 0;
	a.type = PERF_TYPE_TRACEPOINT;
	a.size = sizeof(a);
	a.config = strtoull(buf, NULL, 10);
	a.disabled = 1;
	a.inherit = 1;
	a.sample_period = 0;
	fd = (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/*
 * --hold-counter: keep one system call counter open until a signal ends
 * the program. The first perf event on the tracepoint registers it and the
 * first per-task event switches the scheduler's perf hooks on: both patch
 * kernel text, and so does the last one's release (a second later). Under
 * TCG such patching now and then runs a stale int3 and kills the guest
 * (scripts/vm/run); with this held for the whole sweep, the points'
 * counters patch nothing.
 */
static int hold_counter(void)
{
	int fd = syscall_counter();

	if (fd < 0) {
		fprintf(stderr, "dsbench: system call counter: %s\n", strerror(-fd));
		return 1;
	}
	for (;;)
		pause();
}

/* Busy CPU time of the whole guest, in seconds (all CPUs, from /proc/stat). */
static double guest_busy_s(void)
{
	unsigned long long v[8] = { 0 };
	FILE *f = fopen("/proc/stat", "re");
	long hz = sysconf(_SC_CLK_TCK);

	if (!f)
		return 0;
	if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
		   &v[4], &v[5], &v[6], &v[7]) != 8)
		v[0] = v[1] = v[2] = v[5] = v[6] = v[7] = 0;
	fclose(f);
	/*
	 * user [nice] system [idle iowait] irq softirq steal: nice is left out,
	 * it is where bench/guest.sh's idle spinners (nice 19) are counted.
	 */
	return (double)(v[0] + v[2] + v[5] + v[6] + v[7]) / (double)hz;
}

/* CPU seconds of the whole program; its page faults so far in @faults. */
static double rusage_s(long *faults)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	*faults = ru.ru_minflt + ru.ru_majflt;
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static double pct_us(struct lat *l, double p)
{
	size_t i;

	if (!l->n)
		return -1;
	i = (size_t)(p * (double)(l->n - 1) + 0.5);
	return (double)l->v[i] / 1000.0;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void json_lat(const char *pfx, struct lat *l)
{
	qsort(l->v, l->n, sizeof(*l->v), cmp_u64);
	printf(",\"%s_p50_us\":%.3f,\"%s_p99_us\":%.3f,\"%s_p999_us\":%.3f,\"%s_samples\":%zu",
	       pfx, pct_us(l, 0.5), pfx, pct_us(l, 0.99), pfx, pct_us(l, 0.999), pfx, l->n);
}

/* The point's configuration and round in bench/points' interleaving. */
static void json_round(const struct point *pt)
{
	if (pt->config >= 0)
		printf(",\"config\":%d,\"round\":%d", pt->config, pt->round);
}

#define MIN_TRANSFERS	32

/* --trace: tracefs' tracing_on, switched on for the measured window only. */
static int trace_fd = -1;

static uint64_t done_now(struct run *r)
{
	uint64_t n = 0;

	for (uint32_t i = 0; i < r->nch; i++)
		n += atomic_load(&r->c[i].done) & ~DONE_MEASURED;
	return n;
}

/* One point; prints its record. Returns 0, or 1 after a failure (recorded). */
static int run_point(const struct point *pt, unsigned int warm_ms, unsigned int ms)
{
	int scfd = -1;
	static struct run r;
	struct worker *w = NULL;
	uint64_t cd0[MAX_CHANS], cd1[MAX_CHANS];
	uint64_t d0 = 0, d1 = 0, bytes = 0, v1 = 0, e1 = 0, sc = 0, own = 0, t0 = 0, t1 = 0;
	double ru0, ru1, g0, g1, secs;
	long flt0 = 0, flt1 = 0;
	uint32_t nthreads, i;
	char err[200] = "";
	int ret = 0;

	memset(&r, 0, sizeof(r));
	r.pt = *pt;
	r.nch = pt->nchans;
	pthread_mutex_init(&r.lat_lock, NULL);
	if (lat_init(&r.lat_drv, MAX_SAMPLES) || lat_init(&r.lat_user, MAX_SAMPLES)) {
		fprintf(stderr, "dsbench: out of memory\n");
		exit(2);
	}
	for (i = 0; i < r.nch && !ret; i++)
		ret = chan_setup(&r, i, err, sizeof(err));
	if (ret)
		goto out;
	/*
	 * A fresh counter per point: a reset does not clear what exited
	 * threads of earlier points added to an inherited counter.
	 */
	scfd = syscall_counter();
	if (scfd < 0) {
		snprintf(err, sizeof(err), "no syscall counter (perf tracepoint): %s",
			 strerror(-scfd));
		ret = scfd;
		goto out;
	}
	switch (pt->mode) {
	case M_BASELINE:
		nthreads = r.nch;
		break;
	case M_POOL:
		nthreads = r.nch * r.c[0].depth;
		break;
	default:
		nthreads = 1;
	}
	w = calloc(nthreads, sizeof(*w));
	if (!w) {
		snprintf(err, sizeof(err), "out of memory");
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < nthreads; i++) {
		void *(*fn)(void *) = pt->mode == M_BASELINE ? baseline_thread :
				      pt->mode == M_POOL ? pool_thread : loop_thread;

		w[i] = (struct worker){ .r = &r, .c = &r.c[pt->mode == M_POOL ? i / r.c[0].depth : i],
					.slot = pt->mode == M_POOL ? i % r.c[0].depth : 0 };
		if (pthread_create(&w[i].t, NULL, fn, &w[i])) {
			snprintf(err, sizeof(err), "pthread_create failed");
			atomic_store(&r.stop, 1);
			nthreads = i;
			ret = -1;
			break;
		}
	}
	if (!ret) {
		while (atomic_load(&r.ready) < nthreads && !r.fail)
			sleep_ms(1);
		sleep_ms(warm_ms);
		ru0 = rusage_s(&flt0);
		g0 = guest_busy_s();
		if (trace_fd >= 0 && write(trace_fd, "1", 1) != 1)
			snprintf(err, sizeof(err), "tracing_on: %s", strerror(errno));
		atomic_store(&r.measuring, 1);
		for (i = 0; i < r.nch; i++) {
			cd0[i] = atomic_fetch_or(&r.c[i].done, DONE_MEASURED);
			d0 += cd0[i];
		}
		t0 = now_ns();
		/*
		 * Counted from here: our own nanosleeps and the disable call.
		 * The window lasts @ms, longer if fewer than MIN_TRANSFERS
		 * completed (a slow point or a busy host), at most 10 x @ms.
		 */
		ioctl(scfd, PERF_EVENT_IOC_ENABLE, 0);
		sleep_ms(ms);
		own = 2;
		while (done_now(&r) - d0 < MIN_TRANSFERS && now_ns() - t0 < 10ull * ms * 1000000) {
			sleep_ms(5);
			own++;
		}
		ioctl(scfd, PERF_EVENT_IOC_DISABLE, 0);
		/* Completions and the clock right at the end: they go with the count. */
		t1 = now_ns();
		for (i = 0; i < r.nch; i++)
			cd1[i] = atomic_fetch_and(&r.c[i].done, ~DONE_MEASURED) & ~DONE_MEASURED;
		/* A worker between its count and its bytes: a few instructions. */
		for (i = 0; i < r.nch; i++) {
			while (atomic_load_explicit(&r.c[i].measured_settled,
						    memory_order_acquire) != cd1[i] - cd0[i])
				sched_yield();
			d1 += cd1[i];
			bytes += atomic_load(&r.c[i].measured_bytes);
		}
		atomic_store(&r.measuring, 0);
		if (trace_fd >= 0 && write(trace_fd, "0", 1) != 1)
			snprintf(err, sizeof(err), "tracing_on: %s", strerror(errno));
		ru1 = rusage_s(&flt1);
		g1 = guest_busy_s();
	}
	atomic_store(&r.stop, 1);
	for (i = 0; i < nthreads; i++)
		pthread_join(w[i].t, NULL);
	free(w);
	w = NULL;
	if (ret)
		goto out;
	if (read(scfd, &sc, sizeof(sc)) != sizeof(sc))
		sc = 0;
	close(scfd);
	sc = sc > own ? sc - own : 0;
	for (i = 0; i < r.nch; i++) {
		v1 += atomic_load(&r.c[i].verified);
		e1 += atomic_load(&r.c[i].errors);
		if (r.c[i].err[0] && !err[0])
			snprintf(err, sizeof(err), "channel %u: %s", i, r.c[i].err);
	}
	secs = (double)(t1 - t0) / 1e9;
	{
		uint64_t n = d1 - d0;
		double gb = (double)bytes / 1e9;

		printf("{\"mode\":\"%s\",\"engine\":\"%s\",\"size\":%u,\"depth\":%u,"
		       "\"depth_requested\":%u,\"segs\":%u,\"channels\":%u,\"threads\":%u,"
		       "\"seconds\":%.4f,\"transfers\":%" PRIu64 ",\"bytes\":%" PRIu64 ","
		       "\"gbps\":%.6f,\"tps\":%.1f",
		       mode_names[pt->mode], pt->nocopy ? "nocopy" : "copy", pt->size,
		       r.c[0].depth, pt->depth, r.c[0].segs, r.nch, nthreads, secs, n, bytes,
		       secs > 0 ? gb / secs : 0, secs > 0 ? (double)n / secs : 0);
		json_round(pt);
		json_lat("lat", &r.lat_drv);
		json_lat("ulat", &r.lat_user);
		printf(",\"lat_source\":\"driver t_complete-t_submit; ulat: user submit call to reap\"");
		printf(",\"cpu_s\":%.4f,\"cpu_s_per_gb\":%.4f,\"cpu_us_per_transfer\":%.3f",
		       ru1 - ru0, gb > 0 ? (ru1 - ru0) / gb : -1,
		       n ? (ru1 - ru0) * 1e6 / (double)n : -1);
		printf(",\"page_faults\":%ld", flt1 - flt0);
		printf(",\"guest_cpu_s\":%.4f,\"guest_cpu_s_per_gb\":%.4f", g1 - g0,
		       gb > 0 ? (g1 - g0) / gb : -1);
		printf(",\"syscalls\":%" PRIu64 ",\"syscalls_per_transfer\":%.5f", sc,
		       n ? (double)sc / (double)n : -1);
		printf(",\"submit_calls\":%" PRIu64 ",\"submit_us_per_transfer\":%.3f"
		       ",\"wait_calls\":%" PRIu64 ",\"wait_us_per_transfer\":%.3f",
		       (uint64_t)r.submit_calls, n ? (double)r.submit_ns / 1e3 / (double)n : -1,
		       (uint64_t)r.wait_calls, n ? (double)r.wait_ns / 1e3 / (double)n : -1);
		printf(",\"verify\":\"%s\",\"verified_bytes_total\":%" PRIu64
		       ",\"verify_errors\":%" PRIu64,
		       pt->nocopy ? "records" : "data+records", v1, e1);
		printf(",\"error\":\"%s\"}\n", err);
	}
	fflush(stdout);
	for (i = 0; i < r.nch; i++)
		chan_teardown(&r.c[i]);
	free(r.lat_drv.v);
	free(r.lat_user.v);
	return r.fail;
out:
	free(w);
	if (scfd >= 0)
		close(scfd);
	for (i = 0; i < r.nch; i++)
		chan_teardown(&r.c[i]);
	free(r.lat_drv.v);
	free(r.lat_user.v);
	printf("{\"mode\":\"%s\",\"engine\":\"%s\",\"size\":%u,\"depth\":%u,\"segs\":%u,"
	       "\"channels\":%u",
	       mode_names[pt->mode], pt->nocopy ? "nocopy" : "copy", pt->size, pt->depth,
	       pt->segs, pt->nchans);
	json_round(pt);
	printf(",\"error\":\"%s\"}\n", err);
	fflush(stdout);
	return 1;
}

static int parse_point(char *line, struct point *pt)
{
	char mode[32], engine[32];
	int i, n;

	pt->config = -1;
	pt->round = -1;
	n = sscanf(line, "%31s %31s %u %u %u %u %d %d", mode, engine, &pt->size, &pt->depth,
		   &pt->segs, &pt->nchans, &pt->config, &pt->round);
	if (n != 6 && (n != 8 || pt->config < 0 || pt->round < 0))
		return -1;
	for (i = 0; i < M_NMODES; i++)
		if (!strcmp(mode, mode_names[i]))
			break;
	if (i == M_NMODES)
		return -1;
	pt->mode = (enum mode)i;
	if (strcmp(engine, "copy") && strcmp(engine, "nocopy"))
		return -1;
	pt->nocopy = !strcmp(engine, "nocopy");
	if (!pt->size || !pt->depth || pt->depth > 1024 || !pt->segs || pt->segs > MAX_SEGS ||
	    !pt->nchans || pt->nchans > MAX_CHANS)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int warm_ms = 50, ms = 250;
	int cpu = -1;
	char line[256];
	int fails = 0, a;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--ms") && a + 1 < argc)
			ms = (unsigned int)atoi(argv[++a]);
		else if (!strcmp(argv[a], "--warmup-ms") && a + 1 < argc)
			warm_ms = (unsigned int)atoi(argv[++a]);
		else if (!strcmp(argv[a], "--cpu") && a + 1 < argc)
			cpu = atoi(argv[++a]);
		else if (!strcmp(argv[a], "--wake-min") && a + 1 < argc &&
			 (!strcmp(argv[a + 1], "half") || !strcmp(argv[a + 1], "quarter") ||
			  !strcmp(argv[a + 1], "0"))) {
			a++;
			wake_div = !strcmp(argv[a], "half") ? 2 : !strcmp(argv[a], "quarter") ? 4 : 0;
		}
		else if (!strcmp(argv[a], "--refill") && a + 1 < argc &&
			 (!strcmp(argv[a + 1], "half") || !strcmp(argv[a + 1], "eager")))
			refill_eager = !strcmp(argv[++a], "eager");
		else if (!strcmp(argv[a], "--busy-refill") && a + 1 < argc &&
			 (!strcmp(argv[a + 1], "half") || !strcmp(argv[a + 1], "quarter")))
			busy_div = !strcmp(argv[++a], "half") ? 2 : 4;
		else if (!strcmp(argv[a], "--trace"))
			trace_fd = open("/sys/kernel/tracing/tracing_on", O_WRONLY | O_CLOEXEC);
		else if (!strcmp(argv[a], "--hold-counter"))
			return hold_counter();
		else if (!strcmp(argv[a], "--chan") && a + 1 < argc && nchan_names < MAX_CHANS)
			chan_names[nchan_names++] = argv[++a];
		else if (!strcmp(argv[a], "--chan") && nchan_names == MAX_CHANS) {
			fprintf(stderr, "dsbench: at most %d --chan\n", MAX_CHANS);
			return 2;
		}
		else {
			fprintf(stderr, "usage: dsbench [--ms N] [--warmup-ms N] [--cpu N] "
				"[--wake-min half|quarter|0] [--refill half|eager] "
				"[--busy-refill half|quarter] [--trace] "
				"[--chan DEVICE/CHANNEL]... < points\n"
				"       dsbench --hold-counter\n");
			return 2;
		}
	}
	if (cpu >= 0) {
		cpu_set_t set;

		/* Threads created later inherit it. */
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set) < 0) {
			fprintf(stderr, "dsbench: cpu %d: %s\n", cpu, strerror(errno));
			return 2;
		}
	}
	while (fgets(line, sizeof(line), stdin)) {
		struct point pt;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (parse_point(line, &pt)) {
			fprintf(stderr, "dsbench: bad point: %s", line);
			return 2;
		}
		fails += run_point(&pt, warm_ms, ms);
	}
	return fails ? 1 : 0;
}
