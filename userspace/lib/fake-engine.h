/* SPDX-License-Identifier: MIT */
/*
 * Test only: an in-process stand-in for dmastream.ko and a DMA engine, so
 * that the library, the pipeline and the tool run on the host. It follows
 * docs/abi.md for what the tests rely on (CQ layout and ordering, room and
 * EAGAIN, bad_index, ABORT, the sticky error state, poll bits) and moves
 * data synchronously: whenever a channel is submitted to, polled or waited
 * on, everything that can complete does.
 *
 * Channels: a TX and an RX channel looped back to each other (what TX sends
 * lands in the next queued RX transfer, short if the RX transfer is longer;
 * with no RX ring, the device swallows it), and a memcpy channel. The RX
 * channel can instead be fed by fake_source_emit(), which drops (and
 * counts) packets that find no RX transfer queued, as a device without
 * flow control would.
 *
 * Exports (DMASTREAM_IOC_EXPORT_BUF) are the buffer's own memfd, opened
 * again: the same memory, mappable read-only or read-write. Not modelled:
 * SET_RING's EBUSY while an export lives, and a ring outliving its
 * channel through one.
 */
#ifndef FAKE_ENGINE_H
#define FAKE_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "internal.h"

struct fake_engine;

enum fake_fault {
	FAKE_FAIL,		/* the transfer completes with the given status, nothing moves */
	FAKE_DROP,		/* TX completes OK, the packet never reaches RX */
	FAKE_CORRUPT,		/* one byte flipped at the given offset on the way */
	FAKE_DUPLICATE,		/* the packet reaches RX twice */
	FAKE_SWAP,		/* the packet reaches RX after the next one */
	FAKE_TRUNCATE,		/* only the given number of bytes reach RX */
	FAKE_FAIL_KEEP,		/* RX: fails with the given status, taking no data: the
				 * packet goes on into the next transfer (dmasim, AXI DMA) */
};

struct fake_engine *fake_engine_new(void);
void fake_engine_free(struct fake_engine *e);

/* Capabilities of the next channel opened in that direction; change freely before. */
struct dmastream_caps *fake_caps(struct fake_engine *e, uint32_t dir);
int fake_open(struct fake_engine *e, uint32_t dir, struct dms_channel **chp);

/* Inject a fault into transfer number @index (driver seq) of a direction. */
void fake_inject(struct fake_engine *e, uint32_t dir, uint64_t index, enum fake_fault fault,
		 uint32_t arg);
/* TX transfers stay in flight until released (a stuck engine). */
void fake_stall(struct fake_engine *e, bool stalled);
/* Accept at most @n transfers per submission of @dir (0: no limit). */
void fake_limit_submit(struct fake_engine *e, uint32_t dir, uint32_t n);

/* Source mode: @n packets of @size bytes arrive at the RX channel now. */
void fake_source_emit(struct fake_engine *e, uint32_t n, uint32_t size,
		      enum dms_pattern pattern, uint32_t stream);
uint64_t fake_source_overruns(const struct fake_engine *e);

const struct dmastream_stats *fake_stats(const struct fake_engine *e, uint32_t dir);
uint32_t fake_inflight(const struct fake_engine *e, uint32_t dir);
bool fake_owned(const struct fake_engine *e, uint32_t dir);
/* The DMASTREAM_RING_* flags of the last ring set up on the channel. */
uint32_t fake_last_ring_flags(const struct fake_engine *e, uint32_t dir);
/* How many DMASTREAM_IOC_REGISTER_MEM calls succeeded on the channel. */
uint32_t fake_registrations(const struct fake_engine *e, uint32_t dir);

/*
 * dma-bufs made by dms_dmabuf_alloc() (memfds here) and the CPU's
 * DMA_BUF_IOCTL_SYNC brackets on them, with what breaks the rules of
 * docs/abi.md: a bracket open on a dma-buf a transfer in flight uses, a
 * transfer submitted on one the CPU holds open, an END without a START, a
 * START inside a bracket.
 */
struct fake_dmabuf_stats {
	uint32_t made;
	uint64_t starts, ends;
	uint64_t open_while_busy, busy_while_open, unmatched_ends, nested_starts;
};
const struct fake_dmabuf_stats *fake_dmabuf_stats(const struct fake_engine *e);
uint32_t fake_dmabuf_open_brackets(const struct fake_engine *e);
/* The runs IMPORT_BUF reports for each dma-buf from now on (0: one). */
void fake_set_import_runs(struct fake_engine *e, uint32_t runs);

#endif /* FAKE_ENGINE_H */
