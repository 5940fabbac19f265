#!/bin/sh
# Self-test on the debug kernel: a lost allocation in a module must fail the run
# although this script passes and the module unloads.
insmod "$DMASTREAM_KMODS/kernel/tests/vmtest_probe.ko" leak_on_load=1 || exit 1
rmmod vmtest_probe
exit 0
