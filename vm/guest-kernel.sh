#!/usr/bin/env bash
# Make sure the guest kernel is in the cache and print its directory:
#
#   $PCIEM_CACHE/guest-<abi>/        (default ~/.cache/pciem/guest-<abi>/)
#       vmlinuz                      the Debian kernel for <abi>
#       pkg/                         linux-image-<abi> .deb, extracted (not installed)
#       pkg/lib/modules/<abi>/modules.dep   generated with depmod -b
#       .complete                    written last; the cache is valid only with it
#
# <abi> comes from vm/guest-kdir.sh (the headers the modules are built with).
# The .deb is fetched with `apt-get download`: the -unsigned package first,
# then the signed one.  Safe to run concurrently (flock).
set -euo pipefail
. "$(dirname "$0")/common.sh"

abi=${1:-$(guest_abi)}
dir=$CACHE_ROOT/guest-$abi

if [ -e "$dir/.complete" ]; then
	echo "$dir"
	exit 0
fi

mkdir -p "$CACHE_ROOT"
exec 9>"$CACHE_ROOT/guest-$abi.lock"
flock 9
if [ -e "$dir/.complete" ]; then
	echo "$dir"
	exit 0
fi

vm_log "fetching the guest kernel linux-image-$abi (once; cached in $dir)"
tmp=$(mktemp -d "$CACHE_ROOT/.guest-$abi.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"

download() {
	local p
	for p in "linux-image-$abi-unsigned" "linux-image-$abi"; do
		if (cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "$p" \
			</dev/null >"$tmp/apt.log" 2>&1); then
			return 0
		fi
	done
	return 1
}
if ! download; then
	# Package lists may be missing or stale on a machine that had everything
	# installed already: refresh once and try again.
	vm_log "apt-get download failed; running apt-get update and retrying"
	apt-get -qq update </dev/null >/dev/null 2>&1 || true
	download || { cat "$tmp/apt.log" >&2; vm_die "cannot download linux-image-$abi(-unsigned)"; }
fi

deb=$(ls "$tmp"/linux-image-*.deb)
mkdir "$tmp/out" "$tmp/out/pkg"
dpkg-deb -x "$deb" "$tmp/out/pkg"
rm -f "$deb"
[ -f "$tmp/out/pkg/boot/vmlinuz-$abi" ] || vm_die "no boot/vmlinuz-$abi in $(basename "$deb")"
cp "$tmp/out/pkg/boot/vmlinuz-$abi" "$tmp/out/vmlinuz"
depmod -b "$tmp/out/pkg" "$abi"
touch "$tmp/out/.complete"
rm -rf "$dir"
mv "$tmp/out" "$dir"
vm_log "guest kernel $abi cached ($(du -sh "$dir" | cut -f1))"
echo "$dir"
