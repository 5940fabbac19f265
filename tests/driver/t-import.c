// SPDX-License-Identifier: MIT
/*
 * dma-bufs from elsewhere as buffers (DMASTREAM_IOC_IMPORT_BUF), on t0's
 * channels:
 *
 *   errnos     the refusals a test can provoke, of IMPORT_BUF, RELEASE_BUF,
 *              of SUBMIT on imports and of SET_RING with imports
 *   exporters  for every exporter the guest has (another channel's ring
 *              export; vgem, a shmem-backed GEM object, non-contiguous;
 *              udmabuf; the system DMA heap): the memcpy channel copies a
 *              ring buffer into the whole import and the import back into
 *              another ring buffer, pieces ending at the import's runs; the
 *              CPU checks and writes through the dma-buf's own mapping,
 *              bracketed by DMA_BUF_IOCTL_SYNC
 *   forward    RX -> TX without a copy: what the RX channel received into a
 *              ring buffer, the TX channel sends again from that buffer's
 *              export, imported; it arrives intact
 *   rx short   (vgem) RX into an import over several runs, the packet half
 *              the range: the rest keeps what the CPU wrote there
 *   fences     (vgem) a transfer that would have to wait for a fence is
 *              refused with EBUSY: reading under a write fence, writing
 *              under any; once the fence signals, accepted
 *   lifetime   an import outlives its fd; RELEASE_BUF and closing the
 *              channel give the exporter's memory back; two channels
 *              importing each other's exports do not hold each other
 *   killed     a process killed with imports and a transfer on them in
 *              flight gives every ring back
 *
 *   t-import                   all of the above
 *   t-import CHANNEL SOURCE    exporters only, on memcpy channel CHANNEL
 *                              ("device/label": an ARM lane's provider),
 *                              SOURCE's ring buffer as the first dma-buf
 */
#include <dirent.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/udmabuf.h>

#include "dstest.h"

#define NBUF		4
#define BUFSZ		(256U << 10)
#define SLOT(n)		(DMASTREAM_BUF_IMPORTED | (n))
#define SENTINEL_BYTE	0x5a

/*
 * The few DRM and vgem requests the test makes (include/uapi/drm: drm.h,
 * drm_mode.h, vgem_drm.h), spelled out: the build has no libdrm headers.
 */
struct t_drm_gem_close {
	uint32_t handle;
	uint32_t pad;
};

struct t_drm_prime_handle {
	uint32_t handle;
	uint32_t flags;
	int32_t fd;
};

struct t_drm_create_dumb {
	uint32_t height;
	uint32_t width;
	uint32_t bpp;
	uint32_t flags;
	uint32_t handle;
	uint32_t pitch;
	uint64_t size;
};

struct t_vgem_fence_attach {
	uint32_t handle;
	uint32_t flags;
	uint32_t out_fence;
	uint32_t pad;
};

struct t_vgem_fence_signal {
	uint32_t fence;
	uint32_t flags;
};

#define T_DRM_IOCTL_GEM_CLOSE		_IOW('d', 0x09, struct t_drm_gem_close)
#define T_DRM_IOCTL_PRIME_HANDLE_TO_FD	_IOWR('d', 0x2d, struct t_drm_prime_handle)
#define T_DRM_IOCTL_MODE_CREATE_DUMB	_IOWR('d', 0xb2, struct t_drm_create_dumb)
#define T_VGEM_IOCTL_FENCE_ATTACH	_IOWR('d', 0x41, struct t_vgem_fence_attach)
#define T_VGEM_IOCTL_FENCE_SIGNAL	_IOW('d', 0x42, struct t_vgem_fence_signal)
#define T_VGEM_FENCE_WRITE		0x1

static int import_buf(int fd, int dmabuf, uint32_t slot, uint32_t flags,
		      struct dmastream_import *out)
{
	struct dmastream_import im = { .fd = dmabuf, .flags = flags, .buffer = slot };

	if (ioctl(fd, DMASTREAM_IOC_IMPORT_BUF, &im))
		return -errno;
	if (out)
		*out = im;
	return 0;
}

static int dmabuf_sync(int fd, uint64_t flags)
{
	struct dma_buf_sync s = { .flags = flags };

	return ioctl(fd, DMA_BUF_IOCTL_SYNC, &s);
}

/* The vgem device's node, or NULL when the guest has none. */
static const char *vgem_node(void)
{
	static char node[64];
	char link[256], path[64];
	int i;
	ssize_t n;

	for (i = 0; i < 16; i++) {
		snprintf(path, sizeof(path), "/sys/class/drm/card%d/device", i);
		n = readlink(path, link, sizeof(link) - 1);
		if (n < 0)
			continue;
		link[n] = 0;
		if (strstr(link, "vgem")) {
			snprintf(node, sizeof(node), "/dev/dri/card%d", i);
			return node;
		}
	}
	return NULL;
}

struct vgem_bo {
	int drm;
	uint32_t handle;
	int dmabuf;
	size_t size;
};

/*
 * A vgem object of @size bytes (a multiple of 4 KiB) and its dma-buf,
 * read-write or (@read_only) read-only: the first export of an object
 * decides, later ones return the same file.
 */
static bool vgem_create_mode(struct vgem_bo *bo, size_t size, bool read_only)
{
	struct t_drm_create_dumb cd = { .width = 1024, .height = size / 4096, .bpp = 32 };
	struct t_drm_prime_handle ph = { .flags = O_CLOEXEC | (read_only ? 0 : O_RDWR) };
	const char *node = vgem_node();

	if (!node)
		return false;
	bo->drm = open(node, O_RDWR | O_CLOEXEC);
	T_ASSERT(bo->drm >= 0, "open %s: %s", node, strerror(errno));
	T_ASSERT(ioctl(bo->drm, T_DRM_IOCTL_MODE_CREATE_DUMB, &cd) == 0, "vgem create: %s",
		 strerror(errno));
	ph.handle = cd.handle;
	T_ASSERT(ioctl(bo->drm, T_DRM_IOCTL_PRIME_HANDLE_TO_FD, &ph) == 0, "vgem export: %s",
		 strerror(errno));
	bo->handle = cd.handle;
	bo->dmabuf = ph.fd;
	bo->size = cd.size;
	return true;
}

static bool vgem_create(struct vgem_bo *bo, size_t size)
{
	return vgem_create_mode(bo, size, false);
}

static void vgem_destroy(struct vgem_bo *bo)
{
	struct t_drm_gem_close gc = { .handle = bo->handle };

	close(bo->dmabuf);
	ioctl(bo->drm, T_DRM_IOCTL_GEM_CLOSE, &gc);
	close(bo->drm);
}

/*
 * A udmabuf of @size bytes (a multiple of 4 KiB) of a memfd, or -1 when
 * the guest has none. Made of every other page of a memfd twice as large,
 * allocated in order, so that no two of its pages are contiguous: 6.1's
 * udmabuf maps itself for its own device in DMA_BUF_IOCTL_SYNC, with
 * contiguous pages merged beyond the 64 KiB segments that device allows,
 * which DMA-API debugging reports (a udmabuf defect, not the importer's).
 */
static int udmabuf_create(size_t size)
{
	size_t n = size / 4096, i;
	struct udmabuf_create_list *ul;
	int dev, memfd, fd;

	dev = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);
	if (dev < 0)
		return -1;
	memfd = memfd_create("t-import", MFD_ALLOW_SEALING | MFD_CLOEXEC);
	T_ASSERT(memfd >= 0 && ftruncate(memfd, 2 * size) == 0 &&
		 fallocate(memfd, 0, 0, 2 * size) == 0 &&
		 fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK) == 0, "memfd: %s", strerror(errno));
	ul = calloc(1, sizeof(*ul) + n * sizeof(ul->list[0]));
	T_ASSERT(ul, "calloc");
	ul->flags = UDMABUF_FLAGS_CLOEXEC;
	ul->count = n;
	for (i = 0; i < n; i++)
		ul->list[i] = (struct udmabuf_create_item){ .memfd = memfd, .offset = 2 * i * 4096,
							   .size = 4096 };
	fd = ioctl(dev, UDMABUF_CREATE_LIST, ul);
	T_ASSERT(fd >= 0, "UDMABUF_CREATE_LIST: %s", strerror(errno));
	free(ul);
	close(memfd);
	close(dev);
	return fd;
}

/* A dma-buf of the system DMA heap, or -1 when the guest has none. */
static int heap_create(size_t size)
{
	struct dma_heap_allocation_data a = { .len = size, .fd_flags = O_RDWR | O_CLOEXEC };
	int heap;

	heap = open("/dev/dma_heap/system", O_RDONLY | O_CLOEXEC);
	if (heap < 0)
		return -1;
	T_ASSERT(ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &a) == 0, "heap alloc: %s", strerror(errno));
	close(heap);
	return a.fd;
}

/*
 * The request readable but not writable: the import is made, runs and size
 * cannot be told, and the import is undone (the slot and the dma-buf are
 * free again).
 */
static void write_back_fails(struct tchan *c, int dmabuf)
{
	struct dmastream_import *ro;
	long page = sysconf(_SC_PAGESIZE);

	ro = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	T_ASSERT(ro != MAP_FAILED, "mmap: %m");
	*ro = (struct dmastream_import){ .fd = dmabuf, .buffer = SLOT(0) };
	T_ASSERT(mprotect(ro, page, PROT_READ) == 0, "mprotect: %m");
	T_ERRNO(ioctl(c->fd, DMASTREAM_IOC_IMPORT_BUF, ro), EFAULT);
	T_CHECK(ro->runs == 0 && ro->size == 0, "nothing written back");
	T_CHECK(import_buf(c->fd, dmabuf, SLOT(0), 0, NULL) == 0,
		"import again after the failed write-back");
	T_CHECK(t_release(c->fd, SLOT(0)) == 0, "release: %m");
	munmap(ro, page);
}

static void errnos(void)
{
	struct dmastream_import im;
	struct tchan c, tx;
	struct dmastream_ring r;
	int other, ro, efd, exp, exp_ro, own;
	uint32_t bad;

	other = t_open("memcpy", O_RDWR);
	t_setup(&tx, "tx", NBUF, BUFSZ, 0);
	exp = t_export(tx.fd, 0, DMASTREAM_EXPORT_WRITE);
	exp_ro = t_export(tx.fd, 1, 0);
	T_ASSERT(exp >= 0 && exp_ro >= 0, "exports of tx: %d %d", exp, exp_ro);
	T_CHECK(import_buf(other, exp, SLOT(0), 0, NULL) == -ENXIO, "import without a ring");

	t_setup(&c, "memcpy", NBUF, BUFSZ, 0);
	T_CHECK(c.caps.max_imports >= 2, "max_imports %u", c.caps.max_imports);
	T_CHECK(import_buf(other, exp, SLOT(0), 0, NULL) == -EBUSY, "import by a non-owner");
	ro = t_open("memcpy", O_RDONLY);
	T_CHECK(import_buf(ro, exp, SLOT(0), 0, NULL) == -EBADF, "import on a read-only file");
	T_ERRNO(t_release(ro, SLOT(0)), EBADF);
	close(ro);
	close(other);

	T_CHECK(import_buf(c.fd, exp, 0, 0, NULL) == -EINVAL, "index without the import bit");
	T_CHECK(import_buf(c.fd, exp, SLOT(c.caps.max_imports), 0, NULL) == -EINVAL,
		"slot beyond max_imports");
	T_CHECK(import_buf(c.fd, exp, SLOT(0), 0x2, NULL) == -EINVAL, "unknown flag");
	im = (struct dmastream_import){ .fd = exp, .buffer = SLOT(0), .runs = 1 };
	T_ERRNO(ioctl(c.fd, DMASTREAM_IOC_IMPORT_BUF, &im), EINVAL);
	im = (struct dmastream_import){ .fd = exp, .buffer = SLOT(0), .size = 1 };
	T_ERRNO(ioctl(c.fd, DMASTREAM_IOC_IMPORT_BUF, &im), EINVAL);
	im = (struct dmastream_import){ .fd = exp, .buffer = SLOT(0), .reserved = { 1 } };
	T_ERRNO(ioctl(c.fd, DMASTREAM_IOC_IMPORT_BUF, &im), EINVAL);
	T_ERRNO(ioctl(c.fd, DMASTREAM_IOC_IMPORT_BUF, (void *)8), EFAULT);
	write_back_fails(&c, exp);
	T_CHECK(import_buf(c.fd, -1, SLOT(0), 0, NULL) == -EBADF, "fd -1");
	efd = eventfd(0, EFD_CLOEXEC);
	T_CHECK(import_buf(c.fd, efd, SLOT(0), 0, NULL) == -EINVAL, "an eventfd is no dma-buf");
	close(efd);
	own = t_export(c.fd, 0, DMASTREAM_EXPORT_WRITE);
	T_CHECK(import_buf(c.fd, own, SLOT(0), 0, NULL) == -EINVAL, "the ring's own export");
	close(own);
	/* A read-only dma-buf cannot be mapped for the engine to write. */
	T_CHECK(import_buf(c.fd, exp_ro, SLOT(1), 0, NULL) == -EACCES, "read-only, writable");
	T_CHECK(import_buf(c.fd, exp_ro, SLOT(1), DMASTREAM_IMPORT_ENGINE_READS, &im) == 0,
		"read-only dma-buf for the engine to read");
	T_CHECK(im.size == tx.ring.buf_stride && im.runs >= 1, "size %llu runs %u",
		(unsigned long long)im.size, im.runs);

	T_CHECK(import_buf(c.fd, exp, SLOT(0), 0, &im) == 0, "import");
	T_CHECK(import_buf(c.fd, exp_ro, SLOT(0), DMASTREAM_IMPORT_ENGINE_READS, NULL) == -EEXIST,
		"slot taken");
	T_CHECK(import_buf(c.fd, exp, SLOT(2), 0, NULL) == -EEXIST, "imported twice");

	/* SUBMIT on imports. */
	T_CHECK(t_copy_at(&c, 0, 0, SLOT(1), 0, 4096, &bad) == -EACCES && bad == 0,
		"the engine writing an import it may only read");
	T_CHECK(t_copy_at(&c, SLOT(1), 0, 0, 0, 4096, NULL) == 0, "reading it");
	T_CHECK(t_copy_at(&c, 0, 0, SLOT(3), 0, 4096, &bad) == -EINVAL && bad == 0, "empty slot");
	T_CHECK(t_copy_at(&c, 0, 0, SLOT(0), BUFSZ - 4096, 8192, NULL) == -EINVAL,
		"beyond the import's end");
	/* Not released while a transfer uses it. */
	T_ASSERT(t_sim_set("memcpy", "stall", "1") == 0, "stall");
	{
		struct dmastream_seg s[2] = {
			{ .buf = 0, .len = 4096 },
			{ .buf = SLOT(0), .len = 4096 },
		};
		struct dmastream_xfer x = { .nsegs = 1, .dst_seg_first = 1, .dst_nsegs = 1 };
		struct dmastream_cqe cqe;

		T_ASSERT(t_submit(&c, &x, 1, s, 2, NULL) == 1, "submit: %s", strerror(errno));
		T_ERRNO(t_release(c.fd, SLOT(0)), EBUSY);
		T_CHECK(ioctl(c.fd, DMASTREAM_IOC_ABORT) == 0, "abort");
		T_CHECK(t_collect(&c, &cqe, 1, 10000) == 0 &&
			cqe.status == DMASTREAM_STATUS_ABORTED, "the aborted record");
	}
	T_ASSERT(t_sim_set("memcpy", "stall", "0") == 0, "unstall");

	/* SET_RING keeps imports: resizing is refused, freeing releases them. */
	t_unmap(&c);
	r = (struct dmastream_ring){ .count = 2, .size = 4096, .flags = t_ring_flags() };
	T_ERRNO(ioctl(c.fd, DMASTREAM_IOC_SET_RING, &r), EBUSY);
	T_ERRNO(t_release(c.fd, SLOT(2)), EINVAL);
	T_ERRNO(t_release(c.fd, 0), EINVAL);
	T_ERRNO(t_release(c.fd, SLOT(64)), EINVAL);
	T_ERRNO(ioctl(c.fd, DMASTREAM_IOC_RELEASE_BUF, (void *)8), EFAULT);
	T_CHECK(t_release(c.fd, SLOT(0)) == 0, "release: %s",
		strerror(errno));
	T_ERRNO(t_release(c.fd, SLOT(0)), EINVAL);
	r = (struct dmastream_ring){ .count = 2, .size = 4096, .flags = t_ring_flags() };
	T_ERRNO(ioctl(c.fd, DMASTREAM_IOC_SET_RING, &r), EBUSY);
	T_CHECK(t_release(c.fd, SLOT(1)) == 0, "release 1");
	r = (struct dmastream_ring){ .count = 2, .size = 4096, .flags = t_ring_flags() };
	T_CHECK(ioctl(c.fd, DMASTREAM_IOC_SET_RING, &r) == 0, "resize without imports: %s",
		strerror(errno));
	T_CHECK(import_buf(c.fd, exp, SLOT(0), 0, NULL) == 0, "import again");
	r = (struct dmastream_ring){ 0 };
	T_CHECK(ioctl(c.fd, DMASTREAM_IOC_SET_RING, &r) == 0, "free with an import: %s",
		strerror(errno));
	close(c.fd);

	t_setup(&c, "rx", NBUF, BUFSZ, 0);
	T_CHECK(import_buf(c.fd, exp, SLOT(0), DMASTREAM_IMPORT_ENGINE_READS, NULL) == -EINVAL,
		"ENGINE_READS on rx");
	t_teardown(&c);
	close(exp);
	close(exp_ro);
	t_teardown(&tx);
}

/* The memcpy channel the exporters' copies run on. */
static const char *chan = "memcpy";

/*
 * Ring buffer 0 -> the whole import -> ring buffer 1, through the memcpy
 * channel, with the CPU checking and writing through the dma-buf's own
 * mapping within DMA_BUF_IOCTL_SYNC; or, with @direct (the exporting
 * ring's own mapping of the buffer), through that and without
 * DMA_BUF_IOCTL_SYNC, whose exporter side would sync the import's mapping
 * too: then the driver's syncs of the import are the only ones.
 */
static void roundtrip(const char *what, int dmabuf, size_t size, uint8_t *direct)
{
	struct dmastream_import im;
	struct tchan c;
	uint8_t *map = direct;
	size_t bad, off, len;
	uint64_t seed = t_rand();

	t_setup(&c, chan, 2, size, 0);
	T_ASSERT(import_buf(c.fd, dmabuf, SLOT(5), 0, &im) == 0, "%s: import: %s", what,
		 strerror(errno));
	T_CHECK(im.size >= size, "%s: size %llu", what, (unsigned long long)im.size);
	printf("# %s: %llu bytes in %u runs\n", what, (unsigned long long)im.size, im.runs);
	if (!direct) {
		map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, dmabuf, 0);
		T_ASSERT(map != MAP_FAILED, "%s: mmap: %s", what, strerror(errno));
	}

	/* Engine -> import, in pieces of odd sizes so that some span runs. */
	t_fill(c.bufs[0], size, seed);
	for (off = 0; off < size; off += len) {
		len = off ? 12288 + 4096 * (off / 4096 % 5) : 4096;
		if (len > size - off)
			len = size - off;
		T_ASSERT(t_copy_at(&c, 0, off, SLOT(5), off, len, NULL) == 0, "%s: copy in at %zu",
			 what, off);
	}
	if (!direct)
		T_CHECK(dmabuf_sync(dmabuf, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW) == 0,
			"sync start");
	T_CHECK(t_check_fill(map, size, seed, &bad), "%s: engine -> import wrong at %zu", what,
		bad);
	/* CPU -> import -> engine -> ring buffer 1, in one transfer. */
	t_fill(map, size, seed + 1);
	if (!direct)
		T_CHECK(dmabuf_sync(dmabuf, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW) == 0, "sync end");
	T_ASSERT(t_copy_at(&c, SLOT(5), 0, 1, 0, size, NULL) == 0, "%s: copy out", what);
	T_CHECK(t_check_fill(c.bufs[1], size, seed + 1, &bad), "%s: import -> engine wrong at %zu",
		what, bad);
	if (!direct)
		munmap(map, size);
	T_CHECK(t_release(c.fd, SLOT(5)) == 0, "%s: release", what);
	t_teardown(&c);
}

/* @source: the channel whose ring buffer is exported for the first import. */
static void exporters(const char *source)
{
	struct vgem_bo bo;
	struct tchan tx;
	int fd;

	t_setup(&tx, source, 1, BUFSZ, 0);
	fd = t_export(tx.fd, 0, DMASTREAM_EXPORT_WRITE);
	T_ASSERT(fd >= 0, "export of %s: %d", source, fd);
	roundtrip("dmastream export", fd, BUFSZ, NULL);
	roundtrip("dmastream export, its ring's mapping", fd, BUFSZ, tx.bufs[0]);
	close(fd);
	t_teardown(&tx);

	if (vgem_create(&bo, BUFSZ)) {
		roundtrip("vgem", bo.dmabuf, BUFSZ, NULL);
		vgem_destroy(&bo);
	} else {
		printf("# no vgem in this guest\n");
	}
	fd = udmabuf_create(BUFSZ);
	if (fd >= 0) {
		roundtrip("udmabuf", fd, BUFSZ, NULL);
		close(fd);
	} else {
		printf("# no udmabuf in this guest\n");
	}
	fd = heap_create(BUFSZ);
	if (fd >= 0) {
		roundtrip("system heap", fd, BUFSZ, NULL);
		close(fd);
	} else {
		printf("# no system DMA heap in this guest\n");
	}
}

/* One transfer on a slave channel, from or into @buf; waits for its record. */
static void slave_xfer(struct tchan *c, uint32_t buf, uint32_t len, struct dmastream_cqe *cqe)
{
	T_ASSERT(t_submit1(c, buf, 0, len, buf) == 1, "%s: submit: %s", c->path,
		 strerror(errno));
	T_ASSERT(t_collect(c, cqe, 1, 10000) == 0, "%s: no record", c->path);
	T_CHECK(cqe->status == 0, "%s: status %u", c->path, cqe->status);
}

/*
 * RX -> TX: a block goes out of TX's ring, is received into RX buffer 0,
 * and goes out again from there (its export, imported by TX), to arrive
 * in RX buffer 1.
 */
static void forward(void)
{
	struct dmastream_cqe txr, rxr;
	struct dmastream_import im;
	struct tchan tx, rx;
	uint64_t seed = t_rand();
	size_t bad;
	int fd;

	t_setup(&tx, "tx", 1, BUFSZ, 0);
	t_setup(&rx, "rx", 2, BUFSZ, 0);
	fd = t_export(rx.fd, 0, 0);
	T_ASSERT(fd >= 0, "export of rx buffer 0: %d", fd);
	/* A read-only export is enough: TX only reads. */
	T_ASSERT(import_buf(tx.fd, fd, SLOT(0), 0, &im) == 0, "tx imports rx's buffer: %s",
		 strerror(errno));
	close(fd);

	t_fill(tx.bufs[0], BUFSZ, seed);
	T_ASSERT(t_submit1(&rx, 0, 0, BUFSZ, 0) == 1, "rx submit");
	slave_xfer(&tx, 0, BUFSZ, &txr);
	T_ASSERT(t_collect(&rx, &rxr, 1, 10000) == 0 && rxr.status == 0, "rx of the first pass");
	memset(tx.bufs[0], 0, BUFSZ);

	T_ASSERT(t_submit1(&rx, 1, 0, BUFSZ, 1) == 1, "rx submit");
	slave_xfer(&tx, SLOT(0), BUFSZ, &txr);
	T_CHECK(txr.bytes == BUFSZ, "forwarded %u bytes", txr.bytes);
	T_ASSERT(t_collect(&rx, &rxr, 1, 10000) == 0 && rxr.status == 0, "rx of the forward");
	T_CHECK(t_check_fill(rx.bufs[1], BUFSZ, seed, &bad), "forwarded data wrong at %zu", bad);
	/* TX may not write what it imported, but may not be asked to either. */
	T_CHECK(t_release(tx.fd, SLOT(0)) == 0, "release");
	t_teardown(&tx);
	t_teardown(&rx);
}

static void fences(void)
{
	struct t_vgem_fence_attach fa;
	struct t_vgem_fence_signal fs = { 0 };
	struct vgem_bo bo;
	struct tchan c;
	uint32_t bad;

	if (!vgem_create(&bo, BUFSZ)) {
		printf("# no vgem in this guest: fences not tested\n");
		return;
	}
	t_setup(&c, "memcpy", 2, BUFSZ, 0);
	/* A dma-buf opened read-only may not be written by the engine. */
	{
		struct vgem_bo rbo;

		T_ASSERT(vgem_create_mode(&rbo, BUFSZ, true), "read-only vgem object");
		T_CHECK(import_buf(c.fd, rbo.dmabuf, SLOT(0), 0, NULL) == -EACCES,
			"a read-only dma-buf imported for writing");
		T_CHECK(import_buf(c.fd, rbo.dmabuf, SLOT(0), DMASTREAM_IMPORT_ENGINE_READS,
				   NULL) == 0, "a read-only dma-buf imported for reading");
		T_CHECK(t_release(c.fd, SLOT(0)) == 0, "release");
		vgem_destroy(&rbo);
	}
	T_ASSERT(import_buf(c.fd, bo.dmabuf, SLOT(0), 0, NULL) == 0, "import vgem");

	fa = (struct t_vgem_fence_attach){ .handle = bo.handle, .flags = T_VGEM_FENCE_WRITE };
	T_ASSERT(ioctl(bo.drm, T_VGEM_IOCTL_FENCE_ATTACH, &fa) == 0, "write fence: %s",
		 strerror(errno));
	T_CHECK(t_copy_at(&c, SLOT(0), 0, 0, 0, 4096, &bad) == -EBUSY && bad == 0,
		"reading under a write fence");
	T_CHECK(t_copy_at(&c, 0, 0, SLOT(0), 0, 4096, &bad) == -EBUSY && bad == 0,
		"writing under a write fence");
	fs.fence = fa.out_fence;
	T_ASSERT(ioctl(bo.drm, T_VGEM_IOCTL_FENCE_SIGNAL, &fs) == 0, "signal: %s",
		 strerror(errno));
	T_CHECK(t_copy_at(&c, SLOT(0), 0, 0, 0, 4096, NULL) == 0, "reading, fence signalled");

	fa = (struct t_vgem_fence_attach){ .handle = bo.handle };
	T_ASSERT(ioctl(bo.drm, T_VGEM_IOCTL_FENCE_ATTACH, &fa) == 0, "read fence: %s",
		 strerror(errno));
	T_CHECK(t_copy_at(&c, SLOT(0), 0, 0, 0, 4096, NULL) == 0, "reading under a read fence");
	T_CHECK(t_copy_at(&c, 0, 0, SLOT(0), 0, 4096, &bad) == -EBUSY && bad == 0,
		"writing under a read fence");
	fs.fence = fa.out_fence;
	T_ASSERT(ioctl(bo.drm, T_VGEM_IOCTL_FENCE_SIGNAL, &fs) == 0, "signal");
	T_CHECK(t_copy_at(&c, 0, 0, SLOT(0), 0, 4096, NULL) == 0, "writing, fence signalled");
	t_teardown(&c);
	vgem_destroy(&bo);
}

static void lifetime(void)
{
	struct tchan a, b;
	int fa, fb;

	/* The import holds the exporter's memory, not its fd. */
	t_setup(&a, "memcpy", 2, BUFSZ, 0);
	t_setup(&b, "tx", 1, BUFSZ, 0);
	fb = t_export(b.fd, 0, DMASTREAM_EXPORT_WRITE);
	T_ASSERT(fb >= 0 && import_buf(a.fd, fb, SLOT(0), 0, NULL) == 0, "a imports b");
	close(fb);
	t_fill(a.bufs[0], BUFSZ, 3);
	T_CHECK(t_copy_at(&a, 0, 0, SLOT(0), 0, BUFSZ, NULL) == 0, "copy into b's buffer");
	T_CHECK(t_check_fill(b.bufs[0], BUFSZ, 3, NULL), "b's buffer has what a copied");
	/* b's ring is held by a's import until a lets go: a's 2 + b's 1 + 1. */
	t_teardown(&b);
	T_CHECK(t_ring_fits_within("rx", 1, BUFSZ, 3ULL * BUFSZ) == EDQUOT, "b's ring still held");
	T_CHECK(t_release(a.fd, SLOT(0)) == 0, "release");
	T_CHECK(t_ring_fits_within("rx", 1, BUFSZ, 3ULL * BUFSZ) == 0, "released: b's ring gone");
	t_teardown(&a);

	/* Each imports the other's export: closing both frees both. */
	t_setup(&a, "memcpy", 1, BUFSZ, 0);
	t_setup(&b, "tx", 1, BUFSZ, 0);
	fa = t_export(a.fd, 0, DMASTREAM_EXPORT_WRITE);
	fb = t_export(b.fd, 0, DMASTREAM_EXPORT_WRITE);
	T_ASSERT(fa >= 0 && fb >= 0, "exports");
	T_ASSERT(import_buf(a.fd, fb, SLOT(0), 0, NULL) == 0 &&
		 import_buf(b.fd, fa, SLOT(0), 0, NULL) == 0, "cross imports: %s", strerror(errno));
	close(fa);
	close(fb);
	t_teardown(&a);
	t_teardown(&b);
	T_CHECK(t_ring_fits_alone("rx", 1, BUFSZ) == 0, "cross imports hold nothing once closed");
}

/*
 * RX into an import over its runs, cut short: TX sends half of what RX
 * asked for. The bytes received are the sent ones, and the rest of the
 * range keeps what the CPU wrote there before (a bounce buffer or a cache
 * invalidation must not bring back older bytes).
 */
static void rx_short(void)
{
	const size_t size = 64U << 10, sent = size / 2;
	struct dmastream_cqe cqe;
	struct tchan tx, rx;
	struct vgem_bo bo;
	uint64_t seed = t_rand();
	size_t bad;
	uint8_t *map;

	if (!vgem_create(&bo, size))
		return;
	t_setup(&tx, "tx", 1, size, 0);
	t_setup(&rx, "rx", 1, 4096, 0);
	T_ASSERT(import_buf(rx.fd, bo.dmabuf, SLOT(0), 0, NULL) == 0, "rx imports vgem");
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, bo.dmabuf, 0);
	T_ASSERT(map != MAP_FAILED, "vgem mmap: %s", strerror(errno));
	T_CHECK(dmabuf_sync(bo.dmabuf, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE) == 0, "sync");
	memset(map, SENTINEL_BYTE, size);
	T_CHECK(dmabuf_sync(bo.dmabuf, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE) == 0, "sync");
	t_fill(tx.bufs[0], sent, seed);
	T_ASSERT(t_submit1(&rx, SLOT(0), 0, size, 1) == 1, "rx into the import: %s",
		 strerror(errno));
	T_ASSERT(t_submit1(&tx, 0, 0, sent, 2) == 1, "tx submit");
	T_CHECK(t_collect(&tx, &cqe, 1, 10000) == 0 && cqe.status == 0, "tx record");
	T_ASSERT(t_collect(&rx, &cqe, 1, 10000) == 0, "no rx record");
	T_CHECK(cqe.status == 0 && (!t_exact_rx_length() || cqe.bytes == sent),
		"rx record: status %u, %u bytes", cqe.status, cqe.bytes);
	T_CHECK(dmabuf_sync(bo.dmabuf, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ) == 0, "sync");
	T_CHECK(t_check_fill(map, sent, seed, &bad), "received bytes wrong at %zu", bad);
	for (bad = sent; bad < size && map[bad] == SENTINEL_BYTE; bad++)
		;
	T_CHECK(bad == size, "byte %zu beyond the packet lost the CPU's value", bad);
	T_CHECK(dmabuf_sync(bo.dmabuf, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ) == 0, "sync");
	munmap(map, size);
	t_teardown(&tx);
	t_teardown(&rx);
	vgem_destroy(&bo);
}

/*
 * On a slave channel an import's runs are scatter-gather entries: a
 * transfer over more of them than max_segs is refused with E2BIG, one
 * over fewer goes (vgem's pages, 1 MiB: often more runs than dmasim's
 * 128 entries, not always).
 */
static void entries(void)
{
	struct dmastream_import im;
	struct dmastream_cqe cqe;
	struct tchan tx, rx;
	struct vgem_bo bo;
	const size_t size = 1U << 20;
	uint64_t seed = t_rand();
	size_t len, bad;
	uint8_t *map;
	int ret;

	/* Ring buffers of 1 MiB: coherent ones only (cached: page blocks). */
	if (t_ring_flags() || !vgem_create(&bo, size))
		return;
	t_setup(&tx, "tx", 1, 4096, 0);
	t_setup(&rx, "rx", 1, size, 0);
	T_ASSERT(import_buf(tx.fd, bo.dmabuf, SLOT(0), 0, &im) == 0, "tx imports vgem");
	printf("# vgem, %zu bytes: %u runs, max_segs %u\n", size, im.runs, tx.caps.max_segs);
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, bo.dmabuf, 0);
	T_ASSERT(map != MAP_FAILED, "vgem mmap: %s", strerror(errno));
	T_CHECK(dmabuf_sync(bo.dmabuf, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE) == 0, "sync");
	t_fill(map, size, seed);
	T_CHECK(dmabuf_sync(bo.dmabuf, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE) == 0, "sync");
	munmap(map, size);
	/* The whole goes iff its runs fit; else a part over fewer runs does. */
	len = size;
	while ((ret = t_submit1(&tx, SLOT(0), 0, len, 0)) == -E2BIG && len > 4096)
		len /= 2;
	T_ASSERT(ret == 1, "%zu bytes from vgem: %s", len, strerror(-ret));
	T_CHECK((len == size) == (im.runs <= tx.caps.max_segs),
		"%u runs, max_segs %u: %zu bytes accepted", im.runs, tx.caps.max_segs, len);
	T_ASSERT(t_submit1(&rx, 0, 0, len, 0) == 1, "rx submit");
	T_CHECK(t_collect(&tx, &cqe, 1, 10000) == 0 && cqe.status == 0, "tx record");
	T_CHECK(t_collect(&rx, &cqe, 1, 10000) == 0 && cqe.status == 0 && cqe.bytes == len,
		"rx record");
	T_CHECK(t_check_fill(rx.bufs[0], len, seed, &bad), "from vgem: wrong at %zu", bad);
	t_teardown(&tx);
	t_teardown(&rx);
	vgem_destroy(&bo);
}

/* A child with imports and a transfer in flight on them, killed. */
static void killed(void)
{
	int ready[2];
	pid_t pid;
	char x;

	T_ASSERT(pipe(ready) == 0, "pipe");
	pid = fork();
	T_ASSERT(pid >= 0, "fork");
	if (!pid) {
		struct tchan c, tx;
		struct vgem_bo bo;
		int fd;

		t_setup(&tx, "tx", 1, BUFSZ, 0);
		t_setup(&c, "memcpy", 2, BUFSZ, 0);
		fd = t_export(tx.fd, 0, DMASTREAM_EXPORT_WRITE);
		if (fd < 0 || import_buf(c.fd, fd, SLOT(0), 0, NULL))
			_exit(1);
		if (vgem_create(&bo, BUFSZ) && import_buf(c.fd, bo.dmabuf, SLOT(1), 0, NULL))
			_exit(1);
		/* A copy the engine holds on to. */
		if (t_sim_set("memcpy", "stall", "1"))
			_exit(1);
		{
			struct dmastream_seg s[2] = {
				{ .buf = SLOT(0), .len = BUFSZ },
				{ .buf = 1, .len = BUFSZ },
			};
			struct dmastream_xfer xf = { .nsegs = 1, .dst_seg_first = 1,
						     .dst_nsegs = 1 };

			if (t_submit(&c, &xf, 1, s, 2, NULL) != 1)
				_exit(1);
		}
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(ready[1]);
	T_ASSERT(read(ready[0], &x, 1) == 1, "the child did not get ready");
	close(ready[0]);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	t_sim_set("memcpy", "stall", "0");
	T_CHECK(t_ring_fits_alone("rx", 1, BUFSZ) == 0, "killed with imports: every ring back");
}

int main(int argc, char **argv)
{
	/* On a lane's real provider: its memcpy channel, another as a source. */
	if (argc == 3) {
		chan = argv[1];
		t_start("import: exporters");
		exporters(argv[2]);
		return t_report();
	}
	t_start("import: errnos");
	errnos();
	t_start("import: exporters");
	exporters("tx");
	t_start("import: rx -> tx forward");
	forward();
	t_start("import: fences");
	fences();
	t_start("import: entries");
	entries();
	t_start("import: rx cut short");
	rx_short();
	t_start("import: lifetime");
	lifetime();
	t_start("import: killed");
	killed();
	return t_report();
}
