// SPDX-License-Identifier: MIT
/*
 * Lifetimes: buffer memory outlives close() while mapped (the mapping keeps
 * the file, hence the ownership, until munmap()), the ring goes with
 * munmap() while open, a fork()ed child sees the same buffers, and removing
 * the device
 * under open files stops DMA, completes what was in flight as ABORTED,
 * reports EPOLLHUP and ENODEV, and leaves the mappings readable; the
 * device can then be created again and used.
 */
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dstest.h"

#define CFS "/sys/kernel/config/dmastream/" T_DEV

static void close_before_munmap(void)
{
	struct tchan c;

	t_setup(&c, "memcpy", 2, 8192, 0);
	t_fill(c.bufs[1], 8192, 1);
	close(c.fd);
	c.fd = -1;
	/* The memory is still ours and still holds what we wrote. */
	T_CHECK(t_check_fill(c.bufs[1], 8192, 1, NULL), "buffer after close");
	t_fill(c.bufs[0], 8192, 2);
	T_CHECK(t_check_fill(c.bufs[0], 8192, 2, NULL), "write after close");
	/* A mapping holds the file open: the channel stays owned until munmap(). */
	{
		struct dmastream_ring r = { .count = 1, .size = 4096 };
		int fd = t_open("memcpy", O_RDWR);

		T_ERRNO(ioctl(fd, DMASTREAM_IOC_SET_RING, &r), EBUSY);
		t_unmap(&c);
		r = (struct dmastream_ring){ .count = 1, .size = 4096 };
		T_CHECK(ioctl(fd, DMASTREAM_IOC_SET_RING, &r) == 0, "free after munmap: %s",
			strerror(errno));
		close(fd);
	}
}

static void munmap_before_close(void)
{
	struct dmastream_ring r = { .count = 2, .size = 4096 };
	struct tchan c;

	t_setup(&c, "memcpy", 2, 8192, 0);
	t_unmap(&c);
	/* Nothing mapped: resizing is allowed. */
	T_CHECK(ioctl(c.fd, DMASTREAM_IOC_SET_RING, &r) == 0, "resize: %s", strerror(errno));
	close(c.fd);
}

static void fork_shares_buffers(void)
{
	struct tchan c;
	int status;
	pid_t pid;

	t_setup(&c, "memcpy", 2, 4096, 0);
	t_fill(c.bufs[0], 4096, 3);
	pid = fork();
	if (!pid) {
		/* The child shares the owner's file and mappings. */
		struct dmastream_seg s[2] = { { .buf = 0, .len = 4096 }, { .buf = 1, .len = 4096 } };
		struct dmastream_xfer x = { .cookie = 1, .nsegs = 1, .dst_seg_first = 1,
					    .dst_nsegs = 1 };

		_exit(t_submit(&c, &x, 1, s, 2, NULL) == 1 ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	T_CHECK(WIFEXITED(status) && !WEXITSTATUS(status), "child could not submit");
	T_CHECK(t_collect(&c, NULL, 1, 20000) == 0, "child's transfer completes for the parent");
	T_CHECK(t_check_fill(c.bufs[1], 4096, 3, NULL), "child's copy visible");
	t_teardown(&c);
}

static void remove_under_open_files(void)
{
	struct dmastream_cqe cqe[4];
	struct dmastream_info info;
	struct pollfd pfd;
	struct tchan rx;
	int obs, rc;

	t_setup(&rx, "rx", 4, 4096, 0);
	t_fill(rx.bufs[3], 4096, 8);
	for (int i = 0; i < 3; i++)
		T_ASSERT(t_submit1(&rx, i, 0, 4096, i) == 1, "rx %d", i);
	obs = t_open("rx", O_RDONLY);

	rc = t_write_file(CFS "/enable", "0");
	T_ASSERT(rc == 0, "disable the device: %d", rc);

	pfd = (struct pollfd){ .fd = rx.fd, .events = POLLIN };
	T_CHECK(poll(&pfd, 1, 1000) == 1 && (pfd.revents & POLLHUP) && (pfd.revents & POLLERR),
		"owner poll after removal: %#x", pfd.revents);
	pfd = (struct pollfd){ .fd = obs, .events = POLLIN };
	T_CHECK(poll(&pfd, 1, 1000) == 1 && (pfd.revents & POLLHUP), "observer poll: %#x",
		pfd.revents);
	T_CHECK(t_reap(&rx, cqe, 4) == 3, "in-flight transfers completed");
	for (int i = 0; i < 3; i++)
		T_CHECK(cqe[i].status == DMASTREAM_STATUS_ABORTED, "#%d status %u", i, cqe[i].status);
	T_CHECK(t_submit1(&rx, 0, 0, 16, 9) == -ENODEV, "submit after removal");
	T_ERRNO(ioctl(rx.fd, DMASTREAM_IOC_ABORT), ENODEV);
	T_CHECK(ioctl(rx.fd, DMASTREAM_IOC_GET_INFO, &info) == 0 &&
		info.state == DMASTREAM_STATE_GONE, "info after removal: state %u", info.state);
	T_CHECK(t_check_fill(rx.bufs[3], 4096, 8, NULL), "mapping still readable");
	T_CHECK(open(t_path("rx"), O_RDWR) < 0, "device node gone");
	close(obs);
	t_teardown(&rx);

	/* Back again, and working. */
	rc = t_write_file(CFS "/enable", "1");
	T_ASSERT(rc == 0, "re-enable: %d", rc);
	{
		struct tchan mc;
		struct dmastream_seg s[2] = { { .buf = 0, .len = 4096 }, { .buf = 1, .len = 4096 } };
		struct dmastream_xfer x = { .cookie = 1, .nsegs = 1, .dst_seg_first = 1,
					    .dst_nsegs = 1 };

		t_setup(&mc, "memcpy", 2, 4096, 0);
		t_fill(mc.bufs[0], 4096, 4);
		T_CHECK(t_submit(&mc, &x, 1, s, 2, NULL) == 1, "submit on the new device");
		T_CHECK(t_collect(&mc, NULL, 1, 20000) == 0 && t_check_fill(mc.bufs[1], 4096, 4, NULL),
			"copy on the new device");
		t_teardown(&mc);
	}
}

static void configfs_errors(void)
{
	T_CHECK(t_write_file(CFS "/channels", "tx") == -EBUSY, "channels while enabled");
	T_CHECK(mkdir("/sys/kernel/config/dmastream/bad name", 0755) == -1 && errno == EINVAL,
		"bad device name");
	T_ASSERT(mkdir("/sys/kernel/config/dmastream/t1", 0755) == 0, "mkdir t1: %s",
		strerror(errno));
	T_CHECK(t_write_file("/sys/kernel/config/dmastream/t1/channels", "bogus") == -EINVAL,
		"label without tx/rx/mem");
	T_CHECK(t_write_file("/sys/kernel/config/dmastream/t1/channels", "tx tx") == -EINVAL,
		"duplicate label");
	T_CHECK(t_write_file("/sys/kernel/config/dmastream/t1/channels", "tx=") == -EINVAL,
		"empty source");
	T_CHECK(t_write_file("/sys/kernel/config/dmastream/t1/enable", "1") == -EINVAL,
		"enable without channels");
	T_CHECK(t_write_file("/sys/kernel/config/dmastream/t1/channels", "rx=dma99chan9") == 0,
		"channels");
	T_CHECK(t_write_file("/sys/kernel/config/dmastream/t1/enable", "1") == -ENODEV,
		"enable with a missing channel");
	T_CHECK(t_write_file("/sys/kernel/config/dmastream/t1/enable", "maybe") == -EINVAL,
		"enable garbage");
	T_CHECK(rmdir("/sys/kernel/config/dmastream/t1") == 0, "rmdir t1");
}

int main(void)
{
	t_start("lifetime");
	close_before_munmap();
	munmap_before_close();
	fork_shares_buffers();
	configfs_errors();
	remove_under_open_files();
	return t_report();
}
