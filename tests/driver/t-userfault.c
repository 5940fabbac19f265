// SPDX-License-Identifier: MIT
/*
 * A submitter stuck on a user fault holds up nothing else. The owner's
 * SUBMIT passes a transfer array that lives in a userfaultfd-registered
 * page, so the kernel's copy of it waits until this program resolves the
 * fault. Meanwhile an earlier transfer's timeout must still fire, WAIT must
 * still return it, and sysfs must still answer: none of them may wait for
 * the stuck submitter. Only then is the fault resolved, and the stuck
 * SUBMIT must go on to queue its transfer as if nothing had happened.
 */
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "dstest.h"

static struct tchan rx;
static void *fault_page;
static long page_size;

static int stuck_rc;
static int checks_done;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;

static void *stuck_submitter(void *arg)
{
	struct dmastream_seg s = { .buf = 1, .len = 4096 };

	(void)arg;
	/* The page is missing: the kernel's copy of the array faults. */
	stuck_rc = t_submit(&rx, fault_page, 1, &s, 1, NULL);
	return NULL;
}

/* What must work while the submitter is stuck. */
static void *checker(void *arg)
{
	struct dmastream_cqe cqe;
	char ring[64];
	int rc;

	(void)arg;
	rc = t_wait(&rx, 1, 10000000000ULL, NULL);
	T_CHECK(rc == 0, "WAIT while a submitter was stuck: %d", rc);
	if (!rc) {
		uint32_t n = t_reap(&rx, &cqe, 1);

		T_CHECK(n == 1 && cqe.cookie == 1 && cqe.status == DMASTREAM_STATUS_TIMEOUT,
			"earlier transfer: %u record(s), cookie %llu status %u", n,
			(unsigned long long)cqe.cookie, cqe.status);
	}
	rc = t_read_file("/sys/class/dmastream/" T_DEV ".rx/ring", ring, sizeof(ring));
	T_CHECK(rc == 0 && !strncmp(ring, "2 4096 ", 7), "sysfs ring: %d '%s'", rc, ring);

	pthread_mutex_lock(&lock);
	checks_done = 1;
	pthread_cond_signal(&cond);
	pthread_mutex_unlock(&lock);
	return NULL;
}

static int userfaultfd_open(void)
{
	struct uffdio_api api = { .api = UFFD_API };
	int fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);

	if (fd < 0 || ioctl(fd, UFFDIO_API, &api))
		return -1;
	return fd;
}

/* Wait for the submitter's fault to reach us: then it is surely stuck. */
static bool fault_seen(int uffd)
{
	struct pollfd p = { .fd = uffd, .events = POLLIN };
	struct uffd_msg msg;

	if (poll(&p, 1, 10000) != 1 || read(uffd, &msg, sizeof(msg)) != sizeof(msg))
		return false;
	return msg.event == UFFD_EVENT_PAGEFAULT &&
	       (msg.arg.pagefault.address & ~(uint64_t)(page_size - 1)) ==
	       (uint64_t)(uintptr_t)fault_page;
}

int main(void)
{
	struct dmastream_xfer first = { .cookie = 1, .nsegs = 1, .flags = DMASTREAM_XFER_TIMEOUT,
					.timeout_ms = 200 };
	struct dmastream_xfer *later;
	struct dmastream_seg s0 = { .buf = 0, .len = 4096 };
	struct uffdio_register reg;
	struct uffdio_copy copy;
	pthread_t sub_th, chk_th;
	struct dmastream_cqe cqe;
	struct timespec until;
	void *content;
	int uffd, rc;

	t_start("t-userfault");
	page_size = sysconf(_SC_PAGESIZE);
	uffd = userfaultfd_open();
	T_ASSERT(uffd >= 0, "userfaultfd: %s", strerror(errno));
	fault_page = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	content = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	T_ASSERT(fault_page != MAP_FAILED && content != MAP_FAILED, "mmap");
	reg = (struct uffdio_register){
		.range = { .start = (uintptr_t)fault_page, .len = page_size },
		.mode = UFFDIO_REGISTER_MODE_MISSING,
	};
	T_ASSERT(ioctl(uffd, UFFDIO_REGISTER, &reg) == 0, "UFFDIO_REGISTER: %s", strerror(errno));

	/* RX with nothing sent never completes: only its timeout ends it. */
	t_setup(&rx, "rx", 2, 4096, 0);
	T_ASSERT(t_submit(&rx, &first, 1, &s0, 1, NULL) == 1, "first submit");
	T_ASSERT(pthread_create(&sub_th, NULL, stuck_submitter, NULL) == 0, "thread");
	T_ASSERT(fault_seen(uffd), "the submitter's fault never arrived");

	T_ASSERT(pthread_create(&chk_th, NULL, checker, NULL) == 0, "thread");
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 20;
	pthread_mutex_lock(&lock);
	rc = 0;
	while (!checks_done && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&cond, &lock, &until);
	pthread_mutex_unlock(&lock);
	T_CHECK(checks_done, "timeout, WAIT or sysfs waited for the stuck submitter");

	/* Resolve the fault: the stuck SUBMIT reads a valid transfer. */
	later = content;
	*later = (struct dmastream_xfer){ .cookie = 2, .nsegs = 1 };
	copy = (struct uffdio_copy){ .dst = (uintptr_t)fault_page, .src = (uintptr_t)content,
				     .len = page_size };
	T_ASSERT(ioctl(uffd, UFFDIO_COPY, &copy) == 0, "UFFDIO_COPY: %s", strerror(errno));
	pthread_join(sub_th, NULL);
	pthread_join(chk_th, NULL);
	T_CHECK(stuck_rc == 1, "stuck submit: %d", stuck_rc);

	/* Its transfer is in flight like any other: abort reports it. */
	T_CHECK(ioctl(rx.fd, DMASTREAM_IOC_ABORT) == 0, "ABORT");
	rc = t_collect(&rx, &cqe, 1, 10000);
	T_CHECK(rc == 0 && cqe.cookie == 2 && cqe.status == DMASTREAM_STATUS_ABORTED,
		"later transfer: rc %d cookie %llu status %u", rc,
		(unsigned long long)cqe.cookie, cqe.status);

	t_teardown(&rx);
	close(uffd);
	return t_report();
}
