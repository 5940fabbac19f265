// SPDX-License-Identifier: MIT
/*
 * A ring buffer exported as a dma-buf (DMASTREAM_IOC_EXPORT_BUF), on the
 * memcpy channel, with the ring coherent or (DSTEST_RING=cached) cached:
 *
 *   errnos       the refusals a test can provoke (not ENODEV, EMFILE, ENOMEM
 *                or a reserved pool's ENXIO)
 *   same memory  what the CPU writes through the dma-buf's mapping the
 *                engine copies out of the ring buffer; what the engine
 *                writes into the ring buffer the dma-buf's mapping shows
 *                (DMA_BUF_IOCTL_SYNC around the CPU's accesses)
 *   read-only    an export without DMASTREAM_EXPORT_WRITE cannot be mapped
 *                for writing
 *   lifetime     the ring cannot be replaced while an export lives; the
 *                export outlives the channel's file and keeps the data;
 *                once it is closed, SET_RING works again
 *   killed       a process killed with an export, a mapping of it and a
 *                transfer on the exported buffer gives its ring's memory
 *                back: with total_ring_bytes_max at one ring, the next
 *                ring fits (and the debug kernel's kmemleak sees no leak)
 *
 *   t-export [CHANNEL]   a memcpy channel: "memcpy" of t0 (default) or
 *                        "device/label" (an ARM lane's real provider)
 */
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/dma-buf.h>

#include "dstest.h"

#define NBUF		4
#define BUFSZ		(64U << 10)

static const char *chan = "memcpy";

static int dmabuf_sync(int fd, uint64_t flags)
{
	struct dma_buf_sync s = { .flags = flags };

	return ioctl(fd, DMA_BUF_IOCTL_SYNC, &s);
}

static void errnos(void)
{
	struct dmastream_export e;
	struct tchan c;
	int ro, other;

	other = t_open(chan, O_RDWR);
	e = (struct dmastream_export){ .buffer = 0 };
	T_ERRNO(ioctl(other, DMASTREAM_IOC_EXPORT_BUF, &e), ENXIO);

	t_setup(&c, chan, NBUF, BUFSZ, 0);
	T_ERRNO(ioctl(other, DMASTREAM_IOC_EXPORT_BUF, &e), EBUSY);
	ro = t_open(chan, O_RDONLY);
	T_ERRNO(ioctl(ro, DMASTREAM_IOC_EXPORT_BUF, &e), EBADF);
	close(ro);
	close(other);

	e = (struct dmastream_export){ .buffer = NBUF };
	T_ERRNO(ioctl(c.fd, DMASTREAM_IOC_EXPORT_BUF, &e), EINVAL);
	e = (struct dmastream_export){ .buffer = 0, .flags = 0x04 };
	T_ERRNO(ioctl(c.fd, DMASTREAM_IOC_EXPORT_BUF, &e), EINVAL);
	e = (struct dmastream_export){ .buffer = 0, .fd = 3 };
	T_ERRNO(ioctl(c.fd, DMASTREAM_IOC_EXPORT_BUF, &e), EINVAL);
	e = (struct dmastream_export){ .buffer = 0, .reserved = 1 };
	T_ERRNO(ioctl(c.fd, DMASTREAM_IOC_EXPORT_BUF, &e), EINVAL);
	T_ERRNO(ioctl(c.fd, DMASTREAM_IOC_EXPORT_BUF, (void *)8), EFAULT);
	t_teardown(&c);
}

static void same_memory(void)
{
	size_t stride, bad;
	struct tchan c;
	uint8_t *map;
	int dfd, fl;

	t_setup(&c, chan, NBUF, BUFSZ, 0);
	stride = c.ring.buf_stride;
	dfd = t_export(c.fd, 1, DMASTREAM_EXPORT_WRITE | DMASTREAM_EXPORT_CLOEXEC);
	T_ASSERT(dfd >= 0, "export buffer 1: %s", strerror(-dfd));
	fl = fcntl(dfd, F_GETFD);
	T_CHECK(fl >= 0 && (fl & FD_CLOEXEC), "the dma-buf fd is not close-on-exec");
	T_CHECK(lseek(dfd, 0, SEEK_END) == (off_t)stride, "dma-buf size %lld, stride %zu",
		(long long)lseek(dfd, 0, SEEK_END), stride);
	map = mmap(NULL, stride, PROT_READ | PROT_WRITE, MAP_SHARED, dfd, 0);
	T_ASSERT(map != MAP_FAILED, "mmap of the dma-buf: %s", strerror(errno));
	T_ERRNO((long)(mmap(NULL, stride + 4096, PROT_READ, MAP_SHARED, dfd, 0) ==
		       MAP_FAILED ? -1 : 0), EINVAL);

	/* The CPU writes through the dma-buf, the engine reads the ring buffer. */
	T_CHECK(dmabuf_sync(dfd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE) == 0, "sync start: %s",
		strerror(errno));
	t_fill(map, BUFSZ, 11);
	T_CHECK(dmabuf_sync(dfd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE) == 0, "sync end: %s",
		strerror(errno));
	memset(c.bufs[2], 0xee, BUFSZ);
	t_copy(&c, 1, 2, BUFSZ, 1);
	T_CHECK(t_check_fill(c.bufs[2], BUFSZ, 11, &bad),
		"byte %zu copied out of the exported buffer is not what the dma-buf's mapping wrote",
		bad);
	/* The ring's own mapping of the buffer is the same memory. */
	T_CHECK(t_check_fill(c.bufs[1], BUFSZ, 11, &bad), "ring mapping differs at byte %zu",
		bad);

	/* The engine writes the ring buffer, the CPU reads through the dma-buf. */
	t_fill(c.bufs[0], BUFSZ, 12);
	t_copy(&c, 0, 1, BUFSZ, 2);
	T_CHECK(dmabuf_sync(dfd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ) == 0, "sync start: %s",
		strerror(errno));
	T_CHECK(t_check_fill(map, BUFSZ, 12, &bad),
		"byte %zu of the dma-buf's mapping is not what the engine wrote", bad);
	T_CHECK(dmabuf_sync(dfd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ) == 0, "sync end: %s",
		strerror(errno));

	munmap(map, stride);
	close(dfd);
	t_teardown(&c);
}

static void read_only(void)
{
	struct tchan c;
	void *map;
	int dfd;

	t_setup(&c, chan, NBUF, BUFSZ, 0);
	t_fill(c.bufs[3], BUFSZ, 13);
	dfd = t_export(c.fd, 3, 0);
	T_ASSERT(dfd >= 0, "export buffer 3: %s", strerror(-dfd));
	T_CHECK(!(fcntl(dfd, F_GETFD) & FD_CLOEXEC), "close-on-exec without the flag");
	map = mmap(NULL, c.ring.buf_stride, PROT_READ | PROT_WRITE, MAP_SHARED, dfd, 0);
	T_CHECK(map == MAP_FAILED && errno == EACCES, "writable mapping of a read-only export: %s",
		map == MAP_FAILED ? strerror(errno) : "mapped");
	map = mmap(NULL, c.ring.buf_stride, PROT_READ, MAP_SHARED, dfd, 0);
	T_ASSERT(map != MAP_FAILED, "read-only mapping: %s", strerror(errno));
	T_CHECK(t_check_fill(map, BUFSZ, 13, NULL), "read-only mapping shows other bytes");
	munmap(map, c.ring.buf_stride);
	close(dfd);
	t_teardown(&c);
}

static void lifetime(void)
{
	struct dmastream_ring r;
	size_t stride, bad;
	struct tchan c;
	uint8_t *map;
	int dfd, fd;

	t_setup(&c, chan, NBUF, BUFSZ, 0);
	stride = c.ring.buf_stride;
	t_fill(c.bufs[2], BUFSZ, 14);
	dfd = t_export(c.fd, 2, DMASTREAM_EXPORT_WRITE);
	T_ASSERT(dfd >= 0, "export buffer 2: %s", strerror(-dfd));

	/* Even with none of the ring's own mappings left. */
	t_unmap(&c);
	r = (struct dmastream_ring){ .count = NBUF, .size = BUFSZ, .flags = t_ring_flags() };
	T_ERRNO(ioctl(c.fd, DMASTREAM_IOC_SET_RING, &r), EBUSY);
	r = (struct dmastream_ring){ .count = 0 };
	T_ERRNO(ioctl(c.fd, DMASTREAM_IOC_SET_RING, &r), EBUSY);

	/* The export outlives the channel's file, with the data. */
	close(c.fd);
	map = mmap(NULL, stride, PROT_READ | PROT_WRITE, MAP_SHARED, dfd, 0);
	T_ASSERT(map != MAP_FAILED, "mmap after the channel's file closed: %s", strerror(errno));
	T_CHECK(t_check_fill(map, BUFSZ, 14, &bad), "byte %zu changed after the close", bad);
	/* The channel is free again for someone else's ring. */
	fd = t_open(chan, O_RDWR);
	r = (struct dmastream_ring){ .count = NBUF, .size = BUFSZ, .flags = t_ring_flags() };
	T_CHECK(ioctl(fd, DMASTREAM_IOC_SET_RING, &r) == 0, "SET_RING on the freed channel: %s",
		strerror(errno));
	/* The mapping holds the memory after the dma-buf's fd is gone too. */
	close(dfd);
	T_CHECK(t_check_fill(map, BUFSZ, 14, &bad), "byte %zu changed after closing the fd",
		bad);
	munmap(map, stride);

	/* The new owner can export and replace its ring once the export is gone. */
	dfd = t_export(fd, 0, 0);
	T_ASSERT(dfd >= 0, "export from the new ring: %s", strerror(-dfd));
	r = (struct dmastream_ring){ .count = 2, .size = BUFSZ, .flags = t_ring_flags() };
	T_ERRNO(ioctl(fd, DMASTREAM_IOC_SET_RING, &r), EBUSY);
	close(dfd);
	r = (struct dmastream_ring){ .count = 2, .size = BUFSZ, .flags = t_ring_flags() };
	T_CHECK(ioctl(fd, DMASTREAM_IOC_SET_RING, &r) == 0, "SET_RING once the export closed: %s",
		strerror(errno));
	close(fd);
}

static void killed(void)
{
	int status, ret;
	pid_t pid;

	pid = fork();
	T_ASSERT(pid >= 0, "fork: %s", strerror(errno));
	if (!pid) {
		struct dmastream_seg s[2] = {
			{ .buf = 0, .len = BUFSZ },
			{ .buf = 1, .len = BUFSZ },
		};
		struct dmastream_xfer x = { .nsegs = 1, .dst_seg_first = 1, .dst_nsegs = 1 };
		struct tchan c;
		void *map;
		int dfd;

		t_setup(&c, chan, NBUF, BUFSZ, 0);
		dfd = t_export(c.fd, 1, DMASTREAM_EXPORT_WRITE);
		map = dfd < 0 ? MAP_FAILED :
		      mmap(NULL, c.ring.buf_stride, PROT_READ | PROT_WRITE, MAP_SHARED, dfd, 0);
		if (map == MAP_FAILED || t_submit(&c, &x, 1, s, 2, NULL) != 1)
			_exit(1);
		raise(SIGKILL);
		_exit(2);
	}
	T_ASSERT(waitpid(pid, &status, 0) == pid, "waitpid: %s", strerror(errno));
	T_CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
		"the child did not get as far as its kill (status %#x)", status);
	ret = t_ring_fits_alone(chan, NBUF, BUFSZ);
	T_CHECK(ret == 0, "SET_RING after the kill, room for one ring in all: %s", strerror(ret));
}

int main(int argc, char **argv)
{
	t_start("t-export");
	if (argc > 1)
		chan = argv[1];
	printf("%s, ring: %s\n", chan, t_ring_flags() ? "cached" : "coherent");
	errnos();
	same_memory();
	read_only();
	lifetime();
	killed();
	return t_report();
}
