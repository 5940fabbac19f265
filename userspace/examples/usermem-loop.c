// SPDX-License-Identifier: MIT
/*
 * Sending and receiving the program's own buffers, without a copy.
 *
 *   usermem-loop DEVICE FRAMES SIZE
 *
 * A program whose frames already live in its memory (here: one array of
 * FRAMES frames of SIZE bytes, SIZE a multiple of 4 KiB) registers that
 * memory with the TX channel of DEVICE (a loopback: "dmastream create
 * --loopback DEVICE") and a second array with its RX channel, then sends
 * every frame from where it is and receives it into the other array,
 * eight at a time. The rings only carry the completion queues. At the end
 * the two arrays must be equal; one JSON line says what was moved.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <libdmastream.h>

#define DEPTH	8

struct side {
	struct dms_channel *ch;
	struct dms_batch *batch;
	struct dms_import_info mem;	/* the registered frames */
	uint8_t *frames;
};

static int open_side(struct side *s, const char *dev, const char *label, size_t bytes)
{
	char name[128];
	int ret;

	snprintf(name, sizeof(name), "%s/%s", dev, label);
	ret = dms_channel_open(name, 0, &s->ch);
	if (ret < 0)
		return ret;
	/* A ring of one small buffer: what it gives here is its completion queue. */
	ret = dms_ring_setup(s->ch, 1, 4096, 2 * DEPTH);
	if (ret < 0)
		return ret;
	s->frames = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (s->frames == MAP_FAILED)
		return -errno;
	ret = dms_buf_register(s->ch, s->frames, bytes, 0, &s->mem);
	if (ret < 0)
		return ret;
	return dms_batch_create(s->ch, DEPTH, DEPTH, &s->batch);
}

/* Queue frames [first, first + n) on @s: segments in the registered memory. */
static int queue(struct side *s, uint32_t first, uint32_t n, uint32_t size)
{
	dms_batch_clear(s->batch);
	for (uint32_t i = first; i < first + n; i++) {
		struct dmastream_seg seg = { .buf = s->mem.index, .offset = i * size, .len = size };
		int ret = dms_batch_add(s->batch, i, &seg, 1);

		if (ret < 0)
			return ret;
	}
	return dms_submit(s->ch, s->batch) == (int)n ? 0 : -EAGAIN;
}

/* Wait for @n completions of @s, all good and full length. */
static int collect(struct side *s, uint32_t n, uint32_t size)
{
	struct dmastream_cqe cqe[DEPTH];
	uint32_t got = 0;

	while (got < n) {
		uint32_t k = dms_reap(s->ch, cqe, n - got);

		for (uint32_t i = 0; i < k; i++)
			if (cqe[i].status != DMASTREAM_STATUS_OK || cqe[i].bytes != size)
				return -EIO;
		got += k;
		if (got < n) {
			int ret = dms_wait(s->ch, 1, 5000000000LL);

			if (ret < 0)
				return ret;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct side tx = { 0 }, rx = { 0 };
	uint32_t frames, size, done;
	size_t bytes;
	int ret;

	if (argc != 4) {
		fprintf(stderr, "usage: usermem-loop DEVICE FRAMES SIZE\n");
		return 2;
	}
	frames = (uint32_t)strtoul(argv[2], NULL, 0);
	size = (uint32_t)strtoul(argv[3], NULL, 0);
	if (!frames || !size || size % 4096 || (uint64_t)frames * size > (1u << 30)) {
		fprintf(stderr, "usermem-loop: FRAMES > 0, SIZE a multiple of 4096, 1 GiB at most\n");
		return 2;
	}
	bytes = (size_t)frames * size;
	ret = open_side(&tx, argv[1], "tx", bytes);
	if (ret == 0)
		ret = open_side(&rx, argv[1], "rx", bytes);
	if (ret < 0) {
		fprintf(stderr, "usermem-loop: setup: %s\n", strerror(-ret));
		return 1;
	}
	/* The program's data, where it already is. */
	for (size_t i = 0; i < bytes; i++)
		tx.frames[i] = (uint8_t)(i * 7 + i / size);

	for (done = 0; done < frames && ret == 0; ) {
		uint32_t n = frames - done < DEPTH ? frames - done : DEPTH;

		/* Receive first: the loopback drops what finds no RX transfer. */
		ret = queue(&rx, done, n, size);
		if (ret == 0)
			ret = queue(&tx, done, n, size);
		if (ret == 0)
			ret = collect(&tx, n, size);
		if (ret == 0)
			ret = collect(&rx, n, size);
		done += n;
	}
	if (ret < 0) {
		fprintf(stderr, "usermem-loop: transfer: %s\n", strerror(-ret));
		return 1;
	}
	/* Completed transfers' data is the CPU's: no call needed to read it. */
	if (memcmp(tx.frames, rx.frames, bytes)) {
		fprintf(stderr, "usermem-loop: the received frames differ from the sent ones\n");
		return 1;
	}
	printf("{\"frames\":%" PRIu32 ",\"bytes\":%zu,\"tx_runs\":%" PRIu32 ",\"rx_runs\":%"
	       PRIu32 ",\"equal\":true}\n", frames, bytes, tx.mem.runs, rx.mem.runs);
	dms_batch_destroy(tx.batch);
	dms_batch_destroy(rx.batch);
	/* Closing the channels ends the registrations; then the memory may go. */
	dms_channel_close(tx.ch);
	dms_channel_close(rx.ch);
	munmap(tx.frames, bytes);
	munmap(rx.frames, bytes);
	return 0;
}
