// SPDX-License-Identifier: MIT
/* Parsing and printing human units; see units.h for the conventions. */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "units.h"

struct suffix {
	const char *name;
	double factor;
};

/*
 * A non-negative decimal number (digits, at most one point) followed by
 * one of @suffixes (matched exactly, "" meaning none). The product must
 * be a whole number that fits in 64 bits.
 */
static int parse_scaled(const char *s, const struct suffix *suffixes, uint64_t *out)
{
	const char *p = s;
	double scale = 1, v;
	bool digits = false, point = false;
	uint64_t mantissa = 0;
	size_t i;

	if (!s)
		return -EINVAL;
	for (; (*p >= '0' && *p <= '9') || (*p == '.' && !point); p++) {
		if (*p == '.') {
			point = true;
			continue;
		}
		digits = true;
		if (mantissa > (UINT64_MAX - 9) / 10)
			return -ERANGE;
		mantissa = mantissa * 10 + (uint64_t)(*p - '0');
		if (point)
			scale *= 10;
	}
	if (!digits)
		return -EINVAL;
	for (i = 0; suffixes[i].name; i++)
		if (strcmp(p, suffixes[i].name) == 0)
			break;
	if (!suffixes[i].name)
		return -EINVAL;
	/* Whole numbers stay exact; fractions go through double. */
	if (!point || scale == 1) {
		if (suffixes[i].factor > 1 &&
		    (double)mantissa > 18446744073709549568.0 / suffixes[i].factor)
			return -ERANGE;
		*out = mantissa * (uint64_t)suffixes[i].factor;
		return 0;
	}
	v = (double)mantissa / scale * suffixes[i].factor;
	if (v >= 18446744073709549568.0)
		return -ERANGE;
	if (v != floor(v))
		return -EINVAL;
	*out = (uint64_t)v;
	return 0;
}

#define KI 1024.0
#define KD 1000.0

int parse_size(const char *s, uint64_t *out)
{
	static const struct suffix sizes[] = {
		{ "", 1 }, { "B", 1 },
		{ "K", KI }, { "k", KI }, { "Ki", KI }, { "KiB", KI }, { "kiB", KI },
		{ "KB", KD }, { "kB", KD },
		{ "M", KI * KI }, { "Mi", KI * KI }, { "MiB", KI * KI }, { "MB", KD * KD },
		{ "G", KI * KI * KI }, { "Gi", KI * KI * KI }, { "GiB", KI * KI * KI },
		{ "GB", KD * KD * KD },
		{ "T", KI * KI * KI * KI }, { "Ti", KI * KI * KI * KI }, { "TiB", KI * KI * KI * KI },
		{ "TB", KD * KD * KD * KD },
		{ NULL, 0 },
	};

	return parse_scaled(s, sizes, out);
}

int parse_count(const char *s, uint64_t *out)
{
	static const struct suffix counts[] = {
		{ "", 1 }, { "k", KD }, { "K", KD }, { "M", KD * KD }, { "G", KD * KD * KD },
		{ "Ki", KI }, { "Mi", KI * KI }, { "Gi", KI * KI * KI },
		{ NULL, 0 },
	};

	return parse_scaled(s, counts, out);
}

int parse_duration_ns(const char *s, uint64_t *out)
{
	static const struct suffix durations[] = {
		{ "", 1e9 }, { "s", 1e9 }, { "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 },
		{ "m", 60e9 }, { "min", 60e9 }, { "h", 3600e9 },
		{ NULL, 0 },
	};

	return parse_scaled(s, durations, out);
}

/* Three significant digits: "1.23", "12.3", "123". */
static void three_digits(double v, const char *unit, char *buf, size_t len)
{
	if (v < 10)
		snprintf(buf, len, "%.2f %s", v, unit);
	else if (v < 100)
		snprintf(buf, len, "%.1f %s", v, unit);
	else
		snprintf(buf, len, "%.0f %s", v, unit);
}

/* Scale by @base while the number would need four digits. */
static char *scaled(double v, double base, const char *const *units, char *buf, size_t len)
{
	int i = 0;

	if (!(v >= 0) || isinf(v))
		v = 0;
	/* Move up while the rounded value would print as 1000 or more. */
	while (units[i + 1] && v >= 999.5) {
		v /= base;
		i++;
	}
	if (i == 0 && v == floor(v))
		snprintf(buf, len, "%.0f %s", v, units[0]);
	else
		three_digits(v, units[i], buf, len);
	return buf;
}

char *format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char *const u[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", NULL };

	return scaled((double)bytes, 1024, u, buf, len);
}

char *format_rate(double bytes_per_s, char *buf, size_t len)
{
	static const char *const u[] = { "B/s", "kB/s", "MB/s", "GB/s", "TB/s", NULL };

	return scaled(bytes_per_s, 1000, u, buf, len);
}

char *format_count(double n, char *buf, size_t len)
{
	static const char *const u[] = { "", "k", "M", "G", "T", NULL };
	size_t l;

	scaled(n, 1000, u, buf, len);
	/* "1.92 k" reads better as "1.92k"; a bare number loses its blank. */
	l = strlen(buf);
	if (l && buf[l - 1] == ' ')
		buf[l - 1] = '\0';
	else if (l >= 2 && buf[l - 2] == ' ')
		memmove(&buf[l - 2], &buf[l - 1], 2);
	return buf;
}

char *format_duration(uint64_t ns, char *buf, size_t len)
{
	if (ns < 1000)
		snprintf(buf, len, "%llu ns", (unsigned long long)ns);
	else if (ns < 1000000)
		three_digits((double)ns / 1e3, "us", buf, len);
	else if (ns < 1000000000)
		three_digits((double)ns / 1e6, "ms", buf, len);
	else
		three_digits((double)ns / 1e9, "s", buf, len);
	return buf;
}
