// SPDX-License-Identifier: MIT
/*
 * Checks the answers of the vmtest_probe device inside the guest: the ioctl
 * reply, an unknown ioctl, an out-of-range argument, and poll() readiness
 * driven by the device's timer (before and after it fires).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vmtest_probe.h"

static int failures;

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);	\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
		failures++;						\
	}								\
} while (0)

int main(void)
{
	struct vmtest_probe_echo echo = { .in = 0x0123456789abcdefULL };
	struct pollfd pfd;
	__u32 msecs;
	int fd, rc;

	fd = open("/dev/vmtest_probe", O_RDWR);
	if (fd < 0) {
		perror("open /dev/vmtest_probe");
		return 1;
	}

	rc = ioctl(fd, VMTEST_PROBE_ECHO, &echo);
	CHECK(rc == 0, "ECHO failed: %s", strerror(errno));
	CHECK(echo.out == ~echo.in, "ECHO answered %#llx", (unsigned long long)echo.out);

	rc = ioctl(fd, _IO('V', 0x7f));
	CHECK(rc == -1 && errno == ENOTTY, "unknown ioctl: rc %d errno %d", rc, errno);

	msecs = 10001;
	rc = ioctl(fd, VMTEST_PROBE_ARM, &msecs);
	CHECK(rc == -1 && errno == EINVAL, "ARM 10001 ms: rc %d errno %d", rc, errno);

	pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
	rc = poll(&pfd, 1, 0);
	CHECK(rc == 0, "readable before the timer was armed (rc %d)", rc);

	msecs = 20;
	rc = ioctl(fd, VMTEST_PROBE_ARM, &msecs);
	CHECK(rc == 0, "ARM failed: %s", strerror(errno));
	/* Generous: TCG guests can be slow. */
	rc = poll(&pfd, 1, 20000);
	CHECK(rc == 1 && (pfd.revents & POLLIN), "not readable after the timer (rc %d revents %#x)",
	      rc, pfd.revents);

	close(fd);
	if (failures)
		return 1;
	printf("probe-check: all checks passed\n");
	return 0;
}
