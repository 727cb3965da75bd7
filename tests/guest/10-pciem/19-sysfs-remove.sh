#!/bin/sh
# timeout: 120
# The PCI core removes an emulated function (echo 1 > .../remove), in both
# bus modes: the emulator gets PCIEM_EVENT_REMOVED and POLLHUP, DMA and
# interrupts fail with ENODEV, a rescan does not bring the function back,
# close is clean, the BAR returns to the pool and rmmod works.
. /pciem/tests/lib.sh
. /pciem/tests/pciem-lib.sh
load_pciem
before=$(pool_entries | wc -l)
check pciem_lifetime_test sysfs-remove virtual
check pciem_lifetime_test sysfs-remove attach
check_eq "BARs claimed in the pool afterwards" "$before" "$(pool_entries | wc -l)"

# pciemctl (libpciem's pciem_run) ends by itself when its function is removed.
start_dev --vendor 0x1b36 --device 0x00ea --bar 0:4K
echo 1 > $DEV_SYSFS/remove
wait_for "! kill -0 $DEV_PID 2>/dev/null" 10 || fail "pciemctl still running after remove"
wait $DEV_PID
unload_pciem
pass
