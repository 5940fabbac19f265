// SPDX-License-Identifier: MIT
/*
 * A pipeline's buffers (pipeline-memory.h). Registered memory and dma-bufs
 * come with a ring of one small buffer, set up here for its completion
 * queue; the segments then name the registration or the imports.
 */
#include <errno.h>
#include <linux/dma-buf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pipeline-memory.h"

/* One registration holds at most this much (docs/abi.md, limits). */
#define USER_MAX_BYTES		(1ULL << 31)

/* A ring of one small buffer whose CQ suits @nbufs transfers in flight. */
static int cq_ring_setup(struct pipe_mem *m, uint32_t nbufs)
{
	uint32_t cq = 1, cq_max = dms_get_caps(m->ch)->max_cq_entries;
	int ret;

	/* As a ring's default, within the driver's largest. */
	while (cq < 2 * nbufs && cq < cq_max / 2 + 1)
		cq *= 2;
	if (cq > cq_max)
		cq = cq_max;
	ret = dms_ring_setup(m->ch, 1, 4096, cq);
	if (ret == 0)
		m->own_ring = true;
	return ret;
}

static int user_setup(struct pipe_mem *m, uint64_t stride)
{
	struct dms_import_info info;
	void *mem;
	int ret;

	m->user_len = (size_t)m->nbufs * stride;
	mem = mmap(NULL, m->user_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return -errno;
	ret = dms_buf_register(m->ch, mem, m->user_len, 0, &info);
	if (ret) {
		munmap(mem, m->user_len);
		return ret;
	}
	m->user = mem;
	m->user_index = info.index;
	m->stride = (uint32_t)stride;
	return 0;
}

/*
 * One dma-buf per buffer, so that the CPU can bracket its access to one
 * buffer while the engine works on the others (an exporter syncs a whole
 * dma-buf at a time). Memcpy sources (even buffers of a pair) are imported
 * for the engine to read only.
 */
static int dmabuf_setup(struct pipe_mem *m, uint64_t stride, bool pairs, uint32_t max_runs)
{
	struct dms_import_info info;
	uint32_t b;
	int ret;

	m->dmabufs = calloc(m->nbufs, sizeof(*m->dmabufs));
	if (!m->dmabufs)
		return -ENOMEM;
	for (b = 0; b < m->nbufs; b++)
		m->dmabufs[b].fd = -1;
	m->dmabuf_len = (size_t)stride;
	for (b = 0; b < m->nbufs; b++) {
		struct pipe_dmabuf *d = &m->dmabufs[b];
		void *map;

		d->fd = dms_dmabuf_alloc(m->ch, m->dmabuf_len);
		if (d->fd < 0) {
			ret = d->fd;
			d->fd = -1;
			return ret;
		}
		map = mmap(NULL, m->dmabuf_len, PROT_READ | PROT_WRITE, MAP_SHARED, d->fd, 0);
		if (map == MAP_FAILED)
			return -errno;
		d->map = map;
		ret = dms_buf_import(m->ch, d->fd, pairs && b % 2 == 0 ? DMS_IMPORT_ENGINE_READS : 0,
				     &info);
		if (ret)
			return ret;
		d->index = info.index;
		/*
		 * A TX or RX segment takes an entry per run it touches: a
		 * dma-buf of too many pieces fails every transfer, so none.
		 */
		if (max_runs && info.runs > max_runs)
			return -E2BIG;
	}
	return 0;
}

/*
 * pipe_mem_setup() - set up @nbufs buffers of @kind on @ch
 * @stride: bytes from one buffer to the next (registered memory) or of
 *	each dma-buf: @size rounded up to the page
 * @ring_flags: DMS_RING_* for a ring's own buffers
 * @pairs: memcpy: even buffers are sources, odd ones destinations
 * @max_runs: most DMA-contiguous pieces a dma-buf may come in (0: any)
 *
 * On failure, pipe_mem_fini() gives back what was set up.
 */
int pipe_mem_setup(struct pipe_mem *m, struct dms_channel *ch, uint32_t kind, uint32_t nbufs,
		   uint64_t stride, uint32_t size, uint32_t ring_flags, bool pairs,
		   uint32_t max_runs)
{
	uint32_t abi = dms_get_caps(ch)->abi_version;
	int ret;

	m->kind = kind;
	m->ch = ch;
	m->nbufs = nbufs;
	if (kind == DMS_MEMORY_RING) {
		ret = dms_ring_setup_flags(ch, nbufs, size, 0, ring_flags);
		if (ret == 0)
			m->own_ring = true;
		return ret;
	}
	if (kind == DMS_MEMORY_USER && (uint64_t)nbufs * stride > USER_MAX_BYTES)
		return -E2BIG;
	/* Say what is missing before allocating for a driver that cannot take it. */
	if (abi < (kind == DMS_MEMORY_USER ? 0x00010006u : 0x00010005u))
		return -EOPNOTSUPP;
	ret = cq_ring_setup(m, nbufs);
	if (ret)
		return ret;
	return kind == DMS_MEMORY_USER ? user_setup(m, stride) :
					 dmabuf_setup(m, stride, pairs, max_runs);
}

/* The caller's ring, as it is. */
void pipe_mem_use_ring(struct pipe_mem *m, struct dms_channel *ch)
{
	m->kind = DMS_MEMORY_RING;
	m->ch = ch;
	m->nbufs = dms_buf_count(ch);
}

void pipe_mem_fini(struct pipe_mem *m)
{
	uint32_t b;

	/* Our exports first: a ring that an export holds is not freed. */
	if (m->exports) {
		for (b = 0; b < m->nbufs; b++)
			if (m->exports[b] >= 0)
				close(m->exports[b]);
		free(m->exports);
	}
	/* Freeing the ring ends the registration and the imports first. */
	if (m->own_ring)
		dms_ring_free(m->ch);
	if (m->user)
		munmap(m->user, m->user_len);
	if (m->dmabufs) {
		for (b = 0; b < m->nbufs; b++) {
			if (m->dmabufs[b].map)
				munmap(m->dmabufs[b].map, m->dmabuf_len);
			if (m->dmabufs[b].fd >= 0)
				close(m->dmabufs[b].fd);
		}
		free(m->dmabufs);
	}
	memset(m, 0, sizeof(*m));
}

/* Where the bytes of buffer @b are, for the CPU. */
uint8_t *pipe_mem_data(const struct pipe_mem *m, uint32_t b)
{
	if (m->user)
		return m->user + (size_t)b * m->stride;
	if (m->dmabufs)
		return m->dmabufs[b].map;
	return dms_buf(m->ch, b);
}

/* How segments name buffer @b: the driver's buffer index and the offset of its start. */
void pipe_mem_locate(const struct pipe_mem *m, uint32_t b, uint32_t *buf, uint32_t *base)
{
	*base = 0;
	*buf = b;
	if (m->user) {
		*buf = m->user_index;
		*base = b * m->stride;
	} else if (m->dmabufs) {
		*buf = m->dmabufs[b].index;
	}
}

/*
 * A dma-buf of buffer @b alone (offset 0), the pipeline's to keep: the
 * import's, or an export of the ring buffer made the first time (@writable:
 * another device or process fills it). Registered memory has none.
 */
int pipe_mem_dmabuf(struct pipe_mem *m, uint32_t b, bool writable)
{
	uint32_t i;
	int fd;

	if (m->dmabufs)
		return m->dmabufs[b].fd;
	if (m->kind != DMS_MEMORY_RING)
		return -EOPNOTSUPP;
	if (!m->exports) {
		m->exports = malloc(m->nbufs * sizeof(*m->exports));
		if (!m->exports)
			return -ENOMEM;
		for (i = 0; i < m->nbufs; i++)
			m->exports[i] = -1;
	}
	if (m->exports[b] < 0) {
		fd = dms_buf_export(m->ch, b, DMS_EXPORT_CLOEXEC | (writable ? DMS_EXPORT_WRITE : 0));
		if (fd < 0)
			return fd;
		m->exports[b] = fd;
	}
	return m->exports[b];
}

/*
 * The CPU's access to buffer @b begins or ends. Only dma-bufs need telling
 * (DMA_BUF_IOCTL_SYNC, as their exporter's rules ask); the driver keeps a
 * ring's and registered memory's syncs itself.
 */
int pipe_mem_cpu_begin(const struct pipe_mem *m, uint32_t b, bool cpu_writes)
{
	if (!m->dmabufs)
		return 0;
	return dms__dmabuf_sync(m->ch, m->dmabufs[b].fd, DMA_BUF_SYNC_START |
				(cpu_writes ? DMA_BUF_SYNC_WRITE : DMA_BUF_SYNC_READ));
}

int pipe_mem_cpu_end(const struct pipe_mem *m, uint32_t b, bool cpu_writes)
{
	if (!m->dmabufs)
		return 0;
	return dms__dmabuf_sync(m->ch, m->dmabufs[b].fd, DMA_BUF_SYNC_END |
				(cpu_writes ? DMA_BUF_SYNC_WRITE : DMA_BUF_SYNC_READ));
}
