/* SPDX-License-Identifier: MIT */
/*
 * Test only: the fake driver's three channels (TX and RX looped back, and
 * memcpy) for the pipeline's unit tests, and a run of a pipeline to its end.
 */
#ifndef DMS_TEST_RIG_H
#define DMS_TEST_RIG_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fake-engine.h"

struct rig {
	struct fake_engine *e;
	struct dms_channel *tx, *rx, *mem;
};

static inline struct dms_channel **rig_chan(struct rig *r, uint32_t dir)
{
	return dir == DMASTREAM_DIR_TX ? &r->tx : dir == DMASTREAM_DIR_RX ? &r->rx : &r->mem;
}

static inline void rig_open(struct rig *r)
{
	memset(r, 0, sizeof(*r));
	r->e = fake_engine_new();
	CHECK_EQ(fake_open(r->e, DMASTREAM_DIR_TX, &r->tx), 0);
	CHECK_EQ(fake_open(r->e, DMASTREAM_DIR_RX, &r->rx), 0);
	CHECK_EQ(fake_open(r->e, DMASTREAM_DIR_MEMCPY, &r->mem), 0);
}

/* Open the channel of @dir again: it reads the capabilities at open. */
static inline void rig_reopen(struct rig *r, uint32_t dir)
{
	dms_channel_close(*rig_chan(r, dir));
	CHECK_EQ(fake_open(r->e, dir, rig_chan(r, dir)), 0);
}

static inline void rig_close(struct rig *r)
{
	dms_channel_close(r->tx);
	dms_channel_close(r->rx);
	dms_channel_close(r->mem);
	fake_engine_free(r->e);
}

/* Step the pipeline until it ends; its result. */
static inline int rig_run(struct dms_pipeline *p)
{
	long guard = 0;
	int ret;

	while ((ret = dms_pipeline_step(p, 100)) > 0) {
		if (++guard > 10000000) {
			fprintf(stderr, "pipeline does not finish\n");
			abort();
		}
	}
	return ret;
}

#endif /* DMS_TEST_RIG_H */
