// SPDX-License-Identifier: MIT
/*
 * The progress line: its text (bytes, rate, share done, ETA from a count,
 * a duration or both), and when it is shown: on a terminal only, never
 * with --json or -q (a pseudo-terminal stands in for the terminal).
 */
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "cli.h"
#include "fake-engine.h"
#include "stream.h"

static struct stream_opts opts(enum stream_kind kind, ...)
{
	struct stream_opts o;
	char err[160], *argv[32];
	int argc = 0;
	va_list ap;

	argv[argc++] = (char *)"cmd";
	va_start(ap, kind);
	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	CHECK_EQ(stream_parse(argc, argv, kind, &o, err, sizeof(err)), EXIT_OK);
	return o;
}

static char line[200];

static const char *text(const struct stream_opts *o, uint64_t transfers, uint64_t bytes,
			double elapsed_s, double rate)
{
	struct dms_pipeline_stats st = { .transfers = transfers, .bytes = bytes };

	stream_progress_text(o, &st, (uint64_t)(elapsed_s * 1e9), rate, 0, line, sizeof(line));
	return line;
}

static void test_text(void)
{
	struct stream_opts o;

	/* A count: the share of it, and the rest at the average rate so far. */
	o = opts(STREAM_LOOP, "x", "-n", "1000", NULL);
	CHECK(strstr(text(&o, 250, 3 << 20, 10, 1.5e9), " 25% ETA 0:30") != NULL);
	CHECK(strstr(line, "3.00 MiB") && strstr(line, "1.50 GB/s"));
	/* Nothing done yet: no rate to go by. */
	CHECK(strstr(text(&o, 0, 0, 1, 0), "  0% ETA --:--") != NULL);
	/* Slow: hours. 99 more at 100 s each. */
	o = opts(STREAM_LOOP, "x", "-n", "100", NULL);
	CHECK(strstr(text(&o, 1, 4096, 100, 40), "  1% ETA 2:45:00") != NULL);
	/* --bytes is a count of transfers. */
	o = opts(STREAM_RX, "x", "--bytes", "1M", "-s", "64K", NULL);
	CHECK(strstr(text(&o, 4, 256 << 10, 2, 0), " 25% ETA 0:06") != NULL);

	/* A duration: the time left of it. */
	o = opts(STREAM_LOOP, "x", "-t", "1m", NULL);
	CHECK(strstr(text(&o, 7, 7, 15, 0), " 25% ETA 0:45") != NULL);
	CHECK(strstr(text(&o, 7, 7, 61, 0), "100% ETA 0:00") != NULL);

	/* Both: whichever ends the run first. */
	o = opts(STREAM_LOOP, "x", "-n", "1000", "-t", "2m", NULL);
	CHECK(strstr(text(&o, 900, 0, 90, 0), " 90% ETA 0:10") != NULL);
	CHECK(strstr(text(&o, 100, 0, 90, 0), " 75% ETA 0:30") != NULL);

	/* No end in sight: no ETA. */
	o = opts(STREAM_RX, "x", NULL);
	CHECK(strstr(text(&o, 5, 5, 3, 0), "ETA") == NULL);
	CHECK(strstr(line, "%") == NULL);
	CHECK(strstr(line, "errors 0  verify 0") != NULL);
}

/*
 * What an rx run of 700 ms (one progress tick) writes to @f: the bytes
 * read back from @rd, NUL-terminated in @buf.
 */
static void run_rx(struct fake_engine *e, const char *flag, FILE *f, int rd, char *buf,
		   size_t len)
{
	struct dms_channel *rx;
	struct stream_opts o;
	struct stream_result r;
	struct pollfd pfd = { .fd = rd, .events = POLLIN };
	size_t got = 0;
	ssize_t n;

	o = flag ? opts(STREAM_RX, "fake/rx", "-t", "700ms", flag, NULL) :
		   opts(STREAM_RX, "fake/rx", "-t", "700ms", NULL);
	CHECK_EQ(fake_open(e, DMASTREAM_DIR_RX, &rx), 0);
	CHECK_EQ(stream_run(&o, NULL, rx, -1, -1, f, &r), 0);
	CHECK(r.duration_reached);
	dms_channel_close(rx);
	fflush(f);
	/* Everything written: a pty may hand it over in several pieces. */
	while (got < len - 1 && poll(&pfd, 1, 200) > 0) {
		n = read(rd, buf + got, len - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
}

static void test_shown(void)
{
	struct fake_engine *e = fake_engine_new();
	int master, slave, p[2];
	char buf[4096];
	FILE *tty, *pipe_end;

	master = posix_openpt(O_RDWR | O_NOCTTY);
	CHECK(master >= 0);
	if (master < 0) {
		fake_engine_free(e);
		return;
	}
	CHECK(grantpt(master) == 0 && unlockpt(master) == 0);
	slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	CHECK(slave >= 0);
	fcntl(master, F_SETFL, O_NONBLOCK);
	tty = fdopen(slave, "w");

	/* A terminal: the line, with the share of the duration and the ETA. */
	run_rx(e, NULL, tty, master, buf, sizeof(buf));
	CHECK(strstr(buf, "\r\033[K") != NULL);
	CHECK(strstr(buf, "% ETA 0:0") != NULL);
	CHECK(strstr(buf, "xfer/s") != NULL);
	/* -q and --json: nothing, even on a terminal. */
	run_rx(e, "-q", tty, master, buf, sizeof(buf));
	CHECK_STR(buf, "");
	run_rx(e, "--json", tty, master, buf, sizeof(buf));
	CHECK_STR(buf, "");
	fclose(tty);
	close(master);

	/* Not a terminal: nothing. */
	CHECK_EQ(pipe(p), 0);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	pipe_end = fdopen(p[1], "w");
	run_rx(e, NULL, pipe_end, p[0], buf, sizeof(buf));
	CHECK_STR(buf, "");
	fclose(pipe_end);
	close(p[0]);
	fake_engine_free(e);
}

int main(void)
{
	test_text();
	test_shown();
	return check_report();
}
