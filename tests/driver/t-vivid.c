// SPDX-License-Identifier: MIT
/*
 * A V4L2 device imports exported ring buffers (V4L2_MEMORY_DMABUF) and
 * captures into them; the engine then copies what it captured: one memory,
 * no copy between the camera and the DMA engine. The device is vivid (the
 * kernel's virtual video test driver), loaded by the guest script; every
 * vivid capture node found is used, so with vivid's "allocators" parameter
 * both of its buffer back ends import: vmalloc (the buffer through
 * dma_buf_vmap()) and dma-contig (attached and mapped for vivid's device).
 *
 * The other way round too: vivid's own capture buffers (V4L2_MEMORY_MMAP),
 * exported with VIDIOC_EXPBUF, imported by the memcpy channel
 * (DMASTREAM_IOC_IMPORT_BUF): the engine copies each frame straight out
 * of vivid's buffer.
 *
 *   t-vivid [FRAMES]   (default 4 frames per node)
 */
#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/videodev2.h>

#include "dstest.h"

#define NBUF		4	/* 0, 1: exported to vivid; 2: the engine's copy */
#define NCAP		2
#define BUFSZ		(256U << 10)
#define WIDTH		320
#define HEIGHT		240
#define SENTINEL	0xa5

static void capture(const char *node, const char *bus, int frames, bool die_streaming);

/*
 * A process killed while vivid streams into its exported buffers: closing
 * the video node releases vivid's imports, the exports go with the fds,
 * and the ring's memory comes back (with total_ring_bytes_max at one ring,
 * the next one fits).
 */
static void killed(const char *node, const char *bus)
{
	int status, ret;
	pid_t pid;

	pid = fork();
	T_ASSERT(pid >= 0, "fork: %s", strerror(errno));
	if (!pid) {
		capture(node, bus, 1, true);
		_exit(1);
	}
	T_ASSERT(waitpid(pid, &status, 0) == pid, "waitpid: %s", strerror(errno));
	T_CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
		"the child did not get as far as its kill (status %#x)", status);
	ret = t_ring_fits_alone("memcpy", NBUF, BUFSZ);
	T_CHECK(ret == 0, "%s: SET_RING after the kill, room for one ring in all: %s", node,
		strerror(ret));
}

/*
 * One vivid capture node: frames into exported buffers, then copied by the
 * engine. @die_streaming: SIGKILL itself after the first frame, streaming.
 */
static void capture(const char *node, const char *bus, int frames, bool die_streaming)
{
	struct v4l2_requestbuffers rb = { .count = NCAP, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
					  .memory = V4L2_MEMORY_DMABUF };
	enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	struct v4l2_format fmt = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	int vfd, dfd[NCAP], i, f;
	struct tchan c;
	uint32_t size;

	printf("%s (%s)\n", node, bus);
	vfd = open(node, O_RDWR);
	T_ASSERT(vfd >= 0, "open %s: %s", node, strerror(errno));
	fmt.fmt.pix.width = WIDTH;
	fmt.fmt.pix.height = HEIGHT;
	fmt.fmt.pix.pixelformat = V4L2_PIX_FMT_YUYV;
	fmt.fmt.pix.field = V4L2_FIELD_NONE;
	T_ASSERT(ioctl(vfd, VIDIOC_S_FMT, &fmt) == 0, "S_FMT: %s", strerror(errno));
	size = fmt.fmt.pix.sizeimage;
	T_ASSERT(size > 0 && size <= BUFSZ, "sizeimage %u", size);

	t_setup(&c, "memcpy", NBUF, BUFSZ, 0);
	for (i = 0; i < NCAP; i++) {
		memset(c.bufs[i], SENTINEL, BUFSZ);
		dfd[i] = t_export(c.fd, i, DMASTREAM_EXPORT_WRITE);
		T_ASSERT(dfd[i] >= 0, "export buffer %d: %s", i, strerror(-dfd[i]));
	}
	/* A read-only export: a device may not map it for writing. */
	{
		struct dmastream_export e = { .buffer = 3 };
		struct v4l2_buffer b = { .index = 0, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
					 .memory = V4L2_MEMORY_DMABUF, .length = BUFSZ };

		T_ASSERT(ioctl(c.fd, DMASTREAM_IOC_EXPORT_BUF, &e) == 0, "read-only export: %s",
			 strerror(errno));
		T_ASSERT(ioctl(vfd, VIDIOC_REQBUFS, &rb) == 0, "REQBUFS: %s", strerror(errno));
		b.m.fd = e.fd;
		/*
		 * dma-contig maps the buffer for its device to write, vmalloc
		 * asks for a kernel address: a read-only export gives neither.
		 */
		T_CHECK(ioctl(vfd, VIDIOC_QBUF, &b) != 0,
			"%s: a capture queue took a read-only export", bus);
		rb.count = 0;
		T_CHECK(ioctl(vfd, VIDIOC_REQBUFS, &rb) == 0, "REQBUFS 0: %s", strerror(errno));
		rb.count = NCAP;
		close(e.fd);
	}
	T_ASSERT(ioctl(vfd, VIDIOC_REQBUFS, &rb) == 0 && rb.count == NCAP,
		 "REQBUFS DMABUF: %s (count %u)", strerror(errno), rb.count);
	for (i = 0; i < NCAP; i++) {
		struct v4l2_buffer b = { .index = i, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
					 .memory = V4L2_MEMORY_DMABUF, .length = BUFSZ };

		b.m.fd = dfd[i];
		T_ASSERT(ioctl(vfd, VIDIOC_QBUF, &b) == 0, "QBUF %d: %s", i, strerror(errno));
	}
	T_ASSERT(ioctl(vfd, VIDIOC_STREAMON, &type) == 0, "STREAMON: %s", strerror(errno));

	for (f = 0; f < frames; f++) {
		struct v4l2_buffer b = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
					 .memory = V4L2_MEMORY_DMABUF };
		struct pollfd pfd = { .fd = vfd, .events = POLLIN };
		size_t changed = 0, k;

		T_ASSERT(poll(&pfd, 1, 20000) == 1, "no frame within 20 s");
		T_ASSERT(ioctl(vfd, VIDIOC_DQBUF, &b) == 0, "DQBUF: %s", strerror(errno));
		T_ASSERT(b.index < NCAP, "DQBUF index %u", b.index);
		T_CHECK(b.bytesused == size, "frame %d: bytesused %u, sizeimage %u", f, b.bytesused,
			size);
		/* The ring's own mapping shows what vivid drew: one memory. */
		for (k = 0; k < size; k++)
			changed += c.bufs[b.index][k] != SENTINEL;
		T_CHECK(changed > size / 4, "frame %d: only %zu of %u bytes drawn", f, changed, size);
		T_CHECK(c.bufs[b.index][size] == SENTINEL, "frame %d: vivid wrote past sizeimage",
			f);
		/* And the engine copies it out of the same memory. */
		memset(c.bufs[2], 0, BUFSZ);
		t_copy(&c, b.index, 2, size, f);
		T_CHECK(!memcmp(c.bufs[2], c.bufs[b.index], size),
			"frame %d: the engine's copy differs from the captured frame", f);
		memset(c.bufs[b.index], SENTINEL, BUFSZ);
		b.m.fd = dfd[b.index];
		b.length = BUFSZ;
		T_ASSERT(ioctl(vfd, VIDIOC_QBUF, &b) == 0, "QBUF again: %s", strerror(errno));
		if (die_streaming)
			raise(SIGKILL);
	}
	T_CHECK(ioctl(vfd, VIDIOC_STREAMOFF, &type) == 0, "STREAMOFF: %s", strerror(errno));
	rb.count = 0;
	T_CHECK(ioctl(vfd, VIDIOC_REQBUFS, &rb) == 0, "REQBUFS 0: %s", strerror(errno));
	close(vfd);
	for (i = 0; i < NCAP; i++)
		close(dfd[i]);
	t_teardown(&c);
}

/*
 * vivid's buffers, exported (VIDIOC_EXPBUF, read-only) and imported by the
 * memcpy channel: each frame is copied by the engine out of the import,
 * and must equal what V4L2's own mapping of the buffer shows.
 */
static void expbuf(const char *node, const char *bus, int frames)
{
	struct v4l2_requestbuffers rb = { .count = NCAP, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
					  .memory = V4L2_MEMORY_MMAP };
	enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	struct v4l2_format fmt = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	uint8_t *vmap[NCAP], *last;
	uint32_t vlen[NCAP], size;
	int vfd, i, f;
	struct tchan c;

	printf("%s (%s): VIDIOC_EXPBUF into the engine\n", node, bus);
	vfd = open(node, O_RDWR);
	T_ASSERT(vfd >= 0, "open %s: %s", node, strerror(errno));
	fmt.fmt.pix.width = WIDTH;
	fmt.fmt.pix.height = HEIGHT;
	fmt.fmt.pix.pixelformat = V4L2_PIX_FMT_YUYV;
	fmt.fmt.pix.field = V4L2_FIELD_NONE;
	T_ASSERT(ioctl(vfd, VIDIOC_S_FMT, &fmt) == 0, "S_FMT: %s", strerror(errno));
	size = fmt.fmt.pix.sizeimage;
	T_ASSERT(ioctl(vfd, VIDIOC_REQBUFS, &rb) == 0 && rb.count == NCAP,
		 "REQBUFS MMAP: %s (count %u)", strerror(errno), rb.count);

	t_setup(&c, "memcpy", 1, BUFSZ, 0);
	for (i = 0; i < NCAP; i++) {
		struct v4l2_buffer b = { .index = i, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
					 .memory = V4L2_MEMORY_MMAP };
		struct v4l2_exportbuffer eb = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .index = i,
						.flags = O_RDONLY | O_CLOEXEC };
		struct dmastream_import im = { .buffer = DMASTREAM_BUF_IMPORTED | i,
					       .flags = DMASTREAM_IMPORT_ENGINE_READS };

		T_ASSERT(ioctl(vfd, VIDIOC_QUERYBUF, &b) == 0, "QUERYBUF: %s", strerror(errno));
		vlen[i] = b.length;
		vmap[i] = mmap(NULL, b.length, PROT_READ, MAP_SHARED, vfd, b.m.offset);
		T_ASSERT(vmap[i] != MAP_FAILED, "mmap of V4L2 buffer %d: %s", i, strerror(errno));
		T_ASSERT(ioctl(vfd, VIDIOC_EXPBUF, &eb) == 0, "EXPBUF %d: %s", i, strerror(errno));
		im.fd = eb.fd;
		T_ASSERT(ioctl(c.fd, DMASTREAM_IOC_IMPORT_BUF, &im) == 0, "%s: import of %d: %s",
			 bus, i, strerror(errno));
		T_CHECK(im.size >= size, "import of %d: %llu bytes", i,
			(unsigned long long)im.size);
		printf("%s: buffer %d imported, %llu bytes in %u runs\n", bus, i,
		       (unsigned long long)im.size, im.runs);
		/* The import holds the buffer, not the fd. */
		close(eb.fd);
		T_ASSERT(ioctl(vfd, VIDIOC_QBUF, &b) == 0, "QBUF %d: %s", i, strerror(errno));
	}
	T_ASSERT(ioctl(vfd, VIDIOC_STREAMON, &type) == 0, "STREAMON: %s", strerror(errno));
	for (f = 0; f < frames; f++) {
		struct v4l2_buffer b = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
					 .memory = V4L2_MEMORY_MMAP };
		struct pollfd pfd = { .fd = vfd, .events = POLLIN };
		size_t changed = 0, k;

		T_ASSERT(poll(&pfd, 1, 20000) == 1, "no frame within 20 s");
		T_ASSERT(ioctl(vfd, VIDIOC_DQBUF, &b) == 0, "DQBUF: %s", strerror(errno));
		T_ASSERT(b.index < NCAP, "DQBUF index %u", b.index);
		memset(c.bufs[0], SENTINEL, BUFSZ);
		t_copy(&c, DMASTREAM_BUF_IMPORTED | b.index, 0, size, f);
		for (k = 0; k < size; k++)
			changed += c.bufs[0][k] != SENTINEL;
		T_CHECK(changed > size / 4, "frame %d: only %zu of %u bytes copied", f, changed,
			size);
		T_CHECK(!memcmp(c.bufs[0], vmap[b.index], size),
			"frame %d: the engine's copy of vivid's buffer differs from it", f);
		T_ASSERT(ioctl(vfd, VIDIOC_QBUF, &b) == 0, "QBUF again: %s", strerror(errno));
	}
	T_CHECK(ioctl(vfd, VIDIOC_STREAMOFF, &type) == 0, "STREAMOFF: %s", strerror(errno));
	/* Freeing the queue while imported: the import keeps the memory. */
	last = malloc(size);
	T_ASSERT(last, "malloc");
	memcpy(last, vmap[0], size);
	for (i = 0; i < NCAP; i++)
		munmap(vmap[i], vlen[i]);
	rb.count = 0;
	T_CHECK(ioctl(vfd, VIDIOC_REQBUFS, &rb) == 0, "REQBUFS 0: %s", strerror(errno));
	close(vfd);
	memset(c.bufs[0], SENTINEL, BUFSZ);
	t_copy(&c, DMASTREAM_BUF_IMPORTED | 0, 0, size, frames);
	T_CHECK(!memcmp(c.bufs[0], last, size),
		"after REQBUFS 0 the import no longer holds vivid's buffer 0");
	free(last);
	for (i = 0; i < NCAP; i++)
		T_CHECK(t_release(c.fd, DMASTREAM_BUF_IMPORTED | i) == 0,
			"release %d: %s", i, strerror(errno));
	t_teardown(&c);
}

int main(int argc, char **argv)
{
	int frames = argc > 1 ? atoi(argv[1]) : 4, nodes = 0;
	struct dirent *d;
	DIR *dir;

	t_start("t-vivid");
	dir = opendir("/dev");
	T_ASSERT(dir, "/dev: %s", strerror(errno));
	while ((d = readdir(dir))) {
		struct v4l2_capability cap;
		char node[300];
		int fd;

		if (strncmp(d->d_name, "video", 5))
			continue;
		snprintf(node, sizeof(node), "/dev/%s", d->d_name);
		fd = open(node, O_RDWR);
		if (fd < 0)
			continue;
		if (ioctl(fd, VIDIOC_QUERYCAP, &cap) == 0 &&
		    !strcmp((const char *)cap.driver, "vivid") &&
		    (cap.device_caps & V4L2_CAP_VIDEO_CAPTURE)) {
			close(fd);
			capture(node, (const char *)cap.bus_info, frames, false);
			killed(node, (const char *)cap.bus_info);
			expbuf(node, (const char *)cap.bus_info, frames);
			nodes++;
			continue;
		}
		close(fd);
	}
	closedir(dir);
	T_CHECK(nodes >= 1, "no vivid capture node");
	printf("%d vivid capture node(s)\n", nodes);
	return t_report();
}
