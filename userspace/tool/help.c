// SPDX-License-Identifier: MIT
/* Per-command help (help.h). Keep in step with dmastream.1. */
#include <string.h>

#include "cli.h"
#include "help.h"

/* The commands that stream share their options; each line says whose it is. */
enum { R = 1, T = 2, L = 4, B = 8 };

static const struct {
	unsigned int kinds;
	const char *text;
} stream_option_help[] = {
	{ R | T | L, "  -s, --size SIZE        bytes per transfer (default 64K); longer than the\n"
		     "                         engine's segment limit: cut into segments\n" },
	{ B, "      --sizes LIST       comma-separated transfer sizes, one run each\n"
	     "                         (default 4K,64K,1M)\n" },
	{ R | T | L | B, "  -d, --depth N          transfers in flight per channel (default 8)\n" },
	{ R | T | L | B, "      --buffers N        ring buffers per channel (default 2 x depth)\n" },
	{ R | T | L | B, "      --memory coherent|cached|user|dmabuf  the buffers (default\n"
			 "                         coherent; cached: cacheable, synced by the\n"
			 "                         driver; user: the program's memory, pinned;\n"
			 "                         dmabuf: one dma-buf each, from a DMA heap or\n"
			 "                         udmabuf, imported)\n" },
	{ R | T | L | B, "      --batch N          most transfers per submission (default: depth)\n" },
	{ R | T | L, "  -n, --count COUNT      transfers to perform (default: until stopped)\n" },
	{ B, "  -n, --count COUNT      transfers per size, instead of a duration\n" },
	{ R | T | L, "      --bytes SIZE       stop after this many bytes, rounded up to whole\n"
		     "                         transfers (instead of --count)\n" },
	{ R | T | L, "  -t, --duration DURATION  stop after this long, a normal end (default: none)\n" },
	{ B, "  -t, --duration DURATION  length of the run of each size (default 1s)\n" },
	{ T | L | B, "      --timeout DURATION fail (status 8) when nothing completes this long\n"
		     "                         while transfers are in flight; 0: never (default 10s)\n" },
	{ R, "      --timeout DURATION fail (status 8) when nothing completes this long\n"
	     "                         while transfers are in flight (default 0: never)\n" },
	{ R | T | L | B, "      --xfer-timeout DURATION  per-transfer timeout in the driver (>= 1ms;\n"
			 "                         default none): the transfer fails, the run goes on\n" },
	{ T | L | B, "      --pattern counter|prbs|none  what sent packets hold (default counter;\n"
		     "                         none: the buffers as they are, not verifiable)\n" },
	{ R, "      --verify[=fast|full]  check each received packet (default: no check;\n"
	     "                         full: every byte, fast: header and samples)\n" },
	{ L, "      --verify[=fast|full]  how to check the packets (default full;\n"
	     "                         fast: header, 32 bytes of every 4 KiB and the end)\n" },
	{ B, "      --verify[=fast|full]  also check the packets (default: no check)\n" },
	{ L, "      --no-verify        do not check the packets\n" },
	{ R | B, "      --no-verify        do not check (the default)\n" },
	{ R | T | L | B, "      --stream ID        stream id written into and expected in packet\n"
			 "                         headers (default 0)\n" },
	{ R, "      --format dmastream|dmasim  packet format to verify (default dmastream;\n"
	     "                         dmasim: packets of the simulated engine's source)\n" },
	{ R, "  -o, --output FILE      write received data to FILE, or stdout for '-' (the\n"
	     "                         report then goes to stderr; default: nowhere)\n" },
	{ R, "      --connect HOST:PORT  send received data to a TCP peer\n" },
	{ R, "      --sink-delay DURATION  hold each transfer this long before writing it:\n"
	     "                         a deliberately slow consumer (default 0)\n" },
	{ T, "  -i, --input FILE       send FILE, or stdin for '-', until its end\n"
	     "                         (default: the pattern)\n" },
	{ L | B, "      --tx LABEL         the device's channel to send on (default: the\n"
		 "                         first label starting with tx)\n" },
	{ L | B, "      --rx LABEL         the device's channel to receive on (default: the\n"
		 "                         first label starting with rx)\n" },
	{ R | T | L | B, "      --json             print one JSON object instead of text (no progress)\n" },
	{ R | T | L | B, "  -q, --quiet            print nothing but errors: no progress, no warnings,\n"
			 "                         no summary unless the run failed\n" },
	{ R | T | L | B, "  -h, --help             show this help\n" },
};

/* Each command: what it is, what it does, its own options, examples. */
struct help {
	const char *name;
	unsigned int kind;	/* R, T, L or B for the streaming commands; 0 otherwise */
	const char *usage;
	const char *about;
	const char *options;	/* the non-streaming commands' options */
	const char *units;
	const int codes[16];
	const char *examples;
};

#define SIZE_UNITS \
	"SIZE: 4096, 64K, 1.5M, 2Gi (K, M, G, T and Ki, Mi, Gi, Ti, KiB... are powers\n" \
	"of 1024; KB, MB, GB, TB powers of 1000).\n"
#define COUNT_UNITS \
	"COUNT and N: 1000, 10k, 1M (k, K, M, G are powers of 1000; Ki, Mi, Gi powers\n" \
	"of 1024).\n"
#define DURATION_UNITS \
	"DURATION: 500ms, 10s, 2m (ns, us, ms, s, m, h; a bare number is seconds).\n"

static const struct help helps[] = {
	{
		.name = "list",
		.usage = "dmastream list [--json] [-q]",
		.about = "Every dmastream channel, read from sysfs: its name (DEVICE/LABEL),\n"
			 "direction, ABI (dmastream, or dma_proxy for a DMA Proxy device's\n"
			 "channel, whose node is /dev/LABEL), dmaengine channel, provider, state\n"
			 "and ring.\n",
		.options = "      --json             print {\"channels\":[...]} instead of a table\n"
			   "  -q, --quiet            print nothing but errors (the exit status tells\n"
			   "                         whether the module is loaded)\n"
			   "  -h, --help             show this help\n",
		.codes = { EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_PERMISSION, EXIT_NO_MODULE, -1 },
		.examples = "  dmastream list\n"
			    "  dmastream list --json\n",
	},
	{
		.name = "info",
		.usage = "dmastream info DEVICE|DEVICE/LABEL|PATH [--json] [-q]",
		.about = "What a channel (or each channel of a device) can do: segment and\n"
			 "transfer limits, alignment, ring limits, residue granularity, cache\n"
			 "coherency, timeout, error threshold, and whether another program uses\n"
			 "it, and the device's ABI. The limits come from the driver when the\n"
			 "node can be read, from sysfs otherwise. A DMA Proxy device's channel\n"
			 "is also named by its LABEL alone or its node /dev/LABEL.\n",
		.options = "      --json             print {\"channels\":[...]} instead of text\n"
			   "  -q, --quiet            print nothing but errors (the exit status tells\n"
			   "                         whether the channel exists)\n"
			   "  -h, --help             show this help\n",
		.codes = { EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_NO_CHANNEL, EXIT_NO_MODULE, -1 },
		.examples = "  dmastream info loop0\n"
			    "  dmastream info loop0/rx --json\n",
	},
	{
		.name = "create",
		.usage = "dmastream create NAME --channels 'LABEL[=SOURCE] ...' [--json] [-q]\n"
			 "       dmastream create --loopback NAME [--engine N] [--json] [-q]\n"
			 "       dmastream create --dma-proxy [NAME] --loopback|--channels SPEC\n"
			 "                        [--engine N] [--json] [-q]",
		.about = "Create a dmastream device through configfs (mounted on\n"
			 "/sys/kernel/config if needed), enable it and wait until its nodes\n"
			 "/dev/dmastream/NAME/LABEL exist. A device that cannot be enabled is\n"
			 "removed again. NAME: letters, digits, '_', '-', '.', at most 31.\n"
			 "With --dma-proxy the device speaks the Xilinx DMA Proxy 2.0 ABI: NAME\n"
			 "defaults to dma_proxy, --loopback labels its channels dma_proxy_tx and\n"
			 "dma_proxy_rx, and each channel's node is /dev/LABEL. When another\n"
			 "device holds the channels, the command names it (exit status 6).\n",
		.options = "  -c, --channels SPEC    the channel list, written as is (docs/devices.md):\n"
			   "                         'tx=dma0chan0 rx=dma0chan1', 'tx', 'memcpy=dma2chan0'\n"
			   "  -l, --loopback         the tx and rx channels of a dmasim engine\n"
			   "  -e, --engine N         which dmasim engine, with --loopback (default 0)\n"
			   "      --dma-proxy        a DMA Proxy device (configfs abi dma_proxy); its\n"
			   "                         labels contain a '_'-separated tx or rx:\n"
			   "                         'dma_proxy_rx_0=dma0chan1'\n"
			   "      --json             print the device and its channels as JSON\n"
			   "  -q, --quiet            print nothing but errors\n"
			   "  -h, --help             show this help\n",
		.units = COUNT_UNITS,
		.codes = { EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_NO_CHANNEL, EXIT_PERMISSION,
			   EXIT_NO_MODULE, EXIT_BUSY, -1 },
		.examples = "  dmastream create --loopback loop0\n"
			    "  dmastream create adc --channels 'rx=dma1chan0'\n"
			    "  dmastream create --loopback --dma-proxy\n",
	},
	{
		.name = "remove",
		.usage = "dmastream remove NAME [--json] [-q]",
		.about = "Disable and remove a configfs device, also while its channels are open\n"
			 "(their transfers complete as aborted). Devices from a device tree\n"
			 "cannot be removed this way. A DMA Proxy device goes by its NAME too\n"
			 "(dmastream remove dma_proxy).\n",
		.options = "      --json             print {\"removed\":NAME}\n"
			   "  -q, --quiet            print nothing but errors\n"
			   "  -h, --help             show this help\n",
		.codes = { EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_NO_CHANNEL, EXIT_PERMISSION,
			   EXIT_NO_MODULE, -1 },
		.examples = "  dmastream remove loop0\n"
			    "  dmastream remove dma_proxy\n",
	},
	{
		.name = "stats",
		.usage = "dmastream stats DEVICE|DEVICE/LABEL [--watch[=INTERVAL]] [-n COUNT]\n"
			 "                       [--reset] [--json] [-q]",
		.about = "The driver's counters of a channel (or each channel of a device), from\n"
			 "sysfs (no access to the node needed). With --watch, one line per\n"
			 "channel every INTERVAL: transfers/s and rate over the time actually\n"
			 "measured, transfers in flight, new errors and new RX-queue-empty events,\n"
			 "until SIGINT or COUNT samples. A DMA Proxy device's channel is also\n"
			 "named by its LABEL alone or its node /dev/LABEL.\n",
		.options = "      --watch[=INTERVAL] sample every INTERVAL (a DURATION >= 10ms;\n"
			   "                         default 1s)\n"
			   "  -n, --count COUNT      with --watch: stop after COUNT samples\n"
			   "                         (default: until SIGINT)\n"
			   "      --reset            zero the counters first (needs write access to the\n"
			   "                         node; works while another program streams; not\n"
			   "                         on a DMA Proxy channel)\n"
			   "      --json             print {\"channels\":[...]}; with --watch one\n"
			   "                         object per channel per sample (JSON Lines)\n"
			   "  -q, --quiet            print nothing but errors (for --reset)\n"
			   "  -h, --help             show this help\n",
		.units = COUNT_UNITS DURATION_UNITS,
		.codes = { EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_NO_CHANNEL, EXIT_PERMISSION,
			   EXIT_NO_MODULE, -1 },
		.examples = "  dmastream stats loop0\n"
			    "  dmastream stats loop0/rx --watch=500ms -n 20\n"
			    "  dmastream stats loop0 --reset -q\n",
	},
	{
		.name = "rx",
		.kind = R,
		.usage = "dmastream rx CHANNEL|DEVICE [OPTIONS]",
		.about = "Receive on a channel (of a device: its first label starting with rx),\n"
			 "keeping --depth transfers queued, and write the data to a file, stdout,\n"
			 "a TCP peer or nowhere. With --verify each transfer must hold one\n"
			 "packet of the pattern (docs/pattern.md); the first one sets the\n"
			 "expected sequence number. When the RX queue runs dry (a slow sink) the\n"
			 "driver counts it and the tool warns. A closed output (| head) ends the\n"
			 "run normally. On a terminal, a progress line on stderr shows the bytes\n"
			 "so far, the rate, transfers/s and, with --count, --bytes or --duration,\n"
			 "the share done and the time left (ETA).\n",
		.units = SIZE_UNITS COUNT_UNITS DURATION_UNITS,
		.codes = { EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_NO_CHANNEL, EXIT_PERMISSION,
			   EXIT_NO_MODULE, EXIT_BUSY, EXIT_ENGINE, EXIT_TIMEOUT, EXIT_VERIFY,
			   EXIT_RESOURCES, EXIT_IO, EXIT_INTERRUPTED, -1 },
		.examples = "  dmastream rx loop0/rx -o capture.bin --bytes 1G\n"
			    "  dmastream rx loop0/rx --verify -o - | dmastream check\n"
			    "  dmastream rx adc --connect 127.0.0.1:5000\n",
	},
	{
		.name = "tx",
		.kind = T,
		.usage = "dmastream tx CHANNEL|DEVICE [OPTIONS]",
		.about = "Send on a channel (of a device: its first label starting with tx)\n"
			 "packets of the pattern, or the contents of a file or stdin in\n"
			 "transfers of --size bytes until its end. On a terminal, a progress\n"
			 "line on stderr shows the bytes so far, the rate, transfers/s and, with\n"
			 "--count, --bytes or --duration, the share done and the time left (ETA).\n",
		.units = SIZE_UNITS COUNT_UNITS DURATION_UNITS,
		.codes = { EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_NO_CHANNEL, EXIT_PERMISSION,
			   EXIT_NO_MODULE, EXIT_BUSY, EXIT_ENGINE, EXIT_TIMEOUT, EXIT_RESOURCES,
			   EXIT_IO, EXIT_INTERRUPTED, -1 },
		.examples = "  dmastream tx loop0/tx -n 10k -s 1M\n"
			    "  dmastream tx loop0 -i firmware.bin\n",
	},
	{
		.name = "loop",
		.kind = L,
		.usage = "dmastream loop DEVICE|MEMCPY-CHANNEL [OPTIONS]",
		.about = "Send packets on the device's tx channel and receive them back on its rx\n"
			 "channel (or copy them with a memcpy channel), checking every packet:\n"
			 "corruption, wrong length, drops, duplicates and reordering are each\n"
			 "counted. With --count, the run succeeds only when every packet came\n"
			 "back and verified. On a terminal, a progress line on stderr shows the\n"
			 "bytes so far, the rate, transfers/s and, with --count, --bytes or\n"
			 "--duration, the share done and the time left (ETA).\n",
		.units = SIZE_UNITS COUNT_UNITS DURATION_UNITS,
		.codes = { EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_NO_CHANNEL, EXIT_PERMISSION,
			   EXIT_NO_MODULE, EXIT_BUSY, EXIT_ENGINE, EXIT_TIMEOUT, EXIT_VERIFY,
			   EXIT_RESOURCES, EXIT_INTERRUPTED, -1 },
		.examples = "  dmastream loop loop0 -n 10k -s 1M --verify=fast\n"
			    "  dmastream loop loop0 -n 1000 -s 4096 --json\n",
	},
	{
		.name = "bench",
		.kind = B,
		.usage = "dmastream bench DEVICE|CHANNEL [OPTIONS]",
		.about = "For each size of --sizes, a run of --duration or --count transfers:\n"
			 "rate, transfers/s and latency percentiles (p50, p99, max), one line\n"
			 "per size. The target is a device (looped back as by loop) or one\n"
			 "channel (rx, tx or memcpy alone). No verification unless asked.\n",
		.units = SIZE_UNITS COUNT_UNITS DURATION_UNITS,
		.codes = { EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_NO_CHANNEL, EXIT_PERMISSION,
			   EXIT_NO_MODULE, EXIT_BUSY, EXIT_ENGINE, EXIT_TIMEOUT, EXIT_VERIFY,
			   EXIT_RESOURCES, EXIT_INTERRUPTED, -1 },
		.examples = "  dmastream bench loop0\n"
			    "  dmastream bench loop0 --sizes 4K,64K,1M,4M -t 2s --json\n",
	},
	{
		.name = "check",
		.usage = "dmastream check [FILE|-] [--verify=fast|full] [--stream ID|--any-stream]\n"
			 "                       [--from-zero] [--format dmastream|dmasim] [--json] [-q]",
		.about = "Verify a byte stream of packets from FILE or stdin, as rx -o writes it\n"
			 "or a TCP client of the examples receives it: packets one after the\n"
			 "other, each as long as its header says. The first packet sets the\n"
			 "expected sequence number. Bytes that are no packet are skipped (and\n"
			 "counted) until a valid header is found again; a packet cut off by the\n"
			 "end of the input is a bad length. Anything wrong: exit status 9.\n",
		.options = "      --verify=fast|full how to check each packet (default full)\n"
			   "      --stream ID        the stream id expected (default 0)\n"
			   "      --any-stream       accept packets of any stream id\n"
			   "      --from-zero        expect the first packet to be number 0\n"
			   "      --format dmastream|dmasim  packet format (default dmastream)\n"
			   "      --json             print one JSON object instead of text\n"
			   "  -q, --quiet            print nothing unless the check failed\n"
			   "  -h, --help             show this help\n",
		.units = COUNT_UNITS,
		.codes = { EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_VERIFY, EXIT_RESOURCES, EXIT_IO, -1 },
		.examples = "  dmastream check capture.bin\n"
			    "  dmastream rx loop0/rx -n 1000 -o - | dmastream check --json\n",
	},
};

#define NHELPS (sizeof(helps) / sizeof(helps[0]))

static const char *code_meaning(int code)
{
	switch (code) {
	case EXIT_OK:		return "success";
	case EXIT_FAIL:		return "another failure";
	case EXIT_USAGE:	return "bad options or arguments";
	case EXIT_NO_CHANNEL:	return "no such device or channel (or it went away)";
	case EXIT_PERMISSION:	return "permission denied";
	case EXIT_NO_MODULE:	return "a module is not loaded (dmastream; dmasim; configfs), or too old";
	case EXIT_BUSY:		return "busy: the channel is in use, or the name is taken";
	case EXIT_ENGINE:	return "engine error (or the sticky error state)";
	case EXIT_TIMEOUT:	return "timeout: a transfer timed out, or nothing completed";
	case EXIT_VERIFY:	return "verification failed (corrupt, dropped, reordered...)";
	case EXIT_RESOURCES:	return "resources: too large for the channel, or no memory";
	case EXIT_IO:		return "reading the input or writing the output failed";
	case EXIT_INTERRUPTED:	return "interrupted (SIGINT, SIGTERM) before the count";
	default:		return "";
	}
}

static const struct help *find(const char *cmd)
{
	size_t i;

	for (i = 0; cmd && i < NHELPS; i++)
		if (!strcmp(helps[i].name, cmd))
			return &helps[i];
	return NULL;
}

const int *help_exit_codes(const char *cmd)
{
	const struct help *h = find(cmd);

	return h ? h->codes : NULL;
}

int help_print(FILE *f, const char *cmd)
{
	const struct help *h = find(cmd);
	size_t i;

	if (!h)
		return -1;
	fprintf(f, "usage: %s\n\n%s\nOptions:\n", h->usage, h->about);
	if (h->kind) {
		for (i = 0; i < sizeof(stream_option_help) / sizeof(stream_option_help[0]); i++)
			if (stream_option_help[i].kinds & h->kind)
				fputs(stream_option_help[i].text, f);
	} else {
		fputs(h->options, f);
	}
	if (h->units)
		fprintf(f, "\n%s", h->units);
	fputs("\nExit status:\n", f);
	for (i = 0; h->codes[i] >= 0; i++)
		fprintf(f, "  %3d  %s\n", h->codes[i], code_meaning(h->codes[i]));
	fprintf(f, "\nExamples:\n%s\nSee dmastream(1).\n", h->examples);
	return 0;
}
