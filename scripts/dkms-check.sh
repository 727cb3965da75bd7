#!/bin/sh
# scripts/dkms-check.sh VERSION KERNEL_RELEASE...: `dkms build` of the
# modules, from a source tree laid out by scripts/dkms-source.sh, for each
# kernel whose headers are installed (/lib/modules/<release>/build), in a
# private DKMS tree: nothing is installed, nothing is loaded.  Ends with
# "dkms: N passed, M failed".
set -u
version=$1
shift
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pciem-dkms.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
if ! command -v dkms >/dev/null; then
	echo "dkms: not installed (make deps installs it)"
	echo "dkms: 0 passed, 1 failed"
	exit 1
fi
"$top/scripts/dkms-source.sh" "$tmp/src/pciem-$version" "$version" || fail=$((fail + 1))
mkdir -p "$tmp/tree"
# built KERNEL: both modules are in the DKMS tree (maybe compressed).
built() {
	for m in pciem pciio; do
		ls "$tmp/tree/pciem/$version/$1/x86_64/module/$m.ko"* >/dev/null 2>&1 || return 1
	done
}
for k in "$@"; do
	if dkms build -m pciem -v "$version" -k "$k" --dkmstree "$tmp/tree" \
		--sourcetree "$tmp/src" >"$tmp/log" 2>&1 && built "$k"; then
		echo "ok: dkms build for $k"
		pass=$((pass + 1))
	else
		echo "FAIL: dkms build for $k:"
		sed 's/^/  /' "$tmp/log"
		find "$tmp/tree" -name make.log -exec sed 's/^/  make.log: /' {} \;
		fail=$((fail + 1))
	fi
done
echo "dkms: $pass passed, $fail failed"
[ "$fail" = 0 ]
