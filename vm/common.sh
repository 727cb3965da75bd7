# shellcheck shell=bash
# Shared by the vm/ scripts (sourced, not run).  Defines where things live.
#
#   PCIEM_CACHE     cache root, outside git (default ~/.cache/pciem)
#   PCIEM_GUEST_DIR guest payload built by `make guest-payload`
#                   (default <repo>/build/guest)
#   PCIEM_VM_OUT    where logs and per-run files go (default <repo>/build/vm)

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$VM_DIR/.." && pwd)
CACHE_ROOT=${PCIEM_CACHE:-${HOME:-/root}/.cache/pciem}
GUEST_DIR=${PCIEM_GUEST_DIR:-$REPO/build/guest}
VM_OUT=${PCIEM_VM_OUT:-$REPO/build/vm}

# BAR memory pool handed to pciem.ko: the top of guest RAM hidden by mem=.
PCIEM_POOL_DEFAULT=0x70000000:0x08000000
GUEST_MEM=2G
GUEST_MEM_LIMIT=1792M

# pool_mode: where pciem.ko's BAR pool comes from in the VM
# (PCIEM_POOL_MODE):
#   reserved  the top 256 MiB of guest RAM, hidden with mem= on the kernel
#             command line and named by pciem_phys_region=
#   ram       taken from the kernel's RAM when pciem.ko loads (no module
#             parameter, no mem=).  nokaslr keeps the kernel image at the
#             bottom of RAM, where it cannot pin every block above it
#             (pool_ram.c).  Memory given back is onlined by the
#             kernel's default policy, as on a user's host.
# Default: ram on 6.12, reserved on 6.1 and on the debug kernel (built
# without memory hot-plug), so that make check runs the suite both ways.
pool_mode() {
	if [ -n "${PCIEM_POOL_MODE:-}" ]; then
		echo "$PCIEM_POOL_MODE"
	elif [ "${PCIEM_GUEST_KERNEL:-6.1}" = 6.12 ]; then
		echo ram
	else
		echo reserved
	fi
}

# guest_pool_append: the kernel command line's part for the pool mode.
guest_pool_append() {
	case $(pool_mode) in
	ram) echo "nokaslr pciem.pool=ram" ;;
	reserved) echo "mem=$GUEST_MEM_LIMIT pciem.pool=$PCIEM_POOL_DEFAULT" ;;
	*) vm_die "PCIEM_POOL_MODE=$PCIEM_POOL_MODE: expected ram or reserved" ;;
	esac
}

vm_log() { printf 'vm: %s\n' "$*" >&2; }
vm_die() { printf 'vm: error: %s\n' "$*" >&2; exit 1; }

# guest_abi: the kernel release of vm/guest-kdir.sh for PCIEM_GUEST_KERNEL
# (6.1, 6.12 or debug): a Debian ABI (e.g. 6.1.0-57-amd64), or the debug
# kernel's.
guest_abi() {
	local kdir
	kdir=$("$VM_DIR/guest-kdir.sh") || {
		[ "${PCIEM_GUEST_KERNEL:-6.1}" = debug ] &&
			vm_die "no debug kernel yet; run vm/debug-kernel.sh"
		vm_die "no headers for the ${PCIEM_GUEST_KERNEL:-6.1} guest kernel; run vm/setup-host.sh"
	}
	if [ "${PCIEM_GUEST_KERNEL:-6.1}" = debug ]; then
		cat "$kdir/include/config/kernel.release"
	else
		basename "$kdir" | sed 's/^linux-headers-//'
	fi
}

# check_payload_abi ABI: every module in the payload must be built for ABI.
check_payload_abi() {
	local abi=$1 ko vm bad=0
	for ko in "$GUEST_DIR"/modules/*.ko; do
		[ -e "$ko" ] || continue
		vm=$(modinfo -F vermagic "$ko" 2>/dev/null | awk '{print $1}')
		if [ "$vm" != "$abi" ]; then
			vm_log "$ko is built for '${vm:-?}', the guest runs $abi"
			bad=1
		fi
	done
	[ $bad = 0 ] || vm_die "rebuild the payload: make guest-payload KDIR=$("$VM_DIR/guest-kdir.sh")"
}

# prepare_guest BUILD OUT.cpio: when BUILD is 1, `make guest-payload` with
# the guest's KDIR; check the payload's modules match the guest kernel;
# fetch the guest kernel if needed; build the initramfs OUT.cpio.  Holds a
# lock under VM_OUT so two runs in one tree never copy a half-built payload.
prepare_guest() {
	local build=$1 out=$2
	mkdir -p "$VM_OUT"
	(
		flock 6
		abi=$(guest_abi)
		kdir=$("$VM_DIR/guest-kdir.sh")
		if [ "$build" = 1 ]; then
			make -C "$REPO" --no-print-directory guest-payload KDIR="$kdir" ||
				vm_die "make guest-payload KDIR=$kdir failed"
		fi
		[ -d "$GUEST_DIR" ] || vm_die "no $GUEST_DIR: run make guest-payload KDIR=$kdir"
		check_payload_abi "$abi"
		"$VM_DIR/guest-kernel.sh" "$abi" >/dev/null || exit 1
		"$VM_DIR/build-initramfs.sh" "$out" || vm_die "initramfs build failed"
	) 6>"$VM_OUT/.payload.lock"
}

# qemu_base_args SCRATCH: the machine every VM run uses (devices included).
qemu_base_args() {
	local scratch=$1
	QEMU_ARGS=(
		-machine q35,accel=tcg -cpu max -smp 2 -m "$GUEST_MEM"
		-device intel-iommu
		-device edu
		-drive "file=$scratch,if=none,id=nvm0,format=raw,cache=unsafe"
		-device nvme,serial=qemu-nvme,drive=nvm0
		# Two empty PCIe root ports (buses 01 and 02): QEMU's DMAR table
		# lists only the devices present at boot (and the bridges), so
		# only functions pciem attaches behind these get an IOMMU.
		-device pcie-root-port,id=rp1,bus=pcie.0,chassis=1,slot=1
		-device pcie-root-port,id=rp2,bus=pcie.0,chassis=2,slot=2
		-nic none -vga none
		-display none -monitor none -no-reboot
	)
}
