// SPDX-License-Identifier: MIT
/*
 * Many threads on one file and many files on one channel. Threads share
 * the owner's file: each submits memcpy transfers over its own slice of the
 * ring and checks its own data; reaping is serialized by the test (the CQ
 * consumer is user space's business), WAIT runs concurrently with SUBMIT.
 * Meanwhile other processes open the same channel: they can read stats
 * and info but cannot take the ring.
 */
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dstest.h"

#define THREADS		8
#define PER_THREAD	200
#define SLICE		4096

static struct tchan c;
static pthread_mutex_t reap_lock = PTHREAD_MUTEX_INITIALIZER;
static uint32_t done_count[THREADS];
static uint32_t done_ok[THREADS];

/* Reap whatever is there and credit each record to its thread. */
static void reap_some(void)
{
	struct dmastream_cqe cqe[64];
	uint32_t n;

	pthread_mutex_lock(&reap_lock);
	n = t_reap(&c, cqe, 64);
	for (uint32_t i = 0; i < n; i++) {
		int th = (int)(cqe[i].cookie >> 32);

		if (th >= 0 && th < THREADS) {
			done_count[th]++;
			if (cqe[i].status == DMASTREAM_STATUS_OK && cqe[i].bytes == SLICE)
				done_ok[th]++;
		}
	}
	pthread_mutex_unlock(&reap_lock);
}

static uint32_t count_of(int th)
{
	uint32_t n;

	pthread_mutex_lock(&reap_lock);
	n = done_count[th];
	pthread_mutex_unlock(&reap_lock);
	return n;
}

static void *worker(void *arg)
{
	int th = (int)(intptr_t)arg;
	/* Thread th copies buffer 0 slice th to buffer 1 slice th. */
	struct dmastream_seg s[2] = {
		{ .buf = 0, .offset = th * SLICE, .len = SLICE },
		{ .buf = 1, .offset = th * SLICE, .len = SLICE },
	};

	for (uint32_t i = 0; i < PER_THREAD; i++) {
		struct dmastream_xfer x = { .cookie = (uint64_t)th << 32 | i, .nsegs = 1,
					    .dst_seg_first = 1, .dst_nsegs = 1 };
		uint64_t deadline = t_now_ns() + 20000000000ULL;
		int rc;

		t_fill(c.bufs[0] + th * SLICE, SLICE, (uint64_t)th << 32 | i);
		while ((rc = t_submit(&c, &x, 1, s, 2, NULL)) == -EAGAIN)
			reap_some();
		T_CHECK(rc == 1, "thread %d submit %u: %d", th, i, rc);
		/* Wait for our own completion before touching the slice again. */
		while (count_of(th) < i + 1 && t_now_ns() < deadline) {
			t_wait(&c, 1, 10000000, NULL);
			reap_some();
		}
		T_CHECK(count_of(th) == i + 1, "thread %d: transfer %u never completed", th, i);
		T_CHECK(t_check_fill(c.bufs[1] + th * SLICE, SLICE, (uint64_t)th << 32 | i, NULL),
			"thread %d transfer %u: data", th, i);
	}
	return NULL;
}

static void other_processes(pid_t *pids, int n)
{
	for (int p = 0; p < n; p++) {
		pids[p] = fork();
		if (!pids[p]) {
			int fd = t_open("memcpy", O_RDWR);
			struct dmastream_ring r = { .count = 1, .size = 4096 };
			struct dmastream_stats st;
			struct dmastream_info info;
			int bad = 0;

			for (int i = 0; i < 200; i++) {
				if (ioctl(fd, DMASTREAM_IOC_GET_STATS, &st) ||
				    ioctl(fd, DMASTREAM_IOC_GET_INFO, &info) ||
				    !(info.flags & DMASTREAM_INFO_OWNED) ||
				    (info.flags & DMASTREAM_INFO_OWNER))
					bad++;
				if (ioctl(fd, DMASTREAM_IOC_SET_RING, &r) != -1 || errno != EBUSY)
					bad++;
				r = (struct dmastream_ring){ .count = 1, .size = 4096 };
				usleep(1000);
			}
			_exit(bad ? 1 : 0);
		}
	}
}

int main(void)
{
	pthread_t th[THREADS];
	pid_t pids[4];
	struct dmastream_stats st;

	t_start("concurrency");
	t_setup(&c, "memcpy", 2, THREADS * SLICE, 16);
	ioctl(c.fd, DMASTREAM_IOC_RESET_STATS);
	other_processes(pids, 4);
	for (int i = 0; i < THREADS; i++)
		pthread_create(&th[i], NULL, worker, (void *)(intptr_t)i);
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	for (int p = 0; p < 4; p++) {
		int status;

		waitpid(pids[p], &status, 0);
		T_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			"observer process %d saw wrong answers", p);
	}
	for (int i = 0; i < THREADS; i++)
		T_CHECK(done_count[i] == PER_THREAD && done_ok[i] == PER_THREAD,
			"thread %d: %u completions, %u ok", i, done_count[i], done_ok[i]);
	t_stats(c.fd, &st);
	T_CHECK(st.submitted == THREADS * PER_THREAD && st.completed == st.submitted &&
		st.inflight_max <= 16, "stats: submitted %llu completed %llu max in flight %llu",
		(unsigned long long)st.submitted, (unsigned long long)st.completed,
		(unsigned long long)st.inflight_max);
	t_teardown(&c);
	return t_report();
}
