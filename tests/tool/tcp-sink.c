// SPDX-License-Identifier: GPL-2.0-only
/*
 * tcp-sink PORT: connect to 127.0.0.1:PORT and copy what arrives to
 * standard output until the server closes the connection. The examples'
 * test is the client of the example servers with it, wherever no bash
 * (/dev/tcp) or netcat is at hand, as in the ARM lanes' initramfs.
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

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	static char buf[1 << 16];
	char *end;
	unsigned long port;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: tcp-sink PORT\n");
		return 2;
	}
	port = strtoul(argv[1], &end, 10);
	if (*end || !port || port > 65535) {
		fprintf(stderr, "tcp-sink: bad port %s\n", argv[1]);
		return 2;
	}
	sa.sin_port = htons((unsigned short)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("tcp-sink");
		return 1;
	}
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
