#!/bin/sh
# Self-test of the first boot's lock-debugging check (scripts/vm/guest-init).
# The runner appended "Disabling lock debugging" to the kernel's command
# line, which the kernel log shows as it boots: the first boot must stop
# before this script, and the runner boot once more and run it. Once: each
# run adds a line to a file in the log folder, which stays across boots.
runs=$VMTEST_OUT/script-runs
echo run >>"$runs"
n=$(wc -l <"$runs")
[ "$n" -eq 1 ] || { echo "FAIL: the script ran $n times"; exit 1; }
echo "the script ran once"
