// SPDX-License-Identifier: MIT
/*
 * dsmem: what the CPU pays to use the data in its buffers, on one memcpy
 * channel: a coherent ring's, a cached ring's (DMASTREAM_RING_CACHED), the
 * program's own memory, registered (dms_buf_register), and two dma-bufs
 * (dms_dmabuf_alloc: a DMA heap's or udmabuf's) imported (dms_buf_import).
 *
 *	dsmem CHANNEL SIZE ROUNDS MS
 *
 * Each round measures the four kinds for MS milliseconds each, in an
 * order that rotates from round to round (A B C D, B C D A, ...), so that a
 * drift of the host affects all alike. A measured cycle is what a program that
 * processes its data in place does: the CPU writes every 64-bit word of
 * the source buffer, one copy of SIZE bytes runs (SUBMIT, WAIT, reap), and
 * the CPU reads every word of the destination and checks their sum; with
 * dma-bufs each loop is bracketed by DMA_BUF_IOCTL_SYNC, as their rules
 * ask, and the brackets count as the loop's. Per kind and round, one JSON
 * line on stdout (none for dma-bufs where the kernel cannot make them):
 *
 *	write_ns_per_kib, read_ns_per_kib   thread CPU time of the loops
 *	sys_ns_per_xfer                      system CPU time per cycle (the
 *	                                     submission and the wait, with the
 *	                                     driver's syncs on a cached ring)
 *	wall_ns_per_xfer, xfers, coherent    the channel's DMASTREAM_CAP_COHERENT
 *
 * A wrong sum fails the program (exit 1): the figures of a ring that
 * corrupts data mean nothing.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/dma-buf.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <libdmastream.h>

struct sample {
	uint64_t xfers;
	uint64_t write_ns, read_ns, sys_ns, wall_ns;
};

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t sys_ns(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (uint64_t)ru.ru_stime.tv_sec * 1000000000u + (uint64_t)ru.ru_stime.tv_usec * 1000u;
}

enum kind { KIND_COHERENT, KIND_CACHED, KIND_USER, KIND_DMABUF, KINDS };

static const char *const kind_names[KINDS] = { "coherent", "cached", "user", "dmabuf" };

/* The memory of one kind: where the CPU sees it, how segments name it. */
struct memory {
	uint64_t *src, *dst;
	uint32_t src_buf, dst_buf, dst_offset;
	void *user;			/* KIND_USER: both halves */
	int fds[2];			/* KIND_DMABUF: source, destination */
};

/* DMA_BUF_IOCTL_SYNC around the CPU's access to a dma-buf; nothing for the rest. */
static int cpu_sync(int fd, uint64_t flags)
{
	struct dma_buf_sync req = { .flags = flags };

	if (fd < 0)
		return 0;
	while (ioctl(fd, DMA_BUF_IOCTL_SYNC, &req) < 0)
		if (errno != EINTR && errno != EAGAIN)
			return -errno;
	return 0;
}

/* One copy of the source into the destination, waited for and reaped. */
static int copy_once(struct dms_channel *ch, struct dms_batch *b, uint32_t size, uint64_t seq,
		     const struct memory *m)
{
	struct dmastream_seg src = { .buf = m->src_buf, .offset = 0, .len = size };
	struct dmastream_seg dst = { .buf = m->dst_buf, .offset = m->dst_offset, .len = size };
	struct dmastream_cqe cqe;
	int ret;

	dms_batch_clear(b);
	ret = dms_batch_add_memcpy(b, seq, &src, 1, &dst, 1);
	if (ret == 0)
		ret = dms_submit(ch, b);
	if (ret < 0)
		return ret;
	while (dms_reap(ch, &cqe, 1) == 0) {
		ret = dms_wait(ch, 1, 10000000000LL);
		if (ret < 0)
			return ret;
	}
	if (cqe.status != DMASTREAM_STATUS_OK || cqe.bytes != size || cqe.cookie != seq)
		return -EIO;
	return 0;
}

/* Set up @kind's memory on @ch; -ENODEV: no dma-bufs in this kernel. */
static int memory_setup(struct dms_channel *ch, enum kind kind, uint32_t size, struct memory *m)
{
	struct dms_import_info info;
	int ret;

	*m = (struct memory){ .src_buf = 0, .dst_buf = 1, .fds = { -1, -1 } };
	if (kind == KIND_COHERENT || kind == KIND_CACHED) {
		ret = dms_ring_setup_flags(ch, 2, size, 0, kind == KIND_CACHED ? DMS_RING_CACHED : 0);
		m->src = dms_buf(ch, 0);
		m->dst = dms_buf(ch, 1);
		return ret;
	}
	/* A ring of one small buffer for the completion queue. */
	ret = dms_ring_setup(ch, 1, 4096, 0);
	if (ret)
		return ret;
	if (kind == KIND_USER) {
		m->user = mmap(NULL, 2 * (size_t)size, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m->user == MAP_FAILED) {
			m->user = NULL;
			return -errno;
		}
		ret = dms_buf_register(ch, m->user, 2 * (size_t)size, 0, &info);
		m->src = m->user;
		m->dst = m->src + size / sizeof(uint64_t);
		m->src_buf = m->dst_buf = info.index;
		m->dst_offset = size;
		return ret;
	}
	for (int i = 0; i < 2; i++) {
		void *map;

		m->fds[i] = dms_dmabuf_alloc(ch, size);
		if (m->fds[i] < 0) {
			ret = m->fds[i];
			m->fds[i] = -1;
			return ret;
		}
		map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, m->fds[i], 0);
		if (map == MAP_FAILED)
			return -errno;
		if (i == 0)
			m->src = map;
		else
			m->dst = map;
		ret = dms_buf_import(ch, m->fds[i], i == 0 ? DMS_IMPORT_ENGINE_READS : 0, &info);
		if (ret)
			return ret;
		if (i == 0)
			m->src_buf = info.index;
		else
			m->dst_buf = info.index;
	}
	return 0;
}

/* After the channel is closed: its imports and registration are gone. */
static void memory_free(struct memory *m, uint32_t size)
{
	if (m->user)
		munmap(m->user, 2 * (size_t)size);
	for (int i = 0; i < 2; i++) {
		uint64_t *map = i == 0 ? m->src : m->dst;

		if (m->fds[i] < 0)
			continue;
		if (map)
			munmap(map, size);
		close(m->fds[i]);
	}
}

static int measure(const char *name, uint32_t size, enum kind kind, unsigned int ms,
		   struct sample *s, int *coherent)
{
	struct dms_channel *ch;
	struct dms_batch *b = NULL;
	struct memory m;
	uint64_t *src, *dst, t0, t1, sys0, end, seq = 0;
	size_t words = size / sizeof(uint64_t);
	int ret;

	memset(s, 0, sizeof(*s));
	ret = dms_channel_open(name, 0, &ch);
	if (ret < 0)
		return ret;
	*coherent = !!(dms_get_caps(ch)->flags & DMASTREAM_CAP_COHERENT);
	ret = memory_setup(ch, kind, size, &m);
	src = m.src;
	dst = m.dst;
	if (ret == 0)
		ret = dms_batch_create(ch, 1, 2, &b);
	if (ret < 0)
		goto out;
	sys0 = sys_ns();
	t0 = clock_ns(CLOCK_MONOTONIC);
	end = t0 + (uint64_t)ms * 1000000u;
	do {
		uint64_t want = 0, got = 0, v = seq * 0x9e3779b97f4a7c15ull;
		size_t i;

		t1 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
		ret = cpu_sync(m.fds[0], DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE);
		for (i = 0; i < words; i++) {
			src[i] = v + i;
			want += v + i;
		}
		if (ret == 0)
			ret = cpu_sync(m.fds[0], DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE);
		s->write_ns += clock_ns(CLOCK_THREAD_CPUTIME_ID) - t1;
		if (ret == 0)
			ret = copy_once(ch, b, size, seq, &m);
		if (ret < 0)
			goto out;
		t1 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
		ret = cpu_sync(m.fds[1], DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ);
		for (i = 0; i < words; i++)
			got += dst[i];
		if (ret == 0)
			ret = cpu_sync(m.fds[1], DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ);
		s->read_ns += clock_ns(CLOCK_THREAD_CPUTIME_ID) - t1;
		if (ret < 0)
			goto out;
		if (got != want) {
			fprintf(stderr, "dsmem: %s: copy %" PRIu64 " arrived wrong\n", name, seq);
			ret = -EBADMSG;
			goto out;
		}
		seq++;
	} while (clock_ns(CLOCK_MONOTONIC) < end);
	s->wall_ns = clock_ns(CLOCK_MONOTONIC) - t0;
	s->sys_ns = sys_ns() - sys0;
	s->xfers = seq;
out:
	dms_batch_destroy(b);
	/* Closing the channel ends the registration and the imports before the unmaps. */
	dms_channel_close(ch);
	memory_free(&m, size);
	return ret;
}

int main(int argc, char **argv)
{
	unsigned int rounds, ms;
	uint32_t size;

	if (argc != 5) {
		fprintf(stderr, "usage: dsmem CHANNEL SIZE ROUNDS MS\n");
		return 2;
	}
	size = (uint32_t)strtoul(argv[2], NULL, 0);
	rounds = (unsigned int)strtoul(argv[3], NULL, 0);
	ms = (unsigned int)strtoul(argv[4], NULL, 0);
	if (size < 1024 || size % 1024 || !rounds || !ms) {
		fprintf(stderr, "dsmem: SIZE a multiple of 1 KiB, ROUNDS and MS > 0\n");
		return 2;
	}
	for (unsigned int r = 0; r < rounds; r++) {
		for (unsigned int k = 0; k < KINDS; k++) {
			enum kind kind = (enum kind)((r + k) % KINDS);
			struct sample s;
			int coherent, ret;

			ret = measure(argv[1], size, kind, ms, &s, &coherent);
			if (ret == -ENODEV && kind == KIND_DMABUF) {
				if (r == 0)
					fprintf(stderr, "dsmem: no DMA heap or udmabuf in this "
						"kernel: no dma-buf figures\n");
				continue;
			}
			if (ret < 0) {
				fprintf(stderr, "dsmem: %s %s %u: %s\n", argv[1], kind_names[kind],
					size, strerror(-ret));
				return 1;
			}
			printf("{\"channel\":\"%s\",\"memory\":\"%s\",\"size\":%u,\"round\":%u,"
			       "\"coherent\":%d,\"xfers\":%" PRIu64 ",\"write_ns_per_kib\":%.1f,"
			       "\"read_ns_per_kib\":%.1f,\"sys_ns_per_xfer\":%.0f,"
			       "\"wall_ns_per_xfer\":%.0f}\n",
			       argv[1], kind_names[kind], size, r, coherent, s.xfers,
			       (double)s.write_ns * 1024 / ((double)s.xfers * size),
			       (double)s.read_ns * 1024 / ((double)s.xfers * size),
			       (double)s.sys_ns / (double)s.xfers,
			       (double)s.wall_ns / (double)s.xfers);
			fflush(stdout);
		}
	}
	return 0;
}
