// SPDX-License-Identifier: MIT
/*
 * A random-sequence fuzzer of the dmastream ABI: every ioctl with valid,
 * mutated and garbage arguments, mmap and munmap at random offsets and
 * lengths, writes of garbage into the mapped completion queue header,
 * poll, close and reopen, fork (children that work on inherited files and
 * mappings, some killed mid-call), and dmasim's fault knobs turned at
 * random. It checks nothing itself beyond "no call hangs": the verdict is
 * the kernel's (the harness fails a run on any Oops, WARN, lockup, RCU
 * stall, KASAN or kmemleak report), then whether the device still works
 * and whether unloading the modules finds nothing left allocated
 * (tests/fuzz/vm-fuzz.sh).
 *
 *   fuzz-ioctl SEED CALLS DEVDIR [DMASIM_DEBUGFS_DIR]
 *
 * The same seed gives the same sequence of calls (not the same kernel
 * answers: completions race with the calls).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/dmastream.h>

#define NFDS	6
#define NMAPS	8
#define NLABELS	3

static const char *const labels[NLABELS] = { "tx", "rx", "memcpy" };
static const char *devdir, *simdir;
static uint64_t rng;
static long page;

struct fd_slot {
	int fd;
	int label;
	struct dmastream_ring ring;	/* what SET_RING last answered */
};

struct map_slot {
	void *addr;
	size_t len;
	bool writable;
};

static struct fd_slot fds[NFDS];
static struct map_slot maps[NMAPS];
static unsigned long calls, errors_seen, children;
/* How far the calls got: a fuzzer whose calls all fail early proves little. */
static unsigned long rings_set, submits, submits_ok, accepted, maps_made, waits_ok;

static uint64_t rnd(void)
{
	/* xorshift64*: enough for choosing calls. */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ULL;
}

static uint32_t below(uint32_t n)
{
	return n ? (uint32_t)(rnd() % n) : 0;
}

static bool chance(unsigned int percent)
{
	return below(100) < percent;
}

/* A number biased to the edges: 0, 1, small, powers of two and around them, any. */
static uint64_t edgy(uint64_t typical)
{
	switch (below(8)) {
	case 0:
		return 0;
	case 1:
		return 1;
	case 2:
		return below(typical + 1);
	case 3:
		return (uint64_t)1 << below(64);
	case 4:
		return ((uint64_t)1 << below(33)) - 1;
	case 5:
		return ((uint64_t)1 << below(33)) + 1;
	case 6:
		return rnd();
	default:
		return typical;
	}
}

/* A pointer that is sometimes not one. */
static void *edgy_ptr(void *good)
{
	switch (below(16)) {
	case 0:
		return NULL;
	case 1:
		return (void *)(uintptr_t)16;
	case 2:
		return (void *)(uintptr_t)-4096L;
	default:
		return good;
	}
}

static struct fd_slot *any_fd(void)
{
	struct fd_slot *s = &fds[below(NFDS)];

	return s->fd >= 0 ? s : NULL;
}

/* Mostly a file that has a ring: calls on it get past the ownership checks. */
static struct fd_slot *busy_fd(void)
{
	unsigned int start = below(NFDS);

	if (chance(75)) {
		for (unsigned int i = 0; i < NFDS; i++) {
			struct fd_slot *s = &fds[(start + i) % NFDS];

			if (s->fd >= 0 && s->ring.count)
				return s;
		}
	}
	return any_fd();
}

static void do_open(void)
{
	struct fd_slot *s = &fds[below(NFDS)];
	char path[256];

	if (s->fd >= 0)
		close(s->fd);
	s->label = below(NLABELS);
	snprintf(path, sizeof(path), "%s/%s", devdir, labels[s->label]);
	s->fd = open(path, chance(85) ? O_RDWR : (chance(50) ? O_RDONLY : O_WRONLY));
	memset(&s->ring, 0, sizeof(s->ring));
}

static void do_close(void)
{
	struct fd_slot *s = any_fd();

	if (s) {
		close(s->fd);
		s->fd = -1;
	}
}

static void do_set_ring(struct fd_slot *s)
{
	struct dmastream_ring r = {};

	if (chance(10)) {
		r.count = 0;	/* free */
	} else {
		r.count = chance(80) ? 1 + below(16) : (uint32_t)edgy(64);
		r.size = chance(80) ? 64 + below(64 << 10) : (uint32_t)edgy(1 << 20);
		r.cq_entries = chance(60) ? 0 : (uint32_t)edgy(64);
	}
	if (chance(5))
		r.flags = (uint32_t)rnd();
	if (chance(5))
		r.buf_stride = rnd();
	if (ioctl(s->fd, DMASTREAM_IOC_SET_RING, edgy_ptr(&r)) == 0) {
		s->ring = r;
		rings_set += r.count > 0;
	}
}

/* A segment that often fits the last ring this file was told about. */
static struct dmastream_seg any_seg(const struct fd_slot *s)
{
	struct dmastream_seg g = {};
	uint32_t size = s->ring.size ? s->ring.size : 4096;

	g.buf = chance(90) && s->ring.count ? below(s->ring.count) : (uint32_t)edgy(8);
	g.offset = chance(80) ? below(size) & ~7U : (uint32_t)edgy(size);
	g.len = chance(80) ? 1 + below(size - (g.offset < size ? g.offset : 0)) :
			     (uint32_t)edgy(size);
	if (chance(3))
		g.reserved = (uint32_t)rnd();
	return g;
}

/*
 * A batch that should pass validation on this file's ring (it may still
 * meet EBUSY, EAGAIN or a ring that changed): most of the driver's paths
 * start after validation.
 */
static bool valid_submit(struct fd_slot *s)
{
	struct dmastream_xfer x[8] = {};
	struct dmastream_seg g[16];
	struct dmastream_submit sub = {};
	bool is_memcpy = labels[s->label][0] == 'm';
	uint32_t nx = 1 + below(8), size = s->ring.size, count = s->ring.count, ng = 0, i;
	int rc;

	if (!count || !size || (is_memcpy && count < 2 && size < 2))
		return false;
	for (i = 0; i < nx; i++) {
		uint32_t max = size < 8192 ? size : 8192;
		uint32_t len = 1 + below(is_memcpy && count < 2 ? max / 2 : max);
		uint32_t a = below(count), b = (a + 1 + below(count - 1 ? count - 1 : 1)) % count;

		x[i].cookie = rnd();
		x[i].seg_first = ng;
		x[i].nsegs = 1;
		g[ng++] = (struct dmastream_seg){ .buf = a, .offset = below(size - len + 1),
						  .len = len };
		if (is_memcpy) {
			x[i].dst_seg_first = ng;
			x[i].dst_nsegs = 1;
			if (a == b)	/* one buffer: source in its first half, destination after */
				g[ng - 1].offset = 0;
			g[ng++] = (struct dmastream_seg){
				.buf = b, .offset = a == b ? len : below(size - len + 1), .len = len };
		}
	}
	sub.xfers = (uintptr_t)x;
	sub.segs = (uintptr_t)g;
	sub.nxfers = nx;
	sub.nsegs = ng;
	rc = ioctl(s->fd, DMASTREAM_IOC_SUBMIT, &sub);
	submits++;
	if (rc > 0) {
		submits_ok++;
		accepted += rc;
	}
	return true;
}

static void do_submit(struct fd_slot *s)
{
	struct dmastream_xfer x[8] = {};
	struct dmastream_seg g[16];
	struct dmastream_submit sub = {};
	uint32_t nx = 1 + below(8), ng = 1 + below(16), i;

	if (chance(60) && valid_submit(s))
		return;
	for (i = 0; i < ng; i++)
		g[i] = any_seg(s);
	for (i = 0; i < nx; i++) {
		x[i].cookie = rnd();
		x[i].seg_first = chance(90) ? below(ng) : (uint32_t)edgy(ng);
		x[i].nsegs = chance(90) ? 1 + below(ng - x[i].seg_first) : (uint32_t)edgy(4);
		if (labels[s->label][0] == 'm') {
			x[i].dst_seg_first = below(ng);
			x[i].dst_nsegs = 1 + below(ng - x[i].dst_seg_first);
		} else if (chance(3)) {
			x[i].dst_nsegs = 1;
		}
		if (chance(20)) {
			x[i].flags = DMASTREAM_XFER_TIMEOUT;
			x[i].timeout_ms = 1 + below(50);
		}
		if (chance(3))
			x[i].flags = (uint32_t)rnd();
	}
	sub.xfers = (uintptr_t)edgy_ptr(x);
	sub.segs = (uintptr_t)edgy_ptr(g);
	sub.nxfers = chance(95) ? nx : (uint32_t)edgy(nx);
	sub.nsegs = chance(95) ? ng : (uint32_t)edgy(ng);
	if (chance(3))
		sub.flags = (uint32_t)rnd();
	int rc = ioctl(s->fd, DMASTREAM_IOC_SUBMIT, edgy_ptr(&sub));

	submits++;
	if (rc > 0) {
		submits_ok++;
		accepted += rc;
	}
}

static void do_wait(struct fd_slot *s)
{
	struct dmastream_wait w = {};

	w.min_complete = chance(80) ? 1 + below(8) : (uint32_t)edgy(8);
	/* Never 0 (no limit): a transfer that never completes would hang us. */
	w.timeout_ns = 1 + below(2000000);
	if (chance(3))
		w.flags = (uint32_t)rnd();
	if (ioctl(s->fd, DMASTREAM_IOC_WAIT, edgy_ptr(&w)) == 0)
		waits_ok++;
}

static void do_config(struct fd_slot *s)
{
	struct dmastream_config c = {};

	c.flags = (uint32_t)edgy(7);
	c.timeout_ms = (uint32_t)edgy(100);
	c.error_threshold = (uint32_t)edgy(8);
	ioctl(s->fd, DMASTREAM_IOC_SET_CONFIG, edgy_ptr(&c));
}

static void do_eventfd(struct fd_slot *s)
{
	struct dmastream_eventfd e = {};
	int efd = -1;

	if (chance(70))
		efd = eventfd(0, EFD_NONBLOCK);
	e.fd = chance(90) ? efd : (int32_t)edgy(100);
	if (chance(5))
		e.flags = (uint32_t)rnd();
	ioctl(s->fd, DMASTREAM_IOC_SET_EVENTFD, edgy_ptr(&e));
	if (efd >= 0)
		close(efd);
}

static void do_getters(struct fd_slot *s)
{
	union {
		struct dmastream_caps caps;
		struct dmastream_info info;
		struct dmastream_stats stats;
	} u;

	switch (below(4)) {
	case 0:
		ioctl(s->fd, DMASTREAM_IOC_GET_CAPS, edgy_ptr(&u.caps));
		break;
	case 1:
		ioctl(s->fd, DMASTREAM_IOC_GET_INFO, edgy_ptr(&u.info));
		break;
	case 2:
		ioctl(s->fd, DMASTREAM_IOC_GET_STATS, edgy_ptr(&u.stats));
		break;
	default:
		ioctl(s->fd, DMASTREAM_IOC_RESET_STATS);
		break;
	}
}

/* Any command number near ours: wrong size, direction or number. */
static void do_garbage_ioctl(struct fd_slot *s)
{
	char buf[512];
	unsigned long cmd;

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (char)rnd();
	cmd = _IOC(below(4), chance(80) ? DMASTREAM_IOC_MAGIC : below(256), below(32),
		   below(sizeof(buf)));
	ioctl(s->fd, cmd, edgy_ptr(buf));
}

static void do_mmap(struct fd_slot *s)
{
	struct map_slot *m = &maps[below(NMAPS)];
	uint64_t total = s->ring.buf_offset + (uint64_t)s->ring.count * s->ring.buf_stride;
	bool writable;
	off_t off;
	size_t len;
	void *p;

	if (chance(80) && total) {
		off = (off_t)(below((uint32_t)(total / page + 1)) * page);
		len = (size_t)(1 + below(4)) * page;
	} else {
		off = (off_t)edgy(1 << 20);
		len = (size_t)edgy(1 << 20);
	}
	writable = chance(90);
	p = mmap(NULL, len, writable ? PROT_READ | PROT_WRITE : PROT_READ,
		 chance(95) ? MAP_SHARED : MAP_PRIVATE, s->fd, off);
	if (p == MAP_FAILED)
		return;
	if (m->addr)
		munmap(m->addr, m->len);
	m->addr = p;
	m->len = len;
	m->writable = writable;
	maps_made++;
}

/* Touch a mapping: read it, scribble on it (the CQ header included). */
static void do_touch(void)
{
	struct map_slot *m = &maps[below(NMAPS)];
	volatile uint32_t *w;
	size_t i;

	if (!m->addr)
		return;
	w = m->addr;
	for (i = 0; i < 8; i++) {
		size_t at = below((uint32_t)(m->len / 4));

		if (!m->writable || chance(50))
			(void)w[at];
		else
			w[at] = (uint32_t)edgy(64);
	}
}

static void do_munmap(void)
{
	struct map_slot *m = &maps[below(NMAPS)];

	if (m->addr) {
		munmap(m->addr, m->len);
		m->addr = NULL;
	}
}

static void do_poll(void)
{
	struct pollfd p[NFDS];
	int n = 0;

	for (int i = 0; i < NFDS; i++) {
		if (fds[i].fd >= 0)
			p[n++] = (struct pollfd){ .fd = fds[i].fd, .events = POLLIN | POLLOUT };
	}
	poll(p, n, 0);
}

/* dmasim's fault knobs, turned at random on one channel. */
static void do_sim_knob(void)
{
	static const char *const knobs[] = { "stall", "fail_permille", "delay_us", "truncate",
					     "start_on_submit" };
	static const char *const values[] = { "0", "0", "1", "5", "100", "1000" };
	char path[256];
	int fd;

	if (!simdir)
		return;
	snprintf(path, sizeof(path), "%s/%s/%s", simdir, labels[below(NLABELS)],
		 knobs[below(5)]);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return;
	if (write(fd, values[below(6)], 1 + below(3)) < 0)
		errors_seen++;
	close(fd);
}

static void one_call(void);

/* A child works on what it inherited for a while; some are killed mid-way. */
static void do_fork(void)
{
	pid_t pid;
	int status;

	if (children > 200)
		return;
	pid = fork();
	if (pid < 0)
		return;
	if (pid == 0) {
		unsigned int n = 1 + below(50);

		rng ^= (uint64_t)getpid() << 17;
		while (n--)
			one_call();
		_exit(0);
	}
	children++;
	if (chance(50)) {
		struct timespec ts = { 0, (long)below(2000000) };

		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
	}
	waitpid(pid, &status, 0);
}

static void one_call(void)
{
	struct fd_slot *s;
	uint32_t what = below(100);

	calls++;
	if (what < 6) {
		do_open();
		return;
	}
	if (what < 9) {
		do_close();
		return;
	}
	if (what < 14) {
		do_poll();
		return;
	}
	if (what < 18) {
		do_munmap();
		return;
	}
	if (what < 24) {
		do_touch();
		return;
	}
	if (what < 26) {
		do_sim_knob();
		return;
	}
	if (what < 27) {
		do_fork();
		return;
	}
	s = busy_fd();
	if (!s) {
		do_open();
		return;
	}
	if (what < 37)
		do_set_ring(s);
	else if (what < 57)
		do_submit(s);
	else if (what < 65)
		do_wait(s);
	else if (what < 69)
		ioctl(s->fd, DMASTREAM_IOC_ABORT);
	else if (what < 71)
		ioctl(s->fd, DMASTREAM_IOC_RESET);
	else if (what < 75)
		do_config(s);
	else if (what < 78)
		do_eventfd(s);
	else if (what < 84)
		do_getters(s);
	else if (what < 90)
		do_garbage_ioctl(s);
	else
		do_mmap(s);
}

int main(int argc, char **argv)
{
	unsigned long n;

	if (argc < 4) {
		fprintf(stderr, "usage: %s SEED CALLS DEVDIR [DMASIM_DEBUGFS_DIR]\n", argv[0]);
		return 2;
	}
	rng = strtoull(argv[1], NULL, 0) * 0x9E3779B97F4A7C15ULL + 1;
	n = strtoul(argv[2], NULL, 0);
	devdir = argv[3];
	simdir = argc > 4 ? argv[4] : NULL;
	page = sysconf(_SC_PAGESIZE);
	for (int i = 0; i < NFDS; i++)
		fds[i].fd = -1;
	/* A child killed while we write to it must not take us along. */
	signal(SIGPIPE, SIG_IGN);

	while (calls < n)
		one_call();

	for (int i = 0; i < NMAPS; i++) {
		if (maps[i].addr)
			munmap(maps[i].addr, maps[i].len);
	}
	for (int i = 0; i < NFDS; i++) {
		if (fds[i].fd >= 0)
			close(fds[i].fd);
	}
	printf("fuzz-ioctl: seed %s: %lu calls, %lu children; %lu rings set, %lu mappings, %lu of %lu submits accepted %lu transfers, %lu waits answered\n",
	       argv[1], calls, children, rings_set, maps_made, submits_ok, submits,
	       accepted, waits_ok);
	return 0;
}
