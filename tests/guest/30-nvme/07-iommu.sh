#!/bin/sh
# timeout: 300
# pciem-nvme attached behind the VM's first PCIe root port (bus 01, inside
# the IOMMU's scope): the driver's DMA goes through IOMMU translation, and
# the same checks pass — O_DIRECT from four threads, a file system written,
# remounted and verified.
. /pciem/tests/lib.sh
. /pciem/tests/30-nvme/nvme-lib.sh

nvme_begin pciem_attach_bus=0000:01
nvme_start_ours --attach "$NVME_FILE"
case $OUR_ADDR in
0000:01:*) echo "ok: attached at $OUR_ADDR" ;;
*) fail "expected an address on bus 01, got $OUR_ADDR" ;;
esac
[ -e "$OUR_PCI/iommu_group" ] || fail "$OUR_ADDR has no IOMMU group"
info "IOMMU group $(basename "$(readlink -f "$OUR_PCI/iommu_group")"), domain type $(cat "$OUR_PCI/iommu_group/type" 2>/dev/null)"
check nvme_io rw /dev/$OUR_DISK --threads 4 --count 300 --seed 41 --span 33554432

MNT=$PCIEM_TMP/mnt
mkdir -p "$MNT"
mkfs_dev /dev/$OUR_DISK
check mount -t $FSTYPE /dev/$OUR_DISK "$MNT"
dd if=/dev/urandom of="$MNT/f" bs=1M count=16 2>/dev/null || fail "writing"
sum=$(md5sum <"$MNT/f")
check umount "$MNT"
echo 3 > /proc/sys/vm/drop_caches
check mount -t $FSTYPE /dev/$OUR_DISK "$MNT"
check_eq "file after remount" "$sum" "$(md5sum <"$MNT/f")"
check umount "$MNT"
nvme_end
pass
