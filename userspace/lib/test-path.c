// SPDX-License-Identifier: MIT
/*
 * Channel names to paths, opening what is not a channel, and the uapi's
 * numbers to names.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "internal.h"

int main(void)
{
	char buf[64], small[16];

	CHECK_EQ(dms_channel_path("loop0/rx", buf, sizeof(buf)), 0);
	CHECK_STR(buf, "/dev/dmastream/loop0/rx");
	CHECK_EQ(dms_channel_path("adc_1.a-b/rx2", buf, sizeof(buf)), 0);
	CHECK_STR(buf, "/dev/dmastream/adc_1.a-b/rx2");
	CHECK_EQ(dms_channel_path("/dev/dmastream/x/tx", buf, sizeof(buf)), 0);
	CHECK_STR(buf, "/dev/dmastream/x/tx");
	CHECK_EQ(dms_channel_path("./dev-copy", buf, sizeof(buf)), 0);
	CHECK_STR(buf, "./dev-copy");

	/* A device alone, empty parts, extra levels, odd characters, escapes. */
	CHECK_EQ(dms_channel_path("loop0", buf, sizeof(buf)), -EINVAL);
	CHECK_EQ(dms_channel_path("loop0/", buf, sizeof(buf)), -EINVAL);
	CHECK_EQ(dms_channel_path("/", buf, sizeof(buf)), 0);
	CHECK_EQ(dms_channel_path("/rx", buf, sizeof(buf)), 0);
	CHECK_EQ(dms_channel_path("a/b/c", buf, sizeof(buf)), -EINVAL);
	CHECK_EQ(dms_channel_path("a b/rx", buf, sizeof(buf)), -EINVAL);
	CHECK_EQ(dms_channel_path("../rx", buf, sizeof(buf)), 0);	/* a relative path */
	CHECK_EQ(dms_channel_path("../rx", buf, sizeof(buf)), 0);
	CHECK_EQ(dms_channel_path("dev/..", buf, sizeof(buf)), -EINVAL);
	CHECK_EQ(dms_channel_path("dev/.", buf, sizeof(buf)), -EINVAL);
	CHECK_EQ(dms_channel_path("0123456789012345678901234567890123/rx", buf, sizeof(buf)),
		 -EINVAL);
	CHECK_EQ(dms_channel_path("loop0/rx", small, sizeof(small)), -ENAMETOOLONG);
	CHECK_EQ(dms_channel_path(NULL, buf, sizeof(buf)), -EINVAL);

	/* Opening: a missing node, and a file that is no dmastream channel. */
	{
		struct dms_channel *ch = NULL;
		int fd;

		CHECK_EQ(dms_channel_open("/nonexistent/x", 0, &ch), -ENOENT);
		CHECK_EQ(dms_channel_open("loop0", 0, &ch), -EINVAL);
		CHECK_EQ(dms_channel_open("/dev/null", 0x80, &ch), -EINVAL);
		CHECK_EQ(dms_channel_open("/dev/null", DMS_OPEN_READONLY, &ch), -ENOTTY);
		CHECK_EQ(dms_channel_open_fd(-1, &ch), -EINVAL);
		fd = open("/dev/null", O_RDWR);
		CHECK_EQ(dms_channel_open_fd(fd, &ch), -ENOTTY);
		/* On failure the caller keeps the fd. */
		CHECK(fcntl(fd, F_GETFD) >= 0);
		close(fd);
		CHECK(ch == NULL);
	}

	CHECK_STR(dms_status_name(DMASTREAM_STATUS_OK), "ok");
	CHECK_STR(dms_status_name(DMASTREAM_STATUS_TIMEOUT), "timeout");
	CHECK_STR(dms_status_name(99), "unknown");
	CHECK_STR(dms_state_name(DMASTREAM_STATE_ERROR), "error");
	CHECK_STR(dms_direction_name(DMASTREAM_DIR_MEMCPY), "memcpy");
	return check_report();
}
