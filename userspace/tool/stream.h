/* SPDX-License-Identifier: MIT */
/*
 * rx, tx, loop and bench: their options, running a pipeline with a progress
 * line and clean SIGINT handling, and what is reported afterwards.
 */
#ifndef DMS_TOOL_STREAM_H
#define DMS_TOOL_STREAM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "libdmastream.h"

enum stream_kind { STREAM_RX, STREAM_TX, STREAM_LOOP, STREAM_BENCH };

struct stream_opts {
	enum stream_kind kind;
	const char *target;
	uint32_t size;
	uint32_t depth;
	uint32_t buffers;
	uint32_t ring_flags;		/* DMS_RING_*: --memory */
	uint32_t memory;		/* DMS_MEMORY_*: --memory */
	uint32_t batch;
	uint64_t count;			/* 0: no limit */
	uint64_t bytes;			/* turned into a count */
	uint64_t duration_ns;		/* 0: no limit */
	uint64_t idle_timeout_ns;	/* 0: wait for ever */
	uint32_t xfer_timeout_ms;
	enum dms_pattern pattern;
	enum dms_check verify;
	uint32_t stream_id;
	bool dmasim_format;		/* rx: packets of dmasim's source */
	const char *output;		/* rx: file or "-" */
	const char *connect;		/* rx: HOST:PORT */
	const char *input;		/* tx: file or "-" */
	const char *tx_label, *rx_label;
	const char *sizes;		/* bench: comma-separated list */
	uint64_t sink_delay_ns;		/* rx: hold each transfer this long (a slow sink) */
	bool json, quiet, help;
};

/* Failed transfers kept for the report, the first ones of a run. */
#define STREAM_MAX_FAILURES 100

struct stream_failure {
	uint32_t direction;
	uint32_t status;
	uint64_t index;		/* the run's transfer number on that channel */
	uint64_t seq;		/* the driver's sequence number */
};

struct stream_result {
	struct dms_pipeline_stats st;
	struct stream_failure failures[STREAM_MAX_FAILURES];
	uint32_t nfailures;
	uint64_t failures_total;
	bool interrupted;		/* SIGINT or SIGTERM */
	bool duration_reached;
	bool output_closed;		/* the reader of the output went away */
	int error;			/* the -errno that ended the run, or 0 */
};

/* EXIT_OK, or EXIT_USAGE with the reason in @err. */
int stream_parse(int argc, char **argv, enum stream_kind kind, struct stream_opts *o,
		 char *err, size_t errlen);
void stream_usage(FILE *f, enum stream_kind kind);

/*
 * Run a pipeline on the channels (see dms_pipeline_create()) until it is
 * done, the duration has passed or SIGINT/SIGTERM arrives; @progress gets a
 * live line when it is a terminal and neither o->json nor o->quiet is set
 * (NULL: none). Returns 0 or the -errno that kept the pipeline from
 * starting; errors during the run are in @r.
 */
int stream_run(const struct stream_opts *o, struct dms_channel *tx, struct dms_channel *rx,
	       int sink_fd, int source_fd, FILE *progress, struct stream_result *r);
/*
 * The progress line (without the terminal controls): bytes so far, the
 * current rates, and with a count or a duration the share done and the
 * time left; "--:--" until the first transfer gives a rate.
 */
void stream_progress_text(const struct stream_opts *o, const struct dms_pipeline_stats *st,
			  uint64_t elapsed_ns, double bytes_per_s, double xfers_per_s,
			  char *buf, size_t len);
int stream_exit_code(const struct stream_opts *o, const struct stream_result *r);
/* Report why stream_run() could not start (its -errno); returns the exit code. */
struct cli;
int stream_setup_failed(struct cli *c, const struct stream_opts *o, int err);
void stream_report(FILE *out, FILE *err, const struct stream_opts *o, const char *name,
		   const struct stream_result *r, int exit_code);
/* The members of a run in a JSON object already begun (bench uses it per size). */
struct json;
void stream_json_members(struct json *j, const struct stream_opts *o,
			 const struct stream_result *r);

#endif /* DMS_TOOL_STREAM_H */
