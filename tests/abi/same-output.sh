#!/bin/sh
# SPDX-License-Identifier: MIT
#
#   same-output.sh OLD NEW
# Run two programs; their outputs must be the same line for line. Used
# for the library's layout against a kept release's headers: a line that
# differs is a field that moved or changed size.
set -eu
old=$(mktemp) new=$(mktemp)
trap 'rm -f "$old" "$new"' EXIT
"$1" >"$old"
"$2" >"$new"
if ! diff -u "$old" "$new"; then
	echo "FAIL: the layout differs from the kept release's (- old, + now)"
	exit 1
fi
echo "same-output: $(wc -l <"$new") lines, identical"
