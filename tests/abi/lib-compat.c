// SPDX-License-Identifier: MIT
/*
 * A program built against the headers of an earlier release (a copy kept
 * in tests/abi/released/VERSION/), run with the library of this tree: what
 * the library writes lands in the fields the old headers name and never
 * past the end of the old structures, what the old headers fill in is read
 * as they meant it, and the old symbols resolve. Built once per kept
 * release; see docs/library.md, "Growing the ABI".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libdmastream.h>	/* the old release's copy */

static int failures;

#define EXPECT(cond) do {							\
	if (!(cond)) {								\
		fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);	\
		failures++;							\
	}									\
} while (0)

/* A structure of the old size, then bytes the library must not touch. */
#define GUARDED(type, name)							\
	struct { type v; unsigned char canary[64]; } name;			\
	memset(&name, 0xa5, sizeof(name))

static int canary_intact(const unsigned char *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (c[i] != 0xa5)
			return 0;
	return 1;
}

static void test_version(void)
{
	unsigned int v = dms_version();

	/* Never older than the headers the program was built with. */
	EXPECT(v >= DMS_VERSION);
	EXPECT(v >> 16 == DMS_VERSION_MAJOR);
	EXPECT(dms_version_string() != NULL);
	printf("# built against %d.%d.%d, running with %s\n", DMS_VERSION_MAJOR,
	       DMS_VERSION_MINOR, DMS_VERSION_PATCH, dms_version_string());
}

static void test_params(void)
{
	GUARDED(struct dms_pipeline_params, prm);
	struct dms_pipeline *p = NULL;

	dms_pipeline_params_init(&prm.v);
	EXPECT(canary_intact(prm.canary, sizeof(prm.canary)));
	EXPECT(prm.v.size == 65536);
	EXPECT(prm.v.depth == 8);
	EXPECT(prm.v.pattern == DMS_PATTERN_COUNTER);
	/* No channels: refused for that, after the parameters were read. */
	EXPECT(dms_pipeline_create(&prm.v, NULL, NULL, &p) == -EINVAL);
	EXPECT(p == NULL);
}

static void test_pattern_and_verifier(void)
{
	enum { LEN = 1024, N = 5 };
	GUARDED(struct dms_pkt_result, res);
	GUARDED(struct dms_verify_stats, st);
	unsigned char buf[LEN];
	struct dms_verifier *v = NULL;

	EXPECT(dms_pattern_fill(buf, LEN, DMS_PATTERN_PRBS31, 9, 41, DMS_CHECK_FULL) == 0);
	EXPECT(dms_pattern_check(buf, LEN, DMS_CHECK_FULL, &res.v) == 0);
	EXPECT(canary_intact(res.canary, sizeof(res.canary)));
	EXPECT(res.v.fault == DMS_PKT_OK);
	EXPECT(res.v.hdr.seq == 41);
	EXPECT(res.v.hdr.stream == 9);
	EXPECT(res.v.hdr.length == LEN);

	EXPECT(dms_verifier_create(9, DMS_CHECK_FULL, 0, &v) == 0);
	for (int i = 0; i < N; i++) {
		/* Packet 2 never comes: one drop. */
		if (i == 2)
			continue;
		dms_pattern_fill(buf, LEN, DMS_PATTERN_COUNTER, 9, (uint64_t)i, DMS_CHECK_FULL);
		dms_verifier_check(v, buf, LEN);
	}
	dms_verifier_finish(v, N);
	dms_verifier_stats(v, &st.v);
	EXPECT(canary_intact(st.canary, sizeof(st.canary)));
	EXPECT(st.v.packets == N - 1);
	EXPECT(st.v.good == N - 1);
	EXPECT(st.v.bytes == (N - 1) * LEN);
	EXPECT(st.v.dropped == 1);
	EXPECT(st.v.errors == 1);
	EXPECT(st.v.next_seq == N);
	dms_verifier_destroy(v);
}

static void test_names(void)
{
	EXPECT(strcmp(dms_status_name(DMASTREAM_STATUS_OK), "ok") == 0);
	EXPECT(strcmp(dms_direction_name(DMASTREAM_DIR_RX), "rx") == 0);
}

int main(void)
{
	test_version();
	test_params();
	test_pattern_and_verifier();
	test_names();
	if (failures)
		fprintf(stderr, "%d check(s) failed\n", failures);
	return failures != 0;
}
