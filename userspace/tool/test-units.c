// SPDX-License-Identifier: MIT
/* Human units: parsing accepts what the man page promises and nothing else. */
#include <errno.h>
#include <stdint.h>

#include "check.h"
#include "units.h"

static uint64_t size_of(const char *s)
{
	uint64_t v = 0xdead;

	CHECK_EQ(parse_size(s, &v), 0);
	return v;
}

int main(void)
{
	uint64_t v;
	char buf[32];

	CHECK_EQ(size_of("0"), 0);
	CHECK_EQ(size_of("4096"), 4096);
	CHECK_EQ(size_of("64K"), 65536);
	CHECK_EQ(size_of("64k"), 65536);
	CHECK_EQ(size_of("64KiB"), 65536);
	CHECK_EQ(size_of("64KB"), 64000);
	CHECK_EQ(size_of("1M"), 1048576);
	CHECK_EQ(size_of("1MB"), 1000000);
	CHECK_EQ(size_of("1.5M"), 1572864);
	CHECK_EQ(size_of("2G"), 2147483648ll);
	CHECK_EQ(size_of("1T"), 1099511627776ll);
	CHECK_EQ(size_of("512B"), 512);
	CHECK_EQ(size_of("64Ki"), 65536);
	CHECK_EQ(size_of("4Mi"), 4194304);
	CHECK_EQ(size_of("2Gi"), 2147483648ll);
	CHECK_EQ(size_of("1Ti"), 1099511627776ll);
	CHECK_EQ(size_of("1.5Mi"), 1572864);
	CHECK_EQ(parse_size("1mi", &v), -EINVAL);
	CHECK_EQ(parse_size("1Mib", &v), -EINVAL);
	CHECK_EQ(size_of("0.5K"), 512);
	CHECK_EQ(parse_size("", &v), -EINVAL);
	CHECK_EQ(parse_size("K", &v), -EINVAL);
	CHECK_EQ(parse_size("-1", &v), -EINVAL);
	CHECK_EQ(parse_size("12Q", &v), -EINVAL);
	CHECK_EQ(parse_size("1.5", &v), -EINVAL);	/* not a whole number of bytes */
	CHECK_EQ(parse_size("1..5K", &v), -EINVAL);
	CHECK_EQ(parse_size("64 K", &v), -EINVAL);
	CHECK_EQ(parse_size("99999999999999999999", &v), -ERANGE);
	CHECK_EQ(parse_size("20000000T", &v), -ERANGE);
	CHECK_EQ(parse_size(NULL, &v), -EINVAL);

	CHECK_EQ(parse_count("1000", &v), 0);
	CHECK_EQ(v, 1000);
	CHECK_EQ(parse_count("10k", &v), 0);
	CHECK_EQ(v, 10000);
	CHECK_EQ(parse_count("1.5M", &v), 0);
	CHECK_EQ(v, 1500000);
	CHECK_EQ(parse_count("1KiB", &v), -EINVAL);
	CHECK_EQ(parse_count("1K", &v), 0);
	CHECK_EQ(v, 1000);
	CHECK_EQ(parse_count("2G", &v), 0);
	CHECK_EQ(v, 2000000000);
	CHECK_EQ(parse_count("1Ki", &v), 0);
	CHECK_EQ(v, 1024);
	CHECK_EQ(parse_count("4Mi", &v), 0);
	CHECK_EQ(v, 4194304);
	CHECK_EQ(parse_count("1Gi", &v), 0);
	CHECK_EQ(v, 1073741824);
	CHECK_EQ(parse_count("1ki", &v), -EINVAL);
	CHECK_EQ(parse_count("0.5", &v), -EINVAL);

	CHECK_EQ(parse_duration_ns("10", &v), 0);
	CHECK_EQ(v, 10000000000ll);
	CHECK_EQ(parse_duration_ns("1.5s", &v), 0);
	CHECK_EQ(v, 1500000000ll);
	CHECK_EQ(parse_duration_ns("500ms", &v), 0);
	CHECK_EQ(v, 500000000);
	CHECK_EQ(parse_duration_ns("250us", &v), 0);
	CHECK_EQ(v, 250000);
	CHECK_EQ(parse_duration_ns("2m", &v), 0);
	CHECK_EQ(v, 120000000000ll);
	CHECK_EQ(parse_duration_ns("1h", &v), 0);
	CHECK_EQ(v, 3600000000000ll);
	CHECK_EQ(parse_duration_ns("0", &v), 0);
	CHECK_EQ(v, 0);
	CHECK_EQ(parse_duration_ns("5 s", &v), -EINVAL);
	CHECK_EQ(parse_duration_ns("5d", &v), -EINVAL);

	CHECK_STR(format_size(0, buf, sizeof(buf)), "0 B");
	CHECK_STR(format_size(512, buf, sizeof(buf)), "512 B");
	CHECK_STR(format_size(65536, buf, sizeof(buf)), "64.0 KiB");
	CHECK_STR(format_size(1536, buf, sizeof(buf)), "1.50 KiB");
	CHECK_STR(format_size(1048576, buf, sizeof(buf)), "1.00 MiB");
	CHECK_STR(format_size(1048575, buf, sizeof(buf)), "1.00 MiB");
	CHECK_STR(format_size(13207024435ull, buf, sizeof(buf)), "12.3 GiB");
	CHECK_STR(format_rate(1.2e9, buf, sizeof(buf)), "1.20 GB/s");
	CHECK_STR(format_rate(950e6, buf, sizeof(buf)), "950 MB/s");
	CHECK_STR(format_rate(12.5e3, buf, sizeof(buf)), "12.5 kB/s");
	CHECK_STR(format_rate(0, buf, sizeof(buf)), "0 B/s");
	CHECK_STR(format_rate(-5, buf, sizeof(buf)), "0 B/s");
	CHECK_STR(format_count(18300, buf, sizeof(buf)), "18.3k");
	CHECK_STR(format_count(42, buf, sizeof(buf)), "42");
	CHECK_STR(format_count(2.5e6, buf, sizeof(buf)), "2.50M");
	CHECK_STR(format_duration(750, buf, sizeof(buf)), "750 ns");
	CHECK_STR(format_duration(12000, buf, sizeof(buf)), "12.0 us");
	CHECK_STR(format_duration(1500000, buf, sizeof(buf)), "1.50 ms");
	CHECK_STR(format_duration(2000000000, buf, sizeof(buf)), "2.00 s");
	/* Never longer than the buffer. */
	CHECK_STR(format_size(1ull << 62, buf, 6), "4.00 ");
	return check_report();
}
