/* SPDX-License-Identifier: MIT */
/*
 * Where a pipeline's buffers live (dms_pipeline_params.memory): the ring's
 * own buffers, the pipeline's memory registered as one range, or one
 * dma-buf per buffer imported into the ring. The pipeline numbers its
 * buffers 0 .. n-1 and asks this file where each one's bytes are, how
 * segments name it, its dma-buf and how the CPU brackets its accesses.
 */
#ifndef DMS_PIPELINE_MEMORY_H
#define DMS_PIPELINE_MEMORY_H

#include <stdbool.h>
#include <stdint.h>

#include "internal.h"

struct pipe_mem {
	uint32_t kind;			/* DMS_MEMORY_* */
	struct dms_channel *ch;
	uint32_t nbufs;			/* buffers (memcpy: both of each pair) */
	uint32_t stride;		/* DMS_MEMORY_USER: buffer b at b * stride */
	uint8_t *user;
	size_t user_len;
	uint32_t user_index;		/* the registration's index for segments */
	/* DMS_MEMORY_DMABUF: buffer b is dmabufs[b], mapped at its offset 0. */
	struct pipe_dmabuf {
		int fd;
		uint8_t *map;
		uint32_t index;		/* the import's index for segments */
	} *dmabufs;
	size_t dmabuf_len;
	/* DMS_MEMORY_RING: exports of ring buffers, made when first asked for. */
	int *exports;
	bool own_ring;			/* set up here: freed here */
};

int pipe_mem_setup(struct pipe_mem *m, struct dms_channel *ch, uint32_t kind, uint32_t nbufs,
		   uint64_t stride, uint32_t size, uint32_t ring_flags, bool pairs,
		   uint32_t max_runs);
void pipe_mem_fini(struct pipe_mem *m);
void pipe_mem_use_ring(struct pipe_mem *m, struct dms_channel *ch);

uint8_t *pipe_mem_data(const struct pipe_mem *m, uint32_t b);
void pipe_mem_locate(const struct pipe_mem *m, uint32_t b, uint32_t *buf, uint32_t *base);
int pipe_mem_dmabuf(struct pipe_mem *m, uint32_t b, bool writable);
int pipe_mem_cpu_begin(const struct pipe_mem *m, uint32_t b, bool cpu_writes);
int pipe_mem_cpu_end(const struct pipe_mem *m, uint32_t b, bool cpu_writes);

#endif /* DMS_PIPELINE_MEMORY_H */
