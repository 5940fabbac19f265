// SPDX-License-Identifier: MIT
/*
 * Packet pattern generator and checker (format: docs/pattern.md).
 *
 * Payload word j (little-endian 32-bit, counted from the end of the header)
 * is either a counter, base(seq) + j, or a PRBS-31 sequence restarted every
 * DMS_PKT_BLOCK bytes from a seed derived from (stream, seq, block). Both
 * can be produced at any position without generating what comes before,
 * which is what lets the fast mode write and check only sampled words.
 */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include "internal.h"

#define BLOCK_WORDS	(DMS_PKT_BLOCK / 4)
#define SAMPLE_WORDS	8	/* words checked at each block start and at the end */

/*
 * PRBS-31 (x^31 + x^28 + 1), 32 bits per step: bit n of the sequence is
 * bit n % 32 of word n / 32, and b[n] = b[n-28] ^ b[n-31]. Bits 0-27 of a
 * word depend only on the previous word; bits 28-31 also on bits 0-3 of
 * the word itself, which are known by then.
 */
uint32_t dms__prbs31_next(uint32_t prev)
{
	uint32_t low = ((prev >> 4) ^ (prev >> 1)) & 0x0fffffffu;
	uint32_t mid = ((low << 28) ^ (prev >> 1)) & 0x70000000u;
	uint32_t top = ((low << 28) ^ (low << 31)) & 0x80000000u;

	return low | mid | top;
}

/* splitmix64's finalizer: every input bit affects every output bit. */
static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return x;
}

uint32_t dms__prbs_seed(uint32_t stream, uint64_t seq, uint64_t block)
{
	uint64_t x = mix64(seq ^ ((uint64_t)stream << 32) ^ (block * 0x9e3779b97f4a7c15ull));

	/* The recurrence reads bits 1-31 of the seed; never all zero. */
	return (uint32_t)x | 2u;
}

uint32_t dms__counter_base(uint64_t seq)
{
	return (uint32_t)seq << 16;
}

/* FNV-1a over the first 28 header bytes. */
uint32_t dms__header_check(const uint8_t *hdr)
{
	uint32_t h = 0x811c9dc5u;
	int i;

	for (i = 0; i < 28; i++) {
		h ^= hdr[i];
		h *= 0x01000193u;
	}
	return h;
}

static void put32(uint8_t *p, uint32_t v)
{
	v = htole32(v);
	memcpy(p, &v, 4);
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return le32toh(v);
}

static void put64(uint8_t *p, uint64_t v)
{
	v = htole64(v);
	memcpy(p, &v, 8);
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return le64toh(v);
}

/* What a packet's payload is made of. */
struct gen {
	enum dms_pattern pattern;
	uint32_t stream;
	uint64_t seq;
};

/*
 * Words [from, to) of the payload, all within one block, into out[].
 * The PRBS has to run from the block's start up to @from.
 */
static void gen_words(const struct gen *g, uint64_t from, uint64_t to, uint32_t *out)
{
	uint64_t j;

	if (g->pattern == DMS_PATTERN_COUNTER) {
		uint32_t v = dms__counter_base(g->seq) + (uint32_t)from;

		for (j = from; j < to; j++)
			*out++ = v++;
	} else {
		uint64_t block = from / BLOCK_WORDS;
		uint32_t w = dms__prbs_seed(g->stream, g->seq, block);

		for (j = block * BLOCK_WORDS; j < from; j++)
			w = dms__prbs31_next(w);
		for (; j < to; j++) {
			w = dms__prbs31_next(w);
			*out++ = w;
		}
	}
}

/* Words [from, to) as little-endian bytes, clipped to the payload's end. */
static uint64_t span_bytes(uint64_t from, uint64_t n, uint64_t plen)
{
	uint64_t start = from * 4, end = (from + n) * 4;

	return (end <= plen ? end : plen) - start;
}

/* Write payload words [from, to) of one block (spans never cross blocks). */
static void write_span(const struct gen *g, uint8_t *payload, uint64_t plen, uint64_t from,
		       uint64_t to)
{
	uint32_t words[BLOCK_WORDS];
	uint64_t n = to - from, i;

	gen_words(g, from, to, words);
	for (i = 0; i < n; i++)
		words[i] = htole32(words[i]);
	memcpy(payload + from * 4, words, span_bytes(from, n, plen));
}

/*
 * Compare payload words [from, to) of one block; on a mismatch return the
 * payload offset of the first differing byte, else UINT64_MAX.
 */
static uint64_t check_span(const struct gen *g, const uint8_t *payload, uint64_t plen,
			   uint64_t from, uint64_t to)
{
	uint32_t words[BLOCK_WORDS];
	const uint8_t *have = payload + from * 4, *want = (const uint8_t *)words;
	uint64_t n = to - from, i;

	gen_words(g, from, to, words);
	for (i = 0; i < n; i++)
		words[i] = htole32(words[i]);
	if (memcmp(have, want, span_bytes(from, n, plen)) == 0)
		return UINT64_MAX;
	for (i = 0; have[i] == want[i]; i++)
		;
	return from * 4 + i;
}

/*
 * Visit the payload words a mode covers, as spans within one block:
 * everything (full), or the first SAMPLE_WORDS of every block plus the
 * last SAMPLE_WORDS of the payload (fast).
 */
typedef uint64_t (*span_fn)(const struct gen *g, uint8_t *payload, uint64_t plen,
			    uint64_t from, uint64_t to);

static uint64_t for_each_span(const struct gen *g, uint8_t *payload, uint64_t plen,
			      enum dms_check mode, span_fn fn)
{
	uint64_t nwords = (plen + 3) / 4, b, bad, tail;

	for (b = 0; b * BLOCK_WORDS < nwords; b++) {
		uint64_t start = b * BLOCK_WORDS;
		uint64_t end = dms__min_u64(start + BLOCK_WORDS, nwords);

		if (mode == DMS_CHECK_FAST)
			end = dms__min_u64(end, start + SAMPLE_WORDS);
		bad = fn(g, payload, plen, start, end);
		if (bad != UINT64_MAX)
			return bad;
	}
	if (mode == DMS_CHECK_FAST && nwords > SAMPLE_WORDS) {
		tail = nwords - SAMPLE_WORDS;
		/* The tail may straddle a block boundary: one span per block. */
		while (tail < nwords) {
			uint64_t end = dms__min_u64((tail / BLOCK_WORDS + 1) * BLOCK_WORDS, nwords);

			bad = fn(g, payload, plen, tail, end);
			if (bad != UINT64_MAX)
				return bad;
			tail = end;
		}
	}
	return UINT64_MAX;
}

static uint64_t write_span_fn(const struct gen *g, uint8_t *payload, uint64_t plen,
			      uint64_t from, uint64_t to)
{
	write_span(g, payload, plen, from, to);
	return UINT64_MAX;
}

static uint64_t check_span_fn(const struct gen *g, uint8_t *payload, uint64_t plen,
			      uint64_t from, uint64_t to)
{
	return check_span(g, payload, plen, from, to);
}

int dms_pattern_fill(void *buf, uint32_t len, enum dms_pattern pattern, uint32_t stream,
		     uint64_t seq, enum dms_check mode)
{
	struct gen g = { .pattern = pattern, .stream = stream, .seq = seq };
	uint8_t *p = buf;

	if (pattern == DMS_PATTERN_NONE)
		return 0;
	if ((pattern != DMS_PATTERN_COUNTER && pattern != DMS_PATTERN_PRBS31) ||
	    len < DMS_PKT_HEADER_SIZE || !buf)
		return -EINVAL;

	put32(p + 0, DMS_PKT_MAGIC);
	p[4] = DMS_PKT_VERSION;
	p[5] = (uint8_t)pattern;
	p[6] = 0;
	p[7] = 0;
	put64(p + 8, seq);
	put32(p + 16, len);
	put32(p + 20, stream);
	put32(p + 24, 0);
	put32(p + 28, dms__header_check(p));

	for_each_span(&g, p + DMS_PKT_HEADER_SIZE, len - DMS_PKT_HEADER_SIZE,
		      mode == DMS_CHECK_FAST ? DMS_CHECK_FAST : DMS_CHECK_FULL, write_span_fn);
	return 0;
}

static bool decode_header(const uint8_t *p, uint32_t len, struct dms_pkt_header *h)
{
	if (len < DMS_PKT_HEADER_SIZE)
		return false;
	h->magic = get32(p);
	h->version = p[4];
	h->pattern = p[5];
	h->flags = (uint16_t)(p[6] | p[7] << 8);
	h->seq = get64(p + 8);
	h->length = get32(p + 16);
	h->stream = get32(p + 20);
	h->reserved = get32(p + 24);
	h->check = get32(p + 28);
	return h->magic == DMS_PKT_MAGIC && h->version == DMS_PKT_VERSION &&
	       (h->pattern == DMS_PATTERN_COUNTER || h->pattern == DMS_PATTERN_PRBS31) &&
	       h->check == dms__header_check(p) && h->length >= DMS_PKT_HEADER_SIZE;
}

int dms_pattern_check(const void *buf, uint32_t len, enum dms_check mode,
		      struct dms_pkt_result *res)
{
	const uint8_t *p = buf;
	struct gen g;
	uint64_t bad, plen;

	if (!buf || !res)
		return -EINVAL;
	memset(res, 0, sizeof(*res));
	if (!decode_header(p, len, &res->hdr)) {
		res->fault = DMS_PKT_BAD_HEADER;
		return 0;
	}
	if (mode == DMS_CHECK_NONE)
		return 0;
	g = (struct gen){ .pattern = res->hdr.pattern, .stream = res->hdr.stream,
			  .seq = res->hdr.seq };
	/* Check what arrived, up to what the header announced. */
	plen = (uint64_t)(len < res->hdr.length ? len : res->hdr.length) - DMS_PKT_HEADER_SIZE;
	bad = for_each_span(&g, (uint8_t *)(uintptr_t)(p + DMS_PKT_HEADER_SIZE), plen, mode,
			    check_span_fn);
	if (bad != UINT64_MAX) {
		res->fault = DMS_PKT_BAD_PAYLOAD;
		res->bad_offset = DMS_PKT_HEADER_SIZE + bad;
	} else if (res->hdr.length != len) {
		res->fault = DMS_PKT_BAD_LENGTH;
	}
	return 0;
}
