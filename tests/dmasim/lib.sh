# SPDX-License-Identifier: GPL-2.0
# Helpers shared by the dmasim VM test scripts (sourced, POSIX sh).
#
# Under TCG every program started from the 9p root costs ~0.1 s, so what
# runs often sticks to shell builtins.
#
#   load_dmasim [PARAM=VALUE ...]   insmod dmasim.ko
#   load_client [PARAM=VALUE ...]   insmod dmasim_client.ko (engine 0 unless engine=N)
#   cmd COMMAND [key=value ...]     run a client test case; fails the script if it fails
#   val KEY                         a value from the last client result
#   dget FILE / dset FILE VALUE     read / write a dmasim debugfs file of engine 0
#   expect ACTUAL WANTED WHAT       compare, fail with WHAT when different

KMOD=$DMASTREAM_KMODS/kernel
DBG=/sys/kernel/debug/dmasim/dmasim.0
CLI=/sys/kernel/debug/dmasim-client.0

fail() {
	echo "FAIL: $*"
	dmesg | tail -n 40
	exit 1
}

# Seconds since boot, to 0.01 s.
centis() {
	read -r up _ </proc/uptime
	frac=${up#*.}
	echo $(( ${up%.*} * 100 + ${frac#0} ))
}
T0=$(centis)

step() {
	t=$(( $(centis) - T0 ))
	echo "== [$((t / 100)).$((t / 10 % 10))s] $*"
}

# The whole of a file, builtins only.
slurp() {
	SLURP=
	while IFS= read -r line; do
		SLURP="$SLURP$line
"
	done <"$1"
}

load_dmasim() {
	insmod "$KMOD/dmasim/dmasim.ko" "$@" || fail "insmod dmasim $*"
}

load_client() {
	insmod "$KMOD/tests/dmasim_client.ko" "$@" || fail "insmod dmasim_client $*"
}

unload() {
	for m in "$@"; do
		rmmod "$m" || fail "rmmod $m"
	done
}

# Quiet while QUIET=1 (sweeps); the result stays in $RESULT.
cmd() {
	[ -n "${QUIET:-}" ] || echo "+ $*"
	if ! echo "$*" >"$CLI/cmd"; then
		slurp "$CLI/result"
		printf '%s' "$SLURP"
		fail "client command: $*"
	fi
	slurp "$CLI/result"
	RESULT=$SLURP
	[ -n "${QUIET:-}" ] || printf '%s' "$RESULT"
}

# A client command that must be refused with EINVAL (a bad request).
cmd_rejected() {
	if echo "$*" >"$CLI/cmd" 2>/dev/null; then
		fail "client accepted: $*"
	fi
}

val() {
	for word in $RESULT; do
		case $word in "$1="*)
			echo "${word#*=}"
			return
		esac
	done
}

dget() {
	read -r value <"$DBG/$1" || fail "read $1"
	echo "$value"
}

dset() {
	echo "$2" >"$DBG/$1" || fail "write '$2' to $1"
}

# A debugfs write that must fail, with the errno named by its message
# (coreutils' echo names it; the shell's says "I/O error" for any).
dset_fails() {
	file=$1 value=$2 want=$3
	err=$(/bin/echo "$value" 2>&1 >"$DBG/$file") && fail "write '$value' to $file succeeded"
	case $err in
	*"$want"*) ;;
	*) fail "write '$value' to $file: '$err', expected '$want'" ;;
	esac
}

expect() {
	[ "$1" = "$2" ] || fail "$3: got '$1', expected '$2'"
}

# Poll a debugfs counter until it reaches at least VALUE.
wait_dbg_ge() {
	file=$1 value=$2 n=0
	while [ "$(dget "$file")" -lt "$value" ]; do
		n=$((n + 1))
		[ $n -lt 2000 ] || fail "$file stayed at $(dget "$file"), waited for $value"
		sleep 0.01
	done
}

# Poll a debugfs file until it holds VALUE (the engine works asynchronously).
wait_dbg() {
	file=$1 value=$2 n=0
	while [ "$(dget "$file")" != "$value" ]; do
		n=$((n + 1))
		[ $n -lt 2000 ] || fail "$file stayed at $(dget "$file"), waited for $value"
		sleep 0.01
	done
}
