// SPDX-License-Identifier: MIT
/*
 * The memcpy channel: random source and destination scatter-gather lists
 * of equal total length, several transfers per batch. The destination must
 * hold the source's bytes in order; bytes around it must be untouched.
 */
#include <sys/ioctl.h>

#include "dstest.h"

#define NBUF	8
#define BUFSZ	(256U << 10)

/* Cut `len` bytes of buffer `buf` starting at `off` into 1..4 segments. */
static uint32_t cut(struct dmastream_seg *s, uint32_t buf, uint32_t off, uint32_t len,
		    uint32_t align)
{
	uint32_t n = 0, left = len;

	while (left) {
		uint32_t piece = left;

		if (n < 3 && left > 2 * align)
			piece = align * (1 + t_rand() % (left / align - 1));
		s[n++] = (struct dmastream_seg){ .buf = buf, .offset = off, .len = piece };
		off += piece;
		left -= piece;
	}
	return n;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 100;
	struct tchan c;
	uint32_t align;

	t_start("memcpy");
	t_setup(&c, "memcpy", NBUF, BUFSZ, 0);
	align = c.caps.len_align > c.caps.addr_align ? c.caps.len_align : c.caps.addr_align;
	T_CHECK(c.caps.direction == DMASTREAM_DIR_MEMCPY, "direction %u", c.caps.direction);

	for (int r = 0; r < rounds && !t_failures; r++) {
		int nx = 1 + t_rand() % 4;
		struct dmastream_seg s[4 * 8];
		struct dmastream_xfer x[4];
		struct dmastream_cqe cqe[4];
		uint32_t len[4], soff[4], doff[4], ns = 0;
		int rc;

		/* Transfer k copies from buffer k to buffer 4 + k. */
		for (int k = 0; k < nx; k++) {
			len[k] = align * (1 + t_rand() % ((BUFSZ / 2) / align));
			soff[k] = align * (t_rand() % ((BUFSZ - len[k]) / align + 1));
			doff[k] = align * (t_rand() % ((BUFSZ - len[k]) / align + 1));
			t_fill(c.bufs[k] + soff[k], len[k], r * 8 + k);
			memset(c.bufs[4 + k], 0xee, BUFSZ);
			x[k] = (struct dmastream_xfer){ .cookie = r * 8 + k, .seg_first = ns };
			x[k].nsegs = cut(&s[ns], k, soff[k], len[k], align);
			ns += x[k].nsegs;
			x[k].dst_seg_first = ns;
			x[k].dst_nsegs = cut(&s[ns], 4 + k, doff[k], len[k], align);
			ns += x[k].dst_nsegs;
		}
		rc = t_submit(&c, x, nx, s, ns, NULL);
		T_ASSERT(rc == nx, "round %d: submit %d", r, rc);
		rc = t_collect(&c, cqe, nx, 30000);
		T_ASSERT(!rc, "round %d: collect %d", r, rc);
		for (int k = 0; k < nx; k++) {
			size_t bad = 0;

			T_CHECK(cqe[k].status == DMASTREAM_STATUS_OK && cqe[k].bytes == len[k] &&
				cqe[k].cookie == (uint64_t)(r * 8 + k),
				"round %d transfer %d: status %u bytes %u of %u", r, k, cqe[k].status,
				cqe[k].bytes, len[k]);
			T_CHECK(t_check_fill(c.bufs[4 + k] + doff[k], len[k], r * 8 + k, &bad),
				"round %d transfer %d: byte %zu differs", r, k, bad);
			T_CHECK((doff[k] == 0 || c.bufs[4 + k][doff[k] - 1] == 0xee) &&
				(doff[k] + len[k] == BUFSZ || c.bufs[4 + k][doff[k] + len[k]] == 0xee),
				"round %d transfer %d: wrote outside its destination", r, k);
		}
	}
	t_teardown(&c);
	return t_report();
}
