// SPDX-License-Identifier: MIT
/*
 * kill -9 at random moments, many times: a child streams on t0's channels
 * in one of eight ways (loopback tx+rx, memcpy, rx blocked in WAIT, two
 * threads on one file, a forked grandchild sharing the files; memcpy with
 * every buffer exported and one export mapped, memcpy within registered
 * memory, TX sending from an import of an RX buffer's export while RX
 * receives into the others) and its process group is killed 0-20 ms after
 * it starts, so the kill lands in setup (also between an export and its
 * import), in SUBMIT, in WAIT, between calls or while the engine copies.
 * Every 25 rounds, and at the end, the channels must be free and work: a
 * verified memcpy and a verified loopback packet. At the end nothing may
 * be in flight. Leaks are the unload's to find (vm-kill-loop.sh).
 *
 *   kill-loop ROUNDS [SEED]
 */
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dstest.h"

enum mode { LOOPBACK, MEMCPY, RX_WAIT, THREADS, FORKED, EXPORTED, USERMEM, FORWARD, NMODES };

static const char *const mode_names[NMODES] = {
	"loopback", "memcpy", "rx-wait", "threads", "forked", "exported", "usermem", "forward"
};

/* Keep a memcpy channel busy: depth 4, random lengths up to a buffer. */
static void memcpy_forever(struct tchan *c)
{
	struct dmastream_cqe cqe[8];
	uint32_t inflight = 0;

	for (uint64_t n = 0;; n++) {
		uint32_t len = 1 + t_rand() % c->size;
		struct dmastream_seg s[2] = {
			{ .buf = (uint32_t)(n % 2) * 2, .len = len },
			{ .buf = (uint32_t)(n % 2) * 2 + 1, .len = len },
		};
		struct dmastream_xfer x = { .cookie = n, .nsegs = 1, .dst_seg_first = 1,
					    .dst_nsegs = 1 };

		if (inflight < 2 && t_submit(c, &x, 1, s, 2, NULL) == 1)
			inflight++;
		inflight -= t_reap(c, cqe, 8);
	}
}

static void *memcpy_thread(void *arg)
{
	memcpy_forever(arg);
	return NULL;
}

static void loopback_forever(void)
{
	struct tchan tx, rx;
	struct dmastream_cqe cqe[8];

	t_setup(&rx, "rx", 4, 65536, 0);
	t_setup(&tx, "tx", 4, 65536, 0);
	for (uint64_t n = 0;; n++) {
		uint32_t b = (uint32_t)(n % 4), len = 1 + t_rand() % 65536;

		t_submit1(&rx, b, 0, 65536, n);
		t_submit1(&tx, b, 0, len, n);
		t_reap(&tx, cqe, 8);
		t_reap(&rx, cqe, 8);
	}
}

/* Memcpy on a ring whose buffers are all exported, one export mapped. */
static void exported_forever(void)
{
	struct tchan c;
	int fd = -1;

	t_setup(&c, "memcpy", 4, 65536, 0);
	for (uint32_t b = 0; b < 4; b++)
		fd = t_export(c.fd, b, DMASTREAM_EXPORT_WRITE);
	if (fd >= 0)
		mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	memcpy_forever(&c);
}

/* Copies within 256 KiB of the program's memory, registered: depth 2. */
static void usermem_forever(void)
{
	uint8_t *mem = mmap(NULL, 262144, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			    -1, 0);
	struct dmastream_user_mem m = { .addr = (uintptr_t)mem, .len = 262144,
					.buffer = DMASTREAM_BUF_IMPORTED };
	struct dmastream_cqe cqe[8];
	uint32_t inflight = 0;
	struct tchan c;

	t_setup(&c, "memcpy", 1, 4096, 0);
	if (mem == MAP_FAILED || ioctl(c.fd, DMASTREAM_IOC_REGISTER_MEM, &m))
		_exit(1);
	for (uint64_t n = 0;; n++) {
		uint32_t half = (uint32_t)(n % 2) * 65536, len = 1 + t_rand() % 65536;
		struct dmastream_seg s[2] = {
			{ .buf = m.buffer, .offset = half, .len = len },
			{ .buf = m.buffer, .offset = 131072 + half, .len = len },
		};
		struct dmastream_xfer x = { .cookie = n, .nsegs = 1, .dst_seg_first = 1,
					    .dst_nsegs = 1 };

		if (inflight < 2 && t_submit(&c, &x, 1, s, 2, NULL) == 1)
			inflight++;
		inflight -= t_reap(&c, cqe, 8);
	}
}

/*
 * RX buffer 3 exported and imported by TX, which sends from it while RX
 * receives into buffers 0-2: a ring held by another channel's import.
 */
static void forward_forever(void)
{
	struct dmastream_import imp = { .buffer = DMASTREAM_BUF_IMPORTED };
	struct dmastream_cqe cqe[8];
	struct tchan tx, rx;

	t_setup(&rx, "rx", 4, 65536, 0);
	t_setup(&tx, "tx", 1, 4096, 0);
	imp.fd = t_export(rx.fd, 3, 0);
	if (imp.fd < 0 || ioctl(tx.fd, DMASTREAM_IOC_IMPORT_BUF, &imp))
		_exit(1);
	for (uint64_t n = 0;; n++) {
		uint32_t len = 1 + t_rand() % 65536;
		struct dmastream_seg seg = { .buf = imp.buffer, .len = len };
		struct dmastream_xfer x = { .cookie = n, .nsegs = 1 };

		t_submit1(&rx, (uint32_t)(n % 3), 0, 65536, n);
		t_submit(&tx, &x, 1, &seg, 1, NULL);
		t_reap(&tx, cqe, 8);
		t_reap(&rx, cqe, 8);
	}
}

static void child(enum mode mode)
{
	struct tchan c;

	switch (mode) {
	case LOOPBACK:
		loopback_forever();
		break;
	case MEMCPY:
		t_setup(&c, "memcpy", 4, 1 + t_rand() % (1U << 20), 0);
		memcpy_forever(&c);
		break;
	case RX_WAIT: {
		struct dmastream_wait w = { .min_complete = 1 };

		t_setup(&c, "rx", 2, 4096, 0);
		t_submit1(&c, 0, 0, 4096, 1);
		for (;;)
			ioctl(c.fd, DMASTREAM_IOC_WAIT, &w);
	}
	case THREADS: {
		pthread_t th;

		/* Two threads submit on one file; only the second reaps. */
		t_setup(&c, "memcpy", 4, 65536, 0);
		pthread_create(&th, NULL, memcpy_thread, &c);
		memcpy_forever(&c);
		break;
	}
	case FORKED:
		t_setup(&c, "memcpy", 4, 65536, 0);
		if (fork() == 0)
			memcpy_forever(&c);	/* shares the file and the mappings */
		memcpy_forever(&c);
		break;
	case EXPORTED:
		exported_forever();
		break;
	case USERMEM:
		usermem_forever();
		break;
	case FORWARD:
		forward_forever();
		break;
	default:
		break;
	}
	_exit(0);
}

/* The channels are free and work: one verified copy, one verified packet. */
static void channels_work(int round)
{
	struct dmastream_cqe cqe;
	struct tchan mc, tx, rx;

	t_setup(&mc, "memcpy", 2, 65536, 0);
	t_fill(mc.bufs[0], 65536, (uint64_t)round);
	{
		struct dmastream_seg s[2] = { { .buf = 0, .len = 65536 },
					      { .buf = 1, .len = 65536 } };
		struct dmastream_xfer x = { .nsegs = 1, .dst_seg_first = 1, .dst_nsegs = 1 };

		T_CHECK(t_submit(&mc, &x, 1, s, 2, NULL) == 1, "round %d: memcpy", round);
		T_CHECK(t_collect(&mc, &cqe, 1, 20000) == 0 && cqe.status == 0,
			"round %d: memcpy completes", round);
		T_CHECK(t_check_fill(mc.bufs[1], 65536, (uint64_t)round, NULL),
			"round %d: memcpy intact", round);
	}
	t_teardown(&mc);

	t_setup(&rx, "rx", 1, 4096, 0);
	t_setup(&tx, "tx", 1, 4096, 0);
	T_CHECK(t_submit1(&rx, 0, 0, 4096, 1) == 1, "round %d: rx", round);
	t_fill(tx.bufs[0], 4096, (uint64_t)round + 1);
	T_CHECK(t_submit1(&tx, 0, 0, 4096, 1) == 1, "round %d: tx", round);
	T_CHECK(t_collect(&rx, &cqe, 1, 20000) == 0 && cqe.status == 0,
		"round %d: packet received", round);
	T_CHECK(t_check_fill(rx.bufs[0], 4096, (uint64_t)round + 1, NULL),
		"round %d: packet intact", round);
	t_teardown(&tx);
	t_teardown(&rx);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 100;
	unsigned int per_mode[NMODES] = {};
	struct dmastream_stats st;
	int obs;

	t_start("kill-loop");
	/* Orphaned grandchildren come to us, so that we can wait for them. */
	T_ASSERT(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0, "subreaper");
	for (int r = 0; r < rounds && !t_failures; r++) {
		enum mode mode = (enum mode)(t_rand() % NMODES);
		int status;
		pid_t pid;

		pid = fork();
		T_ASSERT(pid >= 0, "fork");
		if (!pid) {
			setpgid(0, 0);
			child(mode);
		}
		setpgid(pid, pid);
		usleep(t_rand() % 20000);
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		/* The child and any grandchild: their files are released by then. */
		while (waitpid(-1, &status, 0) > 0)
			;
		per_mode[mode]++;
		if (r % 25 == 24)
			channels_work(r);
	}
	channels_work(rounds);
	obs = t_open("memcpy", O_RDONLY);
	T_CHECK(t_stats(obs, &st) == 0 && st.inflight == 0, "nothing in flight at the end");
	close(obs);
	printf("kill-loop: %d rounds:", rounds);
	for (int m = 0; m < NMODES; m++)
		printf(" %s %u", mode_names[m], per_mode[m]);
	printf("\n");
	return t_report();
}
