// SPDX-License-Identifier: MIT
/*
 * Camera to DMA engine without a copy: a V4L2 capture device draws its
 * frames straight into the TX channel's ring buffers, exported as dma-bufs
 * (dms_buf_export) and queued with V4L2_MEMORY_DMABUF, and each frame goes
 * out on the TX channel from the buffer it was captured into.
 *
 *   v4l2-dmabuf-tx VIDEO TX FRAMES [RX]
 *
 * VIDEO is a capture node (/dev/video0), TX a dmastream TX channel
 * ("loop0/tx"). With RX (the other end of a loopback, "loop0/rx"), every
 * frame is received there and compared with what was captured. One line
 * per frame: its index, size and FNV-1a hash.
 *
 * Who owns a buffer when: V4L2 from QBUF to DQBUF, the TX engine from the
 * submit to its completion record, then V4L2 again. The driver attaches no
 * fences to the dma-bufs, so this program keeps that order itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/videodev2.h>

#include <libdmastream.h>

#define NBUF		4
#define BUFSZ		(1U << 20)	/* room for a 640x480 YUYV frame */

static int die(const char *what, int err)
{
	fprintf(stderr, "v4l2-dmabuf-tx: %s: %s\n", what, strerror(err < 0 ? -err : err));
	exit(1);
}

static uint64_t fnv1a(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (n--)
		h = (h ^ *p++) * 0x100000001b3ULL;
	return h;
}

/* Waits for the completion record of the one transfer in flight on @ch. */
static const struct dmastream_cqe *one_record(struct dms_channel *ch)
{
	const struct dmastream_cqe *cqe;
	int ret;

	ret = dms_wait(ch, 1, 5000000000LL);
	if (ret < 0)
		die("waiting for a completion", ret);
	ret = dms_cq_peek(ch, &cqe);
	if (ret < 0)
		die("no completion record", ret);
	return cqe;
}

static int xioctl(int fd, unsigned long req, void *arg)
{
	int ret;

	do
		ret = ioctl(fd, req, arg);
	while (ret < 0 && errno == EINTR);
	return ret < 0 ? -errno : 0;
}

int main(int argc, char **argv)
{
	struct v4l2_format fmt = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	struct v4l2_requestbuffers rb = { .count = NBUF, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
					  .memory = V4L2_MEMORY_DMABUF };
	enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	struct dms_channel *tx, *rx = NULL;
	int vfd, dfd[NBUF], frames, f, ret;
	unsigned int i;

	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: v4l2-dmabuf-tx VIDEO TX FRAMES [RX]\n");
		return 2;
	}
	frames = atoi(argv[3]);
	vfd = open(argv[1], O_RDWR | O_CLOEXEC);
	if (vfd < 0)
		die(argv[1], errno);
	ret = dms_channel_open(argv[2], 0, &tx);
	if (ret < 0)
		die(argv[2], ret);
	ret = dms_ring_setup(tx, NBUF, BUFSZ, 0);
	if (ret < 0)
		die("TX ring", ret);
	if (argc == 5) {
		ret = dms_channel_open(argv[4], 0, &rx);
		if (ret == 0)
			ret = dms_ring_setup(rx, 1, BUFSZ, 0);
		if (ret < 0)
			die(argv[4], ret);
	}

	/* The camera's frame format decides the transfer size. */
	ret = xioctl(vfd, VIDIOC_G_FMT, &fmt);
	if (ret == 0 && fmt.fmt.pix.sizeimage > BUFSZ) {
		fmt.fmt.pix.width = 640;
		fmt.fmt.pix.height = 480;
		ret = xioctl(vfd, VIDIOC_S_FMT, &fmt);
	}
	if (ret < 0 || fmt.fmt.pix.sizeimage == 0 || fmt.fmt.pix.sizeimage > BUFSZ)
		die("a frame format that fits the buffers", ret ? ret : EINVAL);

	/* Every TX buffer becomes a V4L2 buffer: one memory, two users. */
	ret = xioctl(vfd, VIDIOC_REQBUFS, &rb);
	if (ret < 0 || rb.count != NBUF)
		die("VIDIOC_REQBUFS (DMABUF)", ret ? ret : ENOMEM);
	for (i = 0; i < NBUF; i++) {
		struct v4l2_buffer b = { .index = i, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
					 .memory = V4L2_MEMORY_DMABUF, .length = BUFSZ };

		dfd[i] = dms_buf_export(tx, i, DMS_EXPORT_WRITE | DMS_EXPORT_CLOEXEC);
		if (dfd[i] < 0)
			die("dms_buf_export", dfd[i]);
		b.m.fd = dfd[i];
		ret = xioctl(vfd, VIDIOC_QBUF, &b);
		if (ret < 0)
			die("VIDIOC_QBUF", ret);
	}
	ret = xioctl(vfd, VIDIOC_STREAMON, &type);
	if (ret < 0)
		die("VIDIOC_STREAMON", ret);

	for (f = 0; f < frames; f++) {
		struct v4l2_buffer b = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
					 .memory = V4L2_MEMORY_DMABUF };
		struct pollfd pfd = { .fd = vfd, .events = POLLIN };
		const struct dmastream_cqe *cqe;
		const uint8_t *frame;
		uint64_t hash;

		if (poll(&pfd, 1, 10000) != 1)
			die("no frame within 10 s", ETIMEDOUT);
		ret = xioctl(vfd, VIDIOC_DQBUF, &b);
		if (ret < 0)
			die("VIDIOC_DQBUF", ret);
		/* V4L2 is done with it: the buffer is the program's, then TX's. */
		frame = dms_buf(tx, b.index);
		hash = fnv1a(frame, b.bytesused);
		if (rx) {
			ret = dms_submit_buf(rx, f, 0, 0, BUFSZ);
			if (ret < 0)
				die("RX submit", ret);
		}
		ret = dms_submit_buf(tx, f, b.index, 0, b.bytesused);
		if (ret < 0)
			die("TX submit", ret);
		cqe = one_record(tx);
		if (cqe->status)
			die("TX transfer", (int)cqe->status);
		dms_cq_advance(tx, 1);
		printf("frame %d: buffer %u, %u bytes, fnv1a %016llx", f, b.index, b.bytesused,
		       (unsigned long long)hash);
		if (rx) {
			cqe = one_record(rx);
			if (cqe->status || cqe->bytes != b.bytesused ||
			    fnv1a(dms_buf(rx, 0), cqe->bytes) != hash)
				die("the frame received differs from the frame captured", EIO);
			dms_cq_advance(rx, 1);
			printf(", received intact");
		}
		printf("\n");
		/* TX is done with it: back to V4L2. */
		b.m.fd = dfd[b.index];
		b.length = BUFSZ;
		ret = xioctl(vfd, VIDIOC_QBUF, &b);
		if (ret < 0)
			die("VIDIOC_QBUF", ret);
	}

	xioctl(vfd, VIDIOC_STREAMOFF, &type);
	rb.count = 0;
	xioctl(vfd, VIDIOC_REQBUFS, &rb);
	close(vfd);
	/* The exports hold the ring until they are closed. */
	ret = dms_ring_free(tx);
	if (ret != -EBUSY)
		die("dms_ring_free with the exports open should be refused", ret ? ret : EINVAL);
	for (i = 0; i < NBUF; i++)
		close(dfd[i]);
	ret = dms_ring_free(tx);
	if (ret < 0)
		die("dms_ring_free once the exports are closed", ret);
	dms_channel_close(tx);
	if (rx)
		dms_channel_close(rx);
	return 0;
}
