// SPDX-License-Identifier: MIT
/* The latency histogram: exact below 16, within 1/16 above, at any scale. */
#include <stdlib.h>

#include "check.h"
#include "internal.h"

int main(void)
{
	struct dms_hist *h = malloc(sizeof(*h));
	struct dms_latency lat;
	uint64_t v, p;
	int i;

	dms__hist_init(h);
	CHECK_EQ(dms__hist_percentile(h, 0.5), 0);
	dms__hist_summary(h, &lat);
	CHECK_EQ(lat.samples, 0);

	for (v = 1; v <= 10; v++)
		dms__hist_add(h, v);
	CHECK_EQ(dms__hist_percentile(h, 0.5), 5);
	CHECK_EQ(dms__hist_percentile(h, 1.0), 10);
	CHECK_EQ(dms__hist_percentile(h, 0.0), 1);

	/* 1000 samples 1 us .. 1 ms, evenly: p50 near 500 us, p99 near 990 us. */
	dms__hist_init(h);
	for (i = 1; i <= 1000; i++)
		dms__hist_add(h, (uint64_t)i * 1000);
	p = dms__hist_percentile(h, 0.5);
	CHECK(p >= 500000 && p <= 500000 + 500000 / 16);
	p = dms__hist_percentile(h, 0.99);
	CHECK(p >= 990000 && p <= 1000000);
	dms__hist_summary(h, &lat);
	CHECK_EQ(lat.samples, 1000);
	CHECK_EQ(lat.min_ns, 1000);
	CHECK_EQ(lat.max_ns, 1000000);
	CHECK_EQ(lat.mean_ns, 500500);

	/* Huge values stay in range. */
	dms__hist_init(h);
	dms__hist_add(h, UINT64_MAX);
	dms__hist_add(h, 1ull << 40);
	CHECK_EQ(dms__hist_percentile(h, 1.0), UINT64_MAX);
	p = dms__hist_percentile(h, 0.5);
	CHECK(p >= (1ull << 40) && p <= (1ull << 40) + (1ull << 36));
	free(h);
	return check_report();
}
