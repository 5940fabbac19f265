// SPDX-License-Identifier: MIT
/*
 * How completions are announced: poll() readiness (EPOLLIN while records
 * wait, EPOLLOUT while there is room), an eventfd through epoll (signalled
 * at least once and at most once per completion, and at once when it is
 * registered while a record waits), io_uring's multishot
 * POLL_ADD on the channel fd, the WAIT ioctl, the completion watermark
 * (SET_CONFIG's wake_min), a CQ whose head user space moved the wrong
 * way (records held back, flagged, then delivered in order), EPOLLOUT as
 * an edge, and the wakeup SET_RING gives a poller that found no ring.
 */
#include <liburing.h>
#include <poll.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "dstest.h"

static void memcpy_n(struct tchan *c, int n, uint64_t cookie0)
{
	struct dmastream_seg s[2 * 32];
	struct dmastream_xfer x[32];

	for (int i = 0; i < n; i++) {
		s[2 * i] = (struct dmastream_seg){ .buf = 0, .offset = i * 64, .len = 64 };
		s[2 * i + 1] = (struct dmastream_seg){ .buf = 1, .offset = i * 64, .len = 64 };
		x[i] = (struct dmastream_xfer){ .cookie = cookie0 + i, .seg_first = 2 * i, .nsegs = 1,
						.dst_seg_first = 2 * i + 1, .dst_nsegs = 1 };
	}
	T_ASSERT(t_submit(c, x, n, s, 2 * n, NULL) == n, "memcpy %d", n);
}

static void poll_readiness(struct tchan *c)
{
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN | POLLOUT };
	struct dmastream_cqe cqe;

	T_CHECK(poll(&pfd, 1, 0) == 1 && pfd.revents == POLLOUT, "idle: %#x", pfd.revents);
	memcpy_n(c, 1, 1);
	pfd.events = POLLIN;
	T_CHECK(poll(&pfd, 1, 20000) == 1 && (pfd.revents & POLLIN), "completion: %#x",
		pfd.revents);
	T_CHECK(t_reap(c, &cqe, 1) == 1 && cqe.cookie == 1, "reap");
	T_CHECK(poll(&pfd, 1, 0) == 0, "nothing left: %#x", pfd.revents);

	/* An observer sees nothing but a removed device. */
	{
		int obs = t_open("memcpy", O_RDONLY);
		struct pollfd po = { .fd = obs, .events = POLLIN | POLLOUT };

		T_CHECK(poll(&po, 1, 0) == 0, "observer: %#x", po.revents);
		close(obs);
	}
}

static void eventfd_epoll(struct tchan *c)
{
	struct dmastream_eventfd reg;
	struct epoll_event ev = { .events = EPOLLIN }, out;
	uint64_t signals = 0, v;
	uint32_t got = 0;
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), ep = epoll_create1(EPOLL_CLOEXEC);

	reg = (struct dmastream_eventfd){ .fd = efd };
	T_ASSERT(ioctl(c->fd, DMASTREAM_IOC_SET_EVENTFD, &reg) == 0, "SET_EVENTFD");
	T_ASSERT(epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev) == 0, "epoll_ctl");
	memcpy_n(c, 32, 100);
	while (got < 32) {
		int n = epoll_wait(ep, &out, 1, 20000);

		T_ASSERT(n == 1, "epoll_wait: %d", n);
		if (read(efd, &v, sizeof(v)) == sizeof(v))
			signals += v;
		got += t_reap(c, NULL, 32);
	}
	T_CHECK(signals >= 1 && signals <= 32, "eventfd signalled %llu times for 32",
		(unsigned long long)signals);
	printf("notify: 32 completions, %llu eventfd signals\n", (unsigned long long)signals);
	reg.fd = -1;
	T_CHECK(ioctl(c->fd, DMASTREAM_IOC_SET_EVENTFD, &reg) == 0, "unregister");
	/* A signal for the last burst may land after its records were read. */
	if (read(efd, &v, sizeof(v)) == sizeof(v))
		signals += v;
	memcpy_n(c, 1, 200);
	T_CHECK(t_collect(c, NULL, 1, 20000) == 0, "collect");
	T_CHECK(read(efd, &v, sizeof(v)) < 0 && errno == EAGAIN, "no signal after unregister");

	/* Registered while a record waits: signalled at once. */
	memcpy_n(c, 1, 300);
	{
		struct pollfd pfd = { .fd = c->fd, .events = POLLIN };

		T_ASSERT(poll(&pfd, 1, 20000) == 1, "record for the late eventfd");
	}
	reg.fd = efd;
	T_ASSERT(ioctl(c->fd, DMASTREAM_IOC_SET_EVENTFD, &reg) == 0, "SET_EVENTFD again");
	T_CHECK(read(efd, &v, sizeof(v)) == sizeof(v) && v >= 1,
		"an eventfd registered while a record waited was not signalled");
	T_CHECK(t_reap(c, NULL, 1) == 1, "reap the late eventfd's record");
	reg.fd = -1;
	T_CHECK(ioctl(c->fd, DMASTREAM_IOC_SET_EVENTFD, &reg) == 0, "unregister again");
	close(ep);
	close(efd);
}

static void uring_poll(struct tchan *c)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	uint32_t got = 0;
	int rc;

	rc = io_uring_queue_init(8, &ring, 0);
	T_ASSERT(!rc, "io_uring_queue_init: %d", rc);
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_poll_multishot(sqe, c->fd, POLLIN);
	io_uring_sqe_set_data64(sqe, 42);
	T_ASSERT(io_uring_submit(&ring) == 1, "io_uring_submit");
	memcpy_n(c, 8, 300);
	while (got < 8) {
		struct __kernel_timespec ts = { .tv_sec = 20 };

		rc = io_uring_wait_cqe_timeout(&ring, &cqe, &ts);
		T_ASSERT(!rc, "io_uring wait: %d", rc);
		T_CHECK(cqe->user_data == 42 && (cqe->res & POLLIN), "uring poll res %d", cqe->res);
		T_CHECK(cqe->flags & IORING_CQE_F_MORE, "multishot ended early");
		io_uring_cqe_seen(&ring, cqe);
		got += t_reap(c, NULL, 8);
	}
	io_uring_queue_exit(&ring);
}

static void wait_ioctl(struct tchan *c)
{
	uint32_t avail = 0;
	int rc;

	memcpy_n(c, 16, 400);
	rc = t_wait(c, 16, 20000000000ULL, &avail);
	/* The wait below has no timeout: it may only run with nothing in flight. */
	T_ASSERT(rc == 0 && avail == 16, "wait 16: %d avail %u", rc, avail);
	T_ASSERT(t_reap(c, NULL, 16) == 16, "reap 16");
	/* Nothing in flight: returns at once with nothing (SIGALRM if not). */
	alarm(30);
	rc = t_wait(c, 4, 0, &avail);
	alarm(0);
	T_CHECK(rc == 0 && avail == 0, "wait idle: %d avail %u", rc, avail);
}

static int set_wake_min(struct tchan *c, uint32_t wake_min)
{
	struct dmastream_config cfg = { .timeout_ms = 0, .error_threshold = 8,
					.wake_min = wake_min };

	return ioctl(c->fd, DMASTREAM_IOC_SET_CONFIG, &cfg) ? -errno : 0;
}

/* Send @n tx transfers into the loopback and wait until rx holds @want records. */
static void loop_n(struct tchan *tx, struct tchan *rx, int n, uint32_t want)
{
	for (int i = 0; i < n; i++)
		T_ASSERT(t_submit1(tx, 0, 0, 64, 700 + i) == 1, "tx %d", i);
	T_ASSERT(t_collect(tx, NULL, n, 20000) == 0, "tx done");
	for (int i = 0; i < 2000 && t_pending(rx) < want; i++)
		usleep(10000);
	T_ASSERT(t_pending(rx) == want, "rx records %u, want %u", t_pending(rx), want);
	/* Let a wrong wakeup or eventfd signal land before it is looked for. */
	usleep(50000);
}

struct sleeper {
	struct tchan *c;
	int use_wait;		/* 1: WAIT for one record; 0: poll() for POLLIN */
	int ret;
	uint32_t avail;
	pid_t tid;
	int done;
};

static void *sleeper_main(void *arg)
{
	struct sleeper *s = arg;

	__atomic_store_n(&s->tid, (pid_t)syscall(SYS_gettid), __ATOMIC_RELEASE);
	if (s->use_wait) {
		s->ret = t_wait(s->c, 1, 60000000000ULL, &s->avail);
	} else {
		struct pollfd pfd = { .fd = s->c->fd, .events = POLLIN };

		s->ret = poll(&pfd, 1, 60000);
	}
	__atomic_store_n(&s->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Start a sleeper and return once it sleeps in the kernel (state S). */
static void sleeper_start(pthread_t *t, struct sleeper *s)
{
	char path[64], buf[256], *st;
	int ok = 0;

	T_ASSERT(!pthread_create(t, NULL, sleeper_main, s), "sleeper thread");
	for (int i = 0; i < 2000 && !ok; i++) {
		pid_t tid = __atomic_load_n(&s->tid, __ATOMIC_ACQUIRE);

		usleep(10000);
		if (!tid)
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
		/* The state follows the command's closing parenthesis. */
		if (t_read_file(path, buf, sizeof(buf)) == 0 && (st = strrchr(buf, ')')) &&
		    st[1] == ' ' && st[2] == 'S')
			ok = 1;
	}
	T_ASSERT(ok, "the sleeper never went to sleep");
}

static int rx_readable(struct tchan *rx)
{
	struct pollfd pfd = { .fd = rx->fd, .events = POLLIN };

	return poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN);
}

/* Completions io_uring's multishot POLLIN watch posted so far (each a wakeup). */
static int uring_wakeups(struct io_uring *ring, int *res_bad)
{
	struct io_uring_cqe *cqe;
	int n = 0;

	while (io_uring_peek_cqe(ring, &cqe) == 0) {
		if (!(cqe->res & POLLIN))
			(*res_bad)++;
		io_uring_cqe_seen(ring, cqe);
		n++;
	}
	return n;
}

/*
 * Remove a multishot poll and reap until its last completion: the request
 * holds the channel's file until then, and io_uring's own teardown drops
 * it only later, in a worker, which would leave the channel owned.
 */
static void uring_poll_end(struct io_uring *ring, uint64_t data)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	struct io_uring_cqe *cqe;
	int ended = 0, removed = 0;

	io_uring_prep_poll_remove(sqe, data);
	io_uring_sqe_set_data64(sqe, data + 1);
	T_ASSERT(io_uring_submit(ring) == 1, "poll remove");
	while (!ended || !removed) {
		struct __kernel_timespec ts = { .tv_sec = 20 };

		T_ASSERT(!io_uring_wait_cqe_timeout(ring, &cqe, &ts), "poll removal never ended");
		if (cqe->user_data == data && !(cqe->flags & IORING_CQE_F_MORE))
			ended = 1;
		if (cqe->user_data == data + 1)
			removed = 1;
		io_uring_cqe_seen(ring, cqe);
	}
}

/*
 * wake_min 4 on an rx channel with 6 transfers queued: records below the
 * watermark neither make the fd readable nor signal the eventfd nor wake a
 * sleeping poller nor post an io_uring poll completion (each a wakeup),
 * while WAIT keeps its own min_complete; the fourth record does all of
 * them; lowering the watermark wakes at once; with nothing left in flight
 * fewer do; limits, GET_INFO, and a new owner starts from 0.
 */
static void watermark(void)
{
	struct dmastream_eventfd reg;
	struct dmastream_info info;
	struct sleeper poller, waiter;
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	pthread_t pt, wt;
	struct tchan rx, tx;
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), res_bad = 0, n;
	uint64_t v;

	/* A new owner starts from 0 (checked first: io_uring holds rx below). */
	t_setup(&rx, "rx", 2, 4096, 0);
	T_ASSERT(set_wake_min(&rx, 4) == 0, "SET_CONFIG wake_min 4, first owner");
	t_teardown(&rx);
	t_setup(&rx, "rx", 2, 4096, 0);
	T_CHECK(ioctl(rx.fd, DMASTREAM_IOC_GET_INFO, &info) == 0 && info.wake_min == 0,
		"new owner's wake_min %u", info.wake_min);
	t_teardown(&rx);

	t_setup(&rx, "rx", 6, 4096, 0);
	t_setup(&tx, "tx", 1, 4096, 0);
	T_CHECK(set_wake_min(&rx, DMASTREAM_WAKE_MIN_MAX + 1) == -EINVAL, "wake_min too large");
	T_ASSERT(set_wake_min(&rx, 4) == 0, "SET_CONFIG wake_min 4");
	T_ASSERT(ioctl(rx.fd, DMASTREAM_IOC_GET_INFO, &info) == 0 && info.wake_min == 4,
		 "GET_INFO wake_min %u", info.wake_min);
	reg = (struct dmastream_eventfd){ .fd = efd };
	T_ASSERT(ioctl(rx.fd, DMASTREAM_IOC_SET_EVENTFD, &reg) == 0, "SET_EVENTFD");
	T_ASSERT(!io_uring_queue_init(16, &ring, 0), "io_uring_queue_init");
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_poll_multishot(sqe, rx.fd, POLLIN);
	io_uring_sqe_set_data64(sqe, 77);
	T_ASSERT(io_uring_submit(&ring) == 1, "io_uring_submit");
	for (int i = 0; i < 6; i++)
		T_ASSERT(t_submit1(&rx, i, 0, 4096, 800 + i) == 1, "rx %d", i);

	poller = (struct sleeper){ .c = &rx };
	waiter = (struct sleeper){ .c = &rx, .use_wait = 1 };
	sleeper_start(&pt, &poller);
	sleeper_start(&wt, &waiter);
	loop_n(&tx, &rx, 1, 1);
	pthread_join(wt, NULL);
	T_CHECK(waiter.ret == 0 && waiter.avail == 1, "WAIT for 1 under wake_min 4: %d avail %u",
		waiter.ret, waiter.avail);
	loop_n(&tx, &rx, 2, 3);
	T_CHECK(!rx_readable(&rx), "3 records of 4: readable");
	T_CHECK(read(efd, &v, sizeof(v)) < 0 && errno == EAGAIN, "3 records of 4: eventfd");
	T_CHECK(!__atomic_load_n(&poller.done, __ATOMIC_ACQUIRE), "3 records of 4: poller woken");
	n = uring_wakeups(&ring, &res_bad);
	T_CHECK(n == 0, "3 records of 4: %d io_uring poll completions", n);
	loop_n(&tx, &rx, 1, 4);
	pthread_join(pt, NULL);
	T_CHECK(poller.ret == 1, "poller at the watermark: %d", poller.ret);
	T_CHECK(rx_readable(&rx), "4 records: not readable");
	T_CHECK(read(efd, &v, sizeof(v)) == sizeof(v) && v >= 1, "4 records: no eventfd signal");
	n = uring_wakeups(&ring, &res_bad);
	T_CHECK(n == 1, "4 records: %d io_uring poll completions", n);
	T_CHECK(t_reap(&rx, NULL, 4) == 4, "reap 4");

	/* Lowering the watermark under a sleeping poller wakes it. */
	loop_n(&tx, &rx, 1, 1);
	T_CHECK(!rx_readable(&rx), "1 record, 1 in flight: readable");
	poller = (struct sleeper){ .c = &rx };
	sleeper_start(&pt, &poller);
	T_CHECK(!__atomic_load_n(&poller.done, __ATOMIC_ACQUIRE), "1 record of 4: poller woken");
	T_ASSERT(set_wake_min(&rx, 1) == 0, "SET_CONFIG wake_min 1");
	pthread_join(pt, NULL);
	T_CHECK(poller.ret == 1, "poller after lowering: %d", poller.ret);
	T_CHECK(t_reap(&rx, NULL, 1) == 1, "reap 1");

	/* The last one: nothing in flight, so one record is enough. */
	T_ASSERT(set_wake_min(&rx, 4) == 0, "SET_CONFIG wake_min 4 again");
	while (read(efd, &v, sizeof(v)) == sizeof(v))
		;
	loop_n(&tx, &rx, 1, 1);
	T_CHECK(rx_readable(&rx), "last record, none in flight: not readable");
	T_CHECK(read(efd, &v, sizeof(v)) == sizeof(v), "last record: no eventfd signal");
	T_CHECK(t_reap(&rx, NULL, 1) == 1, "reap last");
	uring_wakeups(&ring, &res_bad);
	T_CHECK(!res_bad, "%d io_uring poll completions without POLLIN", res_bad);
	uring_poll_end(&ring, 77);
	io_uring_queue_exit(&ring);
	t_teardown(&rx);
	t_teardown(&tx);
	close(efd);
}

/*
 * Records held back (a lying head) while another transfer is in flight;
 * head is put right without a poll(): the next completion must post them
 * all and signal the eventfd, with no call on the channel in between.
 */
static void overflow_then_notify(void)
{
	struct dmastream_eventfd reg;
	struct tchan rx, tx;
	uint32_t tail;
	uint64_t v;
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	t_setup(&rx, "rx", 3, 4096, 0);
	t_setup(&tx, "tx", 1, 4096, 0);
	reg = (struct dmastream_eventfd){ .fd = efd };
	T_ASSERT(ioctl(rx.fd, DMASTREAM_IOC_SET_EVENTFD, &reg) == 0, "SET_EVENTFD");
	for (int i = 0; i < 3; i++)
		T_ASSERT(t_submit1(&rx, i, 0, 4096, 900 + i) == 1, "rx %d", i);
	tail = __atomic_load_n(rx.tail, __ATOMIC_ACQUIRE);
	__atomic_store_n(rx.head, tail + 1000, __ATOMIC_RELEASE);
	for (int i = 0; i < 2; i++)
		T_ASSERT(t_submit1(&tx, 0, 0, 100, i) == 1, "tx %d", i);
	T_CHECK(t_collect(&tx, NULL, 2, 20000) == 0, "tx done");
	for (int i = 0; i < 500 && *rx.overflow != 2; i++)
		usleep(10000);
	T_ASSERT(*rx.overflow == 2, "held back: %u", *rx.overflow);
	while (read(efd, &v, sizeof(v)) == sizeof(v))
		;
	v = 0;
	__atomic_store_n(rx.head, tail, __ATOMIC_RELEASE);
	rx.local_head = tail;
	T_ASSERT(t_submit1(&tx, 0, 0, 100, 2) == 1, "tx 2");
	T_CHECK(t_collect(&tx, NULL, 1, 20000) == 0, "tx 2 done");
	/* Both: the count of held-back records is written after the records. */
	for (int i = 0; i < 500 && (__atomic_load_n(rx.tail, __ATOMIC_ACQUIRE) != tail + 3 ||
				    __atomic_load_n(rx.overflow, __ATOMIC_ACQUIRE)); i++)
		usleep(10000);
	T_CHECK(__atomic_load_n(rx.tail, __ATOMIC_ACQUIRE) == tail + 3 && *rx.overflow == 0,
		"records after head was put right: tail +%u, held back %u",
		__atomic_load_n(rx.tail, __ATOMIC_ACQUIRE) - tail, *rx.overflow);
	for (int i = 0; i < 500 && read(efd, &v, sizeof(v)) != sizeof(v); i++)
		usleep(10000);
	T_CHECK(v >= 1, "no eventfd signal once the held-back records were posted");
	T_CHECK(t_reap(&rx, NULL, 8) == 3, "reap 3");
	t_teardown(&rx);
	t_teardown(&tx);
	close(efd);
}

/*
 * User space moved head past tail while transfers were in flight: their
 * records must be held back (not overwrite slots), flagged, then delivered
 * in order once head is right again.
 */
static void overflow(void)
{
	struct dmastream_cqe cqe[8];
	struct dmastream_stats st0, st1;
	struct tchan rx, tx;
	struct pollfd pfd;
	uint32_t tail;

	t_setup(&rx, "rx", 5, 4096, 0);
	t_setup(&tx, "tx", 1, 4096, 0);
	t_stats(rx.fd, &st0);
	for (int i = 0; i < 4; i++)
		T_ASSERT(t_submit1(&rx, i, 0, 4096, 500 + i) == 1, "rx %d", i);
	tail = __atomic_load_n(rx.tail, __ATOMIC_ACQUIRE);
	__atomic_store_n(rx.head, tail + 1000, __ATOMIC_RELEASE);
	/* With such a head there is no room: no new transfer is accepted. */
	T_CHECK(t_submit1(&rx, 4, 0, 16, 9) == -EAGAIN, "submit with a lying head");
	for (int i = 0; i < 4; i++)
		T_ASSERT(t_submit1(&tx, 0, 0, 100, i) == 1, "tx %d", i);
	T_CHECK(t_collect(&tx, NULL, 4, 20000) == 0, "tx done");
	/* The records are held back: the tail does not move over unconsumed slots. */
	for (int i = 0; i < 500; i++) {
		if (*rx.overflow == 4)
			break;
		usleep(10000);
	}
	T_CHECK(__atomic_load_n(rx.tail, __ATOMIC_ACQUIRE) == tail, "tail moved");
	T_CHECK((*rx.cq_flags & DMASTREAM_CQ_OVERFLOW) && *rx.overflow == 4,
		"overflow flags %#x count %u", *rx.cq_flags, *rx.overflow);
	/* Put head right: the next poll delivers them, in order. */
	__atomic_store_n(rx.head, tail, __ATOMIC_RELEASE);
	rx.local_head = tail;
	pfd = (struct pollfd){ .fd = rx.fd, .events = POLLIN };
	T_CHECK(poll(&pfd, 1, 0) == 1, "poll after fixing head");
	T_CHECK(t_reap(&rx, cqe, 8) == 4, "held-back records delivered");
	for (int i = 0; i < 4; i++)
		T_CHECK(cqe[i].cookie == 500u + i && cqe[i].status == DMASTREAM_STATUS_OK &&
			cqe[i].bytes == (t_exact_rx_length() ? 100 : 4096),
			"held-back #%d: cookie %llu bytes %u", i,
			(unsigned long long)cqe[i].cookie, cqe[i].bytes);
	T_CHECK(!(*rx.cq_flags & DMASTREAM_CQ_OVERFLOW) && *rx.overflow == 0, "overflow cleared");
	t_stats(rx.fd, &st1);
	T_CHECK(st1.cq_overflows - st0.cq_overflows == 4, "cq_overflows %llu",
		(unsigned long long)(st1.cq_overflows - st0.cq_overflows));
	t_teardown(&rx);
	t_teardown(&tx);
}

#define SEG_BUDGET	"/sys/module/dmastream/parameters/inflight_segs_max"
#define EDGE_BUDGET	512
#define EDGE_SEG	64
#define EDGE_BUFS	(EDGE_BUDGET * EDGE_SEG / 4096)

static char seg_budget_old[32];

/* Also after a failed assertion: later test programs need the default budget. */
static void seg_budget_restore(void)
{
	if (seg_budget_old[0] && t_write_file(SEG_BUDGET, seg_budget_old))
		fprintf(stderr, "could not restore inflight_segs_max to %s\n", seg_budget_old);
}

/* EPOLLOUT events an edge-triggered epoll on the channel reported within @ms. */
static int epollout_events(int ep, int ms)
{
	struct epoll_event out[4];
	int n, events = 0;

	while ((n = epoll_wait(ep, out, 4, ms)) > 0) {
		for (int i = 0; i < n; i++)
			events += !!(out[i].events & EPOLLOUT);
		ms = 0;
	}
	return events;
}

/* @n tx packets into the loopback; returns once rx holds @want records. */
static void rx_complete(struct tchan *tx, struct tchan *rx, int n, uint32_t want)
{
	for (int i = 0; i < n; i++) {
		T_ASSERT(t_submit1(tx, 0, 0, EDGE_SEG, 800 + i) == 1, "tx %d", i);
		T_ASSERT(t_collect(tx, NULL, 1, 20000) == 0, "tx %d done", i);
	}
	for (int i = 0; i < 2000 && t_pending(rx) < want; i++)
		usleep(10000);
	T_ASSERT(t_pending(rx) == want, "rx records %u, want %u", t_pending(rx), want);
}

/* Submit rx transfers @from..@to-1 of @x; all must be accepted. */
static void rx_fill(struct tchan *rx, const struct dmastream_xfer *x,
		    const struct dmastream_seg *s, uint32_t from, uint32_t to)
{
	uint32_t total = from;
	int rc = 0;

	while (total < to) {
		rc = t_submit(rx, x + total, to - total, s, EDGE_BUDGET, NULL);
		if (rc <= 0)
			break;
		total += rc;
	}
	T_ASSERT(total == to, "accepted %u of transfers %u-%u: %d", total - from, from, to - 1,
		 rc);
}

/*
 * EPOLLOUT is an edge. An rx channel made unwritable by SUBMIT alone
 * (transfers in flight hold all but fewer than max_segs of the segment
 * budget, inflight_segs_max) and never polled since reports EPOLLOUT to
 * an edge-triggered epoll at the first completion, which makes room.
 * Filled to the whole budget, it reports EPOLLOUT exactly once, at the
 * completion that leaves room for max_segs, and not again for the
 * completions after it, which leave it writable.
 */
static void epollout_edges(void)
{
	struct epoll_event ev = { .events = EPOLLOUT | EPOLLET };
	/* The last segment lies in a buffer of its own, never in flight. */
	struct dmastream_seg s[EDGE_BUDGET + 1];
	struct dmastream_xfer x[EDGE_BUDGET + 1];
	uint32_t room, done = 0;
	struct tchan rx, tx;
	int ep;

	T_ASSERT(t_read_file(SEG_BUDGET, seg_budget_old, sizeof(seg_budget_old)) == 0,
		 "read inflight_segs_max");
	atexit(seg_budget_restore);
	T_ASSERT(t_write_file(SEG_BUDGET, "512") == 0, "inflight_segs_max = 512");
	t_setup(&rx, "rx", EDGE_BUFS + 1, 4096, 1024);
	t_setup(&tx, "tx", 1, 4096, 0);
	room = rx.caps.max_segs;
	T_ASSERT(room >= 1 && room < EDGE_BUDGET, "rx max_segs %u", room);
	for (uint32_t i = 0; i <= EDGE_BUDGET; i++) {
		s[i] = (struct dmastream_seg){ .buf = i * EDGE_SEG / 4096,
					       .offset = i * EDGE_SEG % 4096, .len = EDGE_SEG };
		x[i] = (struct dmastream_xfer){ .cookie = i, .seg_first = i, .nsegs = 1 };
	}
	ep = epoll_create1(EPOLL_CLOEXEC);
	T_ASSERT(epoll_ctl(ep, EPOLL_CTL_ADD, rx.fd, &ev) == 0, "epoll_ctl");
	T_CHECK(epollout_events(ep, 0) == 1, "an idle channel is writable");

	/* One segment too many for max_segs more; the next completion frees it. */
	rx_fill(&rx, x, s, 0, EDGE_BUDGET - room + 1);
	T_CHECK(epollout_events(ep, 0) == 0, "EPOLLOUT with no room for max_segs");
	rx_complete(&tx, &rx, 1, ++done);
	T_CHECK(epollout_events(ep, 20000) == 1,
		"no EPOLLOUT when the first completion made room after SUBMIT filled it");

	/* The whole budget: EAGAIN, then room only after max_segs completions. */
	rx_fill(&rx, x, s, EDGE_BUDGET - room + 1, EDGE_BUDGET);
	rx_fill(&rx, x, s, 0, done);
	T_CHECK(t_submit(&rx, &x[EDGE_BUDGET], 1, s, EDGE_BUDGET + 1, NULL) == -EAGAIN,
		"past the budget");
	done += room - 1;
	rx_complete(&tx, &rx, room - 1, done);
	T_CHECK(epollout_events(ep, 100) == 0, "EPOLLOUT with %u segments in flight",
		EDGE_BUDGET - (room - 1));
	rx_complete(&tx, &rx, 1, ++done);
	T_CHECK(epollout_events(ep, 20000) == 1, "no EPOLLOUT once %u segments are free", room);
	/* Still writable after each of these: no new edge, no wakeup. */
	done += 8;
	rx_complete(&tx, &rx, 8, done);
	T_CHECK(epollout_events(ep, 300) == 0, "EPOLLOUT again while it stayed writable");
	T_CHECK(t_reap(&rx, NULL, EDGE_BUDGET) == done, "reap");

	close(ep);
	t_teardown(&tx);
	t_teardown(&rx);
	T_CHECK(t_write_file(SEG_BUDGET, seg_budget_old) == 0, "restore inflight_segs_max");
	seg_budget_old[0] = 0;
}

/*
 * SET_RING wakes pollers: an edge-triggered epoll registered on a file
 * that had no ring (nothing to report, so epoll never queued it) learns of
 * EPOLLOUT when the ring arrives, without being asked again.
 */
static void set_ring_wakes(void)
{
	struct dmastream_ring ring = { .count = 1, .size = 4096, .flags = t_ring_flags() };
	struct epoll_event ev = { .events = EPOLLOUT | EPOLLET }, out = { 0 };
	int fd, ep, n;

	fd = t_open("memcpy", O_RDWR);
	ep = epoll_create1(EPOLL_CLOEXEC);
	T_ASSERT(ep >= 0 && epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0, "epoll: %s",
		 strerror(errno));
	T_CHECK(epoll_wait(ep, &out, 1, 0) == 0, "events without a ring: %#x", out.events);
	T_ASSERT(ioctl(fd, DMASTREAM_IOC_SET_RING, &ring) == 0, "SET_RING: %s", strerror(errno));
	n = epoll_wait(ep, &out, 1, 20000);
	T_CHECK(n == 1 && (out.events & EPOLLOUT), "after SET_RING: %d events, %#x", n,
		n == 1 ? out.events : 0);
	close(ep);
	close(fd);
}

int main(void)
{
	struct tchan c;

	t_start("notify");
	/*
	 * First: uring_poll() leaves the memcpy channel owned until io_uring
	 * drops its poll request (see uring_poll_end()).
	 */
	set_ring_wakes();
	t_setup(&c, "memcpy", 2, 8192, 64);
	ioctl(c.fd, DMASTREAM_IOC_RESET_STATS);
	poll_readiness(&c);
	eventfd_epoll(&c);
	uring_poll(&c);
	wait_ioctl(&c);
	t_teardown(&c);
	overflow();
	overflow_then_notify();
	watermark();
	epollout_edges();
	return t_report();
}
