// SPDX-License-Identifier: GPL-2.0
/*
 * dmasim: a simulated DMA controller, so that dmaengine clients run and are
 * tested without an FPGA. This file: module parameters, the platform
 * devices they create, the device-tree match, and probe/remove, which
 * register the two dma_devices of an engine (the memcpy one through cdma.c,
 * on a device of its own), the dma_slave_map that hands
 * its channels to "dmasim-client.N", and the sysfs "channels" group.
 *
 * While a client holds a channel, dmaengine holds a reference on this
 * module (dma_device.owner), so rmmod fails with EBUSY; bind/unbind through
 * sysfs is disabled for the same reason.
 *
 * Calls go down (docs/dmasim.md, "Sources"): only the kernel calls this
 * file (module init and exit, probe and remove); it calls cdma.c, debugfs.c,
 * personality.c, chan.c, sched.c and stream.c, and takes the names of the
 * source patterns from source.c.
 */

#include <linux/device.h>
#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/mod_devicetable.h>
#include <linux/of_dma.h>
#include <linux/platform_device.h>
#include <linux/property.h>
#include <linux/slab.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include "cdma.h"
#include "chan.h"
#include "compat.h"
#include "debugfs.h"
#include "personality.h"
#include "sched.h"
#include "source.h"
#include "stream.h"

#define DMASIM_MAX_ENGINES	16
/* Engines from the device tree get indexes from here on. */
#define DMASIM_DT_FIRST_INDEX	256

static unsigned int engines = 1;
module_param(engines, uint, 0444);
MODULE_PARM_DESC(engines, "Platform devices dmasim.0 .. dmasim.N-1 to create (0-16, default 1)");

static char *channels = "tx,rx,memcpy";
module_param(channels, charp, 0444);
MODULE_PARM_DESC(channels, "Channels each engine has, a comma-separated subset of tx,rx,memcpy (default all)");

static unsigned int fifo_depth = SZ_64K;
module_param(fifo_depth, uint, 0444);
MODULE_PARM_DESC(fifo_depth, "Bytes the TX->RX stream FIFO holds (0-64 MiB, default 64 KiB)");

static unsigned int max_seg_size = SZ_8M;
/* Given or not: a personality may have its own (pl330's). */
static bool max_seg_size_given;

static int dmasim_max_seg_size_set(const char *val, const struct kernel_param *kp)
{
	max_seg_size_given = true;
	return param_set_uint(val, kp);
}

static const struct kernel_param_ops dmasim_max_seg_size_ops = {
	.set = dmasim_max_seg_size_set,
	.get = param_get_uint,
};

module_param_cb(max_seg_size, &dmasim_max_seg_size_ops, &max_seg_size, 0444);
__MODULE_PARM_TYPE(max_seg_size, "uint");
MODULE_PARM_DESC(max_seg_size, "Largest scatter-gather entry or copy, bytes (1 B-1 GiB, default 8 MiB or the personality's)");

static unsigned int max_segments = 128;
module_param(max_segments, uint, 0444);
MODULE_PARM_DESC(max_segments, "Most scatter-gather entries per descriptor (1-4096, default 128)");

static unsigned long long max_xfer;
module_param(max_xfer, ullong, 0444);
MODULE_PARM_DESC(max_xfer, "Most bytes per descriptor (default 0: max_segments * max_seg_size)");

static unsigned int copy_align;
module_param(copy_align, uint, 0444);
MODULE_PARM_DESC(copy_align, "log2 of the address alignment the engine needs (0-12, default 0: none)");

static char *mode = "loopback";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "Initial stream mode: loopback or source-sink");

static unsigned int source_len = 4096;
module_param(source_len, uint, 0444);
MODULE_PARM_DESC(source_len, "Initial source packet length, bytes (24 B-64 MiB, default 4096)");

static unsigned int source_pps = 1000;
module_param(source_pps, uint, 0444);
MODULE_PARM_DESC(source_pps, "Initial source rate, packets/s (0: paced by RX, never drops; max 1000000; default 1000)");

static char *source_pattern = "counter";
module_param(source_pattern, charp, 0444);
MODULE_PARM_DESC(source_pattern, "Initial source payload: counter or prbs");

static unsigned long long sink_bps;
module_param(sink_bps, ullong, 0444);
MODULE_PARM_DESC(sink_bps, "Initial sink rate, bytes/s (0: unlimited, default)");

static DEFINE_IDA(dmasim_ida);
static struct platform_device *dmasim_pdevs[DMASIM_MAX_ENGINES];
static bool dmasim_chan_wanted[DMASIM_NR_CHANS];
static enum dmasim_mode dmasim_initial_mode;
static u32 dmasim_initial_pattern;

static void dmasim_engine_release(struct kref *ref)
{
	struct dmasim_engine *eng = container_of(ref, struct dmasim_engine, ref);

	dmasim_stream_free(eng);
	kfree(eng);
}

/* dmaengine is done with a dma_device only here, after unregister. */
static void dmasim_axi_release(struct dma_device *dd)
{
	kref_put(&container_of(dd, struct dmasim_engine, axi)->ref,
		 dmasim_engine_release);
}

static void dmasim_cdma_release(struct dma_device *dd)
{
	kref_put(&container_of(dd, struct dmasim_engine, cdma)->ref,
		 dmasim_engine_release);
}

static bool dmasim_filter(struct dma_chan *chan, void *param)
{
	return chan == param;
}

struct dmasim_range {
	const char *param;
	const char *property;
	u32 min, max;
};

/* Module parameter, overridden per device by a firmware property. */
static int dmasim_limit(struct device *dev, const struct dmasim_range *r,
			u32 param_val, u32 *out)
{
	u32 val = param_val;

	device_property_read_u32(dev, r->property, &val);
	if (val < r->min || val > r->max) {
		dev_err(dev, "%s/%s = %u is outside %u..%u\n", r->param,
			r->property, val, r->min, r->max);
		return -EINVAL;
	}
	*out = val;
	return 0;
}

static int dmasim_read_limits(struct dmasim_engine *eng)
{
	static const struct dmasim_range ranges[] = {
		{ "max_seg_size", "dmastream,max-segment-size", 1, SZ_1G },
		{ "max_segments", "dmastream,max-segments", 1, 4096 },
		{ "copy_align", "dmastream,copy-align", 0, 12 },
		{ "fifo_depth", "dmastream,fifo-depth", 0, SZ_64M },
	};
	struct dmasim_limits *lim = &eng->limits;
	struct device *dev = eng->dev;
	u32 seg = max_seg_size;
	u64 whole;
	int ret;

	if (!max_seg_size_given)
		dmasim_personality_max_seg_size(&seg);
	ret = dmasim_limit(dev, &ranges[0], seg, &lim->max_seg_size) ?:
	      dmasim_limit(dev, &ranges[1], max_segments, &lim->max_segments) ?:
	      dmasim_limit(dev, &ranges[2], copy_align, &lim->copy_align) ?:
	      dmasim_limit(dev, &ranges[3], fifo_depth, &lim->fifo_depth);
	if (ret)
		return ret;
	/*
	 * dmaengine has no field for a descriptor length limit, so by default
	 * there is none beyond what the reported limits allow anyway; the
	 * 32-bit residue of dmaengine_result caps it in any case.
	 */
	whole = min_t(u64, (u64)lim->max_segments * lim->max_seg_size, U32_MAX);
	lim->max_xfer = max_xfer;
	device_property_read_u64(dev, "dmastream,max-transfer-length",
				 &lim->max_xfer);
	if (!lim->max_xfer || lim->max_xfer > whole)
		lim->max_xfer = whole;
	return 0;
}

static void dmasim_setup_dma_device(struct dmasim_engine *eng,
				    struct dma_device *dd, bool memcpy)
{
	u32 widths = BIT(DMA_SLAVE_BUSWIDTH_1_BYTE) |
		     BIT(DMA_SLAVE_BUSWIDTH_2_BYTES) |
		     BIT(DMA_SLAVE_BUSWIDTH_4_BYTES) |
		     BIT(DMA_SLAVE_BUSWIDTH_8_BYTES);

	dd->dev = eng->dev;
	INIT_LIST_HEAD(&dd->channels);
	dma_cap_zero(dd->cap_mask);
	/*
	 * DMA_SLAVE on the memcpy device too: dma_request_chan() only looks
	 * through a dma_slave_map for devices with that capability.
	 * DMA_PRIVATE keeps the channels away from async_tx's public pool.
	 */
	dma_cap_set(DMA_SLAVE, dd->cap_mask);
	dma_cap_set(DMA_PRIVATE, dd->cap_mask);
	if (memcpy) {
		dma_cap_set(DMA_MEMCPY, dd->cap_mask);
		dd->directions = BIT(DMA_MEM_TO_MEM);
		dd->device_release = dmasim_cdma_release;
	} else {
		dd->directions = BIT(DMA_MEM_TO_DEV) | BIT(DMA_DEV_TO_MEM);
		dd->device_release = dmasim_axi_release;
	}
	dd->src_addr_widths = widths;
	dd->dst_addr_widths = widths;
	dd->min_burst = 1;
	dd->max_burst = 256;
	dd->max_sg_burst = eng->limits.max_segments;
	dd->residue_granularity = eng->no_residue ? DMA_RESIDUE_GRANULARITY_DESCRIPTOR :
						    DMA_RESIDUE_GRANULARITY_BURST;
	dd->copy_align = (enum dmaengine_alignment)eng->limits.copy_align;
	dd->descriptor_reuse = false;
	dd->filter.fn = dmasim_filter;
	dmasim_set_chan_ops(dd);
	/* dmaengine_synchronize() then returns at once, as with pl330. */
	if (eng->no_synchronize)
		dd->device_synchronize = NULL;
}

static void dmasim_add_channels(struct dmasim_engine *eng)
{
	enum dmasim_chan_id id;

	snprintf(eng->client_name, sizeof(eng->client_name),
		 "dmasim-client.%d", eng->index);
	for (id = 0; id < DMASIM_NR_CHANS; id++) {
		struct dma_device *dd = id == DMASIM_MEMCPY ? &eng->cdma : &eng->axi;
		struct dma_slave_map *m = &eng->map[id];

		if (!dmasim_chan_wanted[id])
			continue;
		dmasim_chan_init(eng, id, dd);
		dmasim_personality_chan_init(&eng->chans[id]);
		eng->chans[id].present = true;
		m->devname = eng->client_name;
		m->slave = dmasim_chan_names[id];
		m->param = &eng->chans[id].chan;
	}
	/* Each dma_device's map lists its own channels only. */
	eng->axi.filter.map = eng->chans[DMASIM_TX].present ? &eng->map[DMASIM_TX] :
							     &eng->map[DMASIM_RX];
	eng->axi.filter.mapcnt = eng->chans[DMASIM_TX].present +
				 eng->chans[DMASIM_RX].present;
	eng->cdma.filter.map = &eng->map[DMASIM_MEMCPY];
	eng->cdma.filter.mapcnt = eng->chans[DMASIM_MEMCPY].present;
}

static int dmasim_register(struct dmasim_engine *eng, struct dma_device *dd,
			   bool *registered)
{
	int ret;

	if (list_empty(&dd->channels))
		return 0;
	/* Dropped by the dma_device's release callback. */
	kref_get(&eng->ref);
	ret = dma_async_device_register(dd);
	if (ret) {
		kref_put(&eng->ref, dmasim_engine_release);
		return ret;
	}
	*registered = true;
	return 0;
}

static struct dma_chan *dmasim_of_xlate(struct of_phandle_args *args,
					struct of_dma *ofdma)
{
	struct dmasim_engine *eng = ofdma->of_dma_data;
	dma_cap_mask_t mask;
	u32 id;

	if (args->args_count != 1)
		return NULL;
	id = args->args[0];
	if (id >= DMASIM_NR_CHANS || !eng->chans[id].present)
		return NULL;
	dma_cap_zero(mask);
	dma_cap_set(DMA_SLAVE, mask);
	return __dma_request_channel(&mask, dmasim_filter, &eng->chans[id].chan,
				     ofdma->of_node);
}

/*
 * The engine turns DMA addresses into CPU addresses itself (mem.c): only
 * right for dma-direct without an IOMMU, on a cache-coherent device.
 */
static int dmasim_check_dma(struct device *dev)
{
	if (device_iommu_mapped(dev) || get_dma_ops(dev)) {
		dev_err(dev, "needs dma-direct DMA without an IOMMU\n");
		return -ENODEV;
	}
	if (!dev_is_dma_coherent(dev)) {
		dev_err(dev, "needs a cache-coherent device (dma-coherent)\n");
		return -ENODEV;
	}
	return dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64));
}

static const char *dmasim_chan_label(struct dmasim_engine *eng,
				     enum dmasim_chan_id id)
{
	return eng->chans[id].present ? dma_chan_name(&eng->chans[id].chan) : "-";
}

static int dmasim_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct dmasim_engine *eng;
	int ret;

	ret = dmasim_check_dma(dev);
	if (ret)
		return ret;

	eng = kzalloc(sizeof(*eng), GFP_KERNEL);
	if (!eng)
		return -ENOMEM;
	dmasim_personality_engine_init(eng);
	if (!eng->no_max_seg_size && !dev->dma_parms) {
		dev->dma_parms = devm_kzalloc(dev, sizeof(*dev->dma_parms),
					      GFP_KERNEL);
		if (!dev->dma_parms) {
			kfree(eng);
			return -ENOMEM;
		}
	}
	kref_init(&eng->ref);
	eng->dev = dev;
	atomic_set(&eng->live_descs, 0);
	spin_lock_init(&eng->stream_lock);
	eng->index = pdev->id;
	if (pdev->id < 0) {
		eng->index = ida_alloc_min(&dmasim_ida, DMASIM_DT_FIRST_INDEX,
					   GFP_KERNEL);
		if (eng->index < 0) {
			ret = eng->index;
			goto err_put;
		}
	}

	ret = dmasim_read_limits(eng);
	if (ret)
		goto err_index;
	if (!eng->no_max_seg_size) {
		ret = dmasim_set_max_seg_size(dev, eng->limits.max_seg_size);
		if (ret)
			goto err_index;
	} else if (dev->dma_parms) {
		/* Unset: a device-tree engine keeps its device across reloads. */
		dev->dma_parms->max_segment_size = 0;
	}
	ret = dmasim_stream_init(eng);
	if (ret)
		goto err_index;
	dmasim_sched_init(eng);
	eng->stream.mode = dmasim_initial_mode;
	eng->stream.sink_bps = sink_bps;
	eng->stream.source.len = source_len;
	eng->stream.source.pps = source_pps;
	eng->stream.source.pattern = dmasim_initial_pattern;

	dmasim_setup_dma_device(eng, &eng->axi, false);
	dmasim_setup_dma_device(eng, &eng->cdma, true);
	dmasim_add_channels(eng);
	platform_set_drvdata(pdev, eng);

	ret = dmasim_register(eng, &eng->axi, &eng->axi_registered);
	if (ret)
		goto err_stop;
	if (!list_empty(&eng->cdma.channels)) {
		/* Dropped by the dma_device's release callback. */
		kref_get(&eng->ref);
		ret = dmasim_cdma_add(eng);
		if (ret) {
			kref_put(&eng->ref, dmasim_engine_release);
			goto err_axi;
		}
	}

	if (dev->of_node) {
		ret = of_dma_controller_register(dev->of_node, dmasim_of_xlate,
						 eng);
		if (ret)
			goto err_cdma;
	}
	dmasim_debugfs_add(eng);
	dev_info(dev, "engine %d: tx %s, rx %s, memcpy %s, FIFO %u bytes%s%s\n",
		 eng->index, dmasim_chan_label(eng, DMASIM_TX),
		 dmasim_chan_label(eng, DMASIM_RX),
		 dmasim_chan_label(eng, DMASIM_MEMCPY), eng->limits.fifo_depth,
		 eng->personality ? ", personality " : "",
		 eng->personality ? dmasim_personality_name(eng->personality) : "");
	return 0;

err_cdma:
	dmasim_cdma_remove(eng);
err_axi:
	if (eng->axi_registered)
		dma_async_device_unregister(&eng->axi);
err_stop:
	dmasim_sched_stop(eng);
err_index:
	if (pdev->id < 0)
		ida_free(&dmasim_ida, eng->index);
err_put:
	kref_put(&eng->ref, dmasim_engine_release);
	return ret;
}

static void dmasim_remove(struct platform_device *pdev)
{
	struct dmasim_engine *eng = platform_get_drvdata(pdev);
	enum dmasim_chan_id id;
	int live;

	if (pdev->dev.of_node)
		of_dma_controller_free(pdev->dev.of_node);
	dmasim_debugfs_remove(eng);
	dmasim_cdma_remove(eng);
	if (eng->axi_registered)
		dma_async_device_unregister(&eng->axi);
	dmasim_sched_stop(eng);
	for (id = 0; id < DMASIM_NR_CHANS; id++)
		if (eng->chans[id].present)
			dmasim_chan_teardown(&eng->chans[id]);
	live = atomic_read(&eng->live_descs);
	WARN(live, "dmasim: %s: %d descriptors still allocated at removal\n",
	     dev_name(&pdev->dev), live);
	if (pdev->id < 0)
		ida_free(&dmasim_ida, eng->index);
	kref_put(&eng->ref, dmasim_engine_release);
}

static ssize_t dmasim_chan_show(struct device *dev, enum dmasim_chan_id id,
				char *buf)
{
	struct dmasim_engine *eng = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%s\n", dma_chan_name(&eng->chans[id].chan));
}

static ssize_t tx_show(struct device *dev, struct device_attribute *attr,
		       char *buf)
{
	return dmasim_chan_show(dev, DMASIM_TX, buf);
}
static DEVICE_ATTR_RO(tx);

static ssize_t rx_show(struct device *dev, struct device_attribute *attr,
		       char *buf)
{
	return dmasim_chan_show(dev, DMASIM_RX, buf);
}
static DEVICE_ATTR_RO(rx);

static ssize_t memcpy_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return dmasim_chan_show(dev, DMASIM_MEMCPY, buf);
}
static DEVICE_ATTR_RO(memcpy);

/* Indexed by enum dmasim_chan_id, which is_visible relies on. */
static struct attribute *dmasim_channel_attrs[] = {
	&dev_attr_tx.attr,
	&dev_attr_rx.attr,
	&dev_attr_memcpy.attr,
	NULL
};

static umode_t dmasim_channel_visible(struct kobject *kobj,
				      struct attribute *attr, int n)
{
	struct dmasim_engine *eng = dev_get_drvdata(kobj_to_dev(kobj));

	return eng->chans[n].present ? attr->mode : 0;
}

static const struct attribute_group dmasim_channels_group = {
	.name = "channels",
	.attrs = dmasim_channel_attrs,
	.is_visible = dmasim_channel_visible,
};

static const struct attribute_group *dmasim_groups[] = {
	&dmasim_channels_group,
	NULL
};

static const struct of_device_id dmasim_of_match[] = {
	{ .compatible = "dmastream,dmasim" },
	{ }
};
MODULE_DEVICE_TABLE(of, dmasim_of_match);

static struct platform_driver dmasim_driver = {
	.probe = dmasim_probe,
	.DMASIM_PLATFORM_REMOVE = dmasim_remove,
	.driver = {
		.name = "dmasim",
		.of_match_table = dmasim_of_match,
		.dev_groups = dmasim_groups,
		.suppress_bind_attrs = true,
	},
};

static int dmasim_parse_params(void)
{
	char *list, *cur, *tok;
	int ret = 0, i;

	if (engines > DMASIM_MAX_ENGINES) {
		pr_err("dmasim: engines=%u is more than %d\n", engines,
		       DMASIM_MAX_ENGINES);
		return -EINVAL;
	}
	if (source_len < DMASIM_PKT_HDR_LEN || source_len > SZ_64M ||
	    source_pps > 1000000) {
		pr_err("dmasim: source_len must be 24..64 MiB and source_pps at most 1000000\n");
		return -EINVAL;
	}
	i = match_string(dmasim_mode_names, ARRAY_SIZE(dmasim_mode_names), mode);
	if (i < 0) {
		pr_err("dmasim: mode=%s: use loopback or source-sink\n", mode);
		return -EINVAL;
	}
	dmasim_initial_mode = i;
	i = match_string(dmasim_pattern_names, ARRAY_SIZE(dmasim_pattern_names),
			 source_pattern);
	if (i < 0) {
		pr_err("dmasim: source_pattern=%s: use counter or prbs\n",
		       source_pattern);
		return -EINVAL;
	}
	dmasim_initial_pattern = i;
	ret = dmasim_personality_parse_params();
	if (ret)
		return ret;

	list = kstrdup(channels, GFP_KERNEL);
	if (!list)
		return -ENOMEM;
	cur = list;
	while ((tok = strsep(&cur, ",")) != NULL) {
		i = match_string(dmasim_chan_names, DMASIM_NR_CHANS, strim(tok));
		if (i < 0) {
			pr_err("dmasim: channels=%s: unknown channel \"%s\"\n",
			       channels, tok);
			ret = -EINVAL;
			break;
		}
		dmasim_chan_wanted[i] = true;
	}
	kfree(list);
	return ret;
}

static void dmasim_remove_engines(void)
{
	int i;

	for (i = DMASIM_MAX_ENGINES - 1; i >= 0; i--) {
		platform_device_unregister(dmasim_pdevs[i]);
		dmasim_pdevs[i] = NULL;
	}
}

static int __init dmasim_init(void)
{
	unsigned int i;
	int ret;

	ret = dmasim_parse_params();
	if (ret)
		return ret;
	ret = dmasim_sched_module_init();
	if (ret)
		return ret;
	dmasim_debugfs_init();
	ret = dmasim_cdma_driver_register();
	if (ret)
		goto err_wq;
	ret = platform_driver_register(&dmasim_driver);
	if (ret)
		goto err_cdma;
	for (i = 0; i < engines; i++) {
		struct platform_device *pdev;

		pdev = platform_device_alloc("dmasim", i);
		if (!pdev) {
			ret = -ENOMEM;
			goto err_engines;
		}
		/* Before probe, which checks it; a device tree says dma-coherent. */
		dmasim_mark_coherent(&pdev->dev);
		ret = platform_device_add(pdev);
		if (ret) {
			platform_device_put(pdev);
			goto err_engines;
		}
		dmasim_pdevs[i] = pdev;
		if (!pdev->dev.driver) {
			/* The reason is in the log, from probe. */
			ret = -ENODEV;
			goto err_engines;
		}
	}
	return 0;

err_engines:
	dmasim_remove_engines();
	platform_driver_unregister(&dmasim_driver);
err_cdma:
	dmasim_cdma_driver_unregister();
err_wq:
	dmasim_debugfs_exit();
	dmasim_sched_module_exit();
	return ret;
}

static void __exit dmasim_exit(void)
{
	dmasim_remove_engines();
	platform_driver_unregister(&dmasim_driver);
	dmasim_cdma_driver_unregister();
	dmasim_debugfs_exit();
	dmasim_sched_module_exit();
	ida_destroy(&dmasim_ida);
}

module_init(dmasim_init);
module_exit(dmasim_exit);

MODULE_DESCRIPTION("Simulated DMA controller: AXI DMA stream loopback, source, sink and memcpy");
MODULE_AUTHOR("dmastream developers");
MODULE_LICENSE("GPL");
