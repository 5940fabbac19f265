// SPDX-License-Identifier: MIT
/*
 * Engine errors, injected with dmasim's debugfs faults: a failing transfer
 * completes with the engine's error kind while the stream goes on; an
 * engine that stays in error puts the channel, after error_threshold
 * consecutive errors, in the sticky error state (EIO, EPOLLERR,
 * DMASTREAM_CQ_ERROR) until DMASTREAM_IOC_RESET; a truncated packet
 * completes short with the right byte count.
 */
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "dstest.h"

#define N	12

static void memcpy_batch(struct tchan *c, int n, uint64_t cookie0)
{
	struct dmastream_seg s[2 * N];
	struct dmastream_xfer x[N];

	for (int i = 0; i < n; i++) {
		s[2 * i] = (struct dmastream_seg){ .buf = 0, .offset = i * 256, .len = 256 };
		s[2 * i + 1] = (struct dmastream_seg){ .buf = 1, .offset = i * 256, .len = 256 };
		x[i] = (struct dmastream_xfer){ .cookie = cookie0 + i, .seg_first = 2 * i, .nsegs = 1,
						.dst_seg_first = 2 * i + 1, .dst_nsegs = 1 };
	}
	T_ASSERT(t_submit(c, x, n, s, 2 * n, NULL) == n, "memcpy batch of %d", n);
}

static void nth_fails(void)
{
	struct dmastream_cqe cqe[N];
	struct dmastream_stats st0, st1;
	struct tchan c;
	int rc;

	t_setup(&c, "memcpy", 2, 4096, 0);
	t_fill(c.bufs[0], 4096, 3);
	t_stats(c.fd, &st0);
	/* The 4th descriptor from now fails reading, the 9th writing. */
	T_ASSERT(t_sim_set("memcpy", "fail_kind", "read") == 0, "fail_kind");
	T_ASSERT(t_sim_set("memcpy", "fail_nth", "4") == 0, "fail_nth");
	memcpy_batch(&c, 6, 0);
	rc = t_collect(&c, cqe, 6, 20000);
	T_ASSERT(!rc, "collect: %d", rc);
	T_ASSERT(t_sim_set("memcpy", "fail_kind", "write") == 0, "fail_kind write");
	T_ASSERT(t_sim_set("memcpy", "fail_nth", "3") == 0, "fail_nth 3");
	memcpy_batch(&c, 6, 6);
	rc = t_collect(&c, cqe + 6, 6, 20000);
	T_ASSERT(!rc, "collect: %d", rc);
	for (int i = 0; i < 12; i++) {
		uint32_t want = i == 3 ? DMASTREAM_STATUS_READ_ERROR :
				i == 8 ? DMASTREAM_STATUS_WRITE_ERROR : DMASTREAM_STATUS_OK;

		T_CHECK(cqe[i].status == want && cqe[i].cookie == (uint64_t)i,
			"transfer %d: status %u, expected %u", i, cqe[i].status, want);
		if (want == DMASTREAM_STATUS_OK)
			T_CHECK(cqe[i].bytes == 256 &&
				!memcmp(c.bufs[1] + (i % 6) * 256, c.bufs[0] + (i % 6) * 256, 256),
				"transfer %d: bytes %u or data wrong", i, cqe[i].bytes);
	}
	t_stats(c.fd, &st1);
	T_CHECK(st1.read_errors - st0.read_errors == 1 && st1.write_errors - st0.write_errors == 1,
		"error counters %llu %llu", (unsigned long long)(st1.read_errors - st0.read_errors),
		(unsigned long long)(st1.write_errors - st0.write_errors));
	{
		struct dmastream_info info;

		ioctl(c.fd, DMASTREAM_IOC_GET_INFO, &info);
		T_CHECK(info.state == DMASTREAM_STATE_READY, "still running: state %u", info.state);
	}
	t_teardown(&c);
}

/*
 * A memcpy in two pieces (two source segments) whose first piece fails:
 * the transfer reports the error, and counts only what the other moved.
 */
static void piece_fails(void)
{
	struct dmastream_seg s[3] = {
		{ .buf = 0, .offset = 0, .len = 1024 },
		{ .buf = 0, .offset = 2048, .len = 1024 },
		{ .buf = 1, .offset = 0, .len = 2048 },
	};
	struct dmastream_xfer x = { .cookie = 5, .nsegs = 2, .dst_seg_first = 2, .dst_nsegs = 1 };
	struct dmastream_cqe cqe;
	struct tchan c;

	t_setup(&c, "memcpy", 2, 4096, 0);
	T_ASSERT(t_sim_set("memcpy", "fail_kind", "read") == 0, "fail_kind");
	T_ASSERT(t_sim_set("memcpy", "fail_nth", "1") == 0, "fail_nth 1");
	T_ASSERT(t_submit(&c, &x, 1, s, 3, NULL) == 1, "two-piece memcpy");
	T_CHECK(t_collect(&c, &cqe, 1, 20000) == 0 && cqe.status == DMASTREAM_STATUS_READ_ERROR &&
		cqe.bytes <= 1024, "failed first piece: status %u bytes %u", cqe.status, cqe.bytes);
	/* And a healthy one afterwards, complete. */
	T_ASSERT(t_submit(&c, &x, 1, s, 3, NULL) == 1, "two-piece memcpy again");
	T_CHECK(t_collect(&c, &cqe, 1, 20000) == 0 && cqe.status == DMASTREAM_STATUS_OK &&
		cqe.bytes == 2048, "healthy: status %u bytes %u", cqe.status, cqe.bytes);
	t_teardown(&c);
}

static void sticky(void)
{
	struct dmastream_config cfg = { .error_threshold = 3 };
	struct dmastream_cqe cqe[N];
	struct dmastream_info info;
	struct dmastream_stats st;
	struct pollfd pfd;
	struct tchan c;
	uint32_t got = 0;
	int rc;

	t_setup(&c, "memcpy", 2, 4096, 0);
	T_CHECK(ioctl(c.fd, DMASTREAM_IOC_SET_CONFIG, &cfg) == 0, "threshold 3");
	T_ASSERT(t_sim_set("memcpy", "fail_kind", "read") == 0, "fail_kind read");
	T_ASSERT(t_sim_set("memcpy", "stuck", "1") == 0, "stuck error");
	memcpy_batch(&c, 8, 100);
	/* Everything completes: 3 errors, then the rest aborted by the stop. */
	rc = t_collect(&c, cqe, 8, 20000);
	T_ASSERT(!rc, "collect: %d", rc);
	for (int i = 0; i < 8; i++) {
		if (i < 3)
			T_CHECK(cqe[i].status == DMASTREAM_STATUS_READ_ERROR, "#%d: %u", i,
				cqe[i].status);
		else
			T_CHECK(cqe[i].status == DMASTREAM_STATUS_READ_ERROR ||
				cqe[i].status == DMASTREAM_STATUS_ABORTED, "#%d: %u", i,
				cqe[i].status);
		got++;
	}
	/* The stop runs from a work item; wait for the state to settle. */
	for (int i = 0; i < 2000; i++) {
		ioctl(c.fd, DMASTREAM_IOC_GET_INFO, &info);
		if (info.state == DMASTREAM_STATE_ERROR)
			break;
		usleep(10000);
	}
	T_CHECK(info.state == DMASTREAM_STATE_ERROR, "sticky state: %u", info.state);
	T_CHECK(*c.cq_flags & DMASTREAM_CQ_ERROR, "CQ error flag %#x", *c.cq_flags);
	pfd = (struct pollfd){ .fd = c.fd, .events = POLLIN | POLLOUT };
	T_CHECK(poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLERR) && !(pfd.revents & POLLOUT),
		"poll in error: %#x", pfd.revents);
	T_CHECK(t_submit1(&c, 0, 0, 16, 1) == -EIO, "submit in error");
	T_CHECK(t_wait(&c, 1, 1000000, NULL) == -EIO, "wait in error");
	t_stats(c.fd, &st);
	T_CHECK(st.sticky_errors >= 1, "sticky_errors %llu", (unsigned long long)st.sticky_errors);

	/* RESET terminates the engine (which clears dmasim's stuck error) and runs again. */
	T_CHECK(ioctl(c.fd, DMASTREAM_IOC_RESET) == 0, "RESET: %s", strerror(errno));
	T_ASSERT(t_sim_set("memcpy", "stuck", "0") == 0, "unstick");
	ioctl(c.fd, DMASTREAM_IOC_GET_INFO, &info);
	T_CHECK(info.state == DMASTREAM_STATE_READY && !(*c.cq_flags & DMASTREAM_CQ_ERROR),
		"after reset: state %u flags %#x", info.state, *c.cq_flags);
	memcpy_batch(&c, 4, 200);
	rc = t_collect(&c, cqe, 4, 20000);
	T_CHECK(!rc && cqe[0].status == DMASTREAM_STATUS_OK && cqe[3].status == DMASTREAM_STATUS_OK,
		"after reset: %d %u", rc, cqe[0].status);
	t_teardown(&c);
}

/*
 * Lowering the threshold below the errors already counted stops the
 * channel at the next error (not only when the count hits it exactly).
 */
static void threshold_lowered(void)
{
	struct dmastream_config cfg = { .error_threshold = 8 };
	struct dmastream_cqe cqe[N];
	struct dmastream_info info;
	struct tchan c;
	int rc;

	t_setup(&c, "memcpy", 2, 4096, 0);
	T_CHECK(ioctl(c.fd, DMASTREAM_IOC_SET_CONFIG, &cfg) == 0, "threshold 8");
	T_ASSERT(t_sim_set("memcpy", "fail_kind", "read") == 0, "fail_kind read");
	T_ASSERT(t_sim_set("memcpy", "stuck", "1") == 0, "stuck error");
	memcpy_batch(&c, 3, 0);
	rc = t_collect(&c, cqe, 3, 20000);
	T_ASSERT(!rc, "collect: %d", rc);
	ioctl(c.fd, DMASTREAM_IOC_GET_INFO, &info);
	T_CHECK(info.state == DMASTREAM_STATE_READY, "3 errors of 8: state %u", info.state);

	cfg.error_threshold = 2;
	T_CHECK(ioctl(c.fd, DMASTREAM_IOC_SET_CONFIG, &cfg) == 0, "threshold 2");
	memcpy_batch(&c, 1, 3);
	rc = t_collect(&c, cqe, 1, 20000);
	T_ASSERT(!rc, "collect: %d", rc);
	for (int i = 0; i < 2000; i++) {
		ioctl(c.fd, DMASTREAM_IOC_GET_INFO, &info);
		if (info.state == DMASTREAM_STATE_ERROR)
			break;
		usleep(10000);
	}
	T_CHECK(info.state == DMASTREAM_STATE_ERROR, "4 errors of 2: state %u", info.state);
	T_CHECK(ioctl(c.fd, DMASTREAM_IOC_RESET) == 0, "RESET: %s", strerror(errno));
	T_ASSERT(t_sim_set("memcpy", "stuck", "0") == 0, "unstick");
	t_teardown(&c);
}

static void truncated_packet(void)
{
	struct dmastream_cqe cqe;
	struct tchan tx, rx;
	int rc;

	t_setup(&tx, "tx", 1, 8192, 0);
	t_setup(&rx, "rx", 1, 8192, 0);
	t_fill(tx.bufs[0], 8192, 21);
	T_ASSERT(t_sim_set("tx", "truncate", "1000") == 0, "truncate");
	T_CHECK(t_submit1(&rx, 0, 0, 8192, 1) == 1, "rx");
	T_CHECK(t_submit1(&tx, 0, 0, 5000, 2) == 1, "tx");
	rc = t_collect(&rx, &cqe, 1, 20000);
	T_CHECK(!rc && cqe.status == DMASTREAM_STATUS_OK && cqe.bytes == 1000 &&
		(cqe.flags & DMASTREAM_CQE_SHORT) && t_check_fill(rx.bufs[0], 1000, 21, NULL),
		"truncated packet: %d status %u bytes %u flags %#x", rc, cqe.status, cqe.bytes,
		cqe.flags);
	t_collect(&tx, &cqe, 1, 20000);
	T_ASSERT(t_sim_set("tx", "truncate", "0") == 0, "truncate off");
	t_teardown(&tx);
	t_teardown(&rx);
}

/*
 * The rx truncate knob set mid-packet to exactly what the packet has so
 * far: dmasim used to find nothing left to take and WARN (the ABI fuzzer
 * hit it); a knob change now applies from the next packet, so the rest of
 * this one arrives whole.
 */
static void truncate_set_mid_packet(void)
{
	struct dmastream_cqe cqe;
	struct tchan tx, rx;
	int rc;

	t_setup(&tx, "tx", 1, 16384, 0);
	t_setup(&rx, "rx", 2, 4096, 0);
	t_fill(tx.bufs[0], 16384, 31);
	/* A 16 KiB packet into a 4 KiB receive: it takes the first 4 KiB. */
	T_CHECK(t_submit1(&rx, 0, 0, 4096, 1) == 1, "rx 1");
	T_CHECK(t_submit1(&tx, 0, 0, 16384, 2) == 1, "tx");
	rc = t_collect(&rx, &cqe, 1, 20000);
	T_CHECK(!rc && cqe.status == DMASTREAM_STATUS_OK && cqe.bytes == 4096,
		"first part: %d status %u bytes %u", rc, cqe.status, cqe.bytes);
	T_ASSERT(t_sim_set("rx", "truncate", "4096") == 0, "rx truncate mid-packet");
	T_CHECK(t_submit1(&rx, 1, 0, 4096, 3) == 1, "rx 2");
	rc = t_collect(&rx, &cqe, 1, 20000);
	T_CHECK(!rc && cqe.status == DMASTREAM_STATUS_OK && cqe.bytes == 4096,
		"second part after the knob changed: %d status %u bytes %u", rc, cqe.status,
		cqe.bytes);
	T_ASSERT(t_sim_set("rx", "truncate", "0") == 0, "rx truncate off");
	T_CHECK(ioctl(tx.fd, DMASTREAM_IOC_ABORT) == 0, "abort tx");
	T_CHECK(ioctl(rx.fd, DMASTREAM_IOC_ABORT) == 0, "abort rx");
	t_teardown(&tx);
	t_teardown(&rx);
}

int main(void)
{
	t_start("faults");
	nth_fails();
	piece_fails();
	sticky();
	threshold_lowered();
	truncated_packet();
	truncate_set_mid_packet();
	return t_report();
}
