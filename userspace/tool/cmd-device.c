// SPDX-License-Identifier: MIT
/*
 * dmastream create, dmastream remove: dmastream devices through configfs
 * (docs/devices.md), for systems without a device tree.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "devices.h"
#include "help.h"
#include "json.h"
#include "libdmastream.h"
#include "units.h"

#define NODE_WAIT_MS 2000

static int sys_mkdir(const char *path)
{
	return mkdir(path, 0755) < 0 ? -errno : 0;
}

static int sys_rmdir(const char *path)
{
	return rmdir(path) < 0 ? -errno : 0;
}

static const struct configfs_ops sys_configfs = {
	.make_item = sys_mkdir,
	.write = write_attr,
	.drop_item = sys_rmdir,
};

static const struct configfs_ops *cfs = &sys_configfs;

void set_configfs_ops(const struct configfs_ops *ops)
{
	cfs = ops ? ops : &sys_configfs;
}

static bool valid_name(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n >= NAME_LEN || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.", s[i]))
			return false;
	return true;
}

/* configfs's dmastream directory, mounting configfs if needed. */
static int configfs_dir(struct cli *c, char *dir, size_t len)
{
	char mnt[PATH_LEN];

	root_path(dir, len, "/sys/kernel/config/dmastream");
	if (path_exists(dir))
		return EXIT_OK;
	if (!module_loaded())
		return cli_fail(c, EXIT_NO_MODULE,
				"the dmastream module is not loaded (modprobe dmastream)");
	root_path(mnt, sizeof(mnt), "/sys/kernel/config");
	/* Only the real root is ever mounted on. */
	if (!getenv("DMASTREAM_ROOT") && mount("none", mnt, "configfs", 0, NULL) < 0 &&
	    errno != EBUSY) {
		if (errno == EPERM || errno == EACCES)
			return cli_fail(c, EXIT_PERMISSION,
					"configfs is not mounted and mounting it needs root");
		return cli_fail_errno(c, -errno, "cannot mount configfs on %s", mnt);
	}
	if (path_exists(dir))
		return EXIT_OK;
	return cli_fail(c, EXIT_NO_MODULE,
			"%s does not exist: is configfs available and dmastream loaded?", dir);
}

/*
 * "tx=dma0chan0 rx=dma0chan1" for dmasim engine @engine, with the labels
 * @txl and @rxl.
 */
static int loopback_channels(struct cli *c, unsigned int engine, const char *txl,
			     const char *rxl, char *spec, size_t len)
{
	char p[PATH_LEN], tx[NAME_LEN], rx[NAME_LEN];
	int ret;

	root_path(p, sizeof(p), "/sys/bus/platform/devices/dmasim.%u", engine);
	if (!path_exists(p))
		return cli_fail(c, EXIT_NO_MODULE,
				"no dmasim engine %u (%s): load the simulated engine (modprobe dmasim)",
				engine, p);
	root_path(p, sizeof(p), "/sys/bus/platform/devices/dmasim.%u/channels/tx", engine);
	ret = read_attr(p, tx, sizeof(tx));
	if (ret == 0) {
		root_path(p, sizeof(p), "/sys/bus/platform/devices/dmasim.%u/channels/rx", engine);
		ret = read_attr(p, rx, sizeof(rx));
	}
	if (ret < 0)
		return cli_fail_errno(c, ret, "cannot read %s", p);
	if (!tx[0] || !rx[0])
		return cli_fail(c, EXIT_NO_CHANNEL, "dmasim engine %u names no tx/rx channel",
				engine);
	snprintf(spec, len, "%s=%s %s=%s", txl, tx, rxl, rx);
	return EXIT_OK;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The labels and sources of a channels spec ("tx=dma0chan0 rx" -> tx, rx; dma0chan0, ""). */
static size_t spec_entries(const char *spec, char labels[][NAME_LEN], char sources[][NAME_LEN],
			   size_t max)
{
	char copy[512], *tok, *save = NULL, *eq;
	size_t n = 0;

	snprintf(copy, sizeof(copy), "%s", spec);
	for (tok = strtok_r(copy, " \t,\n", &save); tok && n < max;
	     tok = strtok_r(NULL, " \t,\n", &save)) {
		eq = strchr(tok, '=');
		if (eq)
			*eq = '\0';
		snprintf(labels[n], NAME_LEN, "%.31s", tok);
		snprintf(sources[n], NAME_LEN, "%.31s", eq ? eq + 1 : "");
		n++;
	}
	return n;
}

/*
 * enable failed with ENODEV: when another dmastream device holds one of
 * the channels asked for, say which and how to free it (busy); otherwise
 * 0, and the caller reports the failure as it is.
 */
static int report_holder(struct cli *c, const char *cfsdir, const char *spec, bool loopback,
			 unsigned int engine)
{
	char labels[16][NAME_LEN], sources[16][NAME_LEN], p[PATH_LEN + NAME_LEN];
	char remedy[160], other[96];
	struct chan_entry e;
	size_t n, i;

	n = spec_entries(spec, labels, sources, 16);
	for (i = 0; i < n; i++)
		if (sources[i][0] && channel_holding(sources[i], &e) == 0)
			break;
	if (i == n)
		return 0;
	snprintf(p, sizeof(p), "%s/%s", cfsdir, e.device);
	if (path_exists(p))
		snprintf(remedy, sizeof(remedy), "remove it with 'dmastream remove %s'", e.device);
	else
		snprintf(remedy, sizeof(remedy),
			 "it is not a configfs device (a device tree's?): unbind it first");
	if (!loopback)
		return cli_fail(c, EXIT_BUSY, "DMA channel %s ('%s') is held by device '%s': %s",
				sources[i], labels[i], e.device, remedy);
	root_path(p, sizeof(p), "/sys/bus/platform/devices/dmasim.%u", engine + 1);
	if (path_exists(p))
		snprintf(other, sizeof(other), "use --engine %u", engine + 1);
	else
		snprintf(other, sizeof(other), "load dmasim with engines=%u and use --engine %u",
			 engine + 2, engine + 1);
	return cli_fail(c, EXIT_BUSY, "dmasim engine %u's loopback is held by device '%s': %s, or %s",
			engine, e.device, remedy, other);
}

/* enable failed with EEXIST on a dma_proxy device: which node's label is taken, by whom. */
static int report_taken_label(struct cli *c, const char *spec)
{
	char labels[16][NAME_LEN], sources[16][NAME_LEN], owner[NAME_LEN];
	char p[PATH_LEN + NAME_LEN], remedy[160];
	size_t n, i;

	n = spec_entries(spec, labels, sources, 16);
	for (i = 0; i < n; i++) {
		if (!proxy_channel(labels[i], owner, sizeof(owner)))
			continue;
		/* By the node's parent: a configfs device may share a tree device's name. */
		root_path(p, sizeof(p), "/sys/class/dmastream/%s/device/of_node", labels[i]);
		if (path_exists(p))
			snprintf(remedy, sizeof(remedy),
				 "it comes from a device tree (xlnx,dma_proxy): use that one");
		else
			snprintf(remedy, sizeof(remedy), "remove it with 'dmastream remove %s'", owner);
		return cli_fail(c, EXIT_BUSY,
				"/dev/%s exists already, a channel of device '%s': %s, or choose other labels with --channels",
				labels[i], owner, remedy);
	}
	return cli_fail(c, EXIT_BUSY, "a channel of '%s' is named like an existing node", spec);
}

enum { OPT_DMA_PROXY = 256 };

/* What a dma_proxy device's labels must be (docs/devices.md). */
#define PROXY_LABELS "each label of a dma_proxy device needs a '_'-separated tx or rx part " \
	"(dma_proxy_tx, dma_proxy_rx_0), no '.', is not 'dmastream', and names a tx or rx " \
	"channel that can do what it says (no memcpy)"

const struct option create_options[] = {
	{ "loopback", no_argument, NULL, 'l' },
	{ "channels", required_argument, NULL, 'c' },
	{ "engine", required_argument, NULL, 'e' },
	{ "dma-proxy", no_argument, NULL, OPT_DMA_PROXY },
	{ "json", no_argument, NULL, 'j' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int cmd_create(struct cli *c, int argc, char **argv)
{
	char dir[PATH_LEN], item[PATH_LEN + 64], p[PATH_LEN + 96], spec[512] = "";
	char labels[16][NAME_LEN], sources[16][NAME_LEN], node[PATH_LEN + NAME_LEN];
	bool loopback = false, proxy = false, all;
	uint64_t engine = 0, deadline;
	const char *name, *abi;
	size_t nlabels, i;
	struct json j;
	int opt, ret;

	optind = 0;	/* a fresh parse, also when called more than once */
	while ((opt = getopt_long(argc, argv, "lc:e:jqh", create_options, NULL)) != -1) {
		switch (opt) {
		case 'l':
			loopback = true;
			break;
		case 'c':
			snprintf(spec, sizeof(spec), "%s", optarg);
			break;
		case 'e':
			if (parse_count(optarg, &engine) < 0 || engine > 1000)
				return cli_fail(c, EXIT_USAGE, "bad engine number: %s", optarg);
			break;
		case OPT_DMA_PROXY:
			proxy = true;
			break;
		case 'j':
			c->json = true;
			break;
		case 'q':
			c->quiet = true;
			break;
		case 'h':
			help_print(c->out, "create");
			return EXIT_OK;
		default:
			return EXIT_USAGE;
		}
	}
	abi = proxy ? ABI_DMA_PROXY : ABI_DMASTREAM;
	if (optind + 1 == argc)
		name = argv[optind];
	else if (optind == argc && proxy)
		name = "dma_proxy";	/* the name Xilinx's DMA Proxy driver goes by */
	else
		return cli_fail(c, EXIT_USAGE, proxy ? "give at most one device NAME" :
				"give exactly one device NAME");
	if (!valid_name(name))
		return cli_fail(c, EXIT_USAGE,
				"bad device name '%s': letters, digits, '_', '-', '.', at most 31", name);
	if (loopback == !!spec[0])
		return cli_fail(c, EXIT_USAGE, "give either --loopback or --channels");

	ret = configfs_dir(c, dir, sizeof(dir));
	if (ret)
		return ret;
	if (loopback) {
		ret = loopback_channels(c, (unsigned int)engine, proxy ? "dma_proxy_tx" : "tx",
					proxy ? "dma_proxy_rx" : "rx", spec, sizeof(spec));
		if (ret)
			return ret;
	}
	snprintf(item, sizeof(item), "%s/%s", dir, name);
	ret = cfs->make_item(item);
	if (ret == -EEXIST)
		return cli_fail(c, EXIT_BUSY, "a device named '%s' already exists", name);
	if (ret == -EACCES || ret == -EPERM)
		return cli_fail(c, EXIT_PERMISSION, "creating %s needs root", item);
	if (ret < 0)
		return cli_fail_errno(c, ret, "cannot create %s", item);
	/* The ABI first: the channels' labels are checked against it at enable. */
	if (proxy) {
		snprintf(p, sizeof(p), "%s/abi", item);
		ret = cfs->write(p, ABI_DMA_PROXY);
		if (ret < 0) {
			cfs->drop_item(item);
			if (ret == -ENOENT || ret == -EINVAL)
				return cli_fail(c, EXIT_NO_MODULE,
						"the loaded dmastream module is too old for --dma-proxy: its configfs devices have no abi %s (load a dmastream module with the DMA Proxy personality)",
						ABI_DMA_PROXY);
			return cli_fail_errno(c, ret, "cannot write %s", p);
		}
	}
	snprintf(p, sizeof(p), "%s/channels", item);
	ret = cfs->write(p, spec);
	if (ret < 0) {
		cfs->drop_item(item);
		if (ret == -EINVAL)
			return cli_fail(c, EXIT_USAGE, "the driver refused the channel list '%s'%s%s",
					spec, proxy ? ": " : "", proxy ? PROXY_LABELS : "");
		return cli_fail_errno(c, ret, "cannot write %s", p);
	}
	snprintf(p, sizeof(p), "%s/enable", item);
	ret = cfs->write(p, "1");
	if (ret < 0) {
		cfs->drop_item(item);
		if (ret == -ENODEV) {
			ret = report_holder(c, dir, spec, loopback, (unsigned int)engine);
			if (ret)
				return ret;
			return cli_fail(c, EXIT_NO_CHANNEL,
					"cannot claim '%s': no such DMA channel, or it is taken", spec);
		}
		if (ret == -EEXIST && proxy)
			return report_taken_label(c, spec);
		if (ret == -EINVAL && proxy)
			return cli_fail(c, EXIT_USAGE, "'%s' refused: %s", spec, PROXY_LABELS);
		if (ret == -EINVAL)
			return cli_fail(c, EXIT_USAGE,
					"'%s': a channel cannot do what its label says (tx/rx/mem)",
					spec);
		return cli_fail_errno(c, ret, "cannot enable %s", item);
	}

	/* devtmpfs creates the nodes as the driver registers them. */
	nlabels = spec_entries(spec, labels, sources, 16);
	deadline = mono_ms() + NODE_WAIT_MS;
	do {
		all = true;
		for (i = 0; i < nlabels; i++) {
			channel_node(node, sizeof(node), name, labels[i], abi);
			all = all && path_exists(node);
		}
		if (!all)
			usleep(10000);
	} while (!all && mono_ms() < deadline);
	if (!all)
		return cli_fail(c, EXIT_FAIL,
				"device '%s' enabled, but its nodes did not appear under %s (devtmpfs?)",
				name, proxy ? "/dev" : DMS_DEV_DIR);

	if (c->json) {
		json_init(&j, c->out);
		json_begin_object(&j, NULL);
		json_string(&j, "device", name);
		json_string(&j, "abi", abi);
		json_string(&j, "channels_spec", spec);
		json_begin_array(&j, "channels");
		for (i = 0; i < nlabels; i++) {
			channel_node(node, sizeof(node), name, labels[i], abi);
			json_begin_object(&j, NULL);
			json_string(&j, "label", labels[i]);
			json_string(&j, "node", node);
			json_end_object(&j);
		}
		json_end_array(&j);
		json_end_object(&j);
	} else if (!c->quiet) {
		fprintf(c->out, "created %s (%s%s):", name, proxy ? "abi dma_proxy; " : "", spec);
		for (i = 0; i < nlabels; i++) {
			if (proxy)
				fprintf(c->out, " %s", channel_node(node, sizeof(node), name,
								   labels[i], abi));
			else
				fprintf(c->out, " %s/%s", name, labels[i]);
		}
		fputc('\n', c->out);
	}
	return EXIT_OK;
}

const struct option remove_options[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int cmd_remove(struct cli *c, int argc, char **argv)
{
	char dir[PATH_LEN], item[PATH_LEN + 64], p[PATH_LEN + 96];
	const char *name;
	struct json j;
	int opt, ret;

	optind = 0;	/* a fresh parse, also when called more than once */
	while ((opt = getopt_long(argc, argv, "jqh", remove_options, NULL)) != -1) {
		switch (opt) {
		case 'j':
			c->json = true;
			break;
		case 'q':
			c->quiet = true;
			break;
		case 'h':
			help_print(c->out, "remove");
			return EXIT_OK;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc)
		return cli_fail(c, EXIT_USAGE, "give exactly one device NAME");
	name = argv[optind];
	if (!valid_name(name))
		return cli_fail(c, EXIT_USAGE, "bad device name '%s'", name);
	ret = configfs_dir(c, dir, sizeof(dir));
	if (ret)
		return ret;
	snprintf(item, sizeof(item), "%s/%s", dir, name);
	if (!path_exists(item))
		return cli_fail(c, EXIT_NO_CHANNEL,
				"no configfs device '%s' (devices from a device tree cannot be removed here)",
				name);
	/* Disabling first takes the device down even with files open. */
	snprintf(p, sizeof(p), "%s/enable", item);
	cfs->write(p, "0");
	ret = cfs->drop_item(item);
	if (ret == -EACCES || ret == -EPERM)
		return cli_fail(c, EXIT_PERMISSION, "removing %s needs root", item);
	if (ret < 0)
		return cli_fail_errno(c, ret, "cannot remove %s", item);
	if (c->json) {
		json_init(&j, c->out);
		json_begin_object(&j, NULL);
		json_string(&j, "removed", name);
		json_end_object(&j);
	} else if (!c->quiet) {
		fprintf(c->out, "removed %s\n", name);
	}
	return EXIT_OK;
}
