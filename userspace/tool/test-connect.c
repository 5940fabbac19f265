// SPDX-License-Identifier: MIT
/*
 * rx --connect HOST:PORT: what it connects to, and its failures: no port
 * (usage, 2), nobody listening (I/O, 11), with --json as a JSON object.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "cli.h"
#include "commands.h"

/* A listening socket on 127.0.0.1; its port in *@port. */
static int listener(unsigned int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK(fd >= 0);
	CHECK_EQ(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	CHECK_EQ(listen(fd, 1), 0);
	CHECK_EQ(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

int main(void)
{
	char *out = NULL, *err = NULL, hostport[64], buf[8];
	size_t outlen = 0, errlen = 0;
	struct cli c = { .cmd = "rx" };
	unsigned int port;
	int lfd, fd = -1, peer;

	c.out = open_memstream(&out, &outlen);
	c.err = open_memstream(&err, &errlen);

	/* Connected: what the tool writes, the peer reads. */
	lfd = listener(&port);
	snprintf(hostport, sizeof(hostport), "127.0.0.1:%u", port);
	CHECK_EQ(stream_connect(&c, hostport, &fd), EXIT_OK);
	CHECK(fd >= 0);
	peer = accept(lfd, NULL, NULL);
	CHECK(peer >= 0);
	CHECK_EQ(write(fd, "pkt", 3), 3);
	CHECK_EQ(read(peer, buf, sizeof(buf)), 3);
	CHECK(memcmp(buf, "pkt", 3) == 0);
	close(peer);
	close(fd);
	close(lfd);

	/* Nobody listens there any more: an I/O failure, said on stderr. */
	fd = -1;
	CHECK_EQ(stream_connect(&c, hostport, &fd), EXIT_IO);
	CHECK_EQ(fd, -1);
	fflush(c.err);
	CHECK(err && strstr(err, "cannot connect to 127.0.0.1:"));

	/* No port: usage. */
	CHECK_EQ(stream_connect(&c, "localhost", &fd), EXIT_USAGE);
	fflush(c.out);
	CHECK_STR(out, "");

	/* With --json, the failure is JSON on stdout. */
	c.json = true;
	CHECK_EQ(stream_connect(&c, hostport, &fd), EXIT_IO);
	fflush(c.out);
	CHECK(strstr(out, "\"class\":\"io-error\",\"exit_code\":11}") != NULL);

	fclose(c.out);
	fclose(c.err);
	free(out);
	free(err);
	return check_report();
}
