#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# scripts/vm/dmesg-reports against a real dmesg (arm64 lane, 6.1, two
# clock-core warnings from zynqmp_dma's remove(): see
# tests/lanes/zynqmp-remove-defect.sh) and variants of it.
#
#   dmesg-reports.sh DMESG-REPORTS SAMPLE
set -u
reports=$1 sample=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

# case_ NAME WANT: the filter on $tmp/NAME must print WANT report lines
# and exit 0, or print none and exit 1 when WANT is 0.
case_() {
	got=$("$reports" "$tmp/$1" | wc -l)
	"$reports" "$tmp/$1" >/dev/null
	rc=$?
	want_rc=0
	[ "$2" -eq 0 ] && want_rc=1
	if [ "$got" -eq "$2" ] && [ "$rc" -eq "$want_rc" ]; then
		echo "ok: $1: $got report line(s)"
	else
		echo "FAIL: $1: $got report line(s), exit $rc; want $2"
		"$reports" "$tmp/$1" | sed 's/^/    /'
		failed=$((failed + 1))
	fi
}

# Both warnings, and nothing of the traces (arm64 writes "Call trace:").
cp "$sample" "$tmp/sample"
case_ sample 2

# Lines before the script's start marker are the boot's, not the test's,
# unless the marker is missing.
{ echo "[    1.000000] WARNING: CPU: 0 PID: 1 at lib/x.c:1 boot_thing+0x0/0x4"; cat "$sample"; } \
	>"$tmp/before-start"
case_ before-start 2
grep -v 'vmtest: script starts' "$tmp/before-start" >"$tmp/no-marker"
case_ no-marker 3
sed '/WARNING/d' "$sample" >"$tmp/quiet"
case_ quiet 0

# A provider's runtime PM unbalanced by a client says so only in a dev_warn.
{ cat "$tmp/quiet"; echo "[    5.000000] xilinx-zynqmp-dma fd500000.dma-controller: Runtime PM usage count underflow!"; } \
	>"$tmp/underflow"
case_ underflow 1
# ... except pl330's own (terminate_all racing its tasklet: excused).
{ cat "$tmp/quiet"; echo "[    9.575196] dma-pl330 f8003000.dmac: Runtime PM usage count underflow!"; } \
	>"$tmp/pl330-underflow"
case_ pl330-underflow 0

# pl330's debugfs file, found again on a second bind (excused), and a
# dmastream device's (two devices under one name).
{ cat "$tmp/quiet"; echo "[    6.000000] debugfs: File 'f8003000.dma' in directory '/' already present!"; } \
	>"$tmp/pl330-debugfs"
case_ pl330-debugfs 0
{ cat "$tmp/quiet"; echo "[    6.000000] debugfs: Directory 'zdma.mem0' with parent 'dmastream' already present!"; } \
	>"$tmp/our-debugfs"
case_ our-debugfs 1

echo "== $failed failed"
[ "$failed" -eq 0 ]
