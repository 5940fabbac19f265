/* SPDX-License-Identifier: GPL-2.0 */
/* dmasim: run-time control and counters in debugfs (debugfs.c). */
#ifndef DMASIM_DEBUGFS_H
#define DMASIM_DEBUGFS_H

#include "dmasim.h"

void dmasim_debugfs_init(void);
void dmasim_debugfs_exit(void);
void dmasim_debugfs_add(struct dmasim_engine *eng);
void dmasim_debugfs_remove(struct dmasim_engine *eng);

#endif /* DMASIM_DEBUGFS_H */
