// SPDX-License-Identifier: MIT
/*
 * The stream verifier tells drops, duplicates, reordering, corruption and
 * foreign packets apart, and excuses losses it is told about.
 */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "internal.h"

#define LEN 256

static struct dms_verifier *make(unsigned int flags)
{
	struct dms_verifier *v = NULL;

	CHECK_EQ(dms_verifier_create(0, DMS_CHECK_FULL, flags, &v), 0);
	return v;
}

static enum dms_pkt_fault feed(struct dms_verifier *v, uint64_t seq)
{
	uint8_t pkt[LEN];

	dms_pattern_fill(pkt, LEN, DMS_PATTERN_PRBS31, 0, seq, DMS_CHECK_FULL);
	return dms_verifier_check(v, pkt, LEN);
}

static struct dms_verify_stats stats(struct dms_verifier *v)
{
	struct dms_verify_stats st;

	dms_verifier_stats(v, &st);
	return st;
}

static void feed_list(struct dms_verifier *v, const uint64_t *seqs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		feed(v, seqs[i]);
}

static void test_clean(void)
{
	struct dms_verifier *v = make(0);
	struct dms_verify_stats st;
	uint64_t i;

	for (i = 0; i < 1000; i++)
		CHECK_EQ(feed(v, i), DMS_PKT_OK);
	dms_verifier_finish(v, 1000);
	st = stats(v);
	CHECK_EQ(st.packets, 1000);
	CHECK_EQ(st.good, 1000);
	CHECK_EQ(st.bytes, 1000 * LEN);
	CHECK_EQ(st.errors, 0);
	CHECK_EQ(st.next_seq, 1000);
	dms_verifier_destroy(v);
}

static void test_drop_dup_reorder(void)
{
	static const uint64_t dropped[] = { 0, 1, 2, 4, 5, 8, 9 };	/* 3, 6, 7 missing */
	static const uint64_t dup[] = { 0, 1, 2, 2, 3, 1 };
	static const uint64_t swapped[] = { 0, 2, 1, 3, 5, 4, 6 };
	static const uint64_t late[] = { 0, 1, 5, 2, 3, 4, 6 };
	struct dms_verifier *v;
	struct dms_verify_stats st;

	v = make(0);
	feed_list(v, dropped, 7);
	st = stats(v);
	CHECK_EQ(st.dropped, 3);
	CHECK_EQ(st.gaps, 2);
	CHECK_EQ(st.errors, 3);
	CHECK_EQ(st.reordered + st.duplicates, 0);
	dms_verifier_destroy(v);

	v = make(0);
	feed_list(v, dup, 6);
	st = stats(v);
	CHECK_EQ(st.duplicates, 2);
	CHECK_EQ(st.dropped, 0);
	CHECK_EQ(st.good, 4);
	dms_verifier_destroy(v);

	v = make(0);
	feed_list(v, swapped, 7);
	st = stats(v);
	CHECK_EQ(st.reordered, 2);
	CHECK_EQ(st.dropped, 0);
	CHECK_EQ(st.duplicates, 0);
	CHECK_EQ(st.errors, 2);
	dms_verifier_destroy(v);

	v = make(0);
	feed_list(v, late, 7);
	st = stats(v);
	CHECK_EQ(st.reordered, 3);
	CHECK_EQ(st.dropped, 0);
	dms_verifier_destroy(v);

	/* finish() counts what never came at the end. */
	v = make(0);
	feed_list(v, dropped, 7);
	dms_verifier_finish(v, 12);
	st = stats(v);
	CHECK_EQ(st.dropped, 5);
	dms_verifier_destroy(v);
}

static void test_excuses(void)
{
	struct dms_verifier *v = make(0);
	struct dms_verify_stats st;

	/* Announced before the gap: 2 and 3 failed on the sending side. */
	feed(v, 0);
	feed(v, 1);
	dms_verifier_excuse(v, 2);
	dms_verifier_excuse(v, 3);
	feed(v, 4);
	st = stats(v);
	CHECK_EQ(st.excused, 2);
	CHECK_EQ(st.dropped, 0);
	/* Announced after the gap. */
	feed(v, 6);
	dms_verifier_excuse(v, 5);
	st = stats(v);
	CHECK_EQ(st.excused, 3);
	CHECK_EQ(st.dropped, 0);
	/* Credits: one unknown loss excused, the second is a drop. */
	dms_verifier_excuse_any(v, 1);
	feed(v, 9);
	st = stats(v);
	CHECK_EQ(st.excused, 4);
	CHECK_EQ(st.dropped, 1);
	CHECK_EQ(st.errors, 1);
	/* An excused packet that arrives anyway, damaged: still excused. */
	dms_verifier_excuse(v, 10);
	{
		uint8_t pkt[LEN];

		dms_pattern_fill(pkt, LEN, DMS_PATTERN_PRBS31, 0, 10, DMS_CHECK_FULL);
		pkt[100] ^= 1;
		CHECK_EQ(dms_verifier_check(v, pkt, LEN), DMS_PKT_BAD_PAYLOAD);
	}
	st = stats(v);
	CHECK_EQ(st.corrupt, 0);
	CHECK_EQ(st.excused, 5);
	/* An excused loss that shows up late is not an error either. */
	feed(v, 12);
	dms_verifier_excuse(v, 11);
	feed(v, 11);
	st = stats(v);
	CHECK_EQ(st.errors, 1);
	CHECK_EQ(st.excused, 5);
	CHECK_EQ(st.good, 7);
	dms_verifier_destroy(v);
}

static void test_damage(void)
{
	struct dms_verifier *v = make(0);
	struct dms_verify_stats st;
	uint8_t pkt[LEN];

	feed(v, 0);
	dms_pattern_fill(pkt, LEN, DMS_PATTERN_COUNTER, 0, 1, DMS_CHECK_FULL);
	pkt[LEN - 1] ^= 0x80;
	CHECK_EQ(dms_verifier_check(v, pkt, LEN), DMS_PKT_BAD_PAYLOAD);
	dms_pattern_fill(pkt, LEN, DMS_PATTERN_COUNTER, 0, 2, DMS_CHECK_FULL);
	CHECK_EQ(dms_verifier_check(v, pkt, LEN - 10), DMS_PKT_BAD_LENGTH);
	dms_pattern_fill(pkt, LEN, DMS_PATTERN_COUNTER, 0, 3, DMS_CHECK_FULL);
	pkt[9] ^= 1;	/* the sequence number itself */
	CHECK_EQ(dms_verifier_check(v, pkt, LEN), DMS_PKT_BAD_HEADER);
	dms_pattern_fill(pkt, LEN, DMS_PATTERN_COUNTER, 5, 4, DMS_CHECK_FULL);
	CHECK_EQ(dms_verifier_check(v, pkt, LEN), DMS_PKT_OK);
	st = stats(v);
	CHECK_EQ(st.corrupt, 2);
	CHECK_EQ(st.bad_length, 1);
	CHECK_EQ(st.wrong_stream, 1);
	/* A damaged header cannot move the sequence: 3 and 4 are still due. */
	CHECK_EQ(st.next_seq, 3);
	CHECK_EQ(st.errors, 4);
	dms_verifier_destroy(v);

	v = make(DMS_VERIFY_ANY_STREAM);
	CHECK_EQ(dms_verifier_check(v, pkt, LEN), DMS_PKT_OK);
	st = stats(v);
	CHECK_EQ(st.wrong_stream, 0);
	/* Without SYNC the stream starts at 0: 0-3 are missing. */
	CHECK_EQ(st.dropped, 4);
	dms_verifier_destroy(v);
}

static void test_sync_and_jumps(void)
{
	struct dms_verifier *v = make(DMS_VERIFY_SYNC);
	struct dms_verify_stats st;

	feed(v, 1000000);
	feed(v, 1000001);
	st = stats(v);
	CHECK_EQ(st.errors, 0);
	CHECK_EQ(st.next_seq, 1000002);
	/* A jump far beyond the window is counted without walking it. */
	feed(v, 1000002 + 10000000);
	st = stats(v);
	CHECK_EQ(st.dropped, 10000000);
	/* Far behind: cannot be told from a duplicate. */
	feed(v, 5);
	st = stats(v);
	CHECK_EQ(st.duplicates, 1);
	dms_verifier_destroy(v);

	CHECK_EQ(dms_verifier_create(0, DMS_CHECK_FULL, 0x80, &v), -EINVAL);
	CHECK_EQ(dms_verifier_create(0, 7, 0, &v), -EINVAL);
}

int main(void)
{
	test_clean();
	test_drop_dup_reorder();
	test_excuses();
	test_damage();
	test_sync_and_jumps();
	return check_report();
}
