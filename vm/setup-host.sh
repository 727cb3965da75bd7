#!/usr/bin/env bash
# vm/setup-host.sh: install what building pciem and running its test VM need
# (Debian 12).  Quiet and quick when everything is there already; otherwise
# one `apt-get update` and one non-interactive `apt-get install`.  Run by
# `make deps` (and so by `make check` and `make demo`); needs root (or sudo).
#
# It also installs the kernel headers of each guest kernel series the test VM
# boots (6.1 and 6.12; PCIEM_KERNELS overrides), the newest the archive has
# when the installed ones' kernel can no longer be downloaded.
set -euo pipefail
VM_DIR=$(cd "$(dirname "$0")" && pwd)

PKGS=(
	build-essential		# gcc, make, libc headers
	qemu-system-x86		# the test VM (seabios comes with it)
	busybox-static		# the VM's userland
	cpio			# initramfs
	kmod			# depmod -b, modinfo
	pciutils		# lspci/setpci, host and guest
	pkg-config
	e2fsprogs		# mke2fs (guest NVMe tests)
	xz-utils		# .ko.xz modules, if the kernel package has them
	zstd			# .ko.zst modules, likewise
	util-linux		# flock
	trinity			# the system call fuzzer (10-pciem/22-trinity)
	dkms			# make dkms-install; dkms.conf is checked by make check
	linux-source-6.1	# the debug guest kernel (vm/debug-kernel.sh) and checkpatch
	bc bison flex libelf-dev libssl-dev	# building that kernel
	groff-base man-db	# man pages: rendered and checked by make check
	coreutils
)

export DEBIAN_FRONTEND=noninteractive
APT_OPTS=(-o DPkg::Lock::Timeout=600 -o APT::Sandbox::User=root)

missing=()
for p in "${PKGS[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	case "$st" in ii*) ;; *) missing+=("$p") ;; esac
done

SUDO=
if [ "$(id -u)" != 0 ]; then
	SUDO=sudo
fi

updated=0
apt_update() {
	[ $updated = 1 ] && return 0
	echo "setup-host: apt-get update"
	$SUDO apt-get "${APT_OPTS[@]}" -qq update </dev/null
	updated=1
}
apt_install() {
	echo "setup-host: installing $*"
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get "${APT_OPTS[@]}" -y -q \
		--no-install-recommends install "$@" </dev/null >/tmp/pciem-setup-host.$$.log 2>&1 || {
		cat /tmp/pciem-setup-host.$$.log >&2
		rm -f /tmp/pciem-setup-host.$$.log
		echo "setup-host: apt-get install failed" >&2
		exit 1
	}
	grep -E '^(Setting up|E:|W:)' /tmp/pciem-setup-host.$$.log | sed 's/^/setup-host:   /' || true
	rm -f /tmp/pciem-setup-host.$$.log
}

if [ ${#missing[@]} -gt 0 ]; then
	apt_update
	apt_install "${missing[@]}"
fi

# The guest kernels: for each series the harness tests (vm/guest-kdir.sh),
# the newest headers the archive carries, whose kernel image can be
# downloaded, are installed — unless the kernel of the newest headers already
# installed is cached or still downloadable.  A newer kernel in the archive is
# picked up here, without editing the tree.
KERNELS=${PCIEM_KERNELS:-6.1 6.12}
image_available() {
	apt-cache show "linux-image-$1-unsigned" >/dev/null 2>&1 ||
		apt-cache show "linux-image-$1" >/dev/null 2>&1
}
# newest_in_archive SERIES: the newest linux-headers-<abi> package of SERIES.
newest_in_archive() {
	local re
	re=$(PCIEM_GUEST_KERNEL=$1 "$VM_DIR/guest-kdir.sh" --headers-regex) || return 0
	apt-cache pkgnames "linux-headers-$1." 2>/dev/null | grep -E "$re" | sort -V | tail -n 1
}
for k in $KERNELS; do
	kdir=$(PCIEM_GUEST_KERNEL=$k "$VM_DIR/guest-kdir.sh" || true)
	if [ -n "$kdir" ]; then
		abi=$(basename "$kdir" | sed 's/^linux-headers-//')
		cache=${PCIEM_CACHE:-${HOME:-/root}/.cache/pciem}/guest-$abi
		[ -e "$cache/.complete" ] && continue
		image_available "$abi" && continue
	fi
	apt_update
	pkg=$(newest_in_archive "$k")
	[ -n "$pkg" ] || { echo "setup-host: no linux-headers-$k.* in the archive" >&2; exit 1; }
	abi=${pkg#linux-headers-}
	image_available "$abi" || { echo "setup-host: no linux-image-$abi in the archive" >&2; exit 1; }
	apt_install "$pkg"
done
