/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * dmastream: user-space streaming interface to dmaengine channels.
 *
 * One character device per DMA channel. Its owner sizes a ring of
 * DMA-coherent or cached buffers (DMASTREAM_IOC_SET_RING), maps them and a completion
 * queue with mmap(), submits batches of scatter-gather transfers over the
 * buffers without blocking (DMASTREAM_IOC_SUBMIT), and reaps one completion
 * record per transfer from the shared completion queue without a system
 * call, woken by poll(), an eventfd or DMASTREAM_IOC_WAIT.
 *
 * ABI rules: fixed-size types only, every 64-bit field 8-byte aligned and
 * every structure a multiple of 8 bytes, so 32-bit and 64-bit programs see
 * the same layout; pointers travel as __u64. Every reserved field and every
 * undefined flag bit must be zero on input (EINVAL otherwise), so that later
 * versions can give them a meaning. DMASTREAM_ABI_VERSION (reported by
 * DMASTREAM_IOC_GET_CAPS) grows when something is added.
 *
 * The ABI reference with every errno is docs/abi.md.
 */
#ifndef _UAPI_LINUX_DMASTREAM_H
#define _UAPI_LINUX_DMASTREAM_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Major version in the upper 16 bits, additions in the lower 16. */
#define DMASTREAM_ABI_VERSION		0x00010005

#define DMASTREAM_NAME_LEN		32

/* Channel kinds (dmastream_caps.direction, dmastream_caps.directions). */
#define DMASTREAM_DIR_TX		0x01U	/* memory to device */
#define DMASTREAM_DIR_RX		0x02U	/* device to memory */
#define DMASTREAM_DIR_MEMCPY		0x04U	/* memory to memory */

/* dmastream_caps.residue_granularity, as dmaengine reports it. */
#define DMASTREAM_RESIDUE_DESCRIPTOR	0	/* only complete or not */
#define DMASTREAM_RESIDUE_SEGMENT	1	/* per scatter-gather entry */
#define DMASTREAM_RESIDUE_BURST		2	/* per burst: exact */

/* dmastream_caps.flags */
#define DMASTREAM_CAP_COHERENT		0x01U	/* DMA is cache-coherent */
#define DMASTREAM_CAP_PAUSE		0x02U	/* engine can pause */
#define DMASTREAM_CAP_TERMINATE		0x04U	/* engine can terminate */

/**
 * struct dmastream_caps - what a channel can do (DMASTREAM_IOC_GET_CAPS)
 * @abi_version:	DMASTREAM_ABI_VERSION of the running driver.
 * @direction:		the DMASTREAM_DIR_* this channel device was set up for.
 * @directions:		every DMASTREAM_DIR_* the underlying dmaengine channel
 *			supports.
 * @flags:		DMASTREAM_CAP_* bits.
 * @residue_granularity: DMASTREAM_RESIDUE_*: how exactly the engine reports
 *			untransferred bytes, hence how exact
 *			dmastream_cqe.bytes is for short transfers.
 * @max_seg_size:	largest segment, in bytes, the engine takes in one
 *			scatter-gather entry; on a memcpy channel, the largest
 *			buffer: the driver cuts copies into the engine's pieces.
 * @max_segs:		most segments in one transfer (per side for memcpy).
 * @max_xfer_bytes:	largest total length of one transfer, in bytes.
 * @addr_align:		required alignment, in bytes, of each segment's
 *			position in memory (buffer offset); a power of two.
 * @len_align:		required multiple, in bytes, of each segment length;
 *			a power of two.
 * @max_buffers:	most buffers in a ring.
 * @max_buffer_size:	largest buffer, in bytes.
 * @max_ring_bytes:	most bytes in all buffers of a ring together
 *			(module parameter ring_bytes_max).
 * @max_cq_entries:	largest completion queue (and in-flight limit).
 * @max_cached_buffer_size: largest buffer, in bytes, of a ring set up with
 *			DMASTREAM_RING_CACHED, at most @max_buffer_size: the
 *			page allocator's largest block (added in ABI
 *			0x00010003).
 * @cached_align:	in a cached ring, the required alignment, in bytes, of
 *			the offset and length of every segment the engine
 *			writes (RX, memcpy destination): the CPU's cache line
 *			where DMA is not cache-coherent, else 1 (added in ABI
 *			0x00010003).
 * @max_imports:	most dma-bufs imported into one ring at once
 *			(DMASTREAM_IOC_IMPORT_BUF; added in ABI 0x00010005).
 * @reserved:		zero.
 */
struct dmastream_caps {
	__u32 abi_version;
	__u32 direction;
	__u32 directions;
	__u32 flags;
	__u32 residue_granularity;
	__u32 max_seg_size;
	__u32 max_segs;
	__u32 max_xfer_bytes;
	__u32 addr_align;
	__u32 len_align;
	__u32 max_buffers;
	__u32 max_buffer_size;
	__u64 max_ring_bytes;
	__u32 max_cq_entries;
	__u32 max_cached_buffer_size;
	__u32 cached_align;
	__u32 max_imports;
	__u32 reserved[6];
};

/* dmastream_info.state */
#define DMASTREAM_STATE_IDLE		0	/* no ring */
#define DMASTREAM_STATE_READY		1	/* ring set up, running */
#define DMASTREAM_STATE_STOPPING	2	/* abort or timeout in progress */
#define DMASTREAM_STATE_ERROR		3	/* sticky error: DMASTREAM_IOC_RESET */
#define DMASTREAM_STATE_GONE		4	/* device removed */

/* dmastream_info.flags */
#define DMASTREAM_INFO_OWNER		0x01U	/* this file owns the ring */
#define DMASTREAM_INFO_OWNED		0x02U	/* some file owns the ring */

/**
 * struct dmastream_info - identity and current state (DMASTREAM_IOC_GET_INFO)
 * @device:	name of the dmastream device (configfs item or DT node).
 * @label:	channel label within the device ("tx", "rx", "memcpy"...).
 * @dma_channel: dmaengine channel name ("dma0chan1").
 * @provider:	name of the device that provides the DMA channel.
 * @state:	DMASTREAM_STATE_*.
 * @flags:	DMASTREAM_INFO_*.
 * @buffer_count: buffers in the ring (0 without a ring).
 * @buffer_size: bytes per buffer.
 * @cq_entries:	completion queue entries (the in-flight limit).
 * @inflight:	transfers submitted and not yet completed.
 * @timeout_ms:	default per-transfer timeout, 0 for none.
 * @error_threshold: consecutive engine errors that stop the channel in the
 *		sticky error state, 0 for never.
 * @wake_min:	the completion watermark set with DMASTREAM_IOC_SET_CONFIG
 *		(added in ABI 0x00010002).
 * @ring_flags:	the DMASTREAM_RING_* flags the ring was set up with
 *		(added in ABI 0x00010003).
 * @reserved:	zero.
 */
struct dmastream_info {
	char device[DMASTREAM_NAME_LEN];
	char label[DMASTREAM_NAME_LEN];
	char dma_channel[DMASTREAM_NAME_LEN];
	char provider[DMASTREAM_NAME_LEN];
	__u32 state;
	__u32 flags;
	__u32 buffer_count;
	__u32 buffer_size;
	__u32 cq_entries;
	__u32 inflight;
	__u32 timeout_ms;
	__u32 error_threshold;
	__u32 wake_min;
	__u32 ring_flags;
	__u32 reserved[6];
};

/**
 * struct dmastream_cq_offsets - where things are in the completion queue
 * @head:	byte offset of the __u32 consumer index, written by user
 *		space only.
 * @tail:	byte offset of the __u32 producer index, written by the
 *		kernel only.
 * @ring_mask:	byte offset of the __u32 cq_entries - 1.
 * @ring_entries: byte offset of the __u32 number of entries.
 * @flags:	byte offset of the __u32 DMASTREAM_CQ_* flags.
 * @overflow:	byte offset of the __u32 count of completions held back.
 * @cqes:	byte offset of struct dmastream_cqe[ring_entries].
 * @reserved:	zero.
 *
 * Entry i lives at cqes[i & ring_mask]. Consumer: load tail with acquire
 * semantics, read the entries from head up to tail, then store the new head
 * with release semantics. head and tail are free-running: they wrap at 2^32.
 */
struct dmastream_cq_offsets {
	__u32 head;
	__u32 tail;
	__u32 ring_mask;
	__u32 ring_entries;
	__u32 flags;
	__u32 overflow;
	__u32 cqes;
	__u32 reserved;
};

/**
 * struct dmastream_ring - size the buffer ring (DMASTREAM_IOC_SET_RING)
 * @count:	in: number of buffers; 0 frees the ring and gives up
 *		ownership.
 * @size:	in: bytes per buffer, > 0.
 * @cq_entries:	in: completion queue entries, a power of two, or 0 for the
 *		default (the power of two >= 2 * @count, at least 64). It is
 *		also the limit of transfers in flight plus completions not yet
 *		reaped, so the queue can never overflow.
 * @flags:	in: DMASTREAM_RING_* bits; out: the same.
 * @buf_offset:	out: mmap() offset of buffer 0.
 * @buf_stride:	out: distance between the mmap() offsets of consecutive
 *		buffers: buffer i is at @buf_offset + i * @buf_stride. Each
 *		buffer is mapped with its own mmap() call of at most
 *		PAGE_ALIGN(@size) bytes (see docs/abi.md).
 * @cq_offset:	out: mmap() offset of the completion queue.
 * @cq_size:	out: bytes to map for the completion queue.
 * @cq:		out: layout of the completion queue mapping.
 * @reserved:	zero.
 *
 * On success the calling file owns the channel's ring. The buffers are
 * zeroed. Buffers are DMA-coherent unless DMASTREAM_RING_CACHED asks for
 * cached ones. Resizing fails with EBUSY while any transfer is in flight or any
 * part of the old ring is mapped or exported, or while it holds imports
 * (DMASTREAM_IOC_IMPORT_BUF), which freeing it releases; a failed call
 * leaves the old ring intact.
 */
struct dmastream_ring {
	__u32 count;
	__u32 size;
	__u32 cq_entries;
	__u32 flags;
	__u64 buf_offset;
	__u64 buf_stride;
	__u64 cq_offset;
	__u64 cq_size;
	struct dmastream_cq_offsets cq;
	__u64 reserved[4];
};

/*
 * dmastream_ring.flags: the buffers are ordinary cached memory with
 * streaming DMA mappings instead of DMA-coherent memory (which is uncached
 * where DMA is not cache-coherent). The driver keeps the CPU's and the
 * engine's views in step at the two hand-overs: SUBMIT makes what the CPU
 * wrote in a transfer's ranges visible to the engine, and the completion
 * record makes what the engine wrote visible to the CPU. The CPU must
 * leave a transfer's ranges alone between the two. Buffer size at most
 * dmastream_caps.max_cached_buffer_size (E2BIG); segments the engine
 * writes aligned to dmastream_caps.cached_align (EINVAL). Added in ABI
 * 0x00010003.
 */
#define DMASTREAM_RING_CACHED		0x01U

/* Flags in the completion queue's flags word. */
/*
 * Completions could not be posted because user space moved head beyond
 * what it may; they are held, in order, and posted as soon as there is
 * room (at the next submit, wait or poll). Never set for a program that
 * only advances head over entries it has read.
 */
#define DMASTREAM_CQ_OVERFLOW		0x01U
/* The channel is in the sticky error state (DMASTREAM_STATE_ERROR). */
#define DMASTREAM_CQ_ERROR		0x02U

/* dmastream_cqe.status */
#define DMASTREAM_STATUS_OK		0
#define DMASTREAM_STATUS_READ_ERROR	1	/* engine: reading the source failed */
#define DMASTREAM_STATUS_WRITE_ERROR	2	/* engine: writing the destination failed */
#define DMASTREAM_STATUS_ENGINE_ABORTED	3	/* engine: dropped the descriptor */
#define DMASTREAM_STATUS_TIMEOUT	4	/* this transfer's timeout expired */
#define DMASTREAM_STATUS_ABORTED	5	/* cancelled before completing */

/* dmastream_cqe.flags */
#define DMASTREAM_CQE_SHORT		0x01U	/* bytes < length submitted */
/*
 * RX: before this transfer was queued the channel had run out of queued
 * transfers (the previous one completed with nothing behind it), so what
 * the device produced in between had nowhere to go.
 */
#define DMASTREAM_CQE_AFTER_EMPTY	0x02U

/**
 * struct dmastream_cqe - one completion record
 * @cookie:	the cookie given at submission.
 * @seq:	per-channel sequence number of the transfer, counted from 0
 *		at channel creation in submission order. Transfers complete
 *		in submission order, so consecutive records have
 *		consecutive numbers.
 * @t_submit_ns: CLOCK_MONOTONIC time the transfer was submitted.
 * @t_complete_ns: CLOCK_MONOTONIC time the completion was recorded.
 * @bytes:	bytes actually transferred: the submitted length minus the
 *		engine's residue (an RX packet that ended early, TLAST); for a
 *		memcpy in several pieces, the sum over its pieces. With
 *		DMASTREAM_STATUS_TIMEOUT or _ABORTED: what the engine is known
 *		to have moved before it was stopped (a lower bound; often 0).
 * @status:	DMASTREAM_STATUS_*.
 * @flags:	DMASTREAM_CQE_*.
 * @reserved:	zero.
 */
struct dmastream_cqe {
	__u64 cookie;
	__u64 seq;
	__u64 t_submit_ns;
	__u64 t_complete_ns;
	__u32 bytes;
	__u32 status;
	__u32 flags;
	__u32 reserved;
};

/**
 * struct dmastream_seg - one segment: a byte range of one buffer
 * @buf:	buffer index: < dmastream_ring.count for a ring buffer, or the
 *		index DMASTREAM_IOC_IMPORT_BUF returned for an imported dma-buf
 *		(DMASTREAM_BUF_IMPORTED set).
 * @offset:	byte offset in the buffer.
 * @len:	bytes, > 0; @offset + @len <= buffer size.
 * @reserved:	zero.
 */
struct dmastream_seg {
	__u32 buf;
	__u32 offset;
	__u32 len;
	__u32 reserved;
};

/* dmastream_xfer.flags */
/* Use @timeout_ms instead of the channel's default timeout. */
#define DMASTREAM_XFER_TIMEOUT		0x01U

/**
 * struct dmastream_xfer - one transfer in a submission batch
 * @cookie:	returned untouched in the transfer's completion record.
 * @seg_first:	index of the transfer's first segment in the batch's
 *		segment array. TX: the memory read; RX: the memory written;
 *		memcpy: the source.
 * @nsegs:	number of segments, 1 .. dmastream_caps.max_segs.
 * @dst_seg_first: memcpy only: first destination segment; zero otherwise.
 * @dst_nsegs:	memcpy only: number of destination segments, whose total
 *		length must equal the source's; zero otherwise.
 * @flags:	DMASTREAM_XFER_*.
 * @timeout_ms:	with DMASTREAM_XFER_TIMEOUT: this transfer's timeout, 0 for
 *		none; otherwise zero.
 * @reserved:	zero.
 */
struct dmastream_xfer {
	__u64 cookie;
	__u32 seg_first;
	__u32 nsegs;
	__u32 dst_seg_first;
	__u32 dst_nsegs;
	__u32 flags;
	__u32 timeout_ms;
	__u64 reserved;
};

/**
 * struct dmastream_submit - a batch of transfers (DMASTREAM_IOC_SUBMIT)
 * @xfers:	in: user pointer to struct dmastream_xfer[@nxfers].
 * @segs:	in: user pointer to struct dmastream_seg[@nsegs].
 * @nxfers:	in: transfers in the batch, 1 .. DMASTREAM_SUBMIT_MAX.
 * @nsegs:	in: segments in the array, 1 .. DMASTREAM_SUBMIT_MAX_SEGS.
 * @flags:	in: zero.
 * @bad_index:	out: when the call fails with a validation error, the index
 *		of the first transfer found invalid; otherwise ~0.
 * @reserved:	zero.
 *
 * Never blocks. Every transfer is checked before anything is queued: a
 * batch with an invalid transfer is refused as a whole (nothing queued,
 * @bad_index names it). A valid batch is queued from the front for as long
 * as there is room: the call returns how many transfers were queued, and
 * fails with EAGAIN only when none could be. A queued transfer waits in
 * the driver while the engine holds as many descriptors as it can.
 */
struct dmastream_submit {
	__u64 xfers;
	__u64 segs;
	__u32 nxfers;
	__u32 nsegs;
	__u32 flags;
	__u32 bad_index;
	__u64 reserved[2];
};

#define DMASTREAM_SUBMIT_MAX		1024
#define DMASTREAM_SUBMIT_MAX_SEGS	8192

/**
 * struct dmastream_wait - wait for completions (DMASTREAM_IOC_WAIT)
 * @min_complete: in: wake when at least this many completions wait in the
 *		queue, 1 .. cq_entries.
 * @flags:	in: zero.
 * @timeout_ns:	in: give up after this long (ETIMEDOUT); 0 waits without a
 *		time limit.
 * @available:	out: completions waiting in the queue on return.
 * @reserved:	zero.
 *
 * Also returns, successfully, as soon as no transfer is in flight any
 * more, since then no further completion can arrive.
 */
struct dmastream_wait {
	__u32 min_complete;
	__u32 flags;
	__u64 timeout_ns;
	__u32 available;
	__u32 reserved[3];
};

/**
 * struct dmastream_eventfd - register an eventfd (DMASTREAM_IOC_SET_EVENTFD)
 * @fd:		an eventfd; -1 unregisters.
 * @flags:	zero.
 *
 * The driver adds to the eventfd's counter when it posts completions: once
 * for a burst of completions, not once per completion, and only when the
 * queue counts as readable (struct dmastream_config's wake_min: that many
 * records unread, or some and no transfer in flight), or the channel
 * entered the sticky error state.
 */
struct dmastream_eventfd {
	__s32 fd;
	__u32 flags;
};

/**
 * struct dmastream_config - channel settings (DMASTREAM_IOC_SET_CONFIG)
 * @timeout_ms:	default per-transfer timeout in ms, 0 for none, counted from
 *		the moment the transfer is handed to the engine. When a
 *		transfer's timeout expires the channel is stopped: that
 *		transfer completes with DMASTREAM_STATUS_TIMEOUT, every other
 *		one in flight with DMASTREAM_STATUS_ABORTED, in order, and
 *		the channel carries on. Settings last while the caller owns
 *		the ring; a new owner starts from the module's defaults.
 * @error_threshold: after this many consecutive engine errors the channel
 *		stops and enters the sticky error state; 0 never.
 * @flags:	zero.
 * @wake_min:	completion watermark, 0 .. DMASTREAM_WAKE_MIN_MAX: poll()
 *		reports EPOLLIN, pollers waiting for it are woken and the
 *		eventfd is signalled only once at least this many completions
 *		wait in the queue (at most cq_entries), or some wait and no
 *		transfer is in flight any more. 0 and 1: as soon as one waits.
 *		An rx transfer without a timeout waits for its data as long as
 *		it takes, and records below the watermark wait with it.
 *		DMASTREAM_IOC_WAIT keeps its own min_complete (added in ABI
 *		0x00010002).
 * @reserved:	zero.
 */
struct dmastream_config {
	__u32 timeout_ms;
	__u32 error_threshold;
	__u32 flags;
	__u32 wake_min;
	__u32 reserved[4];
};

#define DMASTREAM_WAKE_MIN_MAX		65536

/**
 * struct dmastream_stats - channel statistics (DMASTREAM_IOC_GET_STATS)
 * @submitted:	transfers queued.
 * @completed:	completion records posted, whatever their status.
 * @bytes:	bytes transferred by transfers that completed OK.
 * @batches:	successful DMASTREAM_IOC_SUBMIT calls.
 * @read_errors: completions with DMASTREAM_STATUS_READ_ERROR.
 * @write_errors: completions with DMASTREAM_STATUS_WRITE_ERROR.
 * @engine_aborts: completions with DMASTREAM_STATUS_ENGINE_ABORTED.
 * @timeouts:	completions with DMASTREAM_STATUS_TIMEOUT.
 * @aborted:	completions with DMASTREAM_STATUS_ABORTED.
 * @short_xfers: completions with DMASTREAM_CQE_SHORT.
 * @inflight:	transfers in flight now.
 * @inflight_max: most transfers ever in flight at once.
 * @rx_queue_empty: times an RX channel ran out of queued transfers while
 *		running and was then given more (the device had nowhere to put
 *		data in between): the completions flagged
 *		DMASTREAM_CQE_AFTER_EMPTY. The end of a stream does not count.
 * @cq_overflows: completions that had to be held back (see
 *		DMASTREAM_CQ_OVERFLOW).
 * @channel_stops: times the channel was stopped (abort, timeout, error,
 *		close) with transfers in flight.
 * @sticky_errors: times the channel entered the sticky error state.
 * @engine_full: times the provider refused a descriptor because it held
 *		as many as it could; the transfer waited in the driver and was
 *		handed over as the engine freed descriptors (added in ABI
 *		0x00010001).
 * @late_callbacks: descriptor callbacks a provider delivered after a
 *		channel stop had given up on them (providers without
 *		device_synchronize); they were ignored (added in ABI
 *		0x00010001).
 * @reserved:	zero.
 *
 * All counters start at 0 when the device is created and count for the
 * channel, whichever file submitted; DMASTREAM_IOC_RESET_STATS (any file
 * opened for reading and writing) zeroes them except @inflight.
 */
struct dmastream_stats {
	__u64 submitted;
	__u64 completed;
	__u64 bytes;
	__u64 batches;
	__u64 read_errors;
	__u64 write_errors;
	__u64 engine_aborts;
	__u64 timeouts;
	__u64 aborted;
	__u64 short_xfers;
	__u64 inflight;
	__u64 inflight_max;
	__u64 rx_queue_empty;
	__u64 cq_overflows;
	__u64 channel_stops;
	__u64 sticky_errors;
	__u64 engine_full;
	__u64 late_callbacks;
	__u64 reserved[6];
};

/* dmastream_export.flags */
#define DMASTREAM_EXPORT_CLOEXEC	0x01U	/* the new fd is close-on-exec */
#define DMASTREAM_EXPORT_WRITE		0x02U	/* writable: mmap(), device writes, vmap */

/**
 * struct dmastream_export - one buffer as a dma-buf (DMASTREAM_IOC_EXPORT_BUF)
 * @buffer:	index of the ring's buffer to export.
 * @flags:	DMASTREAM_EXPORT_*.
 * @fd:		out: the dma-buf's file descriptor; 0 on input.
 * @reserved:	must be 0.
 *
 * The dma-buf is the buffer's buf_stride bytes (its size rounded up to
 * pages) and shares its memory with the ring: no copy, and transfers may
 * still use the buffer. It holds the ring as a mapping does (SET_RING
 * refuses to replace or free it with EBUSY) and outlives the channel's file
 * and device. Added in ABI 0x00010004.
 */
struct dmastream_export {
	__u32 buffer;
	__u32 flags;
	__s32 fd;
	__u32 reserved;
};

/*
 * dmastream_seg.buf of an imported dma-buf: this bit and the import's slot,
 * 0 .. dmastream_caps.max_imports - 1.
 */
#define DMASTREAM_BUF_IMPORTED		0x80000000U

/* dmastream_import.flags */
/*
 * The engine only reads the dma-buf: it is mapped for the device to read
 * (so a read-only dma-buf can be imported) and a segment the engine would
 * write into it (a memcpy destination) is refused with EACCES. On a TX
 * channel every import is mapped this way, with or without the flag; on
 * an RX channel the flag is refused with EINVAL.
 */
#define DMASTREAM_IMPORT_ENGINE_READS	0x01U

/**
 * struct dmastream_import - use a dma-buf as a buffer (DMASTREAM_IOC_IMPORT_BUF)
 * @fd:		in: the dma-buf's file descriptor.
 * @flags:	in: DMASTREAM_IMPORT_*.
 * @buffer:	in: the index segments will use for it: DMASTREAM_BUF_IMPORTED
 *		and a free slot below dmastream_caps.max_imports.
 * @runs:	out: how many runs the dma-buf is mapped in for the engine's
 *		device: DMA-contiguous pieces that do not cross its DMA segment
 *		boundary. On a TX or RX channel a segment takes as many of its
 *		transfer's dmastream_caps.max_segs as runs it touches; a
 *		memcpy's descriptors end at their boundaries too. 0 on input.
 * @size:	out: the dma-buf's size in bytes: segments fit in it. 0 on
 *		input.
 * @reserved:	zero.
 *
 * The dma-buf is attached to the engine's device and mapped once, here,
 * for as long as it stays imported: until DMASTREAM_IOC_RELEASE_BUF, until
 * the ring's owner frees the ring or closes the file, or until the device
 * is removed; a ring DMA may still reach after a failed terminate keeps
 * its imports longer (docs/abi.md, "dma-buf imports"). Transfers on it
 * move data without a copy; the driver syncs the engine's mapping at
 * SUBMIT and at the completion record, as for a cached ring, and CPU
 * access through the dma-buf is bracketed with DMA_BUF_IOCTL_SYNC, as for
 * any dma-buf. Fences are not waited for: a transfer that would have to
 * wait for one (for the engine to read, an unsignalled kernel or write
 * fence; to write, also a read fence) is refused with EBUSY at SUBMIT,
 * and transfers add no fence of their own. Added in ABI 0x00010005.
 */
struct dmastream_import {
	__s32 fd;
	__u32 flags;
	__u32 buffer;
	__u32 runs;
	__u64 size;
	__u64 reserved[2];
};

#define DMASTREAM_IOC_MAGIC		0xD5

/*
 * Any file. The others need a file opened for reading and writing (EBADF),
 * and all but SET_RING and RESET_STATS the ring's owner (EBUSY for another
 * file, ENXIO when there is no ring).
 */
#define DMASTREAM_IOC_GET_CAPS		_IOR(DMASTREAM_IOC_MAGIC, 0x00, struct dmastream_caps)
#define DMASTREAM_IOC_GET_INFO		_IOR(DMASTREAM_IOC_MAGIC, 0x01, struct dmastream_info)
#define DMASTREAM_IOC_GET_STATS		_IOR(DMASTREAM_IOC_MAGIC, 0x02, struct dmastream_stats)
/* Claims ownership when no file owns the ring. */
#define DMASTREAM_IOC_SET_RING		_IOWR(DMASTREAM_IOC_MAGIC, 0x03, struct dmastream_ring)
#define DMASTREAM_IOC_SUBMIT		_IOWR(DMASTREAM_IOC_MAGIC, 0x04, struct dmastream_submit)
#define DMASTREAM_IOC_WAIT		_IOWR(DMASTREAM_IOC_MAGIC, 0x05, struct dmastream_wait)
#define DMASTREAM_IOC_ABORT		_IO(DMASTREAM_IOC_MAGIC, 0x06)
#define DMASTREAM_IOC_RESET		_IO(DMASTREAM_IOC_MAGIC, 0x07)
#define DMASTREAM_IOC_SET_EVENTFD	_IOW(DMASTREAM_IOC_MAGIC, 0x08, struct dmastream_eventfd)
#define DMASTREAM_IOC_SET_CONFIG	_IOW(DMASTREAM_IOC_MAGIC, 0x09, struct dmastream_config)
#define DMASTREAM_IOC_RESET_STATS	_IO(DMASTREAM_IOC_MAGIC, 0x0a)
#define DMASTREAM_IOC_EXPORT_BUF	_IOWR(DMASTREAM_IOC_MAGIC, 0x0b, struct dmastream_export)
#define DMASTREAM_IOC_IMPORT_BUF	_IOWR(DMASTREAM_IOC_MAGIC, 0x0c, struct dmastream_import)
/* The argument points to the import's buffer index. */
#define DMASTREAM_IOC_RELEASE_BUF	_IOW(DMASTREAM_IOC_MAGIC, 0x0d, __u32)

#endif /* _UAPI_LINUX_DMASTREAM_H */
