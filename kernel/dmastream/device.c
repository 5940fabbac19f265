// SPDX-License-Identifier: GPL-2.0-only
/*
 * The dmastream platform driver: claims the dmaengine channels a device
 * names (device tree "dmas"/"dma-names", or configfs) and creates one
 * character device per channel, configured for its direction. A channel
 * goes with its device, or before its provider's device is unbound.
 */

#include <linux/ctype.h>
#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/idr.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/property.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "chardev.h"
#include "compat.h"
#include "device.h"
#include "engine.h"
#include "import.h"
#include "proxy.h"
#include "ring.h"
#include "stop.h"
#include "sysfs.h"
#include "validate.h"

static DEFINE_IDA(dmastream_minor_ida);

/*
 * A DMA Proxy label names the node in /dev, so it may not hold a '.' (the
 * native class devices are <device>.<label>) nor be the directory of the
 * native nodes. Its last "tx" or "rx" among the '_'-separated words gives
 * the direction ("dma_proxy_rx_0").
 */
static u32 dmastream_proxy_kind_of_label(const char *label)
{
	const char *word = label;
	u32 kind = 0;

	if (strchr(label, '.') || !strcmp(label, DMASTREAM_DRV_NAME))
		return 0;
	while (word) {
		size_t len = strcspn(word, "_");

		if (len == 2 && !strncmp(word, "tx", 2))
			kind = DMASTREAM_DIR_TX;
		else if (len == 2 && !strncmp(word, "rx", 2))
			kind = DMASTREAM_DIR_RX;
		word = word[len] ? word + len + 1 : NULL;
	}
	return kind;
}

/**
 * dmastream_spec_find() - the channel of a device that has a label
 * @specs:	the device's channels so far.
 * @n:		how many.
 * @label:	the label looked for.
 *
 * Labels name the class devices: configfs and the device tree both refuse
 * one given twice, and configfs's slave settings find their channel by it.
 *
 * Return: the channel with that label, or NULL.
 */
struct dmastream_chan_spec *dmastream_spec_find(struct dmastream_chan_spec *specs,
						unsigned int n, const char *label)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!strcmp(specs[i].label, label))
			return &specs[i];
	return NULL;
}

/**
 * dmastream_valid_name() - may this name a device or a channel
 * @s:		the name, from configfs or the device tree.
 *
 * Names end up in /dev and sysfs paths: 1 to DMASTREAM_NAME_LEN - 1
 * letters, digits, '_', '-' or '.'.
 *
 * Return: true if it may.
 */
bool dmastream_valid_name(const char *s)
{
	if (!*s || strlen(s) >= DMASTREAM_NAME_LEN)
		return false;
	for (; *s; s++)
		if (!isalnum(*s) && *s != '_' && *s != '-' && *s != '.')
			return false;
	return true;
}

static u32 dmastream_kind_of_label(const char *label, enum dmastream_abi abi)
{
	if (abi == DMASTREAM_ABI_DMA_PROXY)
		return dmastream_proxy_kind_of_label(label);
	if (!strncmp(label, "tx", 2))
		return DMASTREAM_DIR_TX;
	if (!strncmp(label, "rx", 2))
		return DMASTREAM_DIR_RX;
	if (!strncmp(label, "mem", 3))
		return DMASTREAM_DIR_MEMCPY;
	return 0;
}

static bool dmastream_filter_by_name(struct dma_chan *chan, void *name)
{
	return !strcmp(dma_chan_name(chan), name);
}

static struct dma_chan *dmastream_request(struct device *dev,
					  const struct dmastream_chan_spec *spec,
					  u32 kind)
{
	dma_cap_mask_t mask;
	struct dma_chan *dma;

	if (!spec->by_chan_name)
		return dma_request_chan(dev, spec->source);

	dma_cap_zero(mask);
	dma_cap_set(kind == DMASTREAM_DIR_MEMCPY ? DMA_MEMCPY : DMA_SLAVE, mask);
	dma = dma_request_channel(mask, dmastream_filter_by_name, (void *)spec->source);
	return dma ? dma : ERR_PTR(-ENODEV);
}

static u32 dmastream_dirs_of_caps(const struct dma_slave_caps *sc)
{
	u32 dirs = 0;

	if (sc->directions & BIT(DMA_MEM_TO_DEV))
		dirs |= DMASTREAM_DIR_TX;
	if (sc->directions & BIT(DMA_DEV_TO_MEM))
		dirs |= DMASTREAM_DIR_RX;
	if (sc->directions & BIT(DMA_MEM_TO_MEM))
		dirs |= DMASTREAM_DIR_MEMCPY;
	return dirs;
}

/*
 * Providers whose descriptors may carry a result callback. A descriptor is
 * the provider's to recycle once it completes or is terminated, and the
 * client API leaves ->callback_result set until someone clears it: pl330
 * keeps one descriptor pool for all its channels and clears only
 * ->callback when it hands one out, so a ->callback_result of ours would
 * later be called with another client's parameter (dmatest's, say), even
 * after this module is gone. Only these providers report results anyway
 * (xilinx_dma: the received length and the error kind) and leave no field
 * of a descriptor's last use (xilinx_dma allocates each afresh, dmasim
 * clears one it reuses); elsewhere the plain callback is used and tx_status
 * tells errors.
 */
static const char *const dmastream_result_providers[] = {
	"xilinx-vdma",	/* xilinx_dma: AXI DMA, CDMA, VDMA, MCDMA */
	"dmasim",	/* dmasim's tx and rx */
	"dmasim.cdma",	/* dmasim's memcpy engine, an auxiliary device */
};

static bool dmastream_provider_reports_results(const struct dma_device *dd)
{
	const char *drv = dd->dev && dd->dev->driver ? dd->dev->driver->name : NULL;
	unsigned int i;

	for (i = 0; drv && i < ARRAY_SIZE(dmastream_result_providers); i++)
		if (!strcmp(drv, dmastream_result_providers[i]))
			return true;
	return false;
}

/* Fill chan->caps from what dmaengine reports about the channel. */
static int dmastream_chan_caps(struct dmastream_chan *chan)
{
	struct dmastream_caps *caps = &chan->caps;
	struct dma_device *dd = chan->dma->device;
	struct dma_slave_caps sc = {};
	unsigned int max_seg;
	u64 max_xfer;

	caps->abi_version = DMASTREAM_ABI_VERSION;
	caps->direction = chan->kind;
	caps->max_imports = DMASTREAM_IMPORTS_MAX;
	if (!dma_get_slave_caps(chan->dma, &sc))
		caps->directions = dmastream_dirs_of_caps(&sc);
	if (dma_has_cap(DMA_MEMCPY, dd->cap_mask))
		caps->directions |= DMASTREAM_DIR_MEMCPY;
	if (!(caps->directions & chan->kind)) {
		dev_err(&chan->dev, "%s cannot do %s transfers\n", dma_chan_name(chan->dma),
			chan->kind == DMASTREAM_DIR_TX ? "tx" :
			chan->kind == DMASTREAM_DIR_RX ? "rx" : "memcpy");
		return -EINVAL;
	}

	switch (sc.residue_granularity) {
	case DMA_RESIDUE_GRANULARITY_SEGMENT:
		caps->residue_granularity = DMASTREAM_RESIDUE_SEGMENT;
		break;
	case DMA_RESIDUE_GRANULARITY_BURST:
		caps->residue_granularity = DMASTREAM_RESIDUE_BURST;
		break;
	default:
		caps->residue_granularity = DMASTREAM_RESIDUE_DESCRIPTOR;
		break;
	}
	/* Buffers are mapped by user space: DMA into them must be stoppable. */
	if (!dd->device_terminate_all) {
		dev_err(&chan->dev, "%s cannot be stopped (no terminate_all)\n",
			dma_chan_name(chan->dma));
		return -EINVAL;
	}
	caps->flags |= DMASTREAM_CAP_TERMINATE;
	/* Without it a callback may still run after terminate: see stop.c. */
	chan->has_synchronize = !!dd->device_synchronize;
	chan->wants_result = dmastream_provider_reports_results(dd);
	if (dev_is_dma_coherent(chan->dma_dev))
		caps->flags |= DMASTREAM_CAP_COHERENT;
	if (dd->device_pause && dd->device_resume)
		caps->flags |= DMASTREAM_CAP_PAUSE;

	max_seg = min_t(unsigned int, dma_get_max_seg_size(chan->dma_dev),
			dmastream_buffer_size_max);
	caps->addr_align = 1U << dd->copy_align;
	caps->max_segs = DMASTREAM_MAX_SEGS;
	if (chan->kind == DMASTREAM_DIR_MEMCPY) {
		/*
		 * The driver cuts copies into the engine's pieces itself, so a
		 * segment may be any part of a buffer (GET_CAPS reports the
		 * module's current buffer_size_max).
		 */
		chan->piece_max = max_t(u32, rounddown(max_seg, caps->addr_align),
					caps->addr_align);
		caps->max_seg_size = dmastream_buffer_size_max;
	} else {
		caps->max_seg_size = max_seg;
		if (sc.max_sg_burst)
			caps->max_segs = min_t(u32, caps->max_segs, sc.max_sg_burst);
	}
	max_xfer = (u64)caps->max_segs * caps->max_seg_size;
	caps->max_xfer_bytes = min_t(u64, max_xfer, U32_MAX);
	/* Memcpy pieces are cut at segment boundaries: lengths align like addresses. */
	caps->len_align = chan->kind == DMASTREAM_DIR_MEMCPY ? caps->addr_align : 1;
	caps->max_buffers = dmastream_buffers_max;
	caps->max_buffer_size = dmastream_buffer_size_max;
	caps->max_ring_bytes = dmastream_ring_bytes_max;
	caps->max_cq_entries = DMASTREAM_CQ_ENTRIES_MAX;
	return 0;
}

static void dmastream_chan_release(struct device *dev)
{
	struct dmastream_chan *chan = to_dmastream_chan(dev);

	if (chan->dma)
		dma_release_channel(chan->dma);
	put_device(chan->dma_dev);
	module_put(chan->provider_module);
	if (chan->minor >= 0)
		ida_free(&dmastream_minor_ida, chan->minor);
	dmastream_req_drop_spares(chan);
	dmastream_engine_drop_spares(chan);
	mutex_destroy(&chan->lock);
	kfree(chan->proxy);
	kfree(chan);
}

/* The widest bus width the provider lists, at most @want bytes. */
static enum dma_slave_buswidth dmastream_pick_width(u32 widths, u32 want)
{
	u32 w;

	for (w = want; w; w >>= 1)
		if (widths & BIT(w))
			return w;
	return DMA_SLAVE_BUSWIDTH_UNDEFINED;
}

/*
 * Configure the device side of a tx or rx channel: bus width, burst and
 * address, from the spec (device tree or configfs) or by default 4 bytes
 * (or the widest the provider lists below it), bursts of 1, no address:
 * what a stream engine such as AXI DMA ignores and a peripheral DMA such
 * as pl330 needs. Values the spec gives are checked against what
 * dma_get_slave_caps() reports and must be accepted; defaults the
 * provider rejects only matter if its transfers then fail.
 */
static int dmastream_slave_config(struct dmastream_chan *chan,
				  const struct dmastream_chan_spec *spec)
{
	struct dma_slave_config cfg = { .direction = chan->dir };
	bool given = spec->addr_width || spec->maxburst || spec->dev_addr;
	struct dma_slave_caps sc = {};
	u32 widths = 0, width;
	int ret;

	if (chan->kind == DMASTREAM_DIR_MEMCPY)
		return given ? -EINVAL : 0;
	if (!dma_get_slave_caps(chan->dma, &sc))
		widths = chan->kind == DMASTREAM_DIR_TX ? sc.dst_addr_widths : sc.src_addr_widths;
	if (spec->addr_width) {
		if (!is_power_of_2(spec->addr_width) || spec->addr_width > 128 ||
		    (widths && !(widths & BIT(spec->addr_width)))) {
			dev_err(&chan->dev, "%s takes no %u-byte bus width\n",
				chan->dma_name, spec->addr_width);
			return -EINVAL;
		}
		width = spec->addr_width;
	} else {
		width = widths ? dmastream_pick_width(widths, DMA_SLAVE_BUSWIDTH_4_BYTES) :
				 DMA_SLAVE_BUSWIDTH_4_BYTES;
	}
	if (spec->maxburst && sc.max_burst && spec->maxburst > sc.max_burst) {
		dev_err(&chan->dev, "%s bursts at most %u, not %u\n", chan->dma_name,
			sc.max_burst, spec->maxburst);
		return -EINVAL;
	}
	if (chan->kind == DMASTREAM_DIR_TX) {
		cfg.dst_addr = spec->dev_addr;
		cfg.dst_addr_width = width;
		cfg.dst_maxburst = spec->maxburst ?: 1;
	} else {
		cfg.src_addr = spec->dev_addr;
		cfg.src_addr_width = width;
		cfg.src_maxburst = spec->maxburst ?: 1;
	}
	chan->slave_width = width;
	chan->slave_burst = spec->maxburst ?: 1;
	chan->slave_addr = spec->dev_addr;
	if (!chan->dma->device->device_config) {
		if (given)
			dev_err(&chan->dev, "%s takes no slave configuration\n", chan->dma_name);
		return given ? -EINVAL : 0;
	}
	ret = dmaengine_slave_config(chan->dma, &cfg);
	if (ret && given) {
		dev_err(&chan->dev, "%s refused the slave configuration (%d)\n",
			chan->dma_name, ret);
		return ret;
	}
	if (ret)
		dev_dbg(&chan->dev, "default slave configuration not accepted (%d)\n", ret);
	return 0;
}

/*
 * Register the channel's class device and node. A DMA Proxy channel is
 * named by its label alone, which another device may already use: that is
 * EEXIST, found before sysfs would complain about the duplicate. The mutex
 * makes the lookup and the registration one step.
 */
static int dmastream_chan_add(struct dmastream_chan *chan)
{
	static DEFINE_MUTEX(names_lock);
	struct device *other;
	int ret;

	if (!chan->proxy)
		return cdev_device_add(&chan->cdev, &chan->dev);
	mutex_lock(&names_lock);
	other = class_find_device_by_name(dmastream_class, dev_name(&chan->dev));
	if (other) {
		put_device(other);
		dev_err(chan->dev.parent, "DMA Proxy label \"%s\" is taken\n", chan->label);
		ret = -EEXIST;
	} else {
		ret = cdev_device_add(&chan->cdev, &chan->dev);
	}
	mutex_unlock(&names_lock);
	return ret;
}

static struct dmastream_chan *dmastream_chan_create(struct dmastream_device *sdev,
						    const struct dmastream_chan_spec *spec)
{
	struct device *dev = sdev->dev;
	struct dmastream_chan *chan;
	struct dma_chan *dma;
	u32 kind;
	int minor, ret;

	kind = dmastream_kind_of_label(spec->label, spec->abi);
	if (!kind) {
		if (spec->abi == DMASTREAM_ABI_DMA_PROXY)
			dev_err(dev, "DMA Proxy label \"%s\" needs a word tx or rx, and no '.'\n",
				spec->label);
		else
			dev_err(dev, "channel label \"%s\" must start with tx, rx or mem\n",
				spec->label);
		return ERR_PTR(-EINVAL);
	}

	dma = dmastream_request(dev, spec, kind);
	if (IS_ERR(dma)) {
		ret = PTR_ERR(dma);
		if (ret != -EPROBE_DEFER)
			dev_err(dev, "no DMA channel \"%s\" for %s: %d\n", spec->source,
				spec->label, ret);
		return ERR_PTR(ret);
	}

	chan = kzalloc(sizeof(*chan), GFP_KERNEL);
	if (!chan) {
		dma_release_channel(dma);
		return ERR_PTR(-ENOMEM);
	}
	chan->minor = -1;
	chan->dma = dma;
	strscpy(chan->dma_name, dma_chan_name(dma), sizeof(chan->dma_name));
	/*
	 * The ring's memory belongs to the provider's device and may outlive
	 * the DMA channel (see dmastream_chan_remove()): pin both.
	 */
	/* Per-channel DMA devices exist (chan_dma_dev): map for that one. */
	chan->dma_dev = get_device(dmaengine_get_dma_device(dma));
	chan->provider_dev = dma->device->dev;
	chan->provider_module = dma->device->owner;
	__module_get(chan->provider_module);
	chan->kind = kind;
	chan->dir = kind == DMASTREAM_DIR_TX ? DMA_MEM_TO_DEV :
		    kind == DMASTREAM_DIR_RX ? DMA_DEV_TO_MEM : DMA_MEM_TO_MEM;
	strscpy(chan->devname, sdev->name, sizeof(chan->devname));
	strscpy(chan->label, spec->label, sizeof(chan->label));
	strscpy(chan->provider, dev_name(dma->device->dev), sizeof(chan->provider));
	mutex_init(&chan->lock);
	spin_lock_init(&chan->irq_lock);
	INIT_LIST_HEAD(&chan->xfers);
	INIT_LIST_HEAD(&chan->overflow);
	init_waitqueue_head(&chan->wq);
	init_waitqueue_head(&chan->wait_wq);
	chan->state = DMASTREAM_STATE_IDLE;
	dmastream_chan_defaults(chan);
	dmastream_engine_init(chan);
	dmastream_stop_init(chan);

	device_initialize(&chan->dev);
	chan->dev.class = dmastream_class;
	chan->dev.parent = dev;
	chan->dev.release = dmastream_chan_release;
	dev_set_drvdata(&chan->dev, chan);
	/* From here on, put_device() frees everything. */

	if (spec->abi == DMASTREAM_ABI_DMA_PROXY)
		ret = dev_set_name(&chan->dev, "%s", spec->label);
	else
		ret = dev_set_name(&chan->dev, "%s.%s", sdev->name, spec->label);
	if (ret)
		goto err_put;

	ret = dmastream_chan_caps(chan);
	if (ret)
		goto err_put;
	if (spec->abi == DMASTREAM_ABI_DMA_PROXY) {
		ret = dmastream_proxy_create(chan);
		if (ret)
			goto err_put;
	}
	ret = dmastream_slave_config(chan, spec);
	if (ret)
		goto err_put;

	minor = ida_alloc_max(&dmastream_minor_ida, DMASTREAM_MINORS - 1, GFP_KERNEL);
	if (minor < 0) {
		ret = minor;
		goto err_put;
	}
	chan->minor = minor;
	chan->dev.devt = MKDEV(MAJOR(dmastream_devt_base), MINOR(dmastream_devt_base) + minor);

	cdev_init(&chan->cdev, &dmastream_fops);
	chan->cdev.owner = THIS_MODULE;
	ret = dmastream_chan_add(chan);
	if (ret)
		goto err_put;

	dev_info(&chan->dev, "%s channel %s of %s\n",
		 kind == DMASTREAM_DIR_TX ? "tx" : kind == DMASTREAM_DIR_RX ? "rx" : "memcpy",
		 dma_chan_name(dma), chan->provider);
	return chan;

err_put:
	put_device(&chan->dev);
	return ERR_PTR(ret);
}

/*
 * The device (or the provider under it) is going away while files may
 * still be open: stop DMA, retire what is in flight, wake everyone (they
 * see EPOLLHUP and ENODEV), and drop the registration reference. Memory
 * goes with the last user.
 */
static void dmastream_chan_remove(struct dmastream_chan *chan)
{
	struct dmastream_kring *wedged;
	struct dma_chan *dma;

	mutex_lock(&chan->lock);
	/*
	 * Even without a ring: the last callback may still be finishing
	 * (after the ring was freed), and it must not outlive the channel.
	 */
	dmastream_stop(chan, DMASTREAM_STOP_DRAIN);
	spin_lock_irq(&chan->irq_lock);
	chan->dead = true;
	chan->state = DMASTREAM_STATE_GONE;
	spin_unlock_irq(&chan->irq_lock);
	/*
	 * Imports are mapped for the provider's device: released before it
	 * goes, not with the owner's file (a ring DMA may still reach keeps
	 * them until the channel is released, below).
	 */
	if (chan->ring && chan->ring != chan->wedged_ring)
		dmastream_imports_release(chan->ring);
	/* Stopped and dead: nothing uses the DMA channel any more. */
	dma = chan->dma;
	WRITE_ONCE(chan->dma, NULL);
	wedged = chan->wedged_ring;
	chan->wedged_ring = NULL;
	mutex_unlock(&chan->lock);
	cancel_delayed_work_sync(&chan->feed_work);
	cancel_delayed_work_sync(&chan->timeout_work);
	cancel_work_sync(&chan->error_work);
	wake_up_all(&chan->wq);
	wake_up_all(&chan->wait_wq);

	cdev_device_del(&chan->cdev, &chan->dev);
	/*
	 * Released now, not with the last file: a channel requested through a
	 * slave map has sysfs links in the requesting device, which may be
	 * unregistered as soon as this returns. No callback runs after it,
	 * so the descriptors a stop had to leave behind can go, and a ring a
	 * failed terminate kept: the provider freed the channel's resources.
	 */
	dma_release_channel(dma);
	dmastream_engine_released(chan);
	if (wedged) {
		mutex_lock(&chan->lock);
		dmastream_imports_release(wedged);
		mutex_unlock(&chan->lock);
	}
	dmastream_ring_put(wedged);
	put_device(&chan->dev);
}

/* Remove the slot's channel, once: from its device, or before its provider. */
static void dmastream_slot_remove(struct dmastream_slot *slot)
{
	struct dmastream_chan *chan;

	mutex_lock(&slot->sdev->lock);
	chan = slot->chan;
	slot->chan = NULL;
	mutex_unlock(&slot->sdev->lock);
	if (chan)
		dmastream_chan_remove(chan);
}

/*
 * The provider's device is about to lose its driver (sysfs unbind, or its
 * removal): our channel goes first, so that the provider never finds a
 * client holding one of its channels. A device-tree device would go anyway
 * through the device link from its "dmas" where the kernel made one; a
 * configfs device has none. When a device-tree device's provider is bound
 * again, its channel comes back under the same name (the device tree
 * says which channel it is); a configfs device named channels
 * ("dma0chan2") whose numbers a new binding may change: it stays without.
 */
static int dmastream_provider_event(struct notifier_block *nb, unsigned long action, void *data)
{
	struct dmastream_slot *slot = container_of(nb, struct dmastream_slot, nb);
	struct dmastream_device *sdev = slot->sdev;
	struct dmastream_chan *chan;
	struct device *dev = data;
	bool ours;

	if (action == BUS_NOTIFY_BOUND_DRIVER && sdev->reclaim) {
		mutex_lock(&sdev->lock);
		if (!slot->chan) {
			chan = dmastream_chan_create(sdev, &slot->spec);
			if (!IS_ERR(chan))
				slot->chan = chan;
		}
		mutex_unlock(&sdev->lock);
		return NOTIFY_DONE;
	}
	if (action != BUS_NOTIFY_UNBIND_DRIVER)
		return NOTIFY_DONE;
	mutex_lock(&sdev->lock);
	ours = slot->chan && slot->chan->provider_dev == dev;
	if (ours)
		dev_info(dev, "unbinding: dmastream channel %s goes first\n",
			 dev_name(&slot->chan->dev));
	mutex_unlock(&sdev->lock);
	if (!ours)
		return NOTIFY_DONE;
	dmastream_slot_remove(slot);
	return NOTIFY_OK;
}

/*
 * A u32 (or u64) array property with one value per dma-names entry, or
 * none at all. Return: 1 if present, 0 if absent, or -EINVAL.
 */
static int dmastream_per_chan_prop(struct device *dev, const char *prop, bool wide,
				   void *vals, int n)
{
	int count = wide ? device_property_count_u64(dev, prop) :
			   device_property_count_u32(dev, prop);

	if (count == -EINVAL)
		return 0;
	if (count != n) {
		dev_err(dev, "%s needs one value per dma-names entry (%d)\n", prop, n);
		return -EINVAL;
	}
	if (wide)
		return device_property_read_u64_array(dev, prop, vals, n) ?: 1;
	return device_property_read_u32_array(dev, prop, vals, n) ?: 1;
}

/* The optional slave configuration properties, one value per channel. */
static int dmastream_slave_props(struct device *dev, struct dmastream_chan_spec *specs, int n)
{
	u32 *width, *burst;
	u64 *addr;
	int i, ret;

	width = kcalloc(n, sizeof(*width), GFP_KERNEL);
	burst = kcalloc(n, sizeof(*burst), GFP_KERNEL);
	addr = kcalloc(n, sizeof(*addr), GFP_KERNEL);
	ret = -ENOMEM;
	if (!width || !burst || !addr)
		goto out;
	ret = dmastream_per_chan_prop(dev, "dmastream,addr-width", false, width, n);
	if (ret >= 0)
		ret = dmastream_per_chan_prop(dev, "dmastream,max-burst", false, burst, n);
	if (ret >= 0)
		ret = dmastream_per_chan_prop(dev, "dmastream,device-address", true, addr, n);
	if (ret < 0)
		goto out;
	for (i = 0; i < n; i++) {
		specs[i].addr_width = width[i];
		specs[i].maxburst = burst[i];
		specs[i].dev_addr = addr[i];
	}
	ret = n;
out:
	kfree(width);
	kfree(burst);
	kfree(addr);
	return ret;
}

static int dmastream_specs_from_fwnode(struct device *dev,
				       struct dmastream_chan_spec **specs_out)
{
	struct dmastream_chan_spec *specs;
	const char **names;
	int i, n;

	n = device_property_string_array_count(dev, "dma-names");
	if (n <= 0) {
		dev_err(dev, "no dma-names\n");
		return -EINVAL;
	}
	names = kcalloc(n, sizeof(*names), GFP_KERNEL);
	specs = kcalloc(n, sizeof(*specs), GFP_KERNEL);
	if (!names || !specs) {
		kfree(names);
		kfree(specs);
		return -ENOMEM;
	}
	n = device_property_read_string_array(dev, "dma-names", names, n);
	for (i = 0; i < n; i++) {
		if (!dmastream_valid_name(names[i])) {
			dev_err(dev, "dma-name \"%s\": 1 to %d letters, digits, '_', '-' or '.'\n",
				names[i], DMASTREAM_NAME_LEN - 1);
			n = -EINVAL;
			break;
		}
		if (dmastream_spec_find(specs, i, names[i])) {
			dev_err(dev, "dma-name \"%s\" is given twice\n", names[i]);
			n = -EINVAL;
			break;
		}
		strscpy(specs[i].label, names[i], DMASTREAM_NAME_LEN);
		strscpy(specs[i].source, names[i], DMASTREAM_NAME_LEN);
	}
	kfree(names);
	if (n > 0)
		n = dmastream_slave_props(dev, specs, n);
	if (n < 0) {
		kfree(specs);
		return n;
	}
	*specs_out = specs;
	return n;
}

/**
 * dmastream_device_create() - claim channels for a device, one cdev each
 * @dev:	the device on whose behalf channels are requested (slave maps
 *		and device tree "dmas" are looked up for it).
 * @name:	the name that appears in /dev/dmastream/<name>/<label>.
 * @specs:	which channels, under which labels.
 * @n:		number of @specs.
 * @reclaim:	create a channel again when its provider is bound again (device
 *		tree devices, whose channels are named by the tree).
 *
 * Return: the device, or an ERR_PTR() with the errno of the first channel
 * that could not be set up (nothing is left claimed then).
 */
struct dmastream_device *dmastream_device_create(struct device *dev, const char *name,
						 const struct dmastream_chan_spec *specs,
						 unsigned int n, bool reclaim)
{
	struct dmastream_device *sdev;
	unsigned int i;
	int ret;

	sdev = kzalloc(struct_size(sdev, slots, n), GFP_KERNEL);
	if (!sdev)
		return ERR_PTR(-ENOMEM);
	sdev->dev = dev;
	sdev->reclaim = reclaim;
	mutex_init(&sdev->lock);
	strscpy(sdev->name, name, sizeof(sdev->name));

	for (i = 0; i < n; i++) {
		struct dmastream_slot *slot = &sdev->slots[i];
		struct dmastream_chan *chan = dmastream_chan_create(sdev, &specs[i]);

		sdev->nchans = i;
		if (IS_ERR(chan)) {
			dmastream_device_destroy(sdev);
			return ERR_CAST(chan);
		}
		slot->chan = chan;
		slot->sdev = sdev;
		slot->spec = specs[i];
		sdev->nchans = i + 1;
		slot->nb.notifier_call = dmastream_provider_event;
		if (chan->provider_dev->bus) {
			ret = bus_register_notifier(chan->provider_dev->bus, &slot->nb);
			if (ret) {
				dmastream_device_destroy(sdev);
				return ERR_PTR(ret);
			}
			slot->bus = chan->provider_dev->bus;
		}
	}
	return sdev;
}

/**
 * dmastream_device_destroy() - remove a device's channels and free it
 * @sdev:	the device; its channels may have gone with their provider.
 */
void dmastream_device_destroy(struct dmastream_device *sdev)
{
	unsigned int i;

	for (i = 0; i < sdev->nchans; i++) {
		struct dmastream_slot *slot = &sdev->slots[i];

		/* First: once it returns, no event can remove the channel too. */
		if (slot->bus)
			bus_unregister_notifier(slot->bus, &slot->nb);
		dmastream_slot_remove(slot);
	}
	mutex_destroy(&sdev->lock);
	kfree(sdev);
}

static int dmastream_probe(struct platform_device *pdev)
{
	struct dmastream_chan_spec *specs = NULL;
	struct dmastream_device *sdev;
	enum dmastream_abi abi;
	const char *name;
	int i, n;

	/* Both entries of dmastream_of_match have data: NATIVE is 0 (NULL). */
	abi = (enum dmastream_abi)(uintptr_t)device_get_match_data(&pdev->dev);
	if (abi == DMASTREAM_ABI_DMA_PROXY && !dmastream_dma_proxy_bind) {
		dev_info(&pdev->dev, "left to another driver (dma_proxy_bind=0)\n");
		return -ENODEV;
	}
	n = dmastream_specs_from_fwnode(&pdev->dev, &specs);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++)
		specs[i].abi = abi;
	if (device_property_read_string(&pdev->dev, "label", &name)) {
		name = dev_name(&pdev->dev);
	} else if (!dmastream_valid_name(name)) {
		dev_err(&pdev->dev, "label \"%s\": 1 to %d letters, digits, '_', '-' or '.'\n",
			name, DMASTREAM_NAME_LEN - 1);
		kfree(specs);
		return -EINVAL;
	}
	sdev = dmastream_device_create(&pdev->dev, name, specs, n, true);
	kfree(specs);
	if (IS_ERR(sdev))
		return PTR_ERR(sdev);
	platform_set_drvdata(pdev, sdev);
	return 0;
}

static DMASTREAM_REMOVE_RET dmastream_remove(struct platform_device *pdev)
{
	dmastream_device_destroy(platform_get_drvdata(pdev));
	return DMASTREAM_REMOVE_DONE;
}

static const struct of_device_id dmastream_of_match[] = {
	{ .compatible = "dmastream,stream", .data = (void *)DMASTREAM_ABI_NATIVE },
	/* Xilinx's DMA Proxy 2.0 nodes: their applications run unchanged. */
	{ .compatible = "xlnx,dma_proxy", .data = (void *)DMASTREAM_ABI_DMA_PROXY },
	{ }
};
MODULE_DEVICE_TABLE(of, dmastream_of_match);

struct platform_driver dmastream_platform_driver = {
	.probe = dmastream_probe,
	.remove = dmastream_remove,
	.driver = {
		.name = DMASTREAM_DRV_NAME,
		.of_match_table = dmastream_of_match,
	},
};
