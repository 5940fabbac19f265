/* SPDX-License-Identifier: MIT */
/*
 * Minimal checks for the unit tests: each failed check prints where and
 * why, and the test's exit status is check_report()'s (1 if any failed).
 */
#ifndef DMS_TESTING_CHECK_H
#define DMS_TESTING_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failures;

#define CHECK(cond) do {							\
	if (!(cond)) {								\
		fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);	\
		check_failures++;						\
	}									\
} while (0)

#define CHECK_EQ(a, b) do {							\
	long long check_a_ = (long long)(a), check_b_ = (long long)(b);		\
	if (check_a_ != check_b_) {						\
		fprintf(stderr, "FAIL %s:%d: %s == %s: %lld != %lld\n",		\
			__FILE__, __LINE__, #a, #b, check_a_, check_b_);	\
		check_failures++;						\
	}									\
} while (0)

#define CHECK_STR(a, b) do {							\
	const char *check_a_ = (a), *check_b_ = (b);				\
	if (!check_a_ || !check_b_ || strcmp(check_a_, check_b_) != 0) {	\
		fprintf(stderr, "FAIL %s:%d: %s == %s: \"%s\" != \"%s\"\n",	\
			__FILE__, __LINE__, #a, #b, check_a_ ? check_a_ : "(null)", \
			check_b_ ? check_b_ : "(null)");			\
		check_failures++;						\
	}									\
} while (0)

static inline int check_report(void)
{
	if (check_failures)
		fprintf(stderr, "%d check(s) failed\n", check_failures);
	return check_failures ? 1 : 0;
}

#endif /* DMS_TESTING_CHECK_H */
