// SPDX-License-Identifier: GPL-2.0-only
/*
 * sysfs attributes of a channel device, /sys/class/dmastream/<dev>.<label>/:
 * identity and capabilities at the top, live counters under stats/. All
 * read-only; the documentation is docs/devices.md ("sysfs").
 */

#include <linux/device.h>
#include <linux/sysfs.h>

#include "dmastream.h"
#include "sysfs.h"

static const char *dmastream_kind_name(u32 kind)
{
	switch (kind) {
	case DMASTREAM_DIR_TX:
		return "tx";
	case DMASTREAM_DIR_RX:
		return "rx";
	default:
		return "memcpy";
	}
}

static const char * const dmastream_state_names[] = {
	[DMASTREAM_STATE_IDLE] = "idle",
	[DMASTREAM_STATE_READY] = "ready",
	[DMASTREAM_STATE_STOPPING] = "stopping",
	[DMASTREAM_STATE_ERROR] = "error",
	[DMASTREAM_STATE_GONE] = "gone",
};

#define DMASTREAM_STR_ATTR(_name, _expr)					\
static ssize_t _name##_show(struct device *dev, struct device_attribute *attr,	\
			    char *buf)						\
{										\
	struct dmastream_chan *chan = to_dmastream_chan(dev);			\
										\
	return sysfs_emit(buf, "%s\n", _expr);					\
}										\
static DEVICE_ATTR_RO(_name)

#define DMASTREAM_CAP_ATTR(_name, _field)					\
static ssize_t _name##_show(struct device *dev, struct device_attribute *attr,	\
			    char *buf)						\
{										\
	struct dmastream_chan *chan = to_dmastream_chan(dev);			\
										\
	return sysfs_emit(buf, "%llu\n", (unsigned long long)chan->caps._field);\
}										\
static DEVICE_ATTR_RO(_name)

DMASTREAM_STR_ATTR(label, chan->label);
DMASTREAM_STR_ATTR(device_name, chan->devname);
DMASTREAM_STR_ATTR(dma_channel, chan->dma_name);
DMASTREAM_STR_ATTR(provider, chan->provider);
DMASTREAM_STR_ATTR(direction, dmastream_kind_name(chan->kind));
DMASTREAM_STR_ATTR(abi, chan->proxy ? "dma_proxy" : "dmastream");
DMASTREAM_CAP_ATTR(max_seg_size, max_seg_size);
DMASTREAM_CAP_ATTR(max_segs, max_segs);
DMASTREAM_CAP_ATTR(max_xfer_bytes, max_xfer_bytes);
DMASTREAM_CAP_ATTR(addr_align, addr_align);
DMASTREAM_CAP_ATTR(len_align, len_align);

static ssize_t coherent_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct dmastream_chan *chan = to_dmastream_chan(dev);

	return sysfs_emit(buf, "%d\n", !!(chan->caps.flags & DMASTREAM_CAP_COHERENT));
}
static DEVICE_ATTR_RO(coherent);

static ssize_t state_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct dmastream_chan *chan = to_dmastream_chan(dev);
	u32 state = READ_ONCE(chan->state);

	return sysfs_emit(buf, "%s\n", state < ARRAY_SIZE(dmastream_state_names) ?
			  dmastream_state_names[state] : "?");
}
static DEVICE_ATTR_RO(state);

/* Ring geometry: "count size cq_entries", "0 0 0" without a ring. */
static ssize_t ring_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct dmastream_chan *chan = to_dmastream_chan(dev);
	u32 count = 0, size = 0, cq = 0;

	mutex_lock(&chan->lock);
	if (chan->ring) {
		count = chan->ring->count;
		size = chan->ring->size;
		cq = chan->ring->cq_entries;
	}
	mutex_unlock(&chan->lock);
	return sysfs_emit(buf, "%u %u %u\n", count, size, cq);
}
static DEVICE_ATTR_RO(ring);

/* tx/rx: "width=W burst=B addr=0xA" as configured at creation; memcpy: "-". */
static ssize_t slave_config_show(struct device *dev, struct device_attribute *attr,
				 char *buf)
{
	struct dmastream_chan *chan = to_dmastream_chan(dev);

	if (chan->kind == DMASTREAM_DIR_MEMCPY)
		return sysfs_emit(buf, "-\n");
	return sysfs_emit(buf, "width=%u burst=%u addr=%#llx\n", chan->slave_width,
			  chan->slave_burst, (unsigned long long)chan->slave_addr);
}
static DEVICE_ATTR_RO(slave_config);

static ssize_t timeout_ms_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(to_dmastream_chan(dev)->timeout_ms));
}
static DEVICE_ATTR_RO(timeout_ms);

static ssize_t stream_flushed_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n",
			  (unsigned long long)READ_ONCE(to_dmastream_chan(dev)->flushed));
}
static DEVICE_ATTR_RO(stream_flushed);

static struct attribute *dmastream_chan_attrs[] = {
	&dev_attr_label.attr,
	&dev_attr_device_name.attr,
	&dev_attr_dma_channel.attr,
	&dev_attr_provider.attr,
	&dev_attr_direction.attr,
	&dev_attr_abi.attr,
	&dev_attr_max_seg_size.attr,
	&dev_attr_max_segs.attr,
	&dev_attr_max_xfer_bytes.attr,
	&dev_attr_addr_align.attr,
	&dev_attr_len_align.attr,
	&dev_attr_coherent.attr,
	&dev_attr_state.attr,
	&dev_attr_ring.attr,
	&dev_attr_timeout_ms.attr,
	&dev_attr_slave_config.attr,
	&dev_attr_stream_flushed.attr,
	NULL,
};

static const struct attribute_group dmastream_chan_group = {
	.attrs = dmastream_chan_attrs,
};

/* stats/<name>: one u64 of struct dmastream_stats each, read under irq_lock. */
struct dmastream_stat_attr {
	struct device_attribute attr;
	size_t offset;
};

static const struct {
	const char *name;
	size_t offset;
} dmastream_stat_fields[] = {
	{ "submitted", offsetof(struct dmastream_stats, submitted) },
	{ "completed", offsetof(struct dmastream_stats, completed) },
	{ "bytes", offsetof(struct dmastream_stats, bytes) },
	{ "batches", offsetof(struct dmastream_stats, batches) },
	{ "read_errors", offsetof(struct dmastream_stats, read_errors) },
	{ "write_errors", offsetof(struct dmastream_stats, write_errors) },
	{ "engine_aborts", offsetof(struct dmastream_stats, engine_aborts) },
	{ "timeouts", offsetof(struct dmastream_stats, timeouts) },
	{ "aborted", offsetof(struct dmastream_stats, aborted) },
	{ "short_xfers", offsetof(struct dmastream_stats, short_xfers) },
	{ "inflight", offsetof(struct dmastream_stats, inflight) },
	{ "inflight_max", offsetof(struct dmastream_stats, inflight_max) },
	{ "rx_queue_empty", offsetof(struct dmastream_stats, rx_queue_empty) },
	{ "cq_overflows", offsetof(struct dmastream_stats, cq_overflows) },
	{ "channel_stops", offsetof(struct dmastream_stats, channel_stops) },
	{ "sticky_errors", offsetof(struct dmastream_stats, sticky_errors) },
	{ "engine_full", offsetof(struct dmastream_stats, engine_full) },
	{ "late_callbacks", offsetof(struct dmastream_stats, late_callbacks) },
};

static struct dmastream_stat_attr dmastream_stat_attrs[ARRAY_SIZE(dmastream_stat_fields)];
static struct attribute *dmastream_stats_attrs[ARRAY_SIZE(dmastream_stat_fields) + 1];

static ssize_t dmastream_stat_show(struct device *dev, struct device_attribute *attr,
				   char *buf)
{
	struct dmastream_chan *chan = to_dmastream_chan(dev);
	size_t offset = container_of(attr, struct dmastream_stat_attr, attr)->offset;
	u64 val;

	spin_lock_irq(&chan->irq_lock);
	val = *(u64 *)((char *)&chan->stats + offset);
	spin_unlock_irq(&chan->irq_lock);
	return sysfs_emit(buf, "%llu\n", val);
}

/* Build the stats/ attributes from the table; called once at module load. */
void dmastream_sysfs_init(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dmastream_stat_fields); i++) {
		struct dmastream_stat_attr *sa = &dmastream_stat_attrs[i];

		sysfs_attr_init(&sa->attr.attr);
		sa->attr.attr.name = dmastream_stat_fields[i].name;
		sa->attr.attr.mode = 0444;
		sa->attr.show = dmastream_stat_show;
		sa->offset = dmastream_stat_fields[i].offset;
		dmastream_stats_attrs[i] = &sa->attr.attr;
	}
}

static const struct attribute_group dmastream_stats_group = {
	.name = "stats",
	.attrs = dmastream_stats_attrs,
};

const struct attribute_group *dmastream_chan_groups[] = {
	&dmastream_chan_group,
	&dmastream_stats_group,
	NULL,
};
