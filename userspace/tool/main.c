// SPDX-License-Identifier: MIT
/*
 * dmastream: list, create, stream, verify and measure dmastream channels.
 * The subcommands are in cmd-*.c; exit codes in cli.h and dmastream(1).
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "help.h"

static const struct {
	const char *name;
	int (*fn)(struct cli *c, int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "list", cmd_list, "list channels" },
	{ "info", cmd_info, "what a device or channel can do" },
	{ "create", cmd_create, "create a device through configfs (--loopback: on dmasim)" },
	{ "remove", cmd_remove, "remove a configfs device" },
	{ "stats", cmd_stats, "a channel's counters, once or --watch" },
	{ "rx", cmd_rx, "receive: to a file, stdout, a TCP peer or nowhere" },
	{ "tx", cmd_tx, "send a pattern or a file" },
	{ "loop", cmd_loop, "send and receive back (tx+rx or memcpy), verified" },
	{ "bench", cmd_bench, "throughput and latency over transfer sizes" },
	{ "check", cmd_check, "verify a file or stream of pattern packets (rx -o, TCP)" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	size_t i;

	fputs("usage: dmastream COMMAND [OPTIONS] [ARGS]\n"
	      "       dmastream COMMAND --help     (or: dmastream help COMMAND)\n\n", f);
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fputs("\nSizes: 4096, 64K, 1Mi (K/M/G, Ki/Mi/Gi = 1024^n; KB/MB/GB = 1000^n); counts:\n"
	      "1000, 10k (k/M/G = 1000^n, Ki/Mi/Gi = 1024^n); durations: 500ms, 10s, 2m.\n"
	      "--json prints JSON, -q only errors. Exit codes: 0 ok,\n"
	      "2 usage, 3 no such channel, 4 permission, 5 module not loaded, 6 busy,\n"
	      "7 engine error, 8 timeout, 9 verification failed, 10 resources, 11 I/O,\n"
	      "130 interrupted, 1 other. See dmastream(1).\n", f);
}

int main(int argc, char **argv)
{
	struct cli c = { .out = stdout, .err = stderr };
	size_t i;

	/* A closed output is an error to report, not a reason to die silently. */
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		if (argc > 2 && !strcmp(argv[1], "help")) {
			if (help_print(stdout, argv[2]) == 0)
				return EXIT_OK;
			fprintf(stderr, "dmastream: unknown command '%s'\n\n", argv[2]);
			usage(stderr);
			return EXIT_USAGE;
		}
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("dmastream %s\n", DMASTREAM_VERSION);
		return EXIT_OK;
	}
	for (i = 0; i < NCOMMANDS; i++) {
		if (!strcmp(argv[1], commands[i].name)) {
			c.cmd = commands[i].name;
			/* getopt sees "dmastream COMMAND ..." as argv[0] = COMMAND. */
			return commands[i].fn(&c, argc - 1, argv + 1);
		}
	}
	fprintf(stderr, "dmastream: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
