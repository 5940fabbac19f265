// SPDX-License-Identifier: MIT
/*
 * The system-call backend: how a channel talks to dmastream.ko.
 *
 * The buffers are mapped one by one (the driver maps one region per mmap()
 * call) into a single reserved address range, so that buffer i sits at
 * base + i * stride and the whole ring goes away with one munmap().
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/udmabuf.h>
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

/* From the system DMA heap: -ENOENT when this kernel has none. */
static int heap_alloc(size_t size)
{
	struct dma_heap_allocation_data req = { .len = size, .fd_flags = O_RDWR | O_CLOEXEC };
	int heap, ret;

	heap = open("/dev/dma_heap/system", O_RDONLY | O_CLOEXEC);
	if (heap < 0)
		return -errno;
	ret = ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &req);
	ret = ret < 0 ? -errno : (int)req.fd;
	close(heap);
	return ret;
}

/* Pages of a sealed memfd made a dma-buf: -ENOENT without udmabuf. */
static int udmabuf_alloc(size_t size)
{
	struct udmabuf_create req = { .flags = UDMABUF_FLAGS_CLOEXEC, .size = size };
	int dev, memfd, ret;

	dev = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);
	if (dev < 0)
		return -errno;
	memfd = memfd_create("dmastream-buffer", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (memfd < 0) {
		ret = -errno;
		goto close_dev;
	}
	/* udmabuf wants the memfd unable to shrink under it. */
	if (ftruncate(memfd, (off_t)size) || fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK)) {
		ret = -errno;
		goto close_memfd;
	}
	req.memfd = (uint32_t)memfd;
	ret = ioctl(dev, UDMABUF_CREATE, &req);
	if (ret < 0)
		ret = -errno;
close_memfd:
	close(memfd);	/* the dma-buf holds the pages */
close_dev:
	close(dev);
	return ret;
}

static int sys_dmabuf_alloc(void *ctx, size_t size)
{
	int fd;

	(void)ctx;
	fd = heap_alloc(size);
	/* Distributions often keep the heap for root and give udmabuf to a group. */
	if (fd == -ENOENT || fd == -EACCES || fd == -EPERM) {
		int heap_err = fd;

		fd = udmabuf_alloc(size);
		if (fd == -ENOENT)
			fd = heap_err;
	}
	return fd == -ENOENT ? -ENODEV : fd;
}

static int sys_dmabuf_sync(void *ctx, int fd, uint64_t flags)
{
	struct dma_buf_sync req = { .flags = flags };

	(void)ctx;
	/* The exporter may wait for fences, and be interrupted. */
	while (ioctl(fd, DMA_BUF_IOCTL_SYNC, &req) < 0)
		if (errno != EINTR && errno != EAGAIN)
			return -errno;
	return 0;
}

const struct dms_backend dms__sys_backend = {
	.ioctl = sys_ioctl,
	.map_ring = sys_map_ring,
	.unmap_ring = sys_unmap_ring,
	.poll = sys_poll,
	.close = sys_close,
	.dmabuf_alloc = sys_dmabuf_alloc,
	.dmabuf_sync = sys_dmabuf_sync,
};
