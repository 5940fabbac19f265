// SPDX-License-Identifier: MIT
/*
 * Forwarding what one channel receives out of another channel's
 * transmitter without a copy: the RX pipeline hands each received buffer
 * over as a dma-buf, and the TX channel sends straight from it.
 *
 *   rx-dmabuf-forward RX_CHANNEL TX_CHANNEL COUNT [ring|dmabuf]
 *
 * The pipeline's buffers are its ring's (exported as dma-bufs the first
 * time they are handed over) or, with "dmabuf", one dma-buf each from a
 * DMA heap or udmabuf. The sink imports each dma-buf into TX_CHANNEL once,
 * sends the packet from it and keeps the buffer (DMS_SINK_HELD) until the
 * send completes; then the buffer goes back to the RX engine. One epoll
 * loop waits for both: the pipeline's fd and the TX channel's. After COUNT
 * packets, one JSON line says what was moved.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <libdmastream.h>

#define DEPTH		8
#define BUFFERS		16
#define SIZE		65536

struct forward {
	struct dms_channel *tx;
	struct dms_pipeline *p;
	/* The TX channel's imports, by the pipeline's dma-buf fd. */
	struct {
		int fd;
		uint32_t index;
	} imports[BUFFERS];
	unsigned int nimports;
	uint64_t sent, done, failed;
};

/* The TX channel's import of dma-buf @fd, made the first time it comes. */
static int import_of(struct forward *f, int fd, uint32_t *index)
{
	struct dms_import_info info;
	int ret;

	for (unsigned int i = 0; i < f->nimports; i++) {
		if (f->imports[i].fd == fd) {
			*index = f->imports[i].index;
			return 0;
		}
	}
	if (f->nimports == BUFFERS)
		return -ENOSPC;
	ret = dms_buf_import(f->tx, fd, DMS_IMPORT_ENGINE_READS, &info);
	if (ret)
		return ret;
	f->imports[f->nimports].fd = fd;
	f->imports[f->nimports++].index = info.index;
	*index = info.index;
	return 0;
}

/* Send the packet from where it was received; keep the buffer until it is sent. */
static int forward_sink(void *arg, int fd, uint32_t offset, uint32_t len,
			const struct dmastream_cqe *cqe)
{
	struct forward *f = arg;
	uint32_t index;
	int ret;

	ret = import_of(f, fd, &index);
	if (ret)
		return ret;
	/* The TX completion brings the RX cookie back: the buffer to give back. */
	ret = dms_submit_buf(f->tx, cqe->cookie, index, offset, len);
	if (ret)
		return ret;	/* -EAGAIN: no room yet, the pipeline asks again */
	f->sent++;
	return DMS_SINK_HELD;
}

/* Each TX completion gives its buffer back to the RX pipeline. */
static int reap_tx(struct forward *f)
{
	struct dmastream_cqe cqe[BUFFERS];
	uint32_t n;
	int ret;

	while ((n = dms_reap(f->tx, cqe, BUFFERS)) > 0) {
		for (uint32_t i = 0; i < n; i++) {
			f->done++;
			if (cqe[i].status != DMASTREAM_STATUS_OK)
				f->failed++;
			ret = dms_pipeline_release(f->p, cqe[i].cookie);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static int loop(struct forward *f, int ep)
{
	struct epoll_event ev = { .events = EPOLLIN }, got[2];
	int pfd, ret, timeout;
	bool running = true;

	pfd = dms_pipeline_get_fd(f->p);
	if (pfd < 0)
		return pfd;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, pfd, &ev) ||
	    epoll_ctl(ep, EPOLL_CTL_ADD, dms_channel_fd(f->tx), &ev))
		return -errno;
	for (;;) {
		if (running) {
			ret = dms_pipeline_dispatch(f->p);
			if (ret < 0)
				return ret;
			running = ret > 0;
			/* Done receiving: from now on only the sends are waited for. */
			if (!running)
				epoll_ctl(ep, EPOLL_CTL_DEL, pfd, NULL);
		}
		ret = reap_tx(f);
		if (ret)
			return ret;
		/* The last packets may still be on their way out. */
		if (!running && f->done == f->sent)
			return 0;
		timeout = running ? dms_pipeline_get_timeout(f->p) : 10000;
		ret = epoll_wait(ep, got, 2, timeout);
		if (ret < 0 && errno != EINTR)
			return -errno;
		if (ret == 0 && !running)
			return -ETIMEDOUT;	/* a send that never completes */
	}
}

static int run(struct forward *f)
{
	int ep, ret;

	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		return -errno;
	ret = loop(f, ep);
	close(ep);
	return ret;
}

int main(int argc, char **argv)
{
	struct dms_pipeline_params prm;
	struct forward f = { 0 };
	struct dms_channel *rx;
	bool dmabuf;
	int ret;

	if (argc < 4 || (argc > 4 && strcmp(argv[4], "ring") && strcmp(argv[4], "dmabuf"))) {
		fprintf(stderr, "usage: %s RX_CHANNEL TX_CHANNEL COUNT [ring|dmabuf]\n", argv[0]);
		return 2;
	}
	dmabuf = argc > 4 && !strcmp(argv[4], "dmabuf");
	ret = dms_channel_open(argv[1], 0, &rx);
	if (!ret)
		ret = dms_channel_open(argv[2], 0, &f.tx);
	/* The TX ring holds one small buffer: what it gives here is its completion queue. */
	if (!ret)
		ret = dms_ring_setup(f.tx, 1, 4096, 2 * BUFFERS);
	if (ret) {
		fprintf(stderr, "rx-dmabuf-forward: %s\n", strerror(-ret));
		return 1;
	}
	dms_pipeline_params_init(&prm);
	prm.size = SIZE;
	prm.depth = DEPTH;
	prm.buffers = BUFFERS;
	prm.count = strtoull(argv[3], NULL, 0);
	prm.pattern = DMS_PATTERN_NONE;
	prm.memory = dmabuf ? DMS_MEMORY_DMABUF : DMS_MEMORY_RING;
	ret = dms_pipeline_create(&prm, NULL, rx, &f.p);
	if (!ret)
		ret = dms_pipeline_set_sink_dmabuf(f.p, forward_sink, &f);
	if (!ret)
		ret = run(&f);
	if (ret) {
		/* Sends still in flight would keep their imports: cancel them first. */
		dms_abort(f.tx);
		reap_tx(&f);
	}
	/* The TX imports first: the RX ring's exports are in them. */
	for (unsigned int i = 0; i < f.nimports; i++)
		dms_buf_release(f.tx, f.imports[i].index);
	dms_pipeline_destroy(f.p);
	dms_channel_close(f.tx);
	dms_channel_close(rx);
	if (ret) {
		fprintf(stderr, "rx-dmabuf-forward: %s\n", strerror(-ret));
		return 1;
	}
	printf("{\"memory\":\"%s\",\"forwarded\":%" PRIu64 ",\"failed\":%" PRIu64
	       ",\"imports\":%u}\n", dmabuf ? "dmabuf" : "ring", f.done, f.failed, f.nimports);
	return f.failed ? 1 : 0;
}
