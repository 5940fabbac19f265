// SPDX-License-Identifier: MIT
/*
 * Waiting for completions. The CQ is checked first so that a caller that is
 * behind never pays for a system call.
 */
#include <errno.h>
#include <stdint.h>

#include "internal.h"

int dms_wait(struct dms_channel *ch, uint32_t min_complete, int64_t timeout_ns)
{
	struct dmastream_wait w = { 0 };
	uint32_t ready;
	int ret;

	if (!ch->has_ring)
		return -ENXIO;
	if (min_complete == 0 || min_complete > ch->ring.cq_entries)
		return -EINVAL;
	ready = dms__cq_ready(&ch->cq);
	if (ready >= min_complete || timeout_ns == 0)
		return (int)ready;

	w.min_complete = min_complete;
	/* The driver reads 0 as "no limit"; a negative timeout means that here. */
	w.timeout_ns = timeout_ns < 0 ? 0 : (uint64_t)timeout_ns;
	ret = dms__ioctl(ch, DMASTREAM_IOC_WAIT, &w);
	if (ret < 0)
		return ret;
	/* What is in the CQ now, seen through our own acquire load. */
	return (int)dms__cq_ready(&ch->cq);
}
