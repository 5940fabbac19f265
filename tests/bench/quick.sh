#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# bench/run --quick's guest side with the report's --check: every record
# complete and consistent (bytes = transfers x size, no verification
# errors, latencies and counters measured), every plot written. Speeds are
# reported, never judged.
BENCH_CHECK=1 exec "$DMASTREAM_SRC/bench/guest.sh" quick
