/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Interface of the vmtest_probe harness self-test device, shared by the
 * module and its user-space checker.
 */
#ifndef VMTEST_PROBE_H
#define VMTEST_PROBE_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* ECHO answers out = ~in, so a wrong or missing reply is visible. */
struct vmtest_probe_echo {
	__u64 in;
	__u64 out;
};

#define VMTEST_PROBE_ECHO	_IOWR('V', 0x01, struct vmtest_probe_echo)
/* ARM makes the fd readable after the given number of milliseconds. */
#define VMTEST_PROBE_ARM	_IOW('V', 0x02, __u32)

#endif /* VMTEST_PROBE_H */
