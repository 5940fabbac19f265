/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmasim_client: a test-only dmaengine client for dmasim. It binds to the
 * platform device "dmasim-client.N", gets engine N's channels through
 * dmasim's dma_slave_map, and runs the test cases that scripts in
 * tests/dmasim/ ask for through debugfs:
 *
 *   echo "loop n=4 len=4096" > /sys/kernel/debug/dmasim-client.N/cmd
 *   cat /sys/kernel/debug/dmasim-client.N/result
 *
 * The write fails with EIO when a check failed (the result says which),
 * with EINVAL on a malformed command. Results are "key=value" words.
 */
#ifndef DMASIM_CLIENT_H
#define DMASIM_CLIENT_H

#include <linux/atomic.h>
#include <linux/dmaengine.h>
#include <linux/ktime.h>
#include <linux/mutex.h>
#include <linux/scatterlist.h>
#include <linux/wait.h>

enum { DSC_TX, DSC_RX, DSC_MEMCPY, DSC_NR_CHANS };

/* Bytes a buffer holds where no transfer may write. */
#define DSC_UNTOUCHED	0xa5
#define DSC_CANARY	64
#define DSC_MAX_ARGS	16
#define DSC_OUT_SIZE	4096
#define DSC_FLAGS	(DMA_PREP_INTERRUPT | DMA_CTRL_ACK)

struct dsc_seg {
	void *cpu;		/* the allocation */
	dma_addr_t dma;
	size_t alloc;
	size_t start;		/* where the segment's bytes begin in it */
	u32 len;
};

/* A scatter-gather buffer, one coherent allocation per segment. */
struct dsc_buf {
	struct device *dev;
	size_t len;
	unsigned int nsegs;
	struct scatterlist *sgl;
	struct dsc_seg segs[];
};

struct dsc_run;

/* One descriptor submitted by a test case, and what its callback saw. */
struct dsc_xfer {
	struct dsc_run *run;
	struct dsc_buf *buf;
	struct dsc_buf *src;		/* memcpy source */
	unsigned int index;		/* submission order */
	unsigned int tag;		/* what the buffer was filled for */
	dma_cookie_t cookie;
	bool called;
	bool in_bh;			/* callback ran in softirq context */
	int order;			/* n-th callback of its run */
	enum dmaengine_tx_result result;
	u32 residue;
	ktime_t when;
	bool behind;			/* probe: its cookie was not complete yet */
};

/* The descriptors of one channel in one test case. */
struct dsc_run {
	struct dma_chan *chan;
	struct dsc_xfer *x;
	unsigned int n;
	atomic_t called;		/* callbacks begun */
	atomic_t finished;		/* callbacks done with their bookkeeping */
	wait_queue_head_t wq;
	wait_queue_head_t *wake;	/* woken by each callback: wq or another run's */
	int terminate_at;		/* callback index that terminates, or -1 */
	/*
	 * Called from the callback, in BH context, after the bookkeeping;
	 * returns true when it submitted the descriptor again.
	 */
	bool (*on_done)(struct dsc_xfer *x);
	void *priv;
	bool probe;			/* callbacks ask the cookie's status */
};

struct dsc_args {
	unsigned int n;
	unsigned long used;
	char *key[DSC_MAX_ARGS];
	char *val[DSC_MAX_ARGS];
};

struct dsc_client {
	struct device *dev;
	struct dma_chan *chan[DSC_NR_CHANS];
	struct mutex lock;		/* one command at a time */
	char *out;
	size_t out_len;
	bool failed;
	int bad_arg;			/* -EINVAL once an argument did not parse */
	struct dentry *debugfs;
	void *source_state;		/* between rx_arm and rx_collect */
};

/* dmasim_client_main.c: infrastructure shared by the test cases. */
extern const char *const dsc_chan_names[DSC_NR_CHANS];
__printf(2, 3) void dsc_out(struct dsc_client *c, const char *fmt, ...);
__printf(2, 3) void dsc_fail(struct dsc_client *c, const char *fmt, ...);
u64 dsc_arg(struct dsc_client *c, struct dsc_args *a, const char *key, u64 def);
const char *dsc_arg_str(struct dsc_args *a, const char *key, const char *def);
struct dma_chan *dsc_arg_chan(struct dsc_client *c, struct dsc_args *a,
			      int def);
struct dma_chan *dsc_need(struct dsc_client *c, int id);

struct dsc_buf *dsc_buf_alloc(struct device *dev, size_t len,
			      unsigned int nsegs, u32 offset);
void dsc_buf_free(struct dsc_buf *b);
u8 dsc_pattern(unsigned int tag, size_t pos);
void dsc_buf_fill(struct dsc_buf *b, unsigned int tag);
void dsc_buf_clear(struct dsc_buf *b);
size_t dsc_buf_check(struct dsc_buf *b, unsigned int tag, size_t pattern_pos,
		     size_t len);
size_t dsc_buf_check_untouched(struct dsc_buf *b, size_t from);
bool dsc_buf_canaries_ok(struct dsc_buf *b);
u32 dsc_buf_sum(struct dsc_buf *b);
u8 *dsc_buf_byte(struct dsc_buf *b, size_t pos);

struct dsc_run *dsc_run_new(struct dma_chan *chan, unsigned int n);
void dsc_run_free(struct dsc_run *run);
int dsc_submit_desc(struct dsc_xfer *x, struct dma_async_tx_descriptor *d);
int dsc_submit_sg(struct dsc_run *run, unsigned int i,
		  enum dma_transfer_direction dir, unsigned long flags);
int dsc_submit_memcpy(struct dsc_run *run, unsigned int i, unsigned long flags);
unsigned int dsc_count_results(struct dsc_run *run, unsigned int count[4]);
bool dsc_wait(struct dsc_run *run, unsigned int ncalled, unsigned int ms);
bool dsc_run_in_order(struct dsc_client *c, struct dsc_run *run,
		      const char *what);

/* dmasim_client_stream.c */
int dsc_cmd_loop(struct dsc_client *c, struct dsc_args *a);
int dsc_cmd_backpressure(struct dsc_client *c, struct dsc_args *a);
int dsc_cmd_tx(struct dsc_client *c, struct dsc_args *a);
int dsc_cmd_terminate(struct dsc_client *c, struct dsc_args *a);
int dsc_cmd_sync(struct dsc_client *c, struct dsc_args *a);
int dsc_cmd_rx_arm(struct dsc_client *c, struct dsc_args *a);
int dsc_cmd_rx_collect(struct dsc_client *c, struct dsc_args *a);
void dsc_source_release(struct dsc_client *c);

/* dmasim_client_copy.c */
int dsc_cmd_caps(struct dsc_client *c, struct dsc_args *a);
int dsc_cmd_memcpy(struct dsc_client *c, struct dsc_args *a);
int dsc_cmd_limits(struct dsc_client *c, struct dsc_args *a);
int dsc_cmd_bus(struct dsc_client *c, struct dsc_args *a);
int dsc_cmd_bench(struct dsc_client *c, struct dsc_args *a);

/* dmasim_client_habits.c */
int dsc_cmd_observe(struct dsc_client *c, struct dsc_args *a);
int dsc_cmd_budget(struct dsc_client *c, struct dsc_args *a);

#endif /* DMASIM_CLIENT_H */
