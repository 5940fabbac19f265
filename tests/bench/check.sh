#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# bench/run's guest side on the check sweep (bench/points: every kind of
# point, the ceiling and the modes in two interleaved rounds) with the
# report's --check: every record complete and consistent (bytes = transfers
# x size, no verification errors, latencies and counters measured), every
# round with every mode, every plot written. Speeds are reported, never
# judged.
BENCH_CHECK=1 exec "$DMASTREAM_SRC/bench/guest.sh" check
