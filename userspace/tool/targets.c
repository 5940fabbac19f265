// SPDX-License-Identifier: MIT
/* Choosing and opening the channels of a streaming command (targets.h). */
#include <stdlib.h>
#include <string.h>

#include "libdmastream.h"
#include "targets.h"

/* The first channel of @device whose label starts with @prefix. */
static int pick_label(struct cli *c, const struct target *t, const char *prefix,
		      char *label, size_t len)
{
	struct chan_entry *v;
	size_t n, i;
	int ret;

	ret = device_channels(t->device, &v, &n);
	if (ret < 0 || !n)
		return missing_target(c, t);
	for (i = 0; i < n; i++) {
		if (!strncmp(v[i].label, prefix, strlen(prefix))) {
			snprintf(label, len, "%s", v[i].label);
			free(v);
			return EXIT_OK;
		}
	}
	free(v);
	return -1;
}

static int open_label(struct cli *c, const struct target *t, const char *label,
		      struct dms_channel **chp)
{
	char path[PATH_LEN + NAME_LEN];

	snprintf(path, sizeof(path), "%s/%s", t->path, label);
	return open_channel(c, path, 0, chp);
}

/* rx or tx: a channel, or the first rx.../tx... channel of a device. */
static int open_one(struct cli *c, const struct target *t, const char *prefix,
		    struct dms_channel **chp)
{
	char label[NAME_LEN];
	int ret;

	if (t->label[0] || !t->device[0])
		return open_channel(c, t->path, 0, chp);
	ret = pick_label(c, t, prefix, label, sizeof(label));
	if (ret < 0)
		return cli_fail(c, EXIT_NO_CHANNEL, "device '%s' has no %s channel", t->device,
				prefix);
	if (ret)
		return ret;
	return open_label(c, t, label, chp);
}

/* loop: tx+rx of a device, or a memcpy channel (given, or the device's mem...). */
static int open_loop(struct cli *c, const struct stream_opts *o, const struct target *t,
		     struct dms_channel **tx, struct dms_channel **rx)
{
	char txl[NAME_LEN], rxl[NAME_LEN];
	int ret, rt, rr;

	if (t->label[0] || !t->device[0]) {
		ret = open_channel(c, t->path, 0, tx);
		if (ret)
			return ret;
		if (dms_channel_direction(*tx) != DMASTREAM_DIR_MEMCPY) {
			dms_channel_close(*tx);
			*tx = NULL;
			return cli_fail(c, EXIT_USAGE,
					"loop takes a device with tx and rx channels, or a memcpy channel");
		}
		return EXIT_OK;
	}
	if (o->tx_label)
		snprintf(txl, sizeof(txl), "%s", o->tx_label);
	if (o->rx_label)
		snprintf(rxl, sizeof(rxl), "%s", o->rx_label);
	rt = o->tx_label ? EXIT_OK : pick_label(c, t, "tx", txl, sizeof(txl));
	if (rt > 0)
		return rt;
	rr = o->rx_label ? EXIT_OK : pick_label(c, t, "rx", rxl, sizeof(rxl));
	if (rr > 0)
		return rr;
	if (rt < 0 || rr < 0) {
		/* No tx/rx pair: a memcpy channel does the loop on its own. */
		if (o->tx_label || o->rx_label || pick_label(c, t, "mem", txl, sizeof(txl)) != 0)
			return cli_fail(c, EXIT_NO_CHANNEL,
					"device '%s' has neither a tx and an rx channel nor a memcpy one",
					t->device);
		return open_label(c, t, txl, tx);
	}
	ret = open_label(c, t, txl, tx);
	if (ret)
		return ret;
	ret = open_label(c, t, rxl, rx);
	if (ret) {
		dms_channel_close(*tx);
		*tx = NULL;
	}
	return ret;
}

static int open_bench(struct cli *c, const struct stream_opts *o, const struct target *t,
		      struct dms_channel **tx, struct dms_channel **rx)
{
	struct dms_channel *ch;
	int ret;

	if (!t->label[0] && t->device[0])
		return open_loop(c, o, t, tx, rx);
	ret = open_channel(c, t->path, 0, &ch);
	if (ret)
		return ret;
	if (dms_channel_direction(ch) == DMASTREAM_DIR_RX)
		*rx = ch;
	else
		*tx = ch;
	return EXIT_OK;
}

/* Is @t a dma_proxy device or one of its channels? */
static bool proxy_target(const struct target *t)
{
	struct chan_entry *v;
	bool proxy = t->proxy;
	size_t n, i;

	if (proxy || t->label[0] || !t->device[0] || device_channels(t->device, &v, &n) < 0)
		return proxy;
	for (i = 0; i < n && !proxy; i++)
		proxy = !strcmp(v[i].abi, ABI_DMA_PROXY);
	free(v);
	return proxy;
}

int open_targets(struct cli *c, const struct stream_opts *o, const struct target *t,
		 struct dms_channel **tx, struct dms_channel **rx)
{
	*tx = NULL;
	*rx = NULL;
	/* Opening one for writing would make us its owner, to no purpose. */
	if (proxy_target(t))
		return cli_fail(c, EXIT_NO_CHANNEL,
				"%s%s%s is a DMA Proxy %s (abi dma_proxy): it speaks the Xilinx DMA Proxy ABI, not dmastream's; list, info and stats work on it",
				t->device, t->label[0] ? "/" : "", t->label,
				t->label[0] ? "channel" : "device");
	switch (o->kind) {
	case STREAM_RX:
		return open_one(c, t, "rx", rx);
	case STREAM_TX:
		return open_one(c, t, "tx", tx);
	case STREAM_LOOP:
		return open_loop(c, o, t, tx, rx);
	case STREAM_BENCH:
		return open_bench(c, o, t, tx, rx);
	}
	return EXIT_FAIL;
}
