/* SPDX-License-Identifier: MIT */
/* The subcommands; each returns an exit code (cli.h). */
#ifndef DMS_TOOL_COMMANDS_H
#define DMS_TOOL_COMMANDS_H

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

#endif /* DMS_TOOL_COMMANDS_H */
