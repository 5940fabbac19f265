/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the driver's VM tests: they talk to dmastream.ko through the
 * raw ABI (no library), so that what they check is the kernel's behaviour.
 *
 * The tests expect the device set up by tests/driver/setup.sh: "t0" with
 * channels tx, rx (the loopback of dmasim engine 0) and memcpy.
 */
#ifndef DSTEST_H
#define DSTEST_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/dmastream.h>

#define T_DEV		"t0"

extern int t_failures;
extern const char *t_name;

void t_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Record a failure and go on. */
#define T_CHECK(cond, ...) do {						\
	if (!(cond))							\
		t_fail(__FILE__, __LINE__, __VA_ARGS__);		\
} while (0)

/* Record a failure and stop the test program. */
#define T_ASSERT(cond, ...) do {					\
	if (!(cond)) {							\
		t_fail(__FILE__, __LINE__, __VA_ARGS__);		\
		exit(t_report());					\
	}								\
} while (0)

/* An ioctl or call that must fail with exactly this errno. */
#define T_ERRNO(expr, err) do {						\
	long _rc = (expr);						\
	int _e = errno;							\
	T_CHECK(_rc == -1 && _e == (err), "%s: expected %s, got rc %ld errno %s", \
		#expr, strerror(err), _rc, _rc == -1 ? strerror(_e) : "-");	\
} while (0)

void t_start(const char *name);
int t_report(void);

/* A channel with its ring set up and everything mapped. */
struct tchan {
	int fd;
	char path[128];
	struct dmastream_caps caps;
	struct dmastream_ring ring;
	void *cq;
	uint32_t *head;
	uint32_t *tail;
	uint32_t *cq_flags;
	uint32_t *overflow;
	struct dmastream_cqe *cqes;
	uint8_t **bufs;
	uint32_t count;
	uint32_t size;
	uint32_t local_head;
};

/* DSTEST_RING=cached in the environment: t_setup() makes cached rings. */
uint32_t t_ring_flags(void);
const char *t_path(const char *label);
int t_open(const char *label, int flags);
void t_setup(struct tchan *c, const char *label, uint32_t count, uint32_t size,
	     uint32_t cq_entries);
void t_unmap(struct tchan *c);
void t_teardown(struct tchan *c);

/* One-segment transfer helpers over struct dmastream_submit. */
int t_submit(struct tchan *c, const struct dmastream_xfer *x, uint32_t nx,
	     const struct dmastream_seg *s, uint32_t ns, uint32_t *bad);
int t_submit1(struct tchan *c, uint32_t buf, uint32_t off, uint32_t len, uint64_t cookie);
/* A memcpy channel: @len bytes from buffer @src to @dst, at offset 0, and its record. */
void t_copy(struct tchan *c, uint32_t src, uint32_t dst, uint32_t len, uint64_t cookie);
/*
 * A memcpy channel: @len bytes from @src at @soff to @dst at @doff; the
 * record's status, or -errno of the submission (the bad index in @bad).
 */
int t_copy_at(struct tchan *c, uint32_t src, uint32_t soff, uint32_t dst, uint32_t doff,
	      uint32_t len, uint32_t *bad);

/* DMASTREAM_IOC_EXPORT_BUF: the dma-buf fd, or -errno. */
int t_export(int fd, uint32_t buf, uint32_t flags);
/* DMASTREAM_IOC_RELEASE_BUF of import @index: the ioctl's return value. */
int t_release(int fd, uint32_t index);
/*
 * Whether no ring is left anywhere: with total_ring_bytes_max at one ring
 * of @count x @size (restored after), SET_RING on @label must succeed.
 * Returns 0 or the errno of SET_RING (EDQUOT: memory still held).
 */
int t_ring_fits_alone(const char *label, uint32_t count, uint32_t size);
/* The same with total_ring_bytes_max at @budget: what all rings may hold. */
int t_ring_fits_within(const char *label, uint32_t count, uint32_t size, uint64_t budget);

/* Completion queue. */
uint32_t t_pending(struct tchan *c);
uint32_t t_reap(struct tchan *c, struct dmastream_cqe *out, uint32_t max);
int t_wait(struct tchan *c, uint32_t min, uint64_t timeout_ns, uint32_t *avail);
/* Reap exactly n completions, waiting up to timeout_ms in total. */
int t_collect(struct tchan *c, struct dmastream_cqe *out, uint32_t n, int timeout_ms);

int t_stats(int fd, struct dmastream_stats *st);

/* Files: return 0 or -errno. */
int t_write_file(const char *path, const char *text);
int t_read_file(const char *path, char *buf, size_t len);
long long t_read_num(const char *path);

/* dmasim fault injection and modes for engine 0: see docs/dmasim.md. */
int t_sim_set(const char *chan, const char *knob, const char *value);
long long t_sim_get(const char *chan, const char *knob);

/* Deterministic fill and check. */
void t_fill(uint8_t *p, size_t len, uint64_t seed);
bool t_check_fill(const uint8_t *p, size_t len, uint64_t seed, size_t *bad_at);
uint64_t t_rand(void);

uint64_t t_now_ns(void);

/*
 * Whether an RX record's bytes can be exact: not when the engine passes
 * no result or no residue with its callbacks (dmasim's zynqmp and pl330
 * personalities, as those providers): the driver then reports the whole
 * buffer. vm-personality.sh sets DSTEST_NO_RX_LENGTH.
 */
bool t_exact_rx_length(void);

#endif /* DSTEST_H */
