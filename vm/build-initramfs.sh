#!/usr/bin/env bash
# vm/build-initramfs.sh OUT.cpio
#
# Build the test VM's initramfs (an uncompressed newc cpio) from:
#   - busybox-static and its applet links
#   - the cached Debian kernel's modules named in vm/guest-modules.list and
#     their dependencies (decompressed to .ko; modules.dep regenerated with
#     depmod -b so busybox modprobe works)
#   - host programs of vm/guest-tools.list with their shared libraries,
#     and /usr/share/misc/pci.ids
#   - the project's payload ($PCIEM_GUEST_DIR, default build/guest):
#     modules/*.ko -> /pciem/modules/, bin/* -> /pciem/bin/,
#     tests/ -> /pciem/tests/
#   - vm/guest-init.sh as /init, vm/guest-demo.sh as /pciem/demo.sh
# Rebuilt on every run; takes about a second.
set -euo pipefail
. "$(dirname "$0")/common.sh"

out=${1:?usage: build-initramfs.sh OUT.cpio}
abi=$(guest_abi)
kdir=$("$VM_DIR/guest-kernel.sh" "$abi")
pkgmod=$kdir/pkg/lib/modules/$abi

mkdir -p "$(dirname "$out")"
root=$(mktemp -d "$(dirname "$out")/.initramfs.XXXXXX")
trap 'rm -rf "$root"' EXIT

cd "$root"
mkdir -p bin sbin usr/bin usr/sbin lib lib64 etc proc sys dev tmp run root mnt \
	var/tmp "lib/modules/$abi" pciem/modules pciem/bin pciem/tests usr/share/misc
ln -s ../run var/run

# busybox and its applets
bb=$(command -v busybox) || vm_die "busybox not found (apt-get install busybox-static)"
ldd "$bb" >/dev/null 2>&1 &&
	vm_die "$bb is dynamically linked; install busybox-static"
cp "$bb" bin/busybox
while read -r applet; do
	[ -e "$applet" ] || [ -L "$applet" ] || ln -s /bin/busybox "$applet"
done < <(bin/busybox --list-full)

# kernel modules: the listed ones and their dependencies
declare -A want=()
resolve() {	# NAME -> relative path in modules.dep
	local n=${1//-/_}
	awk -F: -v n="$n" '{ p=$1; b=p; sub(/.*\//, "", b); sub(/\.ko(\.[a-z]+)?$/, "", b);
		gsub(/-/, "_", b); if (b == n) { print p; exit } }' "$pkgmod/modules.dep"
}
while read -r m _; do
	case "$m" in ''|'#'*) continue ;; esac
	p=$(resolve "$m")
	if [ -z "$p" ]; then
		if grep -Eq "/${m//[-_]/[-_]}\.ko" "$pkgmod/modules.builtin" 2>/dev/null; then
			continue	# built into the kernel
		fi
		vm_die "module $m not in linux-image-$abi"
	fi
	want[$p]=1
	for d in $(awk -F: -v p="$p" '$1 == p { print $2 }' "$pkgmod/modules.dep"); do
		want[$d]=1
	done
done <"$VM_DIR/guest-modules.list"
for p in "${!want[@]}"; do
	dst=lib/modules/$abi/$p
	mkdir -p "$(dirname "$dst")"
	case "$p" in
	*.ko.xz)  xz -dc "$pkgmod/$p" >"${dst%.xz}" ;;
	*.ko.zst) zstd -qdc "$pkgmod/$p" >"${dst%.zst}" ;;
	*.ko.gz)  gzip -dc "$pkgmod/$p" >"${dst%.gz}" ;;
	*)        cp "$pkgmod/$p" "$dst" ;;
	esac
done
for f in modules.order modules.builtin; do
	[ -f "$pkgmod/$f" ] || continue
	sed -E 's/\.ko\.(xz|zst|gz)$/.ko/' "$pkgmod/$f" >"lib/modules/$abi/$f"
done
[ -f "$pkgmod/modules.builtin.modinfo" ] && cp "$pkgmod/modules.builtin.modinfo" "lib/modules/$abi/"
depmod -b "$root" "$abi"

# host tools and the libraries they need
copy_lib() {
	local f=$1
	[ -e ".$f" ] && return 0
	mkdir -p ".$(dirname "$f")"
	cp -L "$f" ".$f"
}
while read -r t _; do
	case "$t" in ''|'#'*) continue ;; esac
	opt=0
	[ "${t#\?}" != "$t" ] && { opt=1; t=${t#\?}; }
	p=$(PATH=/usr/sbin:/usr/bin:/sbin:/bin command -v "$t" || true)
	if [ -z "$p" ]; then
		[ $opt = 1 ] && continue
		vm_die "host program $t missing (run vm/setup-host.sh)"
	fi
	dst=usr/bin/$t
	case "$p" in */sbin/*) dst=usr/sbin/$t ;; esac
	rm -f "bin/$t" "sbin/$t" "usr/bin/$t" "usr/sbin/$t"
	cp -L "$p" "$dst"
	for lib in $(ldd "$p" 2>/dev/null | grep -o '/[^ ]*'); do
		copy_lib "$lib"
	done
done <"$VM_DIR/guest-tools.list"
[ -f /usr/share/misc/pci.ids ] && cp -L /usr/share/misc/pci.ids usr/share/misc/
[ -f /etc/mke2fs.conf ] && cp /etc/mke2fs.conf etc/

# minimal /etc
echo "root:x:0:0:root:/root:/bin/sh" >etc/passwd
echo "root:x:0:" >etc/group
echo "pciem-guest" >etc/hostname

# the project's payload
if [ -d "$GUEST_DIR" ]; then
	cp "$GUEST_DIR"/modules/*.ko pciem/modules/ 2>/dev/null || true
	if [ -d "$GUEST_DIR/bin" ]; then
		cp -a "$GUEST_DIR/bin/." pciem/bin/
	fi
	if [ -d "$GUEST_DIR/tests" ]; then
		cp -a "$GUEST_DIR/tests/." pciem/tests/
	fi
fi
cp "$VM_DIR/guest-init.sh" init
cp "$VM_DIR/guest-demo.sh" pciem/demo.sh
chmod 755 init pciem/demo.sh

find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet >"$out.tmp"
mv "$out.tmp" "$out"
