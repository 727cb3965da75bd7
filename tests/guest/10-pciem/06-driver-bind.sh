#!/bin/sh
# An in-tree driver (uio_pci_generic, chosen with driver_override) binds to an
# emulated function and unbinds again.
. /pciem/tests/lib.sh
. /pciem/tests/pciem-lib.sh
load_pciem
modprobe uio_pci_generic || fail "modprobe uio_pci_generic"

start_dev --vendor 0x1b36 --device 0x00f5 --bar 0:4K --cap pm --cap pcie
a=$DEV_ADDR
d=$DEV_SYSFS
echo uio_pci_generic > $d/driver_override
echo $a > /sys/bus/pci/drivers_probe
wait_for "[ -e $d/driver ]" 10 || fail "no driver bound"
check_eq driver uio_pci_generic "$(basename $(readlink $d/driver))"
ls $d/uio >/dev/null 2>&1 || fail "no uio device created"
check_eq "COMMAND.Memory after pci_enable_device" 2 "$((0x$(cfg $a 0x04.w) & 2))"
lspci -k -s $a

echo $a > /sys/bus/pci/drivers/uio_pci_generic/unbind
wait_for "[ ! -e $d/driver ]" 10 || fail "driver did not unbind"
echo ok: unbound
# Bind again, then let the emulator end with the driver bound.
echo $a > /sys/bus/pci/drivers/uio_pci_generic/bind || fail "rebind"
check_eq "driver after rebind" uio_pci_generic "$(basename $(readlink $d/driver))"
stop_dev $DEV_PID $a
pass
