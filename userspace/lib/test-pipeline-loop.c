// SPDX-License-Identifier: MIT
/*
 * The pipeline driven by someone else's event loop, against the fake
 * driver: dms_pipeline_get_fd() is readable exactly when there is work
 * (completions, data, a stop, a sink that can take data again),
 * dms_pipeline_get_timeout() says how long the loop may sleep, and
 * dms_pipeline_dispatch() never waits. dms_pipeline_stop() from another
 * thread wakes a pipeline asleep in its own step or in the outer loop.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* F_SETPIPE_SZ */
#endif
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "test-rig.h"

/* Longest sleep the outer loop allows itself where the pipeline says "forever". */
#define FOREVER_CAP_MS	5000

/* The outer loop: an epoll instance of its own, holding the pipeline's fd. */
static int outer_loop(struct dms_pipeline *p)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int ep = epoll_create1(EPOLL_CLOEXEC), fd = dms_pipeline_get_fd(p);

	CHECK(ep >= 0);
	CHECK(fd >= 0);
	ev.data.fd = fd;
	CHECK_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev), 0);
	return ep;
}

/* Is the pipeline's fd readable now, as the outer loop sees it? */
static int readable(int ep)
{
	struct epoll_event ev;

	return epoll_wait(ep, &ev, 1, 0);
}

/*
 * Dispatch until the pipeline has nothing to do without waiting; returns
 * the last dispatch's result.
 */
static int settle(struct dms_pipeline *p)
{
	int ret, n = 0;

	while ((ret = dms_pipeline_dispatch(p)) > 0 && dms_pipeline_get_timeout(p) == 0)
		CHECK(++n < 100000);
	return ret;
}

/*
 * A whole verified loopback run in the outer loop. Where the pipeline says
 * it has no deadline, the loop sleeps until the fd wakes it: a wakeup that
 * never comes shows as a sleep cut short by the cap, and fails.
 */
static void test_loopback_run(void)
{
	struct dms_pipeline_params prm;
	struct dms_pipeline_stats st;
	struct dms_pipeline *p = NULL;
	struct epoll_event ev;
	int ep, ret, t, n, stalls = 0, waits = 0;
	struct rig r;

	rig_open(&r);
	dms_pipeline_params_init(&prm);
	prm.count = 300;
	prm.size = 4096;
	prm.depth = 8;
	prm.pattern = DMS_PATTERN_PRBS31;
	prm.verify = DMS_CHECK_FULL;
	prm.drain_ms = 20;
	CHECK_EQ(dms_pipeline_create(&prm, r.tx, r.rx, &p), 0);
	/* Before the first dispatch there is work: the rings are empty. */
	CHECK_EQ(dms_pipeline_get_timeout(p), 0);
	ep = outer_loop(p);
	CHECK_EQ(dms_pipeline_get_fd(p), dms_pipeline_get_fd(p));

	while ((ret = dms_pipeline_dispatch(p)) > 0) {
		t = dms_pipeline_get_timeout(p);
		n = epoll_wait(ep, &ev, 1, t < 0 ? FOREVER_CAP_MS : t);
		if (n == 0 && t < 0)
			stalls++;
		if (++waits > 1000000)
			break;
	}
	CHECK_EQ(ret, 0);
	CHECK_EQ(stalls, 0);
	dms_pipeline_stats(p, &st);
	CHECK_EQ(st.transfers, 300);
	CHECK_EQ(st.verify.good, 300);
	CHECK_EQ(st.verify_errors, 0);
	CHECK_EQ(st.errors, 0);
	/* Finished: nothing more to wait for. */
	CHECK_EQ(dms_pipeline_get_timeout(p), 0);
	CHECK_EQ(dms_pipeline_dispatch(p), 0);
	dms_pipeline_destroy(p);
	CHECK(!fake_owned(r.e, DMASTREAM_DIR_TX));
	CHECK(!fake_owned(r.e, DMASTREAM_DIR_RX));
	close(ep);
	rig_close(&r);
}

struct collect {
	bool refuse;		/* answer -EAGAIN */
	uint64_t packets, refused;
};

static int collect_fn(void *arg, const void *data, uint32_t len, const struct dmastream_cqe *cqe)
{
	struct collect *c = arg;

	(void)data;
	(void)len;
	(void)cqe;
	if (c->refuse) {
		c->refused++;
		return -EAGAIN;
	}
	c->packets++;
	return 0;
}

static struct dms_pipeline *rx_pipeline(struct rig *r, uint32_t size, uint32_t depth)
{
	struct dms_pipeline_params prm;
	struct dms_pipeline *p = NULL;

	dms_pipeline_params_init(&prm);
	prm.size = size;
	prm.depth = depth;
	prm.buffers = depth;
	prm.verify = DMS_CHECK_FULL;
	prm.stream = 5;
	CHECK_EQ(dms_pipeline_create(&prm, NULL, r->rx, &p), 0);
	return p;
}

/*
 * Idle means idle: RX transfers queued and no data coming, the fd is not
 * readable and there is no deadline. Data makes it readable; a sink
 * callback that asks to wait turns the deadline into a short retry, and
 * what it refused is delivered later, in order, none lost.
 */
static void test_rx_idle_data_and_callback_backpressure(void)
{
	struct dms_pipeline_stats st;
	struct collect c = { 0 };
	struct dms_pipeline *p;
	struct rig r;
	int ep, t;

	rig_open(&r);
	p = rx_pipeline(&r, 1024, 4);
	CHECK_EQ(dms_pipeline_set_sink(p, collect_fn, &c), 0);
	ep = outer_loop(p);
	CHECK_EQ(settle(p), 1);
	CHECK_EQ(fake_inflight(r.e, DMASTREAM_DIR_RX), 4);
	CHECK_EQ(dms_pipeline_get_timeout(p), -1);
	CHECK_EQ(readable(ep), 0);

	fake_source_emit(r.e, 3, 1024, DMS_PATTERN_COUNTER, 5);
	CHECK_EQ(readable(ep), 1);
	CHECK_EQ(settle(p), 1);
	CHECK_EQ(c.packets, 3);
	CHECK_EQ(readable(ep), 0);
	CHECK_EQ(dms_pipeline_get_timeout(p), -1);

	/* The sink refuses: nothing can wake the pipeline for it, so it retries soon. */
	c.refuse = true;
	fake_source_emit(r.e, 4, 1024, DMS_PATTERN_COUNTER, 5);
	CHECK_EQ(settle(p), 1);
	CHECK(c.refused > 0);
	t = dms_pipeline_get_timeout(p);
	CHECK(t >= 0 && t <= 1);
	CHECK_EQ(c.packets, 3);
	c.refuse = false;
	usleep(2000);
	CHECK_EQ(dms_pipeline_get_timeout(p), 0);
	CHECK_EQ(settle(p), 1);
	CHECK_EQ(c.packets, 7);
	CHECK_EQ(dms_pipeline_get_timeout(p), -1);

	dms_pipeline_stop(p);
	CHECK_EQ(readable(ep), 1);
	CHECK_EQ(dms_pipeline_get_timeout(p), 0);
	CHECK_EQ(settle(p), 0);
	dms_pipeline_stats(p, &st);
	CHECK_EQ(st.transfers, 7);
	CHECK_EQ(st.verify.good, 7);
	CHECK_EQ(st.verify_errors, 0);
	CHECK_EQ(st.undelivered, 0);
	CHECK_EQ(fake_source_overruns(r.e), 0);
	dms_pipeline_destroy(p);
	CHECK(!fake_owned(r.e, DMASTREAM_DIR_RX));
	close(ep);
	rig_close(&r);
}

/*
 * A non-blocking pipe as the sink, one that fills: the pipeline waits for
 * it through the outer loop's fd (no deadline, no busy retry), and every
 * byte comes out of the pipe in order once the reader drains it.
 */
static void test_rx_sink_fd_backpressure(void)
{
	enum { SIZE = 4096, PACKETS = 24 };
	static uint8_t got[SIZE * PACKETS];
	struct dms_pipeline_stats st;
	struct dms_verifier *v = NULL;
	struct dms_verify_stats vs;
	struct dms_pipeline *p;
	size_t have = 0;
	int ep, fds[2], i, rounds = 0;
	ssize_t n;
	struct rig r;

	rig_open(&r);
	CHECK_EQ(pipe2(fds, O_NONBLOCK | O_CLOEXEC), 0);
	/* One page: the second packet already finds the pipe full. */
	CHECK(fcntl(fds[1], F_SETPIPE_SZ, 4096) >= 4096);
	p = rx_pipeline(&r, SIZE, 4);
	CHECK_EQ(dms_pipeline_set_sink_fd(p, fds[1]), 0);
	ep = outer_loop(p);
	CHECK_EQ(settle(p), 1);

	for (i = 0; i < PACKETS; i += 4) {
		/* No more packets than RX transfers queued: the device drops nothing. */
		CHECK_EQ(fake_inflight(r.e, DMASTREAM_DIR_RX), 4);
		fake_source_emit(r.e, 4, SIZE, DMS_PATTERN_COUNTER, 5);
		CHECK_EQ(settle(p), 1);
		while (fake_inflight(r.e, DMASTREAM_DIR_RX) < 4) {
			/* Stuck on the full pipe: asleep, until the reader makes room. */
			CHECK_EQ(dms_pipeline_get_timeout(p), -1);
			CHECK_EQ(readable(ep), 0);
			n = read(fds[0], got + have, sizeof(got) - have);
			CHECK(n > 0);
			if (n <= 0)
				break;
			have += (size_t)n;
			CHECK_EQ(readable(ep), 1);
			CHECK_EQ(settle(p), 1);
			CHECK(++rounds < 10000);
		}
	}
	while ((n = read(fds[0], got + have, sizeof(got) - have)) > 0) {
		have += (size_t)n;
		CHECK_EQ(settle(p), 1);
	}
	CHECK_EQ(have, sizeof(got));

	dms_pipeline_stop(p);
	CHECK_EQ(settle(p), 0);
	dms_pipeline_stats(p, &st);
	CHECK_EQ(st.transfers, PACKETS);
	CHECK_EQ(st.undelivered, 0);
	CHECK(st.sink_stalls > 0);
	CHECK_EQ(fake_source_overruns(r.e), 0);
	/* What came out of the pipe: every packet, in order, intact. */
	CHECK_EQ(dms_verifier_create(5, DMS_CHECK_FULL, 0, &v), 0);
	for (i = 0; i < PACKETS; i++)
		dms_verifier_check(v, got + (size_t)i * SIZE, SIZE);
	dms_verifier_finish(v, PACKETS);
	dms_verifier_stats(v, &vs);
	CHECK_EQ(vs.good, PACKETS);
	CHECK_EQ(vs.errors, 0);
	dms_verifier_destroy(v);
	dms_pipeline_destroy(p);
	close(ep);
	close(fds[0]);
	close(fds[1]);
	rig_close(&r);
}

struct stopper {
	struct dms_pipeline *p;
	int delay_ms;
};

static void *stop_later(void *arg)
{
	struct stopper *s = arg;
	struct timespec ts = { .tv_nsec = s->delay_ms * 1000000L };

	nanosleep(&ts, NULL);
	dms_pipeline_stop(s->p);
	return NULL;
}

/* Waiting for data that never comes: a stop from another thread ends the wait. */
static void test_stop_from_thread(void)
{
	struct stopper s = { .delay_ms = 50 };
	struct dms_pipeline_stats st;
	struct collect c = { 0 };
	struct epoll_event ev;
	pthread_t th;
	struct rig r;
	int ep;

	/* In its own step, asleep with no timeout. */
	rig_open(&r);
	s.p = rx_pipeline(&r, 1024, 4);
	CHECK_EQ(dms_pipeline_set_sink(s.p, collect_fn, &c), 0);
	CHECK_EQ(pthread_create(&th, NULL, stop_later, &s), 0);
	CHECK_EQ(dms_pipeline_run(s.p), 0);
	pthread_join(th, NULL);
	dms_pipeline_stats(s.p, &st);
	CHECK_EQ(st.transfers, 0);
	CHECK_EQ(st.aborted, 4);
	dms_pipeline_destroy(s.p);
	CHECK(!fake_owned(r.e, DMASTREAM_DIR_RX));
	rig_close(&r);

	/* In the outer loop, asleep on the fd with no timeout. */
	rig_open(&r);
	s.p = rx_pipeline(&r, 1024, 4);
	CHECK_EQ(dms_pipeline_set_sink(s.p, collect_fn, &c), 0);
	ep = outer_loop(s.p);
	CHECK_EQ(settle(s.p), 1);
	CHECK_EQ(dms_pipeline_get_timeout(s.p), -1);
	CHECK_EQ(pthread_create(&th, NULL, stop_later, &s), 0);
	CHECK_EQ(epoll_wait(ep, &ev, 1, FOREVER_CAP_MS), 1);
	pthread_join(th, NULL);
	CHECK_EQ(settle(s.p), 0);
	dms_pipeline_destroy(s.p);
	CHECK(!fake_owned(r.e, DMASTREAM_DIR_RX));
	close(ep);
	rig_close(&r);
}

int main(void)
{
	/* A missed wakeup must fail the test, not hang it. */
	alarm(60);
	test_loopback_run();
	test_rx_idle_data_and_callback_backpressure();
	test_rx_sink_fd_backpressure();
	test_stop_from_thread();
	return check_report();
}
