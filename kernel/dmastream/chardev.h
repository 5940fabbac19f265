/* SPDX-License-Identifier: GPL-2.0-only */
/* The character device of a channel (chardev.c). */
#ifndef DMASTREAM_CHARDEV_H
#define DMASTREAM_CHARDEV_H

#include <linux/fs.h>

extern const struct file_operations dmastream_fops;

#endif /* DMASTREAM_CHARDEV_H */
