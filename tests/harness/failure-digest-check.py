#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# scripts/failure-digest on a meson test log made of a recorded hang (the
# arm64 lane's harness-hang output: guest lines, task dump, verdict), a
# failed script and a passing test.
#
#   failure-digest-check.py FAILURE-DIGEST HANG-SAMPLE
import json
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
     '-- t-memcpy: FAILED\n== t-notify\n-- t-notify: ok\n== 1 failed\n'
     'vm/run: driver-basic on 6.1: FAIL: the script failed (rc=1)\n'},
]
with tempfile.NamedTemporaryFile('w', suffix='.json') as log:
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


expect('the last line names both failed tests',
       lines[-1] == '######## failed: harness-hang@arm64-zcu102, driver-basic@6.1')
expect('the passing test is not shown', 'passes' not in out)
expect('the hung sleep and its stack are shown',
       any(l.startswith('-- ') and '(sleep)' in l for l in lines) and
       'hrtimer_nanosleep' in out)
expect('the harness\'s own tasks are left out', '(init)' not in out and
       '(hang-dump)' not in out)
expect('kernel threads are left out', 'kworker' not in out and '(kthreadd)' not in out)
expect('the verdict is shown once', out.count('FAIL: guest hung') == 1)
expect('what failed comes first', '-- what failed:\n-- t-memcpy: FAILED' in out)
expect('the guest line before the failure is shown', 'memcpy: 4096 bytes differ' in out)
expect('each test at most 46 lines',
       all(len(block.splitlines()) <= 47 for block in out.split('\n==== ')))
if failed:
    print(out)
sys.exit(1 if failed else 0)
