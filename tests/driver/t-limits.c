// SPDX-License-Identifier: MIT
/*
 * SUBMIT at its documented maxima, from a caller that means harm: the
 * cost of a call must follow its own input, not what the channel already
 * holds, and interrupts must never stay off for long (the harness fails
 * the run on a soft lockup or an RCU stall). Before the reservation
 * trees, the first of these batches kept a CPU busy with interrupts off
 * for about a minute. Also: the in-flight segment budget
 * (inflight_segs_max) and the overlap checks at their edges, and the
 * budget of all rings together (total_ring_bytes_max).
 */
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <unistd.h>

#include "dstest.h"

#define SHARED_SEGS	128
#define BATCH		1024
#define SEG_BUDGET	"/sys/module/dmastream/parameters/inflight_segs_max"

/* One SUBMIT; how long it took goes to the log (never asserted). */
static int timed_submit(struct tchan *c, const struct dmastream_xfer *x, uint32_t nx,
			const struct dmastream_seg *s, uint32_t ns, const char *what)
{
	uint64_t t0 = t_now_ns();
	uint32_t bad;
	int rc = t_submit(c, x, nx, s, ns, &bad);

	printf("# %s: %d in %.3f s\n", what, rc, (t_now_ns() - t0) / 1e9);
	return rc;
}

/* What poll() says of submitting now: POLLOUT, or 0, or -errno. */
static int writable(struct tchan *c)
{
	struct pollfd pfd = { .fd = c->fd, .events = POLLOUT };
	int rc = poll(&pfd, 1, 0);

	if (rc < 0)
		return -errno;
	return pfd.revents & POLLOUT;
}

/*
 * TX transfers only read, so they may all share the same bytes: 1024
 * transfers of the same 128 segments, twice, against an engine that moves
 * nothing. Each segment is checked against every range in flight on its
 * buffer, so the second batch meets 131072 ranges.
 */
static void test_shared_tx_batches(void)
{
	static struct dmastream_xfer x[BATCH];
	struct dmastream_seg s[SHARED_SEGS];
	long long budget = t_read_num(SEG_BUDGET);
	struct dmastream_stats st;
	struct tchan c;
	int rc;

	T_CHECK(budget == 2 * BATCH * SHARED_SEGS, "default inflight_segs_max %lld", budget);
	T_CHECK(t_sim_set("tx", "stall", "1") == 0, "stall tx");
	t_setup(&c, "tx", SHARED_SEGS, 4096, 4096);
	for (uint32_t i = 0; i < SHARED_SEGS; i++)
		s[i] = (struct dmastream_seg){ .buf = i, .offset = 0, .len = 4096 };
	for (uint32_t i = 0; i < BATCH; i++)
		x[i] = (struct dmastream_xfer){ .cookie = i, .nsegs = SHARED_SEGS };

	rc = timed_submit(&c, x, BATCH, s, SHARED_SEGS, "first batch");
	T_CHECK(rc == BATCH, "first batch of %d shared-segment transfers: %d", BATCH, rc);
	rc = timed_submit(&c, x, BATCH, s, SHARED_SEGS, "second batch");
	T_CHECK(rc == BATCH, "second batch: %d", rc);
	/* 262144 segments in flight: the budget is spent, the queue is not. */
	rc = timed_submit(&c, x, 1, s, SHARED_SEGS, "over the segment budget");
	T_CHECK(rc == -EAGAIN, "a transfer over the segment budget: %d", rc);
	/* The queue has room, the budget has none: not writable, or pollers spin. */
	rc = writable(&c);
	T_CHECK(rc == 0, "POLLOUT with the segment budget spent: %d", rc);
	T_CHECK(t_stats(c.fd, &st) == 0 && st.inflight == 2 * BATCH, "in flight %llu",
		(unsigned long long)st.inflight);

	/* ABORT ends them all, and the budget is whole again. */
	T_CHECK(ioctl(c.fd, DMASTREAM_IOC_ABORT) == 0, "abort: %s", strerror(errno));
	T_CHECK(t_sim_set("tx", "stall", "0") == 0, "unstall tx");
	{
		static struct dmastream_cqe cqe[2 * BATCH];

		rc = t_collect(&c, cqe, 2 * BATCH, 60000);
		T_CHECK(rc == 0, "all %d records after abort: %d", 2 * BATCH, rc);
	}
	rc = timed_submit(&c, x, BATCH, s, SHARED_SEGS, "after abort");
	T_CHECK(rc == BATCH, "a full batch after abort: %d", rc);
	T_CHECK(ioctl(c.fd, DMASTREAM_IOC_ABORT) == 0, "abort again: %s", strerror(errno));
	t_teardown(&c);
}

/*
 * The budget is read at each SUBMIT: lowered to its minimum, 512, it holds
 * 512 / max_segs transfers of max_segs segments, and the next one gets
 * EAGAIN (one always fits on an idle channel).
 */
static void test_budget_minimum(void)
{
	struct dmastream_xfer x;
	struct dmastream_seg *s;
	uint32_t n, bad, fitted = 0;
	struct tchan c;
	char old[32];
	int rc = 0;

	T_CHECK(t_read_file(SEG_BUDGET, old, sizeof(old)) == 0, "read inflight_segs_max");
	T_CHECK(t_write_file(SEG_BUDGET, "511") == -EINVAL, "inflight_segs_max below 512");
	T_CHECK(t_write_file(SEG_BUDGET, "512") == 0, "inflight_segs_max = 512");
	T_CHECK(t_sim_set("tx", "stall", "1") == 0, "stall tx");
	t_setup(&c, "tx", 4, 4096, 1024);
	n = c.caps.max_segs;
	s = calloc(n, sizeof(*s));
	T_CHECK(s != NULL, "calloc");
	for (uint32_t i = 0; i < n; i++)
		s[i] = (struct dmastream_seg){ .buf = i % 4, .offset = 0, .len = 64 };
	x = (struct dmastream_xfer){ .nsegs = n };
	while (fitted <= 512) {
		x.cookie = fitted;
		rc = t_submit(&c, &x, 1, s, n, &bad);
		if (rc != 1)
			break;
		fitted++;
	}
	T_CHECK(rc == -EAGAIN, "past the budget: %d", rc);
	T_CHECK(fitted == 512 / n, "%u transfers of %u segments in a budget of 512", fitted, n);
	rc = writable(&c);
	T_CHECK(rc == 0, "POLLOUT with no room for a transfer of max_segs: %d", rc);
	T_CHECK(ioctl(c.fd, DMASTREAM_IOC_ABORT) == 0, "abort: %s", strerror(errno));
	{
		struct dmastream_cqe cqe[512];

		rc = t_collect(&c, cqe, fitted, 60000);
		T_CHECK(rc == 0, "the %u records after abort: %d", fitted, rc);
	}
	/* The budget is whole again: writable at once. */
	rc = writable(&c);
	T_CHECK(rc == POLLOUT, "POLLOUT after abort: %d", rc);
	T_CHECK(t_sim_set("tx", "stall", "0") == 0, "unstall tx");
	t_teardown(&c);
	free(s);
	T_CHECK(t_write_file(SEG_BUDGET, old) == 0, "inflight_segs_max restored");
}

/*
 * Overlaps within one memcpy transfer of max_segs on each side, the case
 * that used to cost n^2 comparisons: disjoint is accepted; an overlap
 * between the last destination range and the first source range, or two
 * destination ranges, is refused; two source ranges may overlap.
 */
static void test_memcpy_overlaps(void)
{
	struct dmastream_xfer x = { .cookie = 1 };
	struct dmastream_cqe cqe;
	struct dmastream_seg *s;
	struct tchan c;
	uint32_t n, bad;
	int rc;

	t_setup(&c, "memcpy", 2, 1 << 20, 8);
	n = c.caps.max_segs;
	s = calloc(2 * n, sizeof(*s));
	T_CHECK(s != NULL, "calloc");
	for (uint32_t i = 0; i < n; i++) {
		s[i] = (struct dmastream_seg){ .buf = 0, .offset = i * 1024, .len = 1024 };
		s[n + i] = (struct dmastream_seg){ .buf = 1, .offset = (n - 1 - i) * 1024,
						   .len = 1024 };
	}
	x.nsegs = n;
	x.dst_seg_first = n;
	x.dst_nsegs = n;
	rc = t_submit(&c, &x, 1, s, 2 * n, &bad);
	T_CHECK(rc == 1, "disjoint %u + %u segments: %d", n, n, rc);
	T_CHECK(t_collect(&c, &cqe, 1, 20000) == 0 && cqe.status == DMASTREAM_STATUS_OK,
		"disjoint copy completes");

	/* The last destination range lands on the first source range. */
	s[2 * n - 1] = (struct dmastream_seg){ .buf = 0, .offset = 512, .len = 1024 };
	rc = t_submit(&c, &x, 1, s, 2 * n, &bad);
	T_CHECK(rc == -EINVAL && bad == 0, "destination over source: %d", rc);

	/* Two destination ranges overlap by one byte: [1, 1025) and [1024, 2048). */
	s[2 * n - 1] = (struct dmastream_seg){ .buf = 1, .offset = 1, .len = 1024 };
	rc = t_submit(&c, &x, 1, s, 2 * n, &bad);
	T_CHECK(rc == -EINVAL, "destination ranges overlapping by a byte: %d", rc);

	/* Two source ranges may overlap; the destinations are disjoint again. */
	for (uint32_t i = 0; i < n; i++)
		s[n + i] = (struct dmastream_seg){ .buf = 1, .offset = i * 1024, .len = 1024 };
	s[1] = s[0];
	rc = t_submit(&c, &x, 1, s, 2 * n, &bad);
	T_CHECK(rc == 1, "sources sharing bytes: %d", rc);
	T_CHECK(t_collect(&c, &cqe, 1, 20000) == 0 && cqe.status == DMASTREAM_STATUS_OK,
		"copy with shared sources completes");
	t_teardown(&c);
	free(s);
}

/*
 * Conflicts against ranges in flight, at the edges the interval trees must
 * get right: a TX read in flight, then RX writes just before, just after,
 * inside and around it.
 */
static void test_inflight_edges(void)
{
	struct tchan tx, rx;
	int rc;

	/*
	 * Neither engine moves: whatever the FIFO holds, every range stays in
	 * flight. rx is stalled after its SET_RING, whose stream flush ends
	 * in a terminate, which clears the stall (dmasim's channel reset).
	 */
	T_CHECK(t_sim_set("tx", "stall", "1") == 0, "stall tx");
	t_setup(&tx, "tx", 2, 8192, 8);
	t_setup(&rx, "rx", 2, 8192, 16);
	T_CHECK(t_sim_set("rx", "stall", "1") == 0, "stall rx");
	/* The two rings are separate memory: no conflict between channels. */
	rc = t_submit1(&tx, 0, 1000, 1000, 1);
	T_CHECK(rc == 1, "tx in flight: %d", rc);
	rc = t_submit1(&rx, 0, 1000, 1000, 2);
	T_CHECK(rc == 1, "rx on its own ring's same offsets: %d", rc);
	/* Within the RX ring: written ranges against the one in flight. */
	rc = t_submit1(&rx, 0, 0, 1000, 3);
	T_CHECK(rc == 1, "rx ending where it starts: %d", rc);
	rc = t_submit1(&rx, 0, 2000, 1000, 4);
	T_CHECK(rc == 1, "rx starting where it ends: %d", rc);
	rc = t_submit1(&rx, 0, 1999, 2, 5);
	T_CHECK(rc == -EBUSY, "rx over its last byte: %d", rc);
	rc = t_submit1(&rx, 0, 999, 2, 6);
	T_CHECK(rc == -EBUSY, "rx over its first byte: %d", rc);
	rc = t_submit1(&rx, 0, 1500, 8, 7);
	T_CHECK(rc == -EBUSY, "rx inside it: %d", rc);
	rc = t_submit1(&rx, 0, 500, 4000, 8);
	T_CHECK(rc == -EBUSY, "rx around all three: %d", rc);
	rc = t_submit1(&rx, 1, 1000, 1000, 9);
	T_CHECK(rc == 1, "rx into another buffer: %d", rc);
	T_CHECK(ioctl(rx.fd, DMASTREAM_IOC_ABORT) == 0, "abort rx");
	T_CHECK(ioctl(tx.fd, DMASTREAM_IOC_ABORT) == 0, "abort tx");
	T_CHECK(t_sim_set("tx", "stall", "0") == 0, "unstall tx");
	T_CHECK(t_sim_set("rx", "stall", "0") == 0, "unstall rx");
	t_teardown(&rx);
	t_teardown(&tx);
}

#define TOTAL_RINGS	"/sys/module/dmastream/parameters/total_ring_bytes_max"

/* Times @what occurs in the kernel log. */
static int klog_count(const char *what)
{
	static char log[1 << 20];
	int n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, log, sizeof(log) - 1);
	int count = 0;

	T_ASSERT(n >= 0, "read the kernel log: %s", strerror(errno));
	log[n] = 0;
	for (const char *p = log; (p = strstr(p, what)); p += strlen(what))
		count++;
	return count;
}

static int set_ring(int fd, uint32_t count, uint32_t size)
{
	struct dmastream_ring r = { .count = count, .size = size };

	return ioctl(fd, DMASTREAM_IOC_SET_RING, &r) ? -errno : 0;
}

/*
 * All rings together may hold total_ring_bytes_max: a SET_RING beyond it
 * gets EDQUOT (said once per channel in the log, however often it is
 * tried), and the budget comes back when a ring is freed.
 */
static void test_total_ring_budget(void)
{
	const char *msg = T_DEV ".tx: SET_RING of 2 x 1048576 bytes refused: above module "
			  "parameter total_ring_bytes_max (1048576)";
	char old[32];
	int tx, rx, mc;

	T_ASSERT(t_read_file(TOTAL_RINGS, old, sizeof(old)) == 0, "read total_ring_bytes_max");
	T_ASSERT(t_write_file(TOTAL_RINGS, "1048576") == 0, "total_ring_bytes_max = 1 MiB");
	tx = t_open("tx", O_RDWR);
	rx = t_open("rx", O_RDWR);
	mc = t_open("memcpy", O_RDWR);
	T_CHECK(set_ring(tx, 2, 1 << 20) == -EDQUOT, "2 MiB of rings under a 1 MiB budget");
	T_CHECK(set_ring(tx, 2, 1 << 20) == -EDQUOT, "and again");
	T_CHECK(klog_count(msg) == 1, "the reason logged once: %d times", klog_count(msg));
	T_CHECK(set_ring(tx, 1, 512 << 10) == 0, "512 KiB on tx");
	T_CHECK(set_ring(rx, 2, 256 << 10) == 0, "512 KiB on rx: the budget is full");
	T_CHECK(set_ring(mc, 1, 4096) == -EDQUOT, "one page more");
	close(tx);
	T_CHECK(set_ring(mc, 1, 4096) == 0, "tx's ring freed: room again");
	close(rx);
	close(mc);
	T_CHECK(t_write_file(TOTAL_RINGS, old) == 0, "restore total_ring_bytes_max");
}

int main(void)
{
	t_start("limits");
	test_shared_tx_batches();
	test_budget_minimum();
	test_memcpy_overlaps();
	test_inflight_edges();
	test_total_ring_budget();
	return t_report();
}
