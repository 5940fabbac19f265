#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The dmastream program itself on the host, with DMASTREAM_ROOT an empty
# tree (no module loaded): its own exit statuses (usage 2, --version, help),
# every command's --help/-h/"help COMMAND", what fails before a device is
# touched (5 no module, 2 usage), check (0, 9, 11, 2), -q leaving the error
# alone and --json failures as JSON on stdout.
set -u
T=$1
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
export DMASTREAM_ROOT="$root"
fails=0

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# expect STATUS CMD...: run CMD, stdout in $root/out, stderr in $root/err.
expect() {
	want=$1
	shift
	last="$*"
	"$@" >"$root/out" 2>"$root/err"
	got=$?
	[ "$got" -eq "$want" ] || fail "$last exited $got, expected $want: $(cat "$root/err")"
}

# has out|err PATTERN: the last command's output matches PATTERN (grep).
has() {
	grep -q -e "$2" "$root/$1" || fail "$last: $1 lacks '$2'"
}

# empty out|err: the last command printed nothing there.
empty() {
	[ -s "$root/$1" ] && fail "$last printed on $1: $(cat "$root/$1")"
	return 0
}

expect 2 "$T"
has err "usage: dmastream COMMAND"
empty out
expect 0 "$T" --help
has out "Exit codes"
expect 0 "$T" --version
has out "^dmastream [0-9]"
expect 2 "$T" frobnicate
has err "unknown command 'frobnicate'"
expect 2 "$T" help frobnicate
empty out

for cmd in list info create remove stats rx tx loop bench check; do
	expect 0 "$T" "$cmd" --help
	has out "^usage: dmastream $cmd"
	has out "^Options:"
	has out "^Exit status:"
	has out "^Examples:"
	has out "^  -q, --quiet"
	empty err
	expect 0 "$T" "$cmd" -h
	has out "^usage: dmastream $cmd"
	expect 0 "$T" help "$cmd"
	has out "^usage: dmastream $cmd"
	expect 2 "$T" "$cmd" --frobnicate
done

# No module: 5, with -q the error alone, with --json a JSON object.
expect 5 "$T" list
has err "not loaded"
expect 5 "$T" list -q
empty out
has err "not loaded"
expect 5 "$T" list --json
has out '"class":"no-module","exit_code":5}'
expect 5 "$T" info loop0 -q
empty out
expect 5 "$T" loop loop0 -n 1 -q
empty out
has err "not loaded"
expect 5 "$T" create --loopback loop0 -q
empty out
expect 5 "$T" create --loopback --dma-proxy -q
empty out
expect 2 "$T" create --dma-proxy
has err "give either --loopback or --channels"

# Usage errors come first; sizes and counts take K/M/G and Ki/Mi/Gi only.
expect 2 "$T" loop loop0 --size banana
has err "bad size 'banana'"
expect 2 "$T" loop loop0 -n 1ki
has err "bad count '1ki'"
expect 2 "$T" loop loop0 -s 4Q
expect 2 "$T" bench loop0 --sizes 4K,0
expect 2 "$T" bench loop0 -s 4K
expect 2 "$T" rx loop0/rx --pattern prbs
expect 2 "$T" stats loop0 -n 2
expect 2 "$T" loop loop0 -q --json --size 0
has out '"class":"usage","exit_code":2}'

# check needs no module.
printf '' >"$root/empty"
expect 0 "$T" check "$root/empty"
has out "check .*: 0 packets"
expect 0 "$T" check -q "$root/empty"
empty out
empty err
printf 'not packets' >"$root/junk"
expect 9 "$T" check -q "$root/junk"
has out "skipped bytes 11"
expect 9 "$T" check --json "$root/junk"
has out '"skipped_bytes":11'
has out '"exit_code":9}'
expect 11 "$T" check "$root/nonexistent"
has err "cannot open"
expect 11 "$T" check "$root"
has err "reading $root: Is a directory"
expect 2 "$T" check --verify=maybe

[ "$fails" -eq 0 ] && echo "ok: dmastream on the host"
exit $((fails != 0))
