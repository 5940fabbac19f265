// SPDX-License-Identifier: MIT
/*
 * The pipeline against the fake driver: loopback, memcpy, RX and TX runs
 * complete and verify; injected engine errors, drops, corruption,
 * duplicates and reordering are each reported as what they are; a slow
 * sink's overruns equal the sequence gaps; timeouts, stops and sticky
 * errors end the run with the channels idle and reusable.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test-rig.h"

static struct dms_pipeline_params loop_params(uint64_t count, uint32_t size)
{
	struct dms_pipeline_params prm;

	dms_pipeline_params_init(&prm);
	prm.count = count;
	prm.size = size;
	prm.depth = 8;
	prm.pattern = DMS_PATTERN_PRBS31;
	prm.verify = DMS_CHECK_FULL;
	prm.drain_ms = 20;
	prm.idle_timeout_ms = 2000;
	return prm;
}

static void steps(struct dms_pipeline *p, int n)
{
	while (n--)
		CHECK_EQ(dms_pipeline_step(p, 0), 1);
}

/* Create, run to the end, return the stats; the rings must be gone after. */
static struct dms_pipeline_stats run_loop(struct rig *r, const struct dms_pipeline_params *prm,
					  int expect_ret)
{
	struct dms_pipeline_stats st;
	struct dms_pipeline *p = NULL;

	CHECK_EQ(dms_pipeline_create(prm, r->tx, r->rx, &p), 0);
	if (!p)
		abort();
	CHECK_EQ(rig_run(p), expect_ret);
	dms_pipeline_stats(p, &st);
	CHECK_EQ(fake_inflight(r->e, DMASTREAM_DIR_TX), 0);
	CHECK_EQ(fake_inflight(r->e, DMASTREAM_DIR_RX), 0);
	dms_pipeline_destroy(p);
	CHECK(!fake_owned(r->e, DMASTREAM_DIR_TX));
	CHECK(!fake_owned(r->e, DMASTREAM_DIR_RX));
	return st;
}

static void test_loopback_clean(void)
{
	struct dms_pipeline_params prm = loop_params(100, 4096);
	struct dms_pipeline_stats st;
	struct rig r;

	rig_open(&r);
	st = run_loop(&r, &prm, 0);
	CHECK_EQ(st.mode, DMS_PIPE_LOOPBACK);
	CHECK_EQ(st.transfers, 100);
	CHECK_EQ(st.bytes, 100 * 4096);
	CHECK_EQ(st.tx_completed, 100);
	CHECK_EQ(st.rx_completed, 100);
	CHECK_EQ(st.errors, 0);
	CHECK_EQ(st.aborted, 0);
	CHECK_EQ(st.verify_errors, 0);
	CHECK_EQ(st.verify.good, 100);
	CHECK_EQ(st.latency.samples, 100);
	CHECK_EQ(st.depth, 8);
	CHECK_EQ(st.buffers, 16);
	CHECK_EQ(st.error, 0);

	/* Fast checking, counter pattern, bigger transfers. */
	prm = loop_params(50, 256 * 1024);
	prm.pattern = DMS_PATTERN_COUNTER;
	prm.verify = DMS_CHECK_FAST;
	st = run_loop(&r, &prm, 0);
	CHECK_EQ(st.transfers, 50);
	CHECK_EQ(st.verify.good, 50);
	CHECK_EQ(st.verify_errors, 0);

	/* No verification, no pattern: just moves data. */
	prm = loop_params(20, 1000);
	prm.pattern = DMS_PATTERN_NONE;
	prm.verify = DMS_CHECK_NONE;
	st = run_loop(&r, &prm, 0);
	CHECK_EQ(st.transfers, 20);
	CHECK_EQ(st.verify.packets, 0);

	/* Cached rings on both channels: the same run. */
	prm = loop_params(30, 4096);
	prm.ring_flags = DMS_RING_CACHED;
	st = run_loop(&r, &prm, 0);
	CHECK_EQ(st.transfers, 30);
	CHECK_EQ(st.verify.good, 30);
	CHECK_EQ(fake_last_ring_flags(r.e, DMASTREAM_DIR_TX), DMASTREAM_RING_CACHED);
	CHECK_EQ(fake_last_ring_flags(r.e, DMASTREAM_DIR_RX), DMASTREAM_RING_CACHED);

	/* Buffers in the pipeline's own memory, registered: the same run. */
	prm = loop_params(40, 5000);
	prm.memory = DMS_MEMORY_USER;
	st = run_loop(&r, &prm, 0);
	CHECK_EQ(st.transfers, 40);
	CHECK_EQ(st.verify.good, 40);
	CHECK_EQ(st.buffers, 16);
	CHECK_EQ(fake_registrations(r.e, DMASTREAM_DIR_TX), 1);
	CHECK_EQ(fake_registrations(r.e, DMASTREAM_DIR_RX), 1);
	rig_close(&r);
}

struct failure_log {
	int calls;
	uint32_t direction;
	uint64_t index;
	uint32_t status;
};

static void log_failure(void *arg, uint32_t direction, uint64_t index,
			const struct dmastream_cqe *cqe)
{
	struct failure_log *l = arg;

	l->calls++;
	l->direction = direction;
	l->index = index;
	l->status = cqe->status;
}

static void test_loopback_faults(void)
{
	struct dms_pipeline_params prm = loop_params(100, 2048);
	struct dms_pipeline_stats st;
	struct failure_log log = { 0 };
	struct dms_pipeline *p = NULL;
	struct rig r;

	/*
	 * A TX engine error: one error, reported with its transfer, the lost
	 * packet excused, the rest on. The drain's cancellation of the RX
	 * transfer that had nothing left to receive is not reported.
	 */
	rig_open(&r);
	fake_inject(r.e, DMASTREAM_DIR_TX, 10, FAKE_FAIL, DMASTREAM_STATUS_WRITE_ERROR);
	CHECK_EQ(dms_pipeline_create(&prm, r.tx, r.rx, &p), 0);
	CHECK_EQ(dms_pipeline_set_error_handler(p, log_failure, &log), 0);
	CHECK_EQ(rig_run(p), 0);
	dms_pipeline_stats(p, &st);
	dms_pipeline_destroy(p);
	CHECK_EQ(log.calls, 1);
	CHECK_EQ(log.direction, DMASTREAM_DIR_TX);
	CHECK_EQ(log.index, 10);
	CHECK_EQ(log.status, DMASTREAM_STATUS_WRITE_ERROR);
	CHECK_EQ(st.aborted, 1);
	CHECK_EQ(st.errors, 1);
	CHECK_EQ(st.write_errors, 1);
	CHECK_EQ(st.transfers, 99);
	CHECK_EQ(st.verify_errors, 0);
	CHECK_EQ(st.verify.excused, 1);
	CHECK_EQ(st.verify.good, 99);
	rig_close(&r);

	/* The engine lost a packet: a drop, not an engine error. */
	rig_open(&r);
	fake_inject(r.e, DMASTREAM_DIR_TX, 20, FAKE_DROP, 0);
	st = run_loop(&r, &prm, 0);
	CHECK_EQ(st.errors, 0);
	CHECK_EQ(st.verify.dropped, 1);
	CHECK_EQ(st.verify_errors, 1);
	CHECK_EQ(st.transfers, 99);
	rig_close(&r);

	/* A flipped byte. */
	rig_open(&r);
	fake_inject(r.e, DMASTREAM_DIR_TX, 30, FAKE_CORRUPT, 1000);
	st = run_loop(&r, &prm, 0);
	CHECK_EQ(st.verify.corrupt, 1);
	CHECK_EQ(st.verify_errors, 1);
	CHECK_EQ(st.errors, 0);
	rig_close(&r);

	/* Two packets swapped on the way. */
	rig_open(&r);
	fake_inject(r.e, DMASTREAM_DIR_TX, 50, FAKE_SWAP, 0);
	st = run_loop(&r, &prm, 0);
	CHECK_EQ(st.verify.reordered, 1);
	CHECK_EQ(st.verify.dropped, 0);
	CHECK_EQ(st.verify_errors, 1);
	rig_close(&r);

	/* A packet cut short (TLAST too early): a short transfer, a bad length. */
	rig_open(&r);
	fake_inject(r.e, DMASTREAM_DIR_TX, 60, FAKE_TRUNCATE, 1500);
	st = run_loop(&r, &prm, 0);
	CHECK_EQ(st.short_xfers, 1);
	CHECK_EQ(st.verify.bad_length, 1);
	CHECK_EQ(st.verify_errors, 1);
	CHECK_EQ(st.bytes, 99 * 2048 + 1500);
	rig_close(&r);

	/* An RX error: counted, and the packet it cost is excused. */
	rig_open(&r);
	fake_inject(r.e, DMASTREAM_DIR_RX, 70, FAKE_FAIL, DMASTREAM_STATUS_WRITE_ERROR);
	st = run_loop(&r, &prm, 0);
	CHECK_EQ(st.errors, 1);
	CHECK_EQ(st.verify_errors, 0);
	CHECK_EQ(st.verify.excused, 1);
	CHECK_EQ(st.transfers, 99);
	rig_close(&r);

	/*
	 * RX errors that take no data (dmasim, AXI DMA): the packets go on
	 * into the next transfers, so the run queues one RX transfer more per
	 * failure and every packet arrives; the run ends without waiting.
	 */
	rig_open(&r);
	fake_inject(r.e, DMASTREAM_DIR_RX, 40, FAKE_FAIL_KEEP, DMASTREAM_STATUS_WRITE_ERROR);
	fake_inject(r.e, DMASTREAM_DIR_RX, 41, FAKE_FAIL_KEEP, DMASTREAM_STATUS_WRITE_ERROR);
	fake_inject(r.e, DMASTREAM_DIR_RX, 99, FAKE_FAIL_KEEP, DMASTREAM_STATUS_WRITE_ERROR);
	st = run_loop(&r, &prm, 0);
	CHECK_EQ(st.errors, 3);
	CHECK_EQ(st.write_errors, 3);
	CHECK_EQ(st.transfers, 100);
	CHECK_EQ(st.verify.good, 100);
	CHECK_EQ(st.verify_errors, 0);
	CHECK_EQ(st.aborted, 0);
	CHECK_EQ(st.rx_completed, 103);
	rig_close(&r);
}

/* Runs without a count, stopped once @after RX transfers completed. */
static struct dms_pipeline_stats run_until(struct rig *r, uint64_t after)
{
	struct dms_pipeline_params prm = loop_params(0, 1024);
	struct dms_pipeline_stats st;
	struct dms_pipeline *p = NULL;
	int ret;

	CHECK_EQ(dms_pipeline_create(&prm, r->tx, r->rx, &p), 0);
	if (!p)
		abort();
	do {
		ret = dms_pipeline_step(p, 100);
		dms_pipeline_stats(p, &st);
		if (st.rx_completed >= after)
			dms_pipeline_stop(p);
	} while (ret > 0);
	CHECK_EQ(ret, 0);
	dms_pipeline_stats(p, &st);
	CHECK_EQ(fake_inflight(r->e, DMASTREAM_DIR_RX), 0);
	dms_pipeline_destroy(p);
	return st;
}

static void test_stop_and_duplicates(void)
{
	struct dms_pipeline_stats st;
	struct rig r;

	rig_open(&r);
	st = run_until(&r, 200);
	CHECK(st.rx_completed >= 200);
	CHECK_EQ(st.errors, 0);
	CHECK_EQ(st.verify_errors, 0);
	/* The channels are usable again at once. */
	st = run_until(&r, 10);
	CHECK_EQ(st.verify_errors, 0);
	rig_close(&r);

	rig_open(&r);
	fake_inject(r.e, DMASTREAM_DIR_TX, 40, FAKE_DUPLICATE, 0);
	st = run_until(&r, 100);
	CHECK_EQ(st.verify.duplicates, 1);
	CHECK_EQ(st.verify.dropped, 0);
	CHECK_EQ(st.verify_errors, 1);
	rig_close(&r);
}

/* Stopped while RX transfers wait for data: cancelled, not failed. */
static void test_stop_rx(void)
{
	struct dms_pipeline_params prm;
	struct dms_pipeline_stats st;
	struct dms_pipeline *p = NULL;
	struct rig r;
	int i;

	rig_open(&r);
	dms_pipeline_params_init(&prm);
	prm.depth = 4;
	for (i = 0; i < 2; i++) {
		CHECK_EQ(dms_pipeline_create(&prm, NULL, r.rx, &p), 0);
		steps(p, 2);
		CHECK_EQ(fake_inflight(r.e, DMASTREAM_DIR_RX), 4);
		dms_pipeline_stop(p);
		CHECK_EQ(rig_run(p), 0);
		dms_pipeline_stats(p, &st);
		CHECK_EQ(st.aborted, 4);
		CHECK_EQ(st.errors, 0);
		CHECK_EQ(st.transfers, 0);
		CHECK_EQ(fake_inflight(r.e, DMASTREAM_DIR_RX), 0);
		dms_pipeline_destroy(p);
		CHECK(!fake_owned(r.e, DMASTREAM_DIR_RX));
	}
	rig_close(&r);
}

static void test_memcpy(void)
{
	struct dms_pipeline_params prm = loop_params(64, 10000);
	struct dms_pipeline_stats st;
	struct dms_pipeline *p = NULL;
	struct rig r;

	rig_open(&r);
	fake_inject(r.e, DMASTREAM_DIR_MEMCPY, 5, FAKE_CORRUPT, 9999);
	fake_inject(r.e, DMASTREAM_DIR_MEMCPY, 7, FAKE_FAIL, DMASTREAM_STATUS_READ_ERROR);
	CHECK_EQ(dms_pipeline_create(&prm, r.mem, NULL, &p), 0);
	CHECK_EQ(rig_run(p), 0);
	dms_pipeline_stats(p, &st);
	CHECK_EQ(st.mode, DMS_PIPE_MEMCPY);
	CHECK_EQ(st.transfers, 63);
	CHECK_EQ(st.read_errors, 1);
	CHECK_EQ(st.verify.corrupt, 1);
	CHECK_EQ(st.verify.excused, 1);
	CHECK_EQ(st.verify.good, 62);
	CHECK_EQ(st.verify_errors, 1);
	dms_pipeline_destroy(p);
	CHECK(!fake_owned(r.e, DMASTREAM_DIR_MEMCPY));

	/* The pairs in registered memory, one range for all of them. */
	prm = loop_params(32, 10000);
	prm.memory = DMS_MEMORY_USER;
	CHECK_EQ(dms_pipeline_create(&prm, r.mem, NULL, &p), 0);
	CHECK_EQ(rig_run(p), 0);
	dms_pipeline_stats(p, &st);
	CHECK_EQ(st.transfers, 32);
	CHECK_EQ(st.verify.good, 32);
	CHECK_EQ(fake_registrations(r.e, DMASTREAM_DIR_MEMCPY), 1);
	dms_pipeline_destroy(p);
	CHECK(!fake_owned(r.e, DMASTREAM_DIR_MEMCPY));
	rig_close(&r);
}

struct slow_sink {
	bool slow;
	uint64_t delivered;
	uint64_t last_seq;
	bool out_of_order;
};

static int slow_sink_fn(void *arg, const void *data, uint32_t len,
			const struct dmastream_cqe *cqe)
{
	struct slow_sink *s = arg;
	struct dms_pkt_result res;

	(void)cqe;
	if (s->slow)
		return -EAGAIN;
	dms_pattern_check(data, len, DMS_CHECK_NONE, &res);
	if (s->delivered && res.hdr.seq <= s->last_seq)
		s->out_of_order = true;
	s->last_seq = res.hdr.seq;
	s->delivered++;
	return 0;
}

/* A slow sink: RX runs dry, the source overruns, and every lost packet shows. */
static void test_rx_slow_sink(void)
{
	struct dms_pipeline_params prm;
	struct dms_pipeline_stats st;
	struct dms_pipeline *p = NULL;
	struct slow_sink sink = { 0 };
	struct rig r;
	int ret;

	rig_open(&r);
	dms_pipeline_params_init(&prm);
	prm.size = 1024;
	prm.depth = 4;
	prm.buffers = 8;
	prm.verify = DMS_CHECK_FULL;
	prm.stream = 3;
	CHECK_EQ(dms_pipeline_create(&prm, NULL, r.rx, &p), 0);
	CHECK_EQ(dms_pipeline_set_sink(p, slow_sink_fn, &sink), 0);

	steps(p, 2);
	CHECK_EQ(fake_inflight(r.e, DMASTREAM_DIR_RX), 4);
	fake_source_emit(r.e, 4, 1024, DMS_PATTERN_COUNTER, 3);
	steps(p, 2);
	CHECK_EQ(sink.delivered, 4);

	sink.slow = true;
	fake_source_emit(r.e, 4, 1024, DMS_PATTERN_COUNTER, 3);
	steps(p, 2);
	fake_source_emit(r.e, 4, 1024, DMS_PATTERN_COUNTER, 3);
	steps(p, 2);
	CHECK_EQ(fake_inflight(r.e, DMASTREAM_DIR_RX), 0);
	fake_source_emit(r.e, 10, 1024, DMS_PATTERN_COUNTER, 3);
	CHECK_EQ(fake_source_overruns(r.e), 10);
	sink.slow = false;
	steps(p, 3);
	fake_source_emit(r.e, 4, 1024, DMS_PATTERN_COUNTER, 3);
	steps(p, 3);

	dms_pipeline_stop(p);
	while ((ret = dms_pipeline_step(p, 0)) > 0)
		;
	CHECK_EQ(ret, 0);
	dms_pipeline_stats(p, &st);
	CHECK_EQ(st.mode, DMS_PIPE_RX);
	CHECK_EQ(sink.delivered, 16);
	CHECK(!sink.out_of_order);
	CHECK_EQ(st.transfers, 16);
	CHECK_EQ(st.verify.good, 16);
	/* What the device could not deliver is exactly what the stream lacks. */
	CHECK_EQ(st.verify.dropped, fake_source_overruns(r.e));
	CHECK_EQ(st.verify.gaps, 1);
	CHECK(st.rx_queue_empty >= 1);
	/* Every flagged completion is counted, and only those. */
	CHECK_EQ(st.rx_queue_empty, fake_stats(r.e, DMASTREAM_DIR_RX)->rx_queue_empty);
	CHECK(st.sink_stalls > 0);
	CHECK_EQ(st.undelivered, 0);
	dms_pipeline_destroy(p);
	rig_close(&r);
}

/* RX into a file descriptor, in order, whole packets. */
static void test_rx_to_fd(void)
{
	struct dms_pipeline_params prm;
	struct dms_pipeline *p = NULL;
	struct dms_pkt_result res;
	uint8_t buf[512];
	struct rig r;
	int fds[2], i, ret;

	rig_open(&r);
	CHECK_EQ(pipe(fds), 0);
	dms_pipeline_params_init(&prm);
	prm.size = 512;
	prm.depth = 2;
	prm.count = 5;
	CHECK_EQ(dms_pipeline_create(&prm, NULL, r.rx, &p), 0);
	CHECK_EQ(dms_pipeline_set_sink_fd(p, fds[1]), 0);
	steps(p, 1);
	fake_source_emit(r.e, 2, 512, DMS_PATTERN_PRBS31, 0);
	steps(p, 1);
	fake_source_emit(r.e, 2, 512, DMS_PATTERN_PRBS31, 0);
	steps(p, 1);
	fake_source_emit(r.e, 1, 512, DMS_PATTERN_PRBS31, 0);
	while ((ret = dms_pipeline_step(p, 0)) > 0)
		;
	CHECK_EQ(ret, 0);
	close(fds[1]);
	for (i = 0; i < 5; i++) {
		CHECK_EQ(read(fds[0], buf, sizeof(buf)), 512);
		dms_pattern_check(buf, 512, DMS_CHECK_FULL, &res);
		CHECK_EQ(res.fault, DMS_PKT_OK);
		CHECK_EQ(res.hdr.seq, i);
	}
	CHECK_EQ(read(fds[0], buf, sizeof(buf)), 0);
	close(fds[0]);
	dms_pipeline_destroy(p);
	rig_close(&r);
}

/* The last transfer of a finite run leaves the RX queue empty: that is no overrun. */
static void test_rx_finite(void)
{
	struct dms_pipeline_params prm;
	struct dms_pipeline_stats st;
	struct dms_pipeline *p = NULL;
	struct rig r;

	rig_open(&r);
	dms_pipeline_params_init(&prm);
	prm.size = 256;
	prm.depth = 4;
	prm.count = 4;
	prm.verify = DMS_CHECK_FULL;
	CHECK_EQ(dms_pipeline_create(&prm, NULL, r.rx, &p), 0);
	steps(p, 1);
	fake_source_emit(r.e, 4, 256, DMS_PATTERN_COUNTER, 0);
	CHECK_EQ(rig_run(p), 0);
	dms_pipeline_stats(p, &st);
	CHECK_EQ(st.transfers, 4);
	CHECK_EQ(st.verify_errors, 0);
	/* The driver counts an empty queue only when more transfers follow. */
	CHECK_EQ(fake_stats(r.e, DMASTREAM_DIR_RX)->rx_queue_empty, 0);
	CHECK_EQ(st.rx_queue_empty, 0);
	dms_pipeline_destroy(p);
	rig_close(&r);
}

static int counting_source(void *arg, void *buf, uint32_t size, uint64_t seq)
{
	int *calls = arg;

	(*calls)++;
	if (seq == 10)
		return 0;
	memset(buf, (int)seq, size);
	return (int)(100 + seq * 10);
}

static void test_tx(void)
{
	struct dms_pipeline_params prm;
	struct dms_pipeline_stats st;
	struct dms_pipeline *p = NULL;
	struct rig r;
	char data[10000];
	int fds[2], calls = 0;

	rig_open(&r);
	dms_pipeline_params_init(&prm);
	prm.size = 4096;
	CHECK_EQ(dms_pipeline_create(&prm, r.tx, NULL, &p), 0);
	CHECK_EQ(dms_pipeline_set_source(p, counting_source, &calls), 0);
	CHECK_EQ(dms_pipeline_set_sink(p, NULL, NULL), -EINVAL);
	CHECK_EQ(rig_run(p), 0);
	dms_pipeline_stats(p, &st);
	CHECK_EQ(st.mode, DMS_PIPE_TX);
	CHECK_EQ(st.transfers, 10);
	CHECK_EQ(st.bytes, 10 * 100 + 10 * 45);
	CHECK_EQ(calls, 11);
	dms_pipeline_destroy(p);

	/* From a pipe: whole transfers, then the rest. */
	CHECK_EQ(pipe(fds), 0);
	memset(data, 'x', sizeof(data));
	CHECK_EQ(write(fds[1], data, sizeof(data)), (ssize_t)sizeof(data));
	close(fds[1]);
	CHECK_EQ(dms_pipeline_create(&prm, r.tx, NULL, &p), 0);
	CHECK_EQ(dms_pipeline_set_source_fd(p, fds[0]), 0);
	CHECK_EQ(rig_run(p), 0);
	dms_pipeline_stats(p, &st);
	CHECK_EQ(st.transfers, 3);
	CHECK_EQ(st.bytes, 10000);
	dms_pipeline_destroy(p);
	close(fds[0]);

	/* The pattern generator with a count. */
	prm.count = 7;
	CHECK_EQ(dms_pipeline_create(&prm, r.tx, NULL, &p), 0);
	CHECK_EQ(rig_run(p), 0);
	dms_pipeline_stats(p, &st);
	CHECK_EQ(st.transfers, 7);
	CHECK_EQ(st.tx_bytes, 7 * 4096);
	dms_pipeline_destroy(p);
	rig_close(&r);
}

static void test_timeout_and_recovery(void)
{
	struct dms_pipeline_params prm = loop_params(10, 1024);
	struct dms_pipeline_stats st;
	struct rig r;

	rig_open(&r);
	fake_stall(r.e, true);
	prm.idle_timeout_ms = 50;
	st = run_loop(&r, &prm, -ETIMEDOUT);
	CHECK_EQ(st.error, -ETIMEDOUT);
	CHECK_EQ(st.transfers, 0);
	fake_stall(r.e, false);
	prm.idle_timeout_ms = 2000;
	st = run_loop(&r, &prm, 0);
	CHECK_EQ(st.transfers, 10);
	CHECK_EQ(st.verify_errors, 0);
	rig_close(&r);
}

static void test_sticky_error(void)
{
	struct dms_pipeline_params prm = loop_params(100, 1024);
	struct dms_pipeline_stats st;
	struct rig r;

	rig_open(&r);
	CHECK_EQ(dms_set_config(r.tx, 0, 3), -ENXIO);	/* owner only */
	fake_inject(r.e, DMASTREAM_DIR_TX, 3, FAKE_FAIL, DMASTREAM_STATUS_READ_ERROR);
	fake_inject(r.e, DMASTREAM_DIR_TX, 4, FAKE_FAIL, DMASTREAM_STATUS_READ_ERROR);
	fake_inject(r.e, DMASTREAM_DIR_TX, 5, FAKE_FAIL, DMASTREAM_STATUS_READ_ERROR);
	fake_inject(r.e, DMASTREAM_DIR_TX, 6, FAKE_FAIL, DMASTREAM_STATUS_READ_ERROR);
	fake_inject(r.e, DMASTREAM_DIR_TX, 7, FAKE_FAIL, DMASTREAM_STATUS_READ_ERROR);
	fake_inject(r.e, DMASTREAM_DIR_TX, 8, FAKE_FAIL, DMASTREAM_STATUS_READ_ERROR);
	fake_inject(r.e, DMASTREAM_DIR_TX, 9, FAKE_FAIL, DMASTREAM_STATUS_READ_ERROR);
	fake_inject(r.e, DMASTREAM_DIR_TX, 10, FAKE_FAIL, DMASTREAM_STATUS_READ_ERROR);
	/* The default threshold is 8 consecutive errors. */
	st = run_loop(&r, &prm, -EIO);
	CHECK_EQ(st.read_errors, 8);
	CHECK_EQ(st.errors, 8);
	rig_close(&r);
}

static void test_backpressure_and_segments(void)
{
	struct dms_pipeline_params prm = loop_params(50, 5000);
	struct dms_pipeline_stats st;
	struct rig r;

	/* The driver takes one or two transfers per call: the rest waits. */
	rig_open(&r);
	fake_limit_submit(r.e, DMASTREAM_DIR_RX, 1);
	fake_limit_submit(r.e, DMASTREAM_DIR_TX, 2);
	st = run_loop(&r, &prm, 0);
	CHECK_EQ(st.transfers, 50);
	CHECK_EQ(st.verify_errors, 0);
	CHECK(st.backpressure > 0);
	rig_close(&r);

	/* Segments of at most 1 KiB: five per 5000-byte transfer. */
	{
		struct fake_engine *e = fake_engine_new();

		r.e = e;
		fake_caps(e, DMASTREAM_DIR_TX)->max_seg_size = 1024;
		fake_caps(e, DMASTREAM_DIR_RX)->max_seg_size = 1024;
		CHECK_EQ(fake_open(e, DMASTREAM_DIR_TX, &r.tx), 0);
		CHECK_EQ(fake_open(e, DMASTREAM_DIR_RX, &r.rx), 0);
		CHECK_EQ(fake_open(e, DMASTREAM_DIR_MEMCPY, &r.mem), 0);
		st = run_loop(&r, &prm, 0);
		CHECK_EQ(st.transfers, 50);
		CHECK_EQ(st.verify_errors, 0);
		rig_close(&r);
	}
}

static void test_limits_and_refusals(void)
{
	struct dms_pipeline_params prm = loop_params(10, 8192);
	struct dms_pipeline_stats st;
	struct dms_pipeline *p = NULL;
	struct rig r;

	r.e = fake_engine_new();
	fake_caps(r.e, DMASTREAM_DIR_TX)->max_ring_bytes = 3 * 8192;
	fake_caps(r.e, DMASTREAM_DIR_RX)->max_segs = 1;
	fake_caps(r.e, DMASTREAM_DIR_RX)->max_seg_size = 4096;
	CHECK_EQ(fake_open(r.e, DMASTREAM_DIR_TX, &r.tx), 0);
	CHECK_EQ(fake_open(r.e, DMASTREAM_DIR_RX, &r.rx), 0);
	CHECK_EQ(fake_open(r.e, DMASTREAM_DIR_MEMCPY, &r.mem), 0);

	/* 8 KiB in 4 KiB segments, one segment allowed on RX. */
	CHECK_EQ(dms_pipeline_create(&prm, r.tx, r.rx, &p), -E2BIG);
	CHECK(!fake_owned(r.e, DMASTREAM_DIR_TX));
	/* TX alone: the ring shrinks to what the module allows. */
	CHECK_EQ(dms_pipeline_create(&prm, r.tx, NULL, &p), 0);
	dms_pipeline_stats(p, &st);
	CHECK_EQ(st.buffers, 3);
	CHECK_EQ(st.depth, 3);
	CHECK_EQ(rig_run(p), 0);
	dms_pipeline_destroy(p);

	prm.size = 16;
	CHECK_EQ(dms_pipeline_create(&prm, r.tx, NULL, &p), -EINVAL);
	prm = loop_params(10, 1024);
	prm.pattern = DMS_PATTERN_NONE;
	CHECK_EQ(dms_pipeline_create(&prm, r.mem, NULL, &p), -EINVAL);
	prm = loop_params(10, 1024);
	CHECK_EQ(dms_pipeline_create(&prm, r.rx, NULL, &p), -EINVAL);
	CHECK_EQ(dms_pipeline_create(&prm, NULL, r.tx, &p), -EINVAL);
	CHECK_EQ(dms_pipeline_create(&prm, r.tx, r.mem, &p), -EINVAL);
	CHECK_EQ(dms_pipeline_create(&prm, NULL, NULL, &p), -EINVAL);
	prm.depth = 0;
	CHECK_EQ(dms_pipeline_create(&prm, r.tx, NULL, &p), -EINVAL);
	prm = loop_params(10, 1024);
	prm.ring_flags = 0x2;
	CHECK_EQ(dms_pipeline_create(&prm, r.tx, NULL, &p), -EINVAL);
	prm = loop_params(10, 1024);
	prm.memory = DMS_MEMORY_DMABUF + 1;
	CHECK_EQ(dms_pipeline_create(&prm, r.tx, NULL, &p), -EINVAL);
	prm = loop_params(10, 1024);
	prm.reserved32 = 1;
	CHECK_EQ(dms_pipeline_create(&prm, r.tx, NULL, &p), -EINVAL);
	/* Registered memory with a ring set up already: refused, ring kept. */
	prm = loop_params(10, 1024);
	prm.memory = DMS_MEMORY_USER;
	CHECK_EQ(dms_ring_setup(r.tx, 4, 4096, 0), 0);
	CHECK_EQ(dms_pipeline_create(&prm, r.tx, NULL, &p), -EINVAL);
	CHECK_EQ(dms_buf_count(r.tx), 4);
	CHECK_EQ(dms_ring_free(r.tx), 0);
	/* A non-coherent engine: what it writes in a cached ring is whole lines. */
	fake_caps(r.e, DMASTREAM_DIR_RX)->cached_align = 64;
	rig_reopen(&r, DMASTREAM_DIR_RX);	/* caps are read at open */
	prm = loop_params(10, 1000);
	prm.ring_flags = DMS_RING_CACHED;
	CHECK_EQ(dms_pipeline_create(&prm, r.tx, r.rx, &p), -EINVAL);
	CHECK(!fake_owned(r.e, DMASTREAM_DIR_TX));
	prm.ring_flags = 0;
	CHECK_EQ(dms_pipeline_create(&prm, r.tx, r.rx, &p), 0);
	dms_pipeline_destroy(p);
	prm = loop_params(10, 1024);
	prm.ring_flags = DMS_RING_CACHED;
	CHECK_EQ(dms_pipeline_create(&prm, r.tx, r.rx, &p), 0);
	CHECK_EQ(rig_run(p), 0);
	dms_pipeline_destroy(p);

	prm = loop_params(10, 32u << 20);
	CHECK_EQ(dms_pipeline_create(&prm, r.mem, NULL, &p), -E2BIG);
	rig_close(&r);
}

/* Cached rings on an engine that is not coherent (cached_align 64). */
static void test_cached_lines(void)
{
	struct dms_pipeline_params prm;
	struct dms_pipeline *p = NULL;
	struct rig r;

	rig_open(&r);
	fake_caps(r.e, DMASTREAM_DIR_RX)->cached_align = 64;
	rig_reopen(&r, DMASTREAM_DIR_RX);	/* caps are read at open */

	/* A ring the caller set up is used as it is: its flags decide. */
	prm = loop_params(10, 1000);
	CHECK_EQ(dms_ring_setup_flags(r.rx, 16, 1000, 0, DMS_RING_CACHED), 0);
	CHECK_EQ(dms_pipeline_create(&prm, r.tx, r.rx, &p), -EINVAL);
	CHECK_EQ(dms_ring_free(r.rx), 0);
	CHECK_EQ(dms_ring_setup(r.rx, 16, 1000, 0), 0);
	prm.ring_flags = DMS_RING_CACHED;	/* for the TX ring; RX keeps its own */
	p = NULL;
	CHECK_EQ(dms_pipeline_create(&prm, r.tx, r.rx, &p), 0);
	if (p)
		CHECK_EQ(rig_run(p), 0);
	dms_pipeline_destroy(p);
	CHECK_EQ(dms_ring_free(r.rx), 0);

	/*
	 * A TX engine whose segments are at most 1000 bytes: the loopback's
	 * cuts must still suit the RX side's 64-byte lines (960).
	 */
	fake_caps(r.e, DMASTREAM_DIR_TX)->max_seg_size = 1000;
	rig_reopen(&r, DMASTREAM_DIR_TX);
	prm = loop_params(10, 4096);
	prm.ring_flags = DMS_RING_CACHED;
	p = NULL;
	CHECK_EQ(dms_pipeline_create(&prm, r.tx, r.rx, &p), 0);
	if (p)
		CHECK_EQ(rig_run(p), 0);
	dms_pipeline_destroy(p);
	rig_close(&r);
}

int main(void)
{
	test_loopback_clean();
	test_loopback_faults();
	test_stop_and_duplicates();
	test_stop_rx();
	test_memcpy();
	test_rx_slow_sink();
	test_rx_to_fd();
	test_rx_finite();
	test_tx();
	test_timeout_and_recovery();
	test_sticky_error();
	test_cached_lines();
	test_backpressure_and_segments();
	test_limits_and_refusals();
	return check_report();
}
