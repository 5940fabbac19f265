#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Timeouts, abort, injected engine errors, processes killed mid-transfer,
# a submitter stuck on a user fault.
. "$(dirname "$0")/lib.sh"

load_modules || exit 1
create_t0 || exit 1
run t-timeout
run t-faults
run t-kill 20
run t-userfault
remove_t0
finish
