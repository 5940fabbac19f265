#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Threads and processes, object lifetimes, device removal, unloading.
. "$(dirname "$0")/lib.sh"

# Engine 1 serves the slave-map case of t-lifetime.
load_modules engines=2 || exit 1
create_t0 || exit 1
run t-concurrency
run t-lifetime

# The module stays while a file is open, and goes once it is closed.
unload_while_open() {
	exec 3</dev/dmastream/t0/rx
	if rmmod dmastream 2>/dev/null; then
		exec 3<&-
		echo "rmmod succeeded with a file open"
		return 1
	fi
	exec 3<&-
	# configfs directories keep it too.
	rmmod dmastream 2>/dev/null && return 1
	remove_t0 && rmmod dmastream && rmmod dmasim
}
check unload_while_open
finish
