// SPDX-License-Identifier: MIT
/* Running and reporting rx, tx, loop and bench (stream.h). */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "help.h"
#include "json.h"
#include "stream.h"
#include "units.h"

#define PROGRESS_NS	500000000ull
#define STEP_MS		100

enum {
	OPT_BUFFERS = 256, OPT_BATCH, OPT_BYTES, OPT_TIMEOUT, OPT_XFER_TIMEOUT, OPT_PATTERN,
	OPT_VERIFY, OPT_NO_VERIFY, OPT_STREAM, OPT_CONNECT, OPT_TX, OPT_RX, OPT_SIZES, OPT_JSON,
	OPT_SINK_DELAY, OPT_FORMAT, OPT_MEMORY,
};

const struct option stream_options[] = {
	{ "size", required_argument, NULL, 's' },
	{ "depth", required_argument, NULL, 'd' },
	{ "buffers", required_argument, NULL, OPT_BUFFERS },
	{ "memory", required_argument, NULL, OPT_MEMORY },
	{ "batch", required_argument, NULL, OPT_BATCH },
	{ "count", required_argument, NULL, 'n' },
	{ "bytes", required_argument, NULL, OPT_BYTES },
	{ "duration", required_argument, NULL, 't' },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "xfer-timeout", required_argument, NULL, OPT_XFER_TIMEOUT },
	{ "pattern", required_argument, NULL, OPT_PATTERN },
	{ "verify", optional_argument, NULL, OPT_VERIFY },
	{ "no-verify", no_argument, NULL, OPT_NO_VERIFY },
	{ "stream", required_argument, NULL, OPT_STREAM },
	{ "output", required_argument, NULL, 'o' },
	{ "connect", required_argument, NULL, OPT_CONNECT },
	{ "input", required_argument, NULL, 'i' },
	{ "tx", required_argument, NULL, OPT_TX },
	{ "rx", required_argument, NULL, OPT_RX },
	{ "sizes", required_argument, NULL, OPT_SIZES },
	{ "sink-delay", required_argument, NULL, OPT_SINK_DELAY },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const char *kind_name(enum stream_kind k)
{
	static const char *const names[] = { "rx", "tx", "loop", "bench" };

	return names[k];
}

void stream_usage(FILE *f, enum stream_kind kind)
{
	help_print(f, kind_name(kind));
}

static void defaults(struct stream_opts *o, enum stream_kind kind)
{
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	o->size = 64 * 1024;
	o->depth = 8;
	o->pattern = DMS_PATTERN_COUNTER;
	switch (kind) {
	case STREAM_LOOP:
		o->verify = DMS_CHECK_FULL;
		o->idle_timeout_ns = 10000000000ull;
		break;
	case STREAM_TX:
	case STREAM_BENCH:
		o->idle_timeout_ns = 10000000000ull;
		break;
	case STREAM_RX:
		/* An RX stream legitimately waits for data. */
		break;
	}
	if (kind == STREAM_BENCH) {
		o->sizes = "4K,64K,1M";
		o->duration_ns = 1000000000ull;
	}
}

static int bad(char *err, size_t len, const char *fmt, const char *arg)
{
	snprintf(err, len, fmt, arg);
	return EXIT_USAGE;
}

static int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v;

	if (parse_count(s, &v) < 0 || v < min || v > max)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

int stream_parse(int argc, char **argv, enum stream_kind kind, struct stream_opts *o,
		 char *err, size_t errlen)
{
	bool verify_given = false, pattern_given = false, count_given = false;
	bool size_given = false, sizes_given = false;
	uint64_t v;
	int opt;

	defaults(o, kind);
	optind = 0;	/* 0: GNU getopt starts over completely */
	while ((opt = getopt_long(argc, argv, "s:d:n:t:o:i:qh", stream_options, NULL)) != -1) {
		switch (opt) {
		case 's':
			if (parse_size(optarg, &v) < 0 || v == 0 || v > UINT32_MAX)
				return bad(err, errlen, "bad size '%s' (e.g. 4096, 64K, 1M)", optarg);
			o->size = (uint32_t)v;
			size_given = true;
			break;
		case 'd':
			if (parse_u32(optarg, 1, 65535, &o->depth) < 0)
				return bad(err, errlen, "bad depth '%s' (1 to 65535)", optarg);
			break;
		case OPT_BUFFERS:
			if (parse_u32(optarg, 1, 65535, &o->buffers) < 0)
				return bad(err, errlen, "bad buffer count '%s'", optarg);
			break;
		case OPT_MEMORY:
			o->ring_flags = 0;
			o->memory = DMS_MEMORY_RING;
			if (!strcmp(optarg, "cached"))
				o->ring_flags = DMS_RING_CACHED;
			else if (!strcmp(optarg, "user"))
				o->memory = DMS_MEMORY_USER;
			else if (!strcmp(optarg, "dmabuf"))
				o->memory = DMS_MEMORY_DMABUF;
			else if (strcmp(optarg, "coherent"))
				return bad(err, errlen,
					   "bad memory '%s' (coherent, cached, user, dmabuf)", optarg);
			break;
		case OPT_BATCH:
			if (parse_u32(optarg, 1, DMASTREAM_SUBMIT_MAX, &o->batch) < 0)
				return bad(err, errlen, "bad batch size '%s' (1 to 1024)", optarg);
			break;
		case 'n':
			if (parse_count(optarg, &o->count) < 0 || o->count == 0)
				return bad(err, errlen, "bad count '%s' (e.g. 1000, 10k, 1M)", optarg);
			count_given = true;
			break;
		case OPT_BYTES:
			if (parse_size(optarg, &o->bytes) < 0 || o->bytes == 0)
				return bad(err, errlen, "bad byte count '%s' (e.g. 1G)", optarg);
			break;
		case 't':
			if (parse_duration_ns(optarg, &o->duration_ns) < 0 || !o->duration_ns)
				return bad(err, errlen, "bad duration '%s' (e.g. 10s, 500ms, 2m)", optarg);
			break;
		case OPT_TIMEOUT:
			if (parse_duration_ns(optarg, &o->idle_timeout_ns) < 0)
				return bad(err, errlen, "bad timeout '%s' (e.g. 5s; 0 for none)", optarg);
			break;
		case OPT_XFER_TIMEOUT:
			if (parse_duration_ns(optarg, &v) < 0 || v / 1000000 > UINT32_MAX ||
			    (v && v < 1000000))
				return bad(err, errlen, "bad transfer timeout '%s' (>= 1ms)", optarg);
			o->xfer_timeout_ms = (uint32_t)(v / 1000000);
			break;
		case OPT_PATTERN:
			if (!strcmp(optarg, "counter"))
				o->pattern = DMS_PATTERN_COUNTER;
			else if (!strcmp(optarg, "prbs") || !strcmp(optarg, "prbs31"))
				o->pattern = DMS_PATTERN_PRBS31;
			else if (!strcmp(optarg, "none"))
				o->pattern = DMS_PATTERN_NONE;
			else
				return bad(err, errlen, "bad pattern '%s' (counter, prbs, none)", optarg);
			pattern_given = true;
			break;
		case OPT_VERIFY:
			if (!optarg || !strcmp(optarg, "full"))
				o->verify = DMS_CHECK_FULL;
			else if (!strcmp(optarg, "fast"))
				o->verify = DMS_CHECK_FAST;
			else
				return bad(err, errlen, "bad verify mode '%s' (fast, full)", optarg);
			verify_given = true;
			break;
		case OPT_NO_VERIFY:
			o->verify = DMS_CHECK_NONE;
			verify_given = true;
			break;
		case OPT_STREAM:
			if (parse_u32(optarg, 0, UINT32_MAX, &o->stream_id) < 0)
				return bad(err, errlen, "bad stream id '%s'", optarg);
			break;
		case 'o':
			o->output = optarg;
			break;
		case OPT_CONNECT:
			o->connect = optarg;
			break;
		case 'i':
			o->input = optarg;
			break;
		case OPT_TX:
			o->tx_label = optarg;
			break;
		case OPT_RX:
			o->rx_label = optarg;
			break;
		case OPT_SIZES:
			o->sizes = optarg;
			sizes_given = true;
			break;
		case OPT_SINK_DELAY:
			if (parse_duration_ns(optarg, &o->sink_delay_ns) < 0)
				return bad(err, errlen, "bad sink delay '%s' (e.g. 10ms)", optarg);
			break;
		case OPT_FORMAT:
			if (!strcmp(optarg, "dmasim"))
				o->dmasim_format = true;
			else if (strcmp(optarg, "dmastream"))
				return bad(err, errlen, "bad format '%s' (dmastream, dmasim)", optarg);
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'h':
			o->help = true;
			return EXIT_OK;
		default:
			snprintf(err, errlen, "unknown or incomplete option (see --help)");
			return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc)
		return bad(err, errlen, "give exactly one target (%s)",
			   kind == STREAM_LOOP ? "a device" : "a device or a channel");
	o->target = argv[optind];

	/* What only makes sense for some commands. */
	if ((o->output || o->connect) && kind != STREAM_RX)
		return bad(err, errlen, "--output and --connect are for %s", "rx");
	if (o->sink_delay_ns && kind != STREAM_RX)
		return bad(err, errlen, "--sink-delay is for %s", "rx");
	if (o->dmasim_format && kind != STREAM_RX)
		return bad(err, errlen, "--format is for %s", "rx");
	if (o->input && kind != STREAM_TX)
		return bad(err, errlen, "--input is for %s", "tx");
	if ((o->tx_label || o->rx_label) && kind != STREAM_LOOP && kind != STREAM_BENCH)
		return bad(err, errlen, "--tx and --rx are for %s", "loop and bench");
	if (sizes_given && kind != STREAM_BENCH)
		return bad(err, errlen, "--sizes is for %s", "bench");
	if ((size_given || o->bytes) && kind == STREAM_BENCH)
		return bad(err, errlen, "%s", "bench takes --sizes and --count, not --size or --bytes");
	if (pattern_given && kind == STREAM_RX)
		return bad(err, errlen, "%s", "rx receives; the sender picks the pattern");
	if (o->output && o->connect)
		return bad(err, errlen, "give %s, not both", "--output or --connect");
	if (o->output && !strcmp(o->output, "-") && o->json)
		return bad(err, errlen, "%s", "--json and --output - both want stdout");
	if (o->input && pattern_given)
		return bad(err, errlen, "give %s, not both", "--input or --pattern");
	if (o->bytes && count_given)
		return bad(err, errlen, "give %s, not both", "--count or --bytes");
	if (o->bytes)
		o->count = (o->bytes + o->size - 1) / o->size;
	if (kind == STREAM_TX && verify_given)
		return bad(err, errlen, "%s", "tx sends; verify on the receiving side");
	if (o->verify != DMS_CHECK_NONE && o->pattern == DMS_PATTERN_NONE && kind != STREAM_RX)
		return bad(err, errlen, "%s", "verification needs a pattern (counter or prbs)");
	if (o->pattern != DMS_PATTERN_NONE && !o->input && kind != STREAM_RX &&
	    o->size < DMS_PKT_HEADER_SIZE)
		return bad(err, errlen, "%s", "with a pattern, --size must be at least 32 bytes");
	return EXIT_OK;
}

/* ------------------------------------------------------------------------
 * Running
 */

static struct dms_pipeline *volatile running;
static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	(void)sig;
	got_signal = 1;
	if (running)
		dms_pipeline_stop(running);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void record_failure(void *arg, uint32_t direction, uint64_t index,
			   const struct dmastream_cqe *cqe)
{
	struct stream_result *r = arg;

	r->failures_total++;
	if (r->nfailures < STREAM_MAX_FAILURES)
		r->failures[r->nfailures++] = (struct stream_failure){
			.direction = direction, .status = cqe->status, .index = index,
			.seq = cqe->seq,
		};
}

/*
 * A deliberately slow sink (--sink-delay): each transfer is held for the
 * delay, without blocking the pipeline, which goes on reaping while the RX
 * queue runs dry; then written to the output, if any.
 */
struct slow_sink {
	int fd;
	uint64_t delay_ns;
	uint64_t ready_at;	/* 0: the current transfer's wait has not begun */
};

static int slow_sink_deliver(void *arg, const void *data, uint32_t len,
			     const struct dmastream_cqe *cqe)
{
	struct slow_sink *s = arg;
	const uint8_t *p = data;
	uint64_t now = now_ns();
	ssize_t n;

	(void)cqe;
	if (!s->ready_at)
		s->ready_at = now + s->delay_ns;
	if (now < s->ready_at)
		return -EAGAIN;
	s->ready_at = 0;
	while (s->fd >= 0 && len) {
		n = send(s->fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == ENOTSOCK)
			n = write(s->fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (uint32_t)n;
	}
	return 0;
}

struct progress {
	FILE *f;
	uint64_t start_ns, last_ns, last_bytes, last_xfers;
	bool shown;
};

/* "0:07", "12:34", "1:02:03". */
static void format_eta(double s, char *buf, size_t len)
{
	unsigned long long t = s > 0 ? (unsigned long long)(s + 0.5) : 0;

	if (t >= 3600)
		snprintf(buf, len, "%llu:%02llu:%02llu", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(buf, len, "%llu:%02llu", t / 60, t % 60);
}

void stream_progress_text(const struct stream_opts *o, const struct dms_pipeline_stats *st,
			  uint64_t elapsed_ns, double bytes_per_s, double xfers_per_s,
			  char *buf, size_t len)
{
	char total[32], rate[32], xps[32], eta[48] = "";
	double elapsed = (double)elapsed_ns / 1e9, done = -1, left = -1, l;

	/* Whichever limit comes first ends the run: the larger share done. */
	if (o->count) {
		done = (double)st->transfers / (double)o->count;
		if (st->transfers && elapsed > 0)
			left = (double)(o->count > st->transfers ? o->count - st->transfers : 0) *
			       elapsed / (double)st->transfers;
	}
	if (o->duration_ns) {
		l = (double)(o->duration_ns > elapsed_ns ? o->duration_ns - elapsed_ns : 0) / 1e9;
		if (elapsed / ((double)o->duration_ns / 1e9) > done)
			done = elapsed / ((double)o->duration_ns / 1e9);
		if (left < 0 || l < left)
			left = l;
	}
	if (done > 1)
		done = 1;
	if (done >= 0) {
		char t[24];

		if (left >= 0)
			format_eta(left, t, sizeof(t));
		else
			snprintf(t, sizeof(t), "--:--");
		snprintf(eta, sizeof(eta), "  %3.0f%% ETA %s", done * 100, t);
	}
	snprintf(buf, len, "%10s  %12s  %8s xfer/s%s  errors %llu  verify %llu",
		 format_size(st->bytes, total, sizeof(total)),
		 format_rate(bytes_per_s, rate, sizeof(rate)),
		 format_count(xfers_per_s, xps, sizeof(xps)), eta,
		 (unsigned long long)st->errors, (unsigned long long)st->verify_errors);
}

static void progress_line(struct progress *pg, const struct stream_opts *o,
			  struct dms_pipeline *p, uint64_t now)
{
	struct dms_pipeline_stats st;
	double dt = (double)(now - pg->last_ns) / 1e9;
	char line[160];

	dms_pipeline_stats(p, &st);
	stream_progress_text(o, &st, now - pg->start_ns,
			     (double)(st.bytes - pg->last_bytes) / dt,
			     (double)(st.transfers - pg->last_xfers) / dt, line, sizeof(line));
	fprintf(pg->f, "\r\033[K%s", line);
	fflush(pg->f);
	pg->last_ns = now;
	pg->last_bytes = st.bytes;
	pg->last_xfers = st.transfers;
	pg->shown = true;
}

int stream_run(const struct stream_opts *o, struct dms_channel *tx, struct dms_channel *rx,
	       int sink_fd, int source_fd, FILE *progress, struct stream_result *r)
{
	struct sigaction sa = { 0 }, old_int, old_term;
	struct slow_sink slow = { .fd = sink_fd, .delay_ns = o->sink_delay_ns };
	struct dms_pipeline_params prm;
	struct progress pg = { 0 };
	struct dms_pipeline *p;
	uint64_t start, now;
	int ret;

	memset(r, 0, sizeof(*r));
	dms_pipeline_params_init(&prm);
	prm.size = o->size;
	prm.depth = o->depth;
	prm.buffers = o->buffers;
	prm.ring_flags = o->ring_flags;
	prm.memory = o->memory;
	prm.batch = o->batch;
	prm.count = o->count;
	prm.xfer_timeout_ms = o->xfer_timeout_ms;
	prm.idle_timeout_ms = o->idle_timeout_ns / 1000000 > UINT32_MAX ? UINT32_MAX :
			      (uint32_t)(o->idle_timeout_ns / 1000000);
	if (o->idle_timeout_ns && !prm.idle_timeout_ms)
		prm.idle_timeout_ms = 1;
	prm.pattern = source_fd >= 0 ? DMS_PATTERN_NONE : o->pattern;
	prm.verify = o->verify;
	prm.stream = o->stream_id;
	if (o->dmasim_format)
		prm.verify_flags |= DMS_VERIFY_DMASIM;
	ret = dms_pipeline_create(&prm, tx, rx, &p);
	if (ret < 0)
		return ret;
	if (o->sink_delay_ns && rx)
		dms_pipeline_set_sink(p, slow_sink_deliver, &slow);
	else if (sink_fd >= 0)
		dms_pipeline_set_sink_fd(p, sink_fd);
	dms_pipeline_set_error_handler(p, record_failure, r);
	if (source_fd >= 0)
		dms_pipeline_set_source_fd(p, source_fd);

	/* A second SIGINT kills at once (SA_RESETHAND): the driver cleans up on close. */
	got_signal = 0;
	running = p;
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);

	/* Progress is for people: a terminal, and neither --json nor -q. */
	if (progress && !o->json && !o->quiet && isatty(fileno(progress)))
		pg.f = progress;
	start = now_ns();
	pg.start_ns = start;
	pg.last_ns = start;
	while ((ret = dms_pipeline_step(p, STEP_MS)) > 0) {
		now = now_ns();
		if (o->duration_ns && now - start >= o->duration_ns && !r->duration_reached) {
			r->duration_reached = true;
			dms_pipeline_stop(p);
		}
		if (pg.f && now - pg.last_ns >= PROGRESS_NS)
			progress_line(&pg, o, p, now);
	}
	if (pg.shown) {
		fputs("\r\033[K", pg.f);
		fflush(pg.f);
	}
	running = NULL;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);

	r->interrupted = got_signal;
	dms_pipeline_stats(p, &r->st);
	r->error = ret;
	if (ret == -EPIPE) {
		/* The reader went away (| head): the end of the run, not a failure. */
		r->output_closed = true;
		r->error = 0;
	}
	dms_pipeline_destroy(p);
	return 0;
}

/* Why a pipeline could not start on channels that did open. */
int stream_setup_failed(struct cli *c, const struct stream_opts *o, int err)
{
	switch (-err) {
	case EBUSY:
		return cli_fail(c, EXIT_BUSY, "the channel is in use by another program");
	case E2BIG:
		if (o->memory == DMS_MEMORY_USER)
			return cli_fail(c, EXIT_RESOURCES,
					"%u-byte transfers exceed the channel's limits, or the "
					"buffers exceed 2 GiB of registered memory", o->size);
		if (o->ring_flags & DMS_RING_CACHED)
			return cli_fail(c, EXIT_RESOURCES,
					"%u-byte transfers exceed the channel's limits, or its "
					"largest cached buffer (dmastream info)", o->size);
		return cli_fail(c, EXIT_RESOURCES,
				"%u-byte transfers exceed the channel's limits (dmastream info)",
				o->size);
	case EOPNOTSUPP:
		if (o->ring_flags & DMS_RING_CACHED)
			return cli_fail(c, EXIT_RESOURCES,
					"the driver is too old for --memory cached (ABI 0x00010003)");
		if (o->memory == DMS_MEMORY_USER)
			return cli_fail(c, EXIT_RESOURCES,
					"the driver is too old for --memory user (ABI 0x00010006)");
		if (o->memory == DMS_MEMORY_DMABUF)
			return cli_fail(c, EXIT_RESOURCES,
					"the driver is too old for --memory dmabuf (ABI 0x00010005)");
		return cli_fail_errno(c, err, "cannot start");
	case ENODEV:
		if (o->memory == DMS_MEMORY_DMABUF)
			return cli_fail(c, EXIT_RESOURCES,
					"no dma-bufs to allocate in this kernel (neither "
					"/dev/dma_heap/system nor /dev/udmabuf)");
		return cli_fail_errno(c, err, "cannot start");
	case EINVAL:
		return cli_fail(c, EXIT_USAGE,
				"the channel cannot take %u-byte transfers (alignment? dmastream info)",
				o->size);
	case ENOMEM:
		if (o->memory == DMS_MEMORY_USER)
			return cli_fail(c, EXIT_RESOURCES,
					"cannot pin the buffers: not enough memory, or more than "
					"RLIMIT_MEMLOCK allows (ulimit -l)");
		if (o->memory == DMS_MEMORY_DMABUF)
			return cli_fail(c, EXIT_RESOURCES, "not enough memory for the dma-bufs");
		return cli_fail(c, EXIT_RESOURCES, "not enough DMA memory for the ring");
	case EDQUOT:
		return cli_fail(c, EXIT_RESOURCES,
				"the rings of all channels would exceed the module's budget "
				"(parameter total_ring_bytes_max)");
	default:
		return cli_fail_errno(c, err, "cannot start");
	}
}

int stream_exit_code(const struct stream_opts *o, const struct stream_result *r)
{
	const struct dms_pipeline_stats *st = &r->st;
	bool stopped_early = r->interrupted || r->duration_reached || r->output_closed;

	if (r->error)
		return exit_for_errno(r->error);
	if (st->timeouts)
		return EXIT_TIMEOUT;
	if (st->errors)
		return EXIT_ENGINE;
	if (st->verify_errors)
		return EXIT_VERIFY;
	if (r->interrupted && o->count && st->transfers < o->count)
		return EXIT_INTERRUPTED;
	/* A loop run is good only when every packet came back. */
	if (o->kind == STREAM_LOOP && o->count && !stopped_early && st->transfers < o->count)
		return EXIT_VERIFY;
	return EXIT_OK;
}

/* ------------------------------------------------------------------------
 * Reporting
 */

static const char *mode_name(enum dms_pipe_mode m)
{
	switch (m) {
	case DMS_PIPE_RX:	return "rx";
	case DMS_PIPE_TX:	return "tx";
	case DMS_PIPE_LOOPBACK:	return "loopback";
	case DMS_PIPE_MEMCPY:	return "memcpy";
	}
	return "unknown";
}

static const char *check_name(enum dms_check c)
{
	return c == DMS_CHECK_FULL ? "full" : c == DMS_CHECK_FAST ? "fast" : "none";
}

static const char *pattern_name(enum dms_pattern p)
{
	return p == DMS_PATTERN_COUNTER ? "counter" : p == DMS_PATTERN_PRBS31 ? "prbs31" : "none";
}

static double seconds_of(const struct dms_pipeline_stats *st)
{
	return (double)st->elapsed_ns / 1e9;
}

static double per_second(uint64_t v, const struct dms_pipeline_stats *st)
{
	return st->elapsed_ns ? (double)v * 1e9 / (double)st->elapsed_ns : 0;
}

void stream_json_members(struct json *j, const struct stream_opts *o,
			 const struct stream_result *r)
{
	const struct dms_pipeline_stats *st = &r->st;
	const struct dms_verify_stats *v = &st->verify;

	json_string(j, "mode", mode_name(st->mode));
	json_uint(j, "size", o->size);
	json_uint(j, "depth", st->depth);
	json_uint(j, "buffers", st->buffers);
	json_string(j, "memory", o->memory == DMS_MEMORY_USER ? "user" :
				 o->memory == DMS_MEMORY_DMABUF ? "dmabuf" :
				 o->ring_flags & DMS_RING_CACHED ? "cached" : "coherent");
	if (o->count)
		json_uint(j, "count", o->count);
	else
		json_null(j, "count");
	json_uint(j, "transfers", st->transfers);
	json_uint(j, "bytes", st->bytes);
	json_uint(j, "errors", st->errors);
	json_uint(j, "verify_errors", st->verify_errors);
	json_double(j, "seconds", seconds_of(st));
	json_double(j, "bytes_per_second", per_second(st->bytes, st));
	json_double(j, "transfers_per_second", per_second(st->transfers, st));
	json_uint(j, "read_errors", st->read_errors);
	json_uint(j, "write_errors", st->write_errors);
	json_uint(j, "engine_aborts", st->engine_aborts);
	json_uint(j, "timeouts", st->timeouts);
	json_uint(j, "aborted", st->aborted);
	json_uint(j, "short_transfers", st->short_xfers);
	json_uint(j, "backpressure", st->backpressure);
	json_uint(j, "rx_queue_empty", st->rx_queue_empty);
	json_uint(j, "sink_stalls", st->sink_stalls);
	json_uint(j, "undelivered", st->undelivered);
	json_begin_object(j, "tx");
	json_uint(j, "submitted", st->tx_submitted);
	json_uint(j, "completed", st->tx_completed);
	json_uint(j, "bytes", st->tx_bytes);
	json_end_object(j);
	json_begin_object(j, "rx");
	json_uint(j, "submitted", st->rx_submitted);
	json_uint(j, "completed", st->rx_completed);
	json_uint(j, "bytes", st->rx_bytes);
	json_end_object(j);
	json_string(j, "pattern", pattern_name(o->pattern));
	if (o->kind == STREAM_RX)
		json_string(j, "format", o->dmasim_format ? "dmasim" : "dmastream");
	json_string(j, "verify_mode", check_name(o->verify));
	if (o->verify != DMS_CHECK_NONE) {
		json_begin_object(j, "verify");
		json_uint(j, "packets", v->packets);
		json_uint(j, "good", v->good);
		json_uint(j, "corrupt", v->corrupt);
		json_uint(j, "bad_length", v->bad_length);
		json_uint(j, "dropped", v->dropped);
		json_uint(j, "duplicates", v->duplicates);
		json_uint(j, "reordered", v->reordered);
		json_uint(j, "wrong_stream", v->wrong_stream);
		json_uint(j, "excused", v->excused);
		json_uint(j, "gaps", v->gaps);
		json_uint(j, "next_seq", v->next_seq);
		json_end_object(j);
	}
	json_begin_object(j, "latency_ns");
	json_uint(j, "samples", st->latency.samples);
	json_uint(j, "min", st->latency.min_ns);
	json_uint(j, "mean", st->latency.mean_ns);
	json_uint(j, "p50", st->latency.p50_ns);
	json_uint(j, "p99", st->latency.p99_ns);
	json_uint(j, "p999", st->latency.p999_ns);
	json_uint(j, "max", st->latency.max_ns);
	json_end_object(j);
	json_uint(j, "failed_transfers_total", r->failures_total);
	json_begin_array(j, "failed_transfers");
	for (uint32_t i = 0; i < r->nfailures; i++) {
		json_begin_object(j, NULL);
		json_string(j, "channel", dms_direction_name(r->failures[i].direction));
		json_uint(j, "index", r->failures[i].index);
		json_uint(j, "seq", r->failures[i].seq);
		json_string(j, "status", dms_status_name(r->failures[i].status));
		json_end_object(j);
	}
	json_end_array(j);
	json_bool(j, "interrupted", r->interrupted);
	if (r->error)
		json_string(j, "error", strerror(-r->error));
	else
		json_null(j, "error");
}

void stream_report(FILE *out, FILE *err, const struct stream_opts *o, const char *name,
		   const struct stream_result *r, int exit_code)
{
	const struct dms_pipeline_stats *st = &r->st;
	const struct dms_verify_stats *v = &st->verify;
	char a[32], b[32], c[32], d[32], e[32];
	struct json j;

	if (o->json) {
		json_init(&j, out);
		json_begin_object(&j, NULL);
		json_string(&j, "command", kind_name(o->kind));
		json_string(&j, "target", name);
		stream_json_members(&j, o, r);
		json_string(&j, "status", exit_class(exit_code));
		json_int(&j, "exit_code", exit_code);
		json_end_object(&j);
		return;
	}
	if (o->quiet && exit_code == EXIT_OK)
		return;
	/* Human output goes to stderr when stdout carries the data. */
	if (o->output && !strcmp(o->output, "-"))
		out = err;
	fprintf(out, "%s %s (%s): %llu transfers, %s in %.2f s: %s, %s transfers/s\n",
		kind_name(o->kind), name, mode_name(st->mode), (unsigned long long)st->transfers,
		format_size(st->bytes, a, sizeof(a)), seconds_of(st),
		format_rate(per_second(st->bytes, st), b, sizeof(b)),
		format_count(per_second(st->transfers, st), c, sizeof(c)));
	fprintf(out, "  errors %llu, verify errors %llu", (unsigned long long)st->errors,
		(unsigned long long)st->verify_errors);
	if (o->verify != DMS_CHECK_NONE)
		fprintf(out, " (%s check of %llu packets)", check_name(o->verify),
			(unsigned long long)v->packets);
	fputc('\n', out);
	if (st->latency.samples)
		fprintf(out, "  latency min %s, p50 %s, p99 %s, p99.9 %s, max %s\n",
			format_duration(st->latency.min_ns, a, sizeof(a)),
			format_duration(st->latency.p50_ns, b, sizeof(b)),
			format_duration(st->latency.p99_ns, c, sizeof(c)),
			format_duration(st->latency.p999_ns, d, sizeof(d)),
			format_duration(st->latency.max_ns, e, sizeof(e)));
	if (st->errors || st->aborted)
		fprintf(out, "  engine: read errors %llu, write errors %llu, engine aborts %llu, "
			"timeouts %llu, cancelled %llu\n",
			(unsigned long long)st->read_errors, (unsigned long long)st->write_errors,
			(unsigned long long)st->engine_aborts, (unsigned long long)st->timeouts,
			(unsigned long long)st->aborted);
	for (uint32_t i = 0; i < r->nfailures && i < 20; i++)
		fprintf(out, "  failed: %s transfer %llu (driver seq %llu): %s\n",
			dms_direction_name(r->failures[i].direction),
			(unsigned long long)r->failures[i].index,
			(unsigned long long)r->failures[i].seq,
			dms_status_name(r->failures[i].status));
	if (r->failures_total > 20)
		fprintf(out, "  failed: ... %llu in all (--json lists the first %d)\n",
			(unsigned long long)r->failures_total, STREAM_MAX_FAILURES);
	if (v->errors || v->excused)
		fprintf(out, "  data: corrupt %llu, bad length %llu, dropped %llu, duplicated %llu, "
			"reordered %llu, foreign %llu, excused %llu\n",
			(unsigned long long)v->corrupt, (unsigned long long)v->bad_length,
			(unsigned long long)v->dropped, (unsigned long long)v->duplicates,
			(unsigned long long)v->reordered, (unsigned long long)v->wrong_stream,
			(unsigned long long)v->excused);
	if (st->short_xfers)
		fprintf(out, "  short transfers (packet ended early) %llu\n",
			(unsigned long long)st->short_xfers);
	/* In a loopback the sender waits for the receiver: an empty RX queue loses nothing. */
	if (st->rx_queue_empty && st->mode == DMS_PIPE_RX)
		fprintf(err, "dmastream %s: warning: the RX queue ran empty %llu times: the device "
			"had nowhere to put data and may have dropped some (slow sink? raise --depth)\n",
			kind_name(o->kind), (unsigned long long)st->rx_queue_empty);
	if (st->undelivered)
		fprintf(err, "dmastream %s: warning: %llu received transfers not written at the end\n",
			kind_name(o->kind), (unsigned long long)st->undelivered);
	if (r->error)
		fprintf(err, "dmastream %s: stopped: %s\n", kind_name(o->kind),
			r->error == -ETIMEDOUT ? "nothing completed within the timeout" :
			r->error == -EIO ? "repeated engine errors put the channel in the sticky error state (left when the channel is closed)" :
			r->error == -ENODEV ? "the device was removed" : strerror(-r->error));
	else if (exit_code == EXIT_INTERRUPTED)
		fprintf(err, "dmastream %s: interrupted after %llu of %llu transfers\n",
			kind_name(o->kind), (unsigned long long)st->transfers,
			(unsigned long long)o->count);
	else if (exit_code != EXIT_OK)
		fprintf(err, "dmastream %s: failed: %s\n", kind_name(o->kind), exit_class(exit_code));
}
