// SPDX-License-Identifier: MIT
/*
 * The system-call backend: how a channel talks to dmastream.ko.
 *
 * The buffers are mapped one by one (the driver maps one region per mmap()
 * call) into a single reserved address range, so that buffer i sits at
 * base + i * stride and the whole ring goes away with one munmap().
 */
#include <errno.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

static int sys_ioctl(void *ctx, int fd, unsigned long req, void *arg)
{
	int ret;

	(void)ctx;
	ret = ioctl(fd, req, arg);
	return ret < 0 ? -errno : ret;
}

static int sys_map_ring(void *ctx, int fd, const struct dmastream_ring *ring, void **cqp,
			void **bufsp)
{
	size_t total = (size_t)ring->count * ring->buf_stride;
	uint8_t *base;
	void *cq;
	uint32_t i;
	int err;

	(void)ctx;
	cq = mmap(NULL, ring->cq_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		  (off_t)ring->cq_offset);
	if (cq == MAP_FAILED)
		return -errno;

	base = mmap(NULL, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED) {
		err = -errno;
		goto unmap_cq;
	}
	for (i = 0; i < ring->count; i++) {
		void *want = base + (size_t)i * ring->buf_stride;
		void *got = mmap(want, ring->buf_stride, PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_FIXED, fd,
				 (off_t)(ring->buf_offset + (uint64_t)i * ring->buf_stride));

		if (got == MAP_FAILED) {
			err = -errno;
			munmap(base, total);
			goto unmap_cq;
		}
	}
	*cqp = cq;
	*bufsp = base;
	return 0;

unmap_cq:
	munmap(cq, ring->cq_size);
	return err;
}

static void sys_unmap_ring(void *ctx, const struct dmastream_ring *ring, void *cq, void *bufs)
{
	(void)ctx;
	if (bufs)
		munmap(bufs, (size_t)ring->count * ring->buf_stride);
	if (cq)
		munmap(cq, ring->cq_size);
}

static int sys_poll(void *ctx, struct pollfd *fds, unsigned int nfds, int timeout_ms)
{
	int ret;

	(void)ctx;
	ret = poll(fds, nfds, timeout_ms);
	return ret < 0 ? -errno : ret;
}

static void sys_close(void *ctx, int fd)
{
	(void)ctx;
	close(fd);
}

const struct dms_backend dms__sys_backend = {
	.ioctl = sys_ioctl,
	.map_ring = sys_map_ring,
	.unmap_ring = sys_unmap_ring,
	.poll = sys_poll,
	.close = sys_close,
};
