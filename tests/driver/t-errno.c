// SPDX-License-Identifier: MIT
/*
 * Every errno the ABI documents (docs/abi.md), provoked one by one: bad
 * arguments get the documented error, nothing is queued by a refused batch,
 * and the channel still works afterwards.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/time.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dstest.h"

static long page;

static void test_open_modes(void)
{
	struct dmastream_ring ring = { .count = 1, .size = 4096 };
	struct dmastream_caps caps;
	struct dmastream_info info;
	struct dmastream_stats st;
	struct dmastream_submit sub = {};
	int fd = t_open("tx", O_RDONLY);

	T_CHECK(ioctl(fd, DMASTREAM_IOC_GET_CAPS, &caps) == 0, "GET_CAPS read-only");
	T_CHECK(caps.abi_version == DMASTREAM_ABI_VERSION, "abi version %#x", caps.abi_version);
	T_CHECK(caps.direction == DMASTREAM_DIR_TX, "tx direction %u", caps.direction);
	T_CHECK(ioctl(fd, DMASTREAM_IOC_GET_INFO, &info) == 0, "GET_INFO read-only");
	T_CHECK(!strcmp(info.label, "tx") && !strcmp(info.device, T_DEV), "identity %s/%s",
		info.device, info.label);
	T_CHECK(!strncmp(info.dma_channel, "dma", 3), "dma channel %s", info.dma_channel);
	T_CHECK(ioctl(fd, DMASTREAM_IOC_GET_STATS, &st) == 0, "GET_STATS read-only");
	T_ERRNO(ioctl(fd, DMASTREAM_IOC_SET_RING, &ring), EBADF);
	T_ERRNO(ioctl(fd, DMASTREAM_IOC_SUBMIT, &sub), EBADF);
	T_ERRNO(ioctl(fd, DMASTREAM_IOC_ABORT), EBADF);
	T_ERRNO(ioctl(fd, _IO(DMASTREAM_IOC_MAGIC, 0x7f)), ENOTTY);
	T_ERRNO(ioctl(fd, _IOR('x', 0x00, int), &ring), ENOTTY);
	close(fd);
}

static void test_no_ring(void)
{
	struct dmastream_wait w = { .min_complete = 1 };
	struct dmastream_submit sub = { .nxfers = 1, .nsegs = 1 };
	int fd = t_open("tx", O_RDWR);
	void *p;

	/* Ownership is checked before the arrays are read. */
	T_ERRNO(ioctl(fd, DMASTREAM_IOC_SUBMIT, &sub), ENXIO);
	T_ERRNO(ioctl(fd, DMASTREAM_IOC_WAIT, &w), ENXIO);
	T_ERRNO(ioctl(fd, DMASTREAM_IOC_ABORT), ENXIO);
	T_ERRNO(ioctl(fd, DMASTREAM_IOC_RESET), ENXIO);
	p = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0);
	T_CHECK(p == MAP_FAILED && errno == ENXIO, "mmap without ring: %s",
		p == MAP_FAILED ? strerror(errno) : "mapped");
	close(fd);
}

static void test_set_ring_args(void)
{
	long long bytes_max = t_read_num("/sys/module/dmastream/parameters/ring_bytes_max");
	long long bufs_max = t_read_num("/sys/module/dmastream/parameters/buffers_max");
	long long size_max = t_read_num("/sys/module/dmastream/parameters/buffer_size_max");
	struct dmastream_ring r;
	int fd = t_open("tx", O_RDWR);

#define RING(...) (r = (struct dmastream_ring){ __VA_ARGS__ }, &r)
	T_ERRNO(ioctl(fd, DMASTREAM_IOC_SET_RING, RING(.count = 1, .size = 0)), EINVAL);
	T_ERRNO(ioctl(fd, DMASTREAM_IOC_SET_RING, RING(.count = 1, .size = 64, .flags = 2)), EINVAL);
	T_ERRNO(ioctl(fd, DMASTREAM_IOC_SET_RING, RING(.flags = DMASTREAM_RING_CACHED)), EINVAL);
	T_ERRNO(ioctl(fd, DMASTREAM_IOC_SET_RING, RING(.count = 1, .size = 64, .reserved[3] = 1)),
		EINVAL);
	T_ERRNO(ioctl(fd, DMASTREAM_IOC_SET_RING, RING(.count = 1, .size = 64, .buf_offset = 1)),
		EINVAL);
	T_ERRNO(ioctl(fd, DMASTREAM_IOC_SET_RING, RING(.count = 1, .size = 64, .cq.cqes = 1)),
		EINVAL);
	T_ERRNO(ioctl(fd, DMASTREAM_IOC_SET_RING, RING(.count = 1, .size = 64, .cq_entries = 3)),
		EINVAL);
	T_ERRNO(ioctl(fd, DMASTREAM_IOC_SET_RING,
		      RING(.count = 1, .size = 64, .cq_entries = 1U << 17)), EINVAL);
	T_ERRNO(ioctl(fd, DMASTREAM_IOC_SET_RING, RING(.count = 0, .size = 64)), EINVAL);
	T_ERRNO(ioctl(fd, DMASTREAM_IOC_SET_RING, RING(.count = bufs_max + 1, .size = 64)), E2BIG);
	T_ERRNO(ioctl(fd, DMASTREAM_IOC_SET_RING, RING(.count = 1, .size = size_max + 1)), E2BIG);
	T_ERRNO(ioctl(fd, DMASTREAM_IOC_SET_RING,
		      RING(.count = bytes_max / size_max + 1, .size = size_max)), E2BIG);
	T_ERRNO(ioctl(fd, DMASTREAM_IOC_SET_RING, (void *)16), EFAULT);
	/* Freeing without a ring is a no-op. */
	T_CHECK(ioctl(fd, DMASTREAM_IOC_SET_RING, RING(.count = 0)) == 0, "free without ring");
	/* Defaults and layout. */
	T_CHECK(ioctl(fd, DMASTREAM_IOC_SET_RING, RING(.count = 3, .size = 100)) == 0,
		"SET_RING 3x100: %s", strerror(errno));
	T_CHECK(r.cq_entries == 64, "default cq entries %u", r.cq_entries);
	T_CHECK(r.buf_stride == (uint64_t)page && r.buf_offset == r.cq_size && r.cq_offset == 0,
		"layout stride %llu offset %llu cq %llu", (unsigned long long)r.buf_stride,
		(unsigned long long)r.buf_offset, (unsigned long long)r.cq_size);
	T_CHECK(r.cq_size % page == 0 && r.cq.cqes + 64 * sizeof(struct dmastream_cqe) <= r.cq_size,
		"cq size %llu", (unsigned long long)r.cq_size);
	T_CHECK(ioctl(fd, DMASTREAM_IOC_SET_RING, RING(.count = 0)) == 0, "free ring");
#undef RING
	/*
	 * A request that can be read but not answered (a read-only page):
	 * EFAULT, and no ring is installed, nor ownership taken.
	 */
	{
		struct dmastream_ring *ro = mmap(NULL, page, PROT_READ | PROT_WRITE,
						 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		struct dmastream_info info;
		int other = t_open("tx", O_RDWR);

		T_CHECK(ro != MAP_FAILED, "mmap: %s", strerror(errno));
		*ro = (struct dmastream_ring){ .count = 2, .size = 4096 };
		T_CHECK(mprotect(ro, page, PROT_READ) == 0, "mprotect: %s", strerror(errno));
		T_ERRNO(ioctl(fd, DMASTREAM_IOC_SET_RING, ro), EFAULT);
		T_CHECK(ioctl(fd, DMASTREAM_IOC_GET_INFO, &info) == 0 && info.buffer_count == 0,
			"no ring after an unanswerable SET_RING: %u buffers", info.buffer_count);
		r = (struct dmastream_ring){ .count = 1, .size = 64 };
		T_CHECK(ioctl(other, DMASTREAM_IOC_SET_RING, &r) == 0,
			"another file may still take the channel: %s", strerror(errno));
		close(other);
		munmap(ro, page);
	}
	close(fd);
}

static void test_ownership(void)
{
	struct dmastream_ring r = { .count = 2, .size = 4096 };
	struct dmastream_info ia, ib;
	struct dmastream_stats st;
	int a = t_open("tx", O_RDWR), b = t_open("tx", O_RDWR);
	void *p;

	T_ASSERT(ioctl(a, DMASTREAM_IOC_SET_RING, &r) == 0, "owner SET_RING: %s", strerror(errno));
	r = (struct dmastream_ring){ .count = 2, .size = 4096 };
	T_ERRNO(ioctl(b, DMASTREAM_IOC_SET_RING, &r), EBUSY);
	T_ERRNO(ioctl(b, DMASTREAM_IOC_ABORT), EBUSY);
	T_CHECK(ioctl(b, DMASTREAM_IOC_GET_STATS, &st) == 0, "observer stats");
	T_CHECK(ioctl(b, DMASTREAM_IOC_RESET_STATS) == 0, "RESET_STATS by a non-owner: %s",
		strerror(errno));
	{
		int ro = t_open("tx", O_RDONLY);

		T_ERRNO(ioctl(ro, DMASTREAM_IOC_RESET_STATS), EBADF);
		close(ro);
	}
	p = mmap(NULL, page, PROT_READ, MAP_SHARED, b, 0);
	T_CHECK(p == MAP_FAILED && errno == EBUSY, "observer mmap");
	T_CHECK(ioctl(a, DMASTREAM_IOC_GET_INFO, &ia) == 0 && ioctl(b, DMASTREAM_IOC_GET_INFO, &ib) == 0,
		"GET_INFO");
	T_CHECK(ia.flags == (DMASTREAM_INFO_OWNER | DMASTREAM_INFO_OWNED), "owner flags %#x",
		ia.flags);
	T_CHECK(ib.flags == DMASTREAM_INFO_OWNED, "observer flags %#x", ib.flags);
	T_CHECK(ia.state == DMASTREAM_STATE_READY && ia.buffer_count == 2 &&
		ia.buffer_size == 4096, "info state %u ring %u x %u", ia.state, ia.buffer_count,
		ia.buffer_size);
	/* Closing the owner frees the channel for the next one. */
	close(a);
	r = (struct dmastream_ring){ .count = 2, .size = 4096 };
	T_CHECK(ioctl(b, DMASTREAM_IOC_SET_RING, &r) == 0, "new owner after close: %s",
		strerror(errno));
	close(b);
}

static void test_mmap(void)
{
	struct tchan c;
	struct dmastream_ring r;
	uint8_t *p;

	t_setup(&c, "tx", 2, 3 * page, 0);
	/* Not shared, executable, outside every region, crossing a region's end. */
	p = mmap(NULL, page, PROT_READ, MAP_PRIVATE, c.fd, c.ring.buf_offset);
	T_CHECK(p == MAP_FAILED && errno == EINVAL, "MAP_PRIVATE");
	p = mmap(NULL, page, PROT_READ | PROT_EXEC, MAP_SHARED, c.fd, c.ring.buf_offset);
	T_CHECK(p == MAP_FAILED && errno == EPERM, "PROT_EXEC: %s",
		p == MAP_FAILED ? strerror(errno) : "mapped");
	p = mmap(NULL, page, PROT_READ, MAP_SHARED, c.fd,
		 c.ring.buf_offset + 2 * c.ring.buf_stride);
	T_CHECK(p == MAP_FAILED && errno == EINVAL, "offset past the last buffer");
	p = mmap(NULL, 4 * page, PROT_READ, MAP_SHARED, c.fd, c.ring.buf_offset);
	T_CHECK(p == MAP_FAILED && errno == EINVAL, "longer than the buffer");
	p = mmap(NULL, 2 * page, PROT_READ, MAP_SHARED, c.fd, c.ring.buf_offset + 2 * page);
	T_CHECK(p == MAP_FAILED && errno == EINVAL, "crossing into the next buffer");
	p = mmap(NULL, c.ring.cq_size + page, PROT_READ, MAP_SHARED, c.fd, 0);
	T_CHECK(p == MAP_FAILED && errno == EINVAL, "longer than the cq");
	if (c.ring.cq_size > (uint64_t)page) {
		p = mmap(NULL, page, PROT_READ, MAP_SHARED, c.fd, page);
		T_CHECK(p == MAP_FAILED && errno == EINVAL, "cq not from its start");
	}
	/* A page inside a buffer maps that page of it. */
	c.bufs[1][page + 7] = 0x5a;
	p = mmap(NULL, page, PROT_READ, MAP_SHARED, c.fd, c.ring.buf_offset + c.ring.buf_stride + page);
	T_CHECK(p != MAP_FAILED && p[7] == 0x5a, "page inside a buffer");
	if (p != MAP_FAILED)
		munmap(p, page);
	/* Buffers start zeroed. */
	for (long i = 0; i < 3 * page; i++)
		if (c.bufs[0][i]) {
			T_CHECK(0, "buffer 0 byte %ld not zero", i);
			break;
		}

	/* Resizing is refused while mapped, allowed once unmapped. */
	r = (struct dmastream_ring){ .count = 4, .size = 4096 };
	T_ERRNO(ioctl(c.fd, DMASTREAM_IOC_SET_RING, &r), EBUSY);
	t_unmap(&c);
	r = (struct dmastream_ring){ .count = 4, .size = 4096 };
	T_CHECK(ioctl(c.fd, DMASTREAM_IOC_SET_RING, &r) == 0, "resize after munmap: %s",
		strerror(errno));
	close(c.fd);

	/* Read-only file: no writable shared mapping (the kernel says EACCES). */
	{
		int ro = t_open("tx", O_RDONLY);

		p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0);
		T_CHECK(p == MAP_FAILED && errno == EACCES, "writable map of read-only file");
		close(ro);
	}
}

static int submit_hdr(struct tchan *c, struct dmastream_submit sub)
{
	return ioctl(c->fd, DMASTREAM_IOC_SUBMIT, &sub);
}

static void test_submit_header(struct tchan *c)
{
	struct dmastream_seg s = { .buf = 0, .len = 64 };
	struct dmastream_xfer x = { .nsegs = 1 };
	const struct dmastream_submit good = {
		.xfers = (uintptr_t)&x, .segs = (uintptr_t)&s, .nxfers = 1, .nsegs = 1,
	};
	struct dmastream_submit sub;

	sub = good; sub.nxfers = 0;
	T_ERRNO(submit_hdr(c, sub), EINVAL);
	sub = good; sub.nsegs = 0;
	T_ERRNO(submit_hdr(c, sub), EINVAL);
	sub = good; sub.flags = 1;
	T_ERRNO(submit_hdr(c, sub), EINVAL);
	sub = good; sub.reserved[1] = 1;
	T_ERRNO(submit_hdr(c, sub), EINVAL);
	sub = good; sub.nxfers = DMASTREAM_SUBMIT_MAX + 1;
	T_ERRNO(submit_hdr(c, sub), EINVAL);
	sub = good; sub.nsegs = DMASTREAM_SUBMIT_MAX_SEGS + 1;
	T_ERRNO(submit_hdr(c, sub), EINVAL);
	sub = good; sub.xfers = 8;
	T_ERRNO(submit_hdr(c, sub), EFAULT);
	sub = good; sub.segs = 8;
	T_ERRNO(submit_hdr(c, sub), EFAULT);
}

/* One transfer in a batch of three is bad: nothing queued, its index reported. */
static void expect_bad(struct tchan *c, const char *what, struct dmastream_xfer bad_x,
		       struct dmastream_seg bad_s, int err)
{
	struct dmastream_seg s[3] = {
		{ .buf = 0, .offset = 0, .len = 128 },
		bad_s,
		{ .buf = 1, .offset = 0, .len = 128 },
	};
	struct dmastream_xfer x[3] = {
		{ .cookie = 1, .seg_first = 0, .nsegs = 1 },
		bad_x,
		{ .cookie = 3, .seg_first = 2, .nsegs = 1 },
	};
	struct dmastream_stats before, after;
	uint32_t bad = 0;
	int rc;

	t_stats(c->fd, &before);
	rc = t_submit(c, x, 3, s, 3, &bad);
	t_stats(c->fd, &after);
	T_CHECK(rc == -err, "%s: expected -%s, got %d (%s)", what, strerror(err), rc,
		rc < 0 ? strerror(-rc) : "queued");
	T_CHECK(bad == 1, "%s: bad_index %u", what, bad);
	T_CHECK(after.submitted == before.submitted, "%s: %llu transfers queued", what,
		(unsigned long long)(after.submitted - before.submitted));
}

static void test_submit_validation(void)
{
	struct tchan c;
	struct dmastream_seg ok = { .buf = 2, .offset = 0, .len = 64 };
	struct dmastream_xfer x1 = { .cookie = 2, .seg_first = 1, .nsegs = 1 };
	struct dmastream_xfer x;
	struct dmastream_seg s;
	uint32_t max_seg;

	t_setup(&c, "tx", 4, 8192, 0);
	max_seg = c.caps.max_seg_size;
	test_submit_header(&c);

	s = ok; s.buf = 4;
	expect_bad(&c, "buffer index out of range", x1, s, EINVAL);
	s = ok; s.offset = 8190; s.len = 3;
	expect_bad(&c, "segment past the buffer end", x1, s, EINVAL);
	s = ok; s.offset = 8192; s.len = 1;
	expect_bad(&c, "offset at the buffer end", x1, s, EINVAL);
	s = ok; s.offset = UINT32_MAX; s.len = 2;
	expect_bad(&c, "offset + len wraps", x1, s, EINVAL);
	s = ok; s.len = 0;
	expect_bad(&c, "zero length", x1, s, EINVAL);
	s = ok; s.reserved = 1;
	expect_bad(&c, "segment reserved", x1, s, EINVAL);
	x = x1; x.reserved = 1;
	expect_bad(&c, "transfer reserved", x, ok, EINVAL);
	x = x1; x.flags = 0x80;
	expect_bad(&c, "unknown transfer flag", x, ok, EINVAL);
	x = x1; x.timeout_ms = 5;
	expect_bad(&c, "timeout without its flag", x, ok, EINVAL);
	x = x1; x.nsegs = 0;
	expect_bad(&c, "no segments", x, ok, EINVAL);
	x = x1; x.seg_first = 3;
	expect_bad(&c, "segments outside the batch", x, ok, EINVAL);
	x = x1; x.nsegs = 3;
	expect_bad(&c, "segment range past the batch", x, ok, EINVAL);
	x = x1; x.dst_nsegs = 1;
	expect_bad(&c, "destination on a tx channel", x, ok, EINVAL);
	x = x1; x.dst_seg_first = 1;
	expect_bad(&c, "destination index on a tx channel", x, ok, EINVAL);
	x = x1; x.nsegs = c.caps.max_segs + 1;
	expect_bad(&c, "more than max_segs", x, ok, E2BIG);
	if (max_seg < 8192) {
		s = ok; s.len = max_seg + 1;
		expect_bad(&c, "segment above max_seg_size", x1, s, E2BIG);
	}
	if (c.caps.addr_align > 1) {
		s = ok; s.offset = 1;
		expect_bad(&c, "misaligned offset", x1, s, EINVAL);
	}
	t_teardown(&c);
}

/*
 * The checks that need an engine with limits the default dmasim lacks:
 * "t-errno edges" runs them against dmasim loaded with copy_align=3 and
 * max_seg_size=4096 (vm-basic.sh), and fails if the engine is not so.
 */
static void test_engine_edges(void)
{
	struct dmastream_seg s[2];
	struct dmastream_xfer x = { .cookie = 1, .nsegs = 1, .dst_seg_first = 1, .dst_nsegs = 1 };
	char old[32];
	struct tchan c;
	uint32_t bad;
	int rc;

	t_setup(&c, "memcpy", 2, 2 << 20, 0);
	T_ASSERT(c.caps.addr_align == 8 && c.caps.len_align == 8,
		 "an engine with copy_align=3: align %u/%u", c.caps.addr_align, c.caps.len_align);
	s[0] = (struct dmastream_seg){ .buf = 0, .offset = 4, .len = 64 };
	s[1] = (struct dmastream_seg){ .buf = 1, .offset = 0, .len = 64 };
	rc = t_submit(&c, &x, 1, s, 2, &bad);
	T_CHECK(rc == -EINVAL, "misaligned memcpy source: %d", rc);
	s[0].offset = 0;
	s[1].len = s[0].len = 60;
	rc = t_submit(&c, &x, 1, s, 2, &bad);
	T_CHECK(rc == -EINVAL, "memcpy length not a multiple of len_align: %d", rc);
	/* A memcpy segment may exceed max_seg_size (the driver cuts it)... */
	s[0].len = s[1].len = 1 << 20;
	T_CHECK(t_submit(&c, &x, 1, s, 2, &bad) == 1, "a 1 MiB copy in 4 KiB pieces");
	{
		struct dmastream_cqe cqe;

		T_CHECK(t_collect(&c, &cqe, 1, 20000) == 0 && cqe.status == 0 &&
			cqe.bytes == 1U << 20, "the 1 MiB copy completes");
	}
	/* ...but not beyond max_segs x buffer_size_max, read at each SUBMIT. */
	T_CHECK(t_read_file("/sys/module/dmastream/parameters/buffer_size_max", old,
			    sizeof(old)) == 0, "read buffer_size_max");
	T_CHECK(t_write_file("/sys/module/dmastream/parameters/buffer_size_max", "4096") == 0,
		"buffer_size_max = 4096");
	s[0].len = s[1].len = 2 << 20;
	if (c.caps.max_segs * 4096ULL < (2U << 20)) {
		rc = t_submit(&c, &x, 1, s, 2, &bad);
		T_CHECK(rc == -E2BIG, "copy above max_segs x buffer_size_max: %d", rc);
	} else {
		T_CHECK(0, "max_segs %u too large for the total-length check", c.caps.max_segs);
	}
	T_CHECK(t_write_file("/sys/module/dmastream/parameters/buffer_size_max", old) == 0,
		"buffer_size_max restored");
	t_teardown(&c);

	/* tx: a misaligned offset, a segment above max_seg_size. */
	t_setup(&c, "tx", 2, 8192, 0);
	T_ASSERT(c.caps.max_seg_size == 4096, "an engine with max_seg_size=4096: %u",
		 c.caps.max_seg_size);
	x = (struct dmastream_xfer){ .cookie = 2, .nsegs = 1 };
	s[0] = (struct dmastream_seg){ .buf = 0, .offset = 1, .len = 64 };
	rc = t_submit(&c, &x, 1, s, 1, &bad);
	T_CHECK(rc == -EINVAL, "misaligned tx offset: %d", rc);
	s[0] = (struct dmastream_seg){ .buf = 0, .offset = 0, .len = 4097 };
	rc = t_submit(&c, &x, 1, s, 1, &bad);
	T_CHECK(rc == -E2BIG, "tx segment above max_seg_size: %d", rc);
	t_teardown(&c);
}

/*
 * A batch is reserved in locked sections of 64 segments: a conflict in a
 * later section reports its own index and leaves nothing of the earlier
 * sections reserved, so the batch without it is then accepted whole.
 */
static void test_reserve_sections(void)
{
	struct dmastream_seg s[100];
	struct dmastream_xfer x[100];
	struct tchan c;
	uint32_t bad;
	int rc;

	/* Nothing is sent, so RX transfers stay in flight. */
	t_setup(&c, "rx", 2, 8192, 128);
	for (int i = 0; i < 100; i++) {
		s[i] = (struct dmastream_seg){ .buf = i / 64, .offset = (i % 64) * 64, .len = 64 };
		x[i] = (struct dmastream_xfer){ .cookie = i, .seg_first = i, .nsegs = 1 };
	}
	x[90].seg_first = 5;
	rc = t_submit(&c, x, 100, s, 100, &bad);
	T_CHECK(rc == -EBUSY && bad == 90, "conflict in the second section: %d bad %u", rc, bad);
	x[90].seg_first = 90;
	x[70].seg_first = 69;
	rc = t_submit(&c, x, 100, s, 100, &bad);
	T_CHECK(rc == -EBUSY && bad == 70, "conflict in the second section: %d bad %u", rc, bad);
	x[70].seg_first = 70;
	/* At the boundary: the first transfer of the second section. */
	x[64].seg_first = 63;
	rc = t_submit(&c, x, 100, s, 100, &bad);
	T_CHECK(rc == -EBUSY && bad == 64, "conflict at the section boundary: %d bad %u", rc, bad);
	x[64].seg_first = 64;
	rc = t_submit(&c, x, 100, s, 100, &bad);
	T_CHECK(rc == 100, "the batch without its conflict: %d bad %u", rc, bad);
	t_teardown(&c);
}

static void test_rx_conflicts(void)
{
	struct dmastream_seg s[3];
	struct dmastream_xfer x[2];
	struct dmastream_cqe cqe[8];
	struct tchan c;
	uint32_t bad;
	int rc;

	/* Nothing is sent, so RX transfers stay in flight. */
	t_setup(&c, "rx", 4, 8192, 8);

	/* Within one RX transfer, written ranges may not overlap. */
	s[0] = (struct dmastream_seg){ .buf = 0, .offset = 0, .len = 100 };
	s[1] = (struct dmastream_seg){ .buf = 0, .offset = 99, .len = 10 };
	x[0] = (struct dmastream_xfer){ .nsegs = 2 };
	rc = t_submit(&c, x, 1, s, 2, &bad);
	T_CHECK(rc == -EINVAL && bad == 0, "overlapping rx segments: %d", rc);
	/* Adjacent ranges of one buffer are fine. */
	s[1].offset = 100;
	rc = t_submit(&c, x, 1, s, 2, &bad);
	T_CHECK(rc == 1, "adjacent rx segments: %d", rc);

	/* The same bytes again while in flight: EBUSY, also within one batch. */
	rc = t_submit1(&c, 0, 50, 10, 7);
	T_CHECK(rc == -EBUSY, "rx over an rx in flight: %d", rc);
	s[0] = (struct dmastream_seg){ .buf = 1, .offset = 0, .len = 4096 };
	s[1] = (struct dmastream_seg){ .buf = 1, .offset = 4095, .len = 2 };
	x[0] = (struct dmastream_xfer){ .cookie = 10, .seg_first = 0, .nsegs = 1 };
	x[1] = (struct dmastream_xfer){ .cookie = 11, .seg_first = 1, .nsegs = 1 };
	rc = t_submit(&c, x, 2, s, 2, &bad);
	T_CHECK(rc == -EBUSY && bad == 1, "conflict within a batch: %d bad %u", rc, bad);
	/* Other bytes of the same buffer: fine (slices). */
	rc = t_submit1(&c, 0, 4096, 4096, 8);
	T_CHECK(rc == 1, "rx into another slice: %d", rc);

	/* Room: cq_entries = 8, two in flight. A batch of 8 gets 6 in, then EAGAIN. */
	{
		struct dmastream_seg ss[8];
		struct dmastream_xfer xx[8];

		for (int i = 0; i < 8; i++) {
			ss[i] = (struct dmastream_seg){ .buf = 2 + i / 4, .offset = (i % 4) * 2048,
							.len = 2048 };
			xx[i] = (struct dmastream_xfer){ .cookie = 100 + i, .seg_first = i,
							 .nsegs = 1 };
		}
		rc = t_submit(&c, xx, 8, ss, 8, &bad);
		T_CHECK(rc == 6, "partial batch: %d", rc);
		T_CHECK(bad == UINT32_MAX, "partial batch bad_index %u", bad);
		rc = t_submit(&c, &xx[6], 2, ss, 8, &bad);
		T_CHECK(rc == -EAGAIN, "full queue: %d", rc);
	}

	/* WAIT: nothing completes, so it times out; bad arguments first. */
	{
		struct dmastream_wait w = { .min_complete = 0 };
		uint32_t avail = 99;

		T_ERRNO(ioctl(c.fd, DMASTREAM_IOC_WAIT, &w), EINVAL);
		w.min_complete = 9;
		T_ERRNO(ioctl(c.fd, DMASTREAM_IOC_WAIT, &w), EINVAL);
		w.min_complete = 1;
		w.reserved[0] = 1;
		T_ERRNO(ioctl(c.fd, DMASTREAM_IOC_WAIT, &w), EINVAL);
		rc = t_wait(&c, 1, 50000000, &avail);
		T_CHECK(rc == -ETIMEDOUT && avail == 0, "wait on idle rx: %d avail %u", rc, avail);
	}

	/* Abort: all eight complete as ABORTED, in order of submission. */
	T_CHECK(ioctl(c.fd, DMASTREAM_IOC_ABORT) == 0, "ABORT: %s", strerror(errno));
	rc = t_collect(&c, cqe, 8, 5000);
	T_CHECK(rc == 0, "collect aborted: %d", rc);
	for (int i = 0; i < 8 && !rc; i++) {
		T_CHECK(cqe[i].status == DMASTREAM_STATUS_ABORTED && cqe[i].bytes == 0,
			"cqe %d status %u bytes %u", i, cqe[i].status, cqe[i].bytes);
		if (i)
			T_CHECK(cqe[i].seq == cqe[i - 1].seq + 1, "seq %llu after %llu",
				(unsigned long long)cqe[i].seq, (unsigned long long)cqe[i - 1].seq);
	}
	T_CHECK(t_pending(&c) == 0, "nothing else pending");
	/* Freed ranges can be used again. */
	rc = t_submit1(&c, 0, 50, 10, 9);
	T_CHECK(rc == 1, "rx again after abort: %d", rc);
	T_CHECK(ioctl(c.fd, DMASTREAM_IOC_ABORT) == 0, "ABORT");
	t_collect(&c, cqe, 1, 5000);
	t_teardown(&c);
}

static void test_memcpy_validation(void)
{
	struct dmastream_seg s[3];
	struct dmastream_xfer x = { .nsegs = 1, .dst_seg_first = 1, .dst_nsegs = 1 };
	struct tchan c;
	uint32_t bad;
	int rc;

	t_setup(&c, "memcpy", 2, 8192, 0);
	s[0] = (struct dmastream_seg){ .buf = 0, .offset = 0, .len = 100 };
	s[1] = (struct dmastream_seg){ .buf = 0, .offset = 50, .len = 100 };
	rc = t_submit(&c, &x, 1, s, 2, &bad);
	T_CHECK(rc == -EINVAL, "memcpy source and destination overlap: %d", rc);
	s[1] = (struct dmastream_seg){ .buf = 1, .offset = 0, .len = 99 };
	rc = t_submit(&c, &x, 1, s, 2, &bad);
	T_CHECK(rc == -EINVAL, "memcpy lengths differ: %d", rc);
	x.dst_nsegs = 0;
	x.dst_seg_first = 0;
	rc = t_submit(&c, &x, 1, s, 2, &bad);
	T_CHECK(rc == -EINVAL, "memcpy without destination: %d", rc);
	t_teardown(&c);
}

/*
 * The allocator cannot give what the limits allow: ENOMEM, and the old ring
 * is still there and works. Three buffers of 1 GiB: on x86 (no CMA) nothing
 * above 4 MiB is contiguous; the ARM lanes' CMA (1.5 GiB, 384 MiB) and RAM
 * cannot hold them all either.
 */
static void test_alloc_failure(void)
{
	const char *param = "/sys/module/dmastream/parameters/";
	char bytes_max[32], size_max[32], total_max[32], path[128];
	struct dmastream_ring r = { .count = 3, .size = 1U << 30 };
	struct dmastream_info info;
	struct tchan c;

	snprintf(path, sizeof(path), "%sring_bytes_max", param);
	T_ASSERT(t_read_file(path, bytes_max, sizeof(bytes_max)) == 0, "read ring_bytes_max");
	T_ASSERT(t_write_file(path, "4294967295") == 0, "raise ring_bytes_max");
	/* Past the budget of all rings too: the allocator is what must refuse. */
	snprintf(path, sizeof(path), "%stotal_ring_bytes_max", param);
	T_ASSERT(t_read_file(path, total_max, sizeof(total_max)) == 0,
		 "read total_ring_bytes_max");
	T_ASSERT(t_write_file(path, "4294967295") == 0, "raise total_ring_bytes_max");
	snprintf(path, sizeof(path), "%sbuffer_size_max", param);
	T_ASSERT(t_read_file(path, size_max, sizeof(size_max)) == 0, "read buffer_size_max");
	T_ASSERT(t_write_file(path, "1073741824") == 0, "raise buffer_size_max");

	t_setup(&c, "rx", 2, 4096, 0);
	t_unmap(&c);
	T_ERRNO(ioctl(c.fd, DMASTREAM_IOC_SET_RING, &r), ENOMEM);
	T_CHECK(ioctl(c.fd, DMASTREAM_IOC_GET_INFO, &info) == 0 && info.buffer_count == 2 &&
		info.buffer_size == 4096 && (info.flags & DMASTREAM_INFO_OWNER),
		"old ring after ENOMEM: %u x %u", info.buffer_count, info.buffer_size);
	/* Still usable: an RX transfer is taken (and waits, as nothing is sent). */
	T_CHECK(t_submit1(&c, 1, 0, 64, 1) == 1, "old ring still usable");
	T_CHECK(ioctl(c.fd, DMASTREAM_IOC_ABORT) == 0, "abort");
	close(c.fd);

	T_CHECK(t_write_file(path, size_max) == 0, "restore buffer_size_max");
	snprintf(path, sizeof(path), "%sring_bytes_max", param);
	T_CHECK(t_write_file(path, bytes_max) == 0, "restore ring_bytes_max");
	snprintf(path, sizeof(path), "%stotal_ring_bytes_max", param);
	T_CHECK(t_write_file(path, total_max) == 0, "restore total_ring_bytes_max");
}

/*
 * SUBMIT's kernel memory is charged to the caller's memory cgroup: in one
 * whose memory.max it cannot fit, the call fails with ENOMEM (without the
 * OOM killer, which would leave a report in dmesg), queues nothing, and the
 * same call succeeds back in the root cgroup. The caller's own pages are
 * locked first so that nothing of its own needs charging meanwhile.
 */
#define T_CGROOT "/sys/fs/cgroup"
#define T_CG T_CGROOT "/t-errno-nomem"

static int move_to_cgroup(const char *dir)
{
	char path[128], pid[32];

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	snprintf(pid, sizeof(pid), "%d", getpid());
	return t_write_file(path, pid);
}

static void test_submit_nomem(void)
{
	enum { NX = DMASTREAM_SUBMIT_MAX, NS = DMASTREAM_SUBMIT_MAX_SEGS };
	static struct dmastream_xfer x[NX];
	static struct dmastream_seg s[NS];
	struct dmastream_submit sub = {
		.xfers = (uintptr_t)x, .segs = (uintptr_t)s, .nxfers = NX, .nsegs = NS,
	};
	struct dmastream_stats before, after;
	struct stat st;
	struct tchan c;
	int rc, err;

	if (stat(T_CGROOT "/cgroup.controllers", &st))
		T_ASSERT(mount("cgroup2", T_CGROOT, "cgroup2", 0, NULL) == 0,
			 "mount cgroup2: %s", strerror(errno));
	T_ASSERT(t_write_file(T_CGROOT "/cgroup.subtree_control", "+memory") == 0,
		 "enable the memory controller");
	T_ASSERT(mkdir(T_CG, 0755) == 0 || errno == EEXIST, "mkdir %s: %s", T_CG,
		 strerror(errno));
	T_ASSERT(t_write_file(T_CG "/memory.max", "65536") == 0, "memory.max 64 KiB");

	/*
	 * memcpy, so that what the control SUBMIT moves stays out of the
	 * loopback stream the next tests receive from. Four 32-byte pieces of
	 * buffer 0 into four of buffer 1, 2 or 3 each, every destination its
	 * own (a batch is refused whole if two transfers write the same bytes).
	 */
	t_setup(&c, "memcpy", 4, 64 << 10, 0);
	for (unsigned int i = 0; i < NX; i++) {
		struct dmastream_seg *g = &s[i * (NS / NX)];

		for (unsigned int k = 0; k < 4; k++) {
			g[k] = (struct dmastream_seg){ .buf = 0, .offset = k * 32, .len = 32 };
			g[4 + k] = (struct dmastream_seg){ .buf = 1 + i % 3,
							   .offset = (i / 3) * 128 + k * 32,
							   .len = 32 };
		}
		x[i] = (struct dmastream_xfer){ .cookie = i, .seg_first = i * (NS / NX), .nsegs = 4,
						.dst_seg_first = i * (NS / NX) + 4,
						.dst_nsegs = 4 };
	}
	t_stats(c.fd, &before);
	T_ASSERT(mlockall(MCL_CURRENT | MCL_FUTURE) == 0, "mlockall: %s", strerror(errno));
	T_ASSERT(move_to_cgroup(T_CG) == 0, "join %s", T_CG);
	rc = ioctl(c.fd, DMASTREAM_IOC_SUBMIT, &sub);
	err = errno;
	T_ASSERT(move_to_cgroup(T_CGROOT) == 0, "back to the root cgroup");
	munlockall();
	t_stats(c.fd, &after);
	T_CHECK(rc == -1 && err == ENOMEM, "SUBMIT above the cgroup's memory.max: %d %s", rc,
		rc < 0 ? strerror(err) : "accepted");
	T_CHECK(after.submitted == before.submitted, "%llu transfers queued by it",
		(unsigned long long)(after.submitted - before.submitted));
	rc = ioctl(c.fd, DMASTREAM_IOC_SUBMIT, &sub);
	T_CHECK(rc > 0, "the same SUBMIT outside it: %d %s", rc, rc < 0 ? strerror(errno) : "");
	if (rc > 0) {
		static struct dmastream_cqe cqe[NX];

		T_CHECK(t_collect(&c, cqe, (uint32_t)rc, 20000) == 0, "%d copies complete", rc);
	}
	t_teardown(&c);
	T_CHECK(rmdir(T_CG) == 0, "rmdir %s: %s", T_CG, strerror(errno));
}

static void test_eventfd_config(void)
{
	struct dmastream_eventfd e;
	struct dmastream_config cfg = {};
	struct tchan c;
	int efd, reg;

	t_setup(&c, "tx", 1, 4096, 0);
	e = (struct dmastream_eventfd){ .fd = 1000 };
	T_ERRNO(ioctl(c.fd, DMASTREAM_IOC_SET_EVENTFD, &e), EBADF);
	reg = open("/proc/self/status", O_RDONLY);
	e = (struct dmastream_eventfd){ .fd = reg };
	T_ERRNO(ioctl(c.fd, DMASTREAM_IOC_SET_EVENTFD, &e), EINVAL);
	close(reg);
	e = (struct dmastream_eventfd){ .fd = -2 };
	T_ERRNO(ioctl(c.fd, DMASTREAM_IOC_SET_EVENTFD, &e), EINVAL);
	efd = eventfd(0, EFD_CLOEXEC);
	e = (struct dmastream_eventfd){ .fd = efd, .flags = 1 };
	T_ERRNO(ioctl(c.fd, DMASTREAM_IOC_SET_EVENTFD, &e), EINVAL);
	e.flags = 0;
	T_CHECK(ioctl(c.fd, DMASTREAM_IOC_SET_EVENTFD, &e) == 0, "SET_EVENTFD");
	e.fd = -1;
	T_CHECK(ioctl(c.fd, DMASTREAM_IOC_SET_EVENTFD, &e) == 0, "clear eventfd");
	close(efd);

	cfg.reserved[2] = 1;
	T_ERRNO(ioctl(c.fd, DMASTREAM_IOC_SET_CONFIG, &cfg), EINVAL);
	cfg = (struct dmastream_config){ .flags = 4 };
	T_ERRNO(ioctl(c.fd, DMASTREAM_IOC_SET_CONFIG, &cfg), EINVAL);
	cfg = (struct dmastream_config){ .timeout_ms = 1234, .error_threshold = 3 };
	T_CHECK(ioctl(c.fd, DMASTREAM_IOC_SET_CONFIG, &cfg) == 0, "SET_CONFIG");
	{
		struct dmastream_info info;

		ioctl(c.fd, DMASTREAM_IOC_GET_INFO, &info);
		T_CHECK(info.timeout_ms == 1234 && info.error_threshold == 3, "config %u %u",
			info.timeout_ms, info.error_threshold);
	}
	t_teardown(&c);
}

static volatile sig_atomic_t alarms;

#define ALARMS_MAX	1000

/* The storm ends by itself after ALARMS_MAX alarms (20 s), so a wait that never times out shows. */
static void on_alarm(int sig)
{
	(void)sig;
	if (++alarms >= ALARMS_MAX) {
		struct itimerval off = {};

		setitimer(ITIMER_REAL, &off, NULL);
	}
}

/* A periodic SIGALRM, every 20 ms. */
static void alarm_storm(bool restart)
{
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = restart ? SA_RESTART : 0 };
	struct itimerval it = { .it_interval = { .tv_usec = 20000 },
				.it_value = { .tv_usec = 20000 } };

	alarms = 0;
	sigemptyset(&sa.sa_mask);
	T_CHECK(sigaction(SIGALRM, &sa, NULL) == 0, "sigaction");
	T_CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0, "setitimer");
}

static void alarm_stop(void)
{
	struct itimerval off = {};

	setitimer(ITIMER_REAL, &off, NULL);
	signal(SIGALRM, SIG_DFL);
}

/*
 * WAIT's timeout is a deadline, not a period that each signal starts
 * again: with SIGALRM every 20 ms (SA_RESTART), a 300 ms wait must end in
 * ETIMEDOUT while the signals still come. Before, every restart waited
 * the full 300 ms again and the call never returned while the storm went
 * on. Without SA_RESTART, EINTR and the time left in timeout_ns.
 */
static void test_wait_signals(void)
{
	struct dmastream_wait w;
	struct tchan c;
	int rc;

	t_setup(&c, "rx", 2, 4096, 8);
	rc = t_submit1(&c, 0, 0, 4096, 1);
	T_CHECK(rc == 1, "rx in flight: %d", rc);

	alarm_storm(true);
	w = (struct dmastream_wait){ .min_complete = 1, .timeout_ns = 300000000 };
	rc = ioctl(c.fd, DMASTREAM_IOC_WAIT, &w);
	T_CHECK(rc < 0 && errno == ETIMEDOUT, "restarted wait: %d %s", rc, strerror(errno));
	T_CHECK(alarms >= 1 && alarms < ALARMS_MAX, "timed out among %d signals", (int)alarms);
	alarm_stop();

	alarm_storm(false);
	w = (struct dmastream_wait){ .min_complete = 1, .timeout_ns = 10000000000ULL };
	rc = ioctl(c.fd, DMASTREAM_IOC_WAIT, &w);
	alarm_stop();
	T_CHECK(rc < 0 && errno == EINTR, "interrupted wait: %d %s", rc, strerror(errno));
	T_CHECK(w.timeout_ns > 0 && w.timeout_ns < 10000000000ULL, "time left %llu ns",
		(unsigned long long)w.timeout_ns);
	T_CHECK(ioctl(c.fd, DMASTREAM_IOC_ABORT) == 0, "abort");
	t_teardown(&c);
}

int main(int argc, char **argv)
{
	t_start("errno");
	page = sysconf(_SC_PAGESIZE);
	if (argc > 1 && !strcmp(argv[1], "edges")) {
		test_engine_edges();
		return t_report();
	}
	test_open_modes();
	test_no_ring();
	test_set_ring_args();
	test_ownership();
	test_mmap();
	test_submit_validation();
	test_rx_conflicts();
	test_reserve_sections();
	test_memcpy_validation();
	test_alloc_failure();
	test_submit_nomem();
	test_eventfd_config();
	test_wait_signals();
	return t_report();
}
