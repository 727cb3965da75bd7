#!/usr/bin/env bash
# vm/setup-host.sh: install what building pciem and running its test VM need
# (Debian 12).  Quiet and quick when everything is there already; otherwise
# one `apt-get update` and one non-interactive `apt-get install`.  Run by
# `make deps` (and so by `make check` and `make demo`); needs root (or sudo).
#
# It also makes sure the guest kernel of the newest installed headers can
# still be downloaded: when the archive has moved on to a newer kernel ABI,
# linux-headers-amd64 is upgraded so that headers and guest kernel match.
set -euo pipefail
VM_DIR=$(cd "$(dirname "$0")" && pwd)

PKGS=(
	build-essential		# gcc, make, libc headers
	linux-headers-amd64	# -> linux-headers-<abi>-amd64 (KDIR)
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
	linux-source-6.1	# the debug guest kernel (vm/debug-kernel.sh) and checkpatch
	bc bison flex libelf-dev libssl-dev	# building that kernel
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

# The guest kernel for the newest headers must be downloadable.
image_available() {
	local abi=$1
	apt-cache show "linux-image-$abi-unsigned" >/dev/null 2>&1 ||
		apt-cache show "linux-image-$abi" >/dev/null 2>&1
}
kdir=$("$VM_DIR/guest-kdir.sh" || true)
[ -n "$kdir" ] || { echo "setup-host: no /usr/src/linux-headers-*-amd64 after installing" >&2; exit 1; }
abi=$(basename "$kdir" | sed 's/^linux-headers-//')
cache=${PCIEM_CACHE:-${HOME:-/root}/.cache/pciem}/guest-$abi
if [ ! -e "$cache/.complete" ] && ! image_available "$abi"; then
	apt_update
	if ! image_available "$abi"; then
		echo "setup-host: linux-image-$abi is gone from the archive; upgrading the headers"
		apt_install linux-headers-amd64
		kdir=$("$VM_DIR/guest-kdir.sh")
		abi=$(basename "$kdir" | sed 's/^linux-headers-//')
		image_available "$abi" || {
			echo "setup-host: no linux-image-$abi package either" >&2
			exit 1
		}
	fi
fi
