// SPDX-License-Identifier: MIT
/*
 * list, info, create, remove and stats against a directory tree laid out
 * like sysfs, configfs and /dev (DMASTREAM_ROOT), with a configfs stand-in
 * that creates the channel nodes when a device is enabled, as the driver
 * and devtmpfs do.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "commands.h"
#include "devices.h"

static char root[256];

static void mk(const char *fmt, ...)
{
	char p[512], *s;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p, sizeof(p), fmt, ap);
	va_end(ap);
	for (s = p + strlen(root) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	mkdir(p, 0755);
}

static void put(const char *value, const char *fmt, ...)
{
	char p[512];
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(p, sizeof(p), fmt, ap);
	va_end(ap);
	f = fopen(p, "w");
	if (!f)
		abort();
	fprintf(f, "%s\n", value);
	fclose(f);
}

static char *get(const char *fmt, ...)
{
	static char buf[256];
	char p[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p, sizeof(p), fmt, ap);
	va_end(ap);
	if (read_attr(p, buf, sizeof(buf)) < 0)
		return NULL;
	return buf;
}

static void sysfs_channel(const char *dev, const char *label, const char *dma)
{
	static const char *const stats[] = {
		"submitted", "completed", "bytes", "batches", "read_errors", "write_errors",
		"engine_aborts", "timeouts", "aborted", "short_xfers", "inflight", "inflight_max",
		"rx_queue_empty", "cq_overflows", "channel_stops", "sticky_errors",
		"engine_full", "late_callbacks",
	};
	char d[300], v[32];
	size_t i;

	snprintf(d, sizeof(d), "%s/sys/class/dmastream/%s.%s", root, dev, label);
	mk("%s/stats", d);
	put(dev, "%s/device_name", d);
	put(label, "%s/label", d);
	put(label, "%s/direction", d);
	put(dma, "%s/dma_channel", d);
	put("dmasim.0", "%s/provider", d);
	put("idle", "%s/state", d);
	put("0 0 0", "%s/ring", d);
	put("0", "%s/timeout_ms", d);
	put("1", "%s/coherent", d);
	put("65536", "%s/max_seg_size", d);
	put("16", "%s/max_segs", d);
	put("1048576", "%s/max_xfer_bytes", d);
	put("4", "%s/addr_align", d);
	put("4", "%s/len_align", d);
	for (i = 0; i < sizeof(stats) / sizeof(stats[0]); i++) {
		snprintf(v, sizeof(v), "%zu", i * 10);
		put(v, "%s/stats/%s", d, stats[i]);
	}
	mk("%s/dev/dmastream/%s", root, dev);
	put("", "%s/dev/dmastream/%s/%s", root, dev, label);
}

/* configfs: attributes exist as soon as the item does; enabling makes nodes. */
static int fake_make(const char *path)
{
	char p[600];

	if (mkdir(path, 0755) < 0)
		return -errno;
	snprintf(p, sizeof(p), "%s/channels", path);
	put("", "%s", p);
	snprintf(p, sizeof(p), "%s/enable", path);
	put("0", "%s", p);
	return 0;
}

static int fake_write(const char *path, const char *value)
{
	const char *name, *end;
	char dev[64];

	if (strstr(path, "/channels") && strstr(value, "bogus"))
		return -EINVAL;
	if (strstr(path, "/enable") && !strcmp(value, "1")) {
		end = strrchr(path, '/');
		for (name = end - 1; *name != '/'; name--)
			;
		snprintf(dev, sizeof(dev), "%.*s", (int)(end - name - 1), name + 1);
		if (!strcmp(dev, "taken"))
			return -ENODEV;
		mk("%s/dev/dmastream/%s", root, dev);
		put("", "%s/dev/dmastream/%s/tx", root, dev);
		put("", "%s/dev/dmastream/%s/rx", root, dev);
	}
	return write_attr(path, value);
}

static int fake_drop(const char *path)
{
	char p[600];

	snprintf(p, sizeof(p), "%s/channels", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s/enable", path);
	unlink(p);
	return rmdir(path) < 0 ? -errno : 0;
}

static const struct configfs_ops fake_configfs = {
	.make_item = fake_make,
	.write = fake_write,
	.drop_item = fake_drop,
};

static char *out, *errout;
static size_t outlen, errlen;

/* Run a command with its output captured in @out, stderr in @errout; returns its exit code. */
static int run(int (*fn)(struct cli *, int, char **), ...)
{
	struct cli c = { .cmd = "test" };
	char *argv[16];
	int argc = 0, ret;
	va_list ap;

	free(out);
	free(errout);
	out = errout = NULL;
	c.out = open_memstream(&out, &outlen);
	c.err = open_memstream(&errout, &errlen);
	argv[argc++] = (char *)"cmd";
	va_start(ap, fn);
	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	ret = fn(&c, argc, argv);
	fclose(c.out);
	fclose(c.err);
	return ret;
}

static pthread_t main_thread;

/* 300 ms into a 2 s --watch interval: 1000 more transfers, then SIGINT. */
static void *bump_and_interrupt(void *arg)
{
	(void)arg;
	usleep(300000);
	put("1010", "%s/sys/class/dmastream/loop0.rx/stats/completed", root);
	pthread_kill(main_thread, SIGINT);
	return NULL;
}

int main(void)
{
	pthread_t th;
	const char *p;
	double tps;
	char cmd[300];

	snprintf(root, sizeof(root), "/tmp/dmastream-test-devices.XXXXXX");
	if (!mkdtemp(root))
		abort();
	setenv("DMASTREAM_ROOT", root, 1);
	set_configfs_ops(&fake_configfs);

	/* Nothing loaded yet. */
	CHECK_EQ(run(cmd_list, NULL), EXIT_NO_MODULE);
	CHECK_EQ(run(cmd_create, "--loopback", "lo1", NULL), EXIT_NO_MODULE);
	CHECK_EQ(run(cmd_info, "loop0/rx", NULL), EXIT_NO_MODULE);
	/* -q: the error, and nothing else. */
	CHECK_EQ(run(cmd_list, "-q", NULL), EXIT_NO_MODULE);
	CHECK_STR(out, "");
	CHECK(strstr(errout, "not loaded") != NULL);

	/* --help and -h: the full help, on stdout, whatever else is given. */
	CHECK_EQ(run(cmd_list, "--help", NULL), EXIT_OK);
	CHECK(strncmp(out, "usage: dmastream list", 21) == 0 && strstr(out, "Exit status:"));
	CHECK_EQ(run(cmd_info, "-h", NULL), EXIT_OK);
	CHECK(strncmp(out, "usage: dmastream info", 21) == 0 && strstr(out, "Examples:"));
	CHECK_EQ(run(cmd_create, "x", "--help", NULL), EXIT_OK);
	CHECK(strncmp(out, "usage: dmastream create", 23) == 0 && strstr(out, "--engine N"));
	CHECK_EQ(run(cmd_remove, "-h", NULL), EXIT_OK);
	CHECK(strncmp(out, "usage: dmastream remove", 23) == 0);
	CHECK_EQ(run(cmd_stats, "--help", NULL), EXIT_OK);
	CHECK(strncmp(out, "usage: dmastream stats", 22) == 0 && strstr(out, "--watch"));
	CHECK_EQ(run(cmd_check, "-h", NULL), EXIT_OK);
	CHECK(strncmp(out, "usage: dmastream check", 22) == 0 && strstr(out, "  9  "));
	CHECK_EQ(run(cmd_loop, "--help", NULL), EXIT_OK);
	CHECK(strncmp(out, "usage: dmastream loop", 21) == 0 && strstr(out, "default 64K"));
	CHECK_EQ(run(cmd_bench, "-h", NULL), EXIT_OK);
	CHECK(strncmp(out, "usage: dmastream bench", 22) == 0 && strstr(out, "4K,64K,1M"));

	mk("%s/sys/module/dmastream", root);
	mk("%s/sys/kernel/config/dmastream", root);
	CHECK_EQ(run(cmd_list, NULL), EXIT_OK);
	CHECK(strstr(out, "no dmastream channels") != NULL);
	sysfs_channel("loop0", "tx", "dma0chan0");
	sysfs_channel("loop0", "rx", "dma0chan1");

	CHECK_EQ(run(cmd_list, "--json", NULL), EXIT_OK);
	CHECK(out && strstr(out, "{\"channels\":[{\"name\":\"loop0/rx\",\"device\":\"loop0\","
				 "\"label\":\"rx\"") == out);
	CHECK(strstr(out, "\"name\":\"loop0/tx\"") != NULL);
	CHECK(strstr(out, "\"ring\":{\"count\":0,\"size\":0,\"cq_entries\":0}") != NULL);
	CHECK_EQ(run(cmd_list, NULL), EXIT_OK);
	CHECK(strstr(out, "loop0/tx") && strstr(out, "dma0chan0"));
	CHECK_EQ(run(cmd_list, "extra", NULL), EXIT_USAGE);
	CHECK_EQ(run(cmd_list, "-q", NULL), EXIT_OK);
	CHECK_STR(out, "");
	CHECK_STR(errout, "");
	CHECK_EQ(run(cmd_list, "--quiet", "--json", NULL), EXIT_OK);	/* asked for: printed */
	CHECK(strstr(out, "\"name\":\"loop0/tx\"") != NULL);

	/* info from sysfs (the nodes here are plain files: no driver to ask). */
	CHECK_EQ(run(cmd_info, "loop0/rx", "--json", NULL), EXIT_OK);
	CHECK(strstr(out, "\"direction\":\"rx\"") && strstr(out, "\"dma_channel\":\"dma0chan1\""));
	CHECK(strstr(out, "\"max_seg_size\":65536") != NULL);
	CHECK_EQ(run(cmd_info, "loop0", NULL), EXIT_OK);
	CHECK(strstr(out, "loop0/rx") && strstr(out, "loop0/tx"));
	CHECK_EQ(run(cmd_info, "loop0/nope", NULL), EXIT_NO_CHANNEL);
	CHECK_EQ(run(cmd_info, "nodev", NULL), EXIT_NO_CHANNEL);
	CHECK_EQ(run(cmd_info, "a/b/c", NULL), EXIT_USAGE);
	CHECK_EQ(run(cmd_info, "loop0", "-q", NULL), EXIT_OK);
	CHECK_STR(out, "");
	CHECK_EQ(run(cmd_info, "loop0/nope", "-q", NULL), EXIT_NO_CHANNEL);
	CHECK_STR(out, "");
	CHECK(strstr(errout, "nope") != NULL);
	CHECK_EQ(run(cmd_info, NULL), EXIT_USAGE);

	/* create --loopback: dmasim's channel names into configfs, then enable. */
	CHECK_EQ(run(cmd_create, "--loopback", "lo1", NULL), EXIT_NO_MODULE);	/* no dmasim */
	mk("%s/sys/bus/platform/devices/dmasim.0/channels", root);
	put("dma0chan0", "%s/sys/bus/platform/devices/dmasim.0/channels/tx", root);
	put("dma0chan1", "%s/sys/bus/platform/devices/dmasim.0/channels/rx", root);
	CHECK_EQ(run(cmd_create, "--loopback", "lo1", "--json", NULL), EXIT_OK);
	CHECK_STR(get("%s/sys/kernel/config/dmastream/lo1/channels", root),
		  "tx=dma0chan0 rx=dma0chan1");
	CHECK_STR(get("%s/sys/kernel/config/dmastream/lo1/enable", root), "1");
	CHECK(out && strstr(out, "\"device\":\"lo1\"") && strstr(out, "\"label\":\"rx\""));
	CHECK_EQ(run(cmd_create, "lo1", "--loopback", NULL), EXIT_BUSY);
	CHECK_EQ(run(cmd_create, "--loopback", "--engine", "3", "lo2", NULL), EXIT_NO_MODULE);
	CHECK_EQ(run(cmd_create, "lo2", NULL), EXIT_USAGE);
	CHECK_EQ(run(cmd_create, "lo2", "--loopback", "--channels", "tx", NULL), EXIT_USAGE);
	CHECK_EQ(run(cmd_create, "bad/name", "--loopback", NULL), EXIT_USAGE);
	CHECK_EQ(run(cmd_create, "lo2", "--channels", "bogus", NULL), EXIT_USAGE);
	CHECK(get("%s/sys/kernel/config/dmastream/lo2/enable", root) == NULL);	/* cleaned up */
	CHECK_EQ(run(cmd_create, "taken", "--channels", "tx=dma5chan0", NULL), EXIT_NO_CHANNEL);
	CHECK(get("%s/sys/kernel/config/dmastream/taken/enable", root) == NULL);
	CHECK_EQ(run(cmd_create, "lo3", "--channels", "tx=dma0chan2,rx=dma0chan3", NULL),
		 EXIT_OK);
	CHECK(strstr(out, "created lo3") != NULL);
	CHECK_EQ(run(cmd_create, "lo4", "-q", "--channels", "tx=dma0chan4", NULL), EXIT_OK);
	CHECK_STR(out, "");
	CHECK_STR(errout, "");
	CHECK_STR(get("%s/sys/kernel/config/dmastream/lo4/enable", root), "1");
	CHECK_EQ(run(cmd_create, "lo4", "-q", "--channels", "tx=dma0chan4", NULL), EXIT_BUSY);
	CHECK_STR(out, "");
	CHECK(strstr(errout, "already exists") != NULL);
	CHECK_EQ(run(cmd_remove, "lo4", "--quiet", NULL), EXIT_OK);
	CHECK_STR(out, "");
	CHECK_STR(errout, "");
	CHECK(get("%s/sys/kernel/config/dmastream/lo4/enable", root) == NULL);

	CHECK_EQ(run(cmd_remove, "lo1", NULL), EXIT_OK);
	CHECK(get("%s/sys/kernel/config/dmastream/lo1/enable", root) == NULL);
	CHECK_EQ(run(cmd_remove, "lo1", NULL), EXIT_NO_CHANNEL);
	CHECK_EQ(run(cmd_remove, "lo3", "--json", NULL), EXIT_OK);
	CHECK_STR(out, "{\"removed\":\"lo3\"}\n");

	/* stats from sysfs, once and watched. */
	CHECK_EQ(run(cmd_stats, "loop0/rx", "--json", NULL), EXIT_OK);
	CHECK(out && strstr(out, "\"submitted\":0,\"completed\":10,\"bytes\":20") != NULL);
	CHECK(strstr(out, "\"rx_queue_empty\":120") != NULL);
	CHECK_EQ(run(cmd_stats, "loop0", NULL), EXIT_OK);
	CHECK(strstr(out, "loop0/rx") && strstr(out, "loop0/tx") &&
	      strstr(out, "sticky_errors    150"));
	CHECK_EQ(run(cmd_stats, "loop0/rx", "--watch=10ms", "-n", "2", "--json", NULL), EXIT_OK);
	CHECK(out && strchr(out, '\n') && strchr(strchr(out, '\n') + 1, '\n'));
	CHECK(strstr(out, "\"transfers_per_second\":0") != NULL);
	CHECK_EQ(run(cmd_stats, "loop0/rx", "-n", "2", NULL), EXIT_USAGE);
	CHECK_EQ(run(cmd_stats, "loop0", "-q", NULL), EXIT_OK);
	CHECK_STR(out, "");
	CHECK_EQ(run(cmd_stats, "loop0/rx", "--watch=10ms", "-n", "2", "-q", NULL), EXIT_OK);
	CHECK_STR(out, "");
	CHECK_EQ(run(cmd_stats, "loop0/rx", "--watch=10ms", "-n", "2", NULL), EXIT_OK);
	CHECK(strstr(out, "TIME") && strstr(out, "loop0/rx"));
	CHECK_EQ(run(cmd_stats, "loop0/rx", "-q", "--json", NULL), EXIT_OK);
	CHECK(strstr(out, "\"rx_queue_empty\":120") != NULL);
	CHECK_EQ(run(cmd_stats, "nodev/rx", "-q", NULL), EXIT_NO_CHANNEL);
	CHECK(errout && errout[0]);

	/* A channel whose counters cannot be read: the failure alone, one JSON object. */
	sysfs_channel("half", "rx", "dma3chan0");
	sysfs_channel("half", "tx", "dma3chan1");
	snprintf(cmd, sizeof(cmd), "%s/sys/class/dmastream/half.tx/stats/completed", root);
	CHECK_EQ(unlink(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s/dev/dmastream/half/tx", root);
	CHECK_EQ(unlink(cmd), 0);
	CHECK_EQ(run(cmd_stats, "half", "--json", NULL), EXIT_NO_CHANNEL);
	CHECK(out && out[0] == '{' && strchr(out, '\n') == out + strlen(out) - 1);
	CHECK(strstr(out, "\"channels\"") == NULL && strstr(out, "\"class\":\"no-channel\""));
	CHECK_EQ(run(cmd_stats, "half", NULL), EXIT_NO_CHANNEL);
	CHECK_STR(out, "");

	/*
	 * --watch rates are over the time that passed: a sample cut short by
	 * SIGINT after ~0.3 s of a 2 s interval counts 1000 transfers in
	 * ~0.3 s (not in 2 s: 500/s).
	 */
	main_thread = pthread_self();
	CHECK_EQ(pthread_create(&th, NULL, bump_and_interrupt, NULL), 0);
	CHECK_EQ(run(cmd_stats, "loop0/rx", "--watch=2s", "--json", NULL), EXIT_OK);
	pthread_join(th, NULL);
	p = out ? strstr(out, "\"transfers_per_second\":") : NULL;
	CHECK(p != NULL);
	tps = p ? strtod(p + strlen("\"transfers_per_second\":"), NULL) : 0;
	CHECK(tps > 1200 && tps < 10000);
	/* The handler is gone again, and a new watch is not stopped by the old SIGINT. */
	CHECK_EQ(run(cmd_stats, "loop0/rx", "--watch=10ms", "-n", "2", "--json", NULL), EXIT_OK);
	CHECK(out && strchr(out, '\n') && strchr(strchr(out, '\n') + 1, '\n'));
	CHECK_EQ(run(cmd_stats, "nodev/rx", NULL), EXIT_NO_CHANNEL);

	free(out);
	free(errout);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd) != 0)
		CHECK(0);
	return check_report();
}
