#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The shipped udev rule (data/udev/60-dmastream.rules) does what the docs
# say: it matches dmastream's channel devices, and the group and mode it
# gives them let a member of that group use a channel and keep everyone
# else out. There is no udev in the guest, so its effect is applied by
# hand; the group named in the rule stands in as GID 4242 (the guest has
# the host's /etc/group, without that group).
set -u
# shellcheck source=tests/tool/lib.sh
. "$DMASTREAM_SRC/tests/tool/lib.sh"
RULE=$DMASTREAM_SRC/data/udev/60-dmastream.rules
GID=4242
as_user() {
	"$DMASTREAM_BUILD/tests/tool/run-as" 65534 "$1" sh -c "$2"
}

# key RULE-LINE KEY OP: the value of KEY (e.g. 'SUBSYSTEM' '==') in the line.
key() {
	printf '%s\n' "$1" | sed -n "s/.*$2$3\"\([^\"]*\)\".*/\1/p"
}
line=$(grep -v '^#' "$RULE" | grep -v '^$')
[ "$(printf '%s\n' "$line" | wc -l)" -eq 1 ] || fail "one rule expected in $RULE: $line"
subsystem=$(key "$line" SUBSYSTEM '==')
group=$(key "$line" GROUP '=')
mode=$(key "$line" MODE '=')
[ "$group" = dmastream ] || fail "rule gives group '$group', not dmastream"
[ "$mode" = 0660 ] || fail "rule gives mode '$mode', not 0660"

load_modules || exit 1
expect 0 "$T" create --loopback loop0
for f in /dev/dmastream/loop0/tx /dev/dmastream/loop0/rx; do
	label=${f##*/}
	sys=/sys/class/dmastream/loop0.$label
	real=$(readlink "$sys/subsystem")
	[ "${real##*/}" = "$subsystem" ] || fail "$sys: subsystem ${real##*/}, rule matches '$subsystem'"
	[ "$(stat -c '%a %u %g' "$f")" = "660 0 0" ] ||
		fail "$f before the rule: $(stat -c '%a %u %g' "$f"), expected 660 root root"
	chgrp "$GID" "$f" && chmod "$mode" "$f" || fail "apply the rule to $f"
done

# A member of the group runs a verified loop; anyone else is refused.
as_user "$GID" "$T loop loop0 -n 20 --verify >/dev/null" && ok "group member: loop" ||
	fail "group member: loop exited $?"
as_user 65534 "$T loop loop0 -n 1 >/dev/null 2>&1"
rc=$?
[ "$rc" -eq 4 ] && ok "not a member: permission denied (exit 4)" ||
	fail "not a member: loop exited $rc, expected 4"

expect 0 "$T" remove loop0
finish
