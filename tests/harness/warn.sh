#!/bin/sh
# Self-test: a module that WARNs must fail the run although this script
# passes and the module unloads.
insmod "$DMASTREAM_KMODS/kernel/tests/vmtest_probe.ko" warn_on_load=1 || exit 1
rmmod vmtest_probe
exit 0
