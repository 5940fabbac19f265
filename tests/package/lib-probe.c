// SPDX-License-Identifier: MIT
/*
 * Built by debian.sh against libdmastream-dev as unpacked from its .deb
 * (headers and pkg-config file only), run in the guest with libdmastream0's
 * shared library: opens a channel read-only and prints what the driver says
 * about it, one "key value" line each.
 *
 *   lib-probe DEVICE/LABEL
 */
#include <stdio.h>
#include <string.h>

#include <libdmastream.h>

int main(int argc, char **argv)
{
	struct dms_channel *ch;
	struct dmastream_info info;
	int err;

	if (argc != 2) {
		fprintf(stderr, "usage: lib-probe DEVICE/LABEL\n");
		return 2;
	}
	err = dms_channel_open(argv[1], DMS_OPEN_READONLY, &ch);
	if (err) {
		fprintf(stderr, "lib-probe: open %s: %s\n", argv[1], strerror(-err));
		return 1;
	}
	err = dms_get_info(ch, &info);
	if (err) {
		fprintf(stderr, "lib-probe: info %s: %s\n", argv[1], strerror(-err));
		dms_channel_close(ch);
		return 1;
	}
	printf("device %s\nlabel %s\nstate %s\nprovider %s\n", info.device, info.label,
	       dms_state_name(info.state), info.provider);
	dms_channel_close(ch);
	return 0;
}
