// SPDX-License-Identifier: MIT
/* Options of rx, tx, loop and bench: defaults, values, and what is refused. */
#include <stdarg.h>
#include <string.h>

#include "check.h"
#include "cli.h"
#include "stream.h"

static char errbuf[160];

/* Parse a NULL-terminated argument list as "dmastream CMD ...". */
static int parse(enum stream_kind kind, struct stream_opts *o, ...)
{
	char *argv[32];
	int argc = 0;
	va_list ap;

	argv[argc++] = (char *)"cmd";
	va_start(ap, o);
	while (argc < 31 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	errbuf[0] = '\0';
	return stream_parse(argc, argv, kind, o, errbuf, sizeof(errbuf));
}

int main(void)
{
	struct stream_opts o;

	/* The scripts' contract: loop NAME --count N --size BYTES --verify --json. */
	CHECK_EQ(parse(STREAM_LOOP, &o, "loop0", "--count", "100", "--size", "4K", "--verify",
		       "--json", NULL), EXIT_OK);
	CHECK_STR(o.target, "loop0");
	CHECK_EQ(o.count, 100);
	CHECK_EQ(o.size, 4096);
	CHECK_EQ(o.verify, DMS_CHECK_FULL);
	CHECK(o.json);

	/* --memory: one of four kinds of buffers; the last one given counts. */
	CHECK_EQ(parse(STREAM_LOOP, &o, "--memory", "cached", "x", NULL), EXIT_OK);
	CHECK_EQ(o.ring_flags, DMS_RING_CACHED);
	CHECK_EQ(o.memory, DMS_MEMORY_RING);
	CHECK_EQ(parse(STREAM_LOOP, &o, "--memory", "cached", "--memory", "user", "x", NULL),
		 EXIT_OK);
	CHECK_EQ(o.ring_flags, 0);
	CHECK_EQ(o.memory, DMS_MEMORY_USER);
	CHECK_EQ(parse(STREAM_RX, &o, "--memory", "dmabuf", "x", NULL), EXIT_OK);
	CHECK_EQ(o.ring_flags, 0);
	CHECK_EQ(o.memory, DMS_MEMORY_DMABUF);
	CHECK_EQ(parse(STREAM_LOOP, &o, "--memory", "dmabuf", "--memory", "coherent", "x", NULL),
		 EXIT_OK);
	CHECK_EQ(o.memory, DMS_MEMORY_RING);
	CHECK_EQ(parse(STREAM_LOOP, &o, "--memory", "dma-buf", "x", NULL), EXIT_USAGE);
	CHECK(strstr(errbuf, "dmabuf") != NULL);

	CHECK_EQ(parse(STREAM_LOOP, &o, "loop0", NULL), EXIT_OK);
	CHECK_EQ(o.size, 65536);
	CHECK_EQ(o.depth, 8);
	CHECK_EQ(o.count, 0);
	CHECK_EQ(o.verify, DMS_CHECK_FULL);
	CHECK_EQ(o.pattern, DMS_PATTERN_COUNTER);
	CHECK_EQ(o.idle_timeout_ns, 10000000000ll);
	CHECK(!o.json && !o.quiet && !o.help);

	CHECK_EQ(parse(STREAM_LOOP, &o, "-s", "1M", "-d", "32", "--verify=fast", "--pattern",
		       "prbs", "-n", "10k", "-t", "2m", "--tx", "tx1", "--rx", "rx1", "x", NULL),
		 EXIT_OK);
	CHECK_EQ(o.size, 1048576);
	CHECK_EQ(o.depth, 32);
	CHECK_EQ(o.verify, DMS_CHECK_FAST);
	CHECK_EQ(o.pattern, DMS_PATTERN_PRBS31);
	CHECK_EQ(o.count, 10000);
	CHECK_EQ(o.duration_ns, 120000000000ll);
	CHECK_STR(o.tx_label, "tx1");
	CHECK_STR(o.rx_label, "rx1");
	CHECK_STR(o.target, "x");

	CHECK_EQ(parse(STREAM_LOOP, &o, "x", "--no-verify", "--pattern", "none", NULL), EXIT_OK);
	CHECK_EQ(o.verify, DMS_CHECK_NONE);
	CHECK_EQ(parse(STREAM_LOOP, &o, "x", "--pattern", "none", NULL), EXIT_USAGE);
	CHECK(strstr(errbuf, "pattern") != NULL);
	CHECK_EQ(parse(STREAM_LOOP, &o, "x", "--size", "16", NULL), EXIT_USAGE);
	CHECK_EQ(parse(STREAM_LOOP, &o, "x", "--bytes", "1M", "--size", "64K", NULL), EXIT_OK);
	CHECK_EQ(o.count, 16);
	CHECK_EQ(parse(STREAM_LOOP, &o, "x", "--bytes", "100K", "--size", "64K", NULL), EXIT_OK);
	CHECK_EQ(o.count, 2);
	CHECK_EQ(parse(STREAM_LOOP, &o, "x", "--bytes", "1M", "-n", "3", NULL), EXIT_USAGE);
	CHECK_EQ(parse(STREAM_LOOP, &o, "x", "--output", "f", NULL), EXIT_USAGE);
	CHECK_EQ(parse(STREAM_LOOP, &o, NULL), EXIT_USAGE);
	CHECK_EQ(parse(STREAM_LOOP, &o, "a", "b", NULL), EXIT_USAGE);
	CHECK_EQ(parse(STREAM_LOOP, &o, "x", "--size", "0", NULL), EXIT_USAGE);
	CHECK_EQ(parse(STREAM_LOOP, &o, "x", "--size", "5G", NULL), EXIT_USAGE);
	CHECK_EQ(parse(STREAM_LOOP, &o, "x", "--size", "64Q", NULL), EXIT_USAGE);
	CHECK(strstr(errbuf, "64Q") != NULL);
	CHECK_EQ(parse(STREAM_LOOP, &o, "x", "--depth", "0", NULL), EXIT_USAGE);
	CHECK_EQ(parse(STREAM_LOOP, &o, "x", "--count", "0", NULL), EXIT_USAGE);
	CHECK_EQ(parse(STREAM_LOOP, &o, "x", "--verify=maybe", NULL), EXIT_USAGE);
	CHECK_EQ(parse(STREAM_LOOP, &o, "x", "--frobnicate", NULL), EXIT_USAGE);
	CHECK_EQ(parse(STREAM_LOOP, &o, "x", "--timeout", "0", NULL), EXIT_OK);
	CHECK_EQ(o.idle_timeout_ns, 0);
	CHECK_EQ(parse(STREAM_LOOP, &o, "x", "--xfer-timeout", "250ms", NULL), EXIT_OK);
	CHECK_EQ(o.xfer_timeout_ms, 250);
	CHECK_EQ(parse(STREAM_LOOP, &o, "x", "--xfer-timeout", "500us", NULL), EXIT_USAGE);
	CHECK_EQ(parse(STREAM_LOOP, &o, "--help", NULL), EXIT_OK);
	CHECK(o.help);

	/* rx: no verification by default, no timeout, outputs. */
	CHECK_EQ(parse(STREAM_RX, &o, "loop0/rx", "-o", "-", NULL), EXIT_OK);
	CHECK_EQ(o.verify, DMS_CHECK_NONE);
	CHECK_EQ(o.idle_timeout_ns, 0);
	CHECK_STR(o.output, "-");
	CHECK_EQ(parse(STREAM_RX, &o, "loop0/rx", "-o", "-", "--json", NULL), EXIT_USAGE);
	CHECK_EQ(parse(STREAM_RX, &o, "r", "-o", "f", "--connect", "h:1", NULL), EXIT_USAGE);
	CHECK_EQ(parse(STREAM_RX, &o, "r", "--size", "16", "--verify", NULL), EXIT_OK);
	CHECK_EQ(parse(STREAM_RX, &o, "r", "--input", "f", NULL), EXIT_USAGE);
	CHECK_EQ(parse(STREAM_RX, &o, "r", "--sink-delay", "20ms", NULL), EXIT_OK);
	CHECK_EQ(o.sink_delay_ns, 20000000);
	CHECK_EQ(parse(STREAM_LOOP, &o, "r", "--sink-delay", "20ms", NULL), EXIT_USAGE);
	CHECK_EQ(parse(STREAM_RX, &o, "r", "--format", "dmasim", "--verify", NULL), EXIT_OK);
	CHECK(o.dmasim_format);
	CHECK_EQ(parse(STREAM_RX, &o, "r", "--format", "dmastream", NULL), EXIT_OK);
	CHECK(!o.dmasim_format);
	CHECK_EQ(parse(STREAM_RX, &o, "r", "--format", "other", NULL), EXIT_USAGE);
	CHECK_EQ(parse(STREAM_LOOP, &o, "r", "--format", "dmasim", NULL), EXIT_USAGE);

	/* tx: sends; verification happens elsewhere. */
	CHECK_EQ(parse(STREAM_TX, &o, "t", "-i", "file", NULL), EXIT_OK);
	CHECK_STR(o.input, "file");
	CHECK_EQ(parse(STREAM_TX, &o, "t", "-i", "file", "--pattern", "prbs", NULL), EXIT_USAGE);
	CHECK_EQ(parse(STREAM_TX, &o, "t", "--verify", NULL), EXIT_USAGE);
	CHECK_EQ(parse(STREAM_TX, &o, "t", "--tx", "a", NULL), EXIT_USAGE);

	CHECK_EQ(parse(STREAM_BENCH, &o, "d", NULL), EXIT_OK);
	CHECK_STR(o.sizes, "4K,64K,1M");
	CHECK_EQ(o.duration_ns, 1000000000);
	CHECK_EQ(o.verify, DMS_CHECK_NONE);
	CHECK_EQ(parse(STREAM_BENCH, &o, "d", "--sizes", "1K,2K", NULL), EXIT_OK);
	CHECK_STR(o.sizes, "1K,2K");

	/* What a command's help does not list, it refuses. */
	CHECK_EQ(parse(STREAM_BENCH, &o, "d", "-s", "4K", NULL), EXIT_USAGE);
	CHECK(strstr(errbuf, "--sizes") != NULL);
	CHECK_EQ(parse(STREAM_BENCH, &o, "d", "--bytes", "1M", NULL), EXIT_USAGE);
	CHECK_EQ(parse(STREAM_LOOP, &o, "d", "--sizes", "4K", NULL), EXIT_USAGE);
	CHECK(strstr(errbuf, "bench") != NULL);
	CHECK_EQ(parse(STREAM_RX, &o, "r", "--pattern", "prbs", NULL), EXIT_USAGE);
	CHECK_EQ(parse(STREAM_TX, &o, "t", "--no-verify", NULL), EXIT_USAGE);
	CHECK_EQ(parse(STREAM_RX, &o, "r", "-q", NULL), EXIT_OK);
	CHECK(o.quiet);
	CHECK_EQ(parse(STREAM_TX, &o, "t", "-h", NULL), EXIT_OK);
	CHECK(o.help);

	/* Units everywhere a size or count is read. */
	CHECK_EQ(parse(STREAM_LOOP, &o, "x", "-s", "1Mi", "-d", "1Ki", "--buffers", "2Ki",
		       "--batch", "1Ki", "-n", "4Mi", "--stream", "1Gi", NULL), EXIT_OK);
	CHECK_EQ(o.size, 1048576);
	CHECK_EQ(o.depth, 1024);
	CHECK_EQ(o.buffers, 2048);
	CHECK_EQ(o.batch, 1024);
	CHECK_EQ(o.count, 4194304);
	CHECK_EQ(o.stream_id, 1073741824);
	CHECK_EQ(parse(STREAM_RX, &o, "r", "--bytes", "2Gi", "-s", "1Mi", NULL), EXIT_OK);
	CHECK_EQ(o.count, 2048);
	return check_report();
}
