// SPDX-License-Identifier: MIT
/*
 * The stream verifier: per-packet checks (dms_pattern_check) plus the
 * sequence bookkeeping that tells drops, duplicates and reordering apart.
 *
 * A jump forward marks the skipped sequence numbers missing and counts them
 * as dropped at once. A missing one that turns up later was reordered, not
 * dropped: it moves from one count to the other. A number at or behind the
 * expected one that is not missing is a duplicate. Missing numbers are
 * remembered for WINDOW packets; older ones stay dropped for good.
 *
 * Losses the caller can explain (a transfer that failed on the sending side,
 * an RX error that lost a packet) are "excused": by sequence number when it
 * is known, or as credits for the next missing packets otherwise. They are
 * counted apart and are not errors.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define WINDOW		65536u
#define BULK_GAP	(4 * WINDOW)

struct dms_verifier {
	uint32_t stream;
	unsigned int flags;
	enum dms_check mode;
	bool synced;
	uint64_t credits;
	/* Bit (seq % WINDOW), for seq in [next - WINDOW, next): */
	uint8_t missing[WINDOW / 8];	/* not arrived, counted as dropped */
	uint8_t gone[WINDOW / 8];	/* not arrived, counted as excused */
	/* for seq in [next, next + WINDOW): */
	uint8_t excuse[WINDOW / 8];	/* reported lost before its turn */
	struct dms_verify_stats st;
};

static bool bit_get(const uint8_t *map, uint64_t seq)
{
	uint32_t i = (uint32_t)(seq % WINDOW);

	return map[i / 8] & (1u << (i % 8));
}

static void bit_set(uint8_t *map, uint64_t seq, bool on)
{
	uint32_t i = (uint32_t)(seq % WINDOW);

	if (on)
		map[i / 8] |= (uint8_t)(1u << (i % 8));
	else
		map[i / 8] &= (uint8_t)~(1u << (i % 8));
}

int dms_verifier_create(uint32_t stream, enum dms_check mode, unsigned int flags,
			struct dms_verifier **vp)
{
	struct dms_verifier *v;

	if (!vp || (flags & ~(DMS_VERIFY_ANY_STREAM | DMS_VERIFY_SYNC | DMS_VERIFY_DMASIM)) ||
	    mode > DMS_CHECK_FULL)
		return -EINVAL;
	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->stream = stream;
	v->flags = flags;
	v->mode = mode;
	v->synced = !(flags & DMS_VERIFY_SYNC);
	*vp = v;
	return 0;
}

void dms_verifier_destroy(struct dms_verifier *v)
{
	free(v);
}

/* seq did not arrive in its turn; next is moving past it. */
static void mark_missing(struct dms_verifier *v, uint64_t seq)
{
	bool excused = bit_get(v->excuse, seq);

	bit_set(v->excuse, seq, false);
	if (!excused && v->credits) {
		v->credits--;
		excused = true;
	}
	bit_set(v->missing, seq, !excused);
	bit_set(v->gone, seq, excused);
	if (excused)
		v->st.excused++;
	else
		v->st.dropped++;
}

/* Move the expected sequence number to @to, marking what was skipped. */
static void skip_to(struct dms_verifier *v, uint64_t to)
{
	uint64_t seq = v->st.next_seq;

	if (to - seq > BULK_GAP) {
		/* The stream jumped (a restarted source?): count, forget history. */
		uint64_t n = to - seq, cred = dms__min_u64(n, v->credits);

		v->credits -= cred;
		v->st.excused += cred;
		v->st.dropped += n - cred;
		memset(v->missing, 0, sizeof(v->missing));
		memset(v->gone, 0, sizeof(v->gone));
		memset(v->excuse, 0, sizeof(v->excuse));
		v->st.next_seq = to;
		return;
	}
	for (; seq < to; seq++)
		mark_missing(v, seq);
	v->st.next_seq = to;
}

/*
 * dmasim's sequence numbers have 32 bits: take the 64-bit number nearest
 * to the one expected.
 */
static uint64_t unwrap32(uint64_t next, uint32_t seq)
{
	int32_t d = (int32_t)(seq - (uint32_t)next);

	if (d < 0 && (uint64_t)-(int64_t)d > next)
		return seq;
	return next + (uint64_t)(int64_t)d;
}

enum dms_pkt_fault dms_verifier_check(struct dms_verifier *v, const void *buf, uint32_t len)
{
	bool dmasim = v->flags & DMS_VERIFY_DMASIM;
	struct dms_pkt_result r;
	uint64_t seq;
	bool was_excused = false;

	v->st.packets++;
	if (dmasim)
		dms_dmasim_check(buf, len, v->mode, &r);
	else
		dms_pattern_check(buf, len, v->mode, &r);
	if (r.fault == DMS_PKT_BAD_HEADER) {
		/* No trustworthy sequence number: it cannot move the stream. */
		v->st.corrupt++;
		goto out;
	}
	seq = r.hdr.seq;
	/* dmasim's packets carry no stream id. */
	if (!dmasim && !(v->flags & DMS_VERIFY_ANY_STREAM) && r.hdr.stream != v->stream) {
		v->st.wrong_stream++;
		goto out;
	}
	if (dmasim && v->synced)
		seq = unwrap32(v->st.next_seq, (uint32_t)seq);
	if (!v->synced) {
		v->st.next_seq = seq;
		v->synced = true;
	}

	if (seq >= v->st.next_seq) {
		if (seq > v->st.next_seq) {
			v->st.gaps++;
			skip_to(v, seq);
		}
		was_excused = bit_get(v->excuse, seq);
		bit_set(v->excuse, seq, false);
		bit_set(v->missing, seq, false);
		bit_set(v->gone, seq, false);
		v->st.next_seq = seq + 1;
	} else if (v->st.next_seq - seq > WINDOW) {
		/* Too old to know whether we had it. */
		v->st.duplicates++;
		goto out;
	} else if (bit_get(v->missing, seq)) {
		bit_set(v->missing, seq, false);
		v->st.dropped--;
		v->st.reordered++;
	} else if (bit_get(v->gone, seq)) {
		/* Reported lost, and here after all. */
		bit_set(v->gone, seq, false);
		v->st.excused--;
		was_excused = true;
	} else {
		v->st.duplicates++;
		goto out;
	}

	switch (r.fault) {
	case DMS_PKT_OK:
		v->st.good++;
		v->st.bytes += len;
		break;
	case DMS_PKT_BAD_LENGTH:
	case DMS_PKT_BAD_PAYLOAD:
		/* A packet whose sending failed may arrive damaged. */
		if (was_excused)
			v->st.excused++;
		else if (r.fault == DMS_PKT_BAD_LENGTH)
			v->st.bad_length++;
		else
			v->st.corrupt++;
		break;
	default:
		break;
	}
out:
	return r.fault;
}

void dms_verifier_excuse(struct dms_verifier *v, uint64_t seq)
{
	if (!v->synced)
		return;
	if (seq >= v->st.next_seq) {
		if (seq - v->st.next_seq < WINDOW)
			bit_set(v->excuse, seq, true);
	} else if (v->st.next_seq - seq <= WINDOW && bit_get(v->missing, seq)) {
		bit_set(v->missing, seq, false);
		bit_set(v->gone, seq, true);
		v->st.dropped--;
		v->st.excused++;
	}
}

void dms_verifier_excuse_any(struct dms_verifier *v, uint32_t n)
{
	v->credits += n;
}

void dms_verifier_finish(struct dms_verifier *v, uint64_t end_seq)
{
	if (v->synced && end_seq > v->st.next_seq)
		skip_to(v, end_seq);
}

void dms_verifier_stats(const struct dms_verifier *v, struct dms_verify_stats *st)
{
	*st = v->st;
	st->errors = st->corrupt + st->bad_length + st->dropped + st->duplicates +
		     st->reordered + st->wrong_stream;
}
