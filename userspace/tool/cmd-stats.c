// SPDX-License-Identifier: MIT
/*
 * dmastream stats: a channel's counters, once or every interval (--watch),
 * from sysfs (no access to the device needed) or else from the driver.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "devices.h"
#include "help.h"
#include "json.h"
#include "libdmastream.h"
#include "units.h"

#define STAT(name) { #name, offsetof(struct dmastream_stats, name) }

/* The counters, named as their sysfs files (docs/devices.md). */
static const struct {
	const char *name;
	size_t off;
} stat_fields[] = {
	STAT(submitted), STAT(completed), STAT(bytes), STAT(batches),
	STAT(read_errors), STAT(write_errors), STAT(engine_aborts), STAT(timeouts),
	STAT(aborted), STAT(short_xfers), STAT(inflight), STAT(inflight_max),
	STAT(rx_queue_empty), STAT(cq_overflows), STAT(channel_stops), STAT(sticky_errors),
	STAT(engine_full), STAT(late_callbacks),
};

#define NFIELDS (sizeof(stat_fields) / sizeof(stat_fields[0]))

static uint64_t *field(struct dmastream_stats *st, size_t i)
{
	return (uint64_t *)((char *)st + stat_fields[i].off);
}

static int read_stats(const struct chan_entry *e, struct dmastream_stats *st)
{
	char p[PATH_LEN + 64], buf[32];
	struct dms_channel *ch;
	size_t i;
	int ret;

	memset(st, 0, sizeof(*st));
	if (e->sysfs[0]) {
		for (i = 0; i < NFIELDS; i++) {
			snprintf(p, sizeof(p), "%s/stats/%s", e->sysfs, stat_fields[i].name);
			if (read_attr(p, buf, sizeof(buf)) < 0)
				break;
			*field(st, i) = strtoull(buf, NULL, 10);
		}
		if (i == NFIELDS)
			return 0;
	}
	ret = dms_channel_open(e->node, DMS_OPEN_READONLY, &ch);
	if (ret < 0)
		return ret;
	ret = dms_get_stats(ch, st);
	dms_channel_close(ch);
	return ret;
}

/* RESET_STATS: any file opened for reading and writing, also while another streams. */
static int reset_stats(struct cli *c, const struct chan_entry *e)
{
	struct dms_channel *ch;
	int ret;

	/* Opening it for writing would make us its owner, and its ABI has no RESET_STATS. */
	if (!strcmp(e->abi, ABI_DMA_PROXY))
		return cli_fail(c, EXIT_USAGE,
				"%s/%s is a DMA Proxy channel: its counters cannot be reset",
				e->device, e->label);
	ret = open_channel(c, e->node, 0, &ch);
	if (ret)
		return ret;
	ret = dms_reset_stats(ch);
	dms_channel_close(ch);
	if (ret < 0)
		return cli_fail_errno(c, ret, "cannot reset the counters of %s/%s", e->device,
				      e->label);
	return EXIT_OK;
}

static void print_once(struct cli *c, struct json *j, const struct chan_entry *e,
		       struct dmastream_stats *st)
{
	char name[2 * NAME_LEN], sz[32];
	size_t i;

	snprintf(name, sizeof(name), "%s/%s", e->device, e->label);
	if (c->json) {
		json_begin_object(j, NULL);
		json_string(j, "name", name);
		json_begin_object(j, "stats");
		for (i = 0; i < NFIELDS; i++)
			json_uint(j, stat_fields[i].name, *field(st, i));
		json_end_object(j);
		json_end_object(j);
		return;
	}
	fprintf(c->out, "%s\n", name);
	for (i = 0; i < NFIELDS; i++) {
		if (!strcmp(stat_fields[i].name, "bytes"))
			fprintf(c->out, "  %-16s %llu (%s)\n", "bytes", (unsigned long long)st->bytes,
				format_size(st->bytes, sz, sizeof(sz)));
		else
			fprintf(c->out, "  %-16s %llu\n", stat_fields[i].name,
				(unsigned long long)*field(st, i));
	}
}

static volatile sig_atomic_t stop_watch;

static void on_signal(int sig)
{
	(void)sig;
	stop_watch = 1;
}

static uint64_t errors_of(const struct dmastream_stats *st)
{
	return st->read_errors + st->write_errors + st->engine_aborts + st->timeouts;
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One line (or JSON object) per channel per interval, with rates. */
static int watch(struct cli *c, struct chan_entry *v, size_t n, uint64_t interval_ns,
		 uint64_t samples)
{
	struct dmastream_stats *prev = calloc(n, sizeof(*prev)), cur;
	double *when = calloc(n, sizeof(*when));
	struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term;
	struct timespec ts = {
		.tv_sec = (time_t)(interval_ns / 1000000000ull),
		.tv_nsec = (long)(interval_ns % 1000000000ull),
	};
	char name[2 * NAME_LEN], rate[32], xps[32];
	double t0 = mono_s(), t, dt;
	uint64_t k;
	struct json j;
	size_t i;
	int ret;

	if (!prev || !when) {
		free(prev);
		free(when);
		return cli_fail(c, EXIT_FAIL, "out of memory");
	}
	for (i = 0; i < n; i++) {
		ret = read_stats(&v[i], &prev[i]);
		when[i] = mono_s();
		if (ret < 0) {
			free(prev);
			free(when);
			return cli_fail_errno(c, ret, "cannot read the counters of %s/%s",
					      v[i].device, v[i].label);
		}
	}
	stop_watch = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	json_init(&j, c->out);
	if (!c->json && !c->quiet)
		fprintf(c->out, "%8s %-20s %10s %12s %8s %7s %9s\n", "TIME", "CHANNEL", "XFER/S",
			"RATE", "INFLIGHT", "ERRORS", "RX-EMPTY");
	for (k = 0; !stop_watch && (!samples || k < samples); k++) {
		/* nanosleep returns early on the signal; the loop ends then. */
		nanosleep(&ts, NULL);
		for (i = 0; i < n; i++) {
			if (read_stats(&v[i], &cur) < 0)
				continue;
			/*
			 * Rates over the time that really passed since this
			 * channel's last sample: a short sleep (a signal) or a
			 * late wake-up (a loaded machine, a failed read) would
			 * make the nominal interval lie.
			 */
			t = mono_s();
			dt = t - when[i];
			when[i] = t;
			if (dt <= 0)
				dt = 1e-9;
			snprintf(name, sizeof(name), "%s/%s", v[i].device, v[i].label);
			if (c->json) {
				json_begin_object(&j, NULL);
				json_double(&j, "time", t - t0);
				json_string(&j, "name", name);
				json_double(&j, "transfers_per_second",
					    (double)(cur.completed - prev[i].completed) / dt);
				json_double(&j, "bytes_per_second",
					    (double)(cur.bytes - prev[i].bytes) / dt);
				json_begin_object(&j, "stats");
				for (size_t f = 0; f < NFIELDS; f++)
					json_uint(&j, stat_fields[f].name, *field(&cur, f));
				json_end_object(&j);
				json_end_object(&j);
			} else if (!c->quiet) {
				fprintf(c->out, "%8.1f %-20s %10s %12s %8llu %7llu %9llu\n", t - t0, name,
					format_count((double)(cur.completed - prev[i].completed) / dt,
						     xps, sizeof(xps)),
					format_rate((double)(cur.bytes - prev[i].bytes) / dt, rate,
						    sizeof(rate)),
					(unsigned long long)cur.inflight,
					(unsigned long long)(errors_of(&cur) - errors_of(&prev[i])),
					(unsigned long long)(cur.rx_queue_empty - prev[i].rx_queue_empty));
				fflush(c->out);
			}
			prev[i] = cur;
		}
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	free(prev);
	free(when);
	return EXIT_OK;
}

enum { OPT_WATCH = 256, OPT_RESET, OPT_JSON };

const struct option stats_options[] = {
	{ "watch", optional_argument, NULL, OPT_WATCH },
	{ "count", required_argument, NULL, 'n' },
	{ "reset", no_argument, NULL, OPT_RESET },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int cmd_stats(struct cli *c, int argc, char **argv)
{
	uint64_t interval = 0, samples = 0;
	struct chan_entry *v = NULL, one;
	struct dmastream_stats *st = NULL;
	bool reset = false;
	struct target t;
	struct json j;
	size_t n = 0, i;
	int opt, ret = EXIT_OK;

	optind = 0;	/* a fresh parse, also when called more than once */
	while ((opt = getopt_long(argc, argv, "n:qh", stats_options, NULL)) != -1) {
		switch (opt) {
		case OPT_WATCH:
			interval = 1000000000ull;
			if (optarg && (parse_duration_ns(optarg, &interval) < 0 ||
				       interval < 10000000))
				return cli_fail(c, EXIT_USAGE, "bad interval '%s' (>= 10ms)", optarg);
			break;
		case 'n':
			if (parse_count(optarg, &samples) < 0 || !samples)
				return cli_fail(c, EXIT_USAGE, "bad count '%s'", optarg);
			break;
		case OPT_RESET:
			reset = true;
			break;
		case OPT_JSON:
			c->json = true;
			break;
		case 'q':
			c->quiet = true;
			break;
		case 'h':
			help_print(c->out, "stats");
			return EXIT_OK;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc)
		return cli_fail(c, EXIT_USAGE, "give one device or channel");
	if (samples && !interval)
		return cli_fail(c, EXIT_USAGE, "--count goes with --watch");
	if (parse_target(argv[optind], &t) < 0 || !t.device[0])
		return cli_fail(c, EXIT_USAGE, "not a device or channel name: %s", argv[optind]);
	if (t.label[0]) {
		if (channel_entry(&t, &one) < 0) {
			memset(&one, 0, sizeof(one));
			snprintf(one.device, sizeof(one.device), "%s", t.device);
			snprintf(one.label, sizeof(one.label), "%s", t.label);
			if (!path_exists(t.path))
				return missing_target(c, &t);
		}
		snprintf(one.node, sizeof(one.node), "%s", t.path);
		v = &one;
		n = 1;
	} else if (device_channels(t.device, &v, &n) < 0 || !n) {
		return missing_target(c, &t);
	}

	for (i = 0; i < n && reset && !ret; i++)
		ret = reset_stats(c, &v[i]);
	if (!ret && interval) {
		ret = watch(c, v, n, interval, samples);
	} else if (!ret) {
		/* Every channel read before anything is printed: a failure is then
		 * the only output, and with --json one well-formed object. */
		st = calloc(n, sizeof(*st));
		if (!st)
			ret = cli_fail(c, EXIT_FAIL, "out of memory");
		for (i = 0; i < n && !ret; i++) {
			int err = read_stats(&v[i], &st[i]);

			if (err < 0)
				ret = open_error(c, v[i].node, err);
		}
		if (!ret && c->json) {
			json_init(&j, c->out);
			json_begin_object(&j, NULL);
			json_begin_array(&j, "channels");
		}
		for (i = 0; i < n && !ret; i++)
			if (c->json || !c->quiet)
				print_once(c, &j, &v[i], &st[i]);
		if (c->json && !ret) {
			json_end_array(&j);
			json_end_object(&j);
		}
		free(st);
	}
	if (v != &one)
		free(v);
	return ret;
}
