// SPDX-License-Identifier: MIT
/*
 * dmastream check on byte streams of packets: a clean one passes; a
 * missing packet, a damaged one, garbage between packets and a cut-off end
 * are each found, and the packets after the garbage are found again.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "commands.h"
#include "libdmastream.h"

#include <linux/dmasim.h>

static char *out;
static size_t outlen;

static int run_check_opt(const char *file, const char *opt)
{
	struct cli c = { .cmd = "check", .err = fopen("/dev/null", "w") };
	char *argv[] = { (char *)"check", (char *)file, (char *)"--json", (char *)opt, NULL };
	int ret;

	free(out);
	out = NULL;
	c.out = open_memstream(&out, &outlen);
	ret = cmd_check(&c, opt ? 4 : 3, argv);
	fclose(c.out);
	fclose(c.err);
	return ret;
}

static int run_check(const char *file)
{
	return run_check_opt(file, NULL);
}

static long long key(const char *name)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", name);
	p = out ? strstr(out, pat) : NULL;
	return p ? strtoll(p + strlen(pat), NULL, 10) : -1;
}

static void packet(FILE *f, uint64_t seq, uint32_t len, int corrupt_at, uint32_t keep)
{
	uint8_t *b = malloc(len);

	dms_pattern_fill(b, len, seq % 2 ? DMS_PATTERN_PRBS31 : DMS_PATTERN_COUNTER, 0, seq,
			 DMS_CHECK_FULL);
	if (corrupt_at >= 0)
		b[corrupt_at] ^= 0xff;
	fwrite(b, 1, keep ? keep : len, f);
	free(b);
}

/* A packet of dmasim's source (uapi/linux/dmasim.h), counter pattern. */
static void dmasim_packet(FILE *f, uint32_t seq, uint32_t len)
{
	uint8_t *b = calloc(1, len);
	uint32_t hdr[4] = { DMASIM_PKT_MAGIC, seq, len, DMASIM_PATTERN_COUNTER };

	memcpy(b, hdr, sizeof(hdr));	/* little-endian host */
	for (uint32_t p = DMASIM_PKT_HDR_LEN; p < len; p++)
		b[p] = (uint8_t)(seq + p);
	fwrite(b, 1, len, f);
	free(b);
}

int main(void)
{
	char path[] = "/tmp/dmastream-test-check.XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	uint64_t seq;

	/* Clean: 20 packets of various lengths, starting at 100 (rx syncs). */
	for (seq = 100; seq < 120; seq++)
		packet(f, seq, 32 + (uint32_t)seq * 37, -1, 0);
	fclose(f);
	CHECK_EQ(run_check(path), EXIT_OK);
	CHECK_EQ(key("packets"), 20);
	CHECK_EQ(key("good"), 20);
	CHECK_EQ(key("verify_errors"), 0);
	CHECK_EQ(key("skipped_bytes"), 0);
	CHECK_EQ(key("next_seq"), 120);

	/* 4 missing, 6 damaged, garbage after 7, 10 cut off. */
	f = fopen(path, "w");
	for (seq = 0; seq < 10; seq++) {
		if (seq == 4)
			continue;
		packet(f, seq, 5000 + (uint32_t)seq, seq == 6 ? 4500 : -1, 0);
		if (seq == 7)
			fwrite("garbage bytes", 1, 13, f);
	}
	packet(f, 10, 5000, -1, 2000);
	fclose(f);
	CHECK_EQ(run_check(path), EXIT_VERIFY);
	CHECK_EQ(key("packets"), 10);
	CHECK_EQ(key("good"), 8);
	CHECK_EQ(key("dropped"), 1);
	CHECK_EQ(key("corrupt"), 1);
	CHECK_EQ(key("bad_length"), 1);
	CHECK_EQ(key("skipped_bytes"), 13);
	CHECK_EQ(key("truncated"), 1);
	CHECK(strstr(out, "\"status\":\"verify-failed\"") != NULL);

	/* Nothing but garbage. */
	f = fopen(path, "w");
	fwrite("no packets here, just text\n", 1, 27, f);
	fclose(f);
	CHECK_EQ(run_check(path), EXIT_VERIFY);
	CHECK_EQ(key("packets"), 0);
	CHECK_EQ(key("skipped_bytes"), 27);

	/* dmasim's packets: a gap (an overrun) is found; the other format is garbage. */
	f = fopen(path, "w");
	for (seq = 7; seq < 17; seq++)
		if (seq != 9)
			dmasim_packet(f, (uint32_t)seq, 1000 + (uint32_t)seq);
	fclose(f);
	CHECK_EQ(run_check_opt(path, "--format=dmasim"), EXIT_VERIFY);
	CHECK_EQ(key("packets"), 9);
	CHECK_EQ(key("good"), 9);
	CHECK_EQ(key("dropped"), 1);
	CHECK_EQ(key("gaps"), 1);
	CHECK_EQ(key("skipped_bytes"), 0);
	CHECK_EQ(key("next_seq"), 17);
	CHECK_EQ(run_check(path), EXIT_VERIFY);
	CHECK_EQ(key("packets"), 0);
	CHECK_EQ(run_check_opt(path, "--format=bogus"), EXIT_USAGE);

	CHECK_EQ(run_check("/nonexistent/file"), EXIT_IO);
	unlink(path);
	free(out);
	return check_report();
}
