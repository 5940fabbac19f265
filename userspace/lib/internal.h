/* SPDX-License-Identifier: MIT */
/*
 * libdmastream internals, shared by the library's sources and its unit tests
 * (which link the static library and may call the dms__ functions).
 */
#ifndef LIBDMASTREAM_INTERNAL_H
#define LIBDMASTREAM_INTERNAL_H

#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libdmastream.h"

/*
 * How a channel reaches its driver. The default one makes system calls; the
 * unit tests plug in an in-process fake driver (fake-engine.c) so that the
 * batch, CQ and pipeline code runs on the host without the module.
 */
struct dms_backend {
	/* ioctl(2): the result (>= 0) or -errno. */
	int (*ioctl)(void *ctx, int fd, unsigned long req, void *arg);
	/*
	 * Map the CQ and every buffer described by @ring. On success *cq
	 * holds the CQ mapping and *bufs the first buffer, buffer i being at
	 * *bufs + i * ring->buf_stride.
	 */
	int (*map_ring)(void *ctx, int fd, const struct dmastream_ring *ring, void **cq,
			void **bufs);
	void (*unmap_ring)(void *ctx, const struct dmastream_ring *ring, void *cq, void *bufs);
	/* poll(2) over channel fds and any other fds: the result or -errno. */
	int (*poll)(void *ctx, struct pollfd *fds, unsigned int nfds, int timeout_ms);
	void (*close)(void *ctx, int fd);
	/* A dma-buf of @size bytes (a multiple of the page size): its fd or -errno. */
	int (*dmabuf_alloc)(void *ctx, size_t size);
	/* DMA_BUF_IOCTL_SYNC with DMA_BUF_SYNC_* @flags: 0 or -errno. */
	int (*dmabuf_sync)(void *ctx, int fd, uint64_t flags);
};

extern const struct dms_backend dms__sys_backend;

/*
 * The consumer side of a completion queue: pointers into the shared
 * mapping (or any memory laid out the same way) plus a private copy of head.
 */
struct dms_cq {
	uint32_t *head;			/* written by us, release */
	const uint32_t *tail;		/* written by the producer, acquire */
	const uint32_t *flags;
	const uint32_t *overflow;
	const struct dmastream_cqe *cqes;
	uint32_t mask;
	uint32_t entries;
	uint32_t local_head;		/* == *head: only we write it */
};

int dms__cq_attach(struct dms_cq *cq, void *mem, size_t size,
		   const struct dmastream_cq_offsets *off, uint32_t entries);
uint32_t dms__cq_ready(const struct dms_cq *cq);
uint32_t dms__cq_peek(struct dms_cq *cq, const struct dmastream_cqe **cqes, uint32_t max);
void dms__cq_advance(struct dms_cq *cq, uint32_t n);

struct dms_channel {
	int fd;
	bool readonly;
	const struct dms_backend *be;
	void *be_ctx;
	struct dmastream_caps caps;
	uint32_t direction;
	pthread_mutex_t config_lock;	/* dms_set_config/_wake_min read, then write */
	pthread_mutex_t import_lock;	/* dms_buf_import picks a slot, then fills it */

	/* The ring, while set up by this object. */
	bool has_ring;
	bool ring_kept;			/* freed here, kept by the driver for an export */
	struct dmastream_ring ring;	/* as SET_RING returned it */
	void *cq_mem;
	uint8_t *bufs;
	struct dms_cq cq;
	/* Imports of the ring, by slot: what the checks of segments need. */
	struct dms_import {
		uint64_t size;		/* 0: the slot is free */
		bool engine_reads;
	} imports[64];
};

int dms__channel_open_backend(const struct dms_backend *be, void *ctx, int fd,
			      struct dms_channel **chp);
int dms__ioctl(struct dms_channel *ch, unsigned long req, void *arg);
int dms__dmabuf_sync(struct dms_channel *ch, int fd, uint64_t flags);

/*
 * Checks of one transfer against the channel's capabilities and ring, as the
 * driver does them (docs/abi.md), so that a bad transfer is refused when it
 * is added, with the reason, instead of failing a whole batch later.
 */
int dms__check_segs(const struct dms_channel *ch, const struct dmastream_seg *segs,
		    uint32_t nsegs, bool dma_writes, uint64_t *total);

/* Latency histogram: log-linear buckets, 1/16 of an octave wide. */
#define DMS_HIST_SUB	16
#define DMS_HIST_BUCKETS (64 * DMS_HIST_SUB)

struct dms_hist {
	uint64_t count, sum, min, max;
	uint32_t buckets[DMS_HIST_BUCKETS];
};

void dms__hist_init(struct dms_hist *h);
void dms__hist_add(struct dms_hist *h, uint64_t value);
uint64_t dms__hist_percentile(const struct dms_hist *h, double fraction);
void dms__hist_summary(const struct dms_hist *h, struct dms_latency *out);

/* Pattern internals, exposed for tests. */
uint32_t dms__prbs31_next(uint32_t prev);
uint32_t dms__prbs_seed(uint32_t stream, uint64_t seq, uint64_t block);
uint32_t dms__counter_base(uint64_t seq);
uint32_t dms__header_check(const uint8_t *hdr);

static inline uint64_t dms__min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

#endif /* LIBDMASTREAM_INTERNAL_H */
