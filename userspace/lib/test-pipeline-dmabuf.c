// SPDX-License-Identifier: MIT
/*
 * Pipelines whose buffers are dma-bufs (DMS_MEMORY_DMABUF), and pipelines
 * that hand buffers over as dma-bufs (dms_pipeline_set_sink_dmabuf(),
 * _set_source_dmabuf()), against the fake driver, whose dma-bufs are
 * memfds and which counts every CPU bracket (DMA_BUF_IOCTL_SYNC) that
 * breaks the rules: open while a transfer uses the dma-buf, a transfer
 * submitted inside one, unmatched or nested.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test-rig.h"

static struct dms_pipeline_params params(uint64_t count, uint32_t size, uint32_t depth)
{
	struct dms_pipeline_params prm;

	dms_pipeline_params_init(&prm);
	prm.count = count;
	prm.size = size;
	prm.depth = depth;
	prm.pattern = DMS_PATTERN_PRBS31;
	prm.verify = DMS_CHECK_FULL;
	prm.drain_ms = 20;
	prm.idle_timeout_ms = 2000;
	prm.memory = DMS_MEMORY_DMABUF;
	return prm;
}

/* Every bracket closed, none broke a rule; returns the STARTs so far. */
static uint64_t brackets_kept(const struct rig *r)
{
	const struct fake_dmabuf_stats *d = fake_dmabuf_stats(r->e);

	CHECK_EQ(d->starts, d->ends);
	CHECK_EQ(d->open_while_busy, 0);
	CHECK_EQ(d->busy_while_open, 0);
	CHECK_EQ(d->unmatched_ends, 0);
	CHECK_EQ(d->nested_starts, 0);
	CHECK_EQ(fake_dmabuf_open_brackets(r->e), 0);
	return d->starts;
}

/* Loopback and memcpy move verified data through one dma-buf per buffer. */
static void test_runs(void)
{
	struct dms_pipeline_params prm = params(40, 5000, 8);
	struct dms_pipeline_stats st;
	struct dms_pipeline *p = NULL;
	struct rig r;

	rig_open(&r);
	CHECK_EQ(dms_pipeline_create(&prm, r.tx, r.rx, &p), 0);
	CHECK_EQ(rig_run(p), 0);
	dms_pipeline_stats(p, &st);
	CHECK_EQ(st.transfers, 40);
	CHECK_EQ(st.verify.good, 40);
	CHECK_EQ(st.verify_errors, 0);
	CHECK_EQ(st.buffers, 16);
	dms_pipeline_destroy(p);
	CHECK(!fake_owned(r.e, DMASTREAM_DIR_TX));
	CHECK(!fake_owned(r.e, DMASTREAM_DIR_RX));
	CHECK_EQ(fake_dmabuf_stats(r.e)->made, 32);
	/* Each packet written once and checked once, each inside a bracket. */
	CHECK_EQ(brackets_kept(&r), 80);

	/* Memcpy: two dma-bufs per transfer in flight. */
	prm = params(32, 10000, 8);
	CHECK_EQ(dms_pipeline_create(&prm, r.mem, NULL, &p), 0);
	CHECK_EQ(rig_run(p), 0);
	dms_pipeline_stats(p, &st);
	CHECK_EQ(st.transfers, 32);
	CHECK_EQ(st.verify.good, 32);
	CHECK_EQ(st.buffers, 16);
	dms_pipeline_destroy(p);
	CHECK(!fake_owned(r.e, DMASTREAM_DIR_MEMCPY));
	CHECK_EQ(fake_dmabuf_stats(r.e)->made, 32 + 32);
	CHECK_EQ(brackets_kept(&r), 80 + 64);

	/* No pattern: the CPU never touches the buffers, so no brackets. */
	prm = params(20, 4096, 4);
	prm.pattern = DMS_PATTERN_NONE;
	prm.verify = DMS_CHECK_NONE;
	CHECK_EQ(dms_pipeline_create(&prm, r.tx, r.rx, &p), 0);
	CHECK_EQ(rig_run(p), 0);
	dms_pipeline_stats(p, &st);
	CHECK_EQ(st.transfers, 20);
	dms_pipeline_destroy(p);
	CHECK_EQ(brackets_kept(&r), 80 + 64);
	rig_close(&r);
}

/* More buffers than import slots: cut to fit, as the ring limits cut a ring. */
static void test_slots(void)
{
	struct dms_pipeline_params prm = params(300, 4096, 64);
	struct dms_pipeline_stats st;
	struct dms_pipeline *p = NULL;
	struct rig r;

	rig_open(&r);
	CHECK_EQ(dms_pipeline_create(&prm, r.tx, r.rx, &p), 0);
	CHECK_EQ(rig_run(p), 0);
	dms_pipeline_stats(p, &st);
	CHECK_EQ(st.buffers, 64);
	CHECK_EQ(st.depth, 64);
	CHECK_EQ(st.verify.good, 300);
	dms_pipeline_destroy(p);

	CHECK_EQ(dms_pipeline_create(&prm, r.mem, NULL, &p), 0);
	CHECK_EQ(rig_run(p), 0);
	dms_pipeline_stats(p, &st);
	CHECK_EQ(st.buffers, 32);
	CHECK_EQ(st.depth, 32);
	CHECK_EQ(st.verify.good, 300);
	dms_pipeline_destroy(p);
	brackets_kept(&r);

	/* A channel with a few slots only; one slot for a memcpy: no pair. */
	fake_caps(r.e, DMASTREAM_DIR_MEMCPY)->max_imports = 5;
	rig_reopen(&r, DMASTREAM_DIR_MEMCPY);	/* caps are read at open */
	prm = params(10, 4096, 8);
	CHECK_EQ(dms_pipeline_create(&prm, r.mem, NULL, &p), 0);
	dms_pipeline_stats(p, &st);
	CHECK_EQ(st.buffers, 2);
	CHECK_EQ(rig_run(p), 0);
	dms_pipeline_destroy(p);
	fake_caps(r.e, DMASTREAM_DIR_MEMCPY)->max_imports = 1;
	rig_reopen(&r, DMASTREAM_DIR_MEMCPY);
	CHECK_EQ(dms_pipeline_create(&prm, r.mem, NULL, &p), -E2BIG);
	CHECK(!fake_owned(r.e, DMASTREAM_DIR_MEMCPY));

	/*
	 * dma-bufs in more pieces than a TX segment may touch (max_segs 16):
	 * every transfer would fail, so the pipeline does not start.
	 */
	fake_set_import_runs(r.e, 17);
	prm = params(10, 4096, 4);
	CHECK_EQ(dms_pipeline_create(&prm, r.tx, NULL, &p), -E2BIG);
	CHECK(!fake_owned(r.e, DMASTREAM_DIR_TX));
	fake_set_import_runs(r.e, 16);
	CHECK_EQ(dms_pipeline_create(&prm, r.tx, NULL, &p), 0);
	dms_pipeline_destroy(p);
	/* A memcpy's descriptors end at run boundaries instead: no limit. */
	fake_set_import_runs(r.e, 1000);
	fake_caps(r.e, DMASTREAM_DIR_MEMCPY)->max_imports = 64;
	rig_reopen(&r, DMASTREAM_DIR_MEMCPY);
	CHECK_EQ(dms_pipeline_create(&prm, r.mem, NULL, &p), 0);
	dms_pipeline_destroy(p);
	fake_set_import_runs(r.e, 0);

	/* A driver without imports: said before anything is allocated. */
	fake_caps(r.e, DMASTREAM_DIR_TX)->abi_version = 0x00010004;
	rig_reopen(&r, DMASTREAM_DIR_TX);
	CHECK_EQ(dms_pipeline_create(&prm, r.tx, NULL, &p), -EOPNOTSUPP);
	CHECK(!fake_owned(r.e, DMASTREAM_DIR_TX));
	rig_close(&r);
}

struct fd_sink {
	int fds[64];		/* the distinct dma-bufs seen */
	unsigned int nfds;
	uint64_t taken, refused, bad;
	uint32_t size;
	bool refuse_next;
};

static void note_fd(struct fd_sink *s, int fd)
{
	for (unsigned int i = 0; i < s->nfds; i++)
		if (s->fds[i] == fd)
			return;
	if (s->nfds < 64)
		s->fds[s->nfds++] = fd;
}

/* Reads the packet through the dma-buf, as another process would. */
static int fd_sink_fn(void *arg, int fd, uint32_t offset, uint32_t len,
		      const struct dmastream_cqe *cqe)
{
	struct fd_sink *s = arg;
	struct dms_pkt_result res;
	uint8_t *data = malloc(len);

	note_fd(s, fd);
	/* Backpressure once in a while: the same buffer comes again. */
	if (s->refuse_next) {
		s->refuse_next = false;
		s->refused++;
		free(data);
		return -EAGAIN;
	}
	s->refuse_next = s->taken % 5 == 2;
	if (!data || pread(fd, data, len, offset) != (ssize_t)len || len != cqe->bytes) {
		s->bad++;
	} else {
		dms_pattern_check(data, len, DMS_CHECK_FULL, &res);
		if (res.fault != DMS_PKT_OK || res.hdr.seq != s->taken)
			s->bad++;
	}
	free(data);
	s->taken++;
	return 0;
}

/* RX handing dma-bufs over: its own (DMABUF) or exports of the ring (RING). */
static void test_sink(uint32_t memory)
{
	struct dms_pipeline_params prm = params(30, 2048, 4);
	struct fd_sink sink = { .size = 2048 };
	struct dms_pipeline_stats st;
	struct dms_pipeline *p = NULL;
	struct rig r;
	uint64_t starts;

	rig_open(&r);
	prm.memory = memory;
	prm.buffers = 8;
	prm.verify = DMS_CHECK_NONE;
	CHECK_EQ(dms_pipeline_create(&prm, NULL, r.rx, &p), 0);
	CHECK_EQ(dms_pipeline_set_source_dmabuf(p, NULL, NULL), -EINVAL);
	CHECK_EQ(dms_pipeline_set_sink_dmabuf(p, fd_sink_fn, &sink), 0);
	for (int i = 0; i < 30; i++) {
		CHECK(dms_pipeline_step(p, 0) > 0);
		fake_source_emit(r.e, 1, 2048, DMS_PATTERN_PRBS31, 0);
	}
	CHECK_EQ(rig_run(p), 0);
	dms_pipeline_stats(p, &st);
	CHECK_EQ(st.transfers, 30);
	CHECK_EQ(sink.taken, 30);
	CHECK_EQ(sink.bad, 0);
	CHECK(sink.refused > 0);
	CHECK_EQ(st.sink_stalls, sink.refused);
	/* One dma-buf per buffer, kept for the pipeline's life. */
	CHECK(sink.nfds >= 2 && sink.nfds <= 8);
	starts = brackets_kept(&r);
	/* The consumer brackets its own accesses: the pipeline made none. */
	CHECK_EQ(starts, 0);
	dms_pipeline_destroy(p);
	/* The dma-bufs went with the pipeline. */
	for (unsigned int i = 0; i < sink.nfds; i++)
		CHECK(fcntl(sink.fds[i], F_GETFD) < 0);
	CHECK(!fake_owned(r.e, DMASTREAM_DIR_RX));
	rig_close(&r);
}

struct holder {
	uint64_t cookies[64];	/* held, oldest first */
	unsigned int n;
	uint64_t taken;
};

static int holding_sink_fn(void *arg, int fd, uint32_t offset, uint32_t len,
			   const struct dmastream_cqe *cqe)
{
	struct holder *h = arg;

	(void)fd;
	(void)offset;
	(void)len;
	if (h->n == 64)
		return -EAGAIN;
	h->cookies[h->n++] = cqe->cookie;
	h->taken++;
	return DMS_SINK_HELD;
}

/*
 * A sink that keeps buffers (DMS_SINK_HELD) for work that goes on after the
 * call: they stay out of the ring until released, in any order, once each.
 */
static void test_held(void)
{
	struct dms_pipeline_params prm = params(0, 1024, 4);
	struct holder h = { 0 };
	struct dms_pipeline_stats st;
	struct dms_pipeline *p = NULL;
	struct rig r;
	uint64_t first;
	int ret;

	rig_open(&r);
	prm.buffers = 6;
	prm.verify = DMS_CHECK_NONE;
	CHECK_EQ(dms_pipeline_create(&prm, NULL, r.rx, &p), 0);
	CHECK_EQ(dms_pipeline_set_sink_dmabuf(p, holding_sink_fn, &h), 0);
	CHECK_EQ(dms_pipeline_release(p, 0), -EINVAL);	/* nothing held yet */
	CHECK(dms_pipeline_step(p, 0) > 0);
	CHECK_EQ(fake_inflight(r.e, DMASTREAM_DIR_RX), 4);
	fake_source_emit(r.e, 4, 1024, DMS_PATTERN_PRBS31, 0);
	for (int i = 0; i < 4; i++)
		dms_pipeline_step(p, 0);
	CHECK_EQ(h.taken, 4);
	/* Two buffers left to queue: the held ones do not come back. */
	CHECK_EQ(fake_inflight(r.e, DMASTREAM_DIR_RX), 2);
	fake_source_emit(r.e, 2, 1024, DMS_PATTERN_PRBS31, 0);
	for (int i = 0; i < 4; i++)
		dms_pipeline_step(p, 0);
	CHECK_EQ(h.taken, 6);
	CHECK_EQ(fake_inflight(r.e, DMASTREAM_DIR_RX), 0);
	/* Released out of order: each one goes back to the engine. */
	first = h.cookies[0];
	CHECK_EQ(dms_pipeline_release(p, h.cookies[3]), 0);
	CHECK_EQ(dms_pipeline_release(p, h.cookies[3]), -EINVAL);
	CHECK_EQ(dms_pipeline_release(p, first), 0);
	for (int i = 0; i < 2; i++)
		dms_pipeline_step(p, 0);
	CHECK_EQ(fake_inflight(r.e, DMASTREAM_DIR_RX), 2);
	CHECK_EQ(dms_pipeline_release(p, first), -EINVAL);
	CHECK_EQ(dms_pipeline_release(p, (uint64_t)99 << 16 | 40), -EINVAL);
	dms_pipeline_stop(p);
	while ((ret = dms_pipeline_step(p, 0)) > 0)
		;
	CHECK_EQ(ret, 0);
	dms_pipeline_stats(p, &st);
	CHECK_EQ(st.transfers, 6);
	/* Still held at the end: given back after the run is fine. */
	CHECK_EQ(dms_pipeline_release(p, h.cookies[5]), 0);
	dms_pipeline_destroy(p);
	CHECK(!fake_owned(r.e, DMASTREAM_DIR_RX));
	rig_close(&r);
}

/*
 * A stale cookie does not release the buffer's next hold; a byte sink that
 * holds a dma-buf buffer keeps its CPU bracket open until the release (or
 * the pipeline's end).
 */
struct byte_holder {
	uint64_t cookies[8];
	unsigned int n;
};

static int byte_holding_sink(void *arg, const void *data, uint32_t len,
			     const struct dmastream_cqe *cqe)
{
	struct byte_holder *h = arg;

	(void)data;
	(void)len;
	if (h->n == 8)
		return -EAGAIN;
	h->cookies[h->n++] = cqe->cookie;
	return DMS_SINK_HELD;
}

static void test_held_cookies(void)
{
	struct dms_pipeline_params prm = params(0, 1024, 1);
	struct byte_holder h = { 0 };
	struct dms_pipeline *p = NULL;
	struct rig r;

	rig_open(&r);
	prm.buffers = 1;
	prm.verify = DMS_CHECK_NONE;
	CHECK_EQ(dms_pipeline_create(&prm, NULL, r.rx, &p), 0);
	CHECK_EQ(dms_pipeline_set_sink(p, byte_holding_sink, &h), 0);
	dms_pipeline_step(p, 0);
	fake_source_emit(r.e, 1, 1024, DMS_PATTERN_PRBS31, 0);
	dms_pipeline_step(p, 0);
	dms_pipeline_step(p, 0);
	CHECK_EQ(h.n, 1);
	/* Held by a byte sink: the bracket is open while it reads. */
	CHECK_EQ(fake_dmabuf_open_brackets(r.e), 1);
	CHECK_EQ(dms_pipeline_release(p, h.cookies[0]), 0);
	CHECK_EQ(fake_dmabuf_open_brackets(r.e), 0);
	dms_pipeline_step(p, 0);
	fake_source_emit(r.e, 1, 1024, DMS_PATTERN_PRBS31, 0);
	dms_pipeline_step(p, 0);
	dms_pipeline_step(p, 0);
	CHECK_EQ(h.n, 2);
	/* The same buffer, held again: only the new cookie gives it back. */
	CHECK_EQ(h.cookies[0] & 0xffff, h.cookies[1] & 0xffff);
	CHECK(h.cookies[0] != h.cookies[1]);
	CHECK_EQ(dms_pipeline_release(p, h.cookies[0]), -EINVAL);
	CHECK_EQ(fake_dmabuf_open_brackets(r.e), 1);
	/* Still held at the end: the pipeline's end closes the bracket. */
	dms_pipeline_destroy(p);
	brackets_kept(&r);
	CHECK(!fake_owned(r.e, DMASTREAM_DIR_RX));
	rig_close(&r);
}

struct fd_source {
	uint64_t calls;
	uint32_t ret_len;	/* 0: the whole packet */
};

/* Fills the packet through the dma-buf, as another device would. */
static int fd_source_fn(void *arg, int fd, uint32_t offset, uint32_t size, uint64_t seq)
{
	struct fd_source *s = arg;
	uint8_t *data = malloc(size);
	int ret;

	s->calls++;
	if (seq == 12) {
		free(data);
		return 0;
	}
	if (!data)
		return -ENOMEM;
	dms_pattern_fill(data, size, DMS_PATTERN_PRBS31, 0, seq, DMS_CHECK_FULL);
	ret = pwrite(fd, data, size, offset) == (ssize_t)size ? (int)(s->ret_len ? s->ret_len : size) :
								  -EIO;
	free(data);
	return ret;
}

/* TX from dma-bufs another device fills; RX (a ring of ours) checks what arrived. */
static void test_source(uint32_t memory)
{
	struct dms_pipeline_params prm = params(0, 1024, 4);
	struct fd_source src = { 0 };
	struct dmastream_cqe cqe[16];
	struct dms_pipeline_stats st;
	struct dms_pipeline *p = NULL;
	struct dms_pkt_result res;
	struct rig r;
	uint32_t n;

	rig_open(&r);
	prm.memory = memory;
	prm.verify = DMS_CHECK_NONE;
	CHECK_EQ(dms_ring_setup(r.rx, 16, 1024, 0), 0);
	for (uint32_t b = 0; b < 16; b++)
		CHECK_EQ(dms_submit_buf(r.rx, b, b, 0, 1024), 0);
	CHECK_EQ(dms_pipeline_create(&prm, r.tx, NULL, &p), 0);
	CHECK_EQ(dms_pipeline_set_sink_dmabuf(p, NULL, NULL), -EINVAL);
	CHECK_EQ(dms_pipeline_set_source_dmabuf(p, fd_source_fn, &src), 0);
	CHECK_EQ(rig_run(p), 0);
	dms_pipeline_stats(p, &st);
	CHECK_EQ(st.transfers, 12);
	CHECK_EQ(src.calls, 13);
	dms_pipeline_destroy(p);
	CHECK_EQ(brackets_kept(&r), 0);
	n = dms_reap(r.rx, cqe, 16);
	CHECK_EQ(n, 12);
	for (uint32_t i = 0; i < n; i++) {
		CHECK_EQ(cqe[i].status, DMASTREAM_STATUS_OK);
		dms_pattern_check(dms_buf(r.rx, (uint32_t)cqe[i].cookie), cqe[i].bytes,
				  DMS_CHECK_FULL, &res);
		CHECK_EQ(res.fault, DMS_PKT_OK);
		CHECK_EQ(res.hdr.seq, i);
	}
	CHECK_EQ(dms_abort(r.rx), 0);
	dms_reap(r.rx, cqe, 16);
	CHECK_EQ(dms_ring_free(r.rx), 0);

	/* What the CPU does not write it cannot pad: a length the engine refuses fails. */
	fake_caps(r.e, DMASTREAM_DIR_TX)->len_align = 8;
	rig_reopen(&r, DMASTREAM_DIR_TX);
	src = (struct fd_source){ .ret_len = 1001 };
	CHECK_EQ(dms_pipeline_create(&prm, r.tx, NULL, &p), 0);
	CHECK_EQ(dms_pipeline_set_source_dmabuf(p, fd_source_fn, &src), 0);
	CHECK_EQ(rig_run(p), -EINVAL);
	dms_pipeline_destroy(p);
	src = (struct fd_source){ .ret_len = 1025 };
	CHECK_EQ(dms_pipeline_create(&prm, r.tx, NULL, &p), 0);
	CHECK_EQ(dms_pipeline_set_source_dmabuf(p, fd_source_fn, &src), 0);
	CHECK_EQ(rig_run(p), -EOVERFLOW);
	dms_pipeline_destroy(p);
	CHECK(!fake_owned(r.e, DMASTREAM_DIR_TX));
	rig_close(&r);
}

/* Registered memory has no dma-buf to hand over; the allocator's limits. */
static void test_refusals(void)
{
	struct dms_pipeline_params prm = params(10, 4096, 4);
	struct dms_pipeline *p = NULL;
	struct stat st;
	struct rig r;
	int fd;

	rig_open(&r);
	prm.memory = DMS_MEMORY_USER;
	CHECK_EQ(dms_pipeline_create(&prm, NULL, r.rx, &p), 0);
	CHECK_EQ(dms_pipeline_set_sink_dmabuf(p, fd_sink_fn, NULL), -EOPNOTSUPP);
	dms_pipeline_destroy(p);
	CHECK_EQ(dms_pipeline_create(&prm, r.tx, NULL, &p), 0);
	CHECK_EQ(dms_pipeline_set_source_dmabuf(p, fd_source_fn, NULL), -EOPNOTSUPP);
	dms_pipeline_destroy(p);
	prm.memory = DMS_MEMORY_DMABUF + 1;
	CHECK_EQ(dms_pipeline_create(&prm, r.tx, NULL, &p), -EINVAL);
	/* dma-bufs come with a ring of the pipeline's own. */
	prm.memory = DMS_MEMORY_DMABUF;
	CHECK_EQ(dms_ring_setup(r.tx, 4, 4096, 0), 0);
	CHECK_EQ(dms_pipeline_create(&prm, r.tx, NULL, &p), -EINVAL);
	CHECK_EQ(dms_buf_count(r.tx), 4);
	CHECK_EQ(dms_ring_free(r.tx), 0);

	CHECK_EQ(dms_dmabuf_alloc(r.tx, 0), -EINVAL);
	CHECK_EQ(dms_dmabuf_alloc(r.tx, (1ULL << 31) + 1), -E2BIG);
	fd = dms_dmabuf_alloc(r.tx, 1);
	CHECK(fd >= 0);
	/* Whole pages. */
	CHECK(fstat(fd, &st) == 0 && st.st_size == sysconf(_SC_PAGESIZE));
	close(fd);
	rig_close(&r);
}

int main(void)
{
	test_runs();
	test_slots();
	test_sink(DMS_MEMORY_DMABUF);
	test_sink(DMS_MEMORY_RING);
	test_held();
	test_held_cookies();
	test_source(DMS_MEMORY_DMABUF);
	test_source(DMS_MEMORY_RING);
	test_refusals();
	return check_report();
}
