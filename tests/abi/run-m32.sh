#!/bin/sh
# SPDX-License-Identifier: MIT
#
#   run-m32.sh PROGRAM
# Run a -m32 program, or skip (77) when the host's kernel cannot execute
# 32-bit x86 programs at all (built without IA32 emulation, or booted with
# ia32_emulation=0): its layout is then checked in the guest instead, by
# driver-compat32, whose Debian kernels run them.
"$1"
status=$?
if [ "$status" -eq 126 ]; then
	echo "run-m32: this kernel cannot execute 32-bit programs; driver-compat32 runs $(basename "$1") in the guest"
	exit 77
fi
exit "$status"
