/* SPDX-License-Identifier: MIT */
/*
 * "dmastream COMMAND --help": what the command does, each option with its
 * unit and default, the exit statuses it can return and examples. The
 * same facts as dmastream(1); test-help checks that the two agree.
 */
#ifndef DMS_TOOL_HELP_H
#define DMS_TOOL_HELP_H

#include <stdio.h>

/* Print the help of @cmd; -1 when there is no such command. */
int help_print(FILE *f, const char *cmd);
/* The exit statuses @cmd can return, ending with -1 (NULL: unknown). */
const int *help_exit_codes(const char *cmd);

#endif /* DMS_TOOL_HELP_H */
