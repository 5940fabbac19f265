// SPDX-License-Identifier: MIT
/*
 * Latency histogram. Values below 16 have a bucket each; above, every
 * power of two is cut into 16 buckets, so a percentile is known to within
 * 1/16 of its value (6%) at any scale, in fixed memory.
 */
#include <string.h>

#include "internal.h"

static unsigned int bucket_of(uint64_t v)
{
	unsigned int e;

	if (v < DMS_HIST_SUB)
		return (unsigned int)v;
	e = 63u - (unsigned int)__builtin_clzll(v);	/* >= 4 */
	return DMS_HIST_SUB * (e - 3) + (unsigned int)((v >> (e - 4)) & (DMS_HIST_SUB - 1));
}

/* Largest value that lands in bucket @b. */
static uint64_t bucket_top(unsigned int b)
{
	unsigned int e, sub;

	if (b < DMS_HIST_SUB)
		return b;
	e = b / DMS_HIST_SUB + 3;
	sub = b % DMS_HIST_SUB;
	return (((uint64_t)DMS_HIST_SUB + sub) << (e - 4)) + (1ull << (e - 4)) - 1;
}

void dms__hist_init(struct dms_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

void dms__hist_add(struct dms_hist *h, uint64_t v)
{
	h->count++;
	h->sum += v;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
	h->buckets[bucket_of(v)]++;
}

uint64_t dms__hist_percentile(const struct dms_hist *h, double fraction)
{
	uint64_t want, seen = 0, top;
	unsigned int b;

	if (h->count == 0)
		return 0;
	want = (uint64_t)(fraction * (double)h->count + 0.5);
	if (want == 0)
		want = 1;
	if (want > h->count)
		want = h->count;
	for (b = 0; b < DMS_HIST_BUCKETS; b++) {
		seen += h->buckets[b];
		if (seen >= want)
			break;
	}
	top = bucket_top(b);
	/* Never report beyond what was seen. */
	if (top > h->max)
		top = h->max;
	if (top < h->min)
		top = h->min;
	return top;
}

void dms__hist_summary(const struct dms_hist *h, struct dms_latency *out)
{
	memset(out, 0, sizeof(*out));
	out->samples = h->count;
	if (!h->count)
		return;
	out->min_ns = h->min;
	out->max_ns = h->max;
	out->mean_ns = h->sum / h->count;
	out->p50_ns = dms__hist_percentile(h, 0.50);
	out->p99_ns = dms__hist_percentile(h, 0.99);
	out->p999_ns = dms__hist_percentile(h, 0.999);
}
