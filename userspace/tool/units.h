/* SPDX-License-Identifier: MIT */
/*
 * Human units in and out. Sizes: K/M/G/T, Ki/Mi/Gi/Ti (or KiB...) are
 * powers of 1024, KB/MB/GB/TB powers of 1000, as dd(1) reads them. Counts:
 * k/K/M/G are powers of 1000, Ki/Mi/Gi powers of 1024. Durations: ns, us, ms, s (the default), m, h. Rates are
 * printed in decimal units (GB/s), sizes in binary ones (GiB).
 */
#ifndef DMS_TOOL_UNITS_H
#define DMS_TOOL_UNITS_H

#include <stddef.h>
#include <stdint.h>

int parse_size(const char *s, uint64_t *out);
int parse_count(const char *s, uint64_t *out);
int parse_duration_ns(const char *s, uint64_t *out);

/* Each writes at most @len bytes, always terminated, and returns @buf. */
char *format_size(uint64_t bytes, char *buf, size_t len);
char *format_rate(double bytes_per_s, char *buf, size_t len);
char *format_count(double n, char *buf, size_t len);
char *format_duration(uint64_t ns, char *buf, size_t len);

#endif /* DMS_TOOL_UNITS_H */
