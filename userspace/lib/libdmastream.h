/* SPDX-License-Identifier: MIT */
/*
 * libdmastream: user-space access to dmastream channels.
 *
 * A channel is one character device, /dev/dmastream/<device>/<label>. The
 * library opens it, sets up and maps its ring of DMA buffers and its
 * completion queue (CQ), builds and submits batches of transfers, and reaps
 * completion records from the shared CQ without a system call. On top of
 * that sits a packet pattern generator and verifier.
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

#define DMS_VERSION_MAJOR	0
#define DMS_VERSION_MINOR	1

/* Where channel names ("loop0/rx") are looked up. */
#define DMS_DEV_DIR		"/dev/dmastream"

struct dms_channel;
struct dms_batch;
struct dms_verifier;

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
int dms_abort(struct dms_channel *ch);					/* thread-safe */
int dms_reset(struct dms_channel *ch);					/* thread-safe */
int dms_register_eventfd(struct dms_channel *ch, int efd);		/* thread-safe */

/* ------------------------------------------------------------------------
 * The ring: buffers and completion queue, mapped into the process.
 */
int dms_ring_setup(struct dms_channel *ch, uint32_t count, uint32_t size,
		   uint32_t cq_entries);
int dms_ring_free(struct dms_channel *ch);
void *dms_buf(const struct dms_channel *ch, uint32_t index);
uint32_t dms_buf_count(const struct dms_channel *ch);
uint32_t dms_buf_size(const struct dms_channel *ch);
uint32_t dms_cq_entries(const struct dms_channel *ch);

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
};

int dms_pattern_fill(void *buf, uint32_t len, enum dms_pattern pattern, uint32_t stream,
		     uint64_t seq, enum dms_check mode);
int dms_pattern_check(const void *buf, uint32_t len, enum dms_check mode,
		      struct dms_pkt_result *res);

/* A stream of packets: sequence tracking on top of dms_pattern_check(). */
#define DMS_VERIFY_ANY_STREAM	0x1u	/* accept any stream id */
#define DMS_VERIFY_SYNC		0x2u	/* the first packet sets the expected sequence */

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
};

int dms_verifier_create(uint32_t stream, enum dms_check mode, unsigned int flags,
			struct dms_verifier **vp);
void dms_verifier_destroy(struct dms_verifier *v);
enum dms_pkt_fault dms_verifier_check(struct dms_verifier *v, const void *buf, uint32_t len);
void dms_verifier_excuse(struct dms_verifier *v, uint64_t seq);
void dms_verifier_excuse_any(struct dms_verifier *v, uint32_t n);
void dms_verifier_finish(struct dms_verifier *v, uint64_t end_seq);
void dms_verifier_stats(const struct dms_verifier *v, struct dms_verify_stats *st);

#ifdef __cplusplus
}
#endif

#endif /* LIBDMASTREAM_H */
