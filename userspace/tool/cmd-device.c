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

/* "tx=dma0chan0 rx=dma0chan1" for dmasim engine @engine. */
static int loopback_channels(struct cli *c, unsigned int engine, char *spec, size_t len)
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
	snprintf(spec, len, "tx=%s rx=%s", tx, rx);
	return EXIT_OK;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The labels named in a channels spec ("tx=... rx" -> tx, rx). */
static size_t spec_labels(const char *spec, char labels[][NAME_LEN], size_t max)
{
	char copy[512], *tok, *save = NULL, *eq;
	size_t n = 0;

	snprintf(copy, sizeof(copy), "%s", spec);
	for (tok = strtok_r(copy, " \t,\n", &save); tok && n < max;
	     tok = strtok_r(NULL, " \t,\n", &save)) {
		eq = strchr(tok, '=');
		if (eq)
			*eq = '\0';
		snprintf(labels[n++], NAME_LEN, "%s", tok);
	}
	return n;
}

const struct option create_options[] = {
	{ "loopback", no_argument, NULL, 'l' },
	{ "channels", required_argument, NULL, 'c' },
	{ "engine", required_argument, NULL, 'e' },
	{ "json", no_argument, NULL, 'j' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int cmd_create(struct cli *c, int argc, char **argv)
{
	char dir[PATH_LEN], item[PATH_LEN + 64], p[PATH_LEN + 96], spec[512] = "";
	char labels[16][NAME_LEN], node[PATH_LEN + NAME_LEN];
	bool loopback = false, all;
	uint64_t engine = 0, deadline;
	const char *name;
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
	if (optind + 1 != argc)
		return cli_fail(c, EXIT_USAGE, "give exactly one device NAME");
	name = argv[optind];
	if (!valid_name(name))
		return cli_fail(c, EXIT_USAGE,
				"bad device name '%s': letters, digits, '_', '-', '.', at most 31", name);
	if (loopback == !!spec[0])
		return cli_fail(c, EXIT_USAGE, "give either --loopback or --channels");

	ret = configfs_dir(c, dir, sizeof(dir));
	if (ret)
		return ret;
	if (loopback) {
		ret = loopback_channels(c, (unsigned int)engine, spec, sizeof(spec));
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
	snprintf(p, sizeof(p), "%s/channels", item);
	ret = cfs->write(p, spec);
	if (ret < 0) {
		cfs->drop_item(item);
		if (ret == -EINVAL)
			return cli_fail(c, EXIT_USAGE, "the driver refused the channel list '%s'", spec);
		return cli_fail_errno(c, ret, "cannot write %s", p);
	}
	snprintf(p, sizeof(p), "%s/enable", item);
	ret = cfs->write(p, "1");
	if (ret < 0) {
		cfs->drop_item(item);
		if (ret == -ENODEV)
			return cli_fail(c, EXIT_NO_CHANNEL,
					"cannot claim '%s': no such DMA channel, or it is taken", spec);
		if (ret == -EINVAL)
			return cli_fail(c, EXIT_USAGE,
					"'%s': a channel cannot do what its label says (tx/rx/mem)",
					spec);
		return cli_fail_errno(c, ret, "cannot enable %s", item);
	}

	/* devtmpfs creates the nodes as the driver registers them. */
	nlabels = spec_labels(spec, labels, 16);
	deadline = mono_ms() + NODE_WAIT_MS;
	do {
		all = true;
		for (i = 0; i < nlabels; i++) {
			root_path(node, sizeof(node), "%s/%s/%s", DMS_DEV_DIR, name, labels[i]);
			all = all && path_exists(node);
		}
		if (!all)
			usleep(10000);
	} while (!all && mono_ms() < deadline);
	if (!all)
		return cli_fail(c, EXIT_FAIL,
				"device '%s' enabled, but its nodes did not appear under %s (devtmpfs?)",
				name, DMS_DEV_DIR);

	if (c->json) {
		json_init(&j, c->out);
		json_begin_object(&j, NULL);
		json_string(&j, "device", name);
		json_string(&j, "channels_spec", spec);
		json_begin_array(&j, "channels");
		for (i = 0; i < nlabels; i++) {
			root_path(node, sizeof(node), "%s/%s/%s", DMS_DEV_DIR, name, labels[i]);
			json_begin_object(&j, NULL);
			json_string(&j, "label", labels[i]);
			json_string(&j, "node", node);
			json_end_object(&j);
		}
		json_end_array(&j);
		json_end_object(&j);
	} else if (!c->quiet) {
		fprintf(c->out, "created %s (%s):", name, spec);
		for (i = 0; i < nlabels; i++)
			fprintf(c->out, " %s/%s", name, labels[i]);
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
