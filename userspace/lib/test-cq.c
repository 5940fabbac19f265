// SPDX-License-Identifier: MIT
/*
 * The CQ consumer against an in-memory ring laid out like the driver's:
 * attaching checks the layout; entries come out in order across the 2^32
 * wrap of head and tail; advancing never passes the tail; and a producer
 * thread publishing with release stores is read correctly by a consumer
 * using only the library's verbs.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "internal.h"

#define ENTRIES 64

struct fake_cq {
	uint32_t head, pad0[15];
	uint32_t tail, pad1[15];
	uint32_t mask, entries, flags, overflow, pad2[12];
	struct dmastream_cqe cqes[ENTRIES];
};

static const struct dmastream_cq_offsets offsets = {
	.head = 0, .tail = 64, .ring_mask = 128, .ring_entries = 132,
	.flags = 136, .overflow = 140, .cqes = 192,
};

static void fresh(struct fake_cq *r, uint32_t start)
{
	memset(r, 0, sizeof(*r));
	r->mask = ENTRIES - 1;
	r->entries = ENTRIES;
	r->head = r->tail = start;
}

/* The producer side, as the driver does it. */
static void produce(struct fake_cq *r, uint64_t cookie)
{
	uint32_t t = r->tail;

	r->cqes[t & (ENTRIES - 1)] = (struct dmastream_cqe){ .cookie = cookie, .seq = cookie };
	__atomic_store_n(&r->tail, t + 1, __ATOMIC_RELEASE);
}

static void test_attach(void)
{
	struct fake_cq r;
	struct dms_cq cq;
	struct dmastream_cq_offsets bad = offsets;

	fresh(&r, 0);
	CHECK_EQ(dms__cq_attach(&cq, &r, sizeof(r), &offsets, ENTRIES), 0);
	CHECK_EQ(dms__cq_attach(&cq, &r, sizeof(r), &offsets, 48), -EINVAL);
	CHECK_EQ(dms__cq_attach(&cq, &r, sizeof(r), &offsets, 32), -EPROTO);
	CHECK_EQ(dms__cq_attach(&cq, &r, sizeof(r) - 1, &offsets, ENTRIES), -EINVAL);
	bad.tail = 66;
	CHECK_EQ(dms__cq_attach(&cq, &r, sizeof(r), &bad, ENTRIES), -EINVAL);
	bad = offsets;
	bad.cqes = sizeof(r);
	CHECK_EQ(dms__cq_attach(&cq, &r, sizeof(r), &bad, ENTRIES), -EINVAL);
	CHECK_EQ(dms__cq_attach(&cq, NULL, sizeof(r), &offsets, ENTRIES), -EINVAL);
}

/* Fill and drain the ring many times, starting just before head wraps. */
static void test_order_and_wrap(uint32_t start)
{
	const struct dmastream_cqe *got[ENTRIES];
	struct fake_cq *r = malloc(sizeof(*r));
	uint64_t next_in = 0, next_out = 0;
	struct dms_cq cq;
	uint32_t n, i, round;

	fresh(r, start);
	CHECK_EQ(dms__cq_attach(&cq, r, sizeof(*r), &offsets, ENTRIES), 0);
	CHECK_EQ(dms__cq_ready(&cq), 0);
	CHECK_EQ(dms__cq_peek(&cq, got, ENTRIES), 0);

	for (round = 0; round < 20; round++) {
		uint32_t burst = 1 + (round * 7) % ENTRIES;

		for (i = 0; i < burst; i++)
			produce(r, next_in++);
		CHECK_EQ(dms__cq_ready(&cq), burst);
		/* Consume in two uneven steps. */
		n = dms__cq_peek(&cq, got, burst / 2 + 1);
		CHECK_EQ(n, burst / 2 + 1 > burst ? burst : burst / 2 + 1);
		for (i = 0; i < n; i++)
			CHECK_EQ(got[i]->cookie, next_out + i);
		dms__cq_advance(&cq, n);
		next_out += n;
		CHECK_EQ(r->head, start + (uint32_t)next_out);
		n = dms__cq_peek(&cq, got, ENTRIES);
		CHECK_EQ(n, burst - (burst / 2 + 1 > burst ? burst : burst / 2 + 1));
		for (i = 0; i < n; i++)
			CHECK_EQ(got[i]->cookie, next_out + i);
		dms__cq_advance(&cq, n);
		next_out += n;
	}
	CHECK_EQ(next_out, next_in);
	CHECK_EQ(r->head, r->tail);

	/* Advancing past the tail is clamped; nothing is skipped. */
	produce(r, next_in++);
	dms__cq_advance(&cq, 5);
	CHECK_EQ(r->head, r->tail);
	CHECK_EQ(dms__cq_ready(&cq), 0);

	/* A producer that claims more than the ring holds is not believed. */
	r->tail = r->head + ENTRIES + 10;
	CHECK_EQ(dms__cq_ready(&cq), ENTRIES);
	free(r);
}

struct race {
	struct fake_cq *r;
	uint64_t total;
};

static void *producer(void *arg)
{
	struct race *rc = arg;
	uint64_t i;

	for (i = 0; i < rc->total; i++) {
		/* Room is what the consumer has handed back. */
		while (rc->r->tail - __atomic_load_n(&rc->r->head, __ATOMIC_ACQUIRE) >= ENTRIES)
			;
		produce(rc->r, i);
	}
	return NULL;
}

static void test_threads(void)
{
	const struct dmastream_cqe *got[16];
	struct race rc = { .total = 200000 };
	uint64_t expect = 0, bad = 0;
	struct dms_cq cq;
	pthread_t th;
	uint32_t n, i;

	rc.r = malloc(sizeof(*rc.r));
	fresh(rc.r, 0xfffff000u);
	CHECK_EQ(dms__cq_attach(&cq, rc.r, sizeof(*rc.r), &offsets, ENTRIES), 0);
	CHECK_EQ(pthread_create(&th, NULL, producer, &rc), 0);
	while (expect < rc.total) {
		n = dms__cq_peek(&cq, got, 16);
		for (i = 0; i < n; i++) {
			if (got[i]->cookie != expect + i || got[i]->seq != expect + i)
				bad++;
		}
		dms__cq_advance(&cq, n);
		expect += n;
	}
	pthread_join(th, NULL);
	CHECK_EQ(bad, 0);
	CHECK_EQ(expect, rc.total);
	free(rc.r);
}

int main(void)
{
	test_attach();
	test_order_and_wrap(0);
	test_order_and_wrap(0xffffffe0u);
	test_threads();
	return check_report();
}
