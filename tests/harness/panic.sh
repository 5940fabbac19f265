#!/bin/sh
# Self-test: a guest kernel that panics must fail the run, with no result.
echo 1 >/proc/sys/kernel/sysrq
echo c >/proc/sysrq-trigger
sleep 30
exit 0
