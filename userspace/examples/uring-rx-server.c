// SPDX-License-Identifier: MIT
/*
 * Stream an RX channel to one TCP client, with io_uring.
 *
 *   uring-rx-server CHANNEL [PORT]      e.g. uring-rx-server loop0/rx 5000
 *
 * One ring serves everything: the accept, a multishot poll on the channel
 * (libdmastream-uring.h) and the sends. Received data is sent straight from
 * the DMA buffer (no copy); the buffer is queued for RX again when its send
 * completes. One send is in flight at a time: two sends on one TCP socket
 * may complete out of order or in part, which would interleave the data.
 * user_data tells the CQEs apart: the watch, a send context, or the accept.
 */
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libdmastream-uring.h>

#define NBUFS	16
#define BUFSIZE	(64 * 1024)

struct send_ctx {
	uint32_t buf, len, sent;
};

static struct send_ctx sends[NBUFS];
static uint32_t order[NBUFS], ohead, olen;	/* buffers to send, oldest first */
static char accept_tag;
static volatile sig_atomic_t stop;

static void on_sigint(int sig)
{
	(void)sig;
	stop = 1;
}

static int listen_socket(int port)
{
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_port = htons((uint16_t)port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(fd, 1) < 0)
		return -1;
	printf("listening on 127.0.0.1:%d\n", port);
	fflush(stdout);
	return fd;
}

static void queue_send(struct io_uring *ring, struct dms_channel *ch, int client,
		       struct send_ctx *s)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	io_uring_prep_send(sqe, client, (char *)dms_buf(ch, s->buf) + s->sent, s->len - s->sent,
			   MSG_NOSIGNAL);
	io_uring_sqe_set_data(sqe, s);
}

int main(int argc, char **argv)
{
	struct dms_uring_watch watch;
	struct dmastream_cqe done[NBUFS];
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	struct dms_channel *ch;
	int lfd, client = -1, ret;
	uint32_t i, n;

	if (argc < 2) {
		fprintf(stderr, "usage: %s CHANNEL [PORT]\n", argv[0]);
		return 2;
	}
	ret = dms_channel_open(argv[1], 0, &ch);
	if (ret == 0)
		ret = dms_ring_setup(ch, NBUFS, BUFSIZE, 0);
	if (ret == 0)
		ret = io_uring_queue_init(4 * NBUFS, &ring, 0);
	if (ret) {
		fprintf(stderr, "%s: %s\n", argv[1], strerror(-ret));
		return 1;
	}
	lfd = listen_socket(argc > 2 ? atoi(argv[2]) : 5000);
	if (lfd < 0) {
		perror("socket");
		return 1;
	}
	signal(SIGINT, on_sigint);

	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_accept(sqe, lfd, NULL, NULL, 0);
	io_uring_sqe_set_data(sqe, &accept_tag);
	dms_uring_watch_init(&watch, ch, DMS_URING_POLL);

	while (!stop) {
		if (io_uring_submit_and_wait(&ring, 1) < 0 || io_uring_wait_cqe(&ring, &cqe) < 0)
			break;
		void *tag = io_uring_cqe_get_data(cqe);

		if (tag == &accept_tag) {
			/* The client is there: start receiving. */
			client = cqe->res;
			if (client < 0)
				break;
			dms_uring_watch_arm(&ring, &watch);
			for (i = 0; i < NBUFS; i++)
				dms_submit_buf(ch, i, i, 0, BUFSIZE);
		} else if (dms_uring_watch_owns(&watch, cqe)) {
			ret = dms_uring_watch_handle(&ring, &watch, cqe);
			if (ret < 0) {
				fprintf(stderr, "channel: %s\n", strerror(-ret));
				break;
			}
			/* Drain the completion queue; line the buffers up for sending. */
			n = dms_reap(ch, done, NBUFS);
			for (i = 0; i < n; i++) {
				uint32_t b = (uint32_t)done[i].cookie;

				if (done[i].status != DMASTREAM_STATUS_OK || done[i].bytes == 0) {
					dms_submit_buf(ch, b, b, 0, BUFSIZE);
					continue;
				}
				sends[b] = (struct send_ctx){ .buf = b, .len = done[i].bytes };
				order[(ohead + olen++) % NBUFS] = b;
				if (olen == 1)	/* nothing was being sent */
					queue_send(&ring, ch, client, &sends[b]);
			}
		} else {
			struct send_ctx *s = tag;

			if (cqe->res <= 0)
				break;	/* the client went away */
			s->sent += (uint32_t)cqe->res;
			if (s->sent < s->len) {
				queue_send(&ring, ch, client, s);	/* the rest of it */
			} else {
				dms_submit_buf(ch, s->buf, s->buf, 0, BUFSIZE);
				ohead = (ohead + 1) % NBUFS;
				if (--olen)
					queue_send(&ring, ch, client, &sends[order[ohead]]);
			}
		}
		io_uring_cqe_seen(&ring, cqe);
	}
	/* Closing the channel stops the DMA and frees the ring. */
	dms_uring_watch_release(&watch);
	io_uring_queue_exit(&ring);
	dms_channel_close(ch);
	if (client >= 0)
		close(client);
	close(lfd);
	return 0;
}
