#!/bin/sh
# Self-test: a guest that never finishes must fail the run as a hang.
echo "hanging on purpose"
while :; do sleep 60; done
