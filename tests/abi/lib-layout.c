// SPDX-License-Identifier: MIT
/*
 * The layout of libdmastream's public structures, one line per field:
 * "struct field offset size", then each structure's size. Built against
 * the headers of a kept release and against the tree's; lib-layout-VERSION
 * compares the two outputs: a later release may only take reserved space.
 * The fields are those of release 0.2; a field added later is checked from
 * the release that adds it (a new copy in tests/abi/released/).
 */
#include <stddef.h>
#include <stdio.h>

#include <libdmastream.h>

#define FIELD(s, f) printf("%s %s %zu %zu\n", #s, #f, offsetof(struct s, f), sizeof(((struct s *)0)->f))
#define FIELD_AS(s, f, label) printf("%s %s %zu %zu\n", #s, label, offsetof(struct s, f), \
					   sizeof(((struct s *)0)->f))
#define SIZE(s) printf("%s sizeof %zu\n", #s, sizeof(struct s))

int main(void)
{
	FIELD(dms_pkt_header, magic);
	FIELD(dms_pkt_header, version);
	FIELD(dms_pkt_header, pattern);
	FIELD(dms_pkt_header, flags);
	FIELD(dms_pkt_header, seq);
	FIELD(dms_pkt_header, length);
	FIELD(dms_pkt_header, stream);
	FIELD(dms_pkt_header, reserved);
	FIELD(dms_pkt_header, check);
	SIZE(dms_pkt_header);
	FIELD(dms_pkt_result, fault);
	FIELD(dms_pkt_result, hdr);
	FIELD(dms_pkt_result, bad_offset);
	FIELD(dms_pkt_result, reserved);
	SIZE(dms_pkt_result);
	FIELD(dms_verify_stats, packets);
	FIELD(dms_verify_stats, good);
	FIELD(dms_verify_stats, bytes);
	FIELD(dms_verify_stats, corrupt);
	FIELD(dms_verify_stats, bad_length);
	FIELD(dms_verify_stats, dropped);
	FIELD(dms_verify_stats, excused);
	FIELD(dms_verify_stats, duplicates);
	FIELD(dms_verify_stats, reordered);
	FIELD(dms_verify_stats, wrong_stream);
	FIELD(dms_verify_stats, gaps);
	FIELD(dms_verify_stats, next_seq);
	FIELD(dms_verify_stats, errors);
	FIELD(dms_verify_stats, reserved);
	SIZE(dms_verify_stats);
	FIELD(dms_pipeline_params, size);
	FIELD(dms_pipeline_params, depth);
	FIELD(dms_pipeline_params, buffers);
	FIELD(dms_pipeline_params, batch);
	FIELD(dms_pipeline_params, count);
	FIELD(dms_pipeline_params, xfer_timeout_ms);
	FIELD(dms_pipeline_params, idle_timeout_ms);
	FIELD(dms_pipeline_params, drain_ms);
	FIELD(dms_pipeline_params, pattern);
	FIELD(dms_pipeline_params, verify);
	FIELD(dms_pipeline_params, stream);
	FIELD(dms_pipeline_params, verify_flags);
	/* The reserved word that 0.4 named ring_flags: one label for both. */
#if DMS_VERSION >= DMS_VERSION_CODE(0, 4, 0)
	FIELD_AS(dms_pipeline_params, ring_flags, "reserved32|ring_flags");
#else
	FIELD_AS(dms_pipeline_params, reserved32, "reserved32|ring_flags");
#endif
	/*
	 * 0.7 took the first 8 bytes of the reserved space for memory and
	 * reserved32: the same words under one label in every release.
	 */
#if DMS_VERSION >= DMS_VERSION_CODE(0, 7, 0)
	FIELD_AS(dms_pipeline_params, memory, "memory|reserved[0]");
	FIELD_AS(dms_pipeline_params, reserved32, "reserved32|reserved[0]");
	FIELD_AS(dms_pipeline_params, reserved, "reserved|reserved[1..]");
#else
	printf("dms_pipeline_params memory|reserved[0] %zu 4\n",
	       offsetof(struct dms_pipeline_params, reserved));
	printf("dms_pipeline_params reserved32|reserved[0] %zu 4\n",
	       offsetof(struct dms_pipeline_params, reserved) + 4);
	printf("dms_pipeline_params reserved|reserved[1..] %zu %zu\n",
	       offsetof(struct dms_pipeline_params, reserved) + 8,
	       sizeof(((struct dms_pipeline_params *)0)->reserved) - 8);
#endif
	SIZE(dms_pipeline_params);
	FIELD(dms_latency, samples);
	FIELD(dms_latency, min_ns);
	FIELD(dms_latency, max_ns);
	FIELD(dms_latency, mean_ns);
	FIELD(dms_latency, p50_ns);
	FIELD(dms_latency, p99_ns);
	FIELD(dms_latency, p999_ns);
	SIZE(dms_latency);
	FIELD(dms_pipeline_stats, mode);
	FIELD(dms_pipeline_stats, depth);
	FIELD(dms_pipeline_stats, buffers);
	FIELD(dms_pipeline_stats, transfers);
	FIELD(dms_pipeline_stats, bytes);
	FIELD(dms_pipeline_stats, tx_submitted);
	FIELD(dms_pipeline_stats, tx_completed);
	FIELD(dms_pipeline_stats, tx_bytes);
	FIELD(dms_pipeline_stats, rx_submitted);
	FIELD(dms_pipeline_stats, rx_completed);
	FIELD(dms_pipeline_stats, rx_bytes);
	FIELD(dms_pipeline_stats, errors);
	FIELD(dms_pipeline_stats, read_errors);
	FIELD(dms_pipeline_stats, write_errors);
	FIELD(dms_pipeline_stats, engine_aborts);
	FIELD(dms_pipeline_stats, timeouts);
	FIELD(dms_pipeline_stats, aborted);
	FIELD(dms_pipeline_stats, short_xfers);
	FIELD(dms_pipeline_stats, backpressure);
	FIELD(dms_pipeline_stats, rx_queue_empty);
	FIELD(dms_pipeline_stats, sink_stalls);
	FIELD(dms_pipeline_stats, undelivered);
	FIELD(dms_pipeline_stats, verify_errors);
	FIELD(dms_pipeline_stats, verify);
	FIELD(dms_pipeline_stats, latency);
	FIELD(dms_pipeline_stats, elapsed_ns);
	FIELD(dms_pipeline_stats, error);
	FIELD(dms_pipeline_stats, reserved32);
	FIELD(dms_pipeline_stats, reserved);
	SIZE(dms_pipeline_stats);
	return 0;
}
