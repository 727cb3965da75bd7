#!/usr/bin/env bash
# vm/shell.sh [--no-build]: boot the test VM to an interactive busybox shell
# (for debugging guest tests by hand).  The payload is under /pciem, the
# tests under /pciem/tests; PCIEM_POOL is set.  Leave with `poweroff -f`
# (or Ctrl-A X, QEMU's escape).  Needs a terminal.
set -euo pipefail
. "$(dirname "$0")/common.sh"

build=1
[ -n "${MAKELEVEL:-}" ] && build=0
[ "${1:-}" = --no-build ] && build=0
abi=$(guest_abi)
mkdir -p "$VM_OUT"
work=$(mktemp -d "$VM_OUT/.shell.XXXXXX")
scratch=$CACHE_ROOT/scratch-$$.img
trap 'rm -rf "$work"; rm -f "$scratch"' EXIT
prepare_guest $build "$work/initrd.cpio"
truncate -s 256M "$scratch"
qemu_base_args "$scratch"
# The machine of qemu_base_args, with serial and monitor multiplexed on the
# terminal instead of -display none.
args=()
skip=0
for a in "${QEMU_ARGS[@]}"; do
	if [ $skip = 1 ]; then skip=0; continue; fi
	case "$a" in -display|-monitor) skip=1 ;; *) args+=("$a") ;; esac
done
qemu-system-x86_64 "${args[@]}" -nographic -serial mon:stdio \
	-kernel "$CACHE_ROOT/guest-$abi/vmlinuz" -initrd "$work/initrd.cpio" \
	-append "console=ttyS0,115200 intel_iommu=on $(guest_pool_append) preempt=full clearcpuid=erms,fsrm panic=1 log_buf_len=8M rdinit=/init loglevel=5 pciem.mode=shell ${PCIEM_VM_APPEND:-}"
