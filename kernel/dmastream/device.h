/* SPDX-License-Identifier: GPL-2.0-only */
/* dmastream devices and their channels (device.c). */
#ifndef DMASTREAM_DEVICE_H
#define DMASTREAM_DEVICE_H

#include <linux/platform_device.h>

#include "dmastream.h"

extern struct platform_driver dmastream_platform_driver;
bool dmastream_valid_name(const char *s);
struct dmastream_chan_spec *dmastream_spec_find(struct dmastream_chan_spec *specs,
						unsigned int n, const char *label);
struct dmastream_device *dmastream_device_create(struct device *dev, const char *name,
						 const struct dmastream_chan_spec *specs,
						 unsigned int n, bool reclaim);
void dmastream_device_destroy(struct dmastream_device *sdev);

#endif /* DMASTREAM_DEVICE_H */
