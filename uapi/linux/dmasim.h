/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * dmasim: layout of the packets its stream source writes into RX buffers.
 *
 * Every packet starts with struct dmasim_pkt_hdr (little-endian) and goes
 * on with a payload whose byte at packet offset p (p counted from the first
 * header byte, so p >= DMASIM_PKT_HDR_LEN) is:
 *
 *   counter pattern: (__u8)(seq + p)
 *   prbs pattern:    byte (p - DMASIM_PKT_HDR_LEN) % 4 (little-endian) of
 *                    word w = (p - DMASIM_PKT_HDR_LEN) / 4, where word 0 is
 *                    dmasim_prbs_next(dmasim_prbs_seed(seq)) and word w+1
 *                    is dmasim_prbs_next(word w)
 *
 * A packet cut short (RX truncation fault, RX buffers shorter than the
 * packet) keeps its prefix: the header's length still says how long the
 * packet was meant to be. docs/dmasim.md describes the source.
 */
#ifndef _UAPI_LINUX_DMASIM_H
#define _UAPI_LINUX_DMASIM_H

#include <linux/types.h>

#define DMASIM_PKT_MAGIC	0x4d495344	/* "DSIM" in memory order */
#define DMASIM_PKT_HDR_LEN	24

#define DMASIM_PATTERN_COUNTER	0
#define DMASIM_PATTERN_PRBS	1

/**
 * struct dmasim_pkt_hdr - first bytes of every packet the source produces
 * @magic:	DMASIM_PKT_MAGIC.
 * @seq:	sequence number, 0 for the first packet after the source was
 *		started; dropped packets (overruns) leave gaps. Wraps at 2^32.
 * @len:	length of the packet in bytes, header included.
 * @pattern:	DMASIM_PATTERN_* of the payload.
 * @time_ns:	CLOCK_MONOTONIC time at which the source began the packet.
 */
struct dmasim_pkt_hdr {
	__le32 magic;
	__le32 seq;
	__le32 len;
	__le32 pattern;
	__le64 time_ns;
};

/* xorshift32: a maximal-length (2^32 - 1) generator, never zero. */
static inline __u32 dmasim_prbs_next(__u32 x)
{
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return x;
}

/*
 * Per-packet start state: an odd multiplier and an offset make it a
 * bijection of seq; the one seq that would give the forbidden 0 gets 1.
 */
static inline __u32 dmasim_prbs_seed(__u32 seq)
{
	__u32 s = seq * 2654435761U + 0x9e3779b9U;

	return s ? s : 1;
}

#endif /* _UAPI_LINUX_DMASIM_H */
