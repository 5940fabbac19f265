#!/bin/sh
# Load the harness probe module, check its answers from user space, unload.
set -e
# The runner's kernel command line: an oops, a hung task or a soft lockup
# panics the guest (scripts/vm/run), so it fails at once with its report.
for knob in panic_on_oops hung_task_panic softlockup_panic; do
	v=$(cat /proc/sys/kernel/$knob)
	[ "$v" = 1 ] || { echo "kernel.$knob is $v, not 1"; exit 1; }
done
insmod "$DMASTREAM_KMODS/kernel/tests/vmtest_probe.ko"
"$DMASTREAM_BUILD/tests/harness/probe-check"
rmmod vmtest_probe
