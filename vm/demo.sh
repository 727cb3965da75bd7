#!/usr/bin/env bash
# vm/demo.sh [--no-build]: boot the test VM and run vm/guest-demo.sh in it
# (instead of the tests), showing an emulated device as a user sees it.
# Like run-tests.sh it runs `make guest-payload KDIR=$(vm/guest-kdir.sh)`
# first unless called from make or with --no-build.  The console is also
# written to build/vm/demo-latest.log.  Exit status: the demo script's.
set -uo pipefail
. "$(dirname "$0")/common.sh"
. "$VM_DIR/boot.sh"

build=1
[ -n "${MAKELEVEL:-}" ] && build=0
[ "${1:-}" = --no-build ] && build=0

abi=$(guest_abi) || exit 1
KERNEL=$CACHE_ROOT/guest-$abi/vmlinuz

mkdir -p "$VM_OUT/logs"
stamp=$(date +%Y%m%d-%H%M%S)-$$
LOG=$VM_OUT/logs/demo-$stamp.log
ln -sfn "logs/demo-$stamp.log" "$VM_OUT/demo-latest.log"
: >"$LOG"
work=$(mktemp -d "$VM_OUT/.demo.XXXXXX")
scratch=$CACHE_ROOT/scratch-$$.img
trap 'vm_cleanup; rm -rf "$work"; rm -f "$scratch"' EXIT
trap 'exit 130' INT TERM

prepare_guest $build "$work/initrd.cpio" || exit 1
truncate -s 256M "$scratch"

demo_rc=
t0=$SECONDS
WALL=${PCIEM_VM_TIMEOUT:-600}
on_marker() {
	case "$1" in "PCIEM-DEMO-EXIT "*) demo_rc=${1#PCIEM-DEMO-EXIT } ;; esac
}
on_tick() {
	if [ $((SECONDS - t0)) -ge "$WALL" ]; then
		VM_KILL_REASON="the demo did not finish within ${WALL}s"
		return 1
	fi
	return 0
}
VM_QUIET='*reboot: Power down*'
echo "vm: booting the demo VM (kernel $abi, QEMU TCG; about 10 s)"
vm_boot "$work/initrd.cpio" "$scratch" "$LOG" \
	"quiet loglevel=1 pciem.mode=demo ${PCIEM_VM_APPEND:-}"
if [ -z "$demo_rc" ]; then
	echo "vm: the demo did not complete ($VM_EXIT)"
	exit 1
fi
exit "$demo_rc"
