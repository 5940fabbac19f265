// SPDX-License-Identifier: MIT
/*
 * t-proxy: dmastream's DMA Proxy 2.0 personality, driven as programs
 * written against Xilinx's DMA Proxy 2.0 drive it, against the loopback
 * device "dmastream create --loopback --dma-proxy" makes (/dev/dma_proxy_tx
 * and /dev/dma_proxy_rx on dmasim's loopback).
 *
 * Written from the facts of that ABI (the entry layout, the ioctl numbers,
 * the status codes), not from Xilinx's sources: this file declares its own
 * layout and numbers, and the -m32 build of it sends the 4-byte ioctl size.
 *
 *   t-proxy app N KB [verify]   the DMA Proxy 2.0 application's pattern: a
 *                               TX thread (1 entry) and an RX thread (32
 *                               entries in flight), N transfers of KB KiB,
 *                               every word verified with "verify"; one
 *                               JSON line at the end
 *   t-proxy errno               every error the personality documents that
 *                               dmasim's loopback can provoke, the layout
 *                               and the mappings
 *   t-proxy removal CFSDIR      the device (its configfs directory) removed
 *                               under open files and a sleeping FINISH
 *   t-proxy write FILE TEXT ERR write TEXT to FILE (configfs, sysfs) and
 *                               expect ERR (an errno name) or "ok"
 *
 * Every check prints what it checked; the first mismatch ends the program
 * with exit status 1 and says what was expected and what came.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/dmastream.h>

/* The DMA Proxy 2.0 ABI: 32 entries of 128 KiB and three control words. */
#define PX_WORDS	32768
#define PX_BYTES	(PX_WORDS * 4)
#define PX_ENTRIES	32

#define PX_NO_ERROR	0
#define PX_BUSY		1
#define PX_TIMEOUT	2
#define PX_ERROR	3

struct channel_buffer {
	uint32_t buffer[PX_WORDS];
	uint32_t status;	/* PX_*, written by the driver */
	uint32_t length;	/* bytes to move, written by the application */
	uint32_t residue;	/* length - bytes moved, written at FINISH */
} __attribute__((aligned(1024)));

_Static_assert(sizeof(struct channel_buffer) == 132096, "an entry is 132096 bytes");
_Static_assert(offsetof(struct channel_buffer, status) == 0x20000, "status at +0x20000");
_Static_assert(offsetof(struct channel_buffer, length) == 0x20004, "length at +0x20004");
_Static_assert(offsetof(struct channel_buffer, residue) == 0x20008, "residue at +0x20008");

#define PX_TABLE	(PX_ENTRIES * sizeof(struct channel_buffer))
_Static_assert(PX_ENTRIES * 132096 == 4227072, "the table is 4227072 bytes");

/* The ioctls take a pointer to an int32 buffer id; the size field is that
 * of the pointer type, so 8 from LP64 programs and 4 from ILP32 ones. */
#define PX_FINISH_XFER	_IOW('a', 'a', int32_t *)
#define PX_START_XFER	_IOW('a', 'b', int32_t *)
#define PX_XFER		_IOR('a', 'c', int32_t *)

_Static_assert(PX_FINISH_XFER == (sizeof(void *) == 8 ? 0x40086161u : 0x40046161u), "FINISH_XFER");
_Static_assert(PX_START_XFER == (sizeof(void *) == 8 ? 0x40086162u : 0x40046162u), "START_XFER");
_Static_assert(PX_XFER == (sizeof(void *) == 8 ? 0x80086163u : 0x80046163u), "XFER");

/* The same command with the other ABI's size (4 on LP64, 8 on ILP32). */
#define PX_OTHER_SIZE(cmd) \
	(((cmd) & ~(unsigned long)(_IOC_SIZEMASK << _IOC_SIZESHIFT)) | \
	 ((unsigned long)(sizeof(void *) == 8 ? 4 : 8) << _IOC_SIZESHIFT))

#define TX_PATH		"/dev/dma_proxy_tx"
#define RX_PATH		"/dev/dma_proxy_rx"
#define TIMEOUT_PARAM	"/sys/module/dmastream/parameters/proxy_timeout_ms"
#define THRESH_PARAM	"/sys/module/dmastream/parameters/error_threshold"

static const char *mode = "t-proxy";

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void fail(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "t-proxy %s: FAIL: ", mode);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void ok(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void ok(const char *fmt, ...)
{
	va_list ap;

	printf("ok: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static const char *status_name(uint32_t s)
{
	static const char *const names[] = { "NO_ERROR", "BUSY", "TIMEOUT", "ERROR" };

	return s < 4 ? names[s] : "(not a status)";
}

static const char *errno_name(int e)
{
	switch (e) {
	case 0: return "ok";
	case EINVAL: return "EINVAL";
	case EBUSY: return "EBUSY";
	case EFAULT: return "EFAULT";
	case EBADF: return "EBADF";
	case ENOTTY: return "ENOTTY";
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case EEXIST: return "EEXIST";
	case ENODEV: return "ENODEV";
	case ENXIO: return "ENXIO";
	case ENOENT: return "ENOENT";
	case EINTR: return "EINTR";
	case EIO: return "EIO";
	case ENOMEM: return "ENOMEM";
	case EAGAIN: return "EAGAIN";
	case E2BIG: return "E2BIG";
	case EDQUOT: return "EDQUOT";
	case ENOSPC: return "ENOSPC";
	default: return "(other)";
	}
}

/* The control words are shared with the kernel: read and write them once. */
static uint32_t rd32(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void wr32(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* CPU time of the whole process (every thread), user and system. */
static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* ioctl(fd, cmd, &id): 0, or the errno. */
static int px_call(int fd, unsigned long cmd, int32_t id)
{
	int32_t v = id;

	return ioctl(fd, cmd, &v) == 0 ? 0 : errno;
}

static const char *cmd_name(unsigned long cmd)
{
	if (cmd == PX_START_XFER)
		return "START";
	if (cmd == PX_FINISH_XFER)
		return "FINISH";
	if (cmd == PX_XFER)
		return "XFER";
	if (cmd == PX_OTHER_SIZE(PX_START_XFER))
		return "START(other size)";
	if (cmd == PX_OTHER_SIZE(PX_FINISH_XFER))
		return "FINISH(other size)";
	if (cmd == PX_OTHER_SIZE(PX_XFER))
		return "XFER(other size)";
	return "ioctl";
}

/* The call on entry id must give want (0 or an errno). */
static void expect_call(const char *node, int fd, unsigned long cmd, int32_t id, int want)
{
	int got = px_call(fd, cmd, id);

	if (got != want)
		fail("%s %s(%d): expected %s, got %s (%s)", node, cmd_name(cmd), id,
		     errno_name(want), errno_name(got), got ? strerror(got) : "rc 0");
	ok("%s %s(%d) -> %s", node, cmd_name(cmd), id, errno_name(want));
}

static void expect_status(const char *node, const struct channel_buffer *e, int id, uint32_t want)
{
	uint32_t got = rd32(&e->status);

	if (got != want)
		fail("%s entry %d: status %u %s, expected %u %s", node, id, got, status_name(got),
		     want, status_name(want));
	ok("%s entry %d status %s", node, id, status_name(want));
}

static void expect_residue(const char *node, const struct channel_buffer *e, int id, uint32_t want)
{
	uint32_t got = rd32(&e->residue);

	if (got != want)
		fail("%s entry %d: residue %u, expected %u (length %u)", node, id, got, want,
		     rd32(&e->length));
	ok("%s entry %d residue %u", node, id, want);
}

/* Word j of transfer x: different in every word of a transfer and, at the
 * same place, from one transfer to the next. */
static uint32_t pat(uint32_t x, uint32_t j)
{
	return (x * 0x9e3779b1u) ^ (j * 0x85ebca6bu) ^ 0x5a0000a5u;
}

static void fill(struct channel_buffer *e, uint32_t x, uint32_t bytes)
{
	for (uint32_t j = 0; j < bytes / 4; j++)
		e->buffer[j] = pat(x, j);
}

/* Every word of the first bytes of e is transfer x's. */
static void verify(const char *what, const struct channel_buffer *e, uint32_t x, uint32_t bytes)
{
	for (uint32_t j = 0; j < bytes / 4; j++) {
		uint32_t got = e->buffer[j], want = pat(x, j);

		if (got == want)
			continue;
		for (uint32_t y = x > 64 ? x - 64 : 0; y < x + 64; y++)
			if (pat(y, j) == got)
				fail("%s: word %u of transfer %u is 0x%08x, transfer %u's word (expected 0x%08x)",
				     what, j, x, got, y, want);
		fail("%s: word %u of transfer %u is 0x%08x, expected 0x%08x", what, j, x, got, want);
	}
}

static int px_open(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);

	if (fd < 0)
		fail("open %s: %s", path, strerror(errno));
	return fd;
}

static struct channel_buffer *px_map(const char *path, int fd, unsigned int entries)
{
	void *p = mmap(NULL, entries * sizeof(struct channel_buffer), PROT_READ | PROT_WRITE,
		       MAP_SHARED, fd, 0);

	if (p == MAP_FAILED)
		fail("mmap %u entries of %s: %s", entries, path, strerror(errno));
	return p;
}

static int read_uint(const char *path, unsigned int *v)
{
	FILE *f = fopen(path, "r");
	int n;

	if (!f)
		return errno;
	n = fscanf(f, "%u", v);
	fclose(f);
	return n == 1 ? 0 : EINVAL;
}

/* write(2) of text to path: 0 or the errno. */
static int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), e = 0;
	size_t n = strlen(text);

	if (fd < 0)
		return errno;
	if (write(fd, text, n) != (ssize_t)n)
		e = errno ? errno : EIO;
	close(fd);
	return e;
}

static void write_uint(const char *path, unsigned int v)
{
	char s[32];
	int e;

	snprintf(s, sizeof(s), "%u\n", v);
	e = write_text(path, s);
	if (e)
		fail("write %u to %s: %s", v, path, strerror(e));
}

/* proxy_timeout_ms: the value found at start is put back at exit. */
static unsigned int saved_timeout;
static int timeout_saved;

static void restore_timeout(void)
{
	char s[32];

	if (!timeout_saved)
		return;
	snprintf(s, sizeof(s), "%u\n", saved_timeout);
	write_text(TIMEOUT_PARAM, s);
}

static void save_timeout(void)
{
	int e = read_uint(TIMEOUT_PARAM, &saved_timeout);

	if (e)
		fail("read %s: %s", TIMEOUT_PARAM, strerror(e));
	timeout_saved = 1;
	atexit(restore_timeout);
	ok("proxy_timeout_ms is %u", saved_timeout);
}

static void set_timeout(unsigned int ms)
{
	write_uint(TIMEOUT_PARAM, ms);
	printf("# proxy_timeout_ms = %u\n", ms);
}

/* ------------------------------------------------------------------------
 * app: the DMA Proxy 2.0 application's pattern.
 */
struct app {
	int tx, rx;
	struct channel_buffer *txb, *rxb;
	uint32_t n, len;
	int verify;
};

static void *app_tx(void *arg)
{
	struct app *a = arg;
	struct channel_buffer *e = &a->txb[0];

	for (uint32_t i = 0; i < a->n; i++) {
		int err;

		fill(e, i, a->len);
		wr32(&e->length, a->len);
		err = px_call(a->tx, PX_START_XFER, 0);
		if (err)
			fail("tx transfer %u: START(0): %s", i, strerror(err));
		err = px_call(a->tx, PX_FINISH_XFER, 0);
		if (err)
			fail("tx transfer %u: FINISH(0): %s", i, strerror(err));
		if (rd32(&e->status) != PX_NO_ERROR)
			fail("tx transfer %u: status %s", i, status_name(rd32(&e->status)));
		if (rd32(&e->residue) != 0)
			fail("tx transfer %u: residue %u", i, rd32(&e->residue));
	}
	return NULL;
}

static void *app_rx(void *arg)
{
	struct app *a = arg;
	char what[64];
	int err;

	for (int32_t k = 0; k < PX_ENTRIES; k++) {
		wr32(&a->rxb[k].length, a->len);
		err = px_call(a->rx, PX_START_XFER, k);
		if (err)
			fail("rx START(%d): %s", k, strerror(err));
	}
	for (uint32_t i = 0; i < a->n; i++) {
		int32_t k = i % PX_ENTRIES;
		struct channel_buffer *e = &a->rxb[k];

		err = px_call(a->rx, PX_FINISH_XFER, k);
		if (err)
			fail("rx transfer %u: FINISH(%d): %s", i, k, strerror(err));
		if (rd32(&e->status) != PX_NO_ERROR)
			fail("rx transfer %u: entry %d status %s", i, k, status_name(rd32(&e->status)));
		if (rd32(&e->residue) != 0)
			fail("rx transfer %u: entry %d residue %u of %u", i, k, rd32(&e->residue), a->len);
		if (a->verify) {
			snprintf(what, sizeof(what), "rx transfer %u (entry %d)", i, k);
			verify(what, e, i, a->len);
		}
		if (i + PX_ENTRIES < a->n) {
			wr32(&e->length, a->len);
			err = px_call(a->rx, PX_START_XFER, k);
			if (err)
				fail("rx transfer %u: START(%d): %s", i + PX_ENTRIES, k, strerror(err));
		}
	}
	return NULL;
}

static int do_app(int argc, char **argv)
{
	struct app a = { .verify = argc > 2 && atoi(argv[2]) != 0 };
	pthread_t tt, rt;
	double t0, t1, c0, c1;
	long kb;

	if (argc < 2)
		goto usage;
	a.n = (uint32_t)strtoul(argv[0], NULL, 0);
	kb = strtol(argv[1], NULL, 0);
	if (!a.n || kb < 1 || kb > PX_BYTES / 1024)
		goto usage;
	a.len = (uint32_t)kb * 1024;

	a.tx = px_open(TX_PATH, O_RDWR);
	a.rx = px_open(RX_PATH, O_RDWR);
	a.txb = px_map(TX_PATH, a.tx, 1);
	a.rxb = px_map(RX_PATH, a.rx, PX_ENTRIES);

	t0 = now_ms();
	c0 = cpu_s();
	if (pthread_create(&rt, NULL, app_rx, &a) || pthread_create(&tt, NULL, app_tx, &a))
		fail("pthread_create");
	pthread_join(tt, NULL);
	pthread_join(rt, NULL);
	t1 = now_ms();
	c1 = cpu_s();

	/* As the original application: only one entry's worth of each mapping. */
	if (munmap(a.txb, sizeof(struct channel_buffer)) || munmap(a.rxb, sizeof(struct channel_buffer)))
		fail("munmap: %s", strerror(errno));
	close(a.tx);
	close(a.rx);
	printf("{\"mode\":\"app\",\"transfers\":%u,\"size\":%u,\"bytes\":%llu,\"seconds\":%.6f,\"cpu_seconds\":%.6f,\"verified\":%s}\n",
	       a.n, a.len, (unsigned long long)a.n * a.len, (t1 - t0) / 1e3, c1 - c0,
	       a.verify ? "true" : "false");
	return 0;
usage:
	fprintf(stderr, "usage: t-proxy app TRANSFERS KB(1-128) [VERIFY]\n");
	return 2;
}

/* ------------------------------------------------------------------------
 * errno: the documented errors, one by one.
 */
static int tx_fd, rx_fd;
static struct channel_buffer *txm, *rxm;

/* Send one packet of bytes from TX entry e, pattern x: XFER, NO_ERROR. */
static void send_packet(int32_t e, uint32_t x, uint32_t bytes)
{
	int err;

	fill(&txm[e], x, bytes);
	wr32(&txm[e].length, bytes);
	err = px_call(tx_fd, PX_XFER, e);
	if (err)
		fail("tx XFER(%d) of %u bytes: %s", e, bytes, strerror(err));
	if (rd32(&txm[e].status) != PX_NO_ERROR)
		fail("tx XFER(%d) of %u bytes: status %s", e, bytes, status_name(rd32(&txm[e].status)));
	if (rd32(&txm[e].residue) != 0)
		fail("tx XFER(%d) of %u bytes: residue %u", e, bytes, rd32(&txm[e].residue));
}

static void rx_start(int32_t k, uint32_t bytes)
{
	wr32(&rxm[k].length, bytes);
	expect_call("rx", rx_fd, PX_START_XFER, k, 0);
	expect_status("rx", &rxm[k], k, PX_BUSY);
}

/* FINISH(k) of a receive of packet x: NO_ERROR, residue, data. */
static void rx_finish(int32_t k, uint32_t x, uint32_t bytes)
{
	char what[64];

	expect_call("rx", rx_fd, PX_FINISH_XFER, k, 0);
	expect_status("rx", &rxm[k], k, PX_NO_ERROR);
	expect_residue("rx", &rxm[k], k, rd32(&rxm[k].length) - bytes);
	snprintf(what, sizeof(what), "rx entry %d", k);
	verify(what, &rxm[k], x, bytes);
	ok("rx entry %d holds packet %u (%u bytes, every word)", k, x, bytes);
}

static void get_stats(int fd, struct dmastream_stats *st)
{
	if (ioctl(fd, DMASTREAM_IOC_GET_STATS, st))
		fail("GET_STATS: %s", strerror(errno));
}

static uint64_t completed(int fd)
{
	struct dmastream_stats st;

	get_stats(fd, &st);
	return st.completed;
}

/* Wait (up to 20 s) until the channel has completed more than n transfers
 * (GET_STATS): a packet TX has sent reaches RX a little later. */
static void wait_completed(const char *node, int fd, uint64_t n)
{
	uint64_t c = 0;

	for (int i = 0; i < 2000; i++) {
		c = completed(fd);
		if (c > n)
			return;
		sleep_ms(10);
	}
	fail("%s: %llu transfers completed after 20 s, expected more than %llu", node,
	     (unsigned long long)c, (unsigned long long)n);
}

/* A thread that sleeps in FINISH(id) of the rx channel. */
struct finisher {
	pthread_t thread;
	int fd;
	int32_t id;
	volatile int tid;
	volatile int entered, done;
	int err;
};

static void *finisher_main(void *arg)
{
	struct finisher *f = arg;

	f->tid = (int)syscall(SYS_gettid);
	__atomic_store_n(&f->entered, 1, __ATOMIC_SEQ_CST);
	f->err = px_call(f->fd, PX_FINISH_XFER, f->id);
	__atomic_store_n(&f->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static char thread_state(int tid)
{
	char path[64], buf[512], *p;
	FILE *fp;
	size_t n;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	fp = fopen(path, "r");
	if (!fp)
		return '?';
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

/* Start a finisher and wait (up to 10 s) until it sleeps in the call. */
static void finisher_start(struct finisher *f, int fd, int32_t id)
{
	memset(f, 0, sizeof(*f));
	f->fd = fd;
	f->id = id;
	if (pthread_create(&f->thread, NULL, finisher_main, f))
		fail("pthread_create");
	for (int i = 0; i < 1000; i++) {
		if (__atomic_load_n(&f->entered, __ATOMIC_SEQ_CST) && !f->done) {
			char s = thread_state(f->tid);

			if (s == 'S' || s == 'D') {
				sleep_ms(50);
				if (!f->done)
					return;
			}
		}
		if (f->done)
			fail("FINISH(%d) returned at once (%s) instead of waiting", id,
			     errno_name(f->err));
		sleep_ms(10);
	}
	fail("FINISH(%d) in a second thread does not sleep after 10 s", id);
}

/* Wait (up to 20 s) for the finisher's call to return, then join it. */
static void finisher_join(struct finisher *f)
{
	for (int i = 0; i < 2000 && !__atomic_load_n(&f->done, __ATOMIC_SEQ_CST); i++)
		sleep_ms(10);
	if (!f->done)
		fail("FINISH(%d) in a second thread has not returned after 20 s", f->id);
	pthread_join(f->thread, NULL);
}

static volatile sig_atomic_t sigs;

static void on_usr1(int sig)
{
	(void)sig;
	sigs++;
}

static void set_usr1(int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL))
		fail("sigaction: %s", strerror(errno));
}

static void check_info(const char *path, int fd, const char *label, uint32_t dir, int owner)
{
	struct dmastream_info info;
	struct dmastream_caps caps;
	struct dmastream_stats st;

	memset(&info, 0, sizeof(info));
	if (ioctl(fd, DMASTREAM_IOC_GET_INFO, &info))
		fail("%s: GET_INFO: %s", path, strerror(errno));
	if (strncmp(info.label, label, sizeof(info.label)))
		fail("%s: GET_INFO label '%.32s', expected '%s'", path, info.label, label);
	if (!(info.flags & DMASTREAM_INFO_OWNED) || !(info.flags & DMASTREAM_INFO_OWNER) != !owner)
		fail("%s: GET_INFO flags 0x%x for %s", path, info.flags,
		     owner ? "the owner" : "an observer while another file owns");
	ok("%s GET_INFO: device %.32s label %.32s channel %.32s flags 0x%x", path, info.device,
	   info.label, info.dma_channel, info.flags);
	if (ioctl(fd, DMASTREAM_IOC_GET_CAPS, &caps))
		fail("%s: GET_CAPS: %s", path, strerror(errno));
	if (caps.direction != dir)
		fail("%s: GET_CAPS direction %u, expected %u", path, caps.direction, dir);
	ok("%s GET_CAPS: direction %u", path, caps.direction);
	get_stats(fd, &st);
	ok("%s GET_STATS: submitted %llu", path, (unsigned long long)st.submitted);
}

/* A read-only shared mapping of the table from a file that does not own it. */
static void expect_mmap_error(const char *what, int fd, int want)
{
	void *p = mmap(NULL, PX_TABLE, PROT_READ, MAP_SHARED, fd, 0);

	if (p != MAP_FAILED || errno != want)
		fail("%s: mmap: expected %s, got %s", what, errno_name(want),
		     p != MAP_FAILED ? "a mapping" : errno_name(errno));
	ok("%s: mmap -> %s", what, errno_name(want));
}

static void check_open_rules(void)
{
	int fd;

	errno = 0;
	fd = open(RX_PATH, O_RDWR | O_CLOEXEC);
	if (fd >= 0 || errno != EBUSY)
		fail("second open(O_RDWR) of %s: expected EBUSY, got %s", RX_PATH,
		     fd >= 0 ? "a file" : errno_name(errno));
	ok("second open(O_RDWR) of %s -> EBUSY", RX_PATH);
	fd = open(TX_PATH, O_RDWR | O_CLOEXEC);
	if (fd >= 0 || errno != EBUSY)
		fail("second open(O_RDWR) of %s: expected EBUSY, got %s", TX_PATH,
		     fd >= 0 ? "a file" : errno_name(errno));
	ok("second open(O_RDWR) of %s -> EBUSY", TX_PATH);

	/* An O_RDONLY file observes: GET_* only. */
	fd = px_open(RX_PATH, O_RDONLY);
	wr32(&rxm[3].status, 0xa5a5a5a5u);
	wr32(&rxm[3].length, 4096);
	expect_call("rx (O_RDONLY)", fd, PX_START_XFER, 3, EBADF);
	expect_call("rx (O_RDONLY)", fd, PX_FINISH_XFER, 3, EBADF);
	expect_call("rx (O_RDONLY)", fd, PX_XFER, 3, EBADF);
	if (rd32(&rxm[3].status) != 0xa5a5a5a5u)
		fail("an observer's START wrote status %u", rd32(&rxm[3].status));
	ok("an observer's calls wrote no status");
	check_info(RX_PATH " (O_RDONLY)", fd, "dma_proxy_rx", DMASTREAM_DIR_RX, 0);
	close(fd);
	fd = px_open(TX_PATH, O_RDONLY);
	expect_call("tx (O_RDONLY)", fd, PX_START_XFER, 0, EBADF);
	expect_mmap_error("tx (O_RDONLY, another file owns)", fd, EBUSY);
	close(fd);

	check_info(TX_PATH, tx_fd, "dma_proxy_tx", DMASTREAM_DIR_TX, 1);
	check_info(RX_PATH, rx_fd, "dma_proxy_rx", DMASTREAM_DIR_RX, 1);
}

static void check_unknown_ioctls(void)
{
	struct dmastream_ring ring;
	int32_t id = 0;
	static const struct { unsigned long cmd; const char *name; } cmds[] = {
		{ _IOW('a', 'd', int32_t *), "_IOW('a','d')" },
		{ _IO('a', 'b'), "_IO('a','b') (START without size)" },
		{ _IOR('a', 'a', int32_t *), "_IOR('a','a') (FINISH's direction wrong)" },
		{ _IOC(_IOC_WRITE, 'a', 'b', 16), "_IOW('a','b') of 16 bytes" },
		{ _IOW('b', 'b', int32_t *), "_IOW('b','b')" },
	};

	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		errno = 0;
		if (ioctl(rx_fd, cmds[i].cmd, &id) != -1 || errno != ENOTTY)
			fail("ioctl %s: expected ENOTTY, got %s", cmds[i].name, errno_name(errno));
		ok("ioctl %s -> ENOTTY", cmds[i].name);
	}
	memset(&ring, 0, sizeof(ring));
	errno = 0;
	if (ioctl(rx_fd, DMASTREAM_IOC_SET_RING, &ring) != -1 || errno != ENOTTY)
		fail("DMASTREAM_IOC_SET_RING on a proxy node: expected ENOTTY, got %s", errno_name(errno));
	ok("DMASTREAM_IOC_SET_RING on a proxy node -> ENOTTY");
	errno = 0;
	if (ioctl(tx_fd, DMASTREAM_IOC_ABORT) != -1 || errno != ENOTTY)
		fail("DMASTREAM_IOC_ABORT on a proxy node: expected ENOTTY, got %s", errno_name(errno));
	ok("DMASTREAM_IOC_ABORT on a proxy node -> ENOTTY");
}

static void check_bad_ids(void)
{
	static const int32_t bad[] = { -1, 32, 33, 1000, INT32_MIN, INT32_MAX };
	static const unsigned long cmds[] = { PX_START_XFER, PX_FINISH_XFER, PX_XFER };
	void *none;

	for (int k = 0; k < PX_ENTRIES; k++) {
		wr32(&rxm[k].status, 0xa5a5a5a5u);
		wr32(&rxm[k].length, 4096);
		wr32(&txm[k].status, 0xa5a5a5a5u);
		wr32(&txm[k].length, 4096);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		for (size_t c = 0; c < 3; c++) {
			expect_call("rx", rx_fd, cmds[c], bad[i], EINVAL);
			expect_call("tx", tx_fd, cmds[c], bad[i], EINVAL);
		}
	for (int k = 0; k < PX_ENTRIES; k++)
		if (rd32(&rxm[k].status) != 0xa5a5a5a5u || rd32(&txm[k].status) != 0xa5a5a5a5u)
			fail("a bad id wrote the status of entry %d (rx %u, tx %u)", k,
			     rd32(&rxm[k].status), rd32(&txm[k].status));
	ok("bad ids wrote no entry's status");

	/* An id pointer that cannot be read. */
	none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (none == MAP_FAILED)
		fail("mmap PROT_NONE: %s", strerror(errno));
	for (size_t c = 0; c < 3; c++) {
		errno = 0;
		if (ioctl(rx_fd, cmds[c], none) != -1 || errno != EFAULT)
			fail("%s with an unreadable id pointer: expected EFAULT, got %s",
			     cmd_name(cmds[c]), errno_name(errno));
		ok("rx %s(unreadable pointer) -> EFAULT", cmd_name(cmds[c]));
		errno = 0;
		if (ioctl(rx_fd, cmds[c], NULL) != -1 || errno != EFAULT)
			fail("%s with a NULL id pointer: expected EFAULT, got %s",
			     cmd_name(cmds[c]), errno_name(errno));
		ok("rx %s(NULL) -> EFAULT", cmd_name(cmds[c]));
	}
	munmap(none, 4096);
	for (int k = 0; k < PX_ENTRIES; k++)
		if (rd32(&rxm[k].status) != 0xa5a5a5a5u)
			fail("an unreadable id wrote the status of entry %d (%u)", k, rd32(&rxm[k].status));
}

static void check_lengths(void)
{
	static const uint32_t bad[] = { 0, PX_BYTES + 1, PX_BYTES + 4, 0x20400, 0xffffffffu };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		wr32(&rxm[5].status, 0xa5a5a5a5u);
		wr32(&rxm[5].length, bad[i]);
		printf("# rx length %u\n", bad[i]);
		expect_call("rx", rx_fd, PX_START_XFER, 5, EINVAL);
		expect_status("rx", &rxm[5], 5, PX_ERROR);
		wr32(&txm[4].status, 0xa5a5a5a5u);
		wr32(&txm[4].length, bad[i]);
		printf("# tx length %u\n", bad[i]);
		expect_call("tx", tx_fd, PX_START_XFER, 4, EINVAL);
		expect_status("tx", &txm[4], 4, PX_ERROR);
		wr32(&txm[4].status, 0xa5a5a5a5u);
		expect_call("tx", tx_fd, PX_XFER, 4, EINVAL);
		expect_status("tx", &txm[4], 4, PX_ERROR);
	}
	/* The refused STARTs left nothing to finish. */
	expect_call("rx", rx_fd, PX_FINISH_XFER, 5, EINVAL);
	expect_call("tx", tx_fd, PX_FINISH_XFER, 4, EINVAL);
}

static void check_finish_without_start(void)
{
	wr32(&rxm[6].status, 0xa5a5a5a5u);
	expect_call("rx", rx_fd, PX_FINISH_XFER, 6, EINVAL);
	expect_status("rx", &rxm[6], 6, PX_ERROR);
	wr32(&txm[6].status, 0xa5a5a5a5u);
	expect_call("tx", tx_fd, PX_FINISH_XFER, 6, EINVAL);
	expect_status("tx", &txm[6], 6, PX_ERROR);
}

static void check_start_twice(void)
{
	/* Nothing is sent: the receive stays in flight. */
	rx_start(7, 4096);
	wr32(&rxm[7].length, 8192);	/* a START that is refused reads nothing */
	expect_call("rx", rx_fd, PX_START_XFER, 7, EBUSY);
	expect_status("rx", &rxm[7], 7, PX_BUSY);
	expect_call("rx", rx_fd, PX_XFER, 7, EBUSY);
	expect_status("rx", &rxm[7], 7, PX_BUSY);
	wr32(&rxm[7].length, 4096);
	/* The first transfer is untouched: it receives the next packet whole. */
	send_packet(0, 100, 4096);
	rx_finish(7, 100, 4096);
	/* Already finished. */
	expect_call("rx", rx_fd, PX_FINISH_XFER, 7, EINVAL);
	expect_status("rx", &rxm[7], 7, PX_ERROR);
	expect_call("tx", tx_fd, PX_FINISH_XFER, 0, EINVAL);
	expect_status("tx", &txm[0], 0, PX_ERROR);
}

static void check_xfer_and_residue(void)
{
	/* XFER = START + FINISH; a short packet leaves a residue. */
	rx_start(8, 4096);
	send_packet(1, 200, 2048);
	rx_finish(8, 200, 2048);

	/* 1000 bytes into 128 KiB: residue 130072, the rest untouched. */
	for (uint32_t j = 0; j < PX_WORDS; j++)
		rxm[9].buffer[j] = 0xeeeeeeeeu;
	rx_start(9, PX_BYTES);
	send_packet(2, 201, 1000);
	rx_finish(9, 201, 1000);
	if (rd32(&rxm[9].residue) != PX_BYTES - 1000)
		fail("residue %u after 1000 of %u bytes", rd32(&rxm[9].residue), PX_BYTES);
	for (uint32_t j = 1000 / 4; j < PX_WORDS; j++)
		if (rxm[9].buffer[j] != 0xeeeeeeeeu)
			fail("rx entry 9: word %u past the 1000 bytes received changed to 0x%08x", j,
			     rxm[9].buffer[j]);
	ok("rx entry 9: nothing written past the 1000 bytes received");

	/* The other size encoding of the same commands. */
	rx_start(10, 4096);
	fill(&txm[3], 202, 4096);
	wr32(&txm[3].length, 4096);
	expect_call("tx", tx_fd, PX_OTHER_SIZE(PX_START_XFER), 3, 0);
	expect_call("tx", tx_fd, PX_OTHER_SIZE(PX_FINISH_XFER), 3, 0);
	expect_status("tx", &txm[3], 3, PX_NO_ERROR);
	rx_finish(10, 202, 4096);
	rx_start(10, 4096);
	fill(&txm[3], 203, 4096);
	expect_call("tx", tx_fd, PX_OTHER_SIZE(PX_XFER), 3, 0);
	expect_status("tx", &txm[3], 3, PX_NO_ERROR);
	rx_finish(10, 203, 4096);
}

static void check_restart_unfinished(void)
{
	/* A completed receive nobody FINISHed: START again drops its outcome. */
	uint64_t c = completed(rx_fd);

	rx_start(11, 4096);
	send_packet(0, 300, 4096);
	wait_completed("rx", rx_fd, c);
	rx_start(11, 4096);
	send_packet(0, 301, 4096);
	rx_finish(11, 301, 4096);
}

static void check_two_finishers(void)
{
	struct finisher f;
	double t0;

	set_timeout(30000);
	rx_start(12, 4096);
	finisher_start(&f, rx_fd, 12);
	t0 = now_ms();
	expect_call("rx (second thread)", rx_fd, PX_FINISH_XFER, 12, EBUSY);
	/* At once: not after the first one's transfer (no data comes) or
	 * its timeout (30 s); the bound is generous for a loaded host. */
	if (now_ms() - t0 > 10000)
		fail("the second FINISH took %.0f ms to give EBUSY", now_ms() - t0);
	expect_status("rx", &rxm[12], 12, PX_BUSY);
	if (f.done)
		fail("the first FINISH returned when the second was refused");
	send_packet(0, 400, 4096);
	finisher_join(&f);
	if (f.err)
		fail("the first FINISH(12): %s", strerror(f.err));
	ok("the first FINISH(12) reported");
	expect_status("rx", &rxm[12], 12, PX_NO_ERROR);
	verify("rx entry 12", &rxm[12], 400, 4096);
	set_timeout(saved_timeout);
}

static void check_signals(void)
{
	struct finisher f;

	set_timeout(30000);
	rx_start(13, 4096);
	/* SA_RESTART: the FINISH goes on sleeping. */
	set_usr1(SA_RESTART);
	sigs = 0;
	finisher_start(&f, rx_fd, 13);
	pthread_kill(f.thread, SIGUSR1);
	for (int i = 0; i < 1000 && !sigs; i++)
		sleep_ms(10);
	if (!sigs)
		fail("SIGUSR1 not delivered");
	sleep_ms(200);
	if (f.done)
		fail("FINISH returned (%s) on a signal with SA_RESTART", errno_name(f.err));
	ok("FINISH(13) restarted after a SA_RESTART signal");
	/* Without SA_RESTART: EINTR, status stays BUSY. */
	set_usr1(0);
	pthread_kill(f.thread, SIGUSR1);
	finisher_join(&f);
	if (f.err != EINTR)
		fail("FINISH interrupted by a signal without SA_RESTART: expected EINTR, got %s",
		     errno_name(f.err));
	ok("FINISH(13) interrupted without SA_RESTART -> EINTR");
	expect_status("rx", &rxm[13], 13, PX_BUSY);
	signal(SIGUSR1, SIG_DFL);
	/* The transfer was left in flight: a later FINISH gets it. */
	expect_call("rx", rx_fd, PX_START_XFER, 13, EBUSY);
	send_packet(0, 500, 4096);
	rx_finish(13, 500, 4096);
	set_timeout(saved_timeout);
}

static double mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void check_timeout(void)
{
	double t0, dt;

	rx_start(14, 4096);
	set_timeout(200);
	t0 = mono_ms();
	expect_call("rx", rx_fd, PX_FINISH_XFER, 14, 0);
	dt = mono_ms() - t0;
	set_timeout(saved_timeout);
	expect_status("rx", &rxm[14], 14, PX_TIMEOUT);
	/* A high-resolution wait: never shorter by the clock, whatever the tick. */
	if (dt < 200)
		fail("FINISH timed out after %.1f ms, before proxy_timeout_ms (200)", dt);
	ok("FINISH(14) timed out after %.0f ms (proxy_timeout_ms 200)", dt);
	/* Still in flight: START refused, nothing written. */
	expect_call("rx", rx_fd, PX_START_XFER, 14, EBUSY);
	expect_status("rx", &rxm[14], 14, PX_TIMEOUT);
	/* It ends when data comes, and the next FINISH reports that. */
	send_packet(0, 600, 4096);
	rx_finish(14, 600, 4096);
	expect_call("rx", rx_fd, PX_FINISH_XFER, 14, EINVAL);
	expect_status("rx", &rxm[14], 14, PX_ERROR);
}

/*
 * The debugfs directory of the dmasim engine whose tx channel the proxy's
 * tx node uses: an engine of the module parameters (dmasim.N) or one of the
 * device tree (named after its node), so any device bound to dmasim.
 */
static int sim_dir(char *dir, size_t len)
{
	static const char drv[] = "/sys/bus/platform/drivers/dmasim";
	char want[64] = "", got[64], path[PATH_MAX];
	struct dirent *de;
	int ret = -1;
	DIR *d;
	FILE *f;

	f = fopen("/sys/class/dmastream/dma_proxy_tx/dma_channel", "r");
	if (!f || !fgets(want, sizeof(want), f))
		fail("read /sys/class/dmastream/dma_proxy_tx/dma_channel: %s", strerror(errno));
	fclose(f);
	d = opendir(drv);
	if (!d)
		fail("opendir %s: %s", drv, strerror(errno));
	while (ret && (de = readdir(d))) {
		snprintf(path, sizeof(path), "%s/%s/channels/tx", drv, de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(got, sizeof(got), f) && !strcmp(got, want)) {
			snprintf(dir, len, "/sys/kernel/debug/dmasim/%s", de->d_name);
			ret = 0;
		}
		fclose(f);
	}
	closedir(d);
	return ret;
}

static void check_sticky_error(void)
{
	char dir[300], knob[340];	/* d_name: up to 255 */
	unsigned int thr;
	int e;

	e = read_uint(THRESH_PARAM, &thr);
	if (e)
		fail("read %s: %s", THRESH_PARAM, strerror(e));
	if (!thr) {
		printf("# error_threshold is 0: no sticky error to check\n");
		return;
	}
	if (sim_dir(dir, sizeof(dir)))
		fail("no dmasim engine has the tx channel of /dev/dma_proxy_tx");
	snprintf(knob, sizeof(knob), "%s/tx/fail_permille", dir);
	write_uint(knob, 1000);
	printf("# %s = 1000, error_threshold %u\n", knob, thr);
	for (unsigned int i = 0; i < thr; i++) {
		fill(&txm[0], 700 + i, 4096);
		wr32(&txm[0].length, 4096);
		expect_call("tx", tx_fd, PX_START_XFER, 0, 0);
		expect_call("tx", tx_fd, PX_FINISH_XFER, 0, 0);
		expect_status("tx", &txm[0], 0, PX_ERROR);
	}
	write_uint(knob, 0);
	wr32(&txm[0].status, 0xa5a5a5a5u);
	expect_call("tx (sticky error)", tx_fd, PX_START_XFER, 0, EIO);
	expect_status("tx", &txm[0], 0, PX_ERROR);
	expect_call("tx (sticky error)", tx_fd, PX_XFER, 1, EIO);
	expect_status("tx", &txm[1], 1, PX_ERROR);
	/* Until the file is closed and reopened. */
	if (munmap(txm, PX_TABLE))
		fail("munmap: %s", strerror(errno));
	close(tx_fd);
	tx_fd = px_open(TX_PATH, O_RDWR);
	txm = px_map(TX_PATH, tx_fd, PX_ENTRIES);
	ok("tx reopened");
	rx_start(15, 4096);
	send_packet(0, 710, 4096);
	rx_finish(15, 710, 4096);
}

/* Bytes past the control words, to the end of the 1 KiB-aligned entry. */
#define PX_PAD_OFF	(offsetof(struct channel_buffer, residue) + 4)
#define PX_PAD_WORDS	((sizeof(struct channel_buffer) - PX_PAD_OFF) / 4)

static uint32_t *pad_of(struct channel_buffer *e)
{
	return (uint32_t *)((char *)e + PX_PAD_OFF);
}

static void check_layout(void)
{
	uint64_t c = completed(rx_fd);

	/* 128 KiB into every entry: no entry's control words or padding move. */
	for (int k = 0; k < PX_ENTRIES; k++) {
		memset(rxm[k].buffer, 0, PX_BYTES);
		for (size_t j = 0; j < PX_PAD_WORDS; j++)
			pad_of(&rxm[k])[j] = 0xc0de0000u + k;
		wr32(&rxm[k].residue, 0xa5a5a5a5u);
		wr32(&rxm[k].length, PX_BYTES);
		if (px_call(rx_fd, PX_START_XFER, k))
			fail("rx START(%d) of 128 KiB: %s", k, strerror(errno));
	}
	ok("rx: 32 receives of 128 KiB started");
	for (int k = 0; k < PX_ENTRIES; k++)
		send_packet(k % 2, 800 + k, PX_BYTES);
	ok("tx: 32 packets of 128 KiB sent");
	wait_completed("rx", rx_fd, c + PX_ENTRIES - 1);
	/* Every entry full, none FINISHed: each control word as it was. */
	for (int k = 0; k < PX_ENTRIES; k++) {
		if (rd32(&rxm[k].status) != PX_BUSY || rd32(&rxm[k].length) != PX_BYTES ||
		    rd32(&rxm[k].residue) != 0xa5a5a5a5u)
			fail("rx entry %d after 128 KiB landed in every entry: status %u length %u residue 0x%x",
			     k, rd32(&rxm[k].status), rd32(&rxm[k].length), rd32(&rxm[k].residue));
		for (size_t j = 0; j < PX_PAD_WORDS; j++)
			if (pad_of(&rxm[k])[j] != 0xc0de0000u + k)
				fail("rx entry %d: padding word %zu changed to 0x%08x", k, j,
				     pad_of(&rxm[k])[j]);
	}
	ok("rx: 32 full entries, every status/length/residue word and padding intact");
	for (int k = 0; k < PX_ENTRIES; k++) {
		char what[48];

		expect_call("rx", rx_fd, PX_FINISH_XFER, k, 0);
		if (rd32(&rxm[k].status) != PX_NO_ERROR || rd32(&rxm[k].residue) != 0 ||
		    rd32(&rxm[k].length) != PX_BYTES)
			fail("rx entry %d: status %s residue %u length %u", k,
			     status_name(rd32(&rxm[k].status)), rd32(&rxm[k].residue),
			     rd32(&rxm[k].length));
		snprintf(what, sizeof(what), "rx entry %d", k);
		verify(what, &rxm[k], 800 + k, PX_BYTES);
	}
	ok("rx: 32 entries FINISHed, NO_ERROR, residue 0, every word of every entry right");
	for (int k = 0; k < PX_ENTRIES; k++)
		for (size_t j = 0; j < PX_PAD_WORDS; j++)
			if (pad_of(&rxm[k])[j] != 0xc0de0000u + k)
				fail("rx entry %d: padding word %zu changed to 0x%08x after FINISH", k, j,
				     pad_of(&rxm[k])[j]);
	ok("rx: FINISH wrote nothing past the residue word");
}

static void check_mmap(void)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t table = (PX_TABLE + page - 1) / page * page;
	off_t off;
	uint32_t *w;
	void *p;

	/* Any page-aligned window inside the table: the same memory. */
	off = (off_t)((5 * sizeof(struct channel_buffer) + offsetof(struct channel_buffer, status)) /
		      page * page);
	p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, rx_fd, off);
	if (p == MAP_FAILED)
		fail("mmap of one page at offset %lld: %s", (long long)off, strerror(errno));
	w = (uint32_t *)((char *)p + (5 * sizeof(struct channel_buffer) +
				      offsetof(struct channel_buffer, length) - off));
	wr32(&rxm[5].length, 0x1234);
	if (rd32(w) != 0x1234)
		fail("entry 5's length word through an offset mapping: 0x%x", rd32(w));
	wr32(w, 0x4321);
	if (rd32(&rxm[5].length) != 0x4321)
		fail("a write through the offset mapping did not reach the table");
	munmap(p, page);
	ok("mmap at offset %lld: entry 5's control words, shared both ways", (long long)off);
	p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, rx_fd, table - page);
	if (p == MAP_FAILED)
		fail("mmap of the table's last page: %s", strerror(errno));
	munmap(p, page);
	ok("mmap of the table's last page");

	p = mmap(NULL, table + page, PROT_READ | PROT_WRITE, MAP_SHARED, rx_fd, 0);
	if (p != MAP_FAILED || errno != EINVAL)
		fail("mmap of the table and one page more: expected EINVAL, got %s",
		     p != MAP_FAILED ? "a mapping" : errno_name(errno));
	ok("mmap beyond the table -> EINVAL");
	p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, rx_fd, table);
	if (p != MAP_FAILED || errno != EINVAL)
		fail("mmap at the table's end: expected EINVAL, got %s",
		     p != MAP_FAILED ? "a mapping" : errno_name(errno));
	ok("mmap at offset = table size -> EINVAL");
	p = mmap(NULL, PX_TABLE, PROT_READ | PROT_WRITE, MAP_PRIVATE, rx_fd, 0);
	if (p != MAP_FAILED || errno != EINVAL)
		fail("mmap MAP_PRIVATE: expected EINVAL, got %s",
		     p != MAP_FAILED ? "a mapping" : errno_name(errno));
	ok("mmap MAP_PRIVATE -> EINVAL");
	p = mmap(NULL, PX_TABLE, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_SHARED, tx_fd, 0);
	if (p != MAP_FAILED || errno != EPERM)
		fail("mmap PROT_EXEC: expected EPERM, got %s",
		     p != MAP_FAILED ? "a mapping" : errno_name(errno));
	ok("mmap PROT_EXEC -> EPERM");
}

static void check_close_in_flight(void)
{
	struct channel_buffer *old;
	uint64_t c = completed(rx_fd);

	/* 32 receives in flight, two of them done, none FINISHed. */
	for (int k = 0; k < PX_ENTRIES; k++) {
		wr32(&rxm[k].length, 4096);
		if (px_call(rx_fd, PX_START_XFER, k))
			fail("rx START(%d): %s", k, strerror(errno));
	}
	send_packet(0, 900, 4096);
	send_packet(0, 901, 4096);
	wait_completed("rx", rx_fd, c + 1);
	old = rxm;
	/* The mapping holds the file (vm_file): it is released, and the DMA
	 * stopped, at the munmap that follows the close. */
	close(rx_fd);
	verify("rx entry 0 after close", &old[0], 900, 4096);
	verify("rx entry 1 after close", &old[1], 901, 4096);
	ok("rx closed; the mapping still holds what was received");
	if (munmap(old, PX_TABLE))
		fail("munmap of the rx table: %s", strerror(errno));
	ok("rx released (close, then munmap) with 30 receives in flight and 2 done");
	/* A packet sent with no receiver waits in the stream: the next
	 * owner must not get it. */
	send_packet(0, 902, 4096);
	rx_fd = px_open(RX_PATH, O_RDWR);
	rxm = px_map(RX_PATH, rx_fd, PX_ENTRIES);
	ok("rx reopened");
	rx_start(0, 4096);
	send_packet(0, 903, 4096);
	rx_finish(0, 903, 4096);
	ok("after close with receives in flight, the next owner gets only its own packet");
}

static int do_errno(void)
{
	save_timeout();
	tx_fd = px_open(TX_PATH, O_RDWR);
	rx_fd = px_open(RX_PATH, O_RDWR);
	txm = px_map(TX_PATH, tx_fd, PX_ENTRIES);
	rxm = px_map(RX_PATH, rx_fd, PX_ENTRIES);
	ok("opened %s and %s, mapped both tables (%zu bytes)", TX_PATH, RX_PATH, PX_TABLE);

	check_open_rules();
	check_unknown_ioctls();
	check_bad_ids();
	check_lengths();
	check_finish_without_start();
	check_start_twice();
	check_xfer_and_residue();
	check_restart_unfinished();
	check_two_finishers();
	check_signals();
	check_timeout();
	check_sticky_error();
	check_layout();
	check_mmap();
	check_close_in_flight();

	if (munmap(txm, PX_TABLE) || munmap(rxm, PX_TABLE))
		fail("munmap: %s", strerror(errno));
	close(tx_fd);
	close(rx_fd);
	/* No owner now: an observer has no table to map. */
	tx_fd = px_open(TX_PATH, O_RDONLY);
	expect_mmap_error("tx (O_RDONLY, no owner)", tx_fd, ENXIO);
	close(tx_fd);
	printf("t-proxy errno: all checks passed\n");
	return 0;
}

/* ------------------------------------------------------------------------
 * removal: the device goes while its files are open and a FINISH sleeps.
 */
static int do_removal(const char *cfsdir)
{
	long page = sysconf(_SC_PAGESIZE);
	struct finisher f;

	save_timeout();
	tx_fd = px_open(TX_PATH, O_RDWR);
	rx_fd = px_open(RX_PATH, O_RDWR);
	txm = px_map(TX_PATH, tx_fd, PX_ENTRIES);
	rxm = px_map(RX_PATH, rx_fd, PX_ENTRIES);
	set_timeout(30000);
	rx_start(0, 4096);
	rx_start(1, 4096);
	finisher_start(&f, rx_fd, 0);
	if (rmdir(cfsdir))
		fail("rmdir %s: %s", cfsdir, strerror(errno));
	ok("rmdir %s with both nodes open and FINISH(0) asleep", cfsdir);
	finisher_join(&f);
	if (f.err != ENODEV)
		fail("the sleeping FINISH(0): expected ENODEV, got %s (status %s, residue %u)",
		     errno_name(f.err), status_name(rd32(&rxm[0].status)), rd32(&rxm[0].residue));
	ok("the sleeping FINISH(0) -> ENODEV");
	expect_status("rx", &rxm[0], 0, PX_ERROR);
	expect_call("rx", rx_fd, PX_FINISH_XFER, 1, ENODEV);
	expect_status("rx", &rxm[1], 1, PX_ERROR);
	wr32(&rxm[2].length, 4096);
	expect_call("rx", rx_fd, PX_START_XFER, 2, ENODEV);
	expect_status("rx", &rxm[2], 2, PX_ERROR);
	fill(&txm[0], 1, 4096);
	wr32(&txm[0].length, 4096);
	expect_call("tx", tx_fd, PX_START_XFER, 0, ENODEV);
	expect_status("tx", &txm[0], 0, PX_ERROR);
	expect_call("tx", tx_fd, PX_XFER, 0, ENODEV);
	expect_status("tx", &txm[0], 0, PX_ERROR);
	/* The mappings stay valid: every page can be written and read back. */
	for (size_t off = 0; off < PX_TABLE; off += page) {
		uint32_t *r = (uint32_t *)((char *)rxm + off), *t = (uint32_t *)((char *)txm + off);

		*r = (uint32_t)off ^ 0x11111111u;
		*t = (uint32_t)off ^ 0x22222222u;
		if (*r != ((uint32_t)off ^ 0x11111111u) || *t != ((uint32_t)off ^ 0x22222222u))
			fail("page at %zu of a mapping of the removed device", off);
	}
	ok("both mappings still valid after the removal (every page written and read)");
	if (munmap(txm, sizeof(struct channel_buffer)) || munmap(rxm, sizeof(struct channel_buffer)))
		fail("munmap: %s", strerror(errno));
	close(tx_fd);
	close(rx_fd);
	printf("t-proxy removal: all checks passed\n");
	return 0;
}

/* ------------------------------------------------------------------------
 * write: one write(2) and its errno, for configfs and sysfs from a script.
 */
static int do_write(const char *path, const char *text, const char *want)
{
	char buf[256];
	int e;

	snprintf(buf, sizeof(buf), "%s\n", text);
	e = write_text(path, buf);
	if (strcmp(errno_name(e), want))
		fail("write '%s' to %s: expected %s, got %s (%s)", text, path, want, errno_name(e),
		     e ? strerror(e) : "success");
	ok("write '%s' to %s -> %s", text, path, want);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 2) {
		mode = argv[1];
		if (!strcmp(argv[1], "app"))
			return do_app(argc - 2, argv + 2);
		if (!strcmp(argv[1], "errno") && argc == 2)
			return do_errno();
		if (!strcmp(argv[1], "removal") && argc == 3)
			return do_removal(argv[2]);
		if (!strcmp(argv[1], "write") && argc == 5)
			return do_write(argv[2], argv[3], argv[4]);
	}
	fprintf(stderr, "usage: t-proxy app TRANSFERS KB [VERIFY] | errno | removal CFSDIR |\n"
			"       write FILE TEXT ok|ERRNO\n");
	return 2;
}
