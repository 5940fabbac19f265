// SPDX-License-Identifier: MIT
/*
 * The Xilinx DMA Proxy 2.0 application's work, written for the native API.
 *
 *   dma-proxy-native [--device NAME] TRANSFERS KB [VERIFY]
 *
 * TRANSFERS transfers of KB KiB (1..128) go out on NAME/tx and come back on
 * NAME/rx (default loop0: "dmastream create --loopback loop0" on dmasim);
 * with VERIFY 1 every word that comes back is checked. At the end, one JSON
 * line with the time and the CPU time of the transfers.
 *
 * The DMA Proxy application (tests/proxy/t-proxy app) runs a TX thread that
 * fills its one entry, starts it and sleeps in FINISH_XFER, transfer after
 * transfer, and an RX thread that keeps 32 entries in flight and sleeps in
 * FINISH_XFER for each, in order. Here
 * one thread does the same work: the RX ring holds the same 32 transfers in
 * flight and is consumed in order, the TX ring has a few buffers so that TX
 * keeps going while the previous ones are on their way, transfers are
 * queued in batches of one system call, completions are read from the
 * completion queues without one, and the thread sleeps only when neither
 * queue has anything for it.
 *
 * Transfer i carries the pattern pat(i, word) of t-proxy, so both programs
 * do the same CPU work on the data.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <libdmastream.h>

#define RX_DEPTH	32		/* the DMA Proxy table's 32 entries */
#define TX_BUFS		4		/* the original has 1: ping-pong */
#define MAX_KB		128		/* a DMA Proxy entry holds 128 KiB */
#define WAIT_NS		3000000000LL	/* FINISH_XFER gives up after 3 s */

/* One channel, and how far its transfers have got. */
struct side {
	const char *label;		/* "tx" or "rx" */
	struct dms_channel *ch;
	struct dms_batch *batch;
	uint32_t nbufs;
	uint32_t queued;		/* transfers added and submitted: 0 .. queued - 1 */
	uint32_t done;			/* completions consumed: 0 .. done - 1 */
};

struct run {
	struct side tx, rx;
	uint32_t n;			/* transfers */
	uint32_t len;			/* bytes per transfer */
	bool verify;
};

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("dma-proxy-native: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* Word j of transfer x, as t-proxy writes it. */
static uint32_t pat(uint32_t x, uint32_t j)
{
	return (x * 0x9e3779b1u) ^ (j * 0x85ebca6bu) ^ 0x5a0000a5u;
}

static void fill(uint32_t *w, uint32_t x, uint32_t bytes)
{
	for (uint32_t j = 0; j < bytes / 4; j++)
		w[j] = pat(x, j);
}

/* Every word of transfer x; a wrong word that belongs to a nearby transfer
 * is named, since that means a buffer was reused too early or too late. */
static void verify(const uint32_t *w, uint32_t x, uint32_t bytes)
{
	for (uint32_t j = 0; j < bytes / 4; j++) {
		uint32_t got = w[j], want = pat(x, j);

		if (got == want)
			continue;
		for (uint32_t y = x > 64 ? x - 64 : 0; y < x + 64; y++)
			if (pat(y, j) == got)
				die("rx transfer %u: word %u is 0x%08x, transfer %u's word (expected 0x%08x)",
				    x, j, got, y, want);
		die("rx transfer %u: word %u is 0x%08x, expected 0x%08x", x, j, got, want);
	}
}

/* open("/dev/dma_proxy_tx") and mmap() of its table -> open the native
 * channel and give it a ring of our own size. Done before the timed part,
 * as the DMA Proxy application opens and maps before it starts its threads. */
static void open_side(struct side *s, const char *device, const char *label,
		      uint32_t nbufs, uint32_t len)
{
	char name[64];
	int ret;

	snprintf(name, sizeof(name), "%s/%s", device, label);
	s->label = label;
	s->nbufs = nbufs;
	ret = dms_channel_open(name, 0, &s->ch);
	if (ret)
		die("open %s/%s: %s", DMS_DEV_DIR, name, strerror(-ret));
	/* The default CQ (64 records) holds every transfer in flight plus
	 * every record not yet consumed, so a submission always finds room. */
	ret = dms_ring_setup(s->ch, nbufs, len, 0);
	if (ret)
		die("%s: a ring of %u buffers of %u bytes: %s", name, nbufs, len, strerror(-ret));
	ret = dms_batch_create(s->ch, nbufs, 0, &s->batch);
	if (ret)
		die("%s: batch: %s", name, strerror(-ret));
}

static void close_side(struct side *s)
{
	dms_batch_destroy(s->batch);
	dms_channel_close(s->ch);
}

/* Transfer i uses buffer i % nbufs; its cookie is i, checked on completion.
 * The batch checks it against the channel's limits here; the call returns
 * the transfer's place in the batch, or a negative errno. */
static void add(struct side *s, uint32_t len)
{
	uint32_t i = s->queued;
	int ret = dms_batch_add_buf(s->batch, i, i % s->nbufs, 0, len);

	if (ret < 0)
		die("%s transfer %u: %s", s->label, i, strerror(-ret));
	s->queued++;
}

/* Everything added, in one system call that never waits. */
static void submit(struct side *s)
{
	uint32_t pending = dms_batch_pending(s->batch);
	int ret;

	if (!pending)
		return;
	ret = dms_submit(s->ch, s->batch);
	if (ret < 0)
		die("%s: submit of %u transfers: %s", s->label, pending, strerror(-ret));
	if ((uint32_t)ret != pending)
		die("%s: the driver queued %d of %u transfers", s->label, ret, pending);
}

/* Set length, START_XFER(k) for each free entry -> one batch for all of
 * them: the RX ring keeps RX_DEPTH transfers in flight. */
static uint32_t queue_rx(struct run *r)
{
	uint32_t added = 0;

	while (r->rx.queued < r->n && r->rx.queued - r->rx.done < r->rx.nbufs) {
		add(&r->rx, r->len);
		added++;
	}
	submit(&r->rx);
	return added;
}

/* Fill the entry, set length, START_XFER(0) -> fill every free TX buffer
 * and submit them together. A transfer goes out only once an RX transfer
 * is queued for it: a stream with no receiver has nowhere to put the data. */
static uint32_t send_tx(struct run *r)
{
	uint32_t added = 0;

	while (r->tx.queued < r->n && r->tx.queued - r->tx.done < r->tx.nbufs &&
	       r->tx.queued < r->rx.queued) {
		uint32_t i = r->tx.queued;

		fill(dms_buf(r->tx.ch, i % r->tx.nbufs), i, r->len);
		add(&r->tx, r->len);
		added++;
	}
	submit(&r->tx);
	return added;
}

/* The status and residue FINISH_XFER would write -> the completion record. */
static void check_cqe(const struct side *s, const struct dmastream_cqe *c, uint32_t len)
{
	if (c->cookie != s->done)
		die("%s: completion of transfer %llu, expected %u", s->label,
		    (unsigned long long)c->cookie, s->done);
	if (c->status != DMASTREAM_STATUS_OK)
		die("%s transfer %u: %s", s->label, s->done, dms_status_name(c->status));
	if (c->bytes != len)
		die("%s transfer %u: %u bytes of %u moved", s->label, s->done, c->bytes, len);
}

/* FINISH_XFER(0) after each TX transfer -> read the TX completions that are
 * there; each frees its buffer for the next fill. */
static uint32_t reap_tx(struct run *r)
{
	const struct dmastream_cqe *c[TX_BUFS];
	uint32_t got = dms_cq_peek_batch(r->tx.ch, c, TX_BUFS);

	for (uint32_t k = 0; k < got; k++, r->tx.done++)
		check_cqe(&r->tx, c[k], r->len);
	dms_cq_advance(r->tx.ch, got);
	return got;
}

/* FINISH_XFER(k), entry after entry, then the check of the entry's data ->
 * the RX completions that are there, in order, each buffer checked in place
 * and then handed back (queue_rx queues it again). */
static uint32_t reap_rx(struct run *r)
{
	const struct dmastream_cqe *c[RX_DEPTH];
	uint32_t got = dms_cq_peek_batch(r->rx.ch, c, RX_DEPTH);

	for (uint32_t k = 0; k < got; k++, r->rx.done++) {
		uint32_t i = r->rx.done;

		check_cqe(&r->rx, c[k], r->len);
		if (r->verify)
			verify(dms_buf(r->rx.ch, i % r->rx.nbufs), i, r->len);
	}
	dms_cq_advance(r->rx.ch, got);
	return got;
}

/* The sleep inside FINISH_XFER -> dms_wait() on the channel whose
 * completion is due first. A packet leaves TX before it has all arrived on
 * RX, so that is TX while it has transfers in flight (a TX error is then
 * reported at once, not as an RX timeout: a failed TX transfer sends no
 * packet), otherwise RX. dms_wait() looks at the completion queue before
 * it sleeps, and returns at once when nothing is in flight on the channel. */
static void wait_for_either(struct run *r)
{
	struct side *s = r->tx.done < r->tx.queued ? &r->tx : &r->rx;
	int ret = dms_wait(s->ch, 1, WAIT_NS);

	if (ret == -ETIMEDOUT)
		die("%s: no transfer completed in %lld s (rx %u/%u, tx %u/%u done)", s->label,
		    WAIT_NS / 1000000000LL, r->rx.done, r->n, r->tx.done, r->n);
	if (ret < 0)
		die("%s: wait: %s", s->label, strerror(-ret));
}

/* The two DMA Proxy threads' loops, as one. */
static void transfer_all(struct run *r)
{
	while (r->rx.done < r->n) {
		uint32_t progress = reap_rx(r);

		progress += queue_rx(r);
		progress += reap_tx(r);
		progress += send_tx(r);
		if (!progress)
			wait_for_either(r);
	}
	/* Every packet has arrived, so TX has finished too: collect its last
	 * records, as the TX thread's last FINISH_XFER does. */
	while (r->tx.done < r->n)
		if (!reap_tx(r))
			wait_for_either(r);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static bool parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *v)
{
	char *end;
	unsigned long x;

	errno = 0;
	x = strtoul(s, &end, 0);
	if (errno || end == s || *end || s[0] == '-' || x < min || x > max)
		return false;
	*v = (uint32_t)x;
	return true;
}

static void usage(void)
{
	fprintf(stderr, "usage: dma-proxy-native [--device NAME] TRANSFERS KB(1-%d) [VERIFY(0|1)]\n",
		MAX_KB);
	exit(2);
}

int main(int argc, char **argv)
{
	struct run r = { 0 };
	const char *device = "loop0";
	uint32_t kb, check = 0;
	double t0, c0, t1, c1;

	argv++, argc--;
	if (argc >= 2 && !strcmp(argv[0], "--device"))
		device = argv[1], argv += 2, argc -= 2;
	if (argc < 2 || argc > 3 || !parse_u32(argv[0], 1, UINT32_MAX, &r.n) ||
	    !parse_u32(argv[1], 1, MAX_KB, &kb) || (argc == 3 && !parse_u32(argv[2], 0, 1, &check)))
		usage();
	r.len = kb * 1024;
	r.verify = check;

	open_side(&r.tx, device, "tx", TX_BUFS, r.len);
	open_side(&r.rx, device, "rx", RX_DEPTH, r.len);

	t0 = now_s();
	c0 = cpu_s();
	transfer_all(&r);
	t1 = now_s();
	c1 = cpu_s();

	/* close() of the DMA Proxy nodes -> closing the channels stops their
	 * DMA (there is none left) and frees the rings. */
	close_side(&r.tx);
	close_side(&r.rx);
	printf("{\"mode\":\"native\",\"transfers\":%u,\"size\":%u,\"bytes\":%llu,\"seconds\":%.6f,"
	       "\"cpu_seconds\":%.6f,\"verified\":%s}\n",
	       r.n, r.len, (unsigned long long)r.n * r.len, t1 - t0, c1 - c0,
	       r.verify ? "true" : "false");
	return 0;
}
