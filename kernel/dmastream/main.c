// SPDX-License-Identifier: GPL-2.0-only
/*
 * dmastream: zero-copy streaming between user space and dmaengine channels.
 *
 * Module setup: parameters, the device class and character device numbers,
 * the platform driver and the configfs interface.
 */

#include <linux/fs.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>

#include "compat.h"
#include "configfs.h"
#include "device.h"
#include "engine.h"
#include "sysfs.h"

/*
 * A 0644 unsigned int parameter that only takes values in [min, max], so
 * that sizes and counts derived from it cannot wrap.
 */
#define DMASTREAM_PARAM_UINT_RANGE(name, min, max)				\
static int dmastream_set_##name(const char *val, const struct kernel_param *kp)\
{										\
	return param_set_uint_minmax(val, kp, min, max);			\
}										\
static const struct kernel_param_ops dmastream_##name##_ops = {		\
	.set = dmastream_set_##name,						\
	.get = param_get_uint,							\
};										\
module_param_cb(name, &dmastream_##name##_ops, &dmastream_##name, 0644)

unsigned long dmastream_ring_bytes_max = 256UL << 20;
module_param_named(ring_bytes_max, dmastream_ring_bytes_max, ulong, 0644);
MODULE_PARM_DESC(ring_bytes_max, "Most bytes in all buffers of one channel's ring (default 256 MiB)");

unsigned long dmastream_total_ring_bytes_max;
module_param_named(total_ring_bytes_max, dmastream_total_ring_bytes_max, ulong, 0644);
MODULE_PARM_DESC(total_ring_bytes_max,
		 "Most bytes in the buffers of all rings together (default 0: half of RAM)");

unsigned int dmastream_buffer_size_max = 64U << 20;
DMASTREAM_PARAM_UINT_RANGE(buffer_size_max, PAGE_SIZE, DMASTREAM_BUFFER_SIZE_LIMIT);
MODULE_PARM_DESC(buffer_size_max, "Largest single ring buffer in bytes, at most 1 GiB (default 64 MiB)");

unsigned int dmastream_buffers_max = 1024;
DMASTREAM_PARAM_UINT_RANGE(buffers_max, 1, DMASTREAM_BUFFERS_LIMIT);
MODULE_PARM_DESC(buffers_max, "Most buffers in one ring, at most 16384 (default 1024)");

unsigned int dmastream_default_timeout_ms;
module_param_named(default_timeout_ms, dmastream_default_timeout_ms, uint, 0644);
MODULE_PARM_DESC(default_timeout_ms,
		 "Per-transfer timeout of tx and rx channels in ms, 0 for none (default 0)");

unsigned int dmastream_memcpy_timeout_ms = 10000;
module_param_named(memcpy_timeout_ms, dmastream_memcpy_timeout_ms, uint, 0644);
MODULE_PARM_DESC(memcpy_timeout_ms,
		 "Per-transfer timeout of memcpy channels in ms, 0 for none (default 10000)");

unsigned int dmastream_engine_descs = 64;
DMASTREAM_PARAM_UINT_RANGE(engine_descs, 1, DMASTREAM_ENGINE_DESCS_LIMIT);
MODULE_PARM_DESC(engine_descs,
		 "Most descriptors a new channel hands to its engine at once, 1-1024 (default 64)");

unsigned int dmastream_inflight_segs_max = 262144;
DMASTREAM_PARAM_UINT_RANGE(inflight_segs_max, DMASTREAM_INFLIGHT_SEGS_MIN,
			   DMASTREAM_INFLIGHT_SEGS_LIMIT);
MODULE_PARM_DESC(inflight_segs_max,
		 "Most segments of transfers in flight on one channel, 512-16777216 (default 262144)");

unsigned int dmastream_rx_flush_ms = 20;
DMASTREAM_PARAM_UINT_RANGE(rx_flush_ms, 0, DMASTREAM_RX_FLUSH_MS_LIMIT);
MODULE_PARM_DESC(rx_flush_ms,
		 "Before a new owner receives, an rx stream is drained until quiet this long, 0-1000 ms, 0 never (default 20)");

unsigned int dmastream_stop_drain_ms = 50;
module_param_named(stop_drain_ms, dmastream_stop_drain_ms, uint, 0644);
MODULE_PARM_DESC(stop_drain_ms,
		 "How long abort, close and removal let the engine finish what it holds before terminating, ms (default 50)");

unsigned int dmastream_default_error_threshold = 8;
module_param_named(error_threshold, dmastream_default_error_threshold, uint, 0644);
MODULE_PARM_DESC(error_threshold,
		 "Consecutive engine errors that put a new channel in the sticky error state, 0 never (default 8)");

unsigned int dmastream_proxy_timeout_ms = 3000;
module_param_named(proxy_timeout_ms, dmastream_proxy_timeout_ms, uint, 0644);
MODULE_PARM_DESC(proxy_timeout_ms,
		 "How long a DMA Proxy FINISH_XFER waits before it reports TIMEOUT, ms, 0 for ever (default 3000)");

bool dmastream_dma_proxy_bind = true;
module_param_named(dma_proxy_bind, dmastream_dma_proxy_bind, bool, 0444);
MODULE_PARM_DESC(dma_proxy_bind,
		 "Bind device-tree nodes compatible with xlnx,dma_proxy (default 1; 0 leaves them to another driver)");

bool dmastream_cached_streaming;
module_param_named(cached_streaming, dmastream_cached_streaming, bool, 0644);
MODULE_PARM_DESC(cached_streaming,
		 "Allocate new cached rings as pages mapped for streaming DMA, which bounce where streaming DMA does (swiotlb=force): a test aid (default 0)");

struct class *dmastream_class;
dev_t dmastream_devt_base;
atomic_t dmastream_live_reqs = ATOMIC_INIT(0);
atomic_t dmastream_live_descs = ATOMIC_INIT(0);
atomic_t dmastream_live_rings = ATOMIC_INIT(0);
atomic_t dmastream_live_imports = ATOMIC_INIT(0);

/*
 * /dev/dmastream/<device>/<label>: stable names without udev rules. DMA
 * Proxy nodes are /dev/<label>, where its applications look for them.
 */
static char *dmastream_devnode(DMASTREAM_DEVNODE_DEV *dev, umode_t *mode)
{
	const struct dmastream_chan *chan =
		container_of(dev, const struct dmastream_chan, dev);

	if (mode)
		*mode = 0660;
	if (chan->proxy)
		return kasprintf(GFP_KERNEL, "%s", chan->label);
	return kasprintf(GFP_KERNEL, "dmastream/%s/%s", chan->devname, chan->label);
}

static int __init dmastream_init(void)
{
	int ret;

	ret = dmastream_engine_module_init();
	if (ret)
		return ret;
	ret = alloc_chrdev_region(&dmastream_devt_base, 0, DMASTREAM_MINORS,
				  DMASTREAM_DRV_NAME);
	if (ret)
		goto err_engine;

	dmastream_class = dmastream_class_create(DMASTREAM_DRV_NAME);
	if (IS_ERR(dmastream_class)) {
		ret = PTR_ERR(dmastream_class);
		goto err_chrdev;
	}
	dmastream_sysfs_init();
	dmastream_class->devnode = dmastream_devnode;
	dmastream_class->dev_groups = dmastream_chan_groups;

	ret = platform_driver_register(&dmastream_platform_driver);
	if (ret)
		goto err_class;

	ret = dmastream_configfs_init();
	if (ret)
		goto err_driver;
	return 0;

err_driver:
	platform_driver_unregister(&dmastream_platform_driver);
err_class:
	class_destroy(dmastream_class);
err_chrdev:
	unregister_chrdev_region(dmastream_devt_base, DMASTREAM_MINORS);
err_engine:
	dmastream_engine_module_exit();
	return ret;
}

static void __exit dmastream_exit(void)
{
	dmastream_configfs_exit();
	platform_driver_unregister(&dmastream_platform_driver);
	class_destroy(dmastream_class);
	unregister_chrdev_region(dmastream_devt_base, DMASTREAM_MINORS);
	WARN(atomic_read(&dmastream_live_reqs) || atomic_read(&dmastream_live_descs) ||
	     atomic_read(&dmastream_live_rings) || atomic_read(&dmastream_live_imports),
	     "dmastream: %d transfers, %d descriptors, %d rings and %d imports leaked\n",
	     atomic_read(&dmastream_live_reqs), atomic_read(&dmastream_live_descs),
	     atomic_read(&dmastream_live_rings), atomic_read(&dmastream_live_imports));
	dmastream_engine_module_exit();
}

module_init(dmastream_init);
module_exit(dmastream_exit);

MODULE_DESCRIPTION("Zero-copy streaming between user space and dmaengine channels");
MODULE_LICENSE("GPL");
/* dma-buf exports (export.c) */
DMASTREAM_IMPORT_NS_DMA_BUF();
MODULE_VERSION("0.1.0");
