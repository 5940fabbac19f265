// SPDX-License-Identifier: MIT
/*
 * dsmem: what the CPU pays to use the data in its buffers, on one memcpy
 * channel: a coherent ring's, a cached ring's (DMASTREAM_RING_CACHED) and
 * the program's own memory, registered (dms_buf_register).
 *
 *	dsmem CHANNEL SIZE ROUNDS MS
 *
 * Each round measures the three kinds for MS milliseconds each, in an
 * order that rotates from round to round (A B C, B C A, ...), so that a
 * drift of the host affects all alike. A measured cycle is what a program that
 * processes its data in place does: the CPU writes every 64-bit word of
 * the source buffer, one copy of SIZE bytes runs (SUBMIT, WAIT, reap), and
 * the CPU reads every word of the destination and checks their sum. Per
 * kind and round, one JSON line on stdout:
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
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>

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

enum kind { KIND_COHERENT, KIND_CACHED, KIND_USER, KINDS };

static const char *const kind_names[KINDS] = { "coherent", "cached", "user" };

/*
 * One copy of the source into the destination, waited for and reaped:
 * ring buffers 0 and 1, or the two halves of the registered memory @user.
 */
static int copy_once(struct dms_channel *ch, struct dms_batch *b, uint32_t size, uint64_t seq,
		     const struct dms_import_info *user)
{
	struct dmastream_seg src = { .buf = 0, .offset = 0, .len = size };
	struct dmastream_seg dst = { .buf = 1, .offset = 0, .len = size };
	struct dmastream_cqe cqe;
	int ret;

	if (user) {
		src.buf = dst.buf = user->index;
		dst.offset = size;
	}
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

static int measure(const char *name, uint32_t size, enum kind kind, unsigned int ms,
		   struct sample *s, int *coherent)
{
	struct dms_import_info user, *reg = NULL;
	struct dms_channel *ch;
	struct dms_batch *b = NULL;
	uint64_t *src, *dst, *mem = MAP_FAILED, t0, t1, sys0, end, seq = 0;
	size_t words = size / sizeof(uint64_t);
	int ret;

	memset(s, 0, sizeof(*s));
	ret = dms_channel_open(name, 0, &ch);
	if (ret < 0)
		return ret;
	*coherent = !!(dms_get_caps(ch)->flags & DMASTREAM_CAP_COHERENT);
	if (kind == KIND_USER) {
		/* A ring of one small buffer for the completion queue. */
		ret = dms_ring_setup(ch, 1, 4096, 0);
		mem = mmap(NULL, 2 * (size_t)size, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (ret == 0 && mem == MAP_FAILED)
			ret = -errno;
		if (ret == 0)
			ret = dms_buf_register(ch, mem, 2 * (size_t)size, 0, &user);
		reg = &user;
		src = mem;
		dst = mem == MAP_FAILED ? NULL : mem + words;
	} else {
		ret = dms_ring_setup_flags(ch, 2, size, 0, kind == KIND_CACHED ? DMS_RING_CACHED : 0);
		src = dms_buf(ch, 0);
		dst = dms_buf(ch, 1);
	}
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
		for (i = 0; i < words; i++) {
			src[i] = v + i;
			want += v + i;
		}
		s->write_ns += clock_ns(CLOCK_THREAD_CPUTIME_ID) - t1;
		ret = copy_once(ch, b, size, seq, reg);
		if (ret < 0)
			goto out;
		t1 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
		for (i = 0; i < words; i++)
			got += dst[i];
		s->read_ns += clock_ns(CLOCK_THREAD_CPUTIME_ID) - t1;
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
	/* Closing the channel releases the registration before the unmap. */
	dms_channel_close(ch);
	if (mem != MAP_FAILED)
		munmap(mem, 2 * (size_t)size);
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
