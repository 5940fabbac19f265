// SPDX-License-Identifier: MIT
/*
 * Ring setup and teardown, buffer pointers, single submissions, reaping,
 * waiting, abort and the sticky error state, exports, through the fake
 * driver.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"
#include "fake-engine.h"

static void test_setup(void)
{
	struct fake_engine *e = fake_engine_new();
	struct dms_channel *tx;
	struct dmastream_info info;

	CHECK_EQ(fake_open(e, DMASTREAM_DIR_TX, &tx), 0);
	CHECK_EQ(dms_channel_direction(tx), DMASTREAM_DIR_TX);
	CHECK_EQ(dms_get_caps(tx)->max_segs, 16);
	CHECK(dms_buf(tx, 0) == NULL);
	CHECK_EQ(dms_buf_count(tx), 0);
	CHECK_EQ(dms_cq_ready(tx), 0);
	CHECK_EQ(dms_wait(tx, 1, 0), -ENXIO);
	CHECK_EQ(dms_ring_free(tx), -ENXIO);

	CHECK_EQ(dms_ring_setup(tx, 0, 4096, 0), -EINVAL);
	CHECK_EQ(dms_ring_setup(tx, 4, 5000, 0), 0);
	CHECK(fake_owned(e, DMASTREAM_DIR_TX));
	CHECK_EQ(dms_buf_count(tx), 4);
	CHECK_EQ(dms_buf_size(tx), 5000);
	CHECK_EQ(dms_cq_entries(tx), 64);
	/* Buffers are a page-aligned stride apart and writable. */
	CHECK_EQ((uintptr_t)dms_buf(tx, 1) - (uintptr_t)dms_buf(tx, 0), 8192);
	memset(dms_buf(tx, 3), 0xab, 5000);
	CHECK(dms_buf(tx, 4) == NULL);
	CHECK_EQ(dms_ring_setup(tx, 4, 4096, 0), -EBUSY);

	CHECK_EQ(dms_get_info(tx, &info), 0);
	CHECK_STR(info.label, "tx");
	CHECK_EQ(info.buffer_count, 4);

	CHECK_EQ(dms_ring_free(tx), 0);
	CHECK(!fake_owned(e, DMASTREAM_DIR_TX));
	/* Nothing was in flight: freeing did not stop (and count a stop of) the channel. */
	CHECK_EQ(fake_stats(e, DMASTREAM_DIR_TX)->channel_stops, 0);
	CHECK_EQ(dms_buf_count(tx), 0);
	CHECK_EQ(dms_ring_setup(tx, 2, 4096, 128), 0);
	CHECK_EQ(dms_cq_entries(tx), 128);
	dms_channel_close(tx);
	CHECK(!fake_owned(e, DMASTREAM_DIR_TX));
	fake_engine_free(e);
}

static void test_submit_reap_wait(void)
{
	struct fake_engine *e = fake_engine_new();
	struct dms_channel *tx, *rx;
	const struct dmastream_cqe *cqe;
	struct dmastream_cqe out[8];
	struct dmastream_stats st;
	uint64_t count;
	int efd;

	CHECK_EQ(fake_open(e, DMASTREAM_DIR_TX, &tx), 0);
	CHECK_EQ(fake_open(e, DMASTREAM_DIR_RX, &rx), 0);
	CHECK_EQ(dms_ring_setup(tx, 4, 4096, 0), 0);
	CHECK_EQ(dms_ring_setup(rx, 4, 4096, 0), 0);
	efd = eventfd(0, EFD_NONBLOCK);
	CHECK_EQ(dms_register_eventfd(rx, efd), 0);

	/* RX waits for data: nothing completes, and waiting says so. */
	CHECK_EQ(dms_submit_buf(rx, 11, 0, 0, 4096), 0);
	CHECK_EQ(dms_cq_peek(rx, &cqe), -EAGAIN);
	CHECK_EQ(dms_wait(rx, 1, 0), 0);
	CHECK_EQ(dms_wait(rx, 1, 1000000), -ETIMEDOUT);
	CHECK_EQ(dms_wait(rx, 0, 1000), -EINVAL);
	CHECK_EQ(dms_wait(rx, 65, 1000), -EINVAL);

	/* 100 bytes sent land short in the 4096-byte RX transfer. */
	memset(dms_buf(tx, 2), 0x5c, 100);
	CHECK_EQ(dms_submit_buf(tx, 22, 2, 0, 100), 0);
	CHECK_EQ(dms_wait(rx, 1, -1), 1);
	CHECK_EQ(dms_cq_peek(rx, &cqe), 0);
	CHECK_EQ(cqe->cookie, 11);
	CHECK_EQ(cqe->status, DMASTREAM_STATUS_OK);
	CHECK_EQ(cqe->bytes, 100);
	CHECK(cqe->flags & DMASTREAM_CQE_SHORT);
	CHECK(cqe->t_complete_ns >= cqe->t_submit_ns);
	CHECK_EQ(((uint8_t *)dms_buf(rx, 0))[99], 0x5c);
	dms_cq_advance(rx, 1);
	CHECK_EQ(dms_cq_ready(rx), 0);
	CHECK_EQ(read(efd, &count, sizeof(count)), 8);
	CHECK(count >= 1);

	CHECK_EQ(dms_reap(tx, out, 8), 1);
	CHECK_EQ(out[0].cookie, 22);
	CHECK_EQ(out[0].bytes, 100);
	CHECK_EQ(dms_reap(tx, out, 8), 0);

	/* Bad segments are refused before the driver sees them. */
	CHECK_EQ(dms_submit_buf(tx, 1, 4, 0, 10), -EINVAL);
	CHECK_EQ(dms_submit_buf(tx, 1, 0, 4000, 200), -EINVAL);
	CHECK_EQ(dms_submit_buf(tx, 1, 0, 0, 0), -EINVAL);

	/* Abort completes what is in flight as ABORTED, in order. */
	CHECK_EQ(dms_submit_buf(rx, 1, 0, 0, 64), 0);
	CHECK_EQ(dms_submit_buf(rx, 2, 1, 0, 64), 0);
	CHECK_EQ(dms_abort(rx), 0);
	CHECK_EQ(dms_reap(rx, out, 8), 2);
	CHECK_EQ(out[0].cookie, 1);
	CHECK_EQ(out[1].cookie, 2);
	CHECK_EQ(out[0].status, DMASTREAM_STATUS_ABORTED);
	CHECK_EQ(out[1].seq, out[0].seq + 1);
	CHECK_EQ(dms_get_stats(rx, &st), 0);
	CHECK_EQ(st.aborted, 2);
	CHECK_EQ(st.submitted, 3);
	CHECK_EQ(dms_reset_stats(rx), 0);
	CHECK_EQ(dms_get_stats(rx, &st), 0);
	CHECK_EQ(st.submitted, 0);

	/* Consecutive engine errors: the sticky error state, until reset. */
	CHECK_EQ(dms_set_config(tx, 0, 2), 0);
	fake_inject(e, DMASTREAM_DIR_TX, 1, FAKE_FAIL, DMASTREAM_STATUS_READ_ERROR);
	fake_inject(e, DMASTREAM_DIR_TX, 2, FAKE_FAIL, DMASTREAM_STATUS_READ_ERROR);
	CHECK_EQ(dms_submit_buf(tx, 1, 0, 0, 64), 0);
	CHECK_EQ(dms_submit_buf(tx, 2, 1, 0, 64), 0);
	CHECK(dms_cq_flags(tx) & DMASTREAM_CQ_ERROR);
	CHECK_EQ(dms_submit_buf(tx, 3, 0, 0, 64), -EIO);
	CHECK_EQ(dms_reap(tx, out, 8), 2);
	CHECK_EQ(out[0].status, DMASTREAM_STATUS_READ_ERROR);
	CHECK_EQ(dms_reset(tx), 0);
	CHECK(!(dms_cq_flags(tx) & DMASTREAM_CQ_ERROR));
	CHECK_EQ(dms_submit_buf(tx, 4, 0, 0, 64), 0);

	CHECK_EQ(dms_register_eventfd(rx, -1), 0);
	close(efd);
	dms_channel_close(tx);
	dms_channel_close(rx);
	fake_engine_free(e);
}

/* Each setter changes its own settings and leaves the others alone. */
static void test_settings(void)
{
	struct fake_engine *e = fake_engine_new();
	struct dmastream_info info;
	struct dms_channel *tx;

	CHECK_EQ(fake_open(e, DMASTREAM_DIR_TX, &tx), 0);
	CHECK_EQ(dms_set_wake_min(tx, 4), -ENXIO);	/* owner only */
	CHECK_EQ(dms_ring_setup(tx, 4, 4096, 0), 0);
	CHECK_EQ(dms_set_wake_min(tx, DMASTREAM_WAKE_MIN_MAX + 1), -EINVAL);
	CHECK_EQ(dms_set_config(tx, 100, 3), 0);
	CHECK_EQ(dms_set_wake_min(tx, 4), 0);
	CHECK_EQ(dms_get_info(tx, &info), 0);
	CHECK_EQ(info.timeout_ms, 100);
	CHECK_EQ(info.error_threshold, 3);
	CHECK_EQ(info.wake_min, 4);
	CHECK_EQ(dms_set_config(tx, 200, 5), 0);
	CHECK_EQ(dms_get_info(tx, &info), 0);
	CHECK_EQ(info.timeout_ms, 200);
	CHECK_EQ(info.wake_min, 4);
	/* A new owner starts from no watermark. */
	CHECK_EQ(dms_ring_free(tx), 0);
	CHECK_EQ(dms_ring_setup(tx, 4, 4096, 0), 0);
	CHECK_EQ(dms_get_info(tx, &info), 0);
	CHECK_EQ(info.wake_min, 0);
	/* A driver older than the watermark. */
	fake_caps(e, DMASTREAM_DIR_TX)->abi_version = 0x00010001;
	dms_channel_close(tx);
	CHECK_EQ(fake_open(e, DMASTREAM_DIR_TX, &tx), 0);
	CHECK_EQ(dms_ring_setup(tx, 4, 4096, 0), 0);
	CHECK_EQ(dms_set_wake_min(tx, 4), -EOPNOTSUPP);
	CHECK_EQ(dms_set_config(tx, 0, 8), 0);
	dms_channel_close(tx);
	fake_engine_free(e);
}

/* Cached rings: asked for, reported back, refused where they cannot be. */
static void test_cached(void)
{
	struct fake_engine *e = fake_engine_new();
	struct dmastream_info info;
	struct dms_channel *rx;
	uint32_t max;

	CHECK_EQ(fake_open(e, DMASTREAM_DIR_RX, &rx), 0);
	max = dms_get_caps(rx)->max_cached_buffer_size;
	CHECK(max > 0);
	CHECK_EQ(dms_ring_setup_flags(rx, 4, 4096, 0, 0x2), -EINVAL);
	CHECK_EQ(dms_ring_setup_flags(rx, 1, max + 1, 0, DMS_RING_CACHED), -E2BIG);
	CHECK_EQ(dms_buf_count(rx), 0);
	CHECK_EQ(dms_ring_setup_flags(rx, 4, 4096, 0, DMS_RING_CACHED), 0);
	CHECK_EQ(dms_ring_flags(rx), DMS_RING_CACHED);
	CHECK_EQ(dms_get_info(rx, &info), 0);
	CHECK_EQ(info.ring_flags, DMASTREAM_RING_CACHED);
	CHECK(dms_buf(rx, 3) != NULL);
	CHECK_EQ(dms_ring_free(rx), 0);
	CHECK_EQ(dms_ring_flags(rx), 0);
	CHECK_EQ(dms_ring_setup(rx, 4, 4096, 0), 0);
	CHECK_EQ(dms_ring_flags(rx), 0);
	CHECK_EQ(dms_ring_free(rx), 0);
	/* A driver older than cached rings: said so, not EINVAL. */
	fake_caps(e, DMASTREAM_DIR_RX)->abi_version = 0x00010002;
	dms_channel_close(rx);
	CHECK_EQ(fake_open(e, DMASTREAM_DIR_RX, &rx), 0);
	CHECK_EQ(dms_ring_setup_flags(rx, 4, 4096, 0, DMS_RING_CACHED), -EOPNOTSUPP);
	CHECK_EQ(dms_ring_setup_flags(rx, 4, 4096, 0, 0), 0);
	dms_channel_close(rx);
	fake_engine_free(e);
}

/* dms_buf_export(): the library's checks, and an fd of the buffer's memory. */
static void test_export(void)
{
	struct fake_engine *e = fake_engine_new();
	struct dms_channel *ch;
	uint8_t *map;
	int fd;

	CHECK_EQ(fake_open(e, DMASTREAM_DIR_MEMCPY, &ch), 0);
	CHECK_EQ(dms_buf_export(ch, 0, 0), -ENXIO);
	CHECK_EQ(dms_ring_setup(ch, 4, 4096, 0), 0);
	CHECK_EQ(dms_buf_export(ch, 4, 0), -EINVAL);
	CHECK_EQ(dms_buf_export(ch, 0, 0x4), -EINVAL);

	fd = dms_buf_export(ch, 2, DMS_EXPORT_WRITE | DMS_EXPORT_CLOEXEC);
	CHECK(fd >= 0);
	CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(map != MAP_FAILED);
	if (map != MAP_FAILED) {
		/* One memory: written through the export, seen in the ring. */
		memset(map, 0x3c, 4096);
		CHECK_EQ(((uint8_t *)dms_buf(ch, 2))[4095], 0x3c);
		CHECK_EQ(((uint8_t *)dms_buf(ch, 1))[0], 0);
		munmap(map, 4096);
	}
	close(fd);
	fd = dms_buf_export(ch, 1, 0);
	CHECK(fd >= 0);
	CHECK(!(fcntl(fd, F_GETFD) & FD_CLOEXEC));
	CHECK(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED);
	close(fd);
	dms_channel_close(ch);

	/* A driver older than exports: said so, not ENOTTY. */
	fake_caps(e, DMASTREAM_DIR_MEMCPY)->abi_version = 0x00010003;
	CHECK_EQ(fake_open(e, DMASTREAM_DIR_MEMCPY, &ch), 0);
	CHECK_EQ(dms_ring_setup(ch, 1, 4096, 0), 0);
	CHECK_EQ(dms_buf_export(ch, 0, 0), -EOPNOTSUPP);
	dms_channel_close(ch);
	fake_engine_free(e);
}

/* A file of @size bytes standing in for a dma-buf in the fake engine. */
static int fake_dmabuf(size_t size, uint8_t fill)
{
	int fd = memfd_create("fake-dmabuf", MFD_CLOEXEC);
	uint8_t *map;

	CHECK(fd >= 0 && ftruncate(fd, size) == 0);
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(map != MAP_FAILED);
	if (map != MAP_FAILED) {
		memset(map, fill, size);
		munmap(map, size);
	}
	return fd;
}

/* dms_buf_import(), dms_buf_release(): slots, the checks of segments, data. */
static void test_import(void)
{
	struct fake_engine *e = fake_engine_new();
	struct dms_import_info a, b, ro;
	struct dmastream_seg src, dst;
	struct dmastream_cqe out[2];
	struct dms_channel *ch;
	struct dms_batch *bt;
	int fa, fb, own;
	uint8_t *map;

	fa = fake_dmabuf(8192, 'a');
	fb = fake_dmabuf(4096, 'b');
	CHECK_EQ(fake_open(e, DMASTREAM_DIR_MEMCPY, &ch), 0);
	CHECK_EQ(dms_buf_import(ch, fa, 0, &a), -ENXIO);
	CHECK_EQ(dms_ring_setup(ch, 2, 4096, 0), 0);
	CHECK_EQ(dms_buf_import(ch, fa, 0x2, &a), -EINVAL);
	CHECK_EQ(dms_buf_import(ch, fa, 0, NULL), -EINVAL);
	CHECK_EQ(dms_buf_import(ch, fa, 0, &a), 0);
	CHECK_EQ(a.index, DMS_BUF_IMPORTED | 0);
	CHECK_EQ(a.size, 8192);
	CHECK_EQ(a.runs, 1);
	CHECK_EQ(dms_buf_import(ch, fa, 0, &b), -EEXIST);	/* imported already */
	CHECK_EQ(dms_buf_import(ch, fb, 0, &b), 0);
	CHECK_EQ(b.index, DMS_BUF_IMPORTED | 1);
	own = dms_buf_export(ch, 0, DMS_EXPORT_WRITE);
	CHECK_EQ(dms_buf_import(ch, own, 0, &ro), -EINVAL);	/* the ring's own buffer */
	close(own);

	/* Segments on imports: bounds, and no writing one the engine only reads. */
	CHECK_EQ(dms_batch_create(ch, 2, 4, &bt), 0);
	src = (struct dmastream_seg){ .buf = a.index, .offset = 4096, .len = 4096 };
	dst = (struct dmastream_seg){ .buf = 0, .len = 4096 };
	CHECK_EQ(dms_batch_add_memcpy(bt, 1, &src, 1, &dst, 1), 0);
	src = (struct dmastream_seg){ .buf = 1, .len = 4096 };
	dst = (struct dmastream_seg){ .buf = b.index, .offset = 1, .len = 4096 };
	CHECK_EQ(dms_batch_add_memcpy(bt, 2, &src, 1, &dst, 1), -EINVAL);
	dst.buf = DMS_BUF_IMPORTED | 2;
	dst.offset = 0;
	CHECK_EQ(dms_batch_add_memcpy(bt, 2, &src, 1, &dst, 1), -EINVAL);	/* empty slot */
	dst.buf = b.index;
	memset(dms_buf(ch, 1), 'c', 4096);
	CHECK_EQ(dms_batch_add_memcpy(bt, 2, &src, 1, &dst, 1), 1);
	CHECK_EQ(dms_submit(ch, bt), 2);
	CHECK_EQ(dms_reap(ch, out, 2), 2);
	CHECK_EQ(out[0].status, DMASTREAM_STATUS_OK);
	CHECK_EQ(out[1].status, DMASTREAM_STATUS_OK);
	CHECK_EQ(((uint8_t *)dms_buf(ch, 0))[4095], 'a');
	map = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fb, 0);
	CHECK(map != MAP_FAILED);
	if (map != MAP_FAILED) {
		CHECK_EQ(map[0], 'c');
		CHECK_EQ(map[4095], 'c');
		munmap(map, 4096);
	}
	CHECK_EQ(dms_buf_release(ch, b.index), 0);
	CHECK_EQ(dms_buf_release(ch, b.index), -EINVAL);
	CHECK_EQ(dms_buf_release(ch, 1), -EINVAL);
	CHECK_EQ(dms_buf_import(ch, fb, DMS_IMPORT_ENGINE_READS, &ro), 0);
	CHECK_EQ(ro.index, DMS_BUF_IMPORTED | 1);			/* the freed slot */
	dst.buf = ro.index;
	CHECK_EQ(dms_batch_add_memcpy(bt, 3, &src, 1, &dst, 1), -EACCES);
	/* Freeing the ring releases them all: slot 0 is free again after. */
	CHECK_EQ(dms_ring_free(ch), 0);
	CHECK_EQ(dms_ring_setup(ch, 2, 4096, 0), 0);
	CHECK_EQ(dms_buf_import(ch, fb, 0, &b), 0);
	CHECK_EQ(b.index, DMS_BUF_IMPORTED | 0);
	dms_batch_destroy(bt);
	dms_channel_close(ch);

	/* A driver older than imports: said so, not ENOTTY. */
	fake_caps(e, DMASTREAM_DIR_MEMCPY)->abi_version = 0x00010004;
	CHECK_EQ(fake_open(e, DMASTREAM_DIR_MEMCPY, &ch), 0);
	CHECK_EQ(dms_ring_setup(ch, 1, 4096, 0), 0);
	CHECK_EQ(dms_buf_import(ch, fa, 0, &a), -EOPNOTSUPP);
	dms_channel_close(ch);
	fake_engine_free(e);
	close(fa);
	close(fb);
}

/* dms_buf_register(): the program's memory in a slot, beside imports. */
static void test_register(void)
{
	struct fake_engine *e = fake_engine_new();
	struct dms_import_info a, m, r;
	struct dmastream_seg src, dst;
	struct dmastream_cqe out[1];
	struct dms_channel *ch;
	struct dms_batch *bt;
	uint8_t *mem, *hole;
	int fa;

	fa = fake_dmabuf(4096, 'a');
	mem = mmap(NULL, 16384, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	hole = mmap(NULL, 8192, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(mem != MAP_FAILED && hole != MAP_FAILED);
	munmap(hole, 8192);
	CHECK_EQ(fake_open(e, DMASTREAM_DIR_MEMCPY, &ch), 0);
	CHECK_EQ(dms_buf_register(ch, mem, 8192, 0, &m), -ENXIO);
	CHECK_EQ(dms_ring_setup(ch, 1, 4096, 0), 0);
	CHECK_EQ(dms_buf_register(ch, mem, 0, 0, &m), -EINVAL);
	CHECK_EQ(dms_buf_register(ch, mem, 8192, 0x2, &m), -EINVAL);
	CHECK_EQ(dms_buf_register(ch, hole, 8192, 0, &m), -EFAULT);
	CHECK_EQ(dms_buf_import(ch, fa, 0, &a), 0);
	CHECK_EQ(dms_buf_register(ch, mem, 8192, 0, &m), 0);
	CHECK_EQ(m.index, DMS_BUF_IMPORTED | 1);		/* after the import */
	CHECK_EQ(m.size, 8192);
	CHECK_EQ(dms_buf_register(ch, mem + 4096, 8192, 0, &r), -EEXIST);	/* overlaps */
	CHECK_EQ(dms_buf_register(ch, mem + 8192, 8192, DMS_IMPORT_ENGINE_READS, &r), 0);

	/* Data: the ring buffer into the memory, in place; bounds; read only. */
	CHECK_EQ(dms_batch_create(ch, 2, 4, &bt), 0);
	memset(dms_buf(ch, 0), 'r', 4096);
	src = (struct dmastream_seg){ .buf = 0, .len = 4096 };
	dst = (struct dmastream_seg){ .buf = m.index, .offset = 4096, .len = 4096 };
	CHECK_EQ(dms_batch_add_memcpy(bt, 1, &src, 1, &dst, 1), 0);
	CHECK_EQ(dms_submit(ch, bt), 1);
	CHECK_EQ(dms_reap(ch, out, 1), 1);
	CHECK_EQ(out[0].status, DMASTREAM_STATUS_OK);
	CHECK_EQ(mem[4096], 'r');
	CHECK_EQ(mem[8191], 'r');
	CHECK_EQ(mem[4095], 0);
	dst.offset = 8192;
	CHECK_EQ(dms_batch_add_memcpy(bt, 2, &src, 1, &dst, 1), -EINVAL);	/* beyond */
	dst = (struct dmastream_seg){ .buf = r.index, .len = 4096 };
	CHECK_EQ(dms_batch_add_memcpy(bt, 2, &src, 1, &dst, 1), -EACCES);
	CHECK_EQ(dms_buf_release(ch, m.index), 0);
	CHECK_EQ(dms_buf_register(ch, mem + 4096, 4096, 0, &m), 0);	/* free again */
	dms_batch_destroy(bt);
	dms_channel_close(ch);

	/* A driver older than registered memory: said so. */
	fake_caps(e, DMASTREAM_DIR_MEMCPY)->abi_version = 0x00010005;
	CHECK_EQ(fake_open(e, DMASTREAM_DIR_MEMCPY, &ch), 0);
	CHECK_EQ(dms_ring_setup(ch, 1, 4096, 0), 0);
	CHECK_EQ(dms_buf_register(ch, mem, 4096, 0, &m), -EOPNOTSUPP);
	dms_channel_close(ch);
	fake_engine_free(e);
	munmap(mem, 16384);
	close(fa);
}

int main(void)
{
	test_setup();
	test_submit_reap_wait();
	test_settings();
	test_cached();
	test_export();
	test_import();
	test_register();
	return check_report();
}
