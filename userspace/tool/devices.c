// SPDX-License-Identifier: MIT
/* Finding dmastream devices and channels (devices.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices.h"
#include "libdmastream.h"

char *root_path(char *buf, size_t len, const char *fmt, ...)
{
	const char *root = getenv("DMASTREAM_ROOT");
	size_t n;
	va_list ap;

	if (!root || !strcmp(root, "/"))
		root = "";
	n = (size_t)snprintf(buf, len, "%s", root);
	if (n >= len)
		n = len - 1;
	va_start(ap, fmt);
	vsnprintf(buf + n, len - n, fmt, ap);
	va_end(ap);
	return buf;
}

bool path_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

bool module_loaded(void)
{
	char p[PATH_LEN];

	return path_exists(root_path(p, sizeof(p), "/sys/module/dmastream")) ||
	       path_exists(root_path(p, sizeof(p), "/sys/class/dmastream"));
}

int read_attr(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = '\0';
	return 0;
}

int write_attr(const char *path, const char *value)
{
	size_t len = strlen(value);
	ssize_t n;
	int fd, ret = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC | O_TRUNC);
	if (fd < 0)
		return -errno;
	n = write(fd, value, len);
	if (n < 0)
		ret = -errno;
	else if ((size_t)n != len)
		ret = -EIO;
	/* configfs reports some errors only when the file is closed. */
	if (close(fd) < 0 && !ret)
		ret = -errno;
	return ret;
}

static bool copy_name(char *dst, const char *src, size_t n)
{
	if (n == 0 || n >= NAME_LEN)
		return false;
	memcpy(dst, src, n);
	dst[n] = '\0';
	return true;
}

char *channel_node(char *buf, size_t len, const char *device, const char *label,
		   const char *abi)
{
	if (abi && !strcmp(abi, ABI_DMA_PROXY))
		return root_path(buf, len, "/dev/%s", label);
	return root_path(buf, len, "%s/%s/%s", DMS_DEV_DIR, device, label);
}

bool proxy_channel(const char *label, char *device, size_t len)
{
	char dir[PATH_LEN], p[PATH_LEN + 32], abi[16];

	/* A dmastream channel's directory is <device>.<label>; a proxy label has no '.'. */
	if (!*label || strchr(label, '.') || strchr(label, '/') || strlen(label) >= NAME_LEN)
		return false;
	root_path(dir, sizeof(dir), "/sys/class/dmastream/%s", label);
	snprintf(p, sizeof(p), "%s/abi", dir);
	if (read_attr(p, abi, sizeof(abi)) < 0 || strcmp(abi, ABI_DMA_PROXY) != 0)
		return false;
	if (device) {
		snprintf(p, sizeof(p), "%s/device_name", dir);
		if (read_attr(p, device, len) < 0)
			device[0] = '\0';
	}
	return true;
}

int parse_target(const char *arg, struct target *t)
{
	char devdir[PATH_LEN], owner[NAME_LEN];
	const char *rel, *slash;
	size_t dl;

	memset(t, 0, sizeof(*t));
	if (!arg || !*arg)
		return -EINVAL;
	root_path(devdir, sizeof(devdir), "%s/", DMS_DEV_DIR);
	dl = strlen(devdir);
	if (arg[0] == '/' || arg[0] == '.') {
		if (strlen(arg) >= sizeof(t->path))
			return -ENAMETOOLONG;
		strcpy(t->path, arg);
		/* A node under the usual directory: its names are known too. */
		if (strncmp(arg, devdir, dl) == 0) {
			rel = arg + dl;
		} else {
			/* /dev/<label>: a DMA Proxy channel's node, named by sysfs. */
			root_path(devdir, sizeof(devdir), "/dev/");
			dl = strlen(devdir);
			if (strncmp(arg, devdir, dl) == 0 &&
			    proxy_channel(arg + dl, owner, sizeof(owner)) && owner[0]) {
				snprintf(t->device, sizeof(t->device), "%s", owner);
				snprintf(t->label, sizeof(t->label), "%s", arg + dl);
				t->proxy = true;
			}
			return 0;
		}
	} else {
		rel = arg;
	}
	slash = strchr(rel, '/');
	if (!slash) {
		if (!copy_name(t->device, rel, strlen(rel)))
			return -EINVAL;
	} else {
		if (strchr(slash + 1, '/') || !copy_name(t->device, rel, (size_t)(slash - rel)) ||
		    !copy_name(t->label, slash + 1, strlen(slash + 1)))
			return -EINVAL;
	}
	if (t->path[0])
		return 0;
	if (t->label[0]) {
		channel_node(t->path, sizeof(t->path), t->device, t->label, ABI_DMASTREAM);
		/* DEVICE/LABEL of a dma_proxy device: its node is /dev/LABEL. */
		if (!path_exists(t->path) && proxy_channel(t->label, owner, sizeof(owner)) &&
		    !strcmp(owner, t->device)) {
			channel_node(t->path, sizeof(t->path), t->device, t->label, ABI_DMA_PROXY);
			t->proxy = true;
		}
		return 0;
	}
	root_path(t->path, sizeof(t->path), "%s/%s", DMS_DEV_DIR, t->device);
	/* A DMA Proxy channel by its label alone, unless a device has that name. */
	if (!path_exists(t->path) && proxy_channel(t->device, owner, sizeof(owner)) && owner[0]) {
		snprintf(t->label, sizeof(t->label), "%s", t->device);
		snprintf(t->device, sizeof(t->device), "%s", owner);
		channel_node(t->path, sizeof(t->path), t->device, t->label, ABI_DMA_PROXY);
		t->proxy = true;
	}
	return 0;
}

static void attr(const char *dir, const char *name, char *buf, size_t len)
{
	char p[PATH_LEN + 64];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	if (read_attr(p, buf, len) < 0)
		buf[0] = '\0';
}

static void fill_entry(struct chan_entry *e, const char *sysfs)
{
	snprintf(e->sysfs, sizeof(e->sysfs), "%s", sysfs);
	attr(sysfs, "device_name", e->device, sizeof(e->device));
	attr(sysfs, "label", e->label, sizeof(e->label));
	/* Modules before the DMA Proxy personality have no abi attribute. */
	attr(sysfs, "abi", e->abi, sizeof(e->abi));
	if (!e->abi[0])
		snprintf(e->abi, sizeof(e->abi), "%s", ABI_DMASTREAM);
	attr(sysfs, "direction", e->direction, sizeof(e->direction));
	attr(sysfs, "dma_channel", e->dma_channel, sizeof(e->dma_channel));
	attr(sysfs, "provider", e->provider, sizeof(e->provider));
	attr(sysfs, "state", e->state, sizeof(e->state));
	attr(sysfs, "ring", e->ring, sizeof(e->ring));
	attr(sysfs, "timeout_ms", e->timeout_ms, sizeof(e->timeout_ms));
	attr(sysfs, "coherent", e->coherent, sizeof(e->coherent));
	attr(sysfs, "max_seg_size", e->max_seg_size, sizeof(e->max_seg_size));
	attr(sysfs, "max_segs", e->max_segs, sizeof(e->max_segs));
	attr(sysfs, "max_xfer_bytes", e->max_xfer_bytes, sizeof(e->max_xfer_bytes));
	attr(sysfs, "addr_align", e->addr_align, sizeof(e->addr_align));
	attr(sysfs, "len_align", e->len_align, sizeof(e->len_align));
	channel_node(e->node, sizeof(e->node), e->device, e->label, e->abi);
}

static int cmp_entry(const void *a, const void *b)
{
	const struct chan_entry *x = a, *y = b;
	int r = strcmp(x->device, y->device);

	return r ? r : strcmp(x->label, y->label);
}

static int push(struct chan_entry **v, size_t *n, size_t *cap, struct chan_entry **slot)
{
	if (*n == *cap) {
		size_t ncap = *cap ? 2 * *cap : 8;
		struct chan_entry *nv = realloc(*v, ncap * sizeof(**v));

		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = ncap;
	}
	*slot = &(*v)[(*n)++];
	memset(*slot, 0, sizeof(**slot));
	return 0;
}

int list_channels(struct chan_entry **out, size_t *n)
{
	char cls[PATH_LEN], p[PATH_LEN + 300];
	struct chan_entry *v = NULL, *e;
	size_t cap = 0;
	struct dirent *d;
	DIR *dir;

	*out = NULL;
	*n = 0;
	dir = opendir(root_path(cls, sizeof(cls), "/sys/class/dmastream"));
	if (!dir)
		return -errno;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		if (push(&v, n, &cap, &e)) {
			closedir(dir);
			free(v);
			*n = 0;
			return -ENOMEM;
		}
		snprintf(p, sizeof(p), "%s/%s", cls, d->d_name);
		fill_entry(e, p);
		/* Without readable attributes, the name "<device>.<label>" is all we have. */
		if (!e->device[0] || !e->label[0]) {
			const char *dot = strrchr(d->d_name, '.');

			if (dot && copy_name(e->device, d->d_name, (size_t)(dot - d->d_name)))
				snprintf(e->label, sizeof(e->label), "%.31s", dot + 1);
			channel_node(e->node, sizeof(e->node), e->device, e->label, e->abi);
		}
	}
	closedir(dir);
	if (*n)
		qsort(v, *n, sizeof(*v), cmp_entry);
	*out = v;
	return 0;
}

int device_channels(const char *device, struct chan_entry **out, size_t *n)
{
	struct chan_entry *all = NULL, *v = NULL, *e;
	char dev[PATH_LEN];
	size_t nall = 0, cap = 0, i;
	struct dirent *d;
	DIR *dir;

	*out = NULL;
	*n = 0;
	if (list_channels(&all, &nall) == 0) {
		for (i = 0; i < nall; i++) {
			if (strcmp(all[i].device, device) != 0)
				continue;
			if (push(&v, n, &cap, &e)) {
				free(all);
				free(v);
				*n = 0;
				return -ENOMEM;
			}
			*e = all[i];
		}
		free(all);
		if (*n) {
			*out = v;
			return 0;
		}
	}
	/* No sysfs (or nothing there): the nodes themselves. */
	dir = opendir(root_path(dev, sizeof(dev), "%s/%s", DMS_DEV_DIR, device));
	if (!dir)
		return -errno;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.' || strlen(d->d_name) >= NAME_LEN)
			continue;
		if (push(&v, n, &cap, &e)) {
			closedir(dir);
			free(v);
			*n = 0;
			return -ENOMEM;
		}
		snprintf(e->device, sizeof(e->device), "%s", device);
		snprintf(e->label, sizeof(e->label), "%s", d->d_name);
		snprintf(e->node, sizeof(e->node), "%.400s/%s", dev, e->label);
	}
	closedir(dir);
	if (*n)
		qsort(v, *n, sizeof(*v), cmp_entry);
	*out = v;
	return 0;
}

int channel_entry(const struct target *t, struct chan_entry *e)
{
	char p[PATH_LEN], owner[NAME_LEN];

	memset(e, 0, sizeof(*e));
	if (!t->device[0] || !t->label[0])
		return -EINVAL;
	root_path(p, sizeof(p), "/sys/class/dmastream/%s.%s", t->device, t->label);
	if (!path_exists(p)) {
		/* A dma_proxy device's channel is /sys/class/dmastream/<label>. */
		if (!proxy_channel(t->label, owner, sizeof(owner)) || strcmp(owner, t->device))
			return -ENOENT;
		root_path(p, sizeof(p), "/sys/class/dmastream/%s", t->label);
	}
	fill_entry(e, p);
	return 0;
}

int channel_holding(const char *dma_channel, struct chan_entry *e)
{
	struct chan_entry *v;
	size_t n, i;
	int ret = -ENOENT;

	if (!dma_channel[0] || list_channels(&v, &n) < 0)
		return -ENOENT;
	for (i = 0; i < n && ret; i++) {
		if (!strcmp(v[i].dma_channel, dma_channel)) {
			*e = v[i];
			ret = 0;
		}
	}
	free(v);
	return ret;
}

bool device_exists(const char *device)
{
	struct chan_entry *v;
	char p[PATH_LEN];
	size_t n, i;
	bool found;

	if (path_exists(root_path(p, sizeof(p), "%s/%s", DMS_DEV_DIR, device)))
		return true;
	if (list_channels(&v, &n) < 0)
		return false;
	for (i = 0, found = false; i < n && !found; i++)
		found = !strcmp(v[i].device, device);
	free(v);
	return found;
}

int missing_target(struct cli *c, const struct target *t)
{
	if (!module_loaded())
		return cli_fail(c, EXIT_NO_MODULE,
				"the dmastream module is not loaded (modprobe dmastream)");
	if (t->device[0] && !device_exists(t->device))
		return cli_fail(c, EXIT_NO_CHANNEL,
				"no device '%s' (dmastream list shows what exists)", t->device);
	if (t->label[0])
		return cli_fail(c, EXIT_NO_CHANNEL, "device '%s' has no channel '%s'",
				t->device, t->label);
	return cli_fail(c, EXIT_NO_CHANNEL, "no such channel: %s", t->path);
}

int open_error(struct cli *c, const char *path, int ret)
{
	struct target t;

	switch (-ret) {
	case ENOENT:
		if (parse_target(path, &t) == 0)
			return missing_target(c, &t);
		return cli_fail(c, EXIT_NO_CHANNEL, "no such channel: %s", path);
	case EACCES:
	case EPERM:
		return cli_fail(c, EXIT_PERMISSION,
				"%s: permission denied (run as root, or grant access with a udev rule: docs/devices.md)",
				path);
	case ENOTTY:
		return cli_fail(c, EXIT_NO_CHANNEL, "%s is not a dmastream channel", path);
	case EPROTONOSUPPORT:
		return cli_fail(c, EXIT_FAIL,
				"%s: the driver speaks another ABI version than this tool", path);
	default:
		return cli_fail_errno(c, ret, "cannot open %s", path);
	}
}

int open_channel(struct cli *c, const char *path, unsigned int flags, struct dms_channel **chp)
{
	int ret = dms_channel_open(path, flags, chp);

	return ret ? open_error(c, path, ret) : EXIT_OK;
}
