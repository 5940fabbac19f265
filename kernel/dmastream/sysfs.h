/* SPDX-License-Identifier: GPL-2.0-only */
/* sysfs attributes of a channel (sysfs.c). */
#ifndef DMASTREAM_SYSFS_H
#define DMASTREAM_SYSFS_H

#include <linux/sysfs.h>

extern const struct attribute_group *dmastream_chan_groups[];
void dmastream_sysfs_init(void);

#endif /* DMASTREAM_SYSFS_H */
