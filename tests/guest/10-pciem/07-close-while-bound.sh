#!/bin/sh
# Killing the emulator (SIGKILL) while a driver is bound and its device node
# is open removes the device: the driver's remove() runs, nothing warns or
# hangs, and the BAR memory returns to the pool once nothing maps it.
. /pciem/tests/lib.sh
. /pciem/tests/pciem-lib.sh
load_pciem
modprobe uio_pci_generic || fail "modprobe uio_pci_generic"

start_dev --vendor 0x1b36 --device 0x00f6 --bar 0:1M
a=$DEV_ADDR
d=$DEV_SYSFS
echo uio_pci_generic > $d/driver_override
echo $a > /sys/bus/pci/drivers_probe
wait_for "[ -e $d/driver ]" 10 || fail "no driver bound"
uio=$(ls $d/uio)
exec 3</dev/$uio || fail "open /dev/$uio"
stop_dev $DEV_PID $a KILL
exec 3<&-
dmesg | tail -n 5
pool_entries | grep -q "$a" && fail "BAR still claimed"

# The pool is whole again: a device as large as the whole pool fits.
start_dev --vendor 0x1b36 --device 0x00f6 --bar 0:128M:64
stop_dev $DEV_PID $DEV_ADDR
pass
