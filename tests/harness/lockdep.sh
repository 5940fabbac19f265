#!/bin/sh
# Self-test on the debug kernel: a lock order inversion in a module must fail the run
# although this script passes and the module unloads.
insmod "$DMASTREAM_KMODS/kernel/tests/vmtest_probe.ko" lock_inversion_on_load=1 || exit 1
rmmod vmtest_probe
exit 0
