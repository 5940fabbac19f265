// SPDX-License-Identifier: MIT
/*
 * The io_uring integration with a real io_uring: a multishot poll and an
 * eventfd read each report completions posted by the (fake) driver, the
 * CQ is drained after the CQE, cancellation ends the watch, and errors on
 * the channel fd come back as -ENODEV/-EIO.
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "fake-engine.h"
#include "libdmastream-uring.h"

/* Make the RX channel complete one transfer with cookie @cookie. */
static void one_completion(struct dms_channel *tx, struct dms_channel *rx, uint64_t cookie)
{
	CHECK_EQ(dms_submit_buf(rx, cookie, 0, 0, 256), 0);
	CHECK_EQ(dms_submit_buf(tx, 0, 0, 0, 256), 0);
	CHECK_EQ(dms_cq_ready(rx), 1);
}

/* Wait for the watch's CQE, hand it over, drain the channel's CQ. */
static int serve_once(struct io_uring *ring, struct dms_uring_watch *w, struct dms_channel *ch,
		      uint64_t *cookie, uint32_t *flags)
{
	struct io_uring_cqe *cqe;
	struct dmastream_cqe out[8];
	uint32_t n;
	int ret;

	CHECK(io_uring_submit_and_wait(ring, 1) >= 0);
	CHECK_EQ(io_uring_wait_cqe(ring, &cqe), 0);
	CHECK(dms_uring_watch_owns(w, cqe));
	*flags = cqe->flags;
	ret = dms_uring_watch_handle(ring, w, cqe);
	io_uring_cqe_seen(ring, cqe);
	if (ret)
		return ret;
	n = dms_reap(ch, out, 8);
	CHECK_EQ(n, 1);
	if (n)
		*cookie = out[0].cookie;
	return 0;
}

static void cancel_watch(struct io_uring *ring, struct dms_uring_watch *w)
{
	struct io_uring_cqe *cqe;
	int seen_watch = 0, seen_cancel = 0, i;

	CHECK_EQ(dms_uring_watch_cancel(ring, w), 0);
	CHECK(io_uring_submit(ring) >= 1);
	for (i = 0; i < 2; i++) {
		CHECK_EQ(io_uring_wait_cqe(ring, &cqe), 0);
		if (dms_uring_watch_owns(w, cqe)) {
			CHECK_EQ(dms_uring_watch_handle(ring, w, cqe), -ECANCELED);
			seen_watch++;
		} else {
			seen_cancel++;
		}
		io_uring_cqe_seen(ring, cqe);
	}
	CHECK_EQ(seen_watch, 1);
	CHECK_EQ(seen_cancel, 1);
	CHECK_EQ(w->armed, 0);
}

static void test_mode(enum dms_uring_mode mode)
{
	struct fake_engine *e = fake_engine_new();
	struct dms_channel *tx, *rx;
	struct dms_uring_watch w;
	struct io_uring ring;
	uint64_t cookie = 0;
	uint32_t flags = 0;
	int i;

	CHECK_EQ(io_uring_queue_init(8, &ring, 0), 0);
	CHECK_EQ(fake_open(e, DMASTREAM_DIR_TX, &tx), 0);
	CHECK_EQ(fake_open(e, DMASTREAM_DIR_RX, &rx), 0);
	CHECK_EQ(dms_ring_setup(tx, 1, 4096, 0), 0);
	CHECK_EQ(dms_ring_setup(rx, 4, 4096, 0), 0);

	CHECK_EQ(dms_uring_watch_init(&w, rx, mode), 0);
	CHECK_EQ(dms_uring_watch_arm(&ring, &w), 0);
	CHECK_EQ(io_uring_submit(&ring), 1);
	for (i = 0; i < 3; i++) {
		one_completion(tx, rx, 100 + (uint64_t)i);
		CHECK_EQ(serve_once(&ring, &w, rx, &cookie, &flags), 0);
		CHECK_EQ(cookie, 100 + (uint64_t)i);
		/* A multishot poll stays armed; a read is re-armed by the handler. */
		if (mode == DMS_URING_POLL)
			CHECK(flags & IORING_CQE_F_MORE);
		CHECK_EQ(w.armed, 1);
	}
	cancel_watch(&ring, &w);
	dms_uring_watch_release(&w);
	CHECK_EQ(w.efd, -1);

	io_uring_queue_exit(&ring);
	dms_channel_close(tx);
	dms_channel_close(rx);
	fake_engine_free(e);
}

static void test_poll_errors(void)
{
	struct dms_uring_watch w = { .mode = DMS_URING_POLL, .armed = 1 };
	struct io_uring_cqe cqe = { 0 };
	struct io_uring ring;

	CHECK_EQ(io_uring_queue_init(2, &ring, 0), 0);
	cqe.flags = IORING_CQE_F_MORE;
	cqe.res = POLLIN | POLLHUP | POLLERR;
	CHECK_EQ(dms_uring_watch_handle(&ring, &w, &cqe), -ENODEV);
	cqe.res = POLLERR;
	CHECK_EQ(dms_uring_watch_handle(&ring, &w, &cqe), -EIO);
	cqe.res = -EBADF;
	cqe.flags = 0;
	CHECK_EQ(dms_uring_watch_handle(&ring, &w, &cqe), -EBADF);
	CHECK_EQ(w.armed, 0);
	CHECK_EQ(dms_uring_watch_init(&w, NULL, 7), -EINVAL);
	io_uring_queue_exit(&ring);
}

/*
 * Kernels built without io_uring, or with it switched off
 * (kernel.io_uring_disabled, 6.6 and later), seccomp profiles and some
 * containers refuse io_uring_setup(): then there is nothing here to test.
 */
static bool uring_available(void)
{
	struct io_uring ring;
	int ret = io_uring_queue_init(2, &ring, 0);

	if (ret == -ENOSYS || ret == -EPERM || ret == -EACCES) {
		printf("SKIP: io_uring is not available here: %s\n", strerror(-ret));
		return false;
	}
	if (ret == 0)
		io_uring_queue_exit(&ring);
	return true;	/* any other failure shows in the tests */
}

int main(void)
{
	if (!uring_available())
		return 77;
	test_mode(DMS_URING_POLL);
	test_mode(DMS_URING_EVENTFD);
	test_poll_errors();
	return check_report();
}
