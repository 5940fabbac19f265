/* SPDX-License-Identifier: MIT */
/*
 * libdmastream + liburing: reap DMA completions from an io_uring loop.
 *
 * A watch puts one request in the application's ring that completes when
 * the channel has completions waiting: either a multishot poll on the
 * channel fd (DMS_URING_POLL), or a read of an eventfd the driver signals
 * (DMS_URING_EVENTFD; one read re-armed per wakeup, and the eventfd can be
 * shared with other event sources). Its CQE carries the watch as user_data;
 * hand it to dms_uring_watch_handle(), then drain the channel's CQ with
 * dms_cq_peek_batch()/dms_cq_advance() or dms_reap().
 *
 * Header-only: these are static inline functions over liburing and
 * libdmastream, so the library itself does not depend on liburing. Link
 * with -luring. A watch is used by the thread that runs the ring.
 */
#ifndef LIBDMASTREAM_URING_H
#define LIBDMASTREAM_URING_H

/*
 * liburing.h uses POSIX names (sigset_t, AT_FDCWD) that strict ISO C modes
 * (-std=c11) hide. Included first, this header asks for them; included
 * after another system header in such a mode, define _POSIX_C_SOURCE (or
 * _GNU_SOURCE) for the whole file instead.
 */
#if defined(__STRICT_ANSI__) && !defined(_POSIX_C_SOURCE) && !defined(_XOPEN_SOURCE) && \
	!defined(_GNU_SOURCE) && !defined(_DEFAULT_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <liburing.h>

#include "libdmastream.h"

#ifdef __cplusplus
extern "C" {
#endif

enum dms_uring_mode {
	DMS_URING_POLL = 1,	/* multishot IORING_OP_POLL_ADD on the channel fd */
	DMS_URING_EVENTFD = 2,	/* IORING_OP_READ of a registered eventfd */
};

struct dms_uring_watch {
	struct dms_channel *ch;
	enum dms_uring_mode mode;
	int efd;		/* DMS_URING_EVENTFD: owned by the watch */
	uint64_t efd_count;	/* where the eventfd read lands */
	int armed;		/* a request is (or is about to be) in the ring */
};

/*
 * Prepare a watch; DMS_URING_EVENTFD creates an eventfd and registers it
 * with the channel (which must have a ring). Returns 0 or -errno.
 */
static inline int dms_uring_watch_init(struct dms_uring_watch *w, struct dms_channel *ch,
				       enum dms_uring_mode mode)
{
	int ret;

	w->ch = ch;
	w->mode = mode;
	w->efd = -1;
	w->efd_count = 0;
	w->armed = 0;
	if (mode == DMS_URING_POLL)
		return 0;
	if (mode != DMS_URING_EVENTFD)
		return -EINVAL;
	/*
	 * Blocking on purpose: io_uring waits for a blocking file itself
	 * (internal poll), while an O_NONBLOCK one would complete with
	 * -EAGAIN.
	 */
	w->efd = eventfd(0, EFD_CLOEXEC);
	if (w->efd < 0)
		return -errno;
	ret = dms_register_eventfd(ch, w->efd);
	if (ret < 0) {
		close(w->efd);
		w->efd = -1;
	}
	return ret;
}

/*
 * Queue the watch's request in @ring (not submitted: the application's next
 * io_uring_submit() does that). Returns 0, or -EBUSY when the SQ is full.
 */
static inline int dms_uring_watch_arm(struct io_uring *ring, struct dms_uring_watch *w)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	if (!sqe)
		return -EBUSY;
	if (w->mode == DMS_URING_POLL)
		io_uring_prep_poll_multishot(sqe, dms_channel_fd(w->ch), POLLIN);
	else
		io_uring_prep_read(sqe, w->efd, &w->efd_count, sizeof(w->efd_count), 0);
	io_uring_sqe_set_data(sqe, w);
	w->armed = 1;
	return 0;
}

/* Whether @cqe is this watch's. */
static inline int dms_uring_watch_owns(const struct dms_uring_watch *w,
				       const struct io_uring_cqe *cqe)
{
	return io_uring_cqe_get_data(cqe) == (const void *)w;
}

/*
 * Account for one of the watch's CQEs and re-arm it when its request has
 * ended. Returns 0 when the channel's CQ should now be drained, -ENODEV when
 * the device is gone, -EIO in the sticky error state, -ECANCELED after
 * dms_uring_watch_cancel(), -EBUSY when re-arming found the SQ full (call
 * dms_uring_watch_arm() later), or the request's own -errno.
 */
static inline int dms_uring_watch_handle(struct io_uring *ring, struct dms_uring_watch *w,
					 const struct io_uring_cqe *cqe)
{
	int more = w->mode == DMS_URING_POLL && (cqe->flags & IORING_CQE_F_MORE);

	if (!more)
		w->armed = 0;
	if (cqe->res < 0)
		return cqe->res;
	if (w->mode == DMS_URING_POLL) {
		if (cqe->res & POLLHUP)
			return -ENODEV;
		if (cqe->res & POLLERR)
			return -EIO;
	}
	/* A multishot poll ends on its own, e.g. when the CQ overflowed. */
	if (!w->armed)
		return dms_uring_watch_arm(ring, w);
	return 0;
}

/* Queue a cancellation of the watch's request. Returns 0 or -EBUSY. */
static inline int dms_uring_watch_cancel(struct io_uring *ring, struct dms_uring_watch *w)
{
	struct io_uring_sqe *sqe;

	if (!w->armed)
		return 0;
	sqe = io_uring_get_sqe(ring);
	if (!sqe)
		return -EBUSY;
	io_uring_prep_cancel(sqe, w, 0);
	/* The cancel's own CQE must not look like the watch's. */
	io_uring_sqe_set_data(sqe, NULL);
	return 0;
}

/*
 * Undo dms_uring_watch_init(): unregister and close the eventfd. Call it
 * once the watch's request has completed (or the ring is gone).
 */
static inline void dms_uring_watch_release(struct dms_uring_watch *w)
{
	if (w->efd >= 0) {
		dms_register_eventfd(w->ch, -1);
		close(w->efd);
		w->efd = -1;
	}
	w->armed = 0;
}

#ifdef __cplusplus
}
#endif

#endif /* LIBDMASTREAM_URING_H */
