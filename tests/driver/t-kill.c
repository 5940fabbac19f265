// SPDX-License-Identifier: MIT
/*
 * A process killed with transfers in flight: SIGKILL arrives while RX
 * transfers wait and a large memcpy runs. Afterwards the channel must be
 * free for the next owner at once, the transfers must be accounted as
 * aborted, and (checked by the harness) nothing leaks and no DMA reaches
 * freed memory. Repeated, because such bugs are races.
 */
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dstest.h"

static void child(int ready_fd, int round)
{
	struct tchan rx, mc;
	struct dmastream_seg s[2] = { { .buf = 0, .len = 2U << 20 }, { .buf = 1, .len = 2U << 20 } };
	struct dmastream_xfer x = { .nsegs = 1, .dst_seg_first = 1, .dst_nsegs = 1 };

	t_setup(&rx, "rx", 4, 4096, 0);
	for (int i = 0; i < 4; i++)
		if (t_submit1(&rx, i, 0, 4096, i) != 1)
			_exit(2);
	t_setup(&mc, "memcpy", 2, 2U << 20, 0);
	if (t_submit(&mc, &x, 1, s, 2, NULL) != 1)
		_exit(3);
	/* Some rounds die with the fds closed but the mappings alive. */
	if (round % 3 == 1) {
		close(rx.fd);
		close(mc.fd);
	}
	if (write(ready_fd, "r", 1) != 1)
		_exit(4);
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 20;
	struct dmastream_stats before, after;
	int obs;

	t_start("kill");
	obs = t_open("rx", O_RDONLY);
	t_stats(obs, &before);
	for (int r = 0; r < rounds && !t_failures; r++) {
		int p[2], status;
		pid_t pid;
		char c;

		T_ASSERT(pipe(p) == 0, "pipe");
		pid = fork();
		T_ASSERT(pid >= 0, "fork");
		if (!pid) {
			close(p[0]);
			child(p[1], r);
		}
		close(p[1]);
		T_ASSERT(read(p[0], &c, 1) == 1, "child %d did not get ready", r);
		close(p[0]);
		if (r % 2)
			usleep(t_rand() % 2000);
		kill(pid, SIGKILL);
		T_ASSERT(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status), "child %d", r);

		/* The next owner gets the channels at once, and they work. */
		{
			struct tchan mc;
			struct dmastream_cqe cqe;
			struct dmastream_seg s[2] = { { .buf = 0, .len = 4096 },
						      { .buf = 1, .len = 4096 } };
			struct dmastream_xfer x = { .cookie = 9, .nsegs = 1, .dst_seg_first = 1,
						    .dst_nsegs = 1 };

			t_setup(&mc, "memcpy", 2, 4096, 0);
			t_fill(mc.bufs[0], 4096, r);
			T_CHECK(t_submit(&mc, &x, 1, s, 2, NULL) == 1, "memcpy after kill %d", r);
			T_CHECK(t_collect(&mc, &cqe, 1, 20000) == 0 &&
				cqe.status == DMASTREAM_STATUS_OK &&
				t_check_fill(mc.bufs[1], 4096, r, NULL), "copy after kill %d", r);
			t_teardown(&mc);
		}
	}
	t_stats(obs, &after);
	T_CHECK(after.aborted - before.aborted == 4ULL * rounds && after.inflight == 0,
		"rx aborted %llu for %d rounds, inflight %llu",
		(unsigned long long)(after.aborted - before.aborted), rounds,
		(unsigned long long)after.inflight);
	close(obs);
	return t_report();
}
