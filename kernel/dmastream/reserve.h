/* SPDX-License-Identifier: GPL-2.0-only */
/* Byte-range reservations of transfers in flight (reserve.c). */
#ifndef DMASTREAM_RESERVE_H
#define DMASTREAM_RESERVE_H

#include "dmastream.h"

int dmastream_reserve(struct dmastream_kring *ring, struct dmastream_req *req);
void dmastream_unreserve(struct dmastream_req *req);

#endif /* DMASTREAM_RESERVE_H */
