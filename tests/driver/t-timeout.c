// SPDX-License-Identifier: MIT
/*
 * Timeouts and abort. An RX transfer with nothing to receive never
 * completes by itself: with a timeout it must complete as TIMEOUT, every
 * other transfer in flight as ABORTED, in order, and the channel must then
 * work again without reloading anything. The same through a stalled engine
 * (dmasim's stall) on TX, and through the ABORT ioctl while data moves.
 *
 * Timing: timeouts here are 100-300 ms and the checks only need "later
 * than the timeout" and "within a generous 20 s"; nothing depends on speed.
 */
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "dstest.h"

static void rx_timeout_then_ok(void)
{
	struct dmastream_config cfg = { .timeout_ms = 0 };
	struct dmastream_stats before, after;
	struct dmastream_cqe cqe[4];
	struct dmastream_seg s[4];
	struct dmastream_xfer x[4];
	struct tchan rx, tx;
	uint64_t t0;
	int rc;

	t_setup(&rx, "rx", 4, 4096, 0);
	t_setup(&tx, "tx", 1, 4096, 0);
	T_CHECK(ioctl(rx.fd, DMASTREAM_IOC_SET_CONFIG, &cfg) == 0, "SET_CONFIG");
	t_stats(rx.fd, &before);

	/* Only the first has a timeout; the others have none of their own. */
	for (int i = 0; i < 4; i++) {
		s[i] = (struct dmastream_seg){ .buf = i, .len = 4096 };
		x[i] = (struct dmastream_xfer){ .cookie = 40 + i, .seg_first = i, .nsegs = 1 };
	}
	x[0].flags = DMASTREAM_XFER_TIMEOUT;
	x[0].timeout_ms = 150;
	t0 = t_now_ns();
	rc = t_submit(&rx, x, 4, s, 4, NULL);
	T_ASSERT(rc == 4, "submit: %d", rc);
	rc = t_collect(&rx, cqe, 4, 20000);
	T_ASSERT(!rc, "collect after timeout: %d", rc);
	T_CHECK(cqe[0].t_complete_ns - t0 >= 150000000ULL, "timed out after %llu ns",
		(unsigned long long)(cqe[0].t_complete_ns - t0));
	T_CHECK(cqe[0].status == DMASTREAM_STATUS_TIMEOUT && cqe[0].cookie == 40,
		"first: status %u cookie %llu", cqe[0].status, (unsigned long long)cqe[0].cookie);
	for (int i = 1; i < 4; i++) {
		T_CHECK(cqe[i].status == DMASTREAM_STATUS_ABORTED && cqe[i].cookie == 40u + i,
			"#%d: status %u cookie %llu", i, cqe[i].status,
			(unsigned long long)cqe[i].cookie);
		T_CHECK(cqe[i].seq == cqe[i - 1].seq + 1, "#%d: seq", i);
	}
	t_stats(rx.fd, &after);
	T_CHECK(after.timeouts - before.timeouts == 1 && after.aborted - before.aborted == 3 &&
		after.channel_stops - before.channel_stops == 1 && after.inflight == 0,
		"stats: timeouts %llu aborted %llu stops %llu",
		(unsigned long long)(after.timeouts - before.timeouts),
		(unsigned long long)(after.aborted - before.aborted),
		(unsigned long long)(after.channel_stops - before.channel_stops));

	/* The channel carries on: a packet goes through. */
	t_fill(tx.bufs[0], 4096, 77);
	T_CHECK(t_submit1(&rx, 0, 0, 4096, 1) == 1, "rx after timeout");
	T_CHECK(t_submit1(&tx, 0, 0, 4096, 2) == 1, "tx after timeout");
	rc = t_collect(&rx, cqe, 1, 20000);
	T_CHECK(!rc && cqe[0].status == DMASTREAM_STATUS_OK && cqe[0].bytes == 4096 &&
		t_check_fill(rx.bufs[0], 4096, 77, NULL), "packet after timeout: %d status %u",
		rc, cqe[0].status);
	t_collect(&tx, cqe, 1, 20000);

	/* The channel default applies to transfers without their own. */
	cfg.timeout_ms = 100;
	T_CHECK(ioctl(rx.fd, DMASTREAM_IOC_SET_CONFIG, &cfg) == 0, "SET_CONFIG 100");
	T_CHECK(t_submit1(&rx, 1, 0, 4096, 3) == 1, "rx with default timeout");
	rc = t_collect(&rx, cqe, 1, 20000);
	T_CHECK(!rc && cqe[0].status == DMASTREAM_STATUS_TIMEOUT, "default timeout: %d %u", rc,
		cqe[0].status);
	t_teardown(&rx);
	t_teardown(&tx);
}

/* A stalled engine: nothing completes until the channel is stopped. */
static void stalled_tx(void)
{
	struct dmastream_cqe cqe[3];
	struct tchan tx;
	int rc;

	T_ASSERT(t_sim_set("tx", "stall", "1") == 0, "stall tx");
	t_setup(&tx, "tx", 3, 4096, 0);
	for (int i = 0; i < 3; i++) {
		struct dmastream_seg s = { .buf = i, .len = 4096 };
		struct dmastream_xfer x = { .cookie = i, .nsegs = 1, .flags = DMASTREAM_XFER_TIMEOUT,
					    .timeout_ms = i ? 0 : 200 };

		rc = t_submit(&tx, &x, 1, &s, 1, NULL);
		T_ASSERT(rc == 1, "stalled submit %d: %d", i, rc);
	}
	rc = t_collect(&tx, cqe, 3, 20000);
	T_CHECK(!rc && cqe[0].status == DMASTREAM_STATUS_TIMEOUT &&
		cqe[1].status == DMASTREAM_STATUS_ABORTED &&
		cqe[2].status == DMASTREAM_STATUS_ABORTED, "stalled: %d statuses %u %u %u", rc,
		cqe[0].status, cqe[1].status, cqe[2].status);
	T_ASSERT(t_sim_set("tx", "stall", "0") == 0, "unstall tx");
	t_teardown(&tx);
}

/*
 * ABORT while a large copy is in flight: it completes (ABORTED, or OK if it
 * finished first), and once ABORT has returned no byte of the destination
 * changes any more: the engine has really stopped.
 */
static void abort_busy(void)
{
	const uint32_t len = 4U << 20;
	struct dmastream_seg s[2] = { { .buf = 0, .len = len }, { .buf = 1, .len = len } };
	struct dmastream_xfer x = { .cookie = 7, .nsegs = 1, .dst_seg_first = 1, .dst_nsegs = 1 };
	struct dmastream_cqe cqe;
	struct tchan mc;
	uint8_t *snap;
	int rc;

	t_setup(&mc, "memcpy", 2, len, 0);
	snap = malloc(len);
	T_ASSERT(snap, "malloc");
	t_fill(mc.bufs[0], len, 11);
	memset(mc.bufs[1], 0xee, len);
	T_ASSERT(t_submit(&mc, &x, 1, s, 2, NULL) == 1, "memcpy submit");
	T_CHECK(ioctl(mc.fd, DMASTREAM_IOC_ABORT) == 0, "ABORT busy: %s", strerror(errno));
	memcpy(snap, mc.bufs[1], len);
	rc = t_collect(&mc, &cqe, 1, 20000);
	T_CHECK(!rc && (cqe.status == DMASTREAM_STATUS_ABORTED || cqe.status == DMASTREAM_STATUS_OK),
		"after abort: %d status %u", rc, cqe.status);
	usleep(100000);
	T_CHECK(!memcmp(snap, mc.bufs[1], len), "destination changed after ABORT returned");
	T_CHECK(t_pending(&mc) == 0, "one completion only");

	/* Works again. */
	t_fill(mc.bufs[0], 4096, 5);
	s[0].len = s[1].len = 4096;
	T_CHECK(t_submit(&mc, &x, 1, s, 2, NULL) == 1, "memcpy after abort");
	rc = t_collect(&mc, &cqe, 1, 20000);
	T_CHECK(!rc && cqe.status == DMASTREAM_STATUS_OK && t_check_fill(mc.bufs[1], 4096, 5, NULL),
		"memcpy after abort: %d %u", rc, cqe.status);
	free(snap);
	t_teardown(&mc);
}

/*
 * Settings last as long as the ring: an owner's SET_CONFIG must not leak
 * into the next owner's transfers (a 100 ms timeout left behind made the
 * next program's transfers abort). The defaults: none for a stream, the
 * module's memcpy_timeout_ms for a copy.
 */
static void settings_per_owner(void)
{
	struct dmastream_config cfg = { .timeout_ms = 100, .error_threshold = 3 };
	struct dmastream_info info;
	struct tchan c;

	t_setup(&c, "rx", 2, 4096, 0);
	T_CHECK(ioctl(c.fd, DMASTREAM_IOC_SET_CONFIG, &cfg) == 0, "SET_CONFIG");
	T_CHECK(ioctl(c.fd, DMASTREAM_IOC_GET_INFO, &info) == 0 && info.timeout_ms == 100 &&
		info.error_threshold == 3, "owner's settings: %u %u", info.timeout_ms,
		info.error_threshold);
	t_teardown(&c);
	t_setup(&c, "rx", 2, 4096, 0);
	T_CHECK(ioctl(c.fd, DMASTREAM_IOC_GET_INFO, &info) == 0 && info.timeout_ms == 0 &&
		info.error_threshold == 8, "next owner's settings: %u %u", info.timeout_ms,
		info.error_threshold);
	t_teardown(&c);
	t_setup(&c, "memcpy", 2, 4096, 0);
	T_CHECK(ioctl(c.fd, DMASTREAM_IOC_GET_INFO, &info) == 0 && info.timeout_ms == 10000,
		"memcpy default timeout: %u", info.timeout_ms);
	t_teardown(&c);
}

int main(void)
{
	t_start("timeout");
	rx_timeout_then_ok();
	stalled_tx();
	abort_busy();
	settings_per_owner();
	return t_report();
}
