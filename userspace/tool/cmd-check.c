// SPDX-License-Identifier: MIT
/*
 * dmastream check: verify a byte stream of packets (docs/pattern.md), as
 * "rx -o FILE", the examples' TCP clients or "nc" produce it: packets one
 * after the other, each as long as its header says. After bytes that are
 * no valid header, it slides forward byte by byte until one is found again
 * (counted as skipped bytes, and the damaged packet as corrupt).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "help.h"
#include "json.h"
#include "libdmastream.h"
#include "units.h"

#define MAX_PACKET	(256u << 20)	/* longer "packets" are taken for garbage */
#define READ_CHUNK	(1u << 20)
#define DMASIM_HDR_LEN	24		/* dmasim's source: uapi/linux/dmasim.h */

struct reader {
	int fd;
	uint8_t *buf;
	size_t cap, start, end;		/* unread bytes: buf[start, end) */
	bool eof;
	int err;
};

/* Have at least @want unread bytes, unless the input ends first. */
static bool fill(struct reader *r, size_t want)
{
	ssize_t n;

	while (r->end - r->start < want && !r->eof) {
		if (r->cap - r->end < READ_CHUNK && r->start) {
			memmove(r->buf, r->buf + r->start, r->end - r->start);
			r->end -= r->start;
			r->start = 0;
		}
		if (r->cap - r->end < READ_CHUNK || r->cap < want) {
			size_t ncap = r->cap ? 2 * r->cap : 2 * READ_CHUNK;
			uint8_t *nb;

			if (ncap < want + READ_CHUNK)
				ncap = want + READ_CHUNK;
			nb = realloc(r->buf, ncap);
			if (!nb) {
				r->err = -ENOMEM;
				return false;
			}
			r->buf = nb;
			r->cap = ncap;
		}
		n = read(r->fd, r->buf + r->end, r->cap - r->end);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r->err = -errno;
			return false;
		}
		if (n == 0)
			r->eof = true;
		r->end += (size_t)n;
	}
	return r->end - r->start >= want;
}

enum { OPT_VERIFY = 256, OPT_STREAM, OPT_ANY_STREAM, OPT_FROM_ZERO, OPT_JSON, OPT_FORMAT };

const struct option check_options[] = {
	{ "verify", required_argument, NULL, OPT_VERIFY },
	{ "stream", required_argument, NULL, OPT_STREAM },
	{ "any-stream", no_argument, NULL, OPT_ANY_STREAM },
	{ "from-zero", no_argument, NULL, OPT_FROM_ZERO },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int cmd_check(struct cli *c, int argc, char **argv)
{
	struct reader r = { .fd = STDIN_FILENO };
	enum dms_check mode = DMS_CHECK_FULL;
	unsigned int flags = DMS_VERIFY_SYNC;
	struct dms_verify_stats st;
	struct dms_verifier *v;
	struct dms_pkt_result res;
	uint64_t stream = 0, skipped = 0, truncated = 0;
	const char *name = "-";
	uint32_t hdr_len = DMS_PKT_HEADER_SIZE;
	char a[32];
	struct json j;
	int opt, ret;

	optind = 0;	/* a fresh parse, also when called more than once */
	while ((opt = getopt_long(argc, argv, "qh", check_options, NULL)) != -1) {
		switch (opt) {
		case OPT_VERIFY:
			if (!strcmp(optarg, "fast"))
				mode = DMS_CHECK_FAST;
			else if (strcmp(optarg, "full"))
				return cli_fail(c, EXIT_USAGE, "bad verify mode '%s' (fast, full)", optarg);
			break;
		case OPT_STREAM:
			if (parse_count(optarg, &stream) < 0 || stream > UINT32_MAX)
				return cli_fail(c, EXIT_USAGE, "bad stream id '%s'", optarg);
			break;
		case OPT_ANY_STREAM:
			flags |= DMS_VERIFY_ANY_STREAM;
			break;
		case OPT_FROM_ZERO:
			flags &= ~DMS_VERIFY_SYNC;
			break;
		case OPT_JSON:
			c->json = true;
			break;
		case OPT_FORMAT:
			if (!strcmp(optarg, "dmasim")) {
				flags |= DMS_VERIFY_DMASIM;
				hdr_len = DMASIM_HDR_LEN;
			} else if (strcmp(optarg, "dmastream")) {
				return cli_fail(c, EXIT_USAGE, "bad format '%s' (dmastream, dmasim)",
						optarg);
			}
			break;
		case 'q':
			c->quiet = true;
			break;
		case 'h':
			help_print(c->out, "check");
			return EXIT_OK;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind + 1 < argc)
		return cli_fail(c, EXIT_USAGE, "give at most one FILE");
	if (optind < argc && strcmp(argv[optind], "-")) {
		name = argv[optind];
		r.fd = open(name, O_RDONLY | O_CLOEXEC);
		if (r.fd < 0)
			return cli_fail(c, EXIT_IO, "cannot open %s: %s", name, strerror(errno));
	}
	ret = dms_verifier_create((uint32_t)stream, mode, flags, &v);
	if (ret < 0)
		return cli_fail_errno(c, ret, "verifier");

	while (fill(&r, hdr_len)) {
		const uint8_t *p = r.buf + r.start;
		size_t len;

		if (flags & DMS_VERIFY_DMASIM)
			dms_dmasim_check(p, hdr_len, DMS_CHECK_NONE, &res);
		else
			dms_pattern_check(p, hdr_len, DMS_CHECK_NONE, &res);
		if (res.fault == DMS_PKT_BAD_HEADER || res.hdr.length > MAX_PACKET) {
			/* Not a packet start: slide until one is found. */
			r.start++;
			skipped++;
			continue;
		}
		len = res.hdr.length;
		if (!fill(&r, len)) {
			if (r.err)
				break;
			/* The input ends inside this packet. */
			len = r.end - r.start;
			truncated++;
		}
		dms_verifier_check(v, r.buf + r.start, (uint32_t)len);
		r.start += len;
	}
	/* Trailing bytes too short for a header. */
	skipped += r.end - r.start;
	dms_verifier_stats(v, &st);
	dms_verifier_destroy(v);
	free(r.buf);
	if (r.fd != STDIN_FILENO)
		close(r.fd);
	/* Whatever the errno (EIO included), failing to read the input is an I/O error. */
	if (r.err == -ENOMEM)
		return cli_fail(c, EXIT_RESOURCES, "reading %s: %s", name, strerror(-r.err));
	if (r.err)
		return cli_fail(c, EXIT_IO, "reading %s: %s", name, strerror(-r.err));

	/* Bytes that were no packet mean a damaged stream. */
	ret = st.errors || skipped ? EXIT_VERIFY : EXIT_OK;
	if (c->json) {
		json_init(&j, c->out);
		json_begin_object(&j, NULL);
		json_string(&j, "command", "check");
		json_string(&j, "input", name);
		json_uint(&j, "packets", st.packets);
		json_uint(&j, "good", st.good);
		json_uint(&j, "bytes", st.bytes);
		json_uint(&j, "verify_errors", st.errors);
		json_uint(&j, "corrupt", st.corrupt);
		json_uint(&j, "bad_length", st.bad_length);
		json_uint(&j, "dropped", st.dropped);
		json_uint(&j, "duplicates", st.duplicates);
		json_uint(&j, "reordered", st.reordered);
		json_uint(&j, "wrong_stream", st.wrong_stream);
		json_uint(&j, "gaps", st.gaps);
		json_uint(&j, "skipped_bytes", skipped);
		json_uint(&j, "truncated", truncated);
		json_uint(&j, "next_seq", st.next_seq);
		json_string(&j, "status", exit_class(ret));
		json_int(&j, "exit_code", ret);
		json_end_object(&j);
	} else if (!c->quiet || ret) {
		fprintf(c->out, "check %s: %llu packets, %s good, %llu verify errors\n", name,
			(unsigned long long)st.packets, format_size(st.bytes, a, sizeof(a)),
			(unsigned long long)st.errors);
		if (st.errors || skipped)
			fprintf(c->out, "  corrupt %llu, bad length %llu, dropped %llu (%llu gaps), "
				"duplicated %llu, reordered %llu, foreign %llu, skipped bytes %llu\n",
				(unsigned long long)st.corrupt, (unsigned long long)st.bad_length,
				(unsigned long long)st.dropped, (unsigned long long)st.gaps,
				(unsigned long long)st.duplicates, (unsigned long long)st.reordered,
				(unsigned long long)st.wrong_stream, (unsigned long long)skipped);
	}
	return ret;
}
