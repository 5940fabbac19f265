// SPDX-License-Identifier: GPL-2.0-only
/*
 * tcp-sink PORT: connect to 127.0.0.1:PORT and copy what arrives to
 * standard output until the server closes the connection.
 * tcp-sink --listen PORT: listen on 127.0.0.1:PORT instead, say so on
 * standard error ("listening on 127.0.0.1:PORT"), accept one client and
 * copy what it sends until it closes.
 * The tests use it wherever no bash (/dev/tcp) or netcat is at hand, as in
 * the ARM lanes' initramfs: the client of the example servers, the peer of
 * "dmastream rx --connect".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The connected socket, or -1 after saying why. */
static int open_stream(int listen_mode, unsigned short port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int one = 1;
	int fd, conn;

	sa.sin_port = htons(port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0) {
		perror("tcp-sink: socket");
		return -1;
	}
	if (!listen_mode) {
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
			perror("tcp-sink");
			close(fd);
			return -1;
		}
		return fd;
	}
	/* A test may reuse the port of a run that just ended. */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 1)) {
		perror("tcp-sink: listen");
		close(fd);
		return -1;
	}
	fprintf(stderr, "listening on 127.0.0.1:%u\n", port);
	do
		conn = accept(fd, NULL, NULL);
	while (conn < 0 && errno == EINTR);
	if (conn < 0)
		perror("tcp-sink: accept");
	close(fd);
	return conn;
}

int main(int argc, char **argv)
{
	static char buf[1 << 16];
	int listen_mode = argc == 3 && !strcmp(argv[1], "--listen");
	const char *arg = argv[argc - 1];
	char *end;
	unsigned long port;
	int fd;

	if (argc != 2 && !listen_mode) {
		fprintf(stderr, "usage: tcp-sink [--listen] PORT\n");
		return 2;
	}
	port = strtoul(arg, &end, 10);
	if (*end || !port || port > 65535) {
		fprintf(stderr, "tcp-sink: bad port %s\n", arg);
		return 2;
	}
	fd = open_stream(listen_mode, (unsigned short)port);
	if (fd < 0)
		return 1;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			perror("tcp-sink: read");
			return 1;
		}
		if (!n)
			return 0;
		if (write_all(STDOUT_FILENO, buf, (size_t)n)) {
			perror("tcp-sink: write");
			return 1;
		}
	}
}
