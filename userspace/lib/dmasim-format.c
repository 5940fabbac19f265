// SPDX-License-Identifier: MIT
/*
 * Checking packets of the simulated engine's stream source (dmasim), whose
 * layout is its own (uapi/linux/dmasim.h, docs/dmasim.md): a 24-byte header
 * (magic "DSIM", 32-bit sequence number, length, pattern, time) and a payload
 * where byte p of the packet is (u8)(seq + p) (counter) or the bytes of an
 * xorshift32 sequence started from a seed derived from seq (prbs).
 *
 * The result uses the same struct as dms_pattern_check(), so the stream
 * verifier treats both formats alike.
 */
#include <errno.h>
#include <string.h>

#include <linux/dmasim.h>

#include "internal.h"

#define SAMPLE		32u	/* fast mode: bytes checked per block, and at the end */

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* Fast mode looks at [0, SAMPLE) of each block and the last SAMPLE bytes. */
static bool sampled(uint64_t off, uint64_t plen, enum dms_check mode)
{
	return mode == DMS_CHECK_FULL || off % DMS_PKT_BLOCK < SAMPLE || off + SAMPLE >= plen;
}

/* Counter bytes [from, to) of the payload; the first bad offset or UINT64_MAX. */
static uint64_t counter_span(const uint8_t *pl, uint64_t from, uint64_t to, uint32_t seq,
			     const uint8_t *ramp)
{
	uint64_t off, n;
	uint8_t first;

	for (off = from; off < to; off += n) {
		first = (uint8_t)(seq + DMASIM_PKT_HDR_LEN + off);
		n = dms__min_u64(to - off, 256);
		if (memcmp(pl + off, ramp + first, n))
			while (off < to) {
				if (pl[off] != (uint8_t)(seq + DMASIM_PKT_HDR_LEN + off))
					return off;
				off++;
			}
	}
	return UINT64_MAX;
}

/* Counter payload: packet byte p is (u8)(seq + p). */
static uint64_t check_counter(const uint8_t *pl, uint64_t plen, uint32_t seq,
			      enum dms_check mode)
{
	uint64_t off, bad, tail = plen > SAMPLE ? plen - SAMPLE : 0;
	uint8_t ramp[512];	/* ramp + b: 256 bytes counting up from b */

	for (unsigned int i = 0; i < sizeof(ramp); i++)
		ramp[i] = (uint8_t)i;
	if (mode == DMS_CHECK_FULL)
		return counter_span(pl, 0, plen, seq, ramp);
	for (off = 0; off < tail; off += DMS_PKT_BLOCK) {
		bad = counter_span(pl, off, dms__min_u64(off + SAMPLE, tail), seq, ramp);
		if (bad != UINT64_MAX)
			return bad;
	}
	return counter_span(pl, tail, plen, seq, ramp);
}

/* PRBS payload: little-endian 32-bit words of xorshift32 from the seed. */
static uint64_t check_prbs(const uint8_t *pl, uint64_t plen, uint32_t seq, enum dms_check mode)
{
	uint32_t x = dmasim_prbs_seed(seq);
	uint64_t off, k;

	for (off = 0; off < plen; off += 4) {
		x = dmasim_prbs_next(x);
		for (k = 0; k < 4 && off + k < plen; k++)
			if (sampled(off + k, plen, mode) && pl[off + k] != (uint8_t)(x >> (8 * k)))
				return off + k;
	}
	return UINT64_MAX;
}

int dms_dmasim_check(const void *buf, uint32_t len, enum dms_check mode,
		     struct dms_pkt_result *res)
{
	const uint8_t *p = buf;
	uint64_t plen, bad;

	if (!buf || !res || mode > DMS_CHECK_FULL)
		return -EINVAL;
	memset(res, 0, sizeof(*res));
	if (len < DMASIM_PKT_HDR_LEN || le32(p) != DMASIM_PKT_MAGIC ||
	    le32(p + 8) < DMASIM_PKT_HDR_LEN || le32(p + 12) > DMASIM_PATTERN_PRBS) {
		res->fault = DMS_PKT_BAD_HEADER;
		return 0;
	}
	res->hdr.magic = DMASIM_PKT_MAGIC;
	res->hdr.seq = le32(p + 4);
	res->hdr.length = le32(p + 8);
	res->hdr.pattern = (uint8_t)le32(p + 12);
	if (mode == DMS_CHECK_NONE)
		return 0;
	/* What arrived of the packet, up to what the header announced. */
	plen = (len < res->hdr.length ? len : res->hdr.length) - DMASIM_PKT_HDR_LEN;
	if (res->hdr.pattern == DMASIM_PATTERN_COUNTER)
		bad = check_counter(p + DMASIM_PKT_HDR_LEN, plen, (uint32_t)res->hdr.seq, mode);
	else
		bad = check_prbs(p + DMASIM_PKT_HDR_LEN, plen, (uint32_t)res->hdr.seq, mode);
	if (bad != UINT64_MAX) {
		res->fault = DMS_PKT_BAD_PAYLOAD;
		res->bad_offset = DMASIM_PKT_HDR_LEN + bad;
	} else if (res->hdr.length != len) {
		res->fault = DMS_PKT_BAD_LENGTH;
	}
	return 0;
}
