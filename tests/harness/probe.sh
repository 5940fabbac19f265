#!/bin/sh
# Load the harness probe module, check its answers from user space, unload.
set -e
insmod "$DMASTREAM_KMODS/kernel/tests/vmtest_probe.ko"
"$DMASTREAM_BUILD/tests/harness/probe-check"
rmmod vmtest_probe
