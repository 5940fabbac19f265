/* SPDX-License-Identifier: MIT */
/*
 * What every subcommand shares: output settings, failure reporting and the
 * exit codes (documented in dmastream(1)). A failure prints one line on
 * stderr and, with --json, one object {"error", "class", "exit_code"} on
 * stdout, so that scripts always get JSON.
 */
#ifndef DMS_TOOL_CLI_H
#define DMS_TOOL_CLI_H

#include <stdbool.h>
#include <stdio.h>

enum exit_code {
	EXIT_OK = 0,
	EXIT_FAIL = 1,		/* anything not below */
	EXIT_USAGE = 2,		/* bad command line */
	EXIT_NO_CHANNEL = 3,	/* no such device or channel (or it went away) */
	EXIT_PERMISSION = 4,	/* not allowed to open or configure it */
	EXIT_NO_MODULE = 5,	/* dmastream (or dmasim, configfs) not loaded */
	EXIT_BUSY = 6,		/* another program owns the channel; name taken */
	EXIT_ENGINE = 7,	/* a transfer failed in the engine; sticky error state */
	EXIT_TIMEOUT = 8,	/* a transfer timed out, or nothing completed in time */
	EXIT_VERIFY = 9,	/* data did not verify: corrupt, dropped, duplicated, reordered */
	EXIT_RESOURCES = 10,	/* ring too large for the module's limits, or no memory */
	EXIT_IO = 11,		/* reading the input or writing the output failed */
	EXIT_INTERRUPTED = 130,	/* stopped by SIGINT/SIGTERM before finishing */
};

struct cli {
	const char *cmd;	/* the subcommand, for messages */
	bool json;
	bool quiet;
	FILE *out;
	FILE *err;
};

const char *exit_class(int code);
/* The exit code for an errno met while opening or setting up a channel. */
int exit_for_errno(int err);
/* Report a failure (see above) and return @code. */
int cli_fail(struct cli *c, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Report a failure from an errno, with the class that errno falls in. */
int cli_fail_errno(struct cli *c, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* DMS_TOOL_CLI_H */
