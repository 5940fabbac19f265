/* SPDX-License-Identifier: GPL-2.0-only */
/* The caller's own memory as a buffer of a ring (import_user.c). */
#ifndef DMASTREAM_IMPORT_USER_H
#define DMASTREAM_IMPORT_USER_H

#include "dmastream.h"

int dmastream_register_mem(struct dmastream_chan *chan, struct file *file, void __user *uarg);

#endif /* DMASTREAM_IMPORT_USER_H */
