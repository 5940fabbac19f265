// SPDX-License-Identifier: GPL-2.0
/*
 * dmasim: the memcpy (CDMA-like) dma_device lives on a device of its own,
 * an auxiliary device "dmasim.cdma.N" under the engine's platform device,
 * bound to this file's auxiliary driver.
 *
 * Why not on the platform device with the AXI-like one: dmaengine names a
 * dma_device's debugfs directory after its struct device, so a second one
 * on the same device collides ("already present"), and it takes the module
 * owner from the device's driver, so the device must be bound. On real
 * SoCs the AXI DMA and the CDMA are separate IPs, with separate devices.
 *
 * The auxiliary device gets the platform device's DMA setup (masks,
 * coherence, address map, segment limits): clients allocate for it, and
 * mem.c translates the memcpy engine's addresses through the platform
 * device.
 *
 * AUXILIARY_BUS has no prompt of its own (a driver must select it); a
 * kernel without it (a trimmed board kernel) gets the memcpy dma_device on
 * the platform device, as before, and dmaengine's debugfs notice with it.
 *
 * Calls go down (docs/dmasim.md): main.c calls this file; it calls only
 * the kernel.
 */

#include <linux/auxiliary_bus.h>
#include <linux/dma-direct.h>
#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/dmaengine.h>
#include <linux/slab.h>

#include "cdma.h"
#include "compat.h"

#if IS_ENABLED(CONFIG_AUXILIARY_BUS)

struct dmasim_cdma {
	struct auxiliary_device adev;
	struct device_dma_parameters parms;
	struct dmasim_engine *eng;
};

static struct dmasim_cdma *to_dmasim_cdma(struct auxiliary_device *adev)
{
	return container_of(adev, struct dmasim_cdma, adev);
}

static int dmasim_cdma_probe(struct auxiliary_device *adev,
			     const struct auxiliary_device_id *id)
{
	struct dmasim_engine *eng = to_dmasim_cdma(adev)->eng;
	int ret;

	eng->cdma.dev = &adev->dev;
	ret = dma_async_device_register(&eng->cdma);
	if (ret)
		return ret;
	eng->cdma_registered = true;
	return 0;
}

static void dmasim_cdma_drv_remove(struct auxiliary_device *adev)
{
	struct dmasim_engine *eng = to_dmasim_cdma(adev)->eng;

	dma_async_device_unregister(&eng->cdma);
}

static const struct auxiliary_device_id dmasim_cdma_ids[] = {
	{ .name = KBUILD_MODNAME ".cdma" },
	{ }
};
MODULE_DEVICE_TABLE(auxiliary, dmasim_cdma_ids);

static struct auxiliary_driver dmasim_cdma_driver = {
	.name = "cdma",
	.probe = dmasim_cdma_probe,
	.remove = dmasim_cdma_drv_remove,
	.id_table = dmasim_cdma_ids,
	/* As the platform driver: a client's channel pins the module. */
	.driver.suppress_bind_attrs = true,
};

/**
 * dmasim_cdma_driver_register() - register the memcpy engines' driver
 *
 * Return: 0 or a negative errno.
 */
int dmasim_cdma_driver_register(void)
{
	return auxiliary_driver_register(&dmasim_cdma_driver);
}

/**
 * dmasim_cdma_driver_unregister() - unregister the memcpy engines' driver
 */
void dmasim_cdma_driver_unregister(void)
{
	auxiliary_driver_unregister(&dmasim_cdma_driver);
}

static void dmasim_cdma_release(struct device *dev)
{
	/* The driver core frees dma_range_map with the device. */
	kfree(to_dmasim_cdma(to_auxiliary_dev(dev)));
}

/* The platform device's DMA setup, so that both engines see one memory. */
static int dmasim_cdma_copy_dma_setup(struct device *dev, struct device *parent)
{
	const struct bus_dma_region *map = parent->dma_range_map;

	dev->coherent_dma_mask = parent->coherent_dma_mask;
	dev->dma_mask = &dev->coherent_dma_mask;
	dev->bus_dma_limit = parent->bus_dma_limit;
	if (map) {
		size_t n = 1;

		while (map[n - 1].size)
			n++;
		dev->dma_range_map = kmemdup(map, n * sizeof(*map), GFP_KERNEL);
		if (!dev->dma_range_map)
			return -ENOMEM;
	}
	dmasim_mark_coherent(dev);
	return 0;
}

/**
 * dmasim_cdma_add() - create the memcpy engine's device, which registers
 *	eng->cdma (already set up, with its channel) when it binds
 * @eng: the engine; eng->dev is its platform device
 *
 * Return: 0 once eng->cdma is registered, or a negative errno.
 */
int dmasim_cdma_add(struct dmasim_engine *eng)
{
	struct device *parent = eng->dev;
	struct dmasim_cdma *cd;
	int ret;

	cd = kzalloc(sizeof(*cd), GFP_KERNEL);
	if (!cd)
		return -ENOMEM;
	cd->eng = eng;
	cd->adev.name = "cdma";
	cd->adev.id = eng->index;
	cd->adev.dev.parent = parent;
	cd->adev.dev.release = dmasim_cdma_release;
	ret = auxiliary_device_init(&cd->adev);
	if (ret) {
		kfree(cd);
		return ret;
	}
	if (parent->dma_parms) {
		cd->parms = *parent->dma_parms;
		cd->adev.dev.dma_parms = &cd->parms;
	}
	/* After init, which sets the platform's default coherence. */
	ret = dmasim_cdma_copy_dma_setup(&cd->adev.dev, parent);
	if (ret)
		goto err_put;
	ret = auxiliary_device_add(&cd->adev);
	if (ret)
		goto err_put;
	eng->cdma_adev = &cd->adev;
	if (!eng->cdma_registered) {
		/* Its probe failed, and said why. */
		dmasim_cdma_remove(eng);
		return -ENODEV;
	}
	return 0;

err_put:
	auxiliary_device_uninit(&cd->adev);
	return ret;
}

/**
 * dmasim_cdma_remove() - remove the memcpy engine's device, unregistering
 *	eng->cdma (its release callback runs when the last client is gone)
 * @eng: the engine
 */
void dmasim_cdma_remove(struct dmasim_engine *eng)
{
	if (!eng->cdma_adev)
		return;
	auxiliary_device_delete(eng->cdma_adev);
	auxiliary_device_uninit(eng->cdma_adev);
	eng->cdma_adev = NULL;
}

#else /* !CONFIG_AUXILIARY_BUS */

int dmasim_cdma_driver_register(void)
{
	return 0;
}

void dmasim_cdma_driver_unregister(void)
{
}

int dmasim_cdma_add(struct dmasim_engine *eng)
{
	int ret;

	eng->cdma.dev = eng->dev;
	ret = dma_async_device_register(&eng->cdma);
	if (ret)
		return ret;
	eng->cdma_registered = true;
	return 0;
}

void dmasim_cdma_remove(struct dmasim_engine *eng)
{
	if (!eng->cdma_registered)
		return;
	dma_async_device_unregister(&eng->cdma);
	eng->cdma_registered = false;
}

#endif /* CONFIG_AUXILIARY_BUS */
