// SPDX-License-Identifier: GPL-2.0-only
/*
 * The character device of a channel: open/release, ioctl, poll and mmap.
 *
 * Ownership (owner.c): only the file that set up the ring submits, waits,
 * maps and controls. Other files may read capabilities, identity and
 * statistics, and poll() tells them when the device goes away.
 */

#include <linux/eventfd.h>
#include <linux/fs.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "cached.h"
#include "chardev.h"
#include "complete.h"
#include "compat.h"
#include "export.h"
#include "import.h"
#include "import_dmabuf.h"
#include "import_user.h"
#include "owner.h"
#include "proxy.h"
#include "ring.h"
#include "stop.h"
#include "submit.h"
#include "wait.h"

static struct dmastream_chan *dmastream_file_chan(struct file *file)
{
	return file->private_data;
}

static bool dmastream_rw(struct file *file)
{
	return (file->f_mode & (FMODE_READ | FMODE_WRITE)) == (FMODE_READ | FMODE_WRITE);
}

static int dmastream_open(struct inode *inode, struct file *file)
{
	struct dmastream_chan *chan = container_of(inode->i_cdev, struct dmastream_chan, cdev);

	int ret;

	if (READ_ONCE(chan->dead))
		return -ENODEV;
	get_device(&chan->dev);
	file->private_data = chan;
	/* A DMA Proxy application's open() is its SET_RING. */
	if (chan->proxy && dmastream_rw(file)) {
		ret = dmastream_proxy_open(chan, file);
		if (ret) {
			put_device(&chan->dev);
			return ret;
		}
	}
	return stream_open(inode, file);
}

static int dmastream_release(struct inode *inode, struct file *file)
{
	struct dmastream_chan *chan = dmastream_file_chan(file);

	dmastream_disown(chan, file);
	put_device(&chan->dev);
	return 0;
}

static int dmastream_get_info(struct dmastream_chan *chan, struct file *file,
			      void __user *uarg)
{
	struct dmastream_info info = {};

	strscpy(info.device, chan->devname, sizeof(info.device));
	strscpy(info.label, chan->label, sizeof(info.label));
	strscpy(info.dma_channel, chan->dma_name, sizeof(info.dma_channel));
	strscpy(info.provider, chan->provider, sizeof(info.provider));
	spin_lock_irq(&chan->irq_lock);
	info.state = chan->state;
	if (chan->owner)
		info.flags |= DMASTREAM_INFO_OWNED;
	if (chan->owner == file)
		info.flags |= DMASTREAM_INFO_OWNER;
	if (chan->ring) {
		info.buffer_count = chan->ring->count;
		info.buffer_size = chan->ring->size;
		info.cq_entries = chan->ring->cq_entries;
		info.ring_flags = chan->ring->flags;
	}
	info.inflight = chan->nxfers;
	info.timeout_ms = chan->timeout_ms;
	info.error_threshold = chan->error_threshold;
	info.wake_min = chan->wake_min;
	spin_unlock_irq(&chan->irq_lock);
	return copy_to_user(uarg, &info, sizeof(info)) ? -EFAULT : 0;
}

static int dmastream_get_caps(struct dmastream_chan *chan, void __user *uarg)
{
	struct dmastream_caps caps = chan->caps;

	if (READ_ONCE(chan->dead))
		return -ENODEV;
	/* The module parameters may have changed since the channel appeared. */
	caps.max_buffers = READ_ONCE(dmastream_buffers_max);
	caps.max_buffer_size = READ_ONCE(dmastream_buffer_size_max);
	caps.max_ring_bytes = READ_ONCE(dmastream_ring_bytes_max);
	caps.max_cached_buffer_size =
		min(dmastream_cached_size_max(chan->dma_dev, READ_ONCE(dmastream_cached_streaming)),
		    caps.max_buffer_size);
	caps.cached_align = dmastream_cached_write_align(chan->dma_dev);
	if (chan->kind == DMASTREAM_DIR_MEMCPY) {
		caps.max_seg_size = caps.max_buffer_size;
		caps.max_xfer_bytes = min_t(u64, (u64)caps.max_segs * caps.max_seg_size, U32_MAX);
	}
	return copy_to_user(uarg, &caps, sizeof(caps)) ? -EFAULT : 0;
}

static int dmastream_get_stats(struct dmastream_chan *chan, void __user *uarg)
{
	struct dmastream_stats st;

	spin_lock_irq(&chan->irq_lock);
	st = chan->stats;
	spin_unlock_irq(&chan->irq_lock);
	return copy_to_user(uarg, &st, sizeof(st)) ? -EFAULT : 0;
}

static bool dmastream_zero(const void *p, size_t len)
{
	return !memchr_inv(p, 0, len);
}

static int dmastream_set_ring(struct dmastream_chan *chan, struct file *file,
			      void __user *uarg)
{
	struct dmastream_kring *old = NULL;
	struct dmastream_ring req, out = {};
	u32 cq_entries;
	int ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if ((req.flags & ~DMASTREAM_RING_CACHED) ||
	    !dmastream_zero(req.reserved, sizeof(req.reserved)) ||
	    req.buf_offset || req.buf_stride || req.cq_offset || req.cq_size ||
	    !dmastream_zero(&req.cq, sizeof(req.cq)))
		return -EINVAL;
	if (req.count) {
		if (!req.size)
			return -EINVAL;
		ret = dmastream_ring_limits(chan, "SET_RING", req.count, req.size);
		if (ret)
			return ret;
		cq_entries = req.cq_entries;
		if (!cq_entries)
			cq_entries = max_t(u32, roundup_pow_of_two(2 * req.count),
					   DMASTREAM_CQ_ENTRIES_MIN);
		if (!is_power_of_2(cq_entries) || cq_entries > DMASTREAM_CQ_ENTRIES_MAX)
			return -EINVAL;
	} else if (req.size || req.cq_entries || req.flags) {
		return -EINVAL;
	}
	/*
	 * Told before anything changes, and before chan->lock: a caller whose
	 * memory faults slowly holds up only itself, and a ring it could not
	 * learn about is never installed.
	 */
	if (req.count) {
		dmastream_ring_layout(req.count, req.size, cq_entries, &out);
		out.flags = req.flags;
		if (copy_to_user(uarg, &out, sizeof(out)))
			return -EFAULT;
		return dmastream_own_ring(chan, file, "SET_RING", req.count, req.size,
					  cq_entries, req.flags);
	}

	mutex_lock(&chan->lock);
	ret = dmastream_ring_replaceable(chan, file);
	if (ret)
		goto unlock;
	/* Mappings are checked under irq_lock: mmap() does not take chan->lock. */
	old = dmastream_drop_ring(chan, true);
	ret = PTR_ERR_OR_ZERO(old);
	if (ret)
		old = NULL;
unlock:
	mutex_unlock(&chan->lock);
	dmastream_ring_put(old);
	return ret;
}

static int dmastream_set_eventfd(struct dmastream_chan *chan, const struct dmastream_eventfd *arg)
{
	struct eventfd_ctx *ctx = NULL, *old;

	if (arg->flags || arg->fd < -1)
		return -EINVAL;
	if (arg->fd >= 0) {
		ctx = eventfd_ctx_fdget(arg->fd);
		if (IS_ERR(ctx))
			return PTR_ERR(ctx);
	}
	spin_lock_irq(&chan->irq_lock);
	old = chan->eventfd;
	/* Also read without the lock, for NULL only: see dmastream_listened(). */
	WRITE_ONCE(chan->eventfd, ctx);
	/* Records may wait already: the new eventfd must not miss them. */
	if (ctx && (dmastream_events_locked(chan) & (EPOLLIN | EPOLLERR)))
		dmastream_eventfd_signal(ctx);
	spin_unlock_irq(&chan->irq_lock);
	if (old)
		eventfd_ctx_put(old);
	return 0;
}

static int dmastream_set_config(struct dmastream_chan *chan, const struct dmastream_config *cfg)
{
	bool lowered;

	if (cfg->flags || !dmastream_zero(cfg->reserved, sizeof(cfg->reserved)) ||
	    cfg->wake_min > DMASTREAM_WAKE_MIN_MAX)
		return -EINVAL;
	spin_lock_irq(&chan->irq_lock);
	chan->timeout_ms = cfg->timeout_ms;
	chan->error_threshold = cfg->error_threshold;
	lowered = cfg->wake_min < chan->wake_min;
	chan->wake_min = cfg->wake_min;
	spin_unlock_irq(&chan->irq_lock);
	/* A lower watermark may already be reached: tell pollers now. */
	if (lowered)
		dmastream_notify(chan);
	return 0;
}

static int dmastream_do_wait(struct dmastream_chan *chan, struct file *file,
			     struct dmastream_wait __user *uarg)
{
	struct dmastream_kring *ring;
	struct dmastream_wait w;
	int ret;

	if (copy_from_user(&w, uarg, sizeof(w)))
		return -EFAULT;
	mutex_lock(&chan->lock);
	ret = dmastream_owner_check(chan, file);
	ring = chan->ring;
	if (!ret)
		kref_get(&ring->ref);
	mutex_unlock(&chan->lock);
	if (ret)
		return ret;

	ret = dmastream_wait(chan, ring, &w);
	dmastream_ring_put(ring);
	if (put_user(w.available, &uarg->available) ||
	    (ret == -ERESTARTSYS && put_user(w.timeout_ns, &uarg->timeout_ns)))
		return -EFAULT;
	return ret;
}

/* Control ioctls of the owner, all under chan->lock. */
static long dmastream_control(struct dmastream_chan *chan, struct file *file,
			      unsigned int cmd, void __user *uarg)
{
	union {
		struct dmastream_eventfd eventfd;
		struct dmastream_config config;
		u32 idx;
	} arg;
	bool leaving_error;
	long ret;

	/* Copied before chan->lock: a slow user fault must not hold it. */
	ret = dmastream_owner_precheck(chan, file);
	if (ret)
		return ret;
	if ((cmd == DMASTREAM_IOC_SET_EVENTFD &&
	     copy_from_user(&arg.eventfd, uarg, sizeof(arg.eventfd))) ||
	    (cmd == DMASTREAM_IOC_SET_CONFIG &&
	     copy_from_user(&arg.config, uarg, sizeof(arg.config))) ||
	    (cmd == DMASTREAM_IOC_RELEASE_BUF && get_user(arg.idx, (u32 __user *)uarg)))
		return -EFAULT;

	mutex_lock(&chan->lock);
	ret = dmastream_owner_check(chan, file);
	if (ret)
		goto unlock;

	switch (cmd) {
	case DMASTREAM_IOC_ABORT:
		dmastream_stop(chan, DMASTREAM_STOP_DRAIN);
		break;
	case DMASTREAM_IOC_RESET:
		dmastream_stop(chan, DMASTREAM_STOP_DRAIN);
		/* Still wedged: terminating failed again, DMA may still run. */
		if (chan->wedged_ring) {
			ret = -EIO;
			break;
		}
		spin_lock_irq(&chan->irq_lock);
		leaving_error = chan->state == DMASTREAM_STATE_ERROR;
		chan->state = DMASTREAM_STATE_READY;
		chan->ring->cq->flags &= ~DMASTREAM_CQ_ERROR;
		spin_unlock_irq(&chan->irq_lock);
		/* The stop woke pollers while still in error: now writable. */
		if (leaving_error)
			dmastream_notify(chan);
		break;
	case DMASTREAM_IOC_SET_EVENTFD:
		ret = dmastream_set_eventfd(chan, &arg.eventfd);
		break;
	case DMASTREAM_IOC_SET_CONFIG:
		ret = dmastream_set_config(chan, &arg.config);
		break;
	case DMASTREAM_IOC_RELEASE_BUF:
		ret = dmastream_import_end(chan, arg.idx);
		break;
	default:
		ret = -ENOTTY;
		break;
	}
unlock:
	mutex_unlock(&chan->lock);
	return ret;
}

static long dmastream_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct dmastream_chan *chan = dmastream_file_chan(file);
	void __user *uarg = (void __user *)arg;
	long ret;

	if (chan->proxy) {
		ret = dmastream_proxy_ioctl(chan, file, cmd, uarg);
		if (ret != -ENOIOCTLCMD)
			return ret;
		/* Of the native ABI, a DMA Proxy node answers the queries only. */
		if (cmd != DMASTREAM_IOC_GET_INFO && cmd != DMASTREAM_IOC_GET_STATS &&
		    cmd != DMASTREAM_IOC_GET_CAPS)
			return -ENOTTY;
	}

	switch (cmd) {
	case DMASTREAM_IOC_GET_INFO:
		return dmastream_get_info(chan, file, uarg);
	case DMASTREAM_IOC_GET_STATS:
		return dmastream_get_stats(chan, uarg);
	case DMASTREAM_IOC_GET_CAPS:
		return dmastream_get_caps(chan, uarg);
	case DMASTREAM_IOC_SET_RING:
	case DMASTREAM_IOC_SUBMIT:
	case DMASTREAM_IOC_WAIT:
	case DMASTREAM_IOC_ABORT:
	case DMASTREAM_IOC_RESET:
	case DMASTREAM_IOC_SET_EVENTFD:
	case DMASTREAM_IOC_SET_CONFIG:
	case DMASTREAM_IOC_RESET_STATS:
	case DMASTREAM_IOC_EXPORT_BUF:
	case DMASTREAM_IOC_IMPORT_BUF:
	case DMASTREAM_IOC_RELEASE_BUF:
	case DMASTREAM_IOC_REGISTER_MEM:
		if (!dmastream_rw(file))
			return -EBADF;
		break;
	default:
		return -ENOTTY;
	}

	switch (cmd) {
	case DMASTREAM_IOC_RESET_STATS:
		/* A monitor may reset them while someone else streams. */
		if (READ_ONCE(chan->dead))
			return -ENODEV;
		spin_lock_irq(&chan->irq_lock);
		memset(&chan->stats, 0, sizeof(chan->stats));
		chan->stats.inflight = chan->nxfers;
		spin_unlock_irq(&chan->irq_lock);
		return 0;
	case DMASTREAM_IOC_SET_RING:
		return dmastream_set_ring(chan, file, uarg);
	case DMASTREAM_IOC_SUBMIT:
		return dmastream_submit(chan, file, uarg);
	case DMASTREAM_IOC_WAIT:
		return dmastream_do_wait(chan, file, uarg);
	case DMASTREAM_IOC_EXPORT_BUF:
		return dmastream_export_buf(chan, file, uarg);
	case DMASTREAM_IOC_IMPORT_BUF:
		return dmastream_import_buf(chan, file, uarg);
	case DMASTREAM_IOC_REGISTER_MEM:
		return dmastream_register_mem(chan, file, uarg);
	default:
		return dmastream_control(chan, file, cmd, uarg);
	}
}

static __poll_t dmastream_poll(struct file *file, poll_table *wait)
{
	struct dmastream_chan *chan = dmastream_file_chan(file);
	__poll_t mask = 0;

	poll_wait(file, &chan->wq, wait);

	spin_lock_irq(&chan->irq_lock);
	if (chan->dead)
		mask |= EPOLLHUP | EPOLLERR;
	if (chan->owner == file)
		mask |= dmastream_events_locked(chan);
	spin_unlock_irq(&chan->irq_lock);
	return mask;
}

/*
 * No chan->lock here: mmap() runs with mmap_lock held, and chan->lock is
 * held around allocations that may sleep for long (a ring's DMA memory).
 */
static int dmastream_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct dmastream_chan *chan = dmastream_file_chan(file);
	struct dmastream_kring *ring;
	int ret;

	spin_lock_irq(&chan->irq_lock);
	ret = dmastream_owner_check(chan, file);
	ring = chan->ring;
	if (!ret) {
		/* Counted now so that a concurrent resize sees it. */
		kref_get(&ring->ref);
		atomic_inc(&ring->mappings);
	}
	spin_unlock_irq(&chan->irq_lock);
	if (ret)
		return ret;

	if (chan->proxy)
		ret = dmastream_ring_mmap_table(ring, vma);
	else
		ret = dmastream_ring_mmap(ring, vma);
	atomic_dec(&ring->mappings);
	dmastream_ring_put(ring);
	return ret;
}

const struct file_operations dmastream_fops = {
	.owner = THIS_MODULE,
	.open = dmastream_open,
	.release = dmastream_release,
	.unlocked_ioctl = dmastream_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.poll = dmastream_poll,
	.mmap = dmastream_mmap,
};
