/* SPDX-License-Identifier: MIT */
/*
 * libdmastream: user-space access to dmastream channels.
 *
 * A channel is one character device, /dev/dmastream/<device>/<label>. The
 * library opens it, sets up and maps its ring of DMA buffers and its
 * completion queue (CQ), builds and submits batches of transfers, and reaps
 * completion records from the shared CQ without a system call. On top of
 * that sit a packet pattern generator and verifier and a pipeline that keeps
 * transfers in flight.
 *
 * Every function that can fail returns a negative errno value; nothing sets
 * errno. Thread-safety is stated per group below and in libdmastream(3).
 * The guide is docs/library.md.
 */
#ifndef LIBDMASTREAM_H
#define LIBDMASTREAM_H

#include <stddef.h>
#include <stdint.h>

#include <linux/dmastream.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The release these headers belong to; dms_version() gives the library's.
 * From 0.2 on, a program built against these headers runs unchanged with
 * any later 0.x library: functions keep their versioned symbols, and the
 * structures below keep their size and layout. They end in reserved space
 * that later fields take: zero in parameters (dms_pipeline_params_init()
 * sees to it; non-zero is refused with -EINVAL), and zeroed by the library
 * in results.
 */
#define DMS_VERSION_MAJOR	0
#define DMS_VERSION_MINOR	7
#define DMS_VERSION_PATCH	0
#define DMS_VERSION_CODE(major, minor, patch) ((major) << 16 | (minor) << 8 | (patch))
#define DMS_VERSION		DMS_VERSION_CODE(DMS_VERSION_MAJOR, DMS_VERSION_MINOR, \
						 DMS_VERSION_PATCH)

/* The library's release as DMS_VERSION_CODE(), and as "0.7.0". */
unsigned int dms_version(void);
const char *dms_version_string(void);

/* Where channel names ("loop0/rx") are looked up. */
#define DMS_DEV_DIR		"/dev/dmastream"

struct dms_channel;
struct dms_batch;
struct dms_verifier;
struct dms_pipeline;

/* ------------------------------------------------------------------------
 * Channels. One channel object must not be used by several threads at once,
 * except for the calls marked "thread-safe", which may run concurrently with
 * any other call but dms_channel_close() and dms_ring_setup()/_free().
 */

/* dms_channel_open() flags */
#define DMS_OPEN_READONLY	0x1u	/* caps, info and stats only; no ring */

int dms_channel_open(const char *name, unsigned int flags, struct dms_channel **chp);
int dms_channel_open_fd(int fd, struct dms_channel **chp);
void dms_channel_close(struct dms_channel *ch);
int dms_channel_path(const char *name, char *buf, size_t size);
int dms_channel_fd(const struct dms_channel *ch);
uint32_t dms_channel_direction(const struct dms_channel *ch);

const struct dmastream_caps *dms_get_caps(const struct dms_channel *ch);
int dms_get_info(struct dms_channel *ch, struct dmastream_info *info);	/* thread-safe */
int dms_get_stats(struct dms_channel *ch, struct dmastream_stats *stats); /* thread-safe */
int dms_reset_stats(struct dms_channel *ch);				/* thread-safe */
int dms_set_config(struct dms_channel *ch, uint32_t timeout_ms,
		   uint32_t error_threshold);				/* thread-safe */
int dms_set_wake_min(struct dms_channel *ch, uint32_t wake_min);	/* thread-safe */
int dms_abort(struct dms_channel *ch);					/* thread-safe */
int dms_reset(struct dms_channel *ch);					/* thread-safe */
int dms_register_eventfd(struct dms_channel *ch, int efd);		/* thread-safe */

/* ------------------------------------------------------------------------
 * The ring: buffers and completion queue, mapped into the process.
 */
int dms_ring_setup(struct dms_channel *ch, uint32_t count, uint32_t size,
		   uint32_t cq_entries);
/* dms_ring_setup_flags() flags (0.4, driver ABI 0x00010003) */
#define DMS_RING_CACHED		DMASTREAM_RING_CACHED	/* cached buffers, synced by the driver */
int dms_ring_setup_flags(struct dms_channel *ch, uint32_t count, uint32_t size,
			 uint32_t cq_entries, uint32_t flags);
uint32_t dms_ring_flags(const struct dms_channel *ch);
int dms_ring_free(struct dms_channel *ch);
void *dms_buf(const struct dms_channel *ch, uint32_t index);
uint32_t dms_buf_count(const struct dms_channel *ch);
uint32_t dms_buf_size(const struct dms_channel *ch);
uint32_t dms_cq_entries(const struct dms_channel *ch);
/* dms_buf_export() flags (0.5, driver ABI 0x00010004) */
#define DMS_EXPORT_WRITE	0x1u	/* the dma-buf may be mapped for writing */
#define DMS_EXPORT_CLOEXEC	0x2u	/* the fd is close-on-exec */
int dms_buf_export(struct dms_channel *ch, uint32_t index, unsigned int flags);
/*
 * dma-bufs from elsewhere as buffers (0.6, driver ABI 0x00010005): segments
 * name an import by the index dms_buf_import() returns (DMS_BUF_IMPORTED
 * set); it lasts until dms_buf_release() or dms_ring_free().
 */
#define DMS_BUF_IMPORTED	DMASTREAM_BUF_IMPORTED
/* dms_buf_import() flags */
#define DMS_IMPORT_ENGINE_READS	0x1u	/* the engine only reads it */
struct dms_import_info {
	uint32_t index;		/* for segments: DMS_BUF_IMPORTED | slot */
	uint32_t runs;		/* DMA-contiguous pieces for the engine */
	uint64_t size;		/* bytes */
};
int dms_buf_import(struct dms_channel *ch, int dmabuf_fd, unsigned int flags,
		   struct dms_import_info *info);
int dms_buf_register(struct dms_channel *ch, void *addr, size_t len, unsigned int flags,
		     struct dms_import_info *info);
int dms_buf_release(struct dms_channel *ch, uint32_t index);
/*
 * A dma-buf to use as a buffer (0.7): from the system DMA heap, else from
 * udmabuf; the fd, or -ENODEV where the kernel has neither.
 */
int dms_dmabuf_alloc(struct dms_channel *ch, size_t size);

/* ------------------------------------------------------------------------
 * Batches: build a list of transfers, checked against the channel's limits
 * as they are added, and submit it with one system call. A batch belongs to
 * one thread at a time; dms_submit() itself is thread-safe with respect to
 * the channel (two threads may submit their own batches concurrently).
 */
int dms_batch_create(const struct dms_channel *ch, uint32_t max_xfers, uint32_t max_segs,
		     struct dms_batch **bp);
void dms_batch_destroy(struct dms_batch *b);
int dms_batch_add(struct dms_batch *b, uint64_t cookie, const struct dmastream_seg *segs,
		  uint32_t nsegs);
int dms_batch_add_buf(struct dms_batch *b, uint64_t cookie, uint32_t buf, uint32_t offset,
		      uint32_t len);
int dms_batch_add_memcpy(struct dms_batch *b, uint64_t cookie,
			 const struct dmastream_seg *src, uint32_t nsrc,
			 const struct dmastream_seg *dst, uint32_t ndst);
int dms_batch_set_timeout(struct dms_batch *b, uint32_t index, uint32_t timeout_ms);
uint32_t dms_batch_pending(const struct dms_batch *b);
void dms_batch_clear(struct dms_batch *b);
uint32_t dms_batch_bad_index(const struct dms_batch *b);

int dms_submit(struct dms_channel *ch, struct dms_batch *b);
int dms_submit_buf(struct dms_channel *ch, uint64_t cookie, uint32_t buf, uint32_t offset,
		   uint32_t len);

/* ------------------------------------------------------------------------
 * Completions. The CQ has one consumer: the peek/advance/reap calls of one
 * channel must not run concurrently. dms_cq_ready() and dms_cq_flags() only
 * read and may be called from anywhere as a hint.
 */
uint32_t dms_cq_ready(const struct dms_channel *ch);
int dms_cq_peek(struct dms_channel *ch, const struct dmastream_cqe **cqep);
uint32_t dms_cq_peek_batch(struct dms_channel *ch, const struct dmastream_cqe **cqes,
			   uint32_t max);
void dms_cq_advance(struct dms_channel *ch, uint32_t n);
uint32_t dms_reap(struct dms_channel *ch, struct dmastream_cqe *out, uint32_t max);
uint32_t dms_cq_flags(const struct dms_channel *ch);

/* Thread-safe: waiting does not consume. timeout_ns < 0: no limit. */
int dms_wait(struct dms_channel *ch, uint32_t min_complete, int64_t timeout_ns);

/* Names for the uapi's numbers; never NULL. */
const char *dms_status_name(uint32_t status);
const char *dms_state_name(uint32_t state);
const char *dms_direction_name(uint32_t direction);

/* ------------------------------------------------------------------------
 * Packet pattern (docs/pattern.md): every packet starts with a 32-byte
 * header carrying a magic, the pattern, a sequence number and the length,
 * followed by a counter or PRBS-31 payload. Pure functions: thread-safe.
 */
#define DMS_PKT_MAGIC		0x50534d44u	/* "DMSP" in memory */
#define DMS_PKT_VERSION		1
#define DMS_PKT_HEADER_SIZE	32
#define DMS_PKT_BLOCK		4096		/* payload bytes per PRBS reseed / fast sample */

enum dms_pattern {
	DMS_PATTERN_NONE = 0,		/* no header, no payload written */
	DMS_PATTERN_COUNTER = 1,
	DMS_PATTERN_PRBS31 = 2,
};

enum dms_check {
	DMS_CHECK_NONE = 0,
	DMS_CHECK_FAST = 1,		/* header and sampled words (docs/pattern.md) */
	DMS_CHECK_FULL = 2,		/* every byte */
};

/* A decoded packet header. */
struct dms_pkt_header {
	uint32_t magic;
	uint8_t version;
	uint8_t pattern;
	uint16_t flags;
	uint64_t seq;
	uint32_t length;
	uint32_t stream;
	uint32_t reserved;
	uint32_t check;
};

/* Why dms_pattern_check() refused a packet. */
enum dms_pkt_fault {
	DMS_PKT_OK = 0,
	DMS_PKT_BAD_HEADER,		/* magic, version, pattern or checksum */
	DMS_PKT_BAD_LENGTH,		/* header length differs from bytes received */
	DMS_PKT_BAD_PAYLOAD,		/* a payload byte differs */
};

struct dms_pkt_result {
	enum dms_pkt_fault fault;
	struct dms_pkt_header hdr;	/* valid unless DMS_PKT_BAD_HEADER */
	uint64_t bad_offset;		/* DMS_PKT_BAD_PAYLOAD: first bad byte */
	uint64_t reserved[2];		/* zeroed: room for later fields */
};

int dms_pattern_fill(void *buf, uint32_t len, enum dms_pattern pattern, uint32_t stream,
		     uint64_t seq, enum dms_check mode);
int dms_pattern_check(const void *buf, uint32_t len, enum dms_check mode,
		      struct dms_pkt_result *res);
/*
 * The same check for a packet of the simulated engine's source (dmasim,
 * uapi/linux/dmasim.h): hdr gets magic, seq (32 bits), length and pattern.
 */
int dms_dmasim_check(const void *buf, uint32_t len, enum dms_check mode,
		     struct dms_pkt_result *res);

/* A stream of packets: sequence tracking on top of dms_pattern_check(). */
#define DMS_VERIFY_ANY_STREAM	0x1u	/* accept any stream id */
#define DMS_VERIFY_SYNC		0x2u	/* the first packet sets the expected sequence */
#define DMS_VERIFY_DMASIM	0x4u	/* packets of dmasim's source (dms_dmasim_check) */

struct dms_verify_stats {
	uint64_t packets;	/* packets checked */
	uint64_t good;		/* packets that verified */
	uint64_t bytes;		/* bytes of good packets */
	uint64_t corrupt;	/* bad header or payload */
	uint64_t bad_length;	/* header length != bytes received */
	uint64_t dropped;	/* sequence numbers that never arrived */
	uint64_t excused;	/* missing or bad packets explained by reported errors */
	uint64_t duplicates;	/* sequence numbers seen twice */
	uint64_t reordered;	/* arrived after a later sequence number */
	uint64_t wrong_stream;	/* another stream's packet */
	uint64_t gaps;		/* places where the sequence jumped forward */
	uint64_t next_seq;	/* sequence number expected next */
	uint64_t errors;	/* corrupt + bad_length + dropped + duplicates +
				 * reordered + wrong_stream */
	uint64_t reserved[4];	/* zeroed: room for later counters */
};

int dms_verifier_create(uint32_t stream, enum dms_check mode, unsigned int flags,
			struct dms_verifier **vp);
void dms_verifier_destroy(struct dms_verifier *v);
enum dms_pkt_fault dms_verifier_check(struct dms_verifier *v, const void *buf, uint32_t len);
void dms_verifier_excuse(struct dms_verifier *v, uint64_t seq);
void dms_verifier_excuse_any(struct dms_verifier *v, uint32_t n);
void dms_verifier_finish(struct dms_verifier *v, uint64_t end_seq);
void dms_verifier_stats(const struct dms_verifier *v, struct dms_verify_stats *st);

/* ------------------------------------------------------------------------
 * Pipeline: keeps transfers in flight on one or two channels. One pipeline
 * belongs to one thread; only dms_pipeline_stop() may be called from another
 * thread or a signal handler, and it wakes the pipeline wherever it waits.
 *
 * Modes, from the channels given to dms_pipeline_create():
 *   tx = NULL, rx = an RX channel:	RX -> sink
 *   tx = a TX channel, rx = NULL:	source -> TX
 *   tx = a TX channel, rx = an RX one:	TX -> RX loopback, verified
 *   tx = a memcpy channel, rx = NULL:	memcpy, verified
 */
enum dms_pipe_mode {
	DMS_PIPE_RX = 1,
	DMS_PIPE_TX = 2,
	DMS_PIPE_LOOPBACK = 3,
	DMS_PIPE_MEMCPY = 4,
};

struct dms_pipeline_params {
	uint32_t size;			/* bytes per transfer */
	uint32_t depth;			/* transfers in flight per channel */
	uint32_t buffers;		/* ring buffers per channel; 0: 2 * depth */
	uint32_t batch;			/* most transfers per submission; 0: depth */
	uint64_t count;			/* transfers to perform; 0: until stopped */
	uint32_t xfer_timeout_ms;	/* per-transfer driver timeout; 0: none */
	uint32_t idle_timeout_ms;	/* fail when nothing completes this long; 0: never */
	uint32_t drain_ms;		/* loopback: wait this long for late packets */
	enum dms_pattern pattern;	/* what the generator writes */
	enum dms_check verify;		/* how received data is checked */
	uint32_t stream;		/* stream id in the packet headers */
	uint32_t verify_flags;		/* DMS_VERIFY_* for the verifier */
	uint32_t ring_flags;		/* DMS_RING_* for the rings it sets up (0.4) */
	uint32_t memory;		/* DMS_MEMORY_*: where the buffers are (0.7) */
	uint32_t reserved32;		/* zero */
	uint64_t reserved[5];		/* zero: room for later parameters */
};

/* dms_pipeline_params.memory */
#define DMS_MEMORY_RING		0	/* the channels' ring buffers */
#define DMS_MEMORY_USER		1	/* memory of the pipeline's, registered (0.7) */
#define DMS_MEMORY_DMABUF	2	/* a dma-buf per buffer, imported (0.7) */

/*
 * Sink: called with each received transfer, in order. Return 0 when done
 * with the data, -EAGAIN to be called again later with the same data (the
 * buffer stays out of the ring meanwhile: backpressure), or another negative
 * errno to fail the pipeline.
 */
typedef int (*dms_sink_fn)(void *arg, const void *data, uint32_t len,
			   const struct dmastream_cqe *cqe);
/*
 * A sink may also return DMS_SINK_HELD (0.7): it took the buffer and keeps
 * it, for work that goes on after the call (another device reading it);
 * dms_pipeline_release() with the CQE's cookie gives it back.
 */
#define DMS_SINK_HELD		1
/*
 * Source: fill up to size bytes of buf for transfer seq; return the bytes
 * to send (> 0), 0 at the end of the stream, -EAGAIN when nothing is ready
 * yet, or another negative errno to fail the pipeline.
 */
typedef int (*dms_source_fn)(void *arg, void *buf, uint32_t size, uint64_t seq);
/*
 * The same, with the buffer handed over as a dma-buf instead of bytes, for
 * another device or process to read (sink) or fill (source) without a copy
 * (0.7): @len or up to @size bytes at @offset of @dmabuf_fd, which stays
 * the pipeline's (dup() it to keep it). The CPU brackets its own accesses
 * with DMA_BUF_IOCTL_SYNC.
 */
typedef int (*dms_sink_dmabuf_fn)(void *arg, int dmabuf_fd, uint32_t offset, uint32_t len,
				  const struct dmastream_cqe *cqe);
typedef int (*dms_source_dmabuf_fn)(void *arg, int dmabuf_fd, uint32_t offset, uint32_t size,
				    uint64_t seq);
/*
 * Called for each completion that failed (engine error, timeout, a
 * cancellation the pipeline did not cause), in order: @direction is the
 * channel's DMASTREAM_DIR_*, @index the pipeline's number of the transfer
 * on that channel (from 0; the packet's sequence number for TX and memcpy).
 */
typedef void (*dms_error_fn)(void *arg, uint32_t direction, uint64_t index,
			     const struct dmastream_cqe *cqe);

struct dms_latency {
	uint64_t samples;
	uint64_t min_ns, max_ns, mean_ns;
	uint64_t p50_ns, p99_ns, p999_ns;
};

struct dms_pipeline_stats {
	enum dms_pipe_mode mode;
	uint32_t depth;		/* in flight per channel, as run (limits applied) */
	uint32_t buffers;	/* ring buffers per channel, as run */
	uint64_t transfers;	/* completed OK: RX side (rx, loopback), TX side, memcpy */
	uint64_t bytes;		/* bytes of those */
	uint64_t tx_submitted, tx_completed, tx_bytes;
	uint64_t rx_submitted, rx_completed, rx_bytes;
	uint64_t errors;	/* completions with an engine error or a timeout */
	uint64_t read_errors, write_errors, engine_aborts, timeouts;
	uint64_t aborted;	/* cancelled completions (stop, another's timeout) */
	uint64_t short_xfers;	/* RX transfers that ended early (packet end) */
	uint64_t backpressure;	/* submissions refused for lack of room (EAGAIN) */
	uint64_t rx_queue_empty; /* driver: the RX channel ran out of transfers */
	uint64_t sink_stalls;	/* times the sink asked to wait */
	uint64_t undelivered;	/* received transfers dropped at stop, sink not ready */
	uint64_t verify_errors;	/* = verify.errors */
	struct dms_verify_stats verify;
	struct dms_latency latency;	/* per transfer: t_complete - t_submit */
	uint64_t elapsed_ns;	/* first submission to last completion */
	int error;		/* the fatal error that ended the run, or 0 */
	uint32_t reserved32;	/* zeroed */
	uint64_t reserved[8];	/* zeroed: room for later counters */
};

void dms_pipeline_params_init(struct dms_pipeline_params *p);
int dms_pipeline_create(const struct dms_pipeline_params *params, struct dms_channel *tx,
			struct dms_channel *rx, struct dms_pipeline **pp);
void dms_pipeline_destroy(struct dms_pipeline *p);
int dms_pipeline_set_sink(struct dms_pipeline *p, dms_sink_fn fn, void *arg);
int dms_pipeline_set_sink_fd(struct dms_pipeline *p, int fd);
int dms_pipeline_set_sink_dmabuf(struct dms_pipeline *p, dms_sink_dmabuf_fn fn, void *arg);
int dms_pipeline_release(struct dms_pipeline *p, uint64_t cookie);
int dms_pipeline_set_source(struct dms_pipeline *p, dms_source_fn fn, void *arg);
int dms_pipeline_set_source_fd(struct dms_pipeline *p, int fd);
int dms_pipeline_set_source_dmabuf(struct dms_pipeline *p, dms_source_dmabuf_fn fn, void *arg);
int dms_pipeline_set_error_handler(struct dms_pipeline *p, dms_error_fn fn, void *arg);
int dms_pipeline_step(struct dms_pipeline *p, int timeout_ms);
int dms_pipeline_run(struct dms_pipeline *p);
void dms_pipeline_stop(struct dms_pipeline *p);	/* any thread, async-signal-safe */
void dms_pipeline_stats(struct dms_pipeline *p, struct dms_pipeline_stats *st);
/* In someone else's event loop: wait for the fd (readable) or the timeout, then dispatch. */
int dms_pipeline_get_fd(struct dms_pipeline *p);
int dms_pipeline_get_timeout(struct dms_pipeline *p);
int dms_pipeline_dispatch(struct dms_pipeline *p);

#ifdef __cplusplus
}
#endif

#endif /* LIBDMASTREAM_H */
