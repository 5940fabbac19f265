/* SPDX-License-Identifier: MIT */
/*
 * Where dmastream lives in the file system (docs/devices.md) and what is
 * there: channel nodes, sysfs attributes, configfs devices, dmasim engines.
 * Every path is taken relative to $DMASTREAM_ROOT (default: "/"), so that
 * the tests can run the commands against a directory tree of their own.
 */
#ifndef DMS_TOOL_DEVICES_H
#define DMS_TOOL_DEVICES_H

#include <stdbool.h>
#include <stddef.h>

#include "cli.h"

#define PATH_LEN 512
#define NAME_LEN 32

/* A device's ABI, as configfs and sysfs spell it (docs/devices.md). */
#define ABI_DMASTREAM "dmastream"
#define ABI_DMA_PROXY "dma_proxy"

struct dms_channel;

/*
 * A command-line target: a device ("loop0") or a channel ("loop0/rx", a
 * path). A DMA Proxy channel is also found by its label alone
 * ("dma_proxy_tx") or its node ("/dev/dma_proxy_tx"), as "dma_proxy/dma_proxy_tx".
 */
struct target {
	char device[NAME_LEN];		/* "" when only a path is known */
	char label[NAME_LEN];		/* "" for a device */
	char path[PATH_LEN];		/* the channel node, or the device's directory */
	bool proxy;			/* a channel of a dma_proxy device: path is /dev/<label> */
};

struct chan_entry {
	char device[NAME_LEN];
	char label[NAME_LEN];
	char abi[16];			/* ABI_DMASTREAM (also when sysfs does not say) or ABI_DMA_PROXY */
	char direction[16];
	char dma_channel[NAME_LEN];
	char provider[64];
	char state[16];
	char ring[64];
	char timeout_ms[16];
	char coherent[8];
	char max_seg_size[16], max_segs[16], max_xfer_bytes[16], addr_align[16], len_align[16];
	char sysfs[PATH_LEN];
	char node[PATH_LEN];
};

/* root + the formatted path. */
char *root_path(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool path_exists(const char *path);
bool module_loaded(void);

/* Read a sysfs-style attribute, trailing newline removed: 0 or -errno. */
int read_attr(const char *path, char *buf, size_t len);
int write_attr(const char *path, const char *value);

/*
 * A channel's node: /dev/dmastream/<device>/<label>, or /dev/<label> for
 * a dma_proxy device's channel (@abi ABI_DMA_PROXY).
 */
char *channel_node(char *buf, size_t len, const char *device, const char *label,
		   const char *abi);
/*
 * Is /sys/class/dmastream/<label> a channel of a dma_proxy device? Its
 * device's name then goes to @device (when not NULL).
 */
bool proxy_channel(const char *label, char *device, size_t len);
/* Does a device of this name have channels (in sysfs or /dev/dmastream)? */
bool device_exists(const char *device);

int parse_target(const char *arg, struct target *t);
/* Every channel sysfs knows, sorted by device and label; *n = 0 when none. */
int list_channels(struct chan_entry **out, size_t *n);
/* The channels of @device, from sysfs or, failing that, its /dev directory. */
int device_channels(const char *device, struct chan_entry **out, size_t *n);
int channel_entry(const struct target *t, struct chan_entry *e);
/* The channel, if any, that holds dmaengine channel @dma_channel (dma0chan1): 0 or -ENOENT. */
int channel_holding(const char *dma_channel, struct chan_entry *e);

/*
 * Open a channel for the library, turning a failure into the right exit
 * code and message (no module, no such device or channel, permission, a
 * node that is not a dmastream channel). Returns EXIT_OK or the code.
 */
int open_channel(struct cli *c, const char *path, unsigned int flags, struct dms_channel **chp);
/* The same report for an -errno from dms_channel_open(). */
int open_error(struct cli *c, const char *path, int err);
/*
 * configfs as create/remove use it: make an item (mkdir), write an
 * attribute, drop the item (rmdir). Tests replace it with a plain
 * directory tree that behaves the same way.
 */
struct configfs_ops {
	int (*make_item)(const char *path);
	int (*write)(const char *path, const char *value);
	int (*drop_item)(const char *path);
};

void set_configfs_ops(const struct configfs_ops *ops);

/* Explain why @t does not exist; returns the exit code. */
int missing_target(struct cli *c, const struct target *t);

#endif /* DMS_TOOL_DEVICES_H */
