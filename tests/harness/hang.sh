#!/bin/sh
# Self-test: a guest that never finishes must fail the run as a hang.
echo "hanging on purpose"
# One sleep that outlasts any timeout (at most 4 x 30 s): a sleep that ended
# and was replaced while the dump ran would be missing from it.
while :; do sleep 3600; done
