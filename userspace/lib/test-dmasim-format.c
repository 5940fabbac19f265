// SPDX-License-Identifier: MIT
/*
 * Packets of dmasim's stream source: dms_dmasim_check() accepts what the
 * source writes (written here from the layout in uapi/linux/dmasim.h, not
 * with the library's code) and finds damage; a DMS_VERIFY_DMASIM verifier
 * tells drops, duplicates and reordering apart, across the 32-bit wrap.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/dmasim.h>

#include "check.h"
#include "internal.h"

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A packet as the source writes it. */
static void make_pkt(uint8_t *p, uint32_t len, uint32_t seq, uint32_t pattern)
{
	uint32_t x = dmasim_prbs_seed(seq), off;

	memset(p, 0, len < DMASIM_PKT_HDR_LEN ? len : DMASIM_PKT_HDR_LEN);
	put32(p, DMASIM_PKT_MAGIC);
	put32(p + 4, seq);
	put32(p + 8, len);
	put32(p + 12, pattern);
	put32(p + 16, 12345);	/* time_ns: not checked */
	for (off = DMASIM_PKT_HDR_LEN; off < len; off++) {
		uint32_t w = off - DMASIM_PKT_HDR_LEN;

		if (pattern == DMASIM_PATTERN_COUNTER) {
			p[off] = (uint8_t)(seq + off);
		} else {
			if (w % 4 == 0)
				x = dmasim_prbs_next(x);
			p[off] = (uint8_t)(x >> (8 * (w % 4)));
		}
	}
}

static enum dms_pkt_fault check(const uint8_t *p, uint32_t len, enum dms_check mode,
				struct dms_pkt_result *r)
{
	CHECK_EQ(dms_dmasim_check(p, len, mode, r), 0);
	return r->fault;
}

static void test_packets(void)
{
	static const uint32_t lens[] = { 24, 25, 27, 28, 100, 4096, 4120, 4121, 9000, 65536 };
	uint8_t *p = malloc(65536);
	struct dms_pkt_result r;
	uint32_t pat, i, seq;

	for (pat = 0; pat <= 1; pat++) {
		for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
			uint32_t len = lens[i];

			seq = 0xfffffff0u + i * 7;
			make_pkt(p, len, seq, pat);
			CHECK_EQ(check(p, len, DMS_CHECK_FULL, &r), DMS_PKT_OK);
			CHECK_EQ(r.hdr.seq, seq);
			CHECK_EQ(r.hdr.length, len);
			CHECK_EQ(r.hdr.pattern, pat);
			CHECK_EQ(check(p, len, DMS_CHECK_FAST, &r), DMS_PKT_OK);
			CHECK_EQ(check(p, len, DMS_CHECK_NONE, &r), DMS_PKT_OK);
			if (len == DMASIM_PKT_HDR_LEN)
				continue;
			/* One flipped bit anywhere in the payload: full mode finds it. */
			p[len - 1] ^= 0x10;
			CHECK_EQ(check(p, len, DMS_CHECK_FULL, &r), DMS_PKT_BAD_PAYLOAD);
			CHECK_EQ(r.bad_offset, len - 1);
			/* The last bytes are among fast mode's samples too. */
			CHECK_EQ(check(p, len, DMS_CHECK_FAST, &r), DMS_PKT_BAD_PAYLOAD);
			p[len - 1] ^= 0x10;
			/* Another packet's payload under this header. */
			if (len >= 100) {
				make_pkt(p, len, seq + 1, pat);
				put32(p + 4, seq);
				CHECK_EQ(check(p, len, DMS_CHECK_FULL, &r), DMS_PKT_BAD_PAYLOAD);
				CHECK_EQ(r.bad_offset, DMASIM_PKT_HDR_LEN);
				CHECK_EQ(check(p, len, DMS_CHECK_FAST, &r), DMS_PKT_BAD_PAYLOAD);
			}
		}
	}

	/* Fast mode samples: the middle of a block is not read, full mode sees it. */
	make_pkt(p, 9000, 5, DMASIM_PATTERN_PRBS);
	p[DMASIM_PKT_HDR_LEN + 2000] ^= 1;
	CHECK_EQ(check(p, 9000, DMS_CHECK_FAST, &r), DMS_PKT_OK);
	CHECK_EQ(check(p, 9000, DMS_CHECK_FULL, &r), DMS_PKT_BAD_PAYLOAD);
	CHECK_EQ(r.bad_offset, DMASIM_PKT_HDR_LEN + 2000);
	/* ... but the start of every 4 KiB block is. */
	make_pkt(p, 9000, 5, DMASIM_PATTERN_COUNTER);
	p[DMASIM_PKT_HDR_LEN + 4096 + 3] ^= 1;
	CHECK_EQ(check(p, 9000, DMS_CHECK_FAST, &r), DMS_PKT_BAD_PAYLOAD);
	CHECK_EQ(r.bad_offset, DMASIM_PKT_HDR_LEN + 4096 + 3);

	/* Cut short (RX truncation): the prefix is right, the length is not. */
	make_pkt(p, 4096, 9, DMASIM_PATTERN_COUNTER);
	CHECK_EQ(check(p, 1000, DMS_CHECK_FULL, &r), DMS_PKT_BAD_LENGTH);
	CHECK_EQ(r.hdr.length, 4096);
	CHECK_EQ(check(p, 1000, DMS_CHECK_FAST, &r), DMS_PKT_BAD_LENGTH);
	/* Two packets run together. */
	make_pkt(p + 100, 100, 10, DMASIM_PATTERN_COUNTER);
	make_pkt(p, 100, 9, DMASIM_PATTERN_COUNTER);
	CHECK_EQ(check(p, 200, DMS_CHECK_FULL, &r), DMS_PKT_BAD_LENGTH);

	/* Headers that cannot be trusted. */
	make_pkt(p, 100, 1, DMASIM_PATTERN_COUNTER);
	CHECK_EQ(check(p, 23, DMS_CHECK_FULL, &r), DMS_PKT_BAD_HEADER);
	p[0] ^= 1;
	CHECK_EQ(check(p, 100, DMS_CHECK_FULL, &r), DMS_PKT_BAD_HEADER);
	p[0] ^= 1;
	put32(p + 12, 2);
	CHECK_EQ(check(p, 100, DMS_CHECK_FULL, &r), DMS_PKT_BAD_HEADER);
	put32(p + 12, 0);
	put32(p + 8, 23);
	CHECK_EQ(check(p, 100, DMS_CHECK_FULL, &r), DMS_PKT_BAD_HEADER);
	/* The dmastream pattern is not a dmasim packet, nor the other way round. */
	dms_pattern_fill(p, 100, DMS_PATTERN_COUNTER, 0, 1, DMS_CHECK_FULL);
	CHECK_EQ(check(p, 100, DMS_CHECK_FULL, &r), DMS_PKT_BAD_HEADER);
	make_pkt(p, 100, 1, DMASIM_PATTERN_COUNTER);
	CHECK_EQ(dms_pattern_check(p, 100, DMS_CHECK_FULL, &r), 0);
	CHECK_EQ(r.fault, DMS_PKT_BAD_HEADER);

	CHECK_EQ(dms_dmasim_check(NULL, 100, DMS_CHECK_FULL, &r), -EINVAL);
	CHECK_EQ(dms_dmasim_check(p, 100, DMS_CHECK_FULL, NULL), -EINVAL);
	CHECK_EQ(dms_dmasim_check(p, 100, 9, &r), -EINVAL);
	free(p);
}

#define LEN 200

static void feed(struct dms_verifier *v, uint32_t seq)
{
	uint8_t p[LEN];

	make_pkt(p, LEN, seq, seq % 3 ? DMASIM_PATTERN_COUNTER : DMASIM_PATTERN_PRBS);
	dms_verifier_check(v, p, LEN);
}

static struct dms_verify_stats stats(struct dms_verifier *v)
{
	struct dms_verify_stats st;

	dms_verifier_stats(v, &st);
	return st;
}

static void test_stream(void)
{
	struct dms_verifier *v = NULL;
	struct dms_verify_stats st;
	uint8_t p[LEN];
	uint32_t s;

	/* The source's numbers, as a slow sink sees them: gaps are its overruns. */
	CHECK_EQ(dms_verifier_create(0, DMS_CHECK_FULL, DMS_VERIFY_DMASIM | DMS_VERIFY_SYNC, &v), 0);
	for (s = 100; s < 110; s++)
		feed(v, s);
	feed(v, 113);		/* 110-112 dropped: one gap */
	feed(v, 114);
	feed(v, 114);		/* duplicate */
	feed(v, 120);		/* 115-119 dropped */
	feed(v, 116);		/* ... one of them late: reordered */
	st = stats(v);
	CHECK_EQ(st.packets, 15);
	CHECK_EQ(st.good, 14);	/* a late packet is still a good one */
	CHECK_EQ(st.gaps, 2);
	CHECK_EQ(st.dropped, 3 + 4);
	CHECK_EQ(st.duplicates, 1);
	CHECK_EQ(st.reordered, 1);
	CHECK_EQ(st.wrong_stream, 0);
	CHECK_EQ(st.next_seq, 121);
	/* Damage. */
	make_pkt(p, LEN, 121, DMASIM_PATTERN_COUNTER);
	p[LEN / 2] ^= 4;
	CHECK_EQ(dms_verifier_check(v, p, LEN), DMS_PKT_BAD_PAYLOAD);
	make_pkt(p, LEN, 122, DMASIM_PATTERN_COUNTER);
	CHECK_EQ(dms_verifier_check(v, p, LEN - 10), DMS_PKT_BAD_LENGTH);
	st = stats(v);
	CHECK_EQ(st.corrupt, 1);
	CHECK_EQ(st.bad_length, 1);
	CHECK_EQ(st.errors, 7 + 1 + 1 + 1 + 1);
	dms_verifier_destroy(v);

	/* Across the 32-bit wrap, no false drop or duplicate. */
	CHECK_EQ(dms_verifier_create(0, DMS_CHECK_FAST, DMS_VERIFY_DMASIM | DMS_VERIFY_SYNC, &v), 0);
	for (s = 0xfffffffcu; s != 4; s++)
		feed(v, s);
	feed(v, 6);		/* 4 and 5 dropped */
	feed(v, 4);		/* late */
	st = stats(v);
	CHECK_EQ(st.good, 10);
	CHECK_EQ(st.dropped, 1);
	CHECK_EQ(st.reordered, 1);
	CHECK_EQ(st.duplicates, 0);
	CHECK_EQ(st.next_seq, 0x100000007ull);
	dms_verifier_destroy(v);

	/* Without SYNC the source starts at 0, as after source_run. */
	CHECK_EQ(dms_verifier_create(7, DMS_CHECK_FULL, DMS_VERIFY_DMASIM, &v), 0);
	feed(v, 2);
	st = stats(v);
	CHECK_EQ(st.dropped, 2);
	CHECK_EQ(st.wrong_stream, 0);	/* no stream id in these packets */
	/* A dmastream packet in a dmasim stream is garbage. */
	dms_pattern_fill(p, LEN, DMS_PATTERN_COUNTER, 7, 3, DMS_CHECK_FULL);
	CHECK_EQ(dms_verifier_check(v, p, LEN), DMS_PKT_BAD_HEADER);
	dms_verifier_destroy(v);
}

int main(void)
{
	test_packets();
	test_stream();
	return check_report();
}
