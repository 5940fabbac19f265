// SPDX-License-Identifier: MIT
/*
 * dmastream bench: throughput, transfers per second and latency over a list
 * of transfer sizes, each for a duration or a count. The benchmarks in
 * bench/ build on the same runs (and the same JSON).
 */
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "json.h"
#include "stream.h"
#include "targets.h"
#include "units.h"

#define MAX_SIZES 32

static int parse_sizes(const char *list, uint32_t *sizes, size_t *n)
{
	char copy[512], *tok, *save = NULL;
	uint64_t v;

	*n = 0;
	snprintf(copy, sizeof(copy), "%s", list);
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (*n == MAX_SIZES || parse_size(tok, &v) < 0 || v == 0 || v > UINT32_MAX)
			return -1;
		sizes[(*n)++] = (uint32_t)v;
	}
	return *n ? 0 : -1;
}

/* The worse of two outcomes: failures to run first, then data problems. */
static int worse(int a, int b)
{
	static const int order[] = {
		EXIT_OK, EXIT_VERIFY, EXIT_ENGINE, EXIT_TIMEOUT, EXIT_INTERRUPTED,
	};
	int ia = -1, ib = -1, i;

	for (i = 0; i < 5; i++) {
		if (order[i] == a)
			ia = i;
		if (order[i] == b)
			ib = i;
	}
	if (ia < 0)
		return a;
	if (ib < 0)
		return b;
	return ia >= ib ? a : b;
}

int cmd_bench(struct cli *c, int argc, char **argv)
{
	struct dms_channel *tx = NULL, *rx = NULL;
	struct stream_result *res = NULL;
	uint32_t sizes[MAX_SIZES];
	struct stream_opts o, run;
	size_t n = 0, i, done = 0;
	int ret, code = EXIT_OK;
	char err[160], a[32], b[32], d[32], e[32], f[32];
	struct target t;
	struct json j;

	ret = stream_parse(argc, argv, STREAM_BENCH, &o, err, sizeof(err));
	c->json = o.json;
	c->quiet = o.quiet;
	if (ret)
		return cli_fail(c, ret, "%s", err);
	if (o.help) {
		stream_usage(c->out, STREAM_BENCH);
		return EXIT_OK;
	}
	if (o.count)
		o.duration_ns = 0;
	if (parse_sizes(o.sizes, sizes, &n) < 0)
		return cli_fail(c, EXIT_USAGE, "bad --sizes '%s' (e.g. 4K,64K,1M)", o.sizes);
	for (i = 0; i < n; i++)
		if (o.pattern != DMS_PATTERN_NONE && sizes[i] < DMS_PKT_HEADER_SIZE)
			return cli_fail(c, EXIT_USAGE, "with a pattern, sizes start at 32 bytes");
	if (parse_target(o.target, &t) < 0)
		return cli_fail(c, EXIT_USAGE, "not a device or channel name: %s", o.target);
	ret = open_targets(c, &o, &t, &tx, &rx);
	if (ret)
		return ret;
	res = calloc(n, sizeof(*res));
	if (!res) {
		ret = cli_fail(c, EXIT_FAIL, "out of memory");
		goto out;
	}

	if (!c->json && !c->quiet)
		fprintf(c->out, "%10s %12s %10s %10s %10s %10s %8s %8s\n", "SIZE", "RATE",
			"XFER/S", "P50", "P99", "MAX", "ERRORS", "VERIFY");
	for (i = 0; i < n; i++) {
		run = o;
		run.size = sizes[i];
		ret = stream_run(&run, tx, rx, -1, -1, c->err, &res[i]);
		if (ret < 0) {
			ret = stream_setup_failed(c, &run, ret);
			goto out;
		}
		done++;
		code = worse(code, stream_exit_code(&run, &res[i]));
		if (!c->json && !c->quiet) {
			const struct dms_pipeline_stats *st = &res[i].st;
			double s = (double)st->elapsed_ns / 1e9;

			fprintf(c->out, "%10s %12s %10s %10s %10s %10s %8llu %8llu\n",
				format_size(sizes[i], a, sizeof(a)),
				format_rate(s > 0 ? (double)st->bytes / s : 0, b, sizeof(b)),
				format_count(s > 0 ? (double)st->transfers / s : 0, d, sizeof(d)),
				format_duration(st->latency.p50_ns, e, sizeof(e)),
				format_duration(st->latency.p99_ns, f, sizeof(f)),
				format_duration(st->latency.max_ns, a, sizeof(a)),
				(unsigned long long)st->errors,
				(unsigned long long)st->verify_errors);
			fflush(c->out);
		}
		if (res[i].interrupted)
			break;
	}
	if (c->json) {
		json_init(&j, c->out);
		json_begin_object(&j, NULL);
		json_string(&j, "command", "bench");
		json_string(&j, "target", o.target);
		json_begin_array(&j, "results");
		for (i = 0; i < done; i++) {
			run = o;
			run.size = sizes[i];
			json_begin_object(&j, NULL);
			stream_json_members(&j, &run, &res[i]);
			json_end_object(&j);
		}
		json_end_array(&j);
		json_string(&j, "status", exit_class(code));
		json_int(&j, "exit_code", code);
		json_end_object(&j);
	}
	ret = code;
out:
	free(res);
	dms_channel_close(tx);
	dms_channel_close(rx);
	return ret;
}
