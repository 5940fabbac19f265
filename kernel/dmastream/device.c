// SPDX-License-Identifier: GPL-2.0-only
/*
 * The dmastream platform driver: claims the dmaengine channels a device
 * names (device tree "dmas"/"dma-names", or configfs) and creates one
 * character device per channel.
 */

#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/property.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "compat.h"
#include "dmastream.h"

static DEFINE_IDA(dmastream_minor_ida);

static u32 dmastream_kind_of_label(const char *label)
{
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
	if (dev_is_dma_coherent(chan->dma_dev))
		caps->flags |= DMASTREAM_CAP_COHERENT;
	if (dd->device_pause && dd->device_resume)
		caps->flags |= DMASTREAM_CAP_PAUSE;

	max_seg = dma_get_max_seg_size(chan->dma_dev);
	caps->max_seg_size = min_t(unsigned int, max_seg, dmastream_buffer_size_max);
	caps->max_segs = DMASTREAM_MAX_SEGS;
	if (sc.max_sg_burst)
		caps->max_segs = min_t(u32, caps->max_segs, sc.max_sg_burst);
	max_xfer = (u64)caps->max_segs * caps->max_seg_size;
	caps->max_xfer_bytes = min_t(u64, max_xfer, U32_MAX);
	caps->addr_align = 1U << dd->copy_align;
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
	mutex_destroy(&chan->lock);
	kfree(chan);
}

static void dmastream_slave_config(struct dmastream_chan *chan)
{
	struct dma_slave_config cfg = {
		.direction = chan->dir,
	};
	int ret;

	if (chan->kind == DMASTREAM_DIR_MEMCPY || !chan->dma->device->device_config)
		return;
	/*
	 * Streaming engines (AXI DMA) take the device side from the hardware
	 * and need no configuration; others may reject an empty one, which
	 * only matters if the transfers then fail.
	 */
	ret = dmaengine_slave_config(chan->dma, &cfg);
	if (ret)
		dev_dbg(&chan->dev, "slave config not accepted (%d)\n", ret);
}

static struct dmastream_chan *dmastream_chan_create(struct dmastream_device *sdev,
						    const struct dmastream_chan_spec *spec)
{
	struct device *dev = sdev->dev;
	struct dmastream_chan *chan;
	struct dma_chan *dma;
	u32 kind;
	int minor, ret;

	kind = dmastream_kind_of_label(spec->label);
	if (!kind) {
		dev_err(dev, "channel label \"%s\" must start with tx, rx or mem\n", spec->label);
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
	INIT_LIST_HEAD(&chan->inflight);
	INIT_LIST_HEAD(&chan->overflow);
	init_waitqueue_head(&chan->wq);
	chan->state = DMASTREAM_STATE_IDLE;
	chan->timeout_ms = dmastream_default_timeout_ms;
	chan->error_threshold = dmastream_default_error_threshold;

	device_initialize(&chan->dev);
	chan->dev.class = dmastream_class;
	chan->dev.parent = dev;
	chan->dev.release = dmastream_chan_release;
	dev_set_drvdata(&chan->dev, chan);
	/* From here on, put_device() frees everything. */

	ret = dev_set_name(&chan->dev, "%s.%s", sdev->name, spec->label);
	if (ret)
		goto err_put;

	ret = dmastream_chan_caps(chan);
	if (ret)
		goto err_put;
	ret = dmastream_chan_init_xfer(chan);
	if (ret)
		goto err_put;
	dmastream_slave_config(chan);

	minor = ida_alloc_max(&dmastream_minor_ida, DMASTREAM_MINORS - 1, GFP_KERNEL);
	if (minor < 0) {
		ret = minor;
		goto err_put;
	}
	chan->minor = minor;
	chan->dev.devt = MKDEV(MAJOR(dmastream_devt_base), MINOR(dmastream_devt_base) + minor);

	cdev_init(&chan->cdev, &dmastream_fops);
	chan->cdev.owner = THIS_MODULE;
	ret = cdev_device_add(&chan->cdev, &chan->dev);
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
 * The device is going away while files may still be open: stop DMA, fail
 * what is in flight, wake everyone (they see EPOLLHUP and ENODEV), and
 * drop the registration reference. Memory goes with the last user.
 */
static void dmastream_chan_remove(struct dmastream_chan *chan)
{
	struct dma_chan *dma;

	mutex_lock(&chan->lock);
	/*
	 * Even without a ring: the last callback may still be finishing
	 * (after the ring was freed), and it must not outlive the channel.
	 */
	dmastream_stop(chan, false);
	spin_lock_irq(&chan->irq_lock);
	chan->dead = true;
	chan->state = DMASTREAM_STATE_GONE;
	spin_unlock_irq(&chan->irq_lock);
	/* Stopped and dead: nothing uses the DMA channel any more. */
	dma = chan->dma;
	WRITE_ONCE(chan->dma, NULL);
	mutex_unlock(&chan->lock);
	cancel_delayed_work_sync(&chan->timeout_work);
	cancel_work_sync(&chan->error_work);
	wake_up_all(&chan->wq);

	cdev_device_del(&chan->cdev, &chan->dev);
	/*
	 * Released now, not with the last file: a channel requested through a
	 * slave map has sysfs links in the requesting device, which may be
	 * unregistered as soon as this returns.
	 */
	dma_release_channel(dma);
	put_device(&chan->dev);
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
		if (strlen(names[i]) >= DMASTREAM_NAME_LEN) {
			dev_err(dev, "dma-name \"%s\" is too long\n", names[i]);
			n = -EINVAL;
			break;
		}
		strscpy(specs[i].label, names[i], DMASTREAM_NAME_LEN);
		strscpy(specs[i].source, names[i], DMASTREAM_NAME_LEN);
	}
	kfree(names);
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
 *
 * Return: the device, or an ERR_PTR() with the errno of the first channel
 * that could not be set up (nothing is left claimed then).
 */
struct dmastream_device *dmastream_device_create(struct device *dev, const char *name,
						 const struct dmastream_chan_spec *specs,
						 unsigned int n)
{
	struct dmastream_device *sdev;
	unsigned int i;

	sdev = kzalloc(struct_size(sdev, chans, n), GFP_KERNEL);
	if (!sdev)
		return ERR_PTR(-ENOMEM);
	sdev->dev = dev;
	strscpy(sdev->name, name, sizeof(sdev->name));

	for (i = 0; i < n; i++) {
		struct dmastream_chan *chan = dmastream_chan_create(sdev, &specs[i]);

		if (IS_ERR(chan)) {
			sdev->nchans = i;
			dmastream_device_destroy(sdev);
			return ERR_CAST(chan);
		}
		sdev->chans[i] = chan;
	}
	sdev->nchans = n;
	return sdev;
}

void dmastream_device_destroy(struct dmastream_device *sdev)
{
	unsigned int i;

	for (i = 0; i < sdev->nchans; i++)
		dmastream_chan_remove(sdev->chans[i]);
	kfree(sdev);
}

static int dmastream_probe(struct platform_device *pdev)
{
	struct dmastream_chan_spec *specs = NULL;
	struct dmastream_device *sdev;
	const char *name;
	int n;

	n = dmastream_specs_from_fwnode(&pdev->dev, &specs);
	if (n < 0)
		return n;
	if (device_property_read_string(&pdev->dev, "label", &name))
		name = dev_name(&pdev->dev);
	sdev = dmastream_device_create(&pdev->dev, name, specs, n);
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
	{ .compatible = "dmastream,stream" },
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
