#!/bin/sh
# timeout: 120
# QEMU's reference devices are there and their in-tree drivers work:
# edu (1234:11e8) and nvme (1b36:0010, bound by nvme, usable as a disk).
. /pciem/tests/lib.sh

edu=$(sysfs_dev_by_id 1234 11e8) || fail "no QEMU edu device"
nvme=$(sysfs_dev_by_id 1b36 0010) || fail "no QEMU nvme device"
info "edu at $(pci_addr "$edu"), nvme at $(pci_addr "$nvme")"
check_eq "edu class" 0x00ff00 "$(cat "$edu/class")"
check_eq "edu revision" 0x10 "$(cat "$edu/revision")"
lspci -nn -s "$(pci_addr "$nvme")"
lspci -nn -s "$(pci_addr "$nvme")" | grep -q 'Non-Volatile memory controller' ||
	fail "lspci does not name the nvme controller (pci.ids missing?)"

modprobe nvme || fail "modprobe nvme"
wait_for '[ -b /dev/nvme0n1 ]' 30 || fail "/dev/nvme0n1 did not appear"
check_eq "nvme driver" nvme "$(driver_of "$nvme")"
check_eq "namespace size (512 B sectors)" 524288 "$(cat /sys/block/nvme0n1/size)"

# Real I/O through the driver: write a pattern, drop caches, read it back.
dd if=/dev/urandom of=pattern bs=4096 count=64 2>/dev/null
dd if=pattern of=/dev/nvme0n1 bs=4096 seek=100 conv=fsync 2>/dev/null || fail "write"
echo 3 >/proc/sys/vm/drop_caches
dd if=/dev/nvme0n1 of=back bs=4096 skip=100 count=64 iflag=direct 2>/dev/null ||
	dd if=/dev/nvme0n1 of=back bs=4096 skip=100 count=64 2>/dev/null || fail "read"
cmp pattern back || fail "data read back differs"
info "256 KiB written and read back"

# edu through vfio-pci (IOMMU group from intel-iommu).
modprobe vfio-pci || fail "modprobe vfio-pci"
bind_driver "$edu" vfio-pci
group=$(basename "$(readlink -f "$edu/iommu_group")")
wait_for "[ -c /dev/vfio/$group ]" 5 || fail "/dev/vfio/$group missing"
info "edu bound to vfio-pci, IOMMU group $group"
pci_addr "$edu" >"$edu/driver/unbind"
echo >"$edu/driver_override"
pass
