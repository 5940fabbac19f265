// SPDX-License-Identifier: MIT
/*
 * "dmastream COMMAND --help" names exactly the options the command takes,
 * with its exit statuses and examples, and agrees with dmastream(1)
 * (its path is the first argument): every option of a help is in the man
 * page, every option of the man page in some help, every exit status of a
 * help in EXIT STATUS, and the synopsis of each simple command lists its
 * options.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cli.h"
#include "commands.h"
#include "help.h"
#include "stream.h"

static const char *const commands[] = {
	"list", "info", "create", "remove", "stats", "rx", "tx", "loop", "bench", "check",
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static char *help_of(const char *cmd)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CHECK_EQ(help_print(f, cmd), 0);
	fclose(f);
	return buf;
}

/* "--name" as a whole word in @text (not "--name-more"). */
static bool mentions(const char *text, const char *name)
{
	char pat[64];
	const char *p = text;
	size_t n;

	snprintf(pat, sizeof(pat), "--%s", name);
	n = strlen(pat);
	while ((p = strstr(p, pat))) {
		if (!isalnum((unsigned char)p[n]) && p[n] != '-' &&
		    (p == text || p[-1] != '-'))
			return true;
		p += n;
	}
	return false;
}

/* "-c" as a word in @text. */
static bool mentions_short(const char *text, int c)
{
	const char *p = text;

	if (c <= ' ' || c > '~')
		return false;
	while ((p = strchr(p, '-'))) {
		if (p[1] == c && !isalnum((unsigned char)p[2]) && p[2] != '-' &&
		    (p == text || p[-1] != '-'))
			return true;
		p++;
	}
	return false;
}

/* A valid value for each option of rx/tx/loop/bench (NULL: takes none). */
static const struct {
	const char *name, *value;
} samples[] = {
	{ "size", "4K" }, { "sizes", "4K,8K" }, { "depth", "4" }, { "buffers", "8" },
	{ "memory", "cached" },
	{ "batch", "4" }, { "count", "10" }, { "bytes", "1M" }, { "duration", "1s" },
	{ "timeout", "1s" }, { "xfer-timeout", "5ms" }, { "pattern", "prbs" },
	{ "verify", NULL }, { "no-verify", NULL }, { "stream", "3" }, { "output", "f" },
	{ "connect", "h:1" }, { "input", "f" }, { "tx", "a" }, { "rx", "b" },
	{ "sink-delay", "1ms" }, { "format", "dmasim" }, { "json", NULL }, { "quiet", NULL },
	{ "help", NULL },
};

/* Does @kind take --name (with a valid value)? */
static bool takes(enum stream_kind kind, const char *name)
{
	char opt[64], err[160], *argv[5];
	struct stream_opts o;
	int argc = 0;
	size_t i;

	for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++)
		if (!strcmp(samples[i].name, name))
			break;
	/* A new option needs a sample here (and a line in its help). */
	CHECK(i < sizeof(samples) / sizeof(samples[0]));
	if (i == sizeof(samples) / sizeof(samples[0]))
		return false;
	snprintf(opt, sizeof(opt), "--%s", name);
	argv[argc++] = (char *)"cmd";
	argv[argc++] = opt;
	if (samples[i].value)
		argv[argc++] = (char *)samples[i].value;
	argv[argc++] = (char *)"target";
	argv[argc] = NULL;
	return stream_parse(argc, argv, kind, &o, err, sizeof(err)) == EXIT_OK;
}

static void check_table(const char *cmd, const char *help, const struct option *t)
{
	for (; t->name; t++)
		if (!mentions(help, t->name)) {
			fprintf(stderr, "%s --help does not mention --%s\n", cmd, t->name);
			CHECK(0);
		}
}

/* Every "--word" of @text must be a long option of @t. */
static void check_no_extra(const char *cmd, const char *help, const struct option *t)
{
	const char *p = help;
	char word[64];
	size_t n;

	while ((p = strstr(p, "--"))) {
		p += 2;
		for (n = 0; n < sizeof(word) - 1 && (isalnum((unsigned char)p[n]) || p[n] == '-'); n++)
			word[n] = p[n];
		word[n] = '\0';
		if (!n)
			continue;
		{
			const struct option *o;

			for (o = t; o->name && strcmp(o->name, word); o++)
				;
			if (!o->name) {
				fprintf(stderr, "%s --help names --%s, which it does not take\n",
					cmd, word);
				CHECK(0);
			}
		}
	}
}

static char *read_man(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf, *in, *out;
	long len;

	CHECK(f != NULL);
	if (!f)
		exit(check_report());
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)len + 1);
	CHECK_EQ(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	/* troff's "\-" is a plain '-' once printed. */
	for (in = out = buf; *in; in++) {
		if (in[0] == '\\' && in[1] == '-')
			continue;
		*out++ = *in;
	}
	*out = '\0';
	return buf;
}

/* The man page's SYNOPSIS lines of @cmd, one after the other. */
static char *synopsis_of(const char *man, const char *cmd)
{
	const char *syn = strstr(man, ".SH SYNOPSIS"), *end = strstr(man, ".SH DESCRIPTION");
	char head[64], *out = calloc(1, 4096);
	const char *p = syn, *stop;

	snprintf(head, sizeof(head), ".B dmastream %s", cmd);
	while (p && (p = strstr(p, head)) && p < end) {
		if (p[strlen(head)] != '\n' && p[strlen(head)] != ' ') {
			p++;
			continue;
		}
		stop = strstr(p, ".br");
		if (!stop || stop > end)
			stop = end;
		strncat(out, p, (size_t)(stop - p) < 4095 - strlen(out) ?
			(size_t)(stop - p) : 4095 - strlen(out));
		p = stop;
	}
	return out;
}

int main(int argc, char **argv)
{
	static const enum stream_kind kinds[] = { STREAM_RX, STREAM_TX, STREAM_LOOP, STREAM_BENCH };
	static const char *const kind_cmd[] = { "rx", "tx", "loop", "bench" };
	const struct option *tables[] = {
		list_options, list_options, create_options, remove_options, stats_options,
		stream_options, stream_options, stream_options, stream_options, check_options,
	};
	char *help[NCOMMANDS], *man, *exits, *syn, usage[64], line[32];
	const struct option *o;
	const int *codes;
	size_t i, k;

	CHECK_EQ(argc, 2);
	if (argc != 2)
		return check_report();
	man = read_man(argv[1]);
	exits = strstr(man, ".SH EXIT STATUS");
	CHECK(exits != NULL);

	CHECK_EQ(help_print(stdout, "frobnicate"), -1);
	CHECK(help_exit_codes("frobnicate") == NULL);

	for (i = 0; i < NCOMMANDS; i++) {
		help[i] = help_of(commands[i]);
		snprintf(usage, sizeof(usage), "usage: dmastream %s", commands[i]);
		CHECK(strncmp(help[i], usage, strlen(usage)) == 0);
		CHECK(strstr(help[i], "\nOptions:\n") != NULL);
		CHECK(strstr(help[i], "\nExit status:\n") != NULL);
		CHECK(strstr(help[i], "\nExamples:\n  dmastream ") != NULL);
		CHECK(mentions(help[i], "help") && mentions(help[i], "json") &&
		      mentions(help[i], "quiet"));
		check_no_extra(commands[i], help[i], tables[i]);
		/* It fits a terminal of 80 columns. */
		{
			const char *l = help[i], *nl;

			for (; (nl = strchr(l, '\n')); l = nl + 1)
				if (nl - l > 80) {
					fprintf(stderr, "%s --help: a line of %d columns\n",
						commands[i], (int)(nl - l));
					CHECK(0);
				}
		}

		/* The exit statuses: 0, 1 and 2 always; each also in the man page. */
		codes = help_exit_codes(commands[i]);
		CHECK(codes != NULL);
		CHECK(codes[0] == EXIT_OK && codes[1] == EXIT_FAIL && codes[2] == EXIT_USAGE);
		for (k = 0; codes[k] >= 0; k++) {
			snprintf(line, sizeof(line), "\n  %3d  ", codes[k]);
			CHECK(strstr(help[i], line) != NULL);
			snprintf(line, sizeof(line), "\n.B %d\n", codes[k]);
			if (!exits || !strstr(exits, line)) {
				fprintf(stderr, "exit status %d is not in dmastream.1\n", codes[k]);
				CHECK(0);
			}
		}

		/* Every option named in a help is in the man page. */
		for (o = tables[i]; o->name; o++)
			if (mentions(help[i], o->name) && !mentions(man, o->name)) {
				fprintf(stderr, "--%s (%s) is not in dmastream.1\n", o->name,
					commands[i]);
				CHECK(0);
			}
	}

	/* Simple commands: the help and the man page's synopsis name every option. */
	for (i = 0; i < NCOMMANDS; i++) {
		if (tables[i] == stream_options)
			continue;
		check_table(commands[i], help[i], tables[i]);
		syn = synopsis_of(man, commands[i]);
		for (o = tables[i]; o->name; o++)
			if (strcmp(o->name, "help") && !mentions(syn, o->name) &&
			    !mentions_short(syn, o->val)) {
				fprintf(stderr, "dmastream.1's synopsis of %s lacks --%s\n",
					commands[i], o->name);
				CHECK(0);
			}
		free(syn);
	}

	/* Streaming commands: the help names exactly what the command takes. */
	for (k = 0; k < 4; k++) {
		const char *h = NULL;

		for (i = 0; i < NCOMMANDS; i++)
			if (!strcmp(commands[i], kind_cmd[k]))
				h = help[i];
		for (o = stream_options; o->name; o++) {
			bool taken = takes(kinds[k], o->name), named = mentions(h, o->name);

			if (taken != named) {
				fprintf(stderr, "%s: --%s is %s but %s in its help\n", kind_cmd[k],
					o->name, taken ? "taken" : "refused",
					named ? "named" : "missing");
				CHECK(0);
			}
		}
	}

	/* Every long option of the man page is some command's. */
	{
		const char *p = man;
		char word[64];
		size_t n;

		while ((p = strstr(p, "--"))) {
			bool found = false;

			p += 2;
			for (n = 0; n < sizeof(word) - 1 &&
			     (isalnum((unsigned char)p[n]) || p[n] == '-'); n++)
				word[n] = p[n];
			word[n] = '\0';
			if (!n)
				continue;
			for (i = 0; i < NCOMMANDS && !found; i++)
				found = mentions(help[i], word);
			if (!found) {
				fprintf(stderr, "dmastream.1 names --%s, which no help does\n", word);
				CHECK(0);
			}
		}
	}

	for (i = 0; i < NCOMMANDS; i++)
		free(help[i]);
	free(man);
	return check_report();
}
