// SPDX-License-Identifier: MIT
/*
 * TX -> RX through dmasim's stream loopback: random packet sizes (1 byte to
 * 8 MiB) and random scatter-gather layouts on both sides, several packets in
 * flight. Every byte must arrive, each RX transfer must end at its packet's
 * end (TLAST) with the unfilled part reported as residue (bytes, SHORT),
 * and completions must come in order with consecutive sequence numbers.
 */
#include <sys/ioctl.h>
#include <unistd.h>

#include "dstest.h"

#define NBUF		16
#define BUFSZ		(1U << 20)
#define MAXSEGS		8

struct layout {
	uint32_t nsegs;
	struct dmastream_seg segs[MAXSEGS];
};

/*
 * Cut len bytes into 1..min(MAXSEGS, nbufs) pieces of at most `cap` bytes,
 * each at a random offset of its own buffer (so pieces never overlap).
 */
static void random_layout(struct layout *l, uint32_t len, uint32_t first_buf, uint32_t nbufs,
			  uint32_t cap)
{
	uint32_t slots = nbufs < MAXSEGS ? nbufs : MAXSEGS;
	uint32_t need = (uint32_t)(((uint64_t)len + cap - 1) / cap);
	uint32_t want = 1 + t_rand() % slots, left = len;

	T_ASSERT(need <= slots, "%u bytes do not fit %u segments of %u", len, slots, cap);
	if (want > len)
		want = len;
	if (want < need)
		want = need;
	for (uint32_t i = 0; i < want; i++) {
		uint32_t after = want - i - 1, piece = left;

		if (after) {
			uint64_t lo = left > (uint64_t)after * cap ? left - (uint64_t)after * cap : 1;
			uint64_t hi = left - after < cap ? left - after : cap;

			piece = (uint32_t)(lo + t_rand() % (hi - lo + 1));
		}
		l->segs[i] = (struct dmastream_seg){
			.buf = first_buf + i,
			.offset = (uint32_t)(t_rand() % (BUFSZ - piece + 1)),
			.len = piece,
		};
		left -= piece;
	}
	l->nsegs = want;
}

static uint64_t layout_len(const struct layout *l)
{
	uint64_t n = 0;

	for (uint32_t i = 0; i < l->nsegs; i++)
		n += l->segs[i].len;
	return n;
}

static uint32_t pick_size(int round)
{
	static const uint32_t fixed[] = { 1, 2, 3, 63, 64, 65, 4095, 4096, 4097, 65536,
					  1 << 20, (1 << 20) + 1, 8 << 20 };

	if (round < (int)(sizeof(fixed) / sizeof(fixed[0])))
		return fixed[round];
	switch (t_rand() % 4) {
	case 0:
		return 1 + t_rand() % 256;
	case 1:
		return 1 + t_rand() % 65536;
	case 2:
		return 1 + t_rand() % (1 << 20);
	default:
		return 1 + t_rand() % (8 << 20);
	}
}

/* Copy the packet's bytes in, through the layout. */
static void fill_through(struct tchan *c, const struct layout *l, uint64_t seed)
{
	uint8_t *tmp = malloc(layout_len(l));
	uint64_t at = 0;

	T_ASSERT(tmp, "malloc");
	t_fill(tmp, layout_len(l), seed);
	for (uint32_t i = 0; i < l->nsegs; i++) {
		memcpy(c->bufs[l->segs[i].buf] + l->segs[i].offset, tmp + at, l->segs[i].len);
		at += l->segs[i].len;
	}
	free(tmp);
}

static bool check_through(struct tchan *c, const struct layout *l, uint32_t len, uint64_t seed)
{
	uint8_t *tmp = malloc(len ? len : 1);
	uint64_t at = 0;
	size_t bad = 0;
	bool ok;

	T_ASSERT(tmp, "malloc");
	for (uint32_t i = 0; i < l->nsegs && at < len; i++) {
		uint32_t n = l->segs[i].len;

		if (n > len - at)
			n = len - at;
		memcpy(tmp + at, c->bufs[l->segs[i].buf] + l->segs[i].offset, n);
		at += n;
	}
	ok = t_check_fill(tmp, len, seed, &bad);
	if (!ok)
		t_fail(__FILE__, __LINE__, "packet seed %llu: byte %zu of %u differs",
		       (unsigned long long)seed, bad, len);
	free(tmp);
	return ok;
}

static struct dmastream_xfer xfer_of(const struct layout *l, uint64_t cookie)
{
	return (struct dmastream_xfer){ .cookie = cookie, .nsegs = l->nsegs };
}

/* One round: `depth` packets in flight at once. */
static void run_round(struct tchan *tx, struct tchan *rx, int round, int depth)
{
	struct layout txl[4], rxl[4];
	uint32_t len[4], cap[4];
	struct dmastream_cqe tcqe[4], rcqe[4];
	uint32_t seg_cap = tx->caps.max_seg_size < BUFSZ ? tx->caps.max_seg_size : BUFSZ;
	uint32_t per = NBUF / depth;
	uint32_t slots = per < MAXSEGS ? per : MAXSEGS;
	uint64_t most = (uint64_t)slots * seg_cap;
	int rc;

	for (int k = 0; k < depth; k++) {
		uint32_t extra = t_rand() % 3 ? 0 : 1 + t_rand() % 65536;

		len[k] = pick_size(round * depth + k);
		if (len[k] > most)
			len[k] = most;
		cap[k] = (uint64_t)len[k] + extra > most ? len[k] : len[k] + extra;
		random_layout(&txl[k], len[k], k * per, per, seg_cap);
		random_layout(&rxl[k], cap[k], k * per, per, seg_cap);
		fill_through(tx, &txl[k], (uint64_t)round << 8 | k);
	}
	/* RX first: the loopback would otherwise hold the packets in its FIFO. */
	for (int k = 0; k < depth; k++) {
		struct dmastream_xfer x = xfer_of(&rxl[k], 1000 + k);

		rc = t_submit(rx, &x, 1, rxl[k].segs, rxl[k].nsegs, NULL);
		T_ASSERT(rc == 1, "rx submit round %d: %d", round, rc);
	}
	for (int k = 0; k < depth; k++) {
		struct dmastream_xfer x = xfer_of(&txl[k], 2000 + k);

		rc = t_submit(tx, &x, 1, txl[k].segs, txl[k].nsegs, NULL);
		T_ASSERT(rc == 1, "tx submit round %d: %d", round, rc);
	}
	rc = t_collect(tx, tcqe, depth, 60000);
	T_ASSERT(!rc, "tx completions round %d: %d", round, rc);
	rc = t_collect(rx, rcqe, depth, 60000);
	T_ASSERT(!rc, "rx completions round %d: %d", round, rc);

	for (int k = 0; k < depth; k++) {
		T_CHECK(tcqe[k].cookie == 2000u + k && tcqe[k].status == DMASTREAM_STATUS_OK &&
			tcqe[k].bytes == len[k] && !(tcqe[k].flags & DMASTREAM_CQE_SHORT),
			"round %d tx %d: cookie %llu status %u bytes %u of %u", round, k,
			(unsigned long long)tcqe[k].cookie, tcqe[k].status, tcqe[k].bytes, len[k]);
		T_CHECK(rcqe[k].cookie == 1000u + k && rcqe[k].status == DMASTREAM_STATUS_OK &&
			rcqe[k].bytes == (t_exact_rx_length() ? len[k] : cap[k]),
			"round %d rx %d: cookie %llu status %u bytes %u, packet %u", round, k,
			(unsigned long long)rcqe[k].cookie, rcqe[k].status, rcqe[k].bytes, len[k]);
		T_CHECK(!!(rcqe[k].flags & DMASTREAM_CQE_SHORT) ==
			(t_exact_rx_length() && cap[k] > len[k]),
			"round %d rx %d: SHORT flag %u with room %u for %u", round, k,
			rcqe[k].flags, cap[k], len[k]);
		T_CHECK(rcqe[k].t_complete_ns >= rcqe[k].t_submit_ns && rcqe[k].t_submit_ns,
			"round %d rx %d: timestamps", round, k);
		if (k) {
			T_CHECK(rcqe[k].seq == rcqe[k - 1].seq + 1 && tcqe[k].seq == tcqe[k - 1].seq + 1,
				"round %d: sequence numbers not consecutive", round);
		}
		check_through(rx, &rxl[k], len[k], (uint64_t)round << 8 | k);
	}
}

/*
 * An RX queue that runs dry and is refilled: the refill's record says so
 * (AFTER_EMPTY) and rx_queue_empty counts it; the end of a stream does not.
 */
static void after_empty(struct tchan *tx, struct tchan *rx)
{
	struct dmastream_cqe cqe[2];
	struct dmastream_stats st;

	/* The rounds before ended with an empty queue; a stop starts afresh. */
	T_CHECK(ioctl(rx->fd, DMASTREAM_IOC_ABORT) == 0, "ABORT");
	T_CHECK(ioctl(rx->fd, DMASTREAM_IOC_RESET_STATS) == 0, "RESET_STATS");
	for (int i = 0; i < 2; i++) {
		T_ASSERT(t_submit1(rx, i, 0, 4096, 70 + i) == 1, "rx %d", i);
		T_ASSERT(t_submit1(tx, i, 0, 4096, 80 + i) == 1, "tx %d", i);
		T_ASSERT(t_collect(rx, &cqe[i], 1, 20000) == 0, "rx completion %d", i);
		T_ASSERT(t_collect(tx, NULL, 1, 20000) == 0, "tx completion %d", i);
	}
	T_CHECK(!(cqe[0].flags & DMASTREAM_CQE_AFTER_EMPTY), "first: flags %#x", cqe[0].flags);
	T_CHECK(cqe[1].flags & DMASTREAM_CQE_AFTER_EMPTY, "refill: flags %#x", cqe[1].flags);
	T_CHECK(t_stats(rx->fd, &st) == 0 && st.rx_queue_empty == 1, "rx_queue_empty %llu",
		(unsigned long long)st.rx_queue_empty);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 60;
	struct dmastream_stats st;
	struct tchan tx, rx;
	uint64_t bytes = 0;

	t_start("loopback");
	t_setup(&tx, "tx", NBUF, BUFSZ, 0);
	t_setup(&rx, "rx", NBUF, BUFSZ, 0);
	T_CHECK(ioctl(rx.fd, DMASTREAM_IOC_RESET_STATS) == 0, "RESET_STATS");

	for (int r = 0; r < rounds && !t_failures; r++) {
		int depth = 1 << (r % 3);	/* 1, 2, 4 packets in flight */

		run_round(&tx, &rx, r, depth);
	}
	T_CHECK(t_stats(rx.fd, &st) == 0, "stats");
	bytes = st.bytes;
	T_CHECK(st.completed == st.submitted && st.inflight == 0 && !st.read_errors &&
		!st.write_errors && !st.aborted && !st.timeouts,
		"rx stats: submitted %llu completed %llu inflight %llu",
		(unsigned long long)st.submitted, (unsigned long long)st.completed,
		(unsigned long long)st.inflight);
	printf("loopback: %d rounds, %llu bytes received\n", rounds, (unsigned long long)bytes);
	after_empty(&tx, &rx);
	t_teardown(&tx);
	t_teardown(&rx);
	return t_report();
}
