/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Differences between the kernel APIs dmastream builds against (6.1 .. 6.12
 * and later), in one place so the driver reads as if there were one kernel.
 * This is the only file that tests LINUX_VERSION_CODE (and the only one
 * checkpatch is told to accept it in: an out-of-tree module has no single
 * version to be merged into).
 */
#ifndef DMASTREAM_COMPAT_H
#define DMASTREAM_COMPAT_H

#include <linux/device.h>
#include <linux/eventfd.h>
#include <linux/mm.h>
#include <linux/platform_device.h>
#include <linux/version.h>

#if KERNEL_VERSION(6, 3, 0) > LINUX_VERSION_CODE
static inline void vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags |= flags;
}

static inline void vm_flags_clear(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags &= ~flags;
}
#endif

#if KERNEL_VERSION(6, 8, 0) > LINUX_VERSION_CODE
#define dmastream_eventfd_signal(ctx)	eventfd_signal((ctx), 1)
#else
#define dmastream_eventfd_signal(ctx)	eventfd_signal(ctx)
#endif

/* Symbol namespaces are string literals from 6.13 on. */
#if KERNEL_VERSION(6, 13, 0) > LINUX_VERSION_CODE
#define DMASTREAM_IMPORT_NS_DMA_BUF()	MODULE_IMPORT_NS(DMA_BUF)
#else
#define DMASTREAM_IMPORT_NS_DMA_BUF()	MODULE_IMPORT_NS("DMA_BUF")
#endif

#if KERNEL_VERSION(6, 4, 0) > LINUX_VERSION_CODE
#define dmastream_class_create(name)	class_create(THIS_MODULE, (name))
#else
#define dmastream_class_create(name)	class_create(name)
#endif

#if KERNEL_VERSION(6, 2, 0) > LINUX_VERSION_CODE
#define DMASTREAM_DEVNODE_DEV		struct device
#else
#define DMASTREAM_DEVNODE_DEV		const struct device
#endif

/* platform_driver.remove returns void since 6.11. */
#if KERNEL_VERSION(6, 11, 0) > LINUX_VERSION_CODE
#define DMASTREAM_REMOVE_RET		int
#define DMASTREAM_REMOVE_DONE		0
#else
#define DMASTREAM_REMOVE_RET		void
#define DMASTREAM_REMOVE_DONE
#endif

/* The string's source is implied by __string() since 6.10. */
#if KERNEL_VERSION(6, 10, 0) > LINUX_VERSION_CODE
#define dmastream_assign_str(field, src)	__assign_str(field, src)
#else
#define dmastream_assign_str(field, src)	__assign_str(field)
#endif

/*
 * The largest order the page allocator hands out: MAX_ORDER was one past
 * it before 6.4, was it until 6.8 and is MAX_PAGE_ORDER since.
 */
#if KERNEL_VERSION(6, 4, 0) > LINUX_VERSION_CODE
#define DMASTREAM_PAGE_ORDER_MAX	(MAX_ORDER - 1)
#elif KERNEL_VERSION(6, 8, 0) > LINUX_VERSION_CODE
#define DMASTREAM_PAGE_ORDER_MAX	MAX_ORDER
#else
#define DMASTREAM_PAGE_ORDER_MAX	MAX_PAGE_ORDER
#endif

#endif /* DMASTREAM_COMPAT_H */
