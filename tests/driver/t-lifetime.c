// SPDX-License-Identifier: MIT
/*
 * Lifetimes: buffer memory outlives close() while mapped (the mapping keeps
 * the file, hence the ownership, until munmap()), the ring goes with
 * munmap() while open, a fork()ed child sees the same buffers, and removing
 * the device
 * under open files stops DMA, completes what was in flight as ABORTED,
 * reports EPOLLHUP and ENODEV, and leaves the mappings readable; the
 * device can then be created again and used. Also for a device whose
 * channels come from a slave map; and records held back for a departed
 * owner never reach the next one.
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

/*
 * A transfer record held back when its owner leaves (here: the owner lied
 * about the queue's head, so it looked full) goes with the ring; the next
 * owner's queue holds only its own records.
 */
static void held_back_records_go_with_the_ring(void)
{
	struct dmastream_cqe cqe[4];
	struct tchan c;
	int rc;

	t_setup(&c, "rx", 4, 4096, 0);
	for (int i = 0; i < 2; i++)
		T_ASSERT(t_submit1(&c, i, 0, 4096, 100 + i) == 1, "rx %d", i);
	/* A head beyond the tail: the driver counts the queue as full. */
	__atomic_store_n(c.head, *c.tail + 5, __ATOMIC_RELEASE);
	t_teardown(&c);		/* stops: both complete, held back */

	t_setup(&c, "rx", 4, 4096, 0);
	T_CHECK(*c.overflow == 0 && !(*c.cq_flags & DMASTREAM_CQ_OVERFLOW),
		"new owner sees overflow %u flags %#x", *c.overflow, *c.cq_flags);
	T_ASSERT(t_submit1(&c, 0, 0, 4096, 7) == 1, "rx on the new ring");
	T_CHECK(ioctl(c.fd, DMASTREAM_IOC_ABORT) == 0, "ABORT: %s", strerror(errno));
	rc = t_collect(&c, cqe, 1, 20000);
	T_CHECK(!rc && cqe[0].cookie == 7 && cqe[0].status == DMASTREAM_STATUS_ABORTED,
		"own record: rc %d cookie %llu status %u", rc, (unsigned long long)cqe[0].cookie,
		cqe[0].status);
	T_CHECK(t_reap(&c, cqe, 4) == 0, "no stale records");
	t_teardown(&c);
}

/*
 * Channels requested through a provider's slave map (dmasim engine 1 gives
 * its channels to a device named dmasim-client.1) have sysfs links in the
 * requesting device: removing that device while a file and mappings stay
 * open must not leave the DMA channel's release to touch it afterwards
 * (the harness fails the run on the kernfs warning that would follow).
 */
static void remove_slave_map_device_under_open_files(void)
{
	const char *dir = "/sys/kernel/config/dmastream/dmasim-client.1";
	struct dmastream_cqe cqe;
	struct stat st;
	struct tchan c;
	int rc;

	if (stat("/sys/bus/platform/devices/dmasim.1", &st)) {
		t_fail(__FILE__, __LINE__, "needs dmasim engines=2");
		return;
	}
	T_ASSERT(mkdir(dir, 0755) == 0, "mkdir %s: %s", dir, strerror(errno));
	T_ASSERT(t_write_file("/sys/kernel/config/dmastream/dmasim-client.1/channels",
			      "tx rx") == 0, "channels");
	rc = t_write_file("/sys/kernel/config/dmastream/dmasim-client.1/enable", "1");
	T_ASSERT(rc == 0, "enable through the slave map: %d", rc);

	t_setup(&c, "dmasim-client.1/rx", 2, 4096, 0);
	t_fill(c.bufs[1], 4096, 5);
	T_ASSERT(t_submit1(&c, 0, 0, 4096, 1) == 1, "rx in flight");
	T_CHECK(rmdir(dir) == 0, "rmdir under open files: %s", strerror(errno));
	rc = t_collect(&c, &cqe, 1, 20000);
	T_CHECK(!rc && cqe.status == DMASTREAM_STATUS_ABORTED, "in flight aborted: %d %u", rc,
		cqe.status);
	T_CHECK(t_check_fill(c.bufs[1], 4096, 5, NULL), "mapping still readable");
	t_teardown(&c);		/* the last user: memory goes now */

	/* The engine's channels are free again. */
	T_ASSERT(mkdir(dir, 0755) == 0, "mkdir again: %s", strerror(errno));
	T_CHECK(t_write_file("/sys/kernel/config/dmastream/dmasim-client.1/channels",
			     "tx rx") == 0 &&
		t_write_file("/sys/kernel/config/dmastream/dmasim-client.1/enable", "1") == 0,
		"the same channels again");
	T_CHECK(rmdir(dir) == 0, "rmdir: %s", strerror(errno));
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

/*
 * Slave configuration through configfs: syntax checked when written,
 * labels and values against the channel (dmasim: widths 1-8 bytes, bursts
 * up to 256) when enabled, and nothing is claimed when it is refused.
 * Engine 1: t0 holds engine 0.
 */
static void configfs_slave_config(void)
{
	const char *d = "/sys/kernel/config/dmastream/t2";
	char chans[96], path[128], tx[32], rx[32];
	int fd;

	T_ASSERT(!t_read_file("/sys/bus/platform/devices/dmasim.1/channels/tx", tx, sizeof(tx)) &&
		 !t_read_file("/sys/bus/platform/devices/dmasim.1/channels/rx", rx, sizeof(rx)),
		 "dmasim's channel names");
	tx[strcspn(tx, "\n")] = '\0';
	rx[strcspn(rx, "\n")] = '\0';
	snprintf(chans, sizeof(chans), "tx=%s rx=%s", tx, rx);
	T_ASSERT(mkdir(d, 0755) == 0, "mkdir t2: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/slave_config", d);
	T_CHECK(t_write_file(path, "tx.width") == -EINVAL, "no value");
	T_CHECK(t_write_file(path, "width=4") == -EINVAL, "no label");
	T_CHECK(t_write_file(path, "tx.speed=4") == -EINVAL, "unknown key");
	T_CHECK(t_write_file(path, "tx.burst=0") == -EINVAL, "burst 0");
	T_CHECK(t_write_file(path, "tx.width=256") == -EINVAL, "width 256");
	snprintf(path, sizeof(path), "%s/channels", d);
	T_CHECK(t_write_file(path, chans) == 0, "channels");
	snprintf(path, sizeof(path), "%s/slave_config", d);

	struct {
		const char *cfg;
		int err;
	} cases[] = {
		{ "tx.width=3", -EINVAL },		/* not a power of two */
		{ "rx.width=16", -EINVAL },		/* not among dmasim's widths */
		{ "tx.burst=512", -EINVAL },		/* above max_burst */
		{ "mem.width=4", -EINVAL },		/* no such label */
		{ "tx.width=4 tx.burst=16 tx.addr=0x40000000 rx.width=8", 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char en[128];

		T_CHECK(t_write_file(path, cases[i].cfg) == 0, "slave_config %s", cases[i].cfg);
		snprintf(en, sizeof(en), "%s/enable", d);
		T_CHECK(t_write_file(en, "1") == cases[i].err, "enable with %s", cases[i].cfg);
		if (cases[i].err)
			continue;
		/* Claimed and working. */
		fd = open("/dev/dmastream/t2/tx", O_RDWR);
		T_CHECK(fd >= 0, "t2/tx: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		T_CHECK(t_write_file(path, "tx.width=2") == -EBUSY, "slave_config while enabled");
		T_CHECK(t_write_file(en, "0") == 0, "disable");
	}
	T_CHECK(rmdir(d) == 0, "rmdir t2");
}

#define FLUSH_MS "/sys/module/dmastream/parameters/rx_flush_ms"

/*
 * A departing owner leaves four 1 KiB packets in the loopback's FIFO,
 * receiving (an rx transfer queued, the rx engine stalled) or not; then a
 * next owner of rx, on fresh files, queues four receives. Return: how many
 * of the old packets it got within 200 ms, or ~0 if a check failed.
 */
static uint32_t stale_packets_received(const char *flush_ms, bool was_receiving)
{
	char path[160], ms[16];
	struct dmastream_cqe cqe[8];
	struct dmastream_wait w;
	struct tchan tx, rx;
	long long before, dropped;
	uint32_t got;

	T_CHECK(t_read_file(FLUSH_MS, ms, sizeof(ms)) == 0, "read rx_flush_ms");
	T_CHECK(t_write_file(FLUSH_MS, flush_ms) == 0, "rx_flush_ms = %s", flush_ms);
	snprintf(path, sizeof(path), "/sys/class/dmastream/%s.rx/stream_flushed", T_DEV);
	before = t_read_num(path);

	if (was_receiving) {
		/* After SET_RING: its stream flush's terminate clears a stall. */
		t_setup(&rx, "rx", 1, 1024, 8);
		T_CHECK(t_sim_set("rx", "stall", "1") == 0, "stall rx");
		T_CHECK(t_submit1(&rx, 0, 0, 1024, 99) == 1, "departing owner's receive");
	}
	t_setup(&tx, "tx", 4, 1024, 8);
	for (uint32_t i = 0; i < 4; i++) {
		t_fill(tx.bufs[i], 1024, 100 + i);
		T_CHECK(t_submit1(&tx, i, 0, 1024, i) == 1, "old packet %u", i);
	}
	T_CHECK(t_collect(&tx, cqe, 4, 10000) == 0, "old packets sent");
	t_teardown(&tx);
	if (was_receiving) {
		t_teardown(&rx);
		T_CHECK(t_sim_set("rx", "stall", "0") == 0, "unstall rx");
	}

	t_setup(&rx, "rx", 4, 1024, 8);
	for (uint32_t i = 0; i < 4; i++)
		T_CHECK(t_submit1(&rx, i, 0, 1024, 10 + i) == 1, "rx %u", i);
	w = (struct dmastream_wait){ .min_complete = 4, .timeout_ns = 200000000 };
	ioctl(rx.fd, DMASTREAM_IOC_WAIT, &w);
	got = w.available;
	dropped = t_read_num(path) - before;
	printf("# rx_flush_ms=%s, %sreceiving: %u old packets received, %lld dropped\n",
	       flush_ms, was_receiving ? "" : "not ", got, dropped);
	/* A flush drops a descriptor per packet. */
	T_CHECK(dropped == (got ? 0 : 4), "dropped %lld, received %u", dropped, got);
	if (!got) {
		/* The new owner's own packet comes through intact. */
		t_setup(&tx, "tx", 1, 1024, 8);
		t_fill(tx.bufs[0], 1024, 7);
		T_CHECK(t_submit1(&tx, 0, 0, 1024, 1) == 1, "new packet");
		T_CHECK(t_collect(&rx, cqe, 1, 10000) == 0 && cqe[0].status == 0 &&
			cqe[0].cookie == 10, "new packet received");
		T_CHECK(t_check_fill(rx.bufs[0], 1024, 7, NULL), "new packet intact");
		t_teardown(&tx);
	} else if (got == 4) {
		t_reap(&rx, cqe, 4);
		T_CHECK(t_check_fill(rx.bufs[3], 1024, 103, NULL), "old packet 3 as sent");
	}
	T_CHECK(ioctl(rx.fd, DMASTREAM_IOC_ABORT) == 0, "abort rx");
	t_teardown(&rx);
	T_CHECK(t_write_file(FLUSH_MS, ms) == 0, "rx_flush_ms restored");
	return got;
}

/*
 * Whatever the stream holds when rx gets a new owner is dropped first,
 * whether the old owner was receiving or not; with rx_flush_ms=0 it all
 * arrives (the test sees the difference it checks for).
 */
static void stale_stream_not_delivered(void)
{
	/*
	 * Quiet is told by the clock, and dmasim's engine is a guest CPU: on
	 * a busy host it was seen not to run for the default 20 ms, so the
	 * flush ended before the first packet (driver-lifecycle@debug, two
	 * guests on two host CPUs, 2026-12-07; tool-commands the same way).
	 */
	uint32_t got = stale_packets_received("250", true);

	T_CHECK(got == 0, "old packets of a receiving owner delivered to the next: %u", got);
	got = stale_packets_received("250", false);
	T_CHECK(got == 0, "old packets of an owner that was not receiving: %u", got);
	got = stale_packets_received("0", true);
	T_CHECK(got == 4, "without the flush they arrive: %u", got);
}

/*
 * A new ring never shows what an earlier one held: the buffers a previous
 * owner filled are freed with its ring, and the next owner's (likely the
 * same pages) are zeroed, as is its completion queue beyond the header.
 */
static void new_ring_is_zeroed(void)
{
	enum { COUNT = 4, SIZE = 64 << 10 };
	struct tchan c;
	size_t cqe_bytes;
	const unsigned char *p;
	size_t dirty = 0;

	t_setup(&c, "tx", COUNT, SIZE, 0);
	for (uint32_t i = 0; i < COUNT; i++)
		memset(c.bufs[i], 0x5a, SIZE);
	memset(c.cqes, 0xa5, (size_t)c.ring.cq_entries * sizeof(*c.cqes));
	t_teardown(&c);

	t_setup(&c, "tx", COUNT, SIZE, 0);
	for (uint32_t i = 0; i < COUNT; i++) {
		p = c.bufs[i];
		for (size_t j = 0; j < SIZE; j++)
			dirty += p[j] != 0;
	}
	T_CHECK(dirty == 0, "new ring: %zu non-zero bytes in its buffers", dirty);
	cqe_bytes = (size_t)c.ring.cq_entries * sizeof(*c.cqes);
	p = (const unsigned char *)c.cqes;
	dirty = 0;
	for (size_t j = 0; j < cqe_bytes; j++)
		dirty += p[j] != 0;
	T_CHECK(dirty == 0, "new ring: %zu non-zero bytes in its completion records", dirty);
	t_teardown(&c);
}

int main(void)
{
	t_start("lifetime");
	new_ring_is_zeroed();
	close_before_munmap();
	munmap_before_close();
	fork_shares_buffers();
	configfs_errors();
	configfs_slave_config();
	remove_under_open_files();
	held_back_records_go_with_the_ring();
	remove_slave_map_device_under_open_files();
	stale_stream_not_delivered();
	return t_report();
}
