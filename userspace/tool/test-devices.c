// SPDX-License-Identifier: MIT
/*
 * list, info, create, remove and stats against a directory tree laid out
 * like sysfs, configfs and /dev (DMASTREAM_ROOT), with a configfs stand-in
 * that creates the channel nodes when a device is enabled, as the driver
 * and devtmpfs do: /dev/dmastream/NAME/LABEL, or for a dma_proxy device
 * /dev/LABEL with its sysfs directory /sys/class/dmastream/LABEL.
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

/* /sys/class/dmastream/@dir for channel @label of @dev, with an abi attribute unless @abi is NULL. */
static void sysfs_chan(const char *dir, const char *dev, const char *label, const char *dma,
		       const char *abi)
{
	static const char *const stats[] = {
		"submitted", "completed", "bytes", "batches", "read_errors", "write_errors",
		"engine_aborts", "timeouts", "aborted", "short_xfers", "inflight", "inflight_max",
		"rx_queue_empty", "cq_overflows", "channel_stops", "sticky_errors",
		"engine_full", "late_callbacks",
	};
	char d[300], v[32];
	size_t i;

	snprintf(d, sizeof(d), "%s/sys/class/dmastream/%s", root, dir);
	mk("%s/stats", d);
	put(dev, "%s/device_name", d);
	put(label, "%s/label", d);
	if (abi)
		put(abi, "%s/abi", d);
	put(strstr(label, "tx") ? "tx" : "rx", "%s/direction", d);
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
}

/* A dmastream channel as a module before the DMA Proxy personality shows it (no abi). */
static void sysfs_channel(const char *dev, const char *label, const char *dma)
{
	char dir[80];

	snprintf(dir, sizeof(dir), "%s.%s", dev, label);
	sysfs_chan(dir, dev, label, dma, NULL);
	mk("%s/dev/dmastream/%s", root, dev);
	put("", "%s/dev/dmastream/%s/%s", root, dev, label);
}

/* The labels and sources of the channels attribute of the configfs item @item. */
static int item_channels(const char *item, char labels[][32], char sources[][32])
{
	char p[600], *spec, *tok, *save = NULL, *eq;
	int n = 0;

	snprintf(p, sizeof(p), "%s/channels", item);
	spec = get("%s", p);
	for (tok = spec ? strtok_r(spec, " ,", &save) : NULL; tok && n < 16;
	     tok = strtok_r(NULL, " ,", &save), n++) {
		eq = strchr(tok, '=');
		if (eq)
			*eq = '\0';
		snprintf(labels[n], 32, "%.31s", tok);
		snprintf(sources[n], 32, "%.31s", eq ? eq + 1 : "");
	}
	return n;
}

static bool item_is_proxy(const char *item)
{
	const char *abi = get("%s/abi", item);

	return abi && !strcmp(abi, "dma_proxy");
}

static bool old_module;		/* configfs items without the abi attribute */
static const char *held;	/* a DMA channel another client holds: enable gives ENODEV */
static char writes[256];	/* the attributes written, in order */

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
	if (!old_module) {
		snprintf(p, sizeof(p), "%s/abi", path);
		put("dmastream", "%s", p);
	}
	return 0;
}

/* Disabling an enabled dma_proxy device takes its nodes and sysfs directories. */
static void proxy_down(const char *item)
{
	char labels[16][32], sources[16][32], p[600];
	const char *en = get("%s/enable", item);
	int n, i;

	if (!en || strcmp(en, "1") || !item_is_proxy(item))
		return;
	n = item_channels(item, labels, sources);
	for (i = 0; i < n; i++) {
		snprintf(p, sizeof(p), "%.255s/dev/%.31s", root, labels[i]);
		unlink(p);
		snprintf(p, sizeof(p), "rm -rf '%.255s/sys/class/dmastream/%.31s'", root,
			 labels[i]);
		if (system(p) != 0)
			abort();
	}
}

static int fake_write(const char *path, const char *value)
{
	char labels[16][32], sources[16][32], item[512], dev[64];
	const char *name, *end;
	int n, i;

	end = strrchr(path, '/');
	snprintf(item, sizeof(item), "%.*s", (int)(end - path), path);
	snprintf(writes + strlen(writes), sizeof(writes) - strlen(writes), "%s%s",
		 writes[0] ? " " : "", end + 1);
	if (strstr(path, "/channels") && strstr(value, "bogus"))
		return -EINVAL;
	if (!strcmp(end, "/abi") && strcmp(value, "dmastream") && strcmp(value, "dma_proxy"))
		return -EINVAL;
	if (!strcmp(end, "/enable") && !strcmp(value, "0"))
		proxy_down(item);
	if (strstr(path, "/enable") && !strcmp(value, "1")) {
		for (name = end - 1; *name != '/'; name--)
			;
		snprintf(dev, sizeof(dev), "%.*s", (int)(end - name - 1), name + 1);
		if (!strcmp(dev, "taken"))
			return -ENODEV;
		n = item_channels(item, labels, sources);
		for (i = 0; i < n; i++)
			if (held && !strcmp(sources[i], held))
				return -ENODEV;
		if (!item_is_proxy(item)) {
			mk("%s/dev/dmastream/%s", root, dev);
			put("", "%s/dev/dmastream/%s/tx", root, dev);
			put("", "%s/dev/dmastream/%s/rx", root, dev);
			return write_attr(path, value);
		}
		/* dma_proxy: a tx or rx token in each label; /dev/LABEL unique. */
		for (i = 0; i < n; i++) {
			if (!strstr(labels[i], "_tx") && !strstr(labels[i], "_rx"))
				return -EINVAL;
			if (get("%s/dev/%s", root, labels[i]))
				return -EEXIST;
		}
		for (i = 0; i < n; i++) {
			put("", "%s/dev/%s", root, labels[i]);
			sysfs_chan(labels[i], dev, labels[i], sources[i], "dma_proxy");
		}
	}
	return write_attr(path, value);
}

static int fake_drop(const char *path)
{
	char p[600];

	proxy_down(path);
	snprintf(p, sizeof(p), "%s/abi", path);
	unlink(p);
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
	char cmd[1024];

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

	/*
	 * create --dma-proxy: NAME defaults to dma_proxy, abi is written before
	 * channels, the loopback pair is labelled dma_proxy_tx/dma_proxy_rx and
	 * the nodes are /dev/LABEL.
	 */
	CHECK_EQ(run(cmd_create, "--dma-proxy", NULL), EXIT_USAGE);
	CHECK_EQ(run(cmd_create, "--loopback", NULL), EXIT_USAGE);	/* a NAME without --dma-proxy */
	CHECK_EQ(run(cmd_create, "--dma-proxy", "--loopback", "a", "b", NULL), EXIT_USAGE);
	CHECK_EQ(run(cmd_create, "--dma-proxy", "--loopback", "--channels", "x_tx", NULL),
		 EXIT_USAGE);
	CHECK_EQ(run(cmd_create, "--dma-proxy", "--loopback", "bad/name", NULL), EXIT_USAGE);
	writes[0] = '\0';
	CHECK_EQ(run(cmd_create, "--loopback", "--dma-proxy", "--json", NULL), EXIT_OK);
	CHECK_STR(writes, "abi channels enable");
	CHECK_STR(get("%s/sys/kernel/config/dmastream/dma_proxy/abi", root), "dma_proxy");
	CHECK_STR(get("%s/sys/kernel/config/dmastream/dma_proxy/channels", root),
		  "dma_proxy_tx=dma0chan0 dma_proxy_rx=dma0chan1");
	CHECK_STR(get("%s/sys/kernel/config/dmastream/dma_proxy/enable", root), "1");
	snprintf(cmd, sizeof(cmd), "{\"device\":\"dma_proxy\",\"abi\":\"dma_proxy\","
		 "\"channels_spec\":\"dma_proxy_tx=dma0chan0 dma_proxy_rx=dma0chan1\","
		 "\"channels\":[{\"label\":\"dma_proxy_tx\",\"node\":\"%s/dev/dma_proxy_tx\"},"
		 "{\"label\":\"dma_proxy_rx\",\"node\":\"%s/dev/dma_proxy_rx\"}]}\n", root, root);
	CHECK_STR(out, cmd);
	CHECK_EQ(run(cmd_create, "--loopback", "--dma-proxy", NULL), EXIT_BUSY);	/* name taken */
	/* Another dma_proxy device with the same label: the kernel's EEXIST, its holder named. */
	CHECK_EQ(run(cmd_create, "--dma-proxy", "p2", "--channels", "dma_proxy_tx=dma7chan0",
		     NULL), EXIT_BUSY);
	CHECK(errout && strstr(errout, "/dev/dma_proxy_tx") && strstr(errout, "'dma_proxy'"));
	CHECK(get("%s/sys/kernel/config/dmastream/p2/enable", root) == NULL);
	/* Labels without a tx or rx part: refused at enable, with the rule. */
	CHECK_EQ(run(cmd_create, "--dma-proxy", "p2", "--channels", "proxy0=dma7chan0", NULL),
		 EXIT_USAGE);
	CHECK(errout && strstr(errout, "dma_proxy_rx_0"));
	CHECK(get("%s/sys/kernel/config/dmastream/p2/enable", root) == NULL);
	CHECK_EQ(run(cmd_create, "--dma-proxy", "p2", "-q", "--channels",
		     "dma_proxy_rx_0=dma7chan1", NULL), EXIT_OK);
	CHECK_STR(out, "");
	CHECK(get("%s/dev/dma_proxy_rx_0", root) != NULL);
	CHECK_EQ(run(cmd_remove, "p2", "-q", NULL), EXIT_OK);
	CHECK(get("%s/dev/dma_proxy_rx_0", root) == NULL);

	/* Its channels in list, info and stats, by DEVICE/LABEL, LABEL or /dev/LABEL. */
	CHECK_EQ(run(cmd_list, "--json", NULL), EXIT_OK);
	snprintf(cmd, sizeof(cmd), "{\"name\":\"dma_proxy/dma_proxy_rx\",\"device\":\"dma_proxy\","
		 "\"label\":\"dma_proxy_rx\",\"node\":\"%s/dev/dma_proxy_rx\",\"abi\":\"dma_proxy\","
		 "\"direction\":\"rx\",\"dma_channel\":\"dma0chan1\"", root);
	CHECK(out && strstr(out, cmd));
	CHECK(strstr(out, "\"name\":\"loop0/rx\",\"device\":\"loop0\",\"label\":\"rx\","));
	CHECK(strstr(out, "\"abi\":\"dmastream\""));	/* no abi attribute: the default */
	CHECK_EQ(run(cmd_list, NULL), EXIT_OK);
	CHECK(out && strstr(out, " ABI ") && strstr(out, "dma_proxy/dma_proxy_tx tx      dma_proxy"));
	CHECK(strstr(out, "loop0/rx               rx      dmastream dma0chan1"));
	CHECK_EQ(run(cmd_info, "dma_proxy", "--json", NULL), EXIT_OK);
	CHECK(out && strstr(out, "\"name\":\"dma_proxy/dma_proxy_rx\"") &&
	      strstr(out, "\"name\":\"dma_proxy/dma_proxy_tx\"") &&
	      strstr(out, "\"abi\":\"dma_proxy\""));
	snprintf(cmd, sizeof(cmd), "\"node\":\"%s/dev/dma_proxy_tx\"", root);
	CHECK_EQ(run(cmd_info, "dma_proxy/dma_proxy_tx", "--json", NULL), EXIT_OK);
	CHECK(out && strstr(out, cmd) && strstr(out, "\"direction\":\"tx\""));
	CHECK_EQ(run(cmd_info, "dma_proxy_tx", "--json", NULL), EXIT_OK);
	CHECK(out && strstr(out, cmd) && strstr(out, "\"name\":\"dma_proxy/dma_proxy_tx\""));
	snprintf(cmd, sizeof(cmd), "%s/dev/dma_proxy_tx", root);
	CHECK_EQ(run(cmd_info, cmd, NULL), EXIT_OK);
	CHECK(out && strstr(out, "dma_proxy/dma_proxy_tx  (") && strstr(out, "abi              dma_proxy"));
	CHECK_EQ(run(cmd_info, "dma_proxy/nope", NULL), EXIT_NO_CHANNEL);
	CHECK(errout && strstr(errout, "device 'dma_proxy' has no channel 'nope'"));
	CHECK_EQ(run(cmd_info, "loop0/dma_proxy_tx", NULL), EXIT_NO_CHANNEL);	/* not loop0's */
	CHECK_EQ(run(cmd_stats, "dma_proxy_rx", "--json", NULL), EXIT_OK);
	CHECK(out && strstr(out, "\"name\":\"dma_proxy/dma_proxy_rx\"") &&
	      strstr(out, "\"completed\":10"));
	CHECK_EQ(run(cmd_stats, "dma_proxy", NULL), EXIT_OK);
	CHECK(out && strstr(out, "dma_proxy/dma_proxy_rx") && strstr(out, "dma_proxy/dma_proxy_tx"));
	CHECK_EQ(run(cmd_stats, "dma_proxy/dma_proxy_rx", "--reset", NULL), EXIT_USAGE);
	CHECK(errout && strstr(errout, "DMA Proxy channel"));
	/* The streaming commands refuse them before opening anything. */
	CHECK_EQ(run(cmd_loop, "dma_proxy", "-n", "1", NULL), EXIT_NO_CHANNEL);
	CHECK(errout && strstr(errout, "dma_proxy is a DMA Proxy device"));
	CHECK_EQ(run(cmd_rx, "dma_proxy_rx", "-n", "1", NULL), EXIT_NO_CHANNEL);
	CHECK(errout && strstr(errout, "dma_proxy/dma_proxy_rx is a DMA Proxy channel"));
	CHECK_EQ(run(cmd_remove, "dma_proxy", "--json", NULL), EXIT_OK);
	CHECK_STR(out, "{\"removed\":\"dma_proxy\"}\n");
	CHECK(get("%s/dev/dma_proxy_tx", root) == NULL && get("%s/dev/dma_proxy_rx", root) == NULL);
	CHECK(get("%s/sys/kernel/config/dmastream/dma_proxy/enable", root) == NULL);
	CHECK_EQ(run(cmd_info, "dma_proxy", NULL), EXIT_NO_CHANNEL);

	/* The loopback pair held by another device: busy, and who holds it. */
	mk("%s/sys/bus/platform/devices/dmasim.1/channels", root);
	put("dma1chan0", "%s/sys/bus/platform/devices/dmasim.1/channels/tx", root);
	put("dma1chan1", "%s/sys/bus/platform/devices/dmasim.1/channels/rx", root);
	sysfs_chan("t0.tx", "t0", "tx", "dma1chan0", "dmastream");
	mk("%s/sys/kernel/config/dmastream/t0", root);
	held = "dma1chan0";
	CHECK_EQ(run(cmd_create, "--loopback", "--dma-proxy", "--engine", "1", "--json", NULL),
		 EXIT_BUSY);
	CHECK(out && strstr(out, "\"error\":\"dmasim engine 1's loopback is held by device 't0': "
			      "remove it with 'dmastream remove t0', or load dmasim with engines=3 "
			      "and use --engine 2\",\"class\":\"busy\""));
	CHECK(get("%s/sys/kernel/config/dmastream/dma_proxy/enable", root) == NULL);
	mk("%s/sys/bus/platform/devices/dmasim.2", root);
	CHECK_EQ(run(cmd_create, "--loopback", "lo5", "-e", "1", NULL), EXIT_BUSY);
	CHECK(errout && strstr(errout, "held by device 't0': remove it with 'dmastream remove t0', "
				      "or use --engine 2\n"));
	CHECK_EQ(run(cmd_create, "lo5", "--channels", "rx=dma1chan0", NULL), EXIT_BUSY);
	CHECK(errout && strstr(errout, "DMA channel dma1chan0 ('rx') is held by device 't0'"));
	snprintf(cmd, sizeof(cmd), "%s/sys/kernel/config/dmastream/t0", root);
	CHECK_EQ(rmdir(cmd), 0);	/* t0 from a device tree: it cannot be removed here */
	CHECK_EQ(run(cmd_create, "lo5", "--channels", "rx=dma1chan0", NULL), EXIT_BUSY);
	CHECK(errout && strstr(errout, "not a configfs device"));
	held = "dma1chan9";	/* taken, but not by a dmastream device */
	CHECK_EQ(run(cmd_create, "lo5", "--channels", "rx=dma1chan9", NULL), EXIT_NO_CHANNEL);
	held = NULL;

	/* A module before the DMA Proxy personality: no abi attribute. */
	old_module = true;
	CHECK_EQ(run(cmd_create, "--loopback", "--dma-proxy", NULL), EXIT_NO_MODULE);
	CHECK(errout && strstr(errout, "too old"));
	CHECK(get("%s/sys/kernel/config/dmastream/dma_proxy/enable", root) == NULL);
	CHECK_EQ(run(cmd_create, "--loopback", "lo6", "-q", NULL), EXIT_OK);	/* plain: as ever */
	CHECK_EQ(run(cmd_remove, "lo6", "-q", NULL), EXIT_OK);
	old_module = false;

	/* The path logic on its own. */
	{
		struct target t;
		char node[512];

		sysfs_chan("pp_rx", "pp", "pp_rx", "dma4chan0", "dma_proxy");
		CHECK_EQ(parse_target("pp/pp_rx", &t), 0);
		CHECK(t.proxy);
		snprintf(cmd, sizeof(cmd), "%s/dev/pp_rx", root);
		CHECK_STR(t.path, cmd);
		CHECK_EQ(parse_target("pp_rx", &t), 0);
		CHECK(t.proxy && !strcmp(t.device, "pp") && !strcmp(t.label, "pp_rx"));
		CHECK_EQ(parse_target(cmd, &t), 0);
		CHECK(t.proxy && !strcmp(t.device, "pp") && !strcmp(t.label, "pp_rx"));
		CHECK_EQ(parse_target("other/pp_rx", &t), 0);	/* not other's channel */
		CHECK(!t.proxy);
		snprintf(cmd, sizeof(cmd), "%s/dev/dmastream/other/pp_rx", root);
		CHECK_STR(t.path, cmd);
		CHECK_EQ(parse_target("loop0/rx", &t), 0);
		CHECK(!t.proxy && !strcmp(t.device, "loop0") && !strcmp(t.label, "rx"));
		CHECK_EQ(parse_target("loop0", &t), 0);
		CHECK(!t.proxy && !strcmp(t.device, "loop0") && !t.label[0]);
		CHECK_EQ(parse_target("/dev/null", &t), 0);
		CHECK(!t.proxy && !t.device[0]);
		snprintf(cmd, sizeof(cmd), "%s/dev/pp_rx", root);
		CHECK_STR(channel_node(node, sizeof(node), "pp", "pp_rx", ABI_DMA_PROXY), cmd);
		snprintf(cmd, sizeof(cmd), "%s/dev/dmastream/pp/rx", root);
		CHECK_STR(channel_node(node, sizeof(node), "pp", "rx", ABI_DMASTREAM), cmd);
		CHECK(!proxy_channel("loop0.rx", NULL, 0) && !proxy_channel("nope", NULL, 0));
		snprintf(cmd, sizeof(cmd), "rm -rf '%s/sys/class/dmastream/pp_rx'", root);
		CHECK_EQ(system(cmd), 0);
	}

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
