#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run by debian.sh in a private mount namespace (unshare -m): install the
# packages with dpkg into an overlay of the host's root, so that the host's
# own files, packages and DKMS tree never change, and check what the
# maintainer scripts did: the group exists, DKMS built and installed both
# modules for each given kernel (dmastream-dkms's postinst) and depmod
# indexed them. Then copy those modules out for the guest and purge the
# packages: DKMS must remove the modules again.
#
#   install.sh --work DIR --version UPSTREAM --kernel RELEASE... DEB...
#
# Exit 3 when the overlay cannot be set up (debian.sh then builds with DKMS
# in a private tree instead).

set -eu

work='' version=''
kernels=()
while [ $# -gt 0 ]; do
	case $1 in
	--work) work=$2; shift 2 ;;
	--version) version=$2; shift 2 ;;
	--kernel) kernels+=("$2"); shift 2 ;;
	--) shift; break ;;
	-*) echo "install.sh: unknown argument $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
die() { echo "FAIL: $*" >&2; exit 1; }

# Never in the host's mount namespace: the mounts below must die with it.
[ "$(readlink /proc/self/ns/mnt)" != "$(readlink /proc/1/ns/mnt)" ] ||
	{ echo "install.sh: run it in its own mount namespace (unshare -m)" >&2; exit 2; }

ovl=$work/overlay
m=$ovl/merged
mkdir -p "$ovl/upper" "$ovl/work" "$m"
# Nothing mounted here may reach the host's mount table.
mount --make-rprivate / 2>/dev/null || exit 3
mount -t overlay overlay -o "lowerdir=/,upperdir=$ovl/upper,workdir=$ovl/work" "$m" 2>/dev/null ||
	exit 3
mount --rbind /dev "$m/dev"
mount -t proc proc "$m/proc"
mount -t sysfs sysfs "$m/sys"
in_root() { chroot "$m" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }

# The postinst has DKMS build for every kernel whose headers it finds (the
# host has 4-5, about 45 s each); only the given ones are checked and
# booted, so the others' build links go, in the overlay only.
for d in "$m"/lib/modules/*; do
	k=${d##*/}
	case " ${kernels[*]} " in
	*" $k "*) ;;
	*) rm -f "$d/build" ;;
	esac
done

mkdir -p "$m/root/dmastream-debs"
cp "$@" "$m/root/dmastream-debs/"
log=$work/install.log
if ! in_root sh -c 'dpkg -i /root/dmastream-debs/*.deb' >"$log" 2>&1; then
	tail -n 40 "$log"
	die "dpkg -i failed (whole log: $log)"
fi
grep -E '^(Building for|Setting up|Creating|Deleting)' "$log" | sed 's/^/   /'

in_root getent group dmastream >/dev/null || die "installing created no group dmastream"
[ -f "$m/lib/udev/rules.d/60-dmastream.rules" ] || die "no udev rule installed"
status=$(in_root dkms status 2>/dev/null)
for k in "${kernels[@]}"; do
	grep -q "^dmastream/$version, $k, [^:]*: installed" <<<"$status" ||
		die "DKMS did not install the modules for $k: $status"
	mkdir -p "$work/installed/$k"
	for mod in dmasim dmastream; do
		f=$(in_root modinfo -k "$k" -F filename "$mod" 2>/dev/null) ||
			die "$k: modinfo finds no $mod (depmod did not index it)"
		case $f in
		"/lib/modules/$k/updates/dkms/$mod.ko"*) ;;
		*) die "$k: $mod resolves to $f, not DKMS's /lib/modules/$k/updates/dkms/" ;;
		esac
		vermagic=$(modinfo -F vermagic "$m$f")
		[ "${vermagic%% *}" = "$k" ] || die "$f: vermagic '$vermagic', not for $k"
		echo "   $k: $f: vermagic $vermagic"
		cp "$m$f" "$work/installed/$k/"
	done
done

if ! in_root dpkg --purge dmastream-dkms dmastream-tools libdmastream-dev libdmastream0 \
	>"$work/purge.log" 2>&1; then
	tail -n 40 "$work/purge.log"
	die "dpkg --purge failed (whole log: $work/purge.log)"
fi
status=$(in_root dkms status 2>/dev/null)
! grep -q '^dmastream/' <<<"$status" || die "DKMS still knows dmastream after the purge: $status"
for k in "${kernels[@]}"; do
	for mod in dmasim dmastream; do
		! ls "$m/lib/modules/$k/updates/dkms/$mod".ko* >/dev/null 2>&1 ||
			die "$k: $mod left in /lib/modules/$k/updates/dkms after the purge"
	done
done
echo "   purged: DKMS removed the modules"
