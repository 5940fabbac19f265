// SPDX-License-Identifier: MIT
/*
 * dmastream rx, tx, loop: pick the channels of the target, open what the
 * data comes from or goes to, run, report.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "commands.h"
#include "devices.h"
#include "stream.h"
#include "targets.h"

int stream_connect(struct cli *c, const char *hostport, int *fdp)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	char host[256], *colon;
	int fd = -1, ret;

	snprintf(host, sizeof(host), "%s", hostport);
	colon = strrchr(host, ':');
	if (!colon)
		return cli_fail(c, EXIT_USAGE, "--connect wants HOST:PORT, not '%s'", hostport);
	*colon = '\0';
	ret = getaddrinfo(host, colon + 1, &hints, &res);
	if (ret)
		return cli_fail(c, EXIT_IO, "cannot resolve %s: %s", hostport, gai_strerror(ret));
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		ret = -errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		return cli_fail(c, EXIT_IO, "cannot connect to %s: %s", hostport, strerror(-ret));
	*fdp = fd;
	return EXIT_OK;
}

static int open_file(struct cli *c, const char *name, bool output, int *fdp)
{
	int fd;

	if (!strcmp(name, "-")) {
		*fdp = output ? STDOUT_FILENO : STDIN_FILENO;
		return EXIT_OK;
	}
	fd = output ? open(name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) :
		      open(name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cli_fail(c, EXIT_IO, "cannot open %s: %s", name, strerror(errno));
	*fdp = fd;
	return EXIT_OK;
}

static int run_stream(struct cli *c, int argc, char **argv, enum stream_kind kind)
{
	struct dms_channel *tx = NULL, *rx = NULL;
	struct stream_opts o;
	struct stream_result r;
	struct target t;
	int sink = -1, source = -1, ret;
	char err[160];

	ret = stream_parse(argc, argv, kind, &o, err, sizeof(err));
	c->json = o.json;
	c->quiet = o.quiet;
	if (ret)
		return cli_fail(c, ret, "%s", err);
	if (o.help) {
		stream_usage(c->out, kind);
		return EXIT_OK;
	}
	if (parse_target(o.target, &t) < 0)
		return cli_fail(c, EXIT_USAGE, "not a device or channel name: %s", o.target);

	ret = open_targets(c, &o, &t, &tx, &rx);
	if (ret)
		goto out;
	if (rx && kind == STREAM_RX && dms_channel_direction(rx) != DMASTREAM_DIR_RX) {
		ret = cli_fail(c, EXIT_USAGE, "%s is not an rx channel", o.target);
		goto out;
	}
	if (tx && kind == STREAM_TX && dms_channel_direction(tx) != DMASTREAM_DIR_TX) {
		ret = cli_fail(c, EXIT_USAGE, "%s is not a tx channel", o.target);
		goto out;
	}
	if (o.output)
		ret = open_file(c, o.output, true, &sink);
	else if (o.connect)
		ret = stream_connect(c, o.connect, &sink);
	else if (o.input)
		ret = open_file(c, o.input, false, &source);
	if (ret)
		goto out;

	ret = stream_run(&o, tx, rx, sink, source, c->err, &r);
	if (ret < 0) {
		ret = stream_setup_failed(c, &o, ret);
		goto out;
	}
	ret = stream_exit_code(&o, &r);
	stream_report(c->out, c->err, &o, o.target, &r, ret);
out:
	if (sink > STDERR_FILENO)
		close(sink);
	if (source > STDERR_FILENO)
		close(source);
	/* Closing stops anything left and frees the ring: the channel is reusable. */
	dms_channel_close(tx);
	dms_channel_close(rx);
	return ret;
}

int cmd_rx(struct cli *c, int argc, char **argv)
{
	return run_stream(c, argc, argv, STREAM_RX);
}

int cmd_tx(struct cli *c, int argc, char **argv)
{
	return run_stream(c, argc, argv, STREAM_TX);
}

int cmd_loop(struct cli *c, int argc, char **argv)
{
	return run_stream(c, argc, argv, STREAM_LOOP);
}
