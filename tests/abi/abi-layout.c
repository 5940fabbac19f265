// SPDX-License-Identifier: MIT
/*
 * The uapi's layout, checked field by field against the values the ABI
 * promises (docs/abi.md). Built natively and, where gcc-multilib exists,
 * with -m32: both builds must agree, so a 32-bit program can use the 64-bit
 * kernel's ioctls unchanged. A change here is an ABI break.
 */
#include <stddef.h>
#include <stdio.h>

#include <linux/dmastream.h>

struct expect {
	const char *what;
	size_t got;
	size_t want;
};

#define SIZE(type, want)	{ "sizeof(" #type ")", sizeof(type), want }
#define OFF(type, field, want)	{ #type "." #field, offsetof(type, field), want }

static const struct expect expects[] = {
	SIZE(struct dmastream_caps, 96),
	OFF(struct dmastream_caps, max_ring_bytes, 48),
	OFF(struct dmastream_caps, max_cq_entries, 56),
	SIZE(struct dmastream_info, 192),
	OFF(struct dmastream_info, state, 128),
	OFF(struct dmastream_info, error_threshold, 156),
	SIZE(struct dmastream_cq_offsets, 32),
	SIZE(struct dmastream_ring, 112),
	OFF(struct dmastream_ring, buf_offset, 16),
	OFF(struct dmastream_ring, buf_stride, 24),
	OFF(struct dmastream_ring, cq_offset, 32),
	OFF(struct dmastream_ring, cq_size, 40),
	OFF(struct dmastream_ring, cq, 48),
	OFF(struct dmastream_ring, reserved, 80),
	SIZE(struct dmastream_cqe, 48),
	OFF(struct dmastream_cqe, seq, 8),
	OFF(struct dmastream_cqe, t_submit_ns, 16),
	OFF(struct dmastream_cqe, t_complete_ns, 24),
	OFF(struct dmastream_cqe, bytes, 32),
	OFF(struct dmastream_cqe, status, 36),
	SIZE(struct dmastream_seg, 16),
	SIZE(struct dmastream_xfer, 40),
	OFF(struct dmastream_xfer, seg_first, 8),
	OFF(struct dmastream_xfer, timeout_ms, 28),
	OFF(struct dmastream_xfer, reserved, 32),
	SIZE(struct dmastream_submit, 48),
	OFF(struct dmastream_submit, segs, 8),
	OFF(struct dmastream_submit, nxfers, 16),
	OFF(struct dmastream_submit, bad_index, 28),
	OFF(struct dmastream_submit, reserved, 32),
	SIZE(struct dmastream_wait, 32),
	OFF(struct dmastream_wait, timeout_ns, 8),
	OFF(struct dmastream_wait, available, 16),
	SIZE(struct dmastream_eventfd, 8),
	SIZE(struct dmastream_config, 32),
	OFF(struct dmastream_config, wake_min, 12),
	OFF(struct dmastream_info, wake_min, 160),
	OFF(struct dmastream_caps, max_cached_buffer_size, 60),
	OFF(struct dmastream_caps, cached_align, 64),
	OFF(struct dmastream_info, ring_flags, 164),
	SIZE(struct dmastream_stats, 192),
	OFF(struct dmastream_stats, sticky_errors, 120),
	OFF(struct dmastream_stats, engine_full, 128),
	OFF(struct dmastream_stats, late_callbacks, 136),
	SIZE(struct dmastream_export, 16),
	OFF(struct dmastream_export, fd, 8),
	OFF(struct dmastream_export, reserved, 12),
	OFF(struct dmastream_caps, max_imports, 68),
	SIZE(struct dmastream_import, 40),
	OFF(struct dmastream_import, buffer, 8),
	OFF(struct dmastream_import, size, 16),
	OFF(struct dmastream_import, reserved, 24),
	SIZE(struct dmastream_user_mem, 48),
	OFF(struct dmastream_user_mem, len, 8),
	OFF(struct dmastream_user_mem, flags, 16),
	OFF(struct dmastream_user_mem, buffer, 20),
	OFF(struct dmastream_user_mem, runs, 24),
	OFF(struct dmastream_user_mem, reserved, 28),
	/* The ioctl numbers encode the sizes: the same numbers on every ABI. */
	{ "DMASTREAM_IOC_SUBMIT", DMASTREAM_IOC_SUBMIT, 0xc030d504 },
	{ "DMASTREAM_IOC_SET_RING", DMASTREAM_IOC_SET_RING, 0xc070d503 },
	{ "DMASTREAM_IOC_WAIT", DMASTREAM_IOC_WAIT, 0xc020d505 },
	{ "DMASTREAM_IOC_GET_STATS", DMASTREAM_IOC_GET_STATS, 0x80c0d502 },
	{ "DMASTREAM_IOC_EXPORT_BUF", DMASTREAM_IOC_EXPORT_BUF, 0xc010d50b },
	{ "DMASTREAM_IOC_IMPORT_BUF", DMASTREAM_IOC_IMPORT_BUF, 0xc028d50c },
	{ "DMASTREAM_IOC_RELEASE_BUF", DMASTREAM_IOC_RELEASE_BUF, 0x4004d50d },
	{ "DMASTREAM_IOC_REGISTER_MEM", DMASTREAM_IOC_REGISTER_MEM, 0xc030d50e },
};

int main(void)
{
	int bad = 0;

	for (size_t i = 0; i < sizeof(expects) / sizeof(expects[0]); i++) {
		if (expects[i].got != expects[i].want) {
			printf("FAIL %s: %zu (%#zx), expected %zu (%#zx)\n", expects[i].what,
			       expects[i].got, expects[i].got, expects[i].want, expects[i].want);
			bad++;
		}
	}
	printf("abi-layout (%zu-bit): %s\n", sizeof(void *) * 8, bad ? "FAIL" : "pass");
	return bad ? 1 : 0;
}
