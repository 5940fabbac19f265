// SPDX-License-Identifier: MIT
/*
 * Cached rings (DMASTREAM_RING_CACHED): limits and errnos, then the two
 * hand-overs on the memcpy channel and through the TX -> RX loopback.
 * Every check of data is one a missing or wrong cache sync breaks when the
 * guest bounces streaming DMA (swiotlb=force, vm-cached.sh): the engine
 * then works on a copy that only the syncs bring in step with the pages
 * the program sees.
 *
 *   seen by the engine   what the CPU wrote is what the engine reads, also
 *                        when the CPU rewrites a buffer between transfers
 *   seen by the CPU      what the engine wrote is what the CPU reads once
 *                        the record is there
 *   kept                 bytes of a destination the engine does not write
 *                        (a short packet) keep what the CPU put there
 *
 * DSTEST_BOUNCE=1: the guest bounces (vm-cached.sh checked swiotlb=force)
 * and the driver maps cached rings for streaming DMA (cached_streaming=1);
 * the cached ring must then hold bounce slots, or nothing is being tested.
 */
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dstest.h"

#define NBUF		4
#define BUFSZ		(64U << 10)
#define SENTINEL	0x5a
/* swiotlb's count of slots in use, and a slot's size (DSTEST_BOUNCE). */
#define TLB_USED	"/sys/kernel/debug/swiotlb/io_tlb_used"
#define TLB_SLOT	2048

static void setup_cached(struct tchan *c, const char *label)
{
	struct dmastream_info info;

	setenv("DSTEST_RING", "cached", 1);
	t_setup(c, label, NBUF, BUFSZ, 0);
	T_ASSERT(ioctl(c->fd, DMASTREAM_IOC_GET_INFO, &info) == 0, "GET_INFO: %s",
		 strerror(errno));
	T_CHECK(info.ring_flags == DMASTREAM_RING_CACHED, "%s: ring_flags %#x", label,
		info.ring_flags);
}

/* What GET_CAPS says, and what SET_RING refuses. */
static void limits(void)
{
	struct dmastream_caps caps;
	struct dmastream_info info;
	struct dmastream_ring r;
	long page = sysconf(_SC_PAGESIZE);
	int fd = t_open("memcpy", O_RDWR);

	T_ASSERT(ioctl(fd, DMASTREAM_IOC_GET_CAPS, &caps) == 0, "GET_CAPS: %s", strerror(errno));
	T_CHECK(caps.abi_version >= 0x00010003, "abi %#x", caps.abi_version);
	T_CHECK(caps.max_cached_buffer_size >= (uint32_t)page &&
		caps.max_cached_buffer_size % page == 0 &&
		caps.max_cached_buffer_size <= caps.max_buffer_size,
		"max_cached_buffer_size %u (max_buffer_size %u)", caps.max_cached_buffer_size,
		caps.max_buffer_size);
	T_CHECK(caps.cached_align && !(caps.cached_align & (caps.cached_align - 1)) &&
		(!(caps.flags & DMASTREAM_CAP_COHERENT) || caps.cached_align == 1),
		"cached_align %u, coherent %d", caps.cached_align,
		!!(caps.flags & DMASTREAM_CAP_COHERENT));
	printf("cached: max_cached_buffer_size %u, cached_align %u, coherent %d\n",
	       caps.max_cached_buffer_size, caps.cached_align,
	       !!(caps.flags & DMASTREAM_CAP_COHERENT));

	if (caps.max_cached_buffer_size < caps.max_buffer_size) {
		r = (struct dmastream_ring){ .count = 1, .size = caps.max_cached_buffer_size + 1,
					     .flags = DMASTREAM_RING_CACHED };
		T_ERRNO(ioctl(fd, DMASTREAM_IOC_SET_RING, &r), E2BIG);
		/*
		 * The limit is the cached ring's own: a coherent one of that size
		 * is not refused by a limit (it may find no memory without CMA).
		 */
		r = (struct dmastream_ring){ .count = 1, .size = caps.max_cached_buffer_size + 1 };
		if (ioctl(fd, DMASTREAM_IOC_SET_RING, &r) == 0) {
			T_CHECK(ioctl(fd, DMASTREAM_IOC_GET_INFO, &info) == 0 && info.ring_flags == 0,
				"coherent ring_flags %#x", info.ring_flags);
			r = (struct dmastream_ring){ 0 };
			T_CHECK(ioctl(fd, DMASTREAM_IOC_SET_RING, &r) == 0, "free: %s",
				strerror(errno));
		} else {
			T_CHECK(errno == ENOMEM, "coherent ring of %u: %s", r.size, strerror(errno));
		}
	}
	r = (struct dmastream_ring){ .count = 1, .size = caps.max_cached_buffer_size,
				     .flags = DMASTREAM_RING_CACHED };
	T_CHECK(ioctl(fd, DMASTREAM_IOC_SET_RING, &r) == 0, "cached ring of %u: %s", r.size,
		strerror(errno));
	r = (struct dmastream_ring){ .flags = DMASTREAM_RING_CACHED };
	T_ERRNO(ioctl(fd, DMASTREAM_IOC_SET_RING, &r), EINVAL);
	r = (struct dmastream_ring){ 0 };
	T_CHECK(ioctl(fd, DMASTREAM_IOC_SET_RING, &r) == 0, "free: %s", strerror(errno));
	close(fd);
}

/* Two mappings of one cached buffer, one from its second page, are one memory. */
static void mappings(struct tchan *c)
{
	long page = sysconf(_SC_PAGESIZE);
	uint8_t *part = mmap(NULL, BUFSZ - page, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd,
			     c->ring.buf_offset + c->ring.buf_stride + page);

	T_ASSERT(part != MAP_FAILED, "mmap from the second page: %s", strerror(errno));
	c->bufs[1][page + 5] = 0xa5;
	part[6] = 0x3c;
	T_CHECK(part[5] == 0xa5 && c->bufs[1][page + 6] == 0x3c, "two views of buffer 1 differ");
	munmap(part, BUFSZ - page);
	T_ERRNO((long)mmap(NULL, page, PROT_READ | PROT_EXEC, MAP_SHARED, c->fd,
			   c->ring.buf_offset), EPERM);
}

static void copy_once(struct tchan *c, uint32_t src, uint32_t soff, uint32_t dst, uint32_t doff,
		      uint32_t len, uint64_t cookie)
{
	struct dmastream_seg s[2] = {
		{ .buf = src, .offset = soff, .len = len },
		{ .buf = dst, .offset = doff, .len = len },
	};
	struct dmastream_xfer x = { .cookie = cookie, .nsegs = 1, .dst_seg_first = 1,
				    .dst_nsegs = 1 };
	struct dmastream_cqe cqe;
	int rc = t_submit(c, &x, 1, s, 2, NULL);

	T_ASSERT(rc == 1, "copy %llu: submit %d", (unsigned long long)cookie, rc);
	T_ASSERT(t_collect(c, &cqe, 1, 30000) == 0, "copy %llu: no record",
		 (unsigned long long)cookie);
	T_CHECK(cqe.status == DMASTREAM_STATUS_OK && cqe.bytes == len && cqe.cookie == cookie,
		"copy %llu: status %u bytes %u", (unsigned long long)cookie, cqe.status,
		cqe.bytes);
}

/*
 * The CPU rewrites the same source range before each copy, and the copies
 * go back and forth between two buffers: each must carry the latest bytes.
 */
static void memcpy_rounds(struct tchan *c, int rounds)
{
	uint32_t align = c->caps.addr_align > c->caps.len_align ? c->caps.addr_align :
								c->caps.len_align;

	for (int r = 0; r < rounds && !t_failures; r++) {
		uint32_t a = r % 2 ? 2 : 0, b = 2 - a;
		uint32_t len = align * (1 + t_rand() % (BUFSZ / 2 / align));
		uint32_t soff = align * (t_rand() % ((BUFSZ - len) / align + 1));
		uint32_t doff = align * (t_rand() % ((BUFSZ - len) / align + 1));
		size_t bad = 0;

		t_fill(c->bufs[a] + soff, len, 100 + r);
		memset(c->bufs[b], 0xee, BUFSZ);
		copy_once(c, a, soff, b, doff, len, r);
		T_CHECK(t_check_fill(c->bufs[b] + doff, len, 100 + r, &bad),
			"round %d: byte %zu of the destination is not the source's", r, bad);
		T_CHECK((doff == 0 || c->bufs[b][doff - 1] == 0xee) &&
			(doff + len == BUFSZ || c->bufs[b][doff + len] == 0xee),
			"round %d: bytes around the destination changed", r);
	}
	printf("cached: %d memcpy rounds\n", rounds);
}

/*
 * RX buffers prefilled by the CPU, packets shorter than the room: the
 * packet arrives, the rest of the room keeps the CPU's bytes.
 */
static void loopback_rounds(struct tchan *tx, struct tchan *rx, int rounds)
{
	for (int r = 0; r < rounds && !t_failures; r++) {
		uint32_t buf = r % NBUF;
		uint32_t len = 1 + t_rand() % (BUFSZ - 1);
		struct dmastream_cqe tcqe, rcqe;
		size_t bad = 0;
		uint32_t i;

		memset(rx->bufs[buf], SENTINEL, BUFSZ);
		t_fill(tx->bufs[buf], len, 500 + r);
		T_ASSERT(t_submit1(rx, buf, 0, BUFSZ, r) == 1, "round %d: rx submit", r);
		T_ASSERT(t_submit1(tx, buf, 0, len, r) == 1, "round %d: tx submit", r);
		T_ASSERT(t_collect(tx, &tcqe, 1, 30000) == 0, "round %d: no tx record", r);
		T_ASSERT(t_collect(rx, &rcqe, 1, 30000) == 0, "round %d: no rx record", r);
		T_CHECK(tcqe.status == DMASTREAM_STATUS_OK && tcqe.bytes == len,
			"round %d tx: status %u bytes %u of %u", r, tcqe.status, tcqe.bytes, len);
		T_CHECK(rcqe.status == DMASTREAM_STATUS_OK && rcqe.bytes == len,
			"round %d rx: status %u bytes %u of %u", r, rcqe.status, rcqe.bytes, len);
		T_CHECK(t_check_fill(rx->bufs[buf], len, 500 + r, &bad),
			"round %d: byte %zu of %u received differs", r, bad, len);
		for (i = len; i < BUFSZ && rx->bufs[buf][i] == SENTINEL; i++)
			;
		T_CHECK(i == BUFSZ, "round %d: byte %u after a %u-byte packet is %#x, not kept",
			r, i, len, i < BUFSZ ? rx->bufs[buf][i] : 0);
	}
	printf("cached: %d loopback rounds\n", rounds);
}

/* Closing with receives in flight stops them and frees the mapped ring. */
static void close_in_flight(void)
{
	struct tchan rx;

	setup_cached(&rx, "rx");
	for (uint32_t i = 0; i < NBUF; i++)
		T_ASSERT(t_submit1(&rx, i, 0, BUFSZ, i) == 1, "rx submit %u", i);
	t_teardown(&rx);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 50;
	struct tchan c, tx, rx;
	long long used;

	t_start("cached");
	limits();

	used = t_read_num(TLB_USED);
	setup_cached(&c, "memcpy");
	if (getenv("DSTEST_BOUNCE")) {
		/* Each buffer holds its bounce slots for the ring's life. */
		long long more = t_read_num(TLB_USED) - used;

		T_CHECK(more >= NBUF * BUFSZ / TLB_SLOT, "%lld bounce slots for %u buffers", more,
			NBUF);
	}
	mappings(&c);
	memcpy_rounds(&c, rounds);
	t_teardown(&c);

	setup_cached(&tx, "tx");
	setup_cached(&rx, "rx");
	loopback_rounds(&tx, &rx, rounds);
	t_teardown(&tx);
	t_teardown(&rx);

	close_in_flight();
	return t_report();
}
