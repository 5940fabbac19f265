// SPDX-License-Identifier: GPL-2.0-only
/*
 * run-as UID GID COMMAND [ARGS...]: run COMMAND as that user and group,
 * with no supplementary groups. The tool's tests use it to check what an
 * unprivileged user may do. It replaces util-linux's setpriv, which the ARM
 * lanes' busybox does not have in that form.
 */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char *end;
	unsigned long uid, gid;

	if (argc < 4) {
		fprintf(stderr, "usage: run-as UID GID COMMAND [ARGS...]\n");
		return 125;
	}
	uid = strtoul(argv[1], &end, 10);
	if (*end) {
		fprintf(stderr, "run-as: bad uid %s\n", argv[1]);
		return 125;
	}
	gid = strtoul(argv[2], &end, 10);
	if (*end) {
		fprintf(stderr, "run-as: bad gid %s\n", argv[2]);
		return 125;
	}
	/* Groups first: once the uid is dropped, they cannot change. */
	if (setgroups(0, NULL) || setresgid(gid, gid, gid) || setresuid(uid, uid, uid)) {
		perror("run-as");
		return 125;
	}
	execvp(argv[3], &argv[3]);
	fprintf(stderr, "run-as: %s: %s\n", argv[3], strerror(errno));
	return 127;
}
