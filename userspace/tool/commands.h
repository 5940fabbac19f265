/* SPDX-License-Identifier: MIT */
/* The subcommands; each returns an exit code (cli.h). */
#ifndef DMS_TOOL_COMMANDS_H
#define DMS_TOOL_COMMANDS_H

#include <getopt.h>

#include "cli.h"

int cmd_list(struct cli *c, int argc, char **argv);
int cmd_info(struct cli *c, int argc, char **argv);
int cmd_create(struct cli *c, int argc, char **argv);
int cmd_remove(struct cli *c, int argc, char **argv);
int cmd_stats(struct cli *c, int argc, char **argv);
int cmd_rx(struct cli *c, int argc, char **argv);
int cmd_tx(struct cli *c, int argc, char **argv);
int cmd_loop(struct cli *c, int argc, char **argv);
int cmd_bench(struct cli *c, int argc, char **argv);
int cmd_check(struct cli *c, int argc, char **argv);

/* rx --connect HOST:PORT: a connected TCP socket in *@fdp, or a failure (2, 11). */
int stream_connect(struct cli *c, const char *hostport, int *fdp);

/* The commands' long options (info shares list's; rx, tx, loop and bench
 * stream_options), for test-help to hold their help to. */
extern const struct option list_options[], create_options[], remove_options[],
	stats_options[], check_options[], stream_options[];

#endif /* DMS_TOOL_COMMANDS_H */
