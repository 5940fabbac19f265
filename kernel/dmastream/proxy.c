// SPDX-License-Identifier: GPL-2.0-only
/*
 * The DMA Proxy 2.0 personality: a channel that speaks the ABI of Xilinx's
 * DMA Proxy prototype, so that its applications run unchanged, on top of
 * dmastream's ring, submission, completion and teardown.
 *
 * What that ABI is (docs/dma-proxy.md): a table of 32 entries, each 128 KiB
 * of data followed by a status, a length and a residue word, 1 KiB
 * aligned (132096 bytes), mapped whole with one mmap() at offset 0; three
 * ioctls on an int entry number: START_XFER moves the entry's length bytes
 * (out of it on tx, into it on rx), FINISH_XFER sleeps until that ends and
 * writes the status, XFER does both.
 *
 * How it sits on dmastream: the read-write open() takes the channel and
 * allocates a ring whose buffers each hold whole entries
 * (DMASTREAM_PROXY_PER_BUF of them), so that no entry crosses a buffer and
 * the table maps back to back. START is a one-transfer SUBMIT whose cookie
 * carries the entry and a generation; FINISH consumes the channel's
 * completion queue inside the kernel (the file never maps it) and sleeps on
 * the channel's wait queue like DMASTREAM_IOC_WAIT. Each entry has a state
 * of its own (enum dmastream_proxy_state), so a FINISH that timed out
 * leaves its transfer in flight and a late completion is reported on the
 * entry it belongs to, never on the next transfer of that entry.
 */

#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "owner.h"
#include "proxy.h"
#include "ring.h"
#include "submit.h"

/* The ABI's layout: struct channel_buffer of the original header. */
#define DMASTREAM_PROXY_ENTRIES		32
#define DMASTREAM_PROXY_DATA_BYTES	SZ_128K
#define DMASTREAM_PROXY_ENTRY_BYTES	(DMASTREAM_PROXY_DATA_BYTES + SZ_1K)
/* Entries per ring buffer: PAGE_SIZE / 1 KiB keeps each buffer page aligned. */
#define DMASTREAM_PROXY_PER_BUF		min_t(u32, PAGE_SIZE / SZ_1K, DMASTREAM_PROXY_ENTRIES)
/* Enough for the one-entry transfers: 32 records, twice over. */
#define DMASTREAM_PROXY_CQ_ENTRIES	64
/* Most segments one entry's transfer is cut into. */
#define DMASTREAM_PROXY_SEGS_MAX	16

/* The ioctls, without their size: 8 from LP64 programs, 4 from ILP32 ones. */
#define DMASTREAM_PROXY_FINISH		_IOC(_IOC_WRITE, 'a', 'a', 0)
#define DMASTREAM_PROXY_START		_IOC(_IOC_WRITE, 'a', 'b', 0)
#define DMASTREAM_PROXY_XFER		_IOC(_IOC_READ, 'a', 'c', 0)

/* enum proxy_status of the original header, as written to an entry. */
#define DMASTREAM_PROXY_NO_ERROR	0
#define DMASTREAM_PROXY_BUSY		1
#define DMASTREAM_PROXY_TIMEOUT		2
#define DMASTREAM_PROXY_ERROR		3

/* The words after an entry's data, shared with user space. */
struct dmastream_proxy_ctl {
	u32 status;
	u32 length;			/* set by the application before START */
	u32 residue;			/* length - bytes moved, written at FINISH */
};

/*
 * Where an entry stands. IDLE: nothing started, or its outcome was
 * reported. INFLIGHT: started, no completion record seen yet. DONE: the
 * record was seen; FINISH reports it and returns the entry to IDLE.
 */
enum dmastream_proxy_state {
	DMASTREAM_PROXY_IDLE,
	DMASTREAM_PROXY_INFLIGHT,
	DMASTREAM_PROXY_DONE,
};

struct dmastream_proxy_entry {
	enum dmastream_proxy_state state;
	bool finishing;			/* a FINISH sleeps on it */
	u32 gen;			/* of the latest START, in its cookie */
	u32 len;
	u32 status;			/* DMASTREAM_STATUS_*, once DONE */
	u32 bytes;			/* moved, once DONE */
};

/*
 * The lock is a spinlock because the completion queue is consumed inside a
 * wait_event() condition. Taken without chan->lock or irq_lock held, and
 * neither is taken under it.
 */
struct dmastream_proxy {
	spinlock_t lock;		/* the entries, and the completion queue's head */
	struct dmastream_proxy_entry ent[DMASTREAM_PROXY_ENTRIES];
};

/**
 * dmastream_proxy_create() - give a new channel the DMA Proxy personality
 * @chan:	a tx or rx channel whose capabilities are known.
 *
 * Refuses engines that cannot move an entry: one that needs the data
 * aligned beyond the 1 KiB the layout gives, or more than
 * DMASTREAM_PROXY_SEGS_MAX segments for 128 KiB.
 *
 * Return: 0, -EINVAL (logged) or -ENOMEM. chan->proxy is freed with the
 * channel.
 */
int dmastream_proxy_create(struct dmastream_chan *chan)
{
	u32 segs_max = min_t(u32, chan->caps.max_segs, DMASTREAM_PROXY_SEGS_MAX);
	struct dmastream_proxy *px;

	BUILD_BUG_ON(DMASTREAM_PROXY_ENTRY_BYTES != 132096);
	BUILD_BUG_ON(sizeof(struct dmastream_proxy_ctl) > SZ_1K);
	if (chan->kind == DMASTREAM_DIR_MEMCPY ||
	    chan->caps.addr_align > SZ_1K ||
	    (u64)chan->caps.max_seg_size * segs_max < DMASTREAM_PROXY_DATA_BYTES) {
		dev_err(&chan->dev, "%s cannot move a DMA Proxy entry (align %u, %u segments of %u bytes)\n",
			chan->dma_name, chan->caps.addr_align, chan->caps.max_segs,
			chan->caps.max_seg_size);
		return -EINVAL;
	}
	px = kzalloc(sizeof(*px), GFP_KERNEL);
	if (!px)
		return -ENOMEM;
	spin_lock_init(&px->lock);
	chan->proxy = px;
	return 0;
}

/**
 * dmastream_proxy_open() - a read-write open() of a DMA Proxy node
 * @chan:	the channel.
 * @file:	the file being opened, which takes the channel.
 *
 * Return: 0; -EBUSY (another file owns the channel), -E2BIG (the module's
 * ring limits), -EDQUOT, -ENOMEM, -EIO (an rx stream could not be drained)
 * or -ENODEV.
 */
int dmastream_proxy_open(struct dmastream_chan *chan, struct file *file)
{
	struct dmastream_proxy *px = chan->proxy;
	u32 per_buf = DMASTREAM_PROXY_PER_BUF;
	u32 size = per_buf * DMASTREAM_PROXY_ENTRY_BYTES;
	u32 count = DMASTREAM_PROXY_ENTRIES / per_buf;
	int ret, i;

	ret = dmastream_ring_limits(chan, "open", count, size);
	if (ret)
		return ret;
	ret = dmastream_own_ring(chan, file, "open", count, size, DMASTREAM_PROXY_CQ_ENTRIES, 0);
	if (ret)
		return ret;
	/* Nothing of a previous owner's entries is in flight any more. */
	spin_lock(&px->lock);
	for (i = 0; i < DMASTREAM_PROXY_ENTRIES; i++) {
		px->ent[i].state = DMASTREAM_PROXY_IDLE;
		px->ent[i].finishing = false;
	}
	spin_unlock(&px->lock);
	return 0;
}

/*
 * The calling file's ring, referenced, even on a removed channel: the
 * entries' status words must still be written. Only the owner has one.
 */
static struct dmastream_kring *dmastream_proxy_ring(struct dmastream_chan *chan,
						    struct file *file)
{
	struct dmastream_kring *ring = NULL;
	int ret;

	spin_lock_irq(&chan->irq_lock);
	ret = dmastream_owner_check(chan, file);
	if (chan->owner == file && chan->ring) {
		ring = chan->ring;
		kref_get(&ring->ref);
	}
	spin_unlock_irq(&chan->irq_lock);
	return ring ?: ERR_PTR(ret);
}

static struct dmastream_proxy_ctl *dmastream_proxy_ctl(struct dmastream_kring *ring, u32 k)
{
	u32 per_buf = DMASTREAM_PROXY_PER_BUF;

	return ring->bufs[k / per_buf].cpu + (k % per_buf) * DMASTREAM_PROXY_ENTRY_BYTES +
	       DMASTREAM_PROXY_DATA_BYTES;
}

static void dmastream_proxy_tell(struct dmastream_kring *ring, u32 k, u32 status)
{
	WRITE_ONCE(dmastream_proxy_ctl(ring, k)->status, status);
}

/*
 * Consume the completion records posted so far: each ends the entry and
 * generation in its cookie, if that is still in flight. px->lock held.
 */
static void dmastream_proxy_reap(struct dmastream_proxy *px, struct dmastream_kring *ring)
{
	u32 head = READ_ONCE(ring->cq->head);
	/* Pairs with the release store that publishes a record. */
	u32 tail = smp_load_acquire(&ring->cq->tail);

	for (; head != tail; head++) {
		const struct dmastream_cqe *cqe = &ring->cqes[head & (ring->cq_entries - 1)];
		u32 k = lower_32_bits(cqe->cookie);
		struct dmastream_proxy_entry *e;

		if (k >= DMASTREAM_PROXY_ENTRIES)
			continue;
		e = &px->ent[k];
		if (e->state != DMASTREAM_PROXY_INFLIGHT || e->gen != upper_32_bits(cqe->cookie))
			continue;
		e->state = DMASTREAM_PROXY_DONE;
		e->status = cqe->status;
		e->bytes = cqe->bytes;
	}
	/* The records are read before the kernel may write over them. */
	smp_store_release(&ring->cq->head, head);
}

static int dmastream_proxy_start(struct dmastream_chan *chan, struct file *file,
				 struct dmastream_kring *ring, u32 k)
{
	struct dmastream_seg segs[DMASTREAM_PROXY_SEGS_MAX] = {};
	struct dmastream_proxy *px = chan->proxy;
	struct dmastream_proxy_entry *e = &px->ent[k];
	u32 per_buf = DMASTREAM_PROXY_PER_BUF;
	struct dmastream_xfer x = {};
	struct dmastream_req *req;
	u32 len, gen, piece, done, bad;
	long ret;

	if (READ_ONCE(chan->dead)) {
		ret = -ENODEV;
		goto refuse;
	}
	spin_lock(&px->lock);
	dmastream_proxy_reap(px, ring);
	if (e->state == DMASTREAM_PROXY_INFLIGHT) {
		spin_unlock(&px->lock);
		return -EBUSY;
	}
	/* Read once: what is validated is what moves, whatever user space writes meanwhile. */
	len = READ_ONCE(dmastream_proxy_ctl(ring, k)->length);
	if (!len || len > DMASTREAM_PROXY_DATA_BYTES) {
		e->state = DMASTREAM_PROXY_IDLE;
		spin_unlock(&px->lock);
		ret = -EINVAL;
		goto refuse;
	}
	e->state = DMASTREAM_PROXY_INFLIGHT;
	e->gen++;
	e->len = len;
	gen = e->gen;
	spin_unlock(&px->lock);
	/* Before the transfer exists: its FINISH may come at once and write over it. */
	dmastream_proxy_tell(ring, k, DMASTREAM_PROXY_BUSY);

	piece = min_t(u32, chan->caps.max_seg_size, DMASTREAM_PROXY_DATA_BYTES);
	for (done = 0; done < len; done += segs[x.nsegs++].len) {
		segs[x.nsegs].buf = k / per_buf;
		segs[x.nsegs].offset = (k % per_buf) * DMASTREAM_PROXY_ENTRY_BYTES + done;
		segs[x.nsegs].len = min(piece, len - done);
	}
	x.cookie = (u64)gen << 32 | k;
	ret = dmastream_submit_batch(chan, file, &x, segs, 1, x.nsegs, &req, &bad);
	if (ret == 1)
		return 0;
	/* Each entry holds one record at most, so the queue has room: not EAGAIN. */
	WARN_ON_ONCE(ret == -EAGAIN);
	spin_lock(&px->lock);
	if (e->gen == gen)
		e->state = DMASTREAM_PROXY_IDLE;
	spin_unlock(&px->lock);
refuse:
	dmastream_proxy_tell(ring, k, DMASTREAM_PROXY_ERROR);
	return ret;
}

static bool dmastream_proxy_settled(struct dmastream_chan *chan, struct dmastream_kring *ring,
				    u32 k)
{
	struct dmastream_proxy *px = chan->proxy;
	bool settled;

	spin_lock(&px->lock);
	dmastream_proxy_reap(px, ring);
	settled = px->ent[k].state != DMASTREAM_PROXY_INFLIGHT || READ_ONCE(chan->dead);
	spin_unlock(&px->lock);
	return settled;
}

static bool dmastream_proxy_failed(struct dmastream_proxy *px, u32 k)
{
	bool failed;

	spin_lock(&px->lock);
	failed = px->ent[k].state == DMASTREAM_PROXY_DONE &&
		 px->ent[k].status != DMASTREAM_STATUS_OK;
	spin_unlock(&px->lock);
	return failed;
}

static u32 dmastream_proxy_status(u32 status)
{
	switch (status) {
	case DMASTREAM_STATUS_OK:
		return DMASTREAM_PROXY_NO_ERROR;
	case DMASTREAM_STATUS_TIMEOUT:
		return DMASTREAM_PROXY_TIMEOUT;
	default:
		return DMASTREAM_PROXY_ERROR;
	}
}

static int dmastream_proxy_finish(struct dmastream_chan *chan, struct dmastream_kring *ring,
				  u32 k)
{
	unsigned int timeout_ms = READ_ONCE(dmastream_proxy_timeout_ms);
	struct dmastream_proxy *px = chan->proxy;
	struct dmastream_proxy_entry *e = &px->ent[k];
	u32 status, residue;
	long ret;

	if (READ_ONCE(chan->dead)) {
		dmastream_proxy_tell(ring, k, DMASTREAM_PROXY_ERROR);
		return -ENODEV;
	}
	spin_lock(&px->lock);
	dmastream_proxy_reap(px, ring);
	if (e->state == DMASTREAM_PROXY_IDLE) {
		spin_unlock(&px->lock);
		dmastream_proxy_tell(ring, k, DMASTREAM_PROXY_ERROR);
		return -EINVAL;
	}
	if (e->finishing) {
		spin_unlock(&px->lock);
		return -EBUSY;
	}
	e->finishing = true;
	spin_unlock(&px->lock);

	/*
	 * Woken whenever transfers retire, as DMASTREAM_IOC_WAIT is. The timeout
	 * is a high-resolution one: a tick count that lags behind the clock
	 * (a vCPU held back) would end it early by the wall clock.
	 */
	if (timeout_ms) {
		ret = wait_event_interruptible_hrtimeout(chan->wait_wq,
							 dmastream_proxy_settled(chan, ring, k),
							 ms_to_ktime(timeout_ms));
		if (ret == -ETIME)
			ret = 0;	/* timed out: the entry's state tells */
	} else {
		ret = wait_event_interruptible(chan->wait_wq,
					       dmastream_proxy_settled(chan, ring, k));
	}

	/*
	 * A failed outcome may be a removal's stop, which marks the channel
	 * dead only once it has retired everything: let it end, so that
	 * removal is always told as such.
	 */
	if (ret >= 0 && dmastream_proxy_failed(px, k)) {
		mutex_lock(&chan->lock);
		mutex_unlock(&chan->lock);
	}
	spin_lock(&px->lock);
	e->finishing = false;
	if (READ_ONCE(chan->dead)) {
		spin_unlock(&px->lock);
		dmastream_proxy_tell(ring, k, DMASTREAM_PROXY_ERROR);
		return -ENODEV;
	}
	if (ret < 0) {
		/* A signal: the entry stays BUSY, the call may be restarted. */
		spin_unlock(&px->lock);
		return ret;
	}
	if (e->state != DMASTREAM_PROXY_DONE) {
		/* Timed out: left in flight, its outcome goes to a later FINISH. */
		spin_unlock(&px->lock);
		dmastream_proxy_tell(ring, k, DMASTREAM_PROXY_TIMEOUT);
		return 0;
	}
	e->state = DMASTREAM_PROXY_IDLE;
	status = dmastream_proxy_status(e->status);
	residue = e->len - min(e->bytes, e->len);
	spin_unlock(&px->lock);
	WRITE_ONCE(dmastream_proxy_ctl(ring, k)->residue, residue);
	dmastream_proxy_tell(ring, k, status);
	return 0;
}

/**
 * dmastream_proxy_ioctl() - START_XFER, FINISH_XFER and XFER
 * @chan:	a DMA Proxy channel.
 * @file:	the calling file.
 * @cmd:	the command, with either size of a pointer in it.
 * @uarg:	the user's pointer to an int entry number.
 *
 * Return: 0; -ENOIOCTLCMD for any other command; -EBADF (file not open
 * for reading and writing), -EFAULT, -EINVAL (entry number, length, FINISH
 * of an entry not started), -EBUSY (START of an entry in flight, FINISH of
 * one another thread finishes), -EIO (sticky error), -ENODEV (device
 * removed), -ERESTARTSYS (FINISH), -EINTR (XFER: not restarted, as that
 * would start the entry again). docs/dma-proxy.md has what each writes to
 * the entry's status.
 */
long dmastream_proxy_ioctl(struct dmastream_chan *chan, struct file *file, unsigned int cmd,
			   void __user *uarg)
{
	unsigned int base = cmd & ~(_IOC_SIZEMASK << _IOC_SIZESHIFT);
	struct dmastream_kring *ring;
	s32 id;
	long ret;

	if ((_IOC_SIZE(cmd) != 4 && _IOC_SIZE(cmd) != 8) ||
	    (base != DMASTREAM_PROXY_START && base != DMASTREAM_PROXY_FINISH &&
	     base != DMASTREAM_PROXY_XFER))
		return -ENOIOCTLCMD;
	if ((file->f_mode & (FMODE_READ | FMODE_WRITE)) != (FMODE_READ | FMODE_WRITE))
		return -EBADF;
	if (get_user(id, (s32 __user *)uarg))
		return -EFAULT;
	if (id < 0 || id >= DMASTREAM_PROXY_ENTRIES)
		return -EINVAL;
	ring = dmastream_proxy_ring(chan, file);
	if (IS_ERR(ring))
		return PTR_ERR(ring);

	ret = 0;
	if (base != DMASTREAM_PROXY_FINISH)
		ret = dmastream_proxy_start(chan, file, ring, id);
	if (!ret && base != DMASTREAM_PROXY_START) {
		ret = dmastream_proxy_finish(chan, ring, id);
		/*
		 * XFER restarted after a signal would START again: a second
		 * transfer, or EBUSY. Its transfer runs on; FINISH reports it.
		 */
		if (ret == -ERESTARTSYS && base == DMASTREAM_PROXY_XFER)
			ret = -EINTR;
	}
	dmastream_ring_put(ring);
	return ret;
}
