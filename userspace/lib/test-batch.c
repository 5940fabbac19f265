// SPDX-License-Identifier: MIT
/*
 * Batches: each transfer is checked against the channel's capabilities and
 * ring as it is added; a partial submission keeps the rest, in order, for
 * the next call; the driver's bad_index comes back.
 */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "fake-engine.h"

static void test_checks(void)
{
	struct fake_engine *e = fake_engine_new();
	struct dmastream_caps *caps = fake_caps(e, DMASTREAM_DIR_RX);
	struct dms_channel *rx, *tx;
	struct dms_batch *b, *bt;
	struct dmastream_seg segs[20];
	int i;

	caps->addr_align = 64;
	caps->len_align = 8;
	caps->max_seg_size = 8192;
	caps->max_segs = 4;
	caps->max_xfer_bytes = 16384;
	CHECK_EQ(fake_open(e, DMASTREAM_DIR_RX, &rx), 0);
	CHECK_EQ(fake_open(e, DMASTREAM_DIR_TX, &tx), 0);

	CHECK_EQ(dms_batch_create(rx, 0, 0, &b), -EINVAL);
	CHECK_EQ(dms_batch_create(rx, DMASTREAM_SUBMIT_MAX + 1, 0, &b), -EINVAL);
	CHECK_EQ(dms_batch_create(rx, 4, 8, &b), 0);
	/* No ring yet. */
	CHECK_EQ(dms_batch_add_buf(b, 1, 0, 0, 64), -ENXIO);
	CHECK_EQ(dms_ring_setup(rx, 4, 16384, 0), 0);

	CHECK_EQ(dms_batch_add_buf(b, 1, 0, 0, 64), 0);
	CHECK_EQ(dms_batch_add_buf(b, 2, 1, 64, 8192), 1);
	CHECK_EQ(dms_batch_pending(b), 2);
	CHECK_EQ(dms_batch_add_buf(b, 9, 4, 0, 64), -EINVAL);		/* no buffer 4 */
	CHECK_EQ(dms_batch_add_buf(b, 9, 0, 16384 - 64, 128), -EINVAL);	/* past the end */
	CHECK_EQ(dms_batch_add_buf(b, 9, 0, 0, 0), -EINVAL);		/* empty */
	CHECK_EQ(dms_batch_add_buf(b, 9, 0, 32, 64), -EINVAL);		/* offset alignment */
	CHECK_EQ(dms_batch_add_buf(b, 9, 0, 0, 60), -EINVAL);		/* length unit */
	CHECK_EQ(dms_batch_add_buf(b, 9, 0, 0, 8200), -E2BIG);		/* segment too long */
	for (i = 0; i < 5; i++)
		segs[i] = (struct dmastream_seg){ .buf = 2, .offset = (uint32_t)i * 1024, .len = 512 };
	CHECK_EQ(dms_batch_add(b, 9, segs, 5), -E2BIG);			/* too many segments */
	CHECK_EQ(dms_batch_add(b, 9, segs, 0), -EINVAL);
	for (i = 0; i < 3; i++)
		segs[i] = (struct dmastream_seg){ .buf = (uint32_t)i, .offset = 0, .len = 8192 };
	CHECK_EQ(dms_batch_add(b, 9, segs, 3), -E2BIG);			/* transfer too long */
	/* RX writes: two segments of one transfer must not overlap. */
	segs[0] = (struct dmastream_seg){ .buf = 3, .offset = 0, .len = 1024 };
	segs[1] = (struct dmastream_seg){ .buf = 3, .offset = 512, .len = 1024 };
	CHECK_EQ(dms_batch_add(b, 9, segs, 2), -EINVAL);
	segs[1].offset = 1024;
	CHECK_EQ(dms_batch_add(b, 3, segs, 2), 2);
	segs[0].reserved = 1;
	CHECK_EQ(dms_batch_add(b, 9, segs, 1), -EINVAL);
	CHECK_EQ(dms_batch_add_memcpy(b, 9, segs, 1, segs, 1), -EINVAL);	/* not memcpy */
	CHECK_EQ(dms_batch_set_timeout(b, 2, 100), 0);
	CHECK_EQ(dms_batch_set_timeout(b, 3, 100), -EINVAL);
	CHECK_EQ(dms_batch_pending(b), 3);

	/* Full: four transfers at most. */
	CHECK_EQ(dms_batch_add_buf(b, 4, 2, 0, 64), 3);
	CHECK_EQ(dms_batch_add_buf(b, 5, 2, 64, 64), -ENOSPC);

	/* Submitting to another channel than the batch's is refused. */
	CHECK_EQ(dms_ring_setup(tx, 2, 4096, 0), 0);
	CHECK_EQ(dms_submit(tx, b), -EINVAL);
	CHECK_EQ(dms_submit(rx, b), 4);
	CHECK_EQ(dms_batch_pending(b), 0);
	CHECK_EQ(dms_batch_bad_index(b), UINT32_MAX);

	/* TX reads: overlapping reads are fine, also across transfers. */
	CHECK_EQ(dms_batch_create(tx, 4, 8, &bt), 0);
	segs[0] = (struct dmastream_seg){ .buf = 0, .offset = 0, .len = 1024 };
	segs[1] = (struct dmastream_seg){ .buf = 0, .offset = 512, .len = 1024 };
	CHECK_EQ(dms_batch_add(bt, 1, segs, 2), 0);
	CHECK_EQ(dms_batch_add(bt, 2, segs, 2), 1);

	dms_batch_destroy(bt);
	dms_batch_destroy(b);
	dms_channel_close(rx);
	dms_channel_close(tx);
	fake_engine_free(e);
}

static void test_memcpy(void)
{
	struct fake_engine *e = fake_engine_new();
	struct dms_channel *m;
	struct dms_batch *b;
	struct dmastream_seg src[2], dst[2];
	struct dmastream_cqe out[4];

	CHECK_EQ(fake_open(e, DMASTREAM_DIR_MEMCPY, &m), 0);
	CHECK_EQ(dms_ring_setup(m, 4, 8192, 0), 0);
	CHECK_EQ(dms_batch_create(m, 4, 16, &b), 0);
	src[0] = (struct dmastream_seg){ .buf = 0, .offset = 0, .len = 100 };
	src[1] = (struct dmastream_seg){ .buf = 1, .offset = 0, .len = 50 };
	dst[0] = (struct dmastream_seg){ .buf = 2, .offset = 0, .len = 150 };
	CHECK_EQ(dms_batch_add_buf(b, 1, 0, 0, 64), -EINVAL);		/* needs a destination */
	CHECK_EQ(dms_batch_add_memcpy(b, 1, src, 2, dst, 1), 0);
	dst[0].len = 149;
	CHECK_EQ(dms_batch_add_memcpy(b, 1, src, 2, dst, 1), -EINVAL);	/* totals differ */
	dst[0] = (struct dmastream_seg){ .buf = 0, .offset = 50, .len = 150 };
	CHECK_EQ(dms_batch_add_memcpy(b, 1, src, 2, dst, 1), -EINVAL);	/* writes its source */
	dst[0] = (struct dmastream_seg){ .buf = 3, .offset = 0, .len = 75 };
	dst[1] = (struct dmastream_seg){ .buf = 3, .offset = 100, .len = 75 };
	CHECK_EQ(dms_batch_add_memcpy(b, 2, src, 2, dst, 2), 1);

	memset(dms_buf(m, 0), 'a', 100);
	memset(dms_buf(m, 1), 'b', 50);
	CHECK_EQ(dms_submit(m, b), 2);
	CHECK_EQ(dms_reap(m, out, 4), 2);
	CHECK_EQ(out[0].status, DMASTREAM_STATUS_OK);
	CHECK_EQ(out[1].bytes, 150);
	CHECK_EQ(((uint8_t *)dms_buf(m, 2))[99], 'a');
	CHECK_EQ(((uint8_t *)dms_buf(m, 2))[100], 'b');
	CHECK_EQ(((uint8_t *)dms_buf(m, 3))[74], 'a');
	CHECK_EQ(((uint8_t *)dms_buf(m, 3))[100], 'a');
	CHECK_EQ(((uint8_t *)dms_buf(m, 3))[174], 'b');
	dms_batch_destroy(b);
	dms_channel_close(m);
	fake_engine_free(e);
}

/* The driver takes the front of a batch only; the rest waits its turn. */
static void test_partial(void)
{
	struct fake_engine *e = fake_engine_new();
	struct dms_channel *rx, *tx;
	struct dms_batch *b;
	struct dmastream_cqe out[64];
	uint32_t i, n, got = 0;
	int ret;

	CHECK_EQ(fake_open(e, DMASTREAM_DIR_RX, &rx), 0);
	CHECK_EQ(fake_open(e, DMASTREAM_DIR_TX, &tx), 0);
	CHECK_EQ(dms_ring_setup(rx, 16, 4096, 0), 0);
	CHECK_EQ(dms_ring_setup(tx, 1, 4096, 0), 0);
	fake_limit_submit(e, DMASTREAM_DIR_RX, 3);
	CHECK_EQ(dms_batch_create(rx, 8, 8, &b), 0);
	for (i = 0; i < 8; i++)
		CHECK_EQ(dms_batch_add_buf(b, 100 + i, i, 0, 4096), (int)i);
	CHECK_EQ(dms_submit(rx, b), 3);
	CHECK_EQ(dms_batch_pending(b), 5);
	/* More can be added once the submitted front is compacted away. */
	for (i = 8; i < 11; i++)
		CHECK_EQ(dms_batch_add_buf(b, 100 + i, i, 0, 4096), (int)i - 3);
	CHECK_EQ(dms_batch_add_buf(b, 111, 11, 0, 4096), -ENOSPC);
	while (dms_batch_pending(b)) {
		ret = dms_submit(rx, b);
		CHECK(ret > 0);
		if (ret <= 0)
			break;
	}
	/* Data completes RX transfers in submission order. */
	for (i = 0; i < 11; i++)
		CHECK_EQ(dms_submit_buf(tx, i, 0, 0, 64), 0);
	while ((n = dms_reap(rx, out + got, 64 - got)) > 0)
		got += n;
	CHECK_EQ(got, 11);
	for (i = 0; i < got; i++)
		CHECK_EQ(out[i].cookie, 100 + i);

	/* A conflict with a transfer in flight names the transfer. */
	CHECK_EQ(dms_batch_add_buf(b, 1, 0, 0, 4096), 0);
	CHECK_EQ(dms_submit(rx, b), 1);
	CHECK_EQ(dms_batch_add_buf(b, 2, 1, 0, 4096), 0);
	CHECK_EQ(dms_batch_add_buf(b, 3, 0, 1024, 64), 1);
	CHECK_EQ(dms_submit(rx, b), -EBUSY);
	CHECK_EQ(dms_batch_bad_index(b), 1);
	CHECK_EQ(dms_batch_pending(b), 2);
	dms_batch_clear(b);
	CHECK_EQ(dms_batch_pending(b), 0);
	CHECK_EQ(dms_submit(rx, b), 0);

	dms_batch_destroy(b);
	dms_channel_close(rx);
	dms_channel_close(tx);
	fake_engine_free(e);
}

/* No room: EAGAIN, nothing queued, the batch intact. */
static void test_no_room(void)
{
	struct fake_engine *e = fake_engine_new();
	struct dms_channel *rx;
	struct dms_batch *b;
	uint32_t i;

	CHECK_EQ(fake_open(e, DMASTREAM_DIR_RX, &rx), 0);
	CHECK_EQ(dms_ring_setup(rx, 65, 64, 64), 0);
	CHECK_EQ(dms_batch_create(rx, 64, 64, &b), 0);
	for (i = 0; i < 64; i++)
		CHECK_EQ(dms_batch_add_buf(b, i, i, 0, 64), (int)i);
	CHECK_EQ(dms_submit(rx, b), 64);
	CHECK_EQ(dms_batch_add_buf(b, 64, 64, 0, 32), 0);
	CHECK_EQ(dms_submit(rx, b), -EAGAIN);
	CHECK_EQ(dms_batch_pending(b), 1);
	dms_batch_destroy(b);
	dms_channel_close(rx);
	fake_engine_free(e);
}

/*
 * A cached ring on an engine that is not coherent: what it writes must be
 * whole cache lines, refused when added rather than failing the batch.
 */
static void test_cached_lines(void)
{
	struct fake_engine *e = fake_engine_new();
	struct dmastream_seg src = { .buf = 0, .offset = 0, .len = 100 };
	struct dmastream_seg dst = { .buf = 1, .offset = 0, .len = 100 };
	struct dms_channel *rx, *tx, *m;
	struct dms_batch *b;

	fake_caps(e, DMASTREAM_DIR_RX)->cached_align = 64;
	fake_caps(e, DMASTREAM_DIR_TX)->cached_align = 64;
	fake_caps(e, DMASTREAM_DIR_MEMCPY)->cached_align = 64;
	CHECK_EQ(fake_open(e, DMASTREAM_DIR_RX, &rx), 0);
	CHECK_EQ(fake_open(e, DMASTREAM_DIR_TX, &tx), 0);
	CHECK_EQ(fake_open(e, DMASTREAM_DIR_MEMCPY, &m), 0);
	CHECK_EQ(dms_ring_setup_flags(rx, 4, 4096, 0, DMS_RING_CACHED), 0);
	CHECK_EQ(dms_batch_create(rx, 4, 8, &b), 0);
	CHECK_EQ(dms_batch_add_buf(b, 1, 0, 0, 100), -EINVAL);
	CHECK_EQ(dms_batch_add_buf(b, 1, 0, 32, 64), -EINVAL);
	CHECK_EQ(dms_batch_add_buf(b, 1, 0, 64, 128), 0);
	CHECK_EQ(dms_submit(rx, b), 1);
	dms_batch_destroy(b);
	/* The engine only reads a TX range: no such rule. */
	CHECK_EQ(dms_ring_setup_flags(tx, 4, 4096, 0, DMS_RING_CACHED), 0);
	CHECK_EQ(dms_batch_create(tx, 4, 8, &b), 0);
	CHECK_EQ(dms_batch_add_buf(b, 1, 0, 0, 100), 0);
	dms_batch_destroy(b);
	/* A memcpy: its destination only. */
	CHECK_EQ(dms_ring_setup_flags(m, 4, 4096, 0, DMS_RING_CACHED), 0);
	CHECK_EQ(dms_batch_create(m, 4, 8, &b), 0);
	CHECK_EQ(dms_batch_add_memcpy(b, 1, &src, 1, &dst, 1), -EINVAL);
	dst.len = src.len = 128;
	CHECK_EQ(dms_batch_add_memcpy(b, 1, &src, 1, &dst, 1), 0);
	dms_batch_destroy(b);
	/* A coherent ring on the same engine: no such rule. */
	CHECK_EQ(dms_ring_free(rx), 0);
	CHECK_EQ(dms_ring_setup(rx, 4, 4096, 0), 0);
	CHECK_EQ(dms_batch_create(rx, 4, 8, &b), 0);
	CHECK_EQ(dms_batch_add_buf(b, 1, 0, 0, 100), 0);
	dms_batch_destroy(b);
	dms_channel_close(rx);
	dms_channel_close(tx);
	dms_channel_close(m);
	fake_engine_free(e);
}

int main(void)
{
	test_checks();
	test_memcpy();
	test_partial();
	test_no_room();
	test_cached_lines();
	return check_report();
}
