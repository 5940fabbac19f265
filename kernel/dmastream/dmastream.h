/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dmastream internals: devices, channels, rings, transfers and the
 * descriptors that carry them. Each .c file declares what it offers in a
 * header of its own name; this one holds the objects they share.
 *
 * Object lifetimes:
 *  - struct dmastream_chan is refcounted through its embedded class device.
 *    References: the device registration (dropped on removal), every open
 *    file (through the cdev), and every ring. The provider's device and
 *    module are held until the last reference goes, so the coherent memory
 *    can always be freed on the device it came from; the dmaengine channel
 *    itself is released when the device is removed.
 *  - struct dmastream_kring is refcounted: the channel holds one while the
 *    ring is current, and every VMA mapping part of it holds one.
 *  - struct dmastream_kimport (an imported dma-buf or registered user
 *    memory) belongs to a ring and goes with its owner: import.c.
 *  - struct dmastream_req (a transfer) lives from SUBMIT until its
 *    completion record is written to the completion queue.
 *  - struct dmastream_desc (one dmaengine descriptor handed to the engine)
 *    lives until its callback has run, or until no callback can run any
 *    more: see engine.c. It is the callback's parameter, never the
 *    transfer, so a provider that calls back late finds a descriptor whose
 *    transfer is already gone, not freed memory.
 *
 * Locking:
 *  - chan->lock (mutex) serializes control: ownership, ring changes,
 *    submission, feeding the engine, configuration and stopping.
 *  - chan->irq_lock (spinlock, IRQ-safe) protects what the completion
 *    callback touches: the transfer and descriptor lists, buffer
 *    reservations, the completion queue tail, counters and state.
 *  Order: lock, then irq_lock. No dmaengine call is made under irq_lock:
 *  providers call back from inside issue_pending (pl330) or submit.
 */
#ifndef DMASTREAM_INTERNAL_H
#define DMASTREAM_INTERNAL_H

#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/dma-direction.h>
#include <linux/dmaengine.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/rbtree.h>
#include <linux/refcount.h>
#include <linux/scatterlist.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include <linux/dmastream.h>

#include "spares.h"

#define DMASTREAM_DRV_NAME	"dmastream"

struct dma_buf;
struct dma_buf_attachment;

/*
 * Kernel memory a caller's request sizes (rings' bookkeeping, batches,
 * transfers): charged to the caller's memory cgroup, and when that or the
 * machine is out of memory the call fails with ENOMEM, without waking the
 * OOM killer or logging an allocation failure on its behalf.
 */
#define DMASTREAM_GFP_CALLER	(GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | __GFP_NOWARN)

/* Upper bound of segments per transfer, whatever the engine allows. */
#define DMASTREAM_MAX_SEGS	256
#define DMASTREAM_CQ_ENTRIES_MAX	65536
/* inflight_segs_max: room for one transfer of max_segs on each side, at least */
#define DMASTREAM_INFLIGHT_SEGS_MIN	(2 * DMASTREAM_MAX_SEGS)
#define DMASTREAM_INFLIGHT_SEGS_LIMIT	(16U << 20)
#define DMASTREAM_RX_FLUSH_MS_LIMIT	1000
#define DMASTREAM_CQ_ENTRIES_MIN	64
/* Ceilings of the module parameters buffer_size_max and buffers_max. */
#define DMASTREAM_BUFFER_SIZE_LIMIT	SZ_1G
#define DMASTREAM_BUFFERS_LIMIT		16384
#define DMASTREAM_MINORS	256
/* Ceiling of the module parameter engine_descs. */
#define DMASTREAM_ENGINE_DESCS_LIMIT	1024

/* The limits a SET_RING can hit; each is logged once per channel. */
enum dmastream_limit {
	DMASTREAM_LIMIT_BUFFERS,
	DMASTREAM_LIMIT_BUFFER_SIZE,
	DMASTREAM_LIMIT_RING_BYTES,
	DMASTREAM_LIMIT_TOTAL_RING_BYTES,
};

/* Module parameters (main.c). */
extern unsigned long dmastream_ring_bytes_max;
extern unsigned long dmastream_total_ring_bytes_max;
extern unsigned int dmastream_buffer_size_max;
extern unsigned int dmastream_buffers_max;
extern unsigned int dmastream_default_timeout_ms;
extern unsigned int dmastream_memcpy_timeout_ms;
extern unsigned int dmastream_default_error_threshold;
extern unsigned int dmastream_engine_descs;
extern unsigned int dmastream_stop_drain_ms;
extern unsigned int dmastream_inflight_segs_max;
extern unsigned int dmastream_rx_flush_ms;
extern unsigned int dmastream_proxy_timeout_ms;
extern bool dmastream_dma_proxy_bind;
extern bool dmastream_cached_streaming;

/* Live objects, checked at unload: a leak WARNs, which fails a VM test. */
extern atomic_t dmastream_live_reqs;
extern atomic_t dmastream_live_descs;
extern atomic_t dmastream_live_rings;
extern atomic_t dmastream_live_imports;

extern struct class *dmastream_class;
extern dev_t dmastream_devt_base;

/* The ABI a device's channels speak (configfs "abi"). */
enum dmastream_abi {
	DMASTREAM_ABI_NATIVE,
	DMASTREAM_ABI_DMA_PROXY,	/* Xilinx DMA Proxy 2.0: proxy.c */
};

/*
 * One channel of a dmastream_device: the source of a dmaengine channel and
 * what it is used for, as parsed from configfs or the device tree.
 */
struct dmastream_chan_spec {
	char label[DMASTREAM_NAME_LEN];
	/* Slave-map or DT name, or a dmaengine channel name ("dma0chan1"). */
	char source[DMASTREAM_NAME_LEN];
	bool by_chan_name;
	enum dmastream_abi abi;
	/* Slave configuration; 0 = not given (see device.c). */
	u32 addr_width;
	u32 maxburst;
	u64 dev_addr;
};

/* Per-buffer bookkeeping of the ring. */
struct dmastream_buf {
	void *cpu;
	dma_addr_t dma;			/* coherent, or streaming in a cached ring */
	/*
	 * Ranges of transfers in flight (struct dmastream_seg_ref), as
	 * interval trees, under irq_lock: those the engine reads and those
	 * it writes (reserve.c).
	 */
	struct rb_root_cached reads;
	struct rb_root_cached writes;
};

/* Most imports (dma-bufs, user memory) in one ring (dmastream_caps.max_imports). */
#define DMASTREAM_IMPORTS_MAX	64
/* Largest import: offsets and lengths of segments are 32-bit. */
#define DMASTREAM_IMPORT_SIZE_MAX	SZ_2G

/*
 * One entry of an import's mapping for the engine's device, and the
 * DMA-contiguous run of entries it belongs to: transfers are cut at runs,
 * syncs at entries (the DMA API knows each entry as a mapping).
 */
struct dmastream_import_ent {
	u32 start;			/* byte offset in the import */
	u32 len;
	u32 run;			/* index of its run */
	u32 run_end;			/* byte offset where its run ends */
	dma_addr_t dma;
};

/* Pinned user memory behind an import (import_user.c). */
struct dmastream_user_pages {
	struct page **pages;
	unsigned long npages;
	struct mm_struct *mm;		/* pinned_vm counted there */
	struct sg_table sgt;		/* the engine's mapping */
};

/*
 * Memory from elsewhere used as a buffer of a ring (import.c): a dma-buf
 * attached to the engine's device (import_dmabuf.c) or the caller's pages,
 * pinned (import_user.c), mapped for the import's whole life, which ends
 * with RELEASE_BUF, with the ring's owner (or a SET_RING that frees it)
 * or, for a ring DMA may still reach (wedged), with the ring.
 */
struct dmastream_kimport {
	/* What the memory is, and how its kind lets it go. */
	void (*unmap)(struct dmastream_kimport *imp);
	const void *origin;		/* the dma-buf, or the pages' mm */
	u64 origin_start;		/* 0, or the user address */
	struct dma_buf *dmabuf;		/* NULL for user memory */
	struct dma_buf_attachment *att;
	struct dmastream_user_pages user;

	struct sg_table *sgt;		/* the engine's mapping */
	struct device *dma_dev;
	enum dma_data_direction dir;
	bool engine_reads;		/* mapped for the device to read only */
	bool need_sync;			/* the mapping is bounced or not coherent */
	u32 size;
	u32 write_align;		/* of ranges the engine writes */
	struct dmastream_buf buf;	/* its reservations (cpu, dma unused) */
	u64 serial;			/* of the ring's imports, never reused */
	u32 nruns;
	u32 nents;
	struct dmastream_import_ent ents[];
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
	u32 flags;			/* DMASTREAM_RING_* */
	bool streaming;			/* cached: pages + streaming map (cached.c) */
	u32 write_align;		/* of ranges the engine writes (cached.c) */
	u64 charged;			/* count * stride, in the module's total */
	struct dmastream_buf *bufs;

	void *cq_mem;			/* vmalloc_user(): mapped by user space */
	size_t cq_bytes;
	struct dmastream_cq_hdr *cq;
	struct dmastream_cqe *cqes;
	u32 cq_entries;
	u32 cq_tail;			/* the kernel's own copy, never read back */

	atomic_t mappings;
	/* Imports by slot: set under chan->lock and irq_lock. */
	struct dmastream_kimport *imports[DMASTREAM_IMPORTS_MAX];
	u32 nimports;
	u64 import_serial;		/* the last given; chan->lock */
};

/* Where a segment of a transfer sits, for conflict checks. */
struct dmastream_seg_ref {
	struct rb_node rb;		/* in the buffer's reads or writes, or cleared */
	u32 subtree_last;		/* of the interval tree */
	u32 buf;
	u32 offset;
	u32 len;
	bool dma_writes;		/* the engine writes this range */
};

static inline bool dmastream_ranges_overlap(const struct dmastream_seg_ref *a,
					    const struct dmastream_seg_ref *b)
{
	return a->buf == b->buf && a->offset < b->offset + b->len &&
	       b->offset < a->offset + a->len;
}

/*
 * Where a transfer stands (docs/design.md, "Transfers"). A transfer enters
 * QUEUED, becomes ACTIVE when its first descriptor is handed to the engine,
 * DONE when every descriptor it will have has come back (or the engine
 * refused the rest), and is retired, in submission order, into the
 * completion queue (or held back on CQ_OVERFLOW) and freed. A channel stop
 * retires every transfer at once.
 */
enum dmastream_xfer_state {
	DMASTREAM_XFER_QUEUED,
	DMASTREAM_XFER_ACTIVE,
	DMASTREAM_XFER_DONE,
};

/* A memcpy's feeding position: the next piece starts here on both sides. */
struct dmastream_feed_pos {
	u32 si, soff;			/* source segment and offset in it */
	u32 di, doff;			/* destination segment and offset in it */
};

/* One transfer of a SUBMIT, from validation to its completion record. */
struct dmastream_req {
	union {
		struct list_head node;	/* chan->xfers, or chan->overflow */
		struct llist_node spare;	/* chan->req_spares, once freed */
	};
	struct dmastream_chan *chan;
	enum dmastream_xfer_state state;
	u64 user_cookie;
	u64 seq;
	u64 t_submit_ns;
	u64 t_complete_ns;
	u64 timeout_ns;			/* 0: none; counts from the first descriptor */
	u64 deadline_ns;		/* absolute once ACTIVE, 0: none */
	u32 len;
	u32 bytes;			/* moved by descriptors that came back */
	u32 status;			/* first error of a descriptor, else OK */
	u32 cqe_flags;
	bool expired;			/* its own deadline has passed */
	/* Feeding: what of it the engine has been handed. */
	u32 fed;			/* bytes */
	u32 descs_out;			/* descriptors handed, not back */
	struct dmastream_feed_pos pos;	/* memcpy only */
	u32 nsrc;			/* memcpy: source refs; the destination's follow */
	struct dmastream_kring *ring;	/* where its ranges are reserved, once they are */
	unsigned int nrefs;
	unsigned int nsg;		/* slave: scatterlist entries (imports' runs) */
	bool spare_sized;		/* of the size the channel keeps spares of */
	struct dmastream_seg_ref refs[];	/* a slave transfer's scatterlist follows */
};

/*
 * One descriptor handed to the engine: the callback's parameter. While
 * @req is set, the descriptor is on chan->engine and counts in the
 * transfer's descs_out. A channel stop that cannot be sure the callback
 * will not come after all (a provider without device_synchronize) clears
 * @req and keeps the descriptor on chan->orphans until it comes, or until
 * it is reclaimed (engine.c).
 */
struct dmastream_desc {
	union {
		struct list_head node;	/* chan->engine or chan->orphans */
		struct llist_node spare;	/* chan->desc_spares, once freed */
	};
	struct dmastream_chan *chan;
	struct dmastream_req *req;
	/*
	 * Two holders: the engine, until its callback (or a stop) lets go,
	 * and the feeder, until it has stored the cookie: an engine that
	 * starts on submit can call back before dmaengine_submit() returns.
	 */
	refcount_t refs;
	dma_cookie_t cookie;		/* 0 until dmaengine_submit() returned */
	u32 len;
	u32 moved;			/* known moved when a stop cut it short */
	unsigned long orphaned;		/* jiffies, once orphaned */
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
	struct device *provider_dev;	/* the dma_device's, watched for unbind */
	struct module *provider_module;	/* the provider's, referenced */
	enum dma_transfer_direction dir;
	u32 kind;			/* DMASTREAM_DIR_* */
	struct dmastream_caps caps;
	u32 piece_max;			/* memcpy: longest descriptor handed to the engine */
	/* tx/rx: the slave configuration applied at creation (sysfs slave_config) */
	u32 slave_width;
	u32 slave_burst;
	u64 slave_addr;
	bool has_synchronize;		/* the provider implements device_synchronize */
	bool wants_result;		/* descriptors carry callback_result: device.c */
	int minor;			/* -1 until allocated */
	/* The DMA Proxy personality's entries, NULL for the native ABI (proxy.c). */
	struct dmastream_proxy *proxy;

	struct mutex lock;		/* control; see the top of this file */
	/* Freed transfers and descriptors, taken again under @lock (spares.c) */
	struct dmastream_spares req_spares;
	struct dmastream_spares desc_spares;
	struct file *owner;
	struct dmastream_kring *ring;
	struct eventfd_ctx *eventfd;
	u32 timeout_ms;
	u32 error_threshold;
	u32 wake_min;			/* pollers' watermark: complete.c */
	/* Terminating failed: DMA may still reach this ring, never freed. */
	struct dmastream_kring *wedged_ring;

	spinlock_t irq_lock;		/* completion side; see the top */
	u32 state;			/* DMASTREAM_STATE_* */
	bool dead;			/* device removed */
	unsigned long limits_told;	/* BIT(DMASTREAM_LIMIT_*) already logged */
	bool stop_pending;		/* error_work queued for the sticky error */
	/* EPOLLOUT was last found false: its return is worth a wakeup (complete.c) */
	bool unwritable_seen;
	struct list_head xfers;		/* transfers not yet retired, in submission order */
	u32 nxfers;
	u32 nsegs_inflight;		/* segments of the transfers on xfers */
	struct list_head overflow;	/* retired, waiting for room in the CQ */
	u32 noverflow;
	u64 next_seq;
	u32 consecutive_errors;
	/* rx: the queue ran empty; the next transfer gets DMASTREAM_CQE_AFTER_EMPTY */
	bool rx_ran_empty;
	u64 flushed;			/* rx: descriptors dropped by stream flushes */
	struct dmastream_stats stats;

	/* The engine side (engine.c), under irq_lock. */
	struct list_head engine;	/* descriptors the engine holds */
	u32 nengine;
	u32 engine_max;			/* most descriptors handed at once */
	struct list_head orphans;	/* see struct dmastream_desc */
	u32 norphans;
	struct dmastream_req *feed_next;	/* first transfer not fully handed */
	bool feed_blocked;		/* the provider refused a descriptor */
	u32 feed_retries;		/* refusals with nothing of ours in the engine */
	struct delayed_work feed_work;
	wait_queue_head_t engine_wq;	/* stop waits for nengine == 0 here */

	wait_queue_head_t wq;		/* poll(); woken at the watermark */
	wait_queue_head_t wait_wq;	/* WAIT and DMA Proxy FINISH sleepers */
	struct delayed_work timeout_work;
	u64 timer_deadline_ns;		/* of the armed timeout_work, 0 if idle */
	struct work_struct error_work;
};

struct dmastream_device;

/*
 * A channel of a device, and the watch on its provider's bus: when the
 * provider's device is about to be unbound, the channel is removed first
 * (device.c), whether or not a device link would have done it.
 */
struct dmastream_slot {
	struct dmastream_chan *chan;	/* NULL once removed */
	struct dmastream_device *sdev;
	struct dmastream_chan_spec spec;
	struct notifier_block nb;
	/* NULL: not watching; const or not as struct device has it */
	typeof(((struct device *)NULL)->bus) bus;
};

struct dmastream_device {
	struct device *dev;
	char name[DMASTREAM_NAME_LEN];
	struct mutex lock;		/* slots[].chan against provider unbinding */
	/* Channels that went with their provider come back with it (device tree). */
	bool reclaim;
	unsigned int nchans;
	struct dmastream_slot slots[];
};

/*
 * The settings a channel starts with, and that every new owner starts
 * with again: SET_CONFIG's changes last only as long as the ring. A memcpy
 * always completes, so a default timeout catches a provider that dropped
 * a descriptor or stalled; a stream legitimately waits for its peer.
 */
static inline void dmastream_chan_defaults(struct dmastream_chan *chan)
{
	chan->timeout_ms = chan->kind == DMASTREAM_DIR_MEMCPY ?
			   READ_ONCE(dmastream_memcpy_timeout_ms) :
			   READ_ONCE(dmastream_default_timeout_ms);
	chan->error_threshold = READ_ONCE(dmastream_default_error_threshold);
	chan->wake_min = 0;
}

static inline struct dmastream_chan *to_dmastream_chan(struct device *dev)
{
	return container_of(dev, struct dmastream_chan, dev);
}

#endif /* DMASTREAM_INTERNAL_H */
