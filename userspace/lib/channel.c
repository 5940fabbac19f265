// SPDX-License-Identifier: MIT
/*
 * Channels: naming, opening, and the control calls that are one ioctl each.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/* Characters the driver allows in device names and labels (docs/devices.md). */
static bool name_part_valid(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len >= DMASTREAM_NAME_LEN)
		return false;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'))
			return false;
	}
	/* "." and ".." would walk out of the directory. */
	return !(s[0] == '.' && (len == 1 || (len == 2 && s[1] == '.')));
}

int dms_channel_path(const char *name, char *buf, size_t size)
{
	const char *slash;
	int n;

	if (!name || !buf)
		return -EINVAL;
	if (name[0] == '/' || strncmp(name, "./", 2) == 0 || strncmp(name, "../", 3) == 0) {
		n = snprintf(buf, size, "%s", name);
	} else {
		slash = strchr(name, '/');
		if (!slash || !name_part_valid(name, (size_t)(slash - name)) ||
		    !name_part_valid(slash + 1, strlen(slash + 1)))
			return -EINVAL;
		n = snprintf(buf, size, "%s/%s", DMS_DEV_DIR, name);
	}
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}

int dms__ioctl(struct dms_channel *ch, unsigned long req, void *arg)
{
	return ch->be->ioctl(ch->be_ctx, ch->fd, req, arg);
}

int dms__channel_open_backend(const struct dms_backend *be, void *ctx, int fd,
			      struct dms_channel **chp)
{
	struct dms_channel *ch;
	int ret;

	ch = calloc(1, sizeof(*ch));
	if (!ch)
		return -ENOMEM;
	ch->fd = fd;
	ch->be = be;
	ch->be_ctx = ctx;
	ret = dms__ioctl(ch, DMASTREAM_IOC_GET_CAPS, &ch->caps);
	if (ret < 0) {
		/* Not a dmastream channel: say so rather than "inappropriate ioctl". */
		free(ch);
		return ret == -ENOTTY || ret == -EINVAL ? -ENOTTY : ret;
	}
	if ((ch->caps.abi_version >> 16) != (DMASTREAM_ABI_VERSION >> 16)) {
		free(ch);
		return -EPROTONOSUPPORT;
	}
	ch->direction = ch->caps.direction;
	pthread_mutex_init(&ch->config_lock, NULL);
	pthread_mutex_init(&ch->import_lock, NULL);
	*chp = ch;
	return 0;
}

int dms_channel_open_fd(int fd, struct dms_channel **chp)
{
	int fl, ret;

	if (fd < 0 || !chp)
		return -EINVAL;
	fl = fcntl(fd, F_GETFL);
	if (fl < 0)
		return -errno;
	ret = dms__channel_open_backend(&dms__sys_backend, NULL, fd, chp);
	if (ret == 0)
		(*chp)->readonly = (fl & O_ACCMODE) != O_RDWR;
	return ret;
}

int dms_channel_open(const char *name, unsigned int flags, struct dms_channel **chp)
{
	char path[256];
	int fd, ret;

	if (!chp || (flags & ~DMS_OPEN_READONLY))
		return -EINVAL;
	ret = dms_channel_path(name, path, sizeof(path));
	if (ret)
		return ret;
	fd = open(path, ((flags & DMS_OPEN_READONLY) ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = dms_channel_open_fd(fd, chp);
	if (ret)
		close(fd);
	return ret;
}

void dms_channel_close(struct dms_channel *ch)
{
	if (!ch)
		return;
	/*
	 * Closing the file stops DMA first (the driver terminates and
	 * synchronizes on release), so no transfer can touch the buffers
	 * while they are unmapped; the mappings hold the memory until then.
	 */
	ch->be->close(ch->be_ctx, ch->fd);
	if (ch->has_ring)
		ch->be->unmap_ring(ch->be_ctx, &ch->ring, ch->cq_mem, ch->bufs);
	pthread_mutex_destroy(&ch->config_lock);
	pthread_mutex_destroy(&ch->import_lock);
	free(ch);
}

int dms_channel_fd(const struct dms_channel *ch)
{
	return ch->fd;
}

uint32_t dms_channel_direction(const struct dms_channel *ch)
{
	return ch->direction;
}

const struct dmastream_caps *dms_get_caps(const struct dms_channel *ch)
{
	return &ch->caps;
}

int dms_get_info(struct dms_channel *ch, struct dmastream_info *info)
{
	return dms__ioctl(ch, DMASTREAM_IOC_GET_INFO, info);
}

int dms_get_stats(struct dms_channel *ch, struct dmastream_stats *stats)
{
	return dms__ioctl(ch, DMASTREAM_IOC_GET_STATS, stats);
}

int dms_reset_stats(struct dms_channel *ch)
{
	return dms__ioctl(ch, DMASTREAM_IOC_RESET_STATS, NULL);
}

/*
 * SET_CONFIG replaces every setting: the ones not being changed are read
 * back first (GET_INFO), so that each setter leaves the others alone; the
 * channel's config_lock makes the two calls one step for this process's
 * setters. A driver older than ABI 0x00010002 reports wake_min as
 * reserved, 0.
 */
static int set_config(struct dms_channel *ch, const uint32_t *timeout_ms,
		      const uint32_t *error_threshold, const uint32_t *wake_min)
{
	struct dmastream_config cfg = { 0 };
	struct dmastream_info info;
	int ret;

	pthread_mutex_lock(&ch->config_lock);
	ret = dms__ioctl(ch, DMASTREAM_IOC_GET_INFO, &info);
	if (ret >= 0) {
		cfg.timeout_ms = timeout_ms ? *timeout_ms : info.timeout_ms;
		cfg.error_threshold = error_threshold ? *error_threshold : info.error_threshold;
		cfg.wake_min = wake_min ? *wake_min : info.wake_min;
		ret = dms__ioctl(ch, DMASTREAM_IOC_SET_CONFIG, &cfg);
	}
	pthread_mutex_unlock(&ch->config_lock);
	return ret;
}

int dms_set_config(struct dms_channel *ch, uint32_t timeout_ms, uint32_t error_threshold)
{
	return set_config(ch, &timeout_ms, &error_threshold, NULL);
}

int dms_set_wake_min(struct dms_channel *ch, uint32_t wake_min)
{
	if (ch->caps.abi_version < 0x00010002)
		return -EOPNOTSUPP;
	if (wake_min > DMASTREAM_WAKE_MIN_MAX)
		return -EINVAL;
	return set_config(ch, NULL, NULL, &wake_min);
}

int dms_abort(struct dms_channel *ch)
{
	return dms__ioctl(ch, DMASTREAM_IOC_ABORT, NULL);
}

int dms_reset(struct dms_channel *ch)
{
	return dms__ioctl(ch, DMASTREAM_IOC_RESET, NULL);
}

int dms_register_eventfd(struct dms_channel *ch, int efd)
{
	struct dmastream_eventfd arg = { .fd = efd < 0 ? -1 : efd };

	return dms__ioctl(ch, DMASTREAM_IOC_SET_EVENTFD, &arg);
}
