#!/bin/sh
# Self-test: a guest script that fails must fail the run with its status.
echo "failing on purpose"
exit 3
