// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test-only: lets the VM harness end a QEMU xilinx-zynq-a9 guest.
 *
 * Debian's armmp kernel has no Zynq-7000 platform code, so nothing in it can
 * reset or power off that machine: reboot, power-off and panic all end in a
 * halted CPU, and QEMU would run on until the harness gives up. This module
 * does what the platform code of a Zynq kernel does to reset: unlock the
 * system-level control registers (SLCR, found through the device tree) and
 * request a software reset of the processing system. QEMU, run with
 * -no-reboot, exits on that reset. Power-off is turned into the same reset:
 * the harness has read the guest's result by then.
 */

#include <linux/delay.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/of_address.h>
#include <linux/reboot.h>

#define SLCR_UNLOCK		0x008
#define SLCR_UNLOCK_KEY		0xdf0d
#define SLCR_PSS_RST_CTRL	0x200
#define SLCR_PSS_RST		BIT(0)

static void __iomem *slcr;
static struct sys_off_handler *restart_handler;
static struct sys_off_handler *power_off_handler;

static int vmtest_zynq_reset(struct sys_off_data *data)
{
	writel(SLCR_UNLOCK_KEY, slcr + SLCR_UNLOCK);
	writel(SLCR_PSS_RST, slcr + SLCR_PSS_RST_CTRL);
	/* The reset takes effect at once; never return into a halt. */
	mdelay(1000);
	return NOTIFY_DONE;
}

static int __init vmtest_zynq_reset_init(void)
{
	struct device_node *np;

	np = of_find_compatible_node(NULL, NULL, "xlnx,zynq-slcr");
	if (!np)
		return -ENODEV;
	slcr = of_iomap(np, 0);
	of_node_put(np);
	if (!slcr)
		return -ENOMEM;

	restart_handler = register_sys_off_handler(SYS_OFF_MODE_RESTART, SYS_OFF_PRIO_HIGH,
						   vmtest_zynq_reset, NULL);
	if (IS_ERR(restart_handler))
		goto err_unmap;
	power_off_handler = register_sys_off_handler(SYS_OFF_MODE_POWER_OFF, SYS_OFF_PRIO_HIGH,
						     vmtest_zynq_reset, NULL);
	if (IS_ERR(power_off_handler)) {
		unregister_sys_off_handler(restart_handler);
		restart_handler = power_off_handler;
		goto err_unmap;
	}
	return 0;

err_unmap:
	iounmap(slcr);
	return PTR_ERR(restart_handler);
}

static void __exit vmtest_zynq_reset_exit(void)
{
	unregister_sys_off_handler(power_off_handler);
	unregister_sys_off_handler(restart_handler);
	iounmap(slcr);
}

module_init(vmtest_zynq_reset_init);
module_exit(vmtest_zynq_reset_exit);

MODULE_DESCRIPTION("Test-only reset and power-off for QEMU's xilinx-zynq-a9 machine");
MODULE_LICENSE("GPL");
