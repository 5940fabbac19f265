// SPDX-License-Identifier: MIT
/* Helpers for the driver's VM tests; see dstest.h. */

#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "dstest.h"

int t_failures;
const char *t_name = "?";
static uint64_t t_rand_state = 0x9e3779b97f4a7c15ULL;

void t_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "FAIL [%s] %s:%d: ", t_name, file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	t_failures++;
}

void t_start(const char *name)
{
	const char *seed = getenv("DSTEST_SEED");

	t_name = name;
	if (seed)
		t_rand_state = strtoull(seed, NULL, 0) | 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
}

int t_report(void)
{
	if (t_failures) {
		printf("%s: %d check(s) failed\n", t_name, t_failures);
		return 1;
	}
	printf("%s: pass\n", t_name);
	return 0;
}

uint64_t t_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* xorshift64*: reproducible from DSTEST_SEED. */
uint64_t t_rand(void)
{
	t_rand_state ^= t_rand_state >> 12;
	t_rand_state ^= t_rand_state << 25;
	t_rand_state ^= t_rand_state >> 27;
	return t_rand_state * 0x2545f4914f6cdd1dULL;
}

static uint8_t t_byte(uint64_t seed, size_t i)
{
	uint64_t x = seed + i * 0x9e3779b97f4a7c15ULL;

	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ULL;
	return (uint8_t)(x ^ (x >> 29));
}

void t_fill(uint8_t *p, size_t len, uint64_t seed)
{
	for (size_t i = 0; i < len; i++)
		p[i] = t_byte(seed, i);
}

bool t_check_fill(const uint8_t *p, size_t len, uint64_t seed, size_t *bad_at)
{
	for (size_t i = 0; i < len; i++) {
		if (p[i] != t_byte(seed, i)) {
			if (bad_at)
				*bad_at = i;
			return false;
		}
	}
	return true;
}

const char *t_path(const char *label)
{
	static char path[128];

	/* "label" is a channel of the test device, "device/label" any channel. */
	if (strchr(label, '/'))
		snprintf(path, sizeof(path), "/dev/dmastream/%s", label);
	else
		snprintf(path, sizeof(path), "/dev/dmastream/%s/%s", T_DEV, label);
	return path;
}

int t_open(const char *label, int flags)
{
	int fd = open(t_path(label), flags | O_CLOEXEC);

	T_ASSERT(fd >= 0, "open %s: %s", t_path(label), strerror(errno));
	return fd;
}

uint32_t t_ring_flags(void)
{
	const char *ring = getenv("DSTEST_RING");

	return ring && !strcmp(ring, "cached") ? DMASTREAM_RING_CACHED : 0;
}

void t_setup(struct tchan *c, const char *label, uint32_t count, uint32_t size,
	     uint32_t cq_entries)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->path, sizeof(c->path), "%s", t_path(label));
	c->fd = t_open(label, O_RDWR);
	T_ASSERT(ioctl(c->fd, DMASTREAM_IOC_GET_CAPS, &c->caps) == 0, "GET_CAPS: %s",
		 strerror(errno));
	c->ring.count = count;
	c->ring.size = size;
	c->ring.cq_entries = cq_entries;
	c->ring.flags = t_ring_flags();
	T_ASSERT(ioctl(c->fd, DMASTREAM_IOC_SET_RING, &c->ring) == 0, "SET_RING %u x %u%s: %s",
		 count, size, c->ring.flags ? " cached" : "", strerror(errno));
	c->count = count;
	c->size = size;

	c->cq = mmap(NULL, c->ring.cq_size, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd,
		     c->ring.cq_offset);
	T_ASSERT(c->cq != MAP_FAILED, "mmap cq: %s", strerror(errno));
	c->head = (uint32_t *)((char *)c->cq + c->ring.cq.head);
	c->tail = (uint32_t *)((char *)c->cq + c->ring.cq.tail);
	c->cq_flags = (uint32_t *)((char *)c->cq + c->ring.cq.flags);
	c->overflow = (uint32_t *)((char *)c->cq + c->ring.cq.overflow);
	c->cqes = (struct dmastream_cqe *)((char *)c->cq + c->ring.cq.cqes);
	c->local_head = __atomic_load_n(c->head, __ATOMIC_RELAXED);

	c->bufs = calloc(count, sizeof(*c->bufs));
	T_ASSERT(c->bufs, "calloc");
	for (uint32_t i = 0; i < count; i++) {
		c->bufs[i] = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd,
				  c->ring.buf_offset + (uint64_t)i * c->ring.buf_stride);
		T_ASSERT(c->bufs[i] != MAP_FAILED, "mmap buffer %u: %s", i, strerror(errno));
	}
}

void t_unmap(struct tchan *c)
{
	if (c->bufs) {
		for (uint32_t i = 0; i < c->count; i++)
			if (c->bufs[i] && c->bufs[i] != MAP_FAILED)
				munmap(c->bufs[i], c->size);
		free(c->bufs);
		c->bufs = NULL;
	}
	if (c->cq && c->cq != MAP_FAILED)
		munmap(c->cq, c->ring.cq_size);
	c->cq = NULL;
}

void t_teardown(struct tchan *c)
{
	t_unmap(c);
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

int t_submit(struct tchan *c, const struct dmastream_xfer *x, uint32_t nx,
	     const struct dmastream_seg *s, uint32_t ns, uint32_t *bad)
{
	struct dmastream_submit sub = {
		.xfers = (uintptr_t)x,
		.segs = (uintptr_t)s,
		.nxfers = nx,
		.nsegs = ns,
	};
	int rc = ioctl(c->fd, DMASTREAM_IOC_SUBMIT, &sub);

	if (bad)
		*bad = sub.bad_index;
	return rc < 0 ? -errno : rc;
}

int t_submit1(struct tchan *c, uint32_t buf, uint32_t off, uint32_t len, uint64_t cookie)
{
	struct dmastream_seg s = { .buf = buf, .offset = off, .len = len };
	struct dmastream_xfer x = { .cookie = cookie, .nsegs = 1 };

	return t_submit(c, &x, 1, &s, 1, NULL);
}

void t_copy(struct tchan *c, uint32_t src, uint32_t dst, uint32_t len, uint64_t cookie)
{
	struct dmastream_seg s[2] = {
		{ .buf = src, .len = len },
		{ .buf = dst, .len = len },
	};
	struct dmastream_xfer x = { .cookie = cookie, .seg_first = 0, .nsegs = 1,
				    .dst_seg_first = 1, .dst_nsegs = 1 };
	struct dmastream_cqe cqe;

	T_ASSERT(t_submit(c, &x, 1, s, 2, NULL) == 1, "submit copy %u -> %u: %s", src, dst,
		 strerror(errno));
	T_ASSERT(t_collect(c, &cqe, 1, 10000) == 0, "no record of copy %u -> %u", src, dst);
	T_CHECK(cqe.cookie == cookie && cqe.status == 0 && cqe.bytes == len,
		"copy %u -> %u: cookie %llu status %u bytes %u", src, dst,
		(unsigned long long)cqe.cookie, cqe.status, cqe.bytes);
}

int t_copy_at(struct tchan *c, uint32_t src, uint32_t soff, uint32_t dst, uint32_t doff,
		 uint32_t len, uint32_t *bad)
{
	struct dmastream_seg s[2] = {
		{ .buf = src, .offset = soff, .len = len },
		{ .buf = dst, .offset = doff, .len = len },
	};
	struct dmastream_xfer x = { .cookie = 7, .nsegs = 1, .dst_seg_first = 1, .dst_nsegs = 1 };
	struct dmastream_cqe cqe;

	if (t_submit(c, &x, 1, s, 2, bad) != 1)
		return -errno;
	T_ASSERT(t_collect(c, &cqe, 1, 10000) == 0, "no record of a copy");
	T_CHECK(cqe.status || cqe.bytes == len, "copy of %u bytes moved %u", len, cqe.bytes);
	return cqe.status;
}

int t_export(int fd, uint32_t buf, uint32_t flags)
{
	struct dmastream_export e = { .buffer = buf, .flags = flags };

	if (ioctl(fd, DMASTREAM_IOC_EXPORT_BUF, &e))
		return -errno;
	return e.fd;
}

#define TOTAL_MAX	"/sys/module/dmastream/parameters/total_ring_bytes_max"

int t_release(int fd, uint32_t index)
{
	return ioctl(fd, DMASTREAM_IOC_RELEASE_BUF, &index);
}

int t_ring_fits_alone(const char *label, uint32_t count, uint32_t size)
{
	return t_ring_fits_within(label, count, size, (uint64_t)count * size);
}

int t_ring_fits_within(const char *label, uint32_t count, uint32_t size, uint64_t budget)
{
	struct dmastream_ring r = { .count = count, .size = size, .flags = t_ring_flags() };
	char old[32], limit[32];
	int fd, ret;

	T_ASSERT(t_read_file(TOTAL_MAX, old, sizeof(old)) == 0, "%s unreadable", TOTAL_MAX);
	snprintf(limit, sizeof(limit), "%llu", (unsigned long long)budget);
	T_ASSERT(t_write_file(TOTAL_MAX, limit) == 0, "cannot set %s", TOTAL_MAX);
	fd = t_open(label, O_RDWR);
	ret = ioctl(fd, DMASTREAM_IOC_SET_RING, &r) ? errno : 0;
	close(fd);
	t_write_file(TOTAL_MAX, old);
	return ret;
}

uint32_t t_pending(struct tchan *c)
{
	return __atomic_load_n(c->tail, __ATOMIC_ACQUIRE) - c->local_head;
}

uint32_t t_reap(struct tchan *c, struct dmastream_cqe *out, uint32_t max)
{
	uint32_t tail = __atomic_load_n(c->tail, __ATOMIC_ACQUIRE);
	uint32_t mask = c->ring.cq_entries - 1, n = 0;

	while (c->local_head != tail && n < max) {
		if (out)
			out[n] = c->cqes[c->local_head & mask];
		c->local_head++;
		n++;
	}
	__atomic_store_n(c->head, c->local_head, __ATOMIC_RELEASE);
	return n;
}

int t_wait(struct tchan *c, uint32_t min, uint64_t timeout_ns, uint32_t *avail)
{
	struct dmastream_wait w = { .min_complete = min, .timeout_ns = timeout_ns };
	int rc = ioctl(c->fd, DMASTREAM_IOC_WAIT, &w);

	if (avail)
		*avail = w.available;
	return rc < 0 ? -errno : 0;
}

int t_collect(struct tchan *c, struct dmastream_cqe *out, uint32_t n, int timeout_ms)
{
	uint64_t deadline = t_now_ns() + (uint64_t)timeout_ms * 1000000ULL;
	uint32_t got = 0;

	while (got < n) {
		struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
		uint64_t now = t_now_ns();
		int rc;

		got += t_reap(c, out ? out + got : NULL, n - got);
		if (got == n)
			break;
		if (now >= deadline)
			return -ETIMEDOUT;
		rc = poll(&pfd, 1, (int)((deadline - now) / 1000000ULL) + 1);
		if (rc < 0 && errno != EINTR)
			return -errno;
	}
	return 0;
}

int t_stats(int fd, struct dmastream_stats *st)
{
	return ioctl(fd, DMASTREAM_IOC_GET_STATS, st) < 0 ? -errno : 0;
}

int t_write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int err;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	err = n < 0 ? -errno : 0;
	close(fd);
	return err;
}

int t_read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

long long t_read_num(const char *path)
{
	char buf[64];

	if (t_read_file(path, buf, sizeof(buf)))
		return -1;
	return strtoll(buf, NULL, 0);
}

static void t_sim_path(char *path, size_t len, const char *chan, const char *knob)
{
	snprintf(path, len, "/sys/kernel/debug/dmasim/dmasim.0/%s/%s", chan, knob);
}

int t_sim_set(const char *chan, const char *knob, const char *value)
{
	char path[256];

	t_sim_path(path, sizeof(path), chan, knob);
	return t_write_file(path, value);
}

long long t_sim_get(const char *chan, const char *knob)
{
	char path[256];

	t_sim_path(path, sizeof(path), chan, knob);
	return t_read_num(path);
}

bool t_exact_rx_length(void)
{
	return !getenv("DSTEST_NO_RX_LENGTH");
}
