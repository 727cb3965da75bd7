#!/bin/sh
# timeout: 120
# Every errno of docs/pciio.md for bad input, from pciio-test: read-only
# descriptors (EPERM), GETCONF pattern errors (EINVAL, status ERROR), bad
# widths and alignment (EINVAL), missing devices (ENODEV), unknown ioctls
# (ENOTTY), BARs (EINVAL, EBUSY, EIO, ENOENT, ENOMEM), VPD (ENXIO), bad
# pointers (EFAULT), and opens for writing by other users (EACCES) and
# without CAP_SYS_ADMIN (EPERM).  The
# kernel log must stay free of warnings.
. /pciem/tests/lib.sh
. "$PCIEM_TEST_DIR/pciio-lib.sh"
load_pciio
modprobe nvme 2>/dev/null

edu=$(sysfs_dev_by_id 1234 11e8) || fail "no edu device"
[ -z "$(driver_of "$edu")" ] || echo "$(pci_addr "$edu")" >"$edu/driver/unbind"

# A device with an enabled I/O BAR (for EIO), if the machine has one.
iodev=-
for d in /sys/bus/pci/devices/*; do
	while read -r s e f; do
		if [ $(($f & 0x100)) -ne 0 ] && [ $(($e)) -gt $(($s)) ] &&
			[ $((0x$(setpci -s "$(basename "$d")" COMMAND) & 1)) -ne 0 ]; then
			iodev=$(basename "$d")
			break 2
		fi
	done <<-EOT
	$(head -n 6 "$d/resource")
	EOT
done
# A BAR a driver holds (for ENOENT): nvme's.
owned=-
nvme=$(sysfs_dev_by_id 1b36 0010) && [ "$(driver_of "$nvme")" = nvme ] &&
	owned=$(pci_addr "$nvme")
info "edu $(pci_addr "$edu"), I/O BAR device $iodev, driver-owned $owned"
dmesg -c >/dev/null
pciio-test errors "$(pci_addr "$edu")" "$iodev" "$owned" || fail "errno table"
bad=$(dmesg | grep -iE 'warn|error|bug' | grep -v 'pciio: /dev/pci ready')
[ -z "$bad" ] || fail "kernel log: $bad"
pass
