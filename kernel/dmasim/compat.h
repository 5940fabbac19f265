/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels dmasim builds for (6.1 .. 6.12 and on).
 */
#ifndef DMASIM_COMPAT_H
#define DMASIM_COMPAT_H

#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/hrtimer.h>
#include <linux/version.h>

/* 6.11 made platform_driver.remove return void; before, that was remove_new. */
#if KERNEL_VERSION(6, 11, 0) <= LINUX_VERSION_CODE
#define DMASIM_PLATFORM_REMOVE	remove
#else
#define DMASIM_PLATFORM_REMOVE	remove_new
#endif

/* 6.12 made dma_set_max_seg_size() void and WARN without dma_parms. */
static inline int dmasim_set_max_seg_size(struct device *dev, unsigned int size)
{
	if (!dev->dma_parms)
		return -EIO;
	dma_set_max_seg_size(dev, size);
	return 0;
}

/* 6.13 folded hrtimer_init() and the function assignment into hrtimer_setup(). */
static inline void dmasim_hrtimer_setup(struct hrtimer *timer,
					enum hrtimer_restart (*fn)(struct hrtimer *),
					enum hrtimer_mode mode)
{
#if KERNEL_VERSION(6, 13, 0) <= LINUX_VERSION_CODE
	hrtimer_setup(timer, fn, CLOCK_MONOTONIC, mode);
#else
	hrtimer_init(timer, CLOCK_MONOTONIC, mode);
	timer->function = fn;
#endif
}

/*
 * Where devices are not DMA-coherent by default (arm, arm64), a device
 * without firmware description is marked so by its creator. dmasim's
 * engine is the CPU itself, coherent with the CPU by construction; x86 has
 * no such flag because every device is.
 */
static inline void dmasim_mark_coherent(struct device *dev)
{
#if defined(CONFIG_ARCH_HAS_SYNC_DMA_FOR_DEVICE) || \
	defined(CONFIG_ARCH_HAS_SYNC_DMA_FOR_CPU) || \
	defined(CONFIG_ARCH_HAS_SYNC_DMA_FOR_CPU_ALL)
	dev->dma_coherent = true;
#endif
}

#endif /* DMASIM_COMPAT_H */
