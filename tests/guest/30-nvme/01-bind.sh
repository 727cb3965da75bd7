#!/bin/sh
# timeout: 180
# The in-tree nvme driver binds to pciem-nvme as it does to QEMU's
# controller: class 010802, a live controller whose identity (model,
# serial, firmware, NQN) is what pciem-nvme was told, one namespace of
# FILE's size, one I/O queue per CPU with an MSI-X vector each; the
# namespace reads back what FILE holds, also after the driver was unbound
# and bound again.  SIGTERM ends pciem-nvme with
# status 0 and its controller leaves the bus.
. /pciem/tests/lib.sh
. /pciem/tests/30-nvme/nvme-lib.sh

nvme_begin
dd if=/dev/urandom of="$NVME_FILE" bs=1M count=16 2>/dev/null || fail "making $NVME_FILE"
nvme_start_ours --serial PCIEMTEST01 --model "pciem test controller" "$NVME_FILE"

identity() {
	who=$1 disk=$2 ctrl=$3 c=/sys/class/nvme/$3
	pci=$(readlink -f "$c/device")
	check_eq "$who class" 0x010802 "$(cat "$pci/class")"
	check_eq "$who driver" nvme "$(driver_of "$pci")"
	check_eq "$who state" live "$(cat "$c/state")"
	info "$who: model '$(cat "$c/model")' serial '$(cat "$c/serial")' firmware '$(cat "$c/firmware_rev")'"
	info "$who: subsysnqn $(cat "$c/subsysnqn")"
	nq=$(ls -d /sys/block/$disk/mq/* | wc -l)
	check_eq "$who I/O queues (one per CPU)" "$(grep -c ^processor /proc/cpuinfo)" "$nq"
	irqs=$(ls "$pci/msi_irqs" | wc -l)
	check_eq "$who MSI-X vectors (admin + I/O)" $((nq + 1)) "$irqs"
	check_eq "$who logical block size" 512 "$(cat /sys/block/$disk/queue/logical_block_size)"
	check_eq "$who read-only" 0 "$(cat /sys/block/$disk/ro)"
}
for_both identity

c=/sys/class/nvme/$OUR_CTRL
check_eq "model" "pciem test controller" "$(sed 's/ *$//' "$c/model")"
check_eq "serial" PCIEMTEST01 "$(sed 's/ *$//' "$c/serial")"
check_eq "firmware" 1.0 "$(sed 's/ *$//' "$c/firmware_rev")"
check_eq "subsystem NQN" nqn.2024-01.io.pciem:nvme:PCIEMTEST01 "$(cat "$c/subsysnqn")"
check_eq "namespace size (512-byte sectors)" 32768 "$(cat /sys/block/$OUR_DISK/size)"
check_eq "pciem-nvme device ID" 0x00f1 "$(cat "$OUR_PCI/device")"
lspci -vv -s "$OUR_ADDR" | grep -E 'Non-Volatile|MSI-X|Express' || fail "lspci"

# The namespace is FILE.
want=$(md5sum <"$NVME_FILE" | cut -d' ' -f1)
got=$(dd if=/dev/$OUR_DISK bs=1M iflag=direct 2>/dev/null | md5sum | cut -d' ' -f1)
check_eq "namespace contents = FILE" "$want" "$got"
got=$(dd if=/dev/$OUR_DISK bs=1M skip=3 count=5 2>/dev/null | md5sum | cut -d' ' -f1)
want=$(dd if="$NVME_FILE" bs=1M skip=3 count=5 2>/dev/null | md5sum | cut -d' ' -f1)
check_eq "a range through the page cache" "$want" "$got"

# Unbound (the driver shuts the controller down) and bound again (it
# resets and enables it): the namespace comes back with the same contents.
echo "$OUR_ADDR" > /sys/bus/pci/drivers/nvme/unbind || fail "unbind"
wait_for "[ ! -e $OUR_PCI/driver ]" 30 || fail "still bound"
echo "$OUR_ADDR" > /sys/bus/pci/drivers/nvme/bind || fail "bind"
wait_for "nvme_ctrl_of $OUR_PCI >/dev/null && nvme_disk_of \$(nvme_ctrl_of $OUR_PCI) >/dev/null" 30 ||
	fail "no namespace after binding again"
OUR_CTRL=$(nvme_ctrl_of "$OUR_PCI")
OUR_DISK=$(nvme_disk_of "$OUR_CTRL")
want=$(md5sum <"$NVME_FILE" | cut -d' ' -f1)
got=$(dd if=/dev/$OUR_DISK bs=1M iflag=direct 2>/dev/null | md5sum | cut -d' ' -f1)
check_eq "namespace contents after unbind and bind" "$want" "$got"

nvme_stop_ours
[ ! -e /sys/class/nvme/$OUR_CTRL ] || fail "$OUR_CTRL still there"
grep -q "$OUR_DISK" /proc/partitions && fail "$OUR_DISK still in /proc/partitions"
nvme_end
pass
