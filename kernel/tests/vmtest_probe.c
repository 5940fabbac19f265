// SPDX-License-Identifier: GPL-2.0
/*
 * vmtest_probe: a small misc device that lets the VM harness prove itself.
 *
 * It answers an ioctl, signals poll() from a timer, and on request misbehaves
 * at load (a WARN; on a debug kernel also a use after free, a leak or a lock
 * order inversion) so that the harness self-tests can show that each such
 * report turns a passing guest script into a failed run.
 */

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/timer.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "vmtest_probe.h"

static bool warn_on_load;
module_param(warn_on_load, bool, 0444);
MODULE_PARM_DESC(warn_on_load, "Emit a WARN when loaded (harness self-test)");

static bool pin_on_load;
module_param(pin_on_load, bool, 0444);
MODULE_PARM_DESC(pin_on_load, "Hold a reference to this module so it cannot be unloaded (harness self-test)");

static bool use_after_free_on_load;
module_param(use_after_free_on_load, bool, 0444);
MODULE_PARM_DESC(use_after_free_on_load, "Read freed memory when loaded (KASAN self-test)");

static bool leak_on_load;
module_param(leak_on_load, bool, 0444);
MODULE_PARM_DESC(leak_on_load, "Lose an allocation when loaded (kmemleak self-test)");

static bool lock_inversion_on_load;
module_param(lock_inversion_on_load, bool, 0444);
MODULE_PARM_DESC(lock_inversion_on_load, "Take two mutexes in both orders when loaded (lockdep self-test)");

static DEFINE_MUTEX(probe_lock_a);
static DEFINE_MUTEX(probe_lock_b);

struct probe_file {
	struct timer_list timer;
	wait_queue_head_t wait;
	bool fired;
};

static void probe_timer_fn(struct timer_list *t)
{
	struct probe_file *pf = from_timer(pf, t, timer);

	WRITE_ONCE(pf->fired, true);
	wake_up_interruptible(&pf->wait);
}

static int probe_open(struct inode *inode, struct file *file)
{
	struct probe_file *pf = kzalloc(sizeof(*pf), GFP_KERNEL);

	if (!pf)
		return -ENOMEM;
	timer_setup(&pf->timer, probe_timer_fn, 0);
	init_waitqueue_head(&pf->wait);
	file->private_data = pf;
	return 0;
}

static int probe_release(struct inode *inode, struct file *file)
{
	struct probe_file *pf = file->private_data;

	del_timer_sync(&pf->timer);
	kfree(pf);
	return 0;
}

static long probe_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct probe_file *pf = file->private_data;
	void __user *uarg = (void __user *)arg;
	struct vmtest_probe_echo echo;
	__u32 msecs;

	switch (cmd) {
	case VMTEST_PROBE_ECHO:
		if (copy_from_user(&echo, uarg, sizeof(echo)))
			return -EFAULT;
		echo.out = ~echo.in;
		return copy_to_user(uarg, &echo, sizeof(echo)) ? -EFAULT : 0;
	case VMTEST_PROBE_ARM:
		if (get_user(msecs, (__u32 __user *)uarg))
			return -EFAULT;
		if (msecs > 10000)
			return -EINVAL;
		WRITE_ONCE(pf->fired, false);
		mod_timer(&pf->timer, jiffies + msecs_to_jiffies(msecs));
		return 0;
	default:
		return -ENOTTY;
	}
}

static __poll_t probe_poll(struct file *file, poll_table *wait)
{
	struct probe_file *pf = file->private_data;

	poll_wait(file, &pf->wait, wait);
	return READ_ONCE(pf->fired) ? EPOLLIN | EPOLLRDNORM : 0;
}

static const struct file_operations probe_fops = {
	.owner = THIS_MODULE,
	.open = probe_open,
	.release = probe_release,
	.unlocked_ioctl = probe_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.poll = probe_poll,
	.llseek = noop_llseek,
};

static struct miscdevice probe_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "vmtest_probe",
	.fops = &probe_fops,
};

/* The misdeeds are real: each is what a debug kernel must catch. */
static noinline void probe_misbehave(void)
{
	u8 *p;

	if (use_after_free_on_load) {
		p = kmalloc(64, GFP_KERNEL);
		kfree(p);
		OPTIMIZER_HIDE_VAR(p);
		if (p)
			pr_info("vmtest_probe: freed byte reads %u\n", READ_ONCE(p[8]));
	}
	if (leak_on_load) {
		int i, n = 0;

		/*
		 * Several: the last pointer may survive in a dead task's cached
		 * stack, which kmemleak scans, and hide that one.
		 */
		for (i = 0; i < 16; i++) {
			p = kmalloc(128, GFP_KERNEL);
			OPTIMIZER_HIDE_VAR(p);
			n += !!p;
		}
		pr_info("vmtest_probe: lost %d allocations\n", n);
	}
	if (lock_inversion_on_load) {
		mutex_lock(&probe_lock_a);
		mutex_lock(&probe_lock_b);
		mutex_unlock(&probe_lock_b);
		mutex_unlock(&probe_lock_a);
		mutex_lock(&probe_lock_b);
		mutex_lock(&probe_lock_a);
		mutex_unlock(&probe_lock_a);
		mutex_unlock(&probe_lock_b);
	}
}

static int __init probe_init(void)
{
	WARN(warn_on_load, "vmtest_probe: warning requested by warn_on_load\n");
	probe_misbehave();
	if (pin_on_load)
		__module_get(THIS_MODULE);
	return misc_register(&probe_misc);
}

static void __exit probe_exit(void)
{
	misc_deregister(&probe_misc);
}

module_init(probe_init);
module_exit(probe_exit);
MODULE_DESCRIPTION("VM harness self-test device");
MODULE_LICENSE("GPL");
