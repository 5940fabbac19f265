/* SPDX-License-Identifier: MIT */
/* Choosing and opening the channels a streaming command works on. */
#ifndef DMS_TOOL_TARGETS_H
#define DMS_TOOL_TARGETS_H

#include "devices.h"
#include "stream.h"

/*
 * rx: a channel, or the first rx... channel of a device; tx likewise;
 * loop: a device's tx... and rx... channels (or --tx/--rx), or failing
 * those a memcpy channel, given or the device's first mem...; bench: a
 * device as loop does, or any one channel by its direction. Returns
 * EXIT_OK or the failure's exit code (reported).
 */
int open_targets(struct cli *c, const struct stream_opts *o, const struct target *t,
		 struct dms_channel **tx, struct dms_channel **rx);

#endif /* DMS_TOOL_TARGETS_H */
