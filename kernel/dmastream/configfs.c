// SPDX-License-Identifier: GPL-2.0-only
/*
 * Devices created at run time, for systems without a device tree:
 *
 *   mkdir /sys/kernel/config/dmastream/NAME
 *   echo "tx=dma0chan0 rx=dma0chan1" > /sys/kernel/config/dmastream/NAME/channels
 *   echo "tx.width=4 tx.burst=16" > /sys/kernel/config/dmastream/NAME/slave_config
 *   echo 1 > /sys/kernel/config/dmastream/NAME/enable
 *
 * Each device is a plain struct device named NAME under /sys/devices/dmastream,
 * so a provider's slave map can name it; its channels become
 * /dev/dmastream/NAME/<label>. Written before enabling, "abi" set to
 * dma_proxy gives the channels the DMA Proxy personality and the nodes
 * /dev/<label> instead. See docs/devices.md for the syntax.
 */

#include <linux/configfs.h>
#include <linux/device.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "configfs.h"
#include "device.h"

#define DMASTREAM_CFS_MAX_CHANS	16
#define DMASTREAM_CFS_SPEC_LEN	512

struct dmastream_cfs_dev {
	struct config_item item;
	struct mutex lock;		/* channels, enabled state */
	char channels[DMASTREAM_CFS_SPEC_LEN];
	char slave[DMASTREAM_CFS_SPEC_LEN];
	enum dmastream_abi abi;
	struct device *dev;		/* registered while enabled */
	struct dmastream_device *sdev;
};

static struct device *dmastream_root;

static struct dmastream_cfs_dev *to_cfs_dev(struct config_item *item)
{
	return container_of(item, struct dmastream_cfs_dev, item);
}

/* "dma<N>chan<M>" names a dmaengine channel; anything else a slave map entry. */
static bool dmastream_is_chan_name(const char *s)
{
	unsigned int a, b;
	int end = 0;

	return sscanf(s, "dma%uchan%u%n", &a, &b, &end) == 2 && !s[end];
}

/*
 * A label either ABI could accept: a native one starts with tx, rx or mem,
 * a DMA Proxy one has a word tx or rx. The device's ABI decides at enable.
 */
static bool dmastream_label_plausible(const char *s)
{
	return !strncmp(s, "tx", 2) || !strncmp(s, "rx", 2) || !strncmp(s, "mem", 3) ||
	       strstr(s, "_tx") || strstr(s, "_rx");
}

/*
 * Parse "label[=source] ..." (separated by blanks or commas) into specs.
 * Return: the number of channels, or -EINVAL for bad syntax, a bad or
 * repeated label, or more than DMASTREAM_CFS_MAX_CHANS channels.
 */
static int dmastream_parse_channels(const char *text, struct dmastream_chan_spec *specs)
{
	char *buf, *cur, *tok;
	int n = 0, ret = 0;

	buf = kstrdup(text, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	cur = buf;
	while ((tok = strsep(&cur, " \t\n,"))) {
		char *src;

		if (!*tok)
			continue;
		if (n == DMASTREAM_CFS_MAX_CHANS) {
			ret = -EINVAL;
			break;
		}
		src = strchr(tok, '=');
		if (src)
			*src++ = '\0';
		else
			src = tok;
		if (!dmastream_valid_name(tok) || !dmastream_valid_name(src) ||
		    !dmastream_label_plausible(tok)) {
			ret = -EINVAL;
			break;
		}
		if (dmastream_spec_find(specs, n, tok)) {
			ret = -EINVAL;
			break;
		}
		strscpy(specs[n].label, tok, DMASTREAM_NAME_LEN);
		strscpy(specs[n].source, src, DMASTREAM_NAME_LEN);
		specs[n].by_chan_name = dmastream_is_chan_name(src);
		n++;
	}
	kfree(buf);
	if (!ret && !n)
		ret = -EINVAL;
	return ret ? ret : n;
}

/*
 * Parse "label.key=value ..." (width, burst, addr) into the specs that
 * carry those labels; with @n = 0 only the syntax is checked.
 * Return: 0, or -EINVAL for bad syntax, an unknown key or label, or a
 * value that does not fit.
 */
static int dmastream_parse_slave(const char *text, struct dmastream_chan_spec *specs, int n)
{
	char *buf, *cur, *tok;
	int ret = 0;

	buf = kstrdup(text, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	cur = buf;
	while (!ret && (tok = strsep(&cur, " \t\n,"))) {
		struct dmastream_chan_spec *spec;
		char *val, *key;
		u64 v;

		if (!*tok)
			continue;
		val = strchr(tok, '=');
		key = strrchr(tok, '.');
		if (!val || !key || key > val || kstrtou64(val + 1, 0, &v)) {
			ret = -EINVAL;
			break;
		}
		*val = '\0';
		*key++ = '\0';
		spec = dmastream_spec_find(specs, n, tok);
		if (!strcmp(key, "width") && v && v <= 128) {
			if (spec)
				spec->addr_width = v;
		} else if (!strcmp(key, "burst") && v && v <= U32_MAX) {
			if (spec)
				spec->maxburst = v;
		} else if (!strcmp(key, "addr")) {
			if (spec)
				spec->dev_addr = v;
		} else {
			ret = -EINVAL;
		}
		if (n && !spec)
			ret = -EINVAL;
	}
	kfree(buf);
	return ret;
}

static void dmastream_cfs_dev_release(struct device *dev)
{
	kfree(dev);
}

static int dmastream_cfs_enable(struct dmastream_cfs_dev *cdev)
{
	struct dmastream_chan_spec *specs;
	struct dmastream_device *sdev;
	struct device *dev;
	int n, ret, i;

	specs = kcalloc(DMASTREAM_CFS_MAX_CHANS, sizeof(*specs), GFP_KERNEL);
	if (!specs)
		return -ENOMEM;
	n = dmastream_parse_channels(cdev->channels, specs);
	if (n < 0) {
		ret = n;
		goto out;
	}
	ret = dmastream_parse_slave(cdev->slave, specs, n);
	if (ret)
		goto out;
	for (i = 0; i < n; i++)
		specs[i].abi = cdev->abi;

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev) {
		ret = -ENOMEM;
		goto out;
	}
	device_initialize(dev);
	dev->parent = dmastream_root;
	dev->release = dmastream_cfs_dev_release;
	ret = dev_set_name(dev, "%s", config_item_name(&cdev->item));
	if (!ret)
		ret = device_add(dev);
	if (ret) {
		put_device(dev);
		goto out;
	}

	sdev = dmastream_device_create(dev, config_item_name(&cdev->item), specs, n, false);
	if (IS_ERR(sdev)) {
		ret = PTR_ERR(sdev);
		/* A missing provider is not going to appear by itself here. */
		if (ret == -EPROBE_DEFER)
			ret = -ENODEV;
		device_unregister(dev);
		goto out;
	}
	cdev->dev = dev;
	cdev->sdev = sdev;
	ret = 0;
out:
	kfree(specs);
	return ret;
}

static void dmastream_cfs_disable(struct dmastream_cfs_dev *cdev)
{
	if (!cdev->dev)
		return;
	dmastream_device_destroy(cdev->sdev);
	device_unregister(cdev->dev);
	cdev->sdev = NULL;
	cdev->dev = NULL;
}

static ssize_t dmastream_cfs_channels_show(struct config_item *item, char *page)
{
	struct dmastream_cfs_dev *cdev = to_cfs_dev(item);
	ssize_t len;

	mutex_lock(&cdev->lock);
	len = sysfs_emit(page, "%s\n", cdev->channels);
	mutex_unlock(&cdev->lock);
	return len;
}

static ssize_t dmastream_cfs_channels_store(struct config_item *item, const char *page,
					    size_t count)
{
	struct dmastream_cfs_dev *cdev = to_cfs_dev(item);
	struct dmastream_chan_spec *specs;
	int ret;

	if (count >= DMASTREAM_CFS_SPEC_LEN)
		return -EINVAL;
	specs = kcalloc(DMASTREAM_CFS_MAX_CHANS, sizeof(*specs), GFP_KERNEL);
	if (!specs)
		return -ENOMEM;
	ret = dmastream_parse_channels(page, specs);
	kfree(specs);
	if (ret < 0)
		return ret;

	mutex_lock(&cdev->lock);
	if (cdev->dev) {
		ret = -EBUSY;
	} else {
		memcpy(cdev->channels, page, count);
		cdev->channels[count] = '\0';
		strim(cdev->channels);
		ret = 0;
	}
	mutex_unlock(&cdev->lock);
	return ret ? ret : count;
}

static ssize_t dmastream_cfs_slave_config_show(struct config_item *item, char *page)
{
	struct dmastream_cfs_dev *cdev = to_cfs_dev(item);
	ssize_t len;

	mutex_lock(&cdev->lock);
	len = sysfs_emit(page, "%s\n", cdev->slave);
	mutex_unlock(&cdev->lock);
	return len;
}

static ssize_t dmastream_cfs_slave_config_store(struct config_item *item, const char *page,
						size_t count)
{
	struct dmastream_cfs_dev *cdev = to_cfs_dev(item);
	int ret;

	if (count >= DMASTREAM_CFS_SPEC_LEN)
		return -EINVAL;
	ret = dmastream_parse_slave(page, NULL, 0);
	if (ret)
		return ret;
	mutex_lock(&cdev->lock);
	if (cdev->dev) {
		ret = -EBUSY;
	} else {
		memcpy(cdev->slave, page, count);
		cdev->slave[count] = '\0';
		strim(cdev->slave);
	}
	mutex_unlock(&cdev->lock);
	return ret ? ret : count;
}

static ssize_t dmastream_cfs_enable_show(struct config_item *item, char *page)
{
	struct dmastream_cfs_dev *cdev = to_cfs_dev(item);
	ssize_t len;

	mutex_lock(&cdev->lock);
	len = sysfs_emit(page, "%d\n", cdev->dev ? 1 : 0);
	mutex_unlock(&cdev->lock);
	return len;
}

static ssize_t dmastream_cfs_enable_store(struct config_item *item, const char *page,
					  size_t count)
{
	struct dmastream_cfs_dev *cdev = to_cfs_dev(item);
	bool enable;
	int ret;

	ret = kstrtobool(page, &enable);
	if (ret)
		return ret;

	mutex_lock(&cdev->lock);
	if (enable && !cdev->dev)
		ret = dmastream_cfs_enable(cdev);
	else if (!enable)
		dmastream_cfs_disable(cdev);
	mutex_unlock(&cdev->lock);
	return ret ? ret : count;
}

static const char * const dmastream_abi_names[] = {
	[DMASTREAM_ABI_NATIVE] = "dmastream",
	[DMASTREAM_ABI_DMA_PROXY] = "dma_proxy",
};

static ssize_t dmastream_cfs_abi_show(struct config_item *item, char *page)
{
	struct dmastream_cfs_dev *cdev = to_cfs_dev(item);
	ssize_t len;

	mutex_lock(&cdev->lock);
	len = sysfs_emit(page, "%s\n", dmastream_abi_names[cdev->abi]);
	mutex_unlock(&cdev->lock);
	return len;
}

static ssize_t dmastream_cfs_abi_store(struct config_item *item, const char *page,
				       size_t count)
{
	struct dmastream_cfs_dev *cdev = to_cfs_dev(item);
	int abi, ret = 0;

	abi = sysfs_match_string(dmastream_abi_names, page);
	if (abi < 0)
		return -EINVAL;
	mutex_lock(&cdev->lock);
	if (cdev->dev)
		ret = -EBUSY;
	else
		cdev->abi = abi;
	mutex_unlock(&cdev->lock);
	return ret ? ret : count;
}

CONFIGFS_ATTR(dmastream_cfs_, abi);
CONFIGFS_ATTR(dmastream_cfs_, channels);
CONFIGFS_ATTR(dmastream_cfs_, slave_config);
CONFIGFS_ATTR(dmastream_cfs_, enable);

static struct configfs_attribute *dmastream_cfs_attrs[] = {
	&dmastream_cfs_attr_abi,
	&dmastream_cfs_attr_channels,
	&dmastream_cfs_attr_slave_config,
	&dmastream_cfs_attr_enable,
	NULL,
};

static void dmastream_cfs_item_release(struct config_item *item)
{
	struct dmastream_cfs_dev *cdev = to_cfs_dev(item);

	mutex_destroy(&cdev->lock);
	kfree(cdev);
}

static struct configfs_item_operations dmastream_cfs_item_ops = {
	.release = dmastream_cfs_item_release,
};

static const struct config_item_type dmastream_cfs_item_type = {
	.ct_item_ops = &dmastream_cfs_item_ops,
	.ct_attrs = dmastream_cfs_attrs,
	.ct_owner = THIS_MODULE,
};

static struct config_item *dmastream_cfs_make_item(struct config_group *group,
						   const char *name)
{
	struct dmastream_cfs_dev *cdev;

	if (!dmastream_valid_name(name))
		return ERR_PTR(-EINVAL);
	cdev = kzalloc(sizeof(*cdev), GFP_KERNEL);
	if (!cdev)
		return ERR_PTR(-ENOMEM);
	mutex_init(&cdev->lock);
	config_item_init_type_name(&cdev->item, name, &dmastream_cfs_item_type);
	return &cdev->item;
}

/* rmdir: take the device down first, whatever files are still open. */
static void dmastream_cfs_drop_item(struct config_group *group, struct config_item *item)
{
	struct dmastream_cfs_dev *cdev = to_cfs_dev(item);

	mutex_lock(&cdev->lock);
	dmastream_cfs_disable(cdev);
	mutex_unlock(&cdev->lock);
	config_item_put(item);
}

static struct configfs_group_operations dmastream_cfs_group_ops = {
	.make_item = dmastream_cfs_make_item,
	.drop_item = dmastream_cfs_drop_item,
};

static const struct config_item_type dmastream_cfs_subsys_type = {
	.ct_group_ops = &dmastream_cfs_group_ops,
	.ct_owner = THIS_MODULE,
};

static struct configfs_subsystem dmastream_cfs_subsys = {
	.su_group = {
		.cg_item = {
			.ci_namebuf = DMASTREAM_DRV_NAME,
			.ci_type = &dmastream_cfs_subsys_type,
		},
	},
};

int dmastream_configfs_init(void)
{
	int ret;

	dmastream_root = root_device_register(DMASTREAM_DRV_NAME);
	if (IS_ERR(dmastream_root))
		return PTR_ERR(dmastream_root);

	config_group_init(&dmastream_cfs_subsys.su_group);
	mutex_init(&dmastream_cfs_subsys.su_mutex);
	ret = configfs_register_subsystem(&dmastream_cfs_subsys);
	if (ret)
		root_device_unregister(dmastream_root);
	return ret;
}

void dmastream_configfs_exit(void)
{
	configfs_unregister_subsystem(&dmastream_cfs_subsys);
	root_device_unregister(dmastream_root);
}
