// SPDX-License-Identifier: MIT
/*
 * rx/tx/loop runs end to end against the fake driver: the JSON contract of
 * "loop --count N --size S --verify --json", exit codes for engine errors,
 * drops and timeouts, a duration, and SIGINT leaving the channels idle.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "cli.h"
#include "fake-engine.h"
#include "stream.h"

struct outcome {
	int code;
	struct stream_result r;
	char *json;
};

static struct stream_opts opts(enum stream_kind kind, ...)
{
	struct stream_opts o;
	char err[160], *argv[32];
	int argc = 0;
	va_list ap;

	argv[argc++] = (char *)"cmd";
	va_start(ap, kind);
	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	CHECK_EQ(stream_parse(argc, argv, kind, &o, err, sizeof(err)), EXIT_OK);
	return o;
}

static struct outcome run(struct stream_opts *o, struct dms_channel *tx, struct dms_channel *rx)
{
	struct outcome oc = { 0 };
	size_t len = 0;
	FILE *out = open_memstream(&oc.json, &len), *err = fopen("/dev/null", "w");

	CHECK_EQ(stream_run(o, tx, rx, -1, -1, NULL, &oc.r), 0);
	oc.code = stream_exit_code(o, &oc.r);
	stream_report(out, err, o, "fake", &oc.r, oc.code);
	fclose(out);
	fclose(err);
	return oc;
}

/* The value of a top-level numeric key, or -1. */
static long long key(const char *json, const char *name)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", name);
	p = strstr(json, pat);
	return p ? strtoll(p + strlen(pat), NULL, 10) : -1;
}

static void test_loop_contract(void)
{
	struct fake_engine *e = fake_engine_new();
	struct dms_channel *tx, *rx;
	struct stream_opts o;
	struct outcome oc;

	CHECK_EQ(fake_open(e, DMASTREAM_DIR_TX, &tx), 0);
	CHECK_EQ(fake_open(e, DMASTREAM_DIR_RX, &rx), 0);
	o = opts(STREAM_LOOP, "fake", "--count", "50", "--size", "4096", "--verify", "--json",
		 NULL);
	oc = run(&o, tx, rx);
	CHECK_EQ(oc.code, EXIT_OK);
	/* One JSON object, on one line. */
	CHECK(oc.json[0] == '{');
	CHECK(strchr(oc.json, '\n') == oc.json + strlen(oc.json) - 1);
	CHECK_EQ(key(oc.json, "transfers"), 50);
	CHECK_EQ(key(oc.json, "bytes"), 50 * 4096);
	CHECK_EQ(key(oc.json, "errors"), 0);
	CHECK_EQ(key(oc.json, "verify_errors"), 0);
	CHECK(strstr(oc.json, "\"seconds\":") != NULL);
	CHECK_EQ(key(oc.json, "exit_code"), 0);
	CHECK(strstr(oc.json, "\"command\":\"loop\"") && strstr(oc.json, "\"status\":\"ok\""));
	CHECK(strstr(oc.json, "\"mode\":\"loopback\"") != NULL);
	free(oc.json);

	/* A lost packet: verification fails, and says how. */
	fake_inject(e, DMASTREAM_DIR_TX, 60, FAKE_DROP, 0);
	o = opts(STREAM_LOOP, "fake", "-n", "50", "-s", "1K", "--json", NULL);
	oc = run(&o, tx, rx);
	CHECK_EQ(oc.code, EXIT_VERIFY);
	CHECK_EQ(key(oc.json, "verify_errors"), 1);
	CHECK_EQ(key(oc.json, "dropped"), 1);
	CHECK_EQ(key(oc.json, "transfers"), 49);
	CHECK_EQ(key(oc.json, "exit_code"), EXIT_VERIFY);
	free(oc.json);

	/* An engine error: reported per transfer, the stream goes on. */
	fake_inject(e, DMASTREAM_DIR_TX, 120, FAKE_FAIL, DMASTREAM_STATUS_WRITE_ERROR);
	o = opts(STREAM_LOOP, "fake", "-n", "50", "-s", "1K", "--json", NULL);
	oc = run(&o, tx, rx);
	CHECK_EQ(oc.code, EXIT_ENGINE);
	CHECK_EQ(key(oc.json, "write_errors"), 1);
	CHECK_EQ(key(oc.json, "verify_errors"), 0);
	CHECK_EQ(key(oc.json, "transfers"), 49);
	/* Reported per transfer: this run's packet 20 was the channel's transfer 120. */
	CHECK_EQ(key(oc.json, "failed_transfers_total"), 1);
	CHECK(strstr(oc.json, "\"failed_transfers\":[{\"channel\":\"tx\",\"index\":20,"
			      "\"seq\":120,\"status\":\"write-error\"}]") != NULL);
	free(oc.json);

	/* The same in words. */
	fake_inject(e, DMASTREAM_DIR_TX, 155, FAKE_FAIL, DMASTREAM_STATUS_READ_ERROR);
	o = opts(STREAM_LOOP, "fake", "-n", "10", "-s", "1K", NULL);
	oc = run(&o, tx, rx);
	CHECK_EQ(oc.code, EXIT_ENGINE);
	CHECK(strstr(oc.json, "  failed: tx transfer 5 (driver seq 155): read-error\n") != NULL);
	free(oc.json);

	/* Human output. */
	o = opts(STREAM_LOOP, "fake", "-n", "20", "-s", "1K", NULL);
	oc = run(&o, tx, rx);
	CHECK_EQ(oc.code, EXIT_OK);
	CHECK(strstr(oc.json, "loop fake (loopback): 20 transfers, 20.0 KiB") == oc.json);
	CHECK(strstr(oc.json, "errors 0, verify errors 0 (full check of 20 packets)") != NULL);
	free(oc.json);

	/* Nothing completes: the idle timeout ends the run, the channels stay usable. */
	fake_stall(e, true);
	o = opts(STREAM_LOOP, "fake", "-n", "5", "-s", "1K", "--timeout", "50ms", "--json", NULL);
	oc = run(&o, tx, rx);
	CHECK_EQ(oc.code, EXIT_TIMEOUT);
	CHECK(strstr(oc.json, "\"status\":\"timeout\"") != NULL);
	CHECK_EQ(fake_inflight(e, DMASTREAM_DIR_TX), 0);
	CHECK(!fake_owned(e, DMASTREAM_DIR_TX) && !fake_owned(e, DMASTREAM_DIR_RX));
	free(oc.json);
	fake_stall(e, false);

	dms_channel_close(tx);
	dms_channel_close(rx);
	fake_engine_free(e);
}

static void test_memcpy_and_duration(void)
{
	struct fake_engine *e = fake_engine_new();
	struct dms_channel *m, *rx;
	struct stream_opts o;
	struct outcome oc;

	CHECK_EQ(fake_open(e, DMASTREAM_DIR_MEMCPY, &m), 0);
	o = opts(STREAM_LOOP, "fake/mem", "-n", "30", "-s", "3000", "--verify=fast",
		 "--pattern", "prbs", "--json", NULL);
	oc = run(&o, m, NULL);
	CHECK_EQ(oc.code, EXIT_OK);
	CHECK(strstr(oc.json, "\"mode\":\"memcpy\"") != NULL);
	CHECK_EQ(key(oc.json, "transfers"), 30);
	free(oc.json);

	/* rx with nothing arriving, for a duration: stopped, not failed. */
	CHECK_EQ(fake_open(e, DMASTREAM_DIR_RX, &rx), 0);
	o = opts(STREAM_RX, "fake/rx", "-t", "100ms", "--json", NULL);
	oc = run(&o, NULL, rx);
	CHECK_EQ(oc.code, EXIT_OK);
	CHECK(oc.r.duration_reached);
	CHECK_EQ(key(oc.json, "transfers"), 0);
	CHECK_EQ(key(oc.json, "aborted"), 8);
	free(oc.json);

	dms_channel_close(m);
	dms_channel_close(rx);
	fake_engine_free(e);
}

/* SIGINT once the stream has its handler in place (else it would kill us). */
static void *interrupter(void *arg)
{
	struct sigaction now;

	do {
		usleep(10000);
		sigaction(SIGINT, NULL, &now);
	} while (now.sa_handler == SIG_DFL);
	usleep(50000);
	pthread_kill(*(pthread_t *)arg, SIGINT);
	return NULL;
}

/* No progress line unless the stream is a terminal. */
static void test_no_progress_when_piped(void)
{
	struct fake_engine *e = fake_engine_new();
	struct dms_channel *tx, *rx;
	struct stream_result r;
	struct stream_opts o;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CHECK_EQ(fake_open(e, DMASTREAM_DIR_TX, &tx), 0);
	CHECK_EQ(fake_open(e, DMASTREAM_DIR_RX, &rx), 0);
	o = opts(STREAM_LOOP, "fake", "-t", "700ms", "-s", "64", NULL);
	CHECK_EQ(stream_run(&o, tx, rx, -1, -1, f, &r), 0);
	fclose(f);
	CHECK(r.duration_reached);
	CHECK(r.st.transfers > 0);
	CHECK_EQ(len, 0);
	free(buf);
	dms_channel_close(tx);
	dms_channel_close(rx);
	fake_engine_free(e);
}

static void test_sigint(void)
{
	struct fake_engine *e = fake_engine_new();
	struct dms_channel *rx;
	struct stream_opts o;
	struct outcome oc;
	pthread_t self = pthread_self(), th;

	CHECK_EQ(fake_open(e, DMASTREAM_DIR_RX, &rx), 0);
	o = opts(STREAM_RX, "fake/rx", "-n", "10", "--json", NULL);
	CHECK_EQ(pthread_create(&th, NULL, interrupter, &self), 0);
	oc = run(&o, NULL, rx);
	pthread_join(th, NULL);
	CHECK(oc.r.interrupted);
	CHECK_EQ(oc.code, EXIT_INTERRUPTED);
	CHECK(strstr(oc.json, "\"interrupted\":true") != NULL);
	CHECK_EQ(fake_inflight(e, DMASTREAM_DIR_RX), 0);
	CHECK(!fake_owned(e, DMASTREAM_DIR_RX));
	free(oc.json);
	/* The handler is gone again: SIGINT is back to its default. */
	{
		struct sigaction sa;

		sigaction(SIGINT, NULL, &sa);
		CHECK(sa.sa_handler == SIG_DFL);
	}
	dms_channel_close(rx);
	fake_engine_free(e);
}

int main(void)
{
	test_loop_contract();
	test_memcpy_and_duration();
	test_no_progress_when_piped();
	test_sigint();
	return check_report();
}
