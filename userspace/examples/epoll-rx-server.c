// SPDX-License-Identifier: MIT
/*
 * Stream an RX channel to one TCP client, with epoll.
 *
 *   epoll-rx-server CHANNEL [PORT]      e.g. epoll-rx-server loop0/rx 5000
 *
 * Every ring buffer is queued for RX. When the channel's fd is readable,
 * the completions are reaped from the shared completion queue (no system
 * call) and their data is written to the client; a buffer is queued again
 * once all of its data is out. A slow client thus holds buffers back, and
 * the driver counts the times the RX queue ran dry (dmastream stats).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* accept4() */
#endif
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libdmastream.h>

#define NBUFS	16
#define BUFSIZE	(64 * 1024)

struct pending {		/* received data not yet sent, oldest first */
	uint32_t buf, len, sent;
};

static volatile sig_atomic_t stop;

static void on_sigint(int sig)
{
	(void)sig;
	stop = 1;
}

static int listen_and_accept(int port)
{
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_port = htons((uint16_t)port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	int one = 1, lfd, cfd;

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(lfd, 1) < 0)
		return -1;
	printf("listening on 127.0.0.1:%d\n", port);
	fflush(stdout);
	cfd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
	close(lfd);
	return cfd;
}

int main(int argc, char **argv)
{
	struct pending q[NBUFS];
	unsigned int qhead = 0, qlen = 0, i;
	struct epoll_event ev, events[2];
	struct dms_channel *ch;
	struct dmastream_cqe cqes[NBUFS];
	int ep, client, ret, n;
	bool want_out = false;

	if (argc < 2) {
		fprintf(stderr, "usage: %s CHANNEL [PORT]\n", argv[0]);
		return 2;
	}
	ret = dms_channel_open(argv[1], 0, &ch);
	if (ret == 0)
		ret = dms_ring_setup(ch, NBUFS, BUFSIZE, 0);
	if (ret) {
		fprintf(stderr, "%s: %s\n", argv[1], strerror(-ret));
		return 1;
	}
	client = listen_and_accept(argc > 2 ? atoi(argv[2]) : 5000);
	if (client < 0) {
		perror("socket");
		return 1;
	}
	signal(SIGINT, on_sigint);
	signal(SIGPIPE, SIG_IGN);

	ep = epoll_create1(0);
	ev = (struct epoll_event){ .events = EPOLLIN, .data.fd = dms_channel_fd(ch) };
	epoll_ctl(ep, EPOLL_CTL_ADD, dms_channel_fd(ch), &ev);
	ev = (struct epoll_event){ .events = EPOLLRDHUP, .data.fd = client };
	epoll_ctl(ep, EPOLL_CTL_ADD, client, &ev);

	for (i = 0; i < NBUFS; i++)
		dms_submit_buf(ch, i, i, 0, BUFSIZE);

	while (!stop) {
		n = epoll_wait(ep, events, 2, -1);
		for (int e = 0; e < n; e++) {
			if (events[e].data.fd == client && (events[e].events & (EPOLLRDHUP | EPOLLERR | EPOLLHUP)))
				stop = 1;
			if ((events[e].events & EPOLLERR) && events[e].data.fd != client) {
				fprintf(stderr, "channel error (sticky error state or removed)\n");
				stop = 1;
			}
		}
		/* Reap everything the driver posted; the cookie is the buffer. */
		int got = (int)dms_reap(ch, cqes, NBUFS);

		for (int k = 0; k < got; k++) {
			if (cqes[k].status != DMASTREAM_STATUS_OK) {
				fprintf(stderr, "transfer %llu: %s\n", (unsigned long long)cqes[k].seq,
					dms_status_name(cqes[k].status));
				dms_submit_buf(ch, cqes[k].cookie, (uint32_t)cqes[k].cookie, 0, BUFSIZE);
				continue;
			}
			q[(qhead + qlen++) % NBUFS] = (struct pending){
				.buf = (uint32_t)cqes[k].cookie, .len = cqes[k].bytes,
			};
		}
		/* Send what we can; a buffer goes back to RX once fully sent. */
		while (qlen) {
			struct pending *p = &q[qhead];
			ssize_t w = send(client, (char *)dms_buf(ch, p->buf) + p->sent,
					 p->len - p->sent, MSG_NOSIGNAL);

			if (w < 0 && errno == EAGAIN)
				break;
			if (w < 0) {
				stop = 1;
				break;
			}
			p->sent += (uint32_t)w;
			if (p->sent < p->len)
				continue;
			dms_submit_buf(ch, p->buf, p->buf, 0, BUFSIZE);
			qhead = (qhead + 1) % NBUFS;
			qlen--;
		}
		/* Ask for EPOLLOUT only while the client is the bottleneck. */
		if ((qlen != 0) != want_out) {
			want_out = qlen != 0;
			ev = (struct epoll_event){
				.events = EPOLLRDHUP | (want_out ? EPOLLOUT : 0), .data.fd = client,
			};
			epoll_ctl(ep, EPOLL_CTL_MOD, client, &ev);
		}
	}
	/* Closing stops the DMA and frees the ring; abort first to say goodbye in order. */
	dms_abort(ch);
	dms_channel_close(ch);
	close(client);
	close(ep);
	return 0;
}
