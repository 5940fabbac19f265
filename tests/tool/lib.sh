# SPDX-License-Identifier: GPL-2.0
# Sourced by the dmastream tool's VM test scripts: load dmasim and the
# driver, run the tool, compare exit statuses and JSON values. Helpers use
# shell builtins where they can (every program started costs ~0.1 s on TCG).

# shellcheck disable=SC2034 # used by the scripts that source this
T=$DMASTREAM_BUILD/userspace/tool/dmastream
# shellcheck disable=SC2034
SIM=/sys/kernel/debug/dmasim/dmasim.0
FAILED=0
OUT=/tmp/tool-out
ERR=/tmp/tool-err

load_modules() {
	modprobe configfs || return 1
	insmod "$DMASTREAM_KMODS/kernel/dmasim/dmasim.ko" "$@" || return 1
	insmod "$DMASTREAM_KMODS/kernel/dmastream/dmastream.ko" || return 1
	unbind_dt_devices
}

# On an ARM lane the device tree creates a dmastream device on the SoC's
# own DMA controller as soon as the driver loads (pl330 is built in). These
# tests count and list devices: they start from none, as on x86, by
# unbinding those (which is itself a removal with no file open).
unbind_dt_devices() {
	[ -n "${VMTEST_LANE:-}" ] || return 0
	for d in /sys/bus/platform/drivers/dmastream/*; do
		[ -L "$d" ] || continue
		case ${d##*/} in module) continue ;; esac
		echo "${d##*/}" >/sys/bus/platform/drivers/dmastream/unbind || return 1
	done
}

fail() {
	echo "FAIL: $*"
	FAILED=$((FAILED + 1))
}

ok() {
	echo "ok: $*"
}

# show: the last command's output, after a failure.
show() {
	while IFS= read -r l; do echo "  out: $l"; done <"$OUT"
	while IFS= read -r l; do echo "  err: $l"; done <"$ERR"
}

# expect STATUS CMD...: run CMD (stdout to $OUT, stderr to $ERR), compare
# its exit status; the first line of $OUT is kept in $LINE.
expect() {
	want=$1
	shift
	"$@" >"$OUT" 2>"$ERR"
	got=$?
	LINE=
	IFS= read -r LINE <"$OUT"
	if [ "$got" -ne "$want" ]; then
		fail "$* exited $got, expected $want"
		show
		return 1
	fi
	ok "$* -> $got"
}

# jv KEY [TEXT]: the value of the first "KEY": in TEXT (default $LINE),
# without quotes; empty when missing.
jv() {
	t=${2-$LINE}
	case $t in
	*"\"$1\":"*) ;;
	*) echo ""; return ;;
	esac
	v=${t#*\""$1"\":}
	v=${v%%[,\}]*}
	v=${v#\"}
	echo "${v%\"}"
}

# jlast KEY [TEXT]: the same for the last "KEY": (top-level keys such as
# "status" that nested objects also have).
jlast() {
	t=${2-$LINE}
	case $t in
	*"\"$1\":"*) ;;
	*) echo ""; return ;;
	esac
	v=${t##*\""$1"\":}
	v=${v%%[,\}]*}
	v=${v#\"}
	echo "${v%\"}"
}

# is NAME GOT WANT: compare two values.
is() {
	if [ "$2" = "$3" ]; then
		ok "$1 = $3"
	else
		fail "$1 = '$2', expected '$3'"
	fi
}

# cmp_n NAME A OP B: numeric comparison (OP as for test: -gt, -le, ...).
cmp_n() {
	if [ -n "$2" ] && [ -n "$4" ] && test "$2" "$3" "$4"; then
		ok "$1: $2 $3 $4"
	else
		fail "$1: '$2' $3 '$4' does not hold"
	fi
}

# contains NAME TEXT PART
contains() {
	case $2 in
	*"$3"*) ok "$1 has '$3'" ;;
	*) fail "$1 lacks '$3': $2" ;;
	esac
}

rd() {
	IFS= read -r v <"$1" && echo "$v"
}

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds.
wait_for() {
	wf_n=$(($1 * 10))
	shift
	while [ "$wf_n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		wf_n=$((wf_n - 1))
	done
	return 1
}

# catches PID SIGNUM: the process has its own handler for signal SIGNUM
# (1 to 32) in place. A background job of a non-interactive shell starts
# with SIGINT ignored, so a SIGINT sent before the tool's handler is in
# place is lost and the tool streams on: wait for this first.
catches() {
	ca_mask=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null)
	[ -n "$ca_mask" ] || return 1
	[ $(((0x${ca_mask#????????} >> ($2 - 1)) & 1)) = 1 ]
}

# wait_exit PID SECONDS [DEV/LABEL...]: wait for a background program and
# give its exit status. One that has not ended in SECONDS is shown (its
# state, system call, kernel stack, the channels' counters), killed and
# reported as 124: a program that hangs fails its step, not the run.
wait_exit() {
	we_pid=$1 we_n=$(($2 * 10))
	shift 2
	while [ "$we_n" -gt 0 ] && kill -0 "$we_pid" 2>/dev/null &&
		[ "$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$we_pid/status" 2>/dev/null)" != Z ]; do
		sleep 0.1
		we_n=$((we_n - 1))
	done
	if [ "$we_n" -eq 0 ]; then
		echo "# pid $we_pid has not ended: $(grep -E '^(State|voluntary|nonvoluntary)' \
			"/proc/$we_pid/status" 2>/dev/null | tr '\n\t' '  ')"
		echo "# syscall: $(cat "/proc/$we_pid/syscall" 2>/dev/null)"
		sed 's/^/# stack: /' "/proc/$we_pid/stack" 2>/dev/null
		for we_c in "$@"; do
			for we_f in /sys/class/dmastream/"${we_c%/*}.${we_c#*/}"/stats/* \
				    /sys/class/dmastream/"${we_c%/*}.${we_c#*/}"/ring; do
				echo "# $we_c ${we_f##*/}: $(cat "$we_f" 2>/dev/null)"
			done
		done
		kill -KILL "$we_pid" 2>/dev/null
		wait "$we_pid"
		return 124
	fi
	wait "$we_pid"
}

# owned DEV/LABEL: some program has set up a ring on the channel.
owned() {
	read -r own_n _ <"/sys/class/dmastream/${1%/*}.${1#*/}/ring" 2>/dev/null || return 1
	[ "$own_n" != 0 ]
}

# streamed DEVICE/LABEL [COUNT]: the driver has completed more than COUNT
# (default 0) transfers on it since the counters were last reset.
streamed() {
	read -r done_n <"/sys/class/dmastream/${1%/*}.${1#*/}/stats/completed" 2>/dev/null ||
		return 1
	[ "$done_n" -gt "${2:-0}" ]
}

# completed DEV/LABEL: transfers completed on the channel since the
# counters were last reset.
completed() {
	rd "/sys/class/dmastream/${1%/*}.${1#*/}/stats/completed"
}

# inflight DEV/LABEL: transfers in flight on the channel now.
inflight() {
	rd "/sys/class/dmastream/${1%/*}.${1#*/}/stats/inflight"
}

finish() {
	echo "== $FAILED failed"
	[ "$FAILED" -eq 0 ]
}

# listening FILE PORT: a server (an example, tcp-sink --listen) said on the
# first line of FILE that it listens on PORT.
listening() {
	[ -e "$1" ] && IFS= read -r l <"$1" || return 1
	case $l in "listening on 127.0.0.1:$2") return 0 ;; esac
	return 1
}
