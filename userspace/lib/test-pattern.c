// SPDX-License-Identifier: MIT
/*
 * The packet pattern: the word-at-a-time PRBS-31 matches the bit-serial
 * definition; every packet generated verifies; in full mode every single
 * flipped byte is found at its offset; fast mode covers exactly its samples;
 * stale data, wrong lengths and damaged headers are refused.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "internal.h"

/* b[n] = b[n-28] ^ b[n-31], bit n at bit n % 32 of word n / 32. */
static void test_prbs_reference(void)
{
	enum { WORDS = 200 };
	static uint8_t bits[32 * (WORDS + 1)];
	uint32_t seed = 0x1234567au, w = seed;
	int n, k, bad = 0;

	for (n = 0; n < 32; n++)
		bits[n] = (seed >> n) & 1;
	for (n = 32; n < 32 * (WORDS + 1); n++)
		bits[n] = bits[n - 28] ^ bits[n - 31];
	for (k = 1; k <= WORDS; k++) {
		uint32_t ref = 0;

		for (n = 0; n < 32; n++)
			ref |= (uint32_t)bits[32 * k + n] << n;
		w = dms__prbs31_next(w);
		if (w != ref)
			bad++;
	}
	CHECK_EQ(bad, 0);
	/* Seeds never give the all-zero state. */
	CHECK((dms__prbs_seed(0, 0, 0) & 0xfffffffeu) != 0);
	CHECK(dms__prbs_seed(0, 1, 0) != dms__prbs_seed(0, 2, 0));
	CHECK(dms__prbs_seed(0, 1, 0) != dms__prbs_seed(1, 1, 0));
	CHECK(dms__prbs_seed(0, 1, 0) != dms__prbs_seed(0, 1, 1));
}

static const uint32_t sizes[] = {
	32, 33, 34, 35, 36, 100, 4096, 4127, 4128, 4129, 4160, 8192 + 32 + 3, 65536, 1u << 20,
};

static void test_roundtrip(void)
{
	uint8_t *buf = malloc(1u << 20);
	struct dms_pkt_result r;
	size_t i;
	int p, m;

	for (p = DMS_PATTERN_COUNTER; p <= DMS_PATTERN_PRBS31; p++) {
		for (m = DMS_CHECK_FAST; m <= DMS_CHECK_FULL; m++) {
			for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
				memset(buf, 0xee, sizes[i]);
				CHECK_EQ(dms_pattern_fill(buf, sizes[i], p, 7, 1000 + i, m), 0);
				CHECK_EQ(dms_pattern_check(buf, sizes[i], m, &r), 0);
				CHECK_EQ(r.fault, DMS_PKT_OK);
				CHECK_EQ(r.hdr.seq, 1000 + i);
				CHECK_EQ(r.hdr.length, sizes[i]);
				CHECK_EQ(r.hdr.stream, 7);
				CHECK_EQ(r.hdr.pattern, p);
			}
		}
	}
	/* The header as documented: "DMSP", version 1, little-endian fields. */
	dms_pattern_fill(buf, 64, DMS_PATTERN_COUNTER, 0x01020304, 0x1122334455667788ull,
			 DMS_CHECK_FULL);
	CHECK(memcmp(buf, "DMSP", 4) == 0);
	CHECK_EQ(buf[4], 1);
	CHECK_EQ(buf[5], DMS_PATTERN_COUNTER);
	CHECK_EQ(buf[8], 0x88);
	CHECK_EQ(buf[15], 0x11);
	CHECK_EQ(buf[16], 64);
	CHECK_EQ(buf[20], 0x04);
	/* Counter payload: word j is (seq << 16) + j. */
	CHECK_EQ(buf[32], 0x00);
	CHECK_EQ(buf[34], 0x88);
	CHECK_EQ(buf[35], 0x77);
	CHECK_EQ(buf[36], 0x01);

	CHECK_EQ(dms_pattern_fill(buf, 31, DMS_PATTERN_COUNTER, 0, 0, DMS_CHECK_FULL), -EINVAL);
	CHECK_EQ(dms_pattern_fill(buf, 64, 9, 0, 0, DMS_CHECK_FULL), -EINVAL);
	memset(buf, 0xee, 64);
	CHECK_EQ(dms_pattern_fill(buf, 64, DMS_PATTERN_NONE, 0, 0, DMS_CHECK_FULL), 0);
	CHECK_EQ(buf[0], 0xee);
	free(buf);
}

/* Full mode: any flipped byte is found, at its offset. */
static void test_every_byte(enum dms_pattern p)
{
	const uint32_t len = 4096 + 32 + 37;
	uint8_t *buf = malloc(len);
	struct dms_pkt_result r;
	uint32_t pos, missed = 0, misplaced = 0;

	dms_pattern_fill(buf, len, p, 3, 42, DMS_CHECK_FULL);
	for (pos = 0; pos < len; pos++) {
		buf[pos] ^= 0x10;
		dms_pattern_check(buf, len, DMS_CHECK_FULL, &r);
		if (pos < DMS_PKT_HEADER_SIZE) {
			if (r.fault != DMS_PKT_BAD_HEADER)
				missed++;
		} else if (r.fault != DMS_PKT_BAD_PAYLOAD) {
			missed++;
		} else if (r.bad_offset != pos) {
			misplaced++;
		}
		buf[pos] ^= 0x10;
	}
	CHECK_EQ(missed, 0);
	CHECK_EQ(misplaced, 0);
	free(buf);
}

/* Fast mode: the first 32 bytes of every 4 KiB block and the last 32 bytes. */
static void test_fast_samples(void)
{
	const uint32_t len = 3 * 4096 + 32 + 100;
	const uint32_t payload = len - 32;
	uint8_t *buf = malloc(len);
	struct dms_pkt_result r;
	uint32_t pos, wrong = 0;

	dms_pattern_fill(buf, len, DMS_PATTERN_PRBS31, 0, 9, DMS_CHECK_FULL);
	for (pos = 32; pos < len; pos++) {
		uint32_t off = pos - 32;
		/* The last 8 words: from the word containing byte payload - 29. */
		bool sampled = off % 4096 < 32 || off >= ((payload + 3) / 4 - 8) * 4;

		buf[pos] ^= 1;
		dms_pattern_check(buf, len, DMS_CHECK_FAST, &r);
		if ((r.fault == DMS_PKT_BAD_PAYLOAD) != sampled)
			wrong++;
		buf[pos] ^= 1;
	}
	CHECK_EQ(wrong, 0);

	/* A fast fill writes only what a fast check reads. */
	memset(buf, 0, len);
	dms_pattern_fill(buf, len, DMS_PATTERN_COUNTER, 0, 9, DMS_CHECK_FAST);
	dms_pattern_check(buf, len, DMS_CHECK_FAST, &r);
	CHECK_EQ(r.fault, DMS_PKT_OK);
	dms_pattern_check(buf, len, DMS_CHECK_FULL, &r);
	CHECK_EQ(r.fault, DMS_PKT_BAD_PAYLOAD);
	CHECK_EQ(r.bad_offset, 32 + 32);
	CHECK(buf[32 + 100] == 0);
	free(buf);
}

static void test_refusals(void)
{
	uint8_t a[2000], b[2000];
	struct dms_pkt_result r;
	int p;

	for (p = DMS_PATTERN_COUNTER; p <= DMS_PATTERN_PRBS31; p++) {
		/* Stale data: seq 4's payload under a valid header for seq 5. */
		dms_pattern_fill(a, 1000, p, 0, 4, DMS_CHECK_FULL);
		dms_pattern_fill(b, 1000, p, 0, 5, DMS_CHECK_FULL);
		memcpy(a, b, DMS_PKT_HEADER_SIZE);
		dms_pattern_check(a, 1000, DMS_CHECK_FULL, &r);
		CHECK_EQ(r.fault, DMS_PKT_BAD_PAYLOAD);
		CHECK_EQ(r.bad_offset, 32 + (p == DMS_PATTERN_COUNTER ? 2 : 0));
		dms_pattern_check(a, 1000, DMS_CHECK_FAST, &r);
		CHECK_EQ(r.fault, DMS_PKT_BAD_PAYLOAD);

		/* Short or long arrival. */
		dms_pattern_fill(a, 1000, p, 0, 4, DMS_CHECK_FULL);
		dms_pattern_check(a, 900, DMS_CHECK_FULL, &r);
		CHECK_EQ(r.fault, DMS_PKT_BAD_LENGTH);
		CHECK_EQ(r.hdr.seq, 4);
		dms_pattern_check(a, 1100, DMS_CHECK_FULL, &r);
		CHECK_EQ(r.fault, DMS_PKT_BAD_LENGTH);
		dms_pattern_check(a, 20, DMS_CHECK_FULL, &r);
		CHECK_EQ(r.fault, DMS_PKT_BAD_HEADER);
		/* Without a payload check only the header counts. */
		a[500] ^= 1;
		dms_pattern_check(a, 1000, DMS_CHECK_NONE, &r);
		CHECK_EQ(r.fault, DMS_PKT_OK);

		/* Another stream's PRBS differs; the counter does not depend on it. */
		dms_pattern_fill(a, 1000, p, 1, 4, DMS_CHECK_FULL);
		dms_pattern_fill(b, 1000, p, 2, 4, DMS_CHECK_FULL);
		CHECK((memcmp(a + 32, b + 32, 968) == 0) == (p == DMS_PATTERN_COUNTER));
	}
	memset(a, 0, sizeof(a));
	dms_pattern_check(a, 100, DMS_CHECK_FULL, &r);
	CHECK_EQ(r.fault, DMS_PKT_BAD_HEADER);
	CHECK_EQ(dms_pattern_check(NULL, 100, DMS_CHECK_FULL, &r), -EINVAL);
}

int main(void)
{
	test_prbs_reference();
	test_roundtrip();
	test_every_byte(DMS_PATTERN_COUNTER);
	test_every_byte(DMS_PATTERN_PRBS31);
	test_fast_samples();
	test_refusals();
	return check_report();
}
