/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dmastream internals: devices, channels, rings and transfers.
 *
 * Object lifetimes:
 *  - struct dmastream_chan is refcounted through its embedded class device.
 *    References: the device registration (dropped on removal), every open
 *    file (through the cdev), and every ring. The dmaengine channel is held
 *    until the last reference goes, so the provider cannot be unloaded and
 *    the coherent memory can always be freed on the device it came from.
 *  - struct dmastream_kring is refcounted: the channel holds one while the
 *    ring is current, and every VMA mapping part of it holds one. Transfers
 *    never outlive the channel's reference: the ring is only replaced or
 *    dropped after DMA has been stopped and synchronized.
 *
 * Locking:
 *  - chan->lock (mutex) serializes control: ownership, ring changes,
 *    submission, configuration and stopping the channel.
 *  - chan->irq_lock (spinlock, BH-safe) protects what the completion
 *    callback touches: the in-flight list, buffer reservations, the
 *    completion queue tail, the overflow list, counters and state.
 *  Order: lock, then irq_lock. No dmaengine call is made under irq_lock.
 */
#ifndef DMASTREAM_INTERNAL_H
#define DMASTREAM_INTERNAL_H

#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/dmaengine.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/scatterlist.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include <linux/dmastream.h>

#define DMASTREAM_DRV_NAME	"dmastream"

/* Upper bound of segments per transfer, whatever the engine allows. */
#define DMASTREAM_MAX_SEGS	256
#define DMASTREAM_CQ_ENTRIES_MAX	65536
#define DMASTREAM_CQ_ENTRIES_MIN	64
/* Ceilings of the module parameters buffer_size_max and buffers_max. */
#define DMASTREAM_BUFFER_SIZE_LIMIT	SZ_1G
#define DMASTREAM_BUFFERS_LIMIT		16384
#define DMASTREAM_MINORS	256

/* Module parameters (main.c). */
extern unsigned long dmastream_ring_bytes_max;
extern unsigned int dmastream_buffer_size_max;
extern unsigned int dmastream_buffers_max;
extern unsigned int dmastream_default_timeout_ms;
extern unsigned int dmastream_default_error_threshold;

/* Live objects, checked at unload: a leak WARNs, which fails a VM test. */
extern atomic_t dmastream_live_reqs;
extern atomic_t dmastream_live_rings;

extern struct class *dmastream_class;
extern dev_t dmastream_devt_base;

/*
 * One channel of a dmastream_device: the source of a dmaengine channel and
 * what it is used for, as parsed from configfs or the device tree.
 */
struct dmastream_chan_spec {
	char label[DMASTREAM_NAME_LEN];
	/* Slave-map or DT name, or a dmaengine channel name ("dma0chan1"). */
	char source[DMASTREAM_NAME_LEN];
	bool by_chan_name;
};

/* Per-buffer bookkeeping of the DMA-coherent ring. */
struct dmastream_buf {
	void *cpu;
	dma_addr_t dma;
	/* struct dmastream_seg_ref of in-flight transfers, under irq_lock */
	struct list_head busy;
};

/* Shared completion queue header; offsets reported in dmastream_cq_offsets. */
struct dmastream_cq_hdr {
	u32 head;		/* user space writes */
	u32 pad0[15];
	u32 tail;		/* kernel writes */
	u32 pad1[15];
	u32 ring_mask;
	u32 ring_entries;
	u32 flags;
	u32 overflow;
	u32 pad2[12];
};

#define DMASTREAM_CQES_OFFSET	sizeof(struct dmastream_cq_hdr)

struct dmastream_kring {
	struct kref ref;
	struct dmastream_chan *chan;
	struct device *dma_dev;
	u32 count;
	u32 size;
	u32 stride;			/* PAGE_ALIGN(size): bytes allocated per buffer */
	struct dmastream_buf *bufs;

	void *cq_mem;			/* vmalloc_user(): mapped by user space */
	size_t cq_bytes;
	struct dmastream_cq_hdr *cq;
	struct dmastream_cqe *cqes;
	u32 cq_entries;
	u32 cq_tail;			/* the kernel's own copy, never read back */

	atomic_t mappings;
};

/* Where a segment of an in-flight transfer sits, for conflict checks. */
struct dmastream_seg_ref {
	struct list_head node;		/* in dmastream_buf.busy */
	u32 buf;
	u32 offset;
	u32 len;
	bool dma_writes;		/* the engine writes this range */
};

struct dmastream_req;

/* One descriptor of a memcpy transfer: the callback's param. */
struct dmastream_piece {
	struct dmastream_req *req;
	u32 len;
};

/* One transfer in flight: what the completion callback gets as its param. */
struct dmastream_req {
	struct list_head node;		/* chan->inflight or chan->overflow */
	struct dmastream_chan *chan;
	u64 user_cookie;
	u64 seq;
	u64 t_submit_ns;
	u64 t_complete_ns;
	u64 deadline_ns;		/* 0: none */
	dma_cookie_t dma_cookie;	/* of the last descriptor */
	u32 len;
	u32 bytes;
	u32 status;
	u32 cqe_flags;
	bool expired;			/* its own deadline has passed */
	/* part of a memcpy could not be queued: complete as ENGINE_ABORTED */
	bool failed_prep;
	/* references: descriptors yet to call back, and the submitter's */
	u32 refs_left;
	/* memcpy: its descriptors; all: bytes they moved, first error */
	struct dmastream_piece *pieces;
	u32 npieces;
	u32 pieces_bytes;
	u32 pieces_status;
	unsigned int nrefs;
	struct dmastream_seg_ref refs[];
};

struct dmastream_chan {
	struct device dev;		/* class device; owns the object */
	struct cdev cdev;
	char devname[DMASTREAM_NAME_LEN];
	char label[DMASTREAM_NAME_LEN];
	char provider[DMASTREAM_NAME_LEN];
	char dma_name[DMASTREAM_NAME_LEN];	/* dma_chan_name(), kept after removal */

	struct dma_chan *dma;
	struct device *dma_dev;		/* maps the buffers; referenced */
	struct module *provider_module;	/* the provider's, referenced */
	enum dma_transfer_direction dir;
	u32 kind;			/* DMASTREAM_DIR_* */
	struct dmastream_caps caps;
	int minor;			/* -1 until allocated */

	struct mutex lock;		/* control; see the top of this file */
	struct file *owner;
	struct dmastream_kring *ring;
	struct eventfd_ctx *eventfd;
	u32 timeout_ms;
	u32 error_threshold;

	spinlock_t irq_lock;		/* completion side; see the top */
	u32 state;			/* DMASTREAM_STATE_* */
	bool dead;			/* device removed */
	bool stop_pending;		/* stop_work queued for the sticky error */
	struct list_head inflight;	/* submission order */
	struct list_head overflow;	/* completed, waiting for room in the CQ */
	u32 ninflight;
	u32 noverflow;
	u64 next_seq;
	u32 consecutive_errors;
	/* rx: the queue ran empty; the next transfer gets DMASTREAM_CQE_AFTER_EMPTY */
	bool rx_ran_empty;
	struct dmastream_stats stats;

	wait_queue_head_t wq;
	struct delayed_work timeout_work;
	u64 timer_deadline_ns;		/* of the armed timeout_work, 0 if idle */
	struct work_struct error_work;
};

struct dmastream_device {
	struct device *dev;
	char name[DMASTREAM_NAME_LEN];
	unsigned int nchans;
	struct dmastream_chan *chans[];
};

static inline struct dmastream_chan *to_dmastream_chan(struct device *dev)
{
	return container_of(dev, struct dmastream_chan, dev);
}

/* device.c */
extern struct platform_driver dmastream_platform_driver;
struct dmastream_device *dmastream_device_create(struct device *dev, const char *name,
						 const struct dmastream_chan_spec *specs,
						 unsigned int n);
void dmastream_device_destroy(struct dmastream_device *sdev);

/* configfs.c */
int dmastream_configfs_init(void);
void dmastream_configfs_exit(void);

/* chardev.c */
extern const struct file_operations dmastream_fops;
int dmastream_owner_check(struct dmastream_chan *chan, struct file *file);
int dmastream_owner_precheck(struct dmastream_chan *chan, struct file *file);

/* sysfs.c */
extern const struct attribute_group *dmastream_chan_groups[];
void dmastream_sysfs_init(void);

/* ring.c */
struct dmastream_kring *dmastream_ring_create(struct dmastream_chan *chan, u32 count,
					      u32 size, u32 cq_entries);
void dmastream_ring_put(struct dmastream_kring *ring);
void dmastream_ring_describe(const struct dmastream_kring *ring,
			     struct dmastream_ring *out);
int dmastream_ring_mmap(struct dmastream_kring *ring, struct vm_area_struct *vma);
u32 dmastream_cq_unreaped(struct dmastream_kring *ring);

/* xfer.c */
int dmastream_chan_init_xfer(struct dmastream_chan *chan);
long dmastream_submit(struct dmastream_chan *chan, struct file *file,
		      struct dmastream_submit __user *uarg);
int dmastream_wait(struct dmastream_chan *chan, struct dmastream_kring *ring,
		   struct dmastream_wait *w);
void dmastream_stop(struct dmastream_chan *chan, bool sticky);
void dmastream_forget_ring_locked(struct dmastream_chan *chan);
bool dmastream_flush_overflow(struct dmastream_chan *chan);
u32 dmastream_room(struct dmastream_chan *chan);
void dmastream_notify(struct dmastream_chan *chan);

#endif /* DMASTREAM_INTERNAL_H */
