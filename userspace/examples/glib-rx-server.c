// SPDX-License-Identifier: MIT
/*
 * Stream an RX channel to one TCP client, in a GLib main loop.
 *
 *   glib-rx-server CHANNEL [PORT]      e.g. glib-rx-server loop0/rx 5000
 *
 * The pipeline does the streaming (RX transfers in flight, the client's
 * socket as its sink, backpressure when the client is slow); this program
 * only plugs it into GLib through a GSource of its own: prepare() asks the
 * pipeline for its timeout, the pipeline's fd is the source's poll fd, and
 * dispatch() calls dms_pipeline_dispatch(). SIGINT stops the pipeline from
 * a GLib signal source; the loop ends when the pipeline has finished. Any
 * other GSource (sockets, timers, D-Bus) can share the loop.
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

#include <glib.h>
#include <glib-unix.h>
#include <libdmastream.h>

#define NBUFS	16
#define BUFSIZE	(64 * 1024)

struct pipeline_source {
	GSource base;
	struct dms_pipeline *p;
	gpointer tag;		/* the pipeline's fd, as GLib knows it */
	GMainLoop *loop;
	int result;
};

static gboolean pipeline_prepare(GSource *base, gint *timeout)
{
	struct pipeline_source *s = (struct pipeline_source *)base;

	*timeout = dms_pipeline_get_timeout(s->p);
	return *timeout == 0;
}

static gboolean pipeline_check(GSource *base)
{
	struct pipeline_source *s = (struct pipeline_source *)base;

	return (g_source_query_unix_fd(base, s->tag) & G_IO_IN) ||
	       dms_pipeline_get_timeout(s->p) == 0;
}

static gboolean pipeline_dispatch(GSource *base, GSourceFunc cb, gpointer data)
{
	struct pipeline_source *s = (struct pipeline_source *)base;
	int ret = dms_pipeline_dispatch(s->p);

	(void)cb;
	(void)data;
	if (ret > 0)
		return G_SOURCE_CONTINUE;
	s->result = ret;
	g_main_loop_quit(s->loop);
	return G_SOURCE_REMOVE;
}

static GSourceFuncs pipeline_funcs = {
	.prepare = pipeline_prepare,
	.check = pipeline_check,
	.dispatch = pipeline_dispatch,
};

static gboolean on_sigint(gpointer p)
{
	dms_pipeline_stop(p);
	return G_SOURCE_CONTINUE;
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
	struct pipeline_source *src;
	struct dms_pipeline *p;
	struct dms_channel *ch;
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
	ret = dms_pipeline_create(&prm, NULL, ch, &p);
	if (ret == 0)
		ret = dms_pipeline_set_sink_fd(p, client);
	fd = ret ? ret : dms_pipeline_get_fd(p);
	if (fd < 0) {
		fprintf(stderr, "pipeline: %s\n", strerror(-fd));
		return 1;
	}

	src = (struct pipeline_source *)g_source_new(&pipeline_funcs, sizeof(*src));
	src->p = p;
	src->loop = g_main_loop_new(NULL, FALSE);
	src->tag = g_source_add_unix_fd(&src->base, fd, G_IO_IN);
	g_source_attach(&src->base, NULL);
	g_unix_signal_add(SIGINT, on_sigint, p);

	g_main_loop_run(src->loop);

	ret = src->result;
	dms_pipeline_stats(p, &st);
	fprintf(stderr, "%llu transfers, %llu bytes: %s\n", (unsigned long long)st.transfers,
		(unsigned long long)st.bytes, ret ? strerror(-ret) : "ok");
	g_main_loop_unref(src->loop);
	g_source_unref(&src->base);
	dms_pipeline_destroy(p);
	dms_channel_close(ch);
	close(client);
	/* The client went away: the end of the stream, not a failure. */
	return ret && ret != -EPIPE && ret != -ECONNRESET ? 1 : 0;
}
