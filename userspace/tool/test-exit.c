// SPDX-License-Identifier: MIT
/*
 * Exit codes: each failure class has its own, errno values map onto them,
 * a run's outcome picks the right one, and --json failures are JSON.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cli.h"
#include "stream.h"

static int code_of(enum stream_kind kind, uint64_t count, void (*tweak)(struct stream_result *))
{
	struct stream_opts o = { .kind = kind, .count = count };
	struct stream_result r = { 0 };

	r.st.transfers = count;
	tweak(&r);
	return stream_exit_code(&o, &r);
}

static void clean(struct stream_result *r) { (void)r; }
static void timed_out(struct stream_result *r) { r->st.timeouts = 1; r->st.errors = 1; r->st.verify_errors = 3; }
static void engine(struct stream_result *r) { r->st.errors = 2; r->st.verify_errors = 1; }
static void bad_data(struct stream_result *r) { r->st.verify_errors = 1; }
static void short_run(struct stream_result *r) { r->st.transfers--; }
static void interrupted(struct stream_result *r) { r->st.transfers--; r->interrupted = true; }
static void idle(struct stream_result *r) { r->error = -ETIMEDOUT; }
static void sticky(struct stream_result *r) { r->error = -EIO; }
static void gone(struct stream_result *r) { r->error = -ENODEV; }
static void stopped(struct stream_result *r) { r->st.transfers = 0; r->duration_reached = true; }
static void closed(struct stream_result *r) { r->st.transfers -= 10; r->output_closed = true; }

int main(void)
{
	int codes[] = {
		EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_NO_CHANNEL, EXIT_PERMISSION, EXIT_NO_MODULE,
		EXIT_BUSY, EXIT_ENGINE, EXIT_TIMEOUT, EXIT_VERIFY, EXIT_RESOURCES, EXIT_IO,
		EXIT_INTERRUPTED,
	};
	size_t i, k, n = sizeof(codes) / sizeof(codes[0]);
	char *buf = NULL;
	size_t len = 0;
	struct cli c;

	/* Distinct codes, distinct names. */
	for (i = 0; i < n; i++)
		for (k = i + 1; k < n; k++) {
			CHECK(codes[i] != codes[k]);
			CHECK(strcmp(exit_class(codes[i]), exit_class(codes[k])) != 0);
		}

	CHECK_EQ(exit_for_errno(-ENOENT), EXIT_NO_CHANNEL);
	CHECK_EQ(exit_for_errno(ENODEV), EXIT_NO_CHANNEL);
	CHECK_EQ(exit_for_errno(-EACCES), EXIT_PERMISSION);
	CHECK_EQ(exit_for_errno(-EPERM), EXIT_PERMISSION);
	CHECK_EQ(exit_for_errno(-EBUSY), EXIT_BUSY);
	CHECK_EQ(exit_for_errno(-EIO), EXIT_ENGINE);
	CHECK_EQ(exit_for_errno(-ETIMEDOUT), EXIT_TIMEOUT);
	CHECK_EQ(exit_for_errno(-E2BIG), EXIT_RESOURCES);
	CHECK_EQ(exit_for_errno(-EPIPE), EXIT_IO);
	CHECK_EQ(exit_for_errno(-EINVAL), EXIT_USAGE);
	CHECK_EQ(exit_for_errno(-EOVERFLOW), EXIT_FAIL);

	CHECK_EQ(code_of(STREAM_LOOP, 100, clean), EXIT_OK);
	CHECK_EQ(code_of(STREAM_LOOP, 100, timed_out), EXIT_TIMEOUT);
	CHECK_EQ(code_of(STREAM_LOOP, 100, engine), EXIT_ENGINE);
	CHECK_EQ(code_of(STREAM_LOOP, 100, bad_data), EXIT_VERIFY);
	CHECK_EQ(code_of(STREAM_LOOP, 100, short_run), EXIT_VERIFY);
	CHECK_EQ(code_of(STREAM_LOOP, 100, interrupted), EXIT_INTERRUPTED);
	CHECK_EQ(code_of(STREAM_LOOP, 0, interrupted), EXIT_OK);	/* no count: ^C ends it */
	CHECK_EQ(code_of(STREAM_LOOP, 100, idle), EXIT_TIMEOUT);
	CHECK_EQ(code_of(STREAM_LOOP, 100, sticky), EXIT_ENGINE);
	CHECK_EQ(code_of(STREAM_RX, 100, gone), EXIT_NO_CHANNEL);
	CHECK_EQ(code_of(STREAM_LOOP, 100, stopped), EXIT_OK);
	CHECK_EQ(code_of(STREAM_TX, 100, short_run), EXIT_OK);	/* input ended first */
	CHECK_EQ(code_of(STREAM_RX, 100, closed), EXIT_OK);	/* rx -o - | head */
	CHECK_EQ(code_of(STREAM_RX, 0, closed), EXIT_OK);

	/* rx -o -: stdout carries the data, so the report goes to stderr. */
	{
		struct stream_opts o = { .kind = STREAM_RX, .output = "-" };
		struct stream_result r = { 0 };
		char *so = NULL, *se = NULL;
		size_t lo = 0, le = 0;
		FILE *fo = open_memstream(&so, &lo), *fe = open_memstream(&se, &le);

		r.st.transfers = 10;
		r.output_closed = true;
		stream_report(fo, fe, &o, "loop0/rx", &r, EXIT_OK);
		fclose(fo);
		fclose(fe);
		CHECK_STR(so, "");
		CHECK(strncmp(se, "rx loop0/rx (", 13) == 0 && strstr(se, "10 transfers"));
		free(so);
		free(se);
	}

	/* Failures in JSON mode: one object on stdout, the message on stderr. */
	c = (struct cli){ .cmd = "loop", .json = true, .err = fopen("/dev/null", "w") };
	c.out = open_memstream(&buf, &len);
	CHECK_EQ(cli_fail(&c, EXIT_NO_MODULE, "the %s module is not loaded", "dmastream"),
		 EXIT_NO_MODULE);
	fclose(c.out);
	fclose(c.err);
	CHECK_STR(buf, "{\"command\":\"loop\",\"error\":\"the dmastream module is not loaded\","
		       "\"class\":\"no-module\",\"exit_code\":5}\n");
	free(buf);
	return check_report();
}
