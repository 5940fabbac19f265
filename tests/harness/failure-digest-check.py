#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# scripts/failure-digest on a meson test log made of a recorded hang (the
# arm64 lane's harness-hang output: guest lines, task dump, verdict), a
# failed script and a passing test.
#
#   failure-digest-check.py FAILURE-DIGEST HANG-SAMPLE
import json
import re
import subprocess
import sys
import tempfile

digest, sample = sys.argv[1], sys.argv[2]
hang = open(sample, encoding='utf-8').read()
tests = [
    {'name': 'dmastream:vm / harness-hang@arm64-zcu102', 'result': 'ERROR',
     'duration': 61.2, 'returncode': 99, 'stdout': hang},
    {'name': 'dmastream:unit / passes', 'result': 'OK', 'duration': 1,
     'returncode': 0, 'stdout': 'all fine\n'},
    {'name': 'dmastream:vm / driver-basic@6.1', 'result': 'FAIL', 'duration': 30,
     'returncode': 1, 'stdout': '== t-memcpy 100\nmemcpy: 4096 bytes differ\n'
     '-- t-memcpy: FAILED\n'
     # Matched by the list of kernel reports shared with dmesg-reports.
     '[   41.2] list_del corruption. next->prev should be ffff88800a1b2c00\n'
     '== t-notify\n-- t-notify: ok\n== 1 failed\n'
     'vm/run: driver-basic on 6.1: FAIL: the script failed (rc=1)\n'},
    # A 32-bit program blocked in an ioctl, the dump's last task, then
    # the dump's end and the runner's verdict.
    {'name': 'dmastream:vm / driver-compat32@6.1', 'result': 'ERROR', 'duration': 300,
     'returncode': 99, 'stdout': '== t-limits\n'
     'vmtest: no result after 200 s: the tasks and their kernel stacks\n'
     '-- 1 (init) S do_wait\n[<0>] do_wait+0x1/0x2\n'
     '-- 9123 (t-compat32) S dmastream_wait\n[<0>] dmastream_wait+0x10/0x80 [dmastream]\n'
     '[<0>] __ia32_compat_sys_ioctl+0x1/0x2\n[<0>] __do_fast_syscall_32+0x1/0x2\n'
     '[<0>] entry_SYSENTER_compat_after_hwframe+0x1/0x2\n'
     'vmtest: end of the task dump\n'
     'vm/run: driver-compat32 on 6.1: FAIL: guest hung, no result within 300s\n'},
]
with tempfile.NamedTemporaryFile('w', suffix='.json') as log:
    # A line cut short (a run interrupted while meson wrote it) is skipped.
    log.write('{"name": "dmastream:vm / cut\n')
    for t in tests:
        log.write(json.dumps(t) + '\n')
    log.flush()
    out = subprocess.run([digest, log.name], capture_output=True, text=True,
                         check=True).stdout
lines = out.splitlines()
failed = 0


def expect(what, ok):
    global failed
    print(('ok: ' if ok else 'FAIL: ') + what)
    failed += not ok


expect('the last line names the three failed tests',
       lines[-1] == '######## failed: harness-hang@arm64-zcu102, driver-basic@6.1, '
       'driver-compat32@6.1')
expect('a 32-bit program in a system call is shown',
       '-- 9123 (t-compat32) S dmastream_wait' in out and 'dmastream_wait+0x10' in out)
expect('the dump ends at its end line', out.count('no result within 300s') == 1)
expect('the passing test is not shown', 'passes' not in out)
expect('the hung sleep and its stack are shown',
       any(l.startswith('-- ') and '(sleep)' in l for l in lines) and
       'hrtimer_nanosleep' in out)
expect('the harness\'s own tasks are left out', '(init)' not in out and
       '(hang-dump)' not in out)
expect('kernel threads are left out', 'kworker' not in out and '(kthreadd)' not in out)
expect('the verdict is shown once', out.count('FAIL: guest hung, no result within 45s') == 1)
expect('what failed comes first', '-- what failed:\n-- t-memcpy: FAILED' in out)
expect('the guest line before the failure is shown', 'memcpy: 4096 bytes differ' in out)
expect('a report from the shared list is among what failed',
       re.search(r'-- what failed:\n(?:-- .*\n|\[.*\n)*\[   41.2\] list_del corruption', out)
       is not None)
expect('each test at most 46 lines',
       all(len(block.splitlines()) <= 47 for block in out.split('\n==== ')))
if failed:
    print(out)
sys.exit(1 if failed else 0)
