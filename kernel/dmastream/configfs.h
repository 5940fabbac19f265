/* SPDX-License-Identifier: GPL-2.0-only */
/* Devices created at run time through configfs (configfs.c). */
#ifndef DMASTREAM_CONFIGFS_H
#define DMASTREAM_CONFIGFS_H

int dmastream_configfs_init(void);
void dmastream_configfs_exit(void);

#endif /* DMASTREAM_CONFIGFS_H */
