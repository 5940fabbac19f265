#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# bench/run's guest side on the check sweep (bench/points: every kind of
# point, the ceiling and the modes in two interleaved rounds). The
# report's --check runs on the host afterwards (check-report.sh).
exec "$DMASTREAM_SRC/bench/guest.sh" check
