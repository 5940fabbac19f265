// SPDX-License-Identifier: MIT
/*
 * The program's own memory as buffers (DMASTREAM_IOC_REGISTER_MEM), on t0's
 * channels:
 *
 *   errnos     the refusals a test can provoke: the request, the caller,
 *              the memory (unmapped, read-only for the engine to write,
 *              a regular file's pages, a ring's own mapping), overlaps,
 *              RLIMIT_MEMLOCK without CAP_IPC_LOCK
 *   kinds      anonymous memory, at a page and off one, and a memfd's
 *              shared mapping: the memcpy channel copies a ring buffer
 *              into it and back, and the CPU sees what the engine wrote
 *              with no call; read-only memory for the engine to read:
 *              copied out of into a ring buffer
 *   slave      TX sends from registered memory, RX receives into it, cut
 *              short: the rest keeps what the CPU wrote there
 *   names      a registration names pages: unmapped while registered, they
 *              still hold the bytes; after fork() the parent keeps them,
 *              whatever parent and child write
 *   killed     a process killed with registered memory and a transfer into
 *              it in flight gives every ring back
 *
 * With a channel's name (t-usermem CHANNEL: a lane's real provider), only
 * the alignment refusals (the errnos part's own: where the provider is not
 * DMA-coherent, memory the engine writes starts on a cache line) and the
 * kinds, on that channel.
 */
#include <signal.h>
#include <sys/auxv.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/magic.h>

#include "dstest.h"

#define NBUF		2
#define BUFSZ		(256U << 10)
#define SLOT(n)		(DMASTREAM_BUF_IMPORTED | (n))
#define SENTINEL_BYTE	0x5a

/* DMASTREAM_IOC_REGISTER_MEM: 0 or -errno; the request as written back in @out. */
static int register_mem(int fd, const void *addr, uint64_t len, uint32_t slot, uint32_t flags,
			struct dmastream_user_mem *out)
{
	struct dmastream_user_mem m = {
		.addr = (uintptr_t)addr, .len = len, .flags = flags, .buffer = slot,
	};

	if (ioctl(fd, DMASTREAM_IOC_REGISTER_MEM, &m))
		return -errno;
	if (out)
		*out = m;
	return 0;
}

static uint8_t *anon(size_t len, int prot)
{
	uint8_t *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	T_ASSERT(p != MAP_FAILED, "mmap %zu: %s", len, strerror(errno));
	return p;
}

/* The memcpy channel: dmasim's on t0, or a lane's real provider's (main()). */
static const char *chan = "memcpy";

/* The engine's own alignment of a segment's address and length, at least 1. */
static uint32_t engine_align(const struct tchan *c)
{
	uint32_t a = c->caps.addr_align > c->caps.len_align ? c->caps.addr_align :
			c->caps.len_align;

	return a ? a : 1;
}

/* An offset into a page that any engine's segment may start at, and write. */
static uint32_t off_page(const struct tchan *c)
{
	uint32_t a = engine_align(c);

	if (c->caps.cached_align > a)
		a = c->caps.cached_align;
	return a > 256 ? a : 256;
}

/*
 * Without CAP_IPC_LOCK, pinning counts against RLIMIT_MEMLOCK, in whole
 * pages: a limit of 4 pages, registrations of 2.
 */
static void memlock_limit(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct rlimit lim = { 4 * page, 4 * page };
	struct tchan c;
	uint8_t *p;
	pid_t pid;
	int st;

	pid = fork();
	T_ASSERT(pid >= 0, "fork");
	if (!pid) {
		t_setup(&c, chan, 1, 4096, 0);
		p = anon(16 * page, PROT_READ | PROT_WRITE);
		if (syscall(SYS_capget, &h, d))
			_exit(10);
		d[CAP_TO_INDEX(CAP_IPC_LOCK)].effective &= ~CAP_TO_MASK(CAP_IPC_LOCK);
		d[CAP_TO_INDEX(CAP_IPC_LOCK)].permitted &= ~CAP_TO_MASK(CAP_IPC_LOCK);
		if (syscall(SYS_capset, &h, d) || setrlimit(RLIMIT_MEMLOCK, &lim))
			_exit(11);
		if (register_mem(c.fd, p, 16 * page, SLOT(0), 0, NULL) != -ENOMEM)
			_exit(12);
		if (register_mem(c.fd, p, 2 * page, SLOT(0), 0, NULL))
			_exit(13);
		/* 2 pinned: another 4 is over the limit, 2 are not. */
		if (register_mem(c.fd, p + 8 * page, 4 * page, SLOT(1), 0, NULL) != -ENOMEM)
			_exit(14);
		if (register_mem(c.fd, p + 8 * page, 2 * page, SLOT(1), 0, NULL))
			_exit(15);
		/* Released, its pages no longer count. */
		if (t_release(c.fd, SLOT(0)) ||
		    register_mem(c.fd, p + 4 * page, 2 * page, SLOT(0), 0, NULL))
			_exit(16);
		_exit(0);
	}
	T_ASSERT(waitpid(pid, &st, 0) == pid, "waitpid");
	T_CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		"RLIMIT_MEMLOCK without CAP_IPC_LOCK: %s %d", WIFEXITED(st) ? "failed at step" :
		"killed by signal", WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
}

/* Pages of a regular file cannot be pinned; tmpfs's are shared memory. */
static void file_pages(struct tchan *c)
{
	struct statfs fs;
	void *p;
	int fd;

	fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	T_ASSERT(fd >= 0 && fstatfs(fd, &fs) == 0, "/proc/self/exe: %s", strerror(errno));
	p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	T_ASSERT(p != MAP_FAILED, "mmap of the program: %s", strerror(errno));
	if (fs.f_type == TMPFS_MAGIC) {
		printf("# the program is on tmpfs: no regular file to try\n");
	} else {
		T_CHECK(register_mem(c->fd, p, 4096, SLOT(0), DMASTREAM_IMPORT_ENGINE_READS,
				     NULL) == -EOPNOTSUPP, "a regular file's pages");
		T_CHECK(register_mem(c->fd, p, 4096, SLOT(0), 0, NULL) == -EOPNOTSUPP,
			"a regular file's pages, read-only, for the engine to write");
	}
	munmap(p, 4096);
	close(fd);
}

/* Addresses the engine, or the CPU's caches, do not allow: refused. */
static void alignment(const struct tchan *c, uint8_t *p)
{
	if (c->caps.addr_align > 1)
		T_CHECK(register_mem(c->fd, p + 1, 4096, SLOT(0), 0, NULL) == -EINVAL,
			"an address the engine cannot start at (addr_align %u)",
			c->caps.addr_align);
	/*
	 * Where DMA is not coherent, what the engine writes starts on a line:
	 * an address the engine itself could start at, inside a line. Reading
	 * from there is allowed.
	 */
	if (c->caps.cached_align > engine_align(c)) {
		T_CHECK(register_mem(c->fd, p + engine_align(c), 4096, SLOT(0), 0, NULL) ==
			-EINVAL, "memory for the engine to write off a cache line (%u)",
			c->caps.cached_align);
		T_CHECK(register_mem(c->fd, p + engine_align(c), 4096, SLOT(0),
				     DMASTREAM_IMPORT_ENGINE_READS, NULL) == 0,
			"memory for the engine to read off a cache line: %s", strerror(errno));
		T_CHECK(t_release(c->fd, SLOT(0)) == 0, "release");
	}
	printf("# addr_align %u, len_align %u, cached_align %u\n", c->caps.addr_align,
	       c->caps.len_align, c->caps.cached_align);
}

static void errnos(void)
{
	struct dmastream_user_mem m;
	struct tchan c, rx;
	uint8_t *p, *ro, *hole, *mixed;
	int other, rdonly;
	void *vdso;
	long page = sysconf(_SC_PAGESIZE);

	p = anon(BUFSZ, PROT_READ | PROT_WRITE);
	other = t_open(chan, O_RDWR);
	T_CHECK(register_mem(other, p, BUFSZ, SLOT(0), 0, NULL) == -ENXIO, "without a ring");
	t_setup(&c, chan, NBUF, BUFSZ, 0);
	T_CHECK(register_mem(other, p, BUFSZ, SLOT(0), 0, NULL) == -EBUSY, "by a non-owner");
	close(other);
	rdonly = t_open(chan, O_RDONLY);
	T_CHECK(register_mem(rdonly, p, BUFSZ, SLOT(0), 0, NULL) == -EBADF, "read-only file");
	close(rdonly);

	T_CHECK(register_mem(c.fd, p, BUFSZ, 0, 0, NULL) == -EINVAL, "no import bit");
	T_CHECK(register_mem(c.fd, p, BUFSZ, SLOT(c.caps.max_imports), 0, NULL) == -EINVAL,
		"slot beyond max_imports");
	T_CHECK(register_mem(c.fd, p, BUFSZ, SLOT(0), 0x2, NULL) == -EINVAL, "unknown flag");
	T_CHECK(register_mem(c.fd, p, 0, SLOT(0), 0, NULL) == -EINVAL, "length 0");
	T_CHECK(register_mem(c.fd, p, (3ULL << 30), SLOT(0), 0, NULL) == -E2BIG, "3 GiB");
	m = (struct dmastream_user_mem){ .addr = (uintptr_t)p, .len = 4096, .buffer = SLOT(0),
					 .runs = 1 };
	T_ERRNO(ioctl(c.fd, DMASTREAM_IOC_REGISTER_MEM, &m), EINVAL);
	m = (struct dmastream_user_mem){ .addr = (uintptr_t)p, .len = 4096, .buffer = SLOT(0),
					 .reserved = { [4] = 1 } };
	T_ERRNO(ioctl(c.fd, DMASTREAM_IOC_REGISTER_MEM, &m), EINVAL);
	T_ERRNO(ioctl(c.fd, DMASTREAM_IOC_REGISTER_MEM, (void *)8), EFAULT);
	T_CHECK(register_mem(c.fd, (void *)~0xfffUL, 8192, SLOT(0), 0, NULL) == -EFAULT,
		"beyond the address space");
	t_setup(&rx, "rx", 1, 4096, 0);
	T_CHECK(register_mem(rx.fd, p, 4096, SLOT(0), DMASTREAM_IMPORT_ENGINE_READS, NULL) ==
		-EINVAL, "ENGINE_READS on rx");
	t_teardown(&rx);

	/* The memory itself. */
	hole = anon(3 * page, PROT_READ | PROT_WRITE);
	munmap(hole + page, page);
	T_CHECK(register_mem(c.fd, hole, 3 * page, SLOT(0), 0, NULL) == -EFAULT,
		"a hole in the range");
	munmap(hole, 3 * page);
	ro = anon(BUFSZ, PROT_READ);
	T_CHECK(register_mem(c.fd, ro, BUFSZ, SLOT(0), 0, NULL) == -EFAULT,
		"read-only memory for the engine to write");
	T_CHECK(register_mem(c.fd, c.bufs[0], BUFSZ, SLOT(0), DMASTREAM_IMPORT_ENGINE_READS,
			     NULL) == -EOPNOTSUPP, "the ring's own mapping");
	/* Special pages without a file are not anonymous memory. */
	vdso = (void *)getauxval(AT_SYSINFO_EHDR);
	if (vdso)
		T_CHECK(register_mem(c.fd, vdso, 4096, SLOT(0), DMASTREAM_IMPORT_ENGINE_READS,
				     NULL) == -EOPNOTSUPP, "the vdso");
	file_pages(&c);
	alignment(&c, p);
	/* Writable and read-only mappings in one range: refused. */
	mixed = anon(2 * page, PROT_READ | PROT_WRITE);
	T_ASSERT(mprotect(mixed + page, page, PROT_READ) == 0, "mprotect");
	T_CHECK(register_mem(c.fd, mixed, 2 * page, SLOT(0), DMASTREAM_IMPORT_ENGINE_READS,
			     NULL) == -EINVAL, "writable and read-only mappings together");
	munmap(mixed, 2 * page);

	/* Slots and overlaps. */
	T_CHECK(register_mem(c.fd, p, BUFSZ / 2, SLOT(0), 0, &m) == 0, "register: %s",
		strerror(errno));
	T_CHECK(m.runs >= 1 && m.runs <= BUFSZ / 2 / page, "runs %u", m.runs);
	T_CHECK(register_mem(c.fd, p + BUFSZ / 2, 4096, SLOT(0), 0, NULL) == -EEXIST,
		"slot taken");
	T_CHECK(register_mem(c.fd, p + BUFSZ / 2 - 4096, 8192, SLOT(1), 0, NULL) == -EEXIST,
		"overlapping memory registered already");
	T_CHECK(register_mem(c.fd, p + BUFSZ / 2, BUFSZ / 2, SLOT(1), 0, NULL) == 0,
		"the rest, next to it");
	T_CHECK(register_mem(c.fd, ro, BUFSZ, SLOT(2), DMASTREAM_IMPORT_ENGINE_READS, NULL) == 0,
		"read-only memory for the engine to read");
	T_CHECK(t_copy_at(&c, 0, 0, SLOT(2), 0, 4096, NULL) == -EACCES,
		"the engine writing memory it may only read");
	T_CHECK(t_copy_at(&c, SLOT(0), BUFSZ / 2 - 4096, 0, 0, 8192, NULL) == -EINVAL,
		"beyond the registered length");
	/* Resizing the ring while it holds registrations. */
	{
		struct dmastream_ring r = { .count = 1, .size = 4096, .flags = t_ring_flags() };

		t_unmap(&c);
		T_ERRNO(ioctl(c.fd, DMASTREAM_IOC_SET_RING, &r), EBUSY);
	}
	T_CHECK(t_release(c.fd, SLOT(0)) == 0 && t_release(c.fd, SLOT(1)) == 0 &&
		t_release(c.fd, SLOT(2)) == 0, "releases");
	T_ERRNO(t_release(c.fd, SLOT(0)), EINVAL);
	close(c.fd);
	munmap(ro, BUFSZ);
	munmap(p, BUFSZ);
	memlock_limit();
}

/*
 * A ring buffer copied into registered memory and the memory into another
 * ring buffer; the CPU reads and writes the memory with no call.
 */
static void roundtrip(const char *what, uint8_t *p, uint32_t len)
{
	struct dmastream_user_mem m;
	uint64_t seed = t_rand();
	struct tchan c;
	size_t bad;

	t_setup(&c, chan, NBUF, BUFSZ, 0);
	T_ASSERT(len <= BUFSZ, "%s: too long", what);
	memset(p, SENTINEL_BYTE, len);
	T_ASSERT(register_mem(c.fd, p, len, SLOT(0), 0, &m) == 0, "%s: register: %s", what,
		 strerror(errno));
	printf("# %s, %u bytes: %u runs\n", what, len, m.runs);
	t_fill(c.bufs[0], len, seed);
	T_CHECK(t_copy_at(&c, 0, 0, SLOT(0), 0, len, NULL) == 0, "%s: copy in", what);
	T_CHECK(t_check_fill(p, len, seed, &bad), "%s: wrong at %zu", what, bad);
	t_fill(p, len, seed + 1);
	T_CHECK(t_copy_at(&c, SLOT(0), 0, 1, 0, len, NULL) == 0, "%s: copy out", what);
	T_CHECK(t_check_fill(c.bufs[1], len, seed + 1, &bad), "%s: back wrong at %zu", what, bad);
	/* A part in the middle, across pages. */
	t_fill(c.bufs[0], 8192, seed + 2);
	T_CHECK(t_copy_at(&c, 0, 0, SLOT(0), 4096, 8192, NULL) == 0, "%s: part", what);
	T_CHECK(t_check_fill(p + 4096, 8192, seed + 2, &bad), "%s: part wrong at %zu", what, bad);
	T_CHECK(t_check_fill(p, 4096, seed + 1, &bad), "%s: before the part changed", what);
	T_CHECK(t_release(c.fd, SLOT(0)) == 0, "%s: release", what);
	t_teardown(&c);
}

static void kinds(void)
{
	struct tchan c;
	uint8_t *p, *ro;
	uint32_t off;
	int fd;

	t_setup(&c, chan, 1, 4096, 0);
	off = off_page(&c);
	t_teardown(&c);

	p = anon(BUFSZ + 4096, PROT_READ | PROT_WRITE);
	roundtrip("anonymous", p, BUFSZ);
	roundtrip("anonymous, off a page", p + off, BUFSZ - 4096);
	munmap(p, BUFSZ + 4096);

	fd = memfd_create("t-usermem", MFD_CLOEXEC);
	T_ASSERT(fd >= 0 && ftruncate(fd, BUFSZ) == 0, "memfd: %s", strerror(errno));
	p = mmap(NULL, BUFSZ, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	T_ASSERT(p != MAP_FAILED, "memfd mmap: %s", strerror(errno));
	roundtrip("memfd", p, BUFSZ);
	munmap(p, BUFSZ);
	close(fd);

	/* Read-only: the engine reads what the CPU wrote before protecting it. */
	t_setup(&c, chan, 1, BUFSZ, 0);
	ro = anon(BUFSZ, PROT_READ | PROT_WRITE);
	t_fill(ro, BUFSZ, 77);
	T_ASSERT(mprotect(ro, BUFSZ, PROT_READ) == 0, "mprotect");
	T_ASSERT(register_mem(c.fd, ro, BUFSZ, SLOT(0), DMASTREAM_IMPORT_ENGINE_READS, NULL) == 0,
		 "read-only: %s", strerror(errno));
	T_CHECK(t_copy_at(&c, SLOT(0), 0, 0, 0, BUFSZ, NULL) == 0, "copy from read-only memory");
	T_CHECK(t_check_fill(c.bufs[0], BUFSZ, 77, NULL), "read-only memory's bytes");
	t_teardown(&c);
	munmap(ro, BUFSZ);
}

/* TX from registered memory; RX into registered memory, cut short. */
static void slave(void)
{
	const uint32_t size = 64U << 10, sent = size / 2;
	struct dmastream_cqe cqe;
	struct tchan tx, rx;
	uint64_t seed = t_rand();
	uint8_t *src, *dst;
	size_t bad;

	t_setup(&tx, "tx", 1, 4096, 0);
	t_setup(&rx, "rx", 1, 4096, 0);
	src = anon(size, PROT_READ | PROT_WRITE);
	dst = anon(size, PROT_READ | PROT_WRITE);
	T_ASSERT(register_mem(tx.fd, src, size, SLOT(0), 0, NULL) == 0, "tx registers: %s",
		 strerror(errno));
	T_ASSERT(register_mem(rx.fd, dst, size, SLOT(0), 0, NULL) == 0, "rx registers: %s",
		 strerror(errno));
	memset(dst, SENTINEL_BYTE, size);
	t_fill(src, sent, seed);
	T_ASSERT(t_submit1(&rx, SLOT(0), 0, size, 1) == 1, "rx into registered memory: %s",
		 strerror(errno));
	T_ASSERT(t_submit1(&tx, SLOT(0), 0, sent, 2) == 1, "tx from registered memory: %s",
		 strerror(errno));
	T_CHECK(t_collect(&tx, &cqe, 1, 10000) == 0 && cqe.status == 0, "tx record");
	T_ASSERT(t_collect(&rx, &cqe, 1, 10000) == 0, "no rx record");
	T_CHECK(cqe.status == 0 && (!t_exact_rx_length() || cqe.bytes == sent),
		"rx record: status %u, %u bytes", cqe.status, cqe.bytes);
	T_CHECK(t_check_fill(dst, sent, seed, &bad), "received bytes wrong at %zu", bad);
	for (bad = sent; bad < size && dst[bad] == SENTINEL_BYTE; bad++)
		;
	T_CHECK(bad == size, "byte %zu beyond the packet lost the CPU's value", bad);
	/* What the program writes after the record survives the release. */
	memset(dst, 'Z', size);
	T_CHECK(t_release(rx.fd, SLOT(0)) == 0, "release");
	for (bad = 0; bad < size && dst[bad] == 'Z'; bad++)
		;
	T_CHECK(bad == size, "byte %zu written after the record lost at release", bad);
	t_teardown(&tx);
	t_teardown(&rx);
	munmap(src, size);
	munmap(dst, size);
}

/* A registration names pages, not addresses. */
static void names(void)
{
	uint64_t seed = t_rand();
	int go[2], done[2];
	struct tchan c;
	uint8_t *p;
	pid_t pid;
	size_t bad;
	char x;

	t_setup(&c, chan, 1, BUFSZ, 0);

	/* Unmapped while registered: the pages and their bytes stay. */
	p = anon(BUFSZ, PROT_READ | PROT_WRITE);
	t_fill(p, BUFSZ, seed);
	T_ASSERT(register_mem(c.fd, p, BUFSZ, SLOT(0), 0, NULL) == 0, "register");
	munmap(p, BUFSZ);
	T_CHECK(t_copy_at(&c, SLOT(0), 0, 0, 0, BUFSZ, NULL) == 0, "copy from unmapped memory");
	T_CHECK(t_check_fill(c.bufs[0], BUFSZ, seed, &bad), "unmapped memory wrong at %zu", bad);
	T_CHECK(t_release(c.fd, SLOT(0)) == 0, "release");

	/*
	 * fork(): the parent writes first, then the child; the engine's
	 * bytes must still reach what the parent sees.
	 */
	p = anon(BUFSZ, PROT_READ | PROT_WRITE);
	memset(p, 'p', BUFSZ);
	T_ASSERT(register_mem(c.fd, p, BUFSZ, SLOT(0), 0, NULL) == 0, "register");
	T_ASSERT(pipe(go) == 0 && pipe(done) == 0, "pipe");
	pid = fork();
	T_ASSERT(pid >= 0, "fork");
	if (!pid) {
		if (read(go[0], &x, 1) != 1)
			_exit(1);
		memset(p, 'c', BUFSZ);
		_exit(write(done[1], "d", 1) == 1 ? 0 : 1);
	}
	memset(p, 'q', BUFSZ);
	T_ASSERT(write(go[1], "g", 1) == 1 && read(done[0], &x, 1) == 1, "the child");
	waitpid(pid, NULL, 0);
	t_fill(c.bufs[0], BUFSZ, seed + 1);
	T_CHECK(t_copy_at(&c, 0, 0, SLOT(0), 0, BUFSZ, NULL) == 0, "copy after fork");
	T_CHECK(t_check_fill(p, BUFSZ, seed + 1, &bad),
		"after fork, the engine's bytes missed the parent at %zu", bad);
	t_fill(p, BUFSZ, seed + 2);
	T_CHECK(t_copy_at(&c, SLOT(0), 0, 0, 0, BUFSZ, NULL) == 0, "copy back after fork");
	T_CHECK(t_check_fill(c.bufs[0], BUFSZ, seed + 2, &bad),
		"after fork, the engine missed the parent's bytes at %zu", bad);
	close(go[0]);
	close(go[1]);
	close(done[0]);
	close(done[1]);
	t_teardown(&c);
	munmap(p, BUFSZ);
}

/* A child with registered memory and a copy into it in flight, killed. */
static void killed(void)
{
	int ready[2];
	pid_t pid;
	bool ok;
	char x;

	T_ASSERT(pipe(ready) == 0, "pipe");
	pid = fork();
	T_ASSERT(pid >= 0, "fork");
	if (!pid) {
		struct dmastream_seg s[2] = {
			{ .buf = 0, .len = BUFSZ },
			{ .buf = SLOT(0), .len = BUFSZ },
		};
		struct dmastream_xfer xf = { .nsegs = 1, .dst_seg_first = 1, .dst_nsegs = 1 };
		struct tchan c;
		uint8_t *p = anon(BUFSZ, PROT_READ | PROT_WRITE);

		t_setup(&c, chan, 1, BUFSZ, 0);
		if (register_mem(c.fd, p, BUFSZ, SLOT(0), 0, NULL) ||
		    t_sim_set("memcpy", "stall", "1") || t_submit(&c, &xf, 1, s, 2, NULL) != 1 ||
		    write(ready[1], "r", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(ready[1]);
	ok = read(ready[0], &x, 1) == 1;
	close(ready[0]);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	/* Whatever became of the child, the engine runs again. */
	t_sim_set("memcpy", "stall", "0");
	T_ASSERT(ok, "the child did not get ready");
	T_CHECK(t_ring_fits_alone("rx", 1, BUFSZ) == 0, "killed with registered memory: rings back");
}

int main(int argc, char **argv)
{
	struct tchan c;
	uint8_t *p;

	/* On a lane's real provider: its memcpy channel. */
	if (argc == 2) {
		chan = argv[1];
		t_start("usermem: alignment");
		t_setup(&c, chan, 1, 4096, 0);
		p = anon(BUFSZ, PROT_READ | PROT_WRITE);
		alignment(&c, p);
		munmap(p, BUFSZ);
		t_teardown(&c);
		t_start("usermem: kinds");
		kinds();
		return t_report();
	}
	t_start("usermem: errnos");
	errnos();
	t_start("usermem: kinds");
	kinds();
	t_start("usermem: tx and rx");
	slave();
	t_start("usermem: pages, not addresses");
	names();
	t_start("usermem: killed");
	killed();
	return t_report();
}
