// SPDX-License-Identifier: MIT
/* dmastream list, dmastream info: what channels exist and what they can do. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "devices.h"
#include "help.h"
#include "json.h"
#include "libdmastream.h"
#include "units.h"

const struct option list_options[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* "count size cq_entries" from sysfs, as JSON numbers. */
static void json_ring(struct json *j, const char *ring)
{
	unsigned long long count = 0, size = 0, cq = 0;

	json_begin_object(j, "ring");
	if (sscanf(ring, "%llu %llu %llu", &count, &size, &cq) == 3) {
		json_uint(j, "count", count);
		json_uint(j, "size", size);
		json_uint(j, "cq_entries", cq);
	}
	json_end_object(j);
}

static void human_ring(const char *ring, char *buf, size_t len)
{
	unsigned long long count = 0, size = 0, cq = 0;
	char sz[32];

	if (sscanf(ring, "%llu %llu %llu", &count, &size, &cq) != 3 || !count)
		snprintf(buf, len, "none");
	else
		snprintf(buf, len, "%llu x %s, %llu CQ entries", count,
			 format_size(size, sz, sizeof(sz)), cq);
}

int cmd_list(struct cli *c, int argc, char **argv)
{
	struct chan_entry *v;
	size_t n, i;
	struct json j;
	char ring[64], name[2 * NAME_LEN];
	int opt, ret, w;

	optind = 0;	/* a fresh parse, also when called more than once */
	while ((opt = getopt_long(argc, argv, "jqh", list_options, NULL)) != -1) {
		switch (opt) {
		case 'j':
			c->json = true;
			break;
		case 'q':
			c->quiet = true;
			break;
		case 'h':
			help_print(c->out, "list");
			return EXIT_OK;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind != argc)
		return cli_fail(c, EXIT_USAGE, "list takes no arguments");
	if (!module_loaded())
		return cli_fail(c, EXIT_NO_MODULE,
				"the dmastream module is not loaded (modprobe dmastream)");
	ret = list_channels(&v, &n);
	if (ret < 0 && ret != -ENOENT)
		return cli_fail_errno(c, ret, "cannot read /sys/class/dmastream");

	if (c->json) {
		json_init(&j, c->out);
		json_begin_object(&j, NULL);
		json_begin_array(&j, "channels");
		for (i = 0; i < n; i++) {
			snprintf(name, sizeof(name), "%s/%s", v[i].device, v[i].label);
			json_begin_object(&j, NULL);
			json_string(&j, "name", name);
			json_string(&j, "device", v[i].device);
			json_string(&j, "label", v[i].label);
			json_string(&j, "node", v[i].node);
			json_string(&j, "abi", v[i].abi);
			json_string(&j, "direction", v[i].direction);
			json_string(&j, "dma_channel", v[i].dma_channel);
			json_string(&j, "provider", v[i].provider);
			json_string(&j, "state", v[i].state);
			json_ring(&j, v[i].ring);
			json_end_object(&j);
		}
		json_end_array(&j);
		json_end_object(&j);
	} else if (c->quiet) {
		/* Only the exit status. */
	} else if (!n) {
		fputs("no dmastream channels (create one: dmastream create --loopback NAME)\n",
		      c->out);
	} else {
		/* Wide enough for the longest name (dma_proxy/dma_proxy_rx_0). */
		for (i = 0, w = 20; i < n; i++)
			if ((int)(strlen(v[i].device) + 1 + strlen(v[i].label)) > w)
				w = (int)(strlen(v[i].device) + 1 + strlen(v[i].label));
		fprintf(c->out, "%-*s %-7s %-9s %-12s %-16s %-9s %s\n", w, "CHANNEL", "DIR", "ABI",
			"DMA CHANNEL", "PROVIDER", "STATE", "RING");
		for (i = 0; i < n; i++) {
			snprintf(name, sizeof(name), "%s/%s", v[i].device, v[i].label);
			human_ring(v[i].ring, ring, sizeof(ring));
			fprintf(c->out, "%-*s %-7s %-9s %-12s %-16s %-9s %s\n", w, name,
				v[i].direction, v[i].abi, v[i].dma_channel, v[i].provider,
				v[i].state, ring);
		}
	}
	free(v);
	return EXIT_OK;
}

static const char *residue_name(uint32_t g)
{
	switch (g) {
	case DMASTREAM_RESIDUE_DESCRIPTOR:	return "descriptor";
	case DMASTREAM_RESIDUE_SEGMENT:		return "segment";
	case DMASTREAM_RESIDUE_BURST:		return "burst";
	default:				return "unknown";
	}
}

/* What the driver says about a channel, when it can be opened. */
struct live {
	bool ok;
	struct dmastream_caps caps;
	struct dmastream_info info;
};

static void probe(const char *node, struct live *l)
{
	struct dms_channel *ch;

	memset(l, 0, sizeof(*l));
	if (dms_channel_open(node, DMS_OPEN_READONLY, &ch) < 0)
		return;
	l->caps = *dms_get_caps(ch);
	l->ok = dms_get_info(ch, &l->info) == 0;
	dms_channel_close(ch);
}

static void info_json(struct json *j, const struct chan_entry *e, const struct live *l)
{
	char name[2 * NAME_LEN];

	snprintf(name, sizeof(name), "%s/%s", e->device, e->label);
	json_begin_object(j, NULL);
	json_string(j, "name", name);
	json_string(j, "node", e->node);
	json_string(j, "device", e->device);
	json_string(j, "label", e->label);
	json_string(j, "abi", e->abi[0] ? e->abi : ABI_DMASTREAM);
	json_string(j, "direction", l->ok ? dms_direction_name(l->caps.direction) : e->direction);
	json_string(j, "dma_channel", l->ok ? l->info.dma_channel : e->dma_channel);
	json_string(j, "provider", l->ok ? l->info.provider : e->provider);
	json_string(j, "state", l->ok ? dms_state_name(l->info.state) : e->state);
	json_ring(j, e->ring);
	json_string(j, "timeout_ms", e->timeout_ms);
	json_bool(j, "coherent", l->ok ? !!(l->caps.flags & DMASTREAM_CAP_COHERENT) :
		  !strcmp(e->coherent, "1"));
	json_begin_object(j, "limits");
	json_uint(j, "max_seg_size", l->ok ? l->caps.max_seg_size : strtoull(e->max_seg_size, NULL, 0));
	json_uint(j, "max_segs", l->ok ? l->caps.max_segs : strtoull(e->max_segs, NULL, 0));
	json_uint(j, "max_xfer_bytes",
		  l->ok ? l->caps.max_xfer_bytes : strtoull(e->max_xfer_bytes, NULL, 0));
	json_uint(j, "addr_align", l->ok ? l->caps.addr_align : strtoull(e->addr_align, NULL, 0));
	json_uint(j, "len_align", l->ok ? l->caps.len_align : strtoull(e->len_align, NULL, 0));
	if (l->ok) {
		json_uint(j, "max_buffers", l->caps.max_buffers);
		json_uint(j, "max_buffer_size", l->caps.max_buffer_size);
		json_uint(j, "max_ring_bytes", l->caps.max_ring_bytes);
		json_uint(j, "max_cq_entries", l->caps.max_cq_entries);
		if (l->caps.abi_version >= 0x00010003) {
			json_uint(j, "max_cached_buffer_size", l->caps.max_cached_buffer_size);
			json_uint(j, "cached_align", l->caps.cached_align);
		}
	}
	json_end_object(j);
	if (l->ok) {
		json_string(j, "residue_granularity", residue_name(l->caps.residue_granularity));
		json_uint(j, "abi_version", l->caps.abi_version);
		json_uint(j, "error_threshold", l->info.error_threshold);
		json_uint(j, "inflight", l->info.inflight);
		json_bool(j, "owned", !!(l->info.flags & DMASTREAM_INFO_OWNED));
	}
	json_end_object(j);
}

static void info_human(FILE *f, const struct chan_entry *e, const struct live *l)
{
	char a[32], b[32], ring[64];

	fprintf(f, "%s/%s  (%s)\n", e->device, e->label, e->node);
	fprintf(f, "  abi              %s%s\n", e->abi[0] ? e->abi : ABI_DMASTREAM,
		!strcmp(e->abi, ABI_DMA_PROXY) ?
		" (Xilinx DMA Proxy 2.0: START_XFER, FINISH_XFER, XFER)" : "");
	fprintf(f, "  direction        %s\n",
		l->ok ? dms_direction_name(l->caps.direction) : e->direction);
	fprintf(f, "  dma channel      %s (provider %s)\n",
		l->ok ? l->info.dma_channel : e->dma_channel,
		l->ok ? l->info.provider : e->provider);
	fprintf(f, "  state            %s%s\n", l->ok ? dms_state_name(l->info.state) : e->state,
		l->ok && (l->info.flags & DMASTREAM_INFO_OWNED) ? " (in use)" : "");
	human_ring(e->ring, ring, sizeof(ring));
	fprintf(f, "  ring             %s\n", ring);
	if (l->ok) {
		fprintf(f, "  segments         <= %s each, <= %u per transfer, transfer <= %s\n",
			format_size(l->caps.max_seg_size, a, sizeof(a)), l->caps.max_segs,
			format_size(l->caps.max_xfer_bytes, b, sizeof(b)));
		fprintf(f, "  alignment        offset %u, length %u\n", l->caps.addr_align,
			l->caps.len_align);
		fprintf(f, "  ring limits      <= %u buffers of <= %s, <= %s in all, <= %u CQ entries\n",
			l->caps.max_buffers, format_size(l->caps.max_buffer_size, a, sizeof(a)),
			format_size(l->caps.max_ring_bytes, b, sizeof(b)), l->caps.max_cq_entries);
		if (l->caps.abi_version >= 0x00010003)
			fprintf(f, "  cached buffers   <= %s, written in multiples of %u"
				" (--memory cached)\n",
				format_size(l->caps.max_cached_buffer_size, a, sizeof(a)),
				l->caps.cached_align);
		fprintf(f, "  residue          %s\n", residue_name(l->caps.residue_granularity));
		fprintf(f, "  coherent         %s\n",
			l->caps.flags & DMASTREAM_CAP_COHERENT ? "yes" :
			"no (coherent buffers are uncached)");
		fprintf(f, "  timeout          %s\n", l->info.timeout_ms ?
			format_duration((uint64_t)l->info.timeout_ms * 1000000, a, sizeof(a)) : "none");
		fprintf(f, "  error threshold  %u\n", l->info.error_threshold);
	} else {
		/* The same units as from the driver above. */
		fprintf(f, "  segments         <= %s each, <= %s per transfer, transfer <= %s\n",
			format_size(strtoull(e->max_seg_size, NULL, 0), a, sizeof(a)),
			e->max_segs,
			format_size(strtoull(e->max_xfer_bytes, NULL, 0), b, sizeof(b)));
		fprintf(f, "  alignment        offset %s, length %s\n", e->addr_align, e->len_align);
		fprintf(f, "  coherent         %s\n", !strcmp(e->coherent, "1") ? "yes" : "no");
	}
}

int cmd_info(struct cli *c, int argc, char **argv)
{
	struct chan_entry *v = NULL, one;
	struct target t;
	struct live l;
	struct json j;
	size_t n = 0, i;
	int opt, ret;

	optind = 0;	/* a fresh parse, also when called more than once */
	while ((opt = getopt_long(argc, argv, "jqh", list_options, NULL)) != -1) {
		switch (opt) {
		case 'j':
			c->json = true;
			break;
		case 'q':
			c->quiet = true;
			break;
		case 'h':
			help_print(c->out, "info");
			return EXIT_OK;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc)
		return cli_fail(c, EXIT_USAGE, "usage: dmastream info DEVICE|DEVICE/LABEL|PATH");
	if (parse_target(argv[optind], &t) < 0)
		return cli_fail(c, EXIT_USAGE, "not a device or channel name: %s", argv[optind]);

	if (t.label[0]) {
		if (channel_entry(&t, &one) < 0) {
			memset(&one, 0, sizeof(one));
			snprintf(one.device, sizeof(one.device), "%s", t.device);
			snprintf(one.label, sizeof(one.label), "%s", t.label);
		}
		snprintf(one.node, sizeof(one.node), "%s", t.path);
		v = &one;
		n = 1;
	} else if (t.device[0]) {
		ret = device_channels(t.device, &v, &n);
		if (ret < 0 || !n)
			return missing_target(c, &t);
	} else {
		return cli_fail(c, EXIT_USAGE,
				"%s: give DEVICE/LABEL for a node outside %s (or a DMA Proxy channel's /dev/LABEL)",
				t.path, DMS_DEV_DIR);
	}

	/* A channel neither sysfs nor the driver knows does not exist. */
	for (i = 0; i < n; i++) {
		probe(v[i].node, &l);
		if (!l.ok && !v[i].sysfs[0]) {
			if (v != &one)
				free(v);
			return missing_target(c, &t);
		}
	}
	if (c->json) {
		json_init(&j, c->out);
		json_begin_object(&j, NULL);
		json_begin_array(&j, "channels");
	}
	for (i = 0; i < n; i++) {
		probe(v[i].node, &l);
		if (c->json)
			info_json(&j, &v[i], &l);
		else if (!c->quiet)
			info_human(c->out, &v[i], &l);
	}
	if (c->json) {
		json_end_array(&j);
		json_end_object(&j);
	}
	if (v != &one)
		free(v);
	return EXIT_OK;
}
