#!/bin/sh
# Self-test: a module the harness cannot unload after the script must fail
# the run. pin_on_load makes vmtest_probe hold a reference to itself.
insmod "$DMASTREAM_KMODS/kernel/tests/vmtest_probe.ko" pin_on_load=1 || exit 1
exit 0
