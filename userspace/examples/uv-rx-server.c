// SPDX-License-Identifier: MIT
/*
 * Stream an RX channel to one TCP client, in a libuv loop.
 *
 *   uv-rx-server CHANNEL [PORT]      e.g. uv-rx-server loop0/rx 5000
 *
 * The pipeline does the streaming (RX transfers in flight, the client's
 * socket as its sink, backpressure when the client is slow); this program
 * only plugs it into libuv: a uv_poll_t watches the pipeline's fd, a
 * uv_timer_t is rearmed after every dispatch with the pipeline's timeout,
 * and a uv_signal_t stops the pipeline on SIGINT. When the pipeline has
 * finished, the handles are closed and the loop runs out.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* accept4() */
#endif
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libdmastream.h>
#include <uv.h>

#define NBUFS	16
#define BUFSIZE	(64 * 1024)

struct server {
	struct dms_pipeline *p;
	uv_poll_t watch;
	uv_timer_t timer;
	uv_signal_t sigint;
	int result;
};

static void dispatch(struct server *s);

static void on_readable(uv_poll_t *h, int status, int events)
{
	(void)status;
	(void)events;
	dispatch(h->data);
}

static void on_timer(uv_timer_t *h)
{
	dispatch(h->data);
}

static void on_sigint(uv_signal_t *h, int signum)
{
	struct server *s = h->data;

	(void)signum;
	dms_pipeline_stop(s->p);
}

/* Dispatch, then sleep no longer than the pipeline allows. */
static void dispatch(struct server *s)
{
	int ret = dms_pipeline_dispatch(s->p), t;

	if (ret <= 0) {
		s->result = ret;
		uv_close((uv_handle_t *)&s->watch, NULL);
		uv_close((uv_handle_t *)&s->timer, NULL);
		uv_close((uv_handle_t *)&s->sigint, NULL);
		return;
	}
	t = dms_pipeline_get_timeout(s->p);
	if (t < 0)
		uv_timer_stop(&s->timer);
	else
		uv_timer_start(&s->timer, on_timer, (uint64_t)t, 0);
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
	struct dms_pipeline_params prm;
	struct dms_pipeline_stats st;
	struct server s = { 0 };
	struct dms_channel *ch;
	uv_loop_t *loop = uv_default_loop();
	int client, fd, ret;

	if (argc < 2) {
		fprintf(stderr, "usage: %s CHANNEL [PORT]\n", argv[0]);
		return 2;
	}
	ret = dms_channel_open(argv[1], 0, &ch);
	if (ret) {
		fprintf(stderr, "%s: %s\n", argv[1], strerror(-ret));
		return 1;
	}
	client = listen_and_accept(argc > 2 ? atoi(argv[2]) : 5000);
	if (client < 0) {
		perror("socket");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);

	dms_pipeline_params_init(&prm);
	prm.size = BUFSIZE;
	prm.depth = NBUFS;
	prm.buffers = NBUFS;
	ret = dms_pipeline_create(&prm, NULL, ch, &s.p);
	if (ret == 0)
		ret = dms_pipeline_set_sink_fd(s.p, client);
	fd = ret ? ret : dms_pipeline_get_fd(s.p);
	if (fd < 0) {
		fprintf(stderr, "pipeline: %s\n", strerror(-fd));
		return 1;
	}

	uv_poll_init(loop, &s.watch, fd);
	uv_timer_init(loop, &s.timer);
	uv_signal_init(loop, &s.sigint);
	s.watch.data = s.timer.data = s.sigint.data = &s;
	uv_poll_start(&s.watch, UV_READABLE, on_readable);
	uv_signal_start(&s.sigint, on_sigint, SIGINT);
	/* The first dispatch fills the RX queue; then the handles take over. */
	uv_timer_start(&s.timer, on_timer, 0, 0);

	uv_run(loop, UV_RUN_DEFAULT);

	ret = s.result;
	dms_pipeline_stats(s.p, &st);
	fprintf(stderr, "%llu transfers, %llu bytes: %s\n", (unsigned long long)st.transfers,
		(unsigned long long)st.bytes, ret ? strerror(-ret) : "ok");
	uv_loop_close(loop);
	dms_pipeline_destroy(s.p);
	dms_channel_close(ch);
	close(client);
	/* The client went away: the end of the stream, not a failure. */
	return ret && ret != -EPIPE && ret != -ECONNRESET ? 1 : 0;
}
