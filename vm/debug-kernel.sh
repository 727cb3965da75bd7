#!/usr/bin/env bash
# vm/debug-kernel.sh: build the debug guest kernel once and print its
# release.  It is Debian's linux-source-6.1 (from vm/setup-host.sh) with
# x86_64_defconfig plus vm/debug.config: lockdep, KASAN, atomic-sleep
# checks, debug objects, slab poisoning, hung-task and soft-lockup
# detectors.  The result is laid out like a fetched Debian kernel, so the
# rest of vm/ uses it the same way (PCIEM_GUEST_KERNEL=debug):
#
#   $PCIEM_CACHE/guest-<release>/vmlinuz
#   $PCIEM_CACHE/guest-<release>/pkg/lib/modules/<release>/   its modules
#   $PCIEM_CACHE/guest-<release>/build/                        KDIR for pciem
#   $PCIEM_CACHE/guest-<release>/.complete   the config's hash, written last
#   $PCIEM_CACHE/debug.release               <release>
#
# A change to vm/debug.config or a new linux-source rebuilds it.  Safe to
# run concurrently (flock).  Takes about 20-25 minutes on 2 cores.
set -euo pipefail
. "$(dirname "$0")/common.sh"

tarball=/usr/src/linux-source-6.1.tar.xz
# vm/setup-host.sh (make deps) installs the source and the build tools.
for p in linux-source-6.1 bc bison flex libelf-dev libssl-dev; do
	dpkg-query -W -f='${db:Status-Abbrev}' $p 2>/dev/null | grep -q '^ii' ||
		vm_die "$p is not installed; run vm/setup-host.sh (make deps)"
done

hash=$( (cat "$VM_DIR/debug.config"; stat -c '%s %Y' $tarball) | sha256sum | cut -c1-16)
mkdir -p "$CACHE_ROOT"
exec 9>"$CACHE_ROOT/debug-kernel.lock"
flock 9
if [ -f "$CACHE_ROOT/debug.release" ]; then
	rel=$(cat "$CACHE_ROOT/debug.release")
	if [ "$(cat "$CACHE_ROOT/guest-$rel/.complete" 2>/dev/null)" = "$hash" ]; then
		echo "$rel"
		exit 0
	fi
fi

vm_log "building the debug guest kernel (once; cached in $CACHE_ROOT)"
work=$(mktemp -d "$CACHE_ROOT/.debug-kernel.XXXXXX")
trap 'rm -rf "$work"' EXIT
tar -xJf $tarball -C "$work"
src=$(ls -d "$work"/linux-source-*)
out=$work/out
mkdir -p "$out/build"
make -s -C "$src" O="$out/build" x86_64_defconfig >/dev/null
"$src/scripts/kconfig/merge_config.sh" -m -O "$out/build" "$out/build/.config" \
	"$VM_DIR/debug.config" >/dev/null
make -s -C "$src" O="$out/build" LOCALVERSION=-pciem-debug olddefconfig >/dev/null
# Every option of debug.config must have survived (a dependency can drop one).
missing=$(grep -E '^CONFIG_[A-Z0-9_]+=[ym]$' "$VM_DIR/debug.config" | while read -r l; do
	grep -qx "$l" "$out/build/.config" || grep -qx "${l%=m}=y" "$out/build/.config" ||
		echo "$l"
done)
[ -z "$missing" ] || vm_die "vm/debug.config options not in the result: $missing"
t0=$SECONDS
make -s -C "$src" O="$out/build" LOCALVERSION=-pciem-debug -j"$(nproc)" bzImage modules
rel=$(cat "$out/build/include/config/kernel.release")
make -s -C "$src" O="$out/build" LOCALVERSION=-pciem-debug INSTALL_MOD_PATH="$out/pkg" \
	INSTALL_MOD_STRIP=1 modules_install >/dev/null
cp "$out/build/arch/x86/boot/bzImage" "$out/vmlinuz"
# An external module build needs the tree's scripts, headers and config,
# not its objects: drop them (about 90 % of the tree).
find "$out/build" -name '*.o' -delete
rm -f "$out/pkg/lib/modules/$rel/build" "$out/pkg/lib/modules/$rel/source"
# The build tree refers to its sources: keep them beside it.
mv "$src" "$out/source"
ln -sfn ../source "$out/build/source"
sed -i "s|$src|$CACHE_ROOT/guest-$rel/source|g; s|$out|$CACHE_ROOT/guest-$rel|g" \
	"$out/build/Makefile"
echo "$hash" >"$out/.complete"
rm -rf "$CACHE_ROOT/guest-$rel"
mv "$out" "$CACHE_ROOT/guest-$rel"
echo "$rel" >"$CACHE_ROOT/debug.release"
vm_log "debug kernel $rel built in $((SECONDS - t0))s ($(du -sh "$CACHE_ROOT/guest-$rel" | cut -f1))"
echo "$rel"
