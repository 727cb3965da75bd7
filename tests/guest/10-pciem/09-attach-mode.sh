#!/bin/sh
# ATTACH mode: the function takes a free slot of an existing bus (0000:00,
# where QEMU's own devices are); those devices keep working through the
# bus's own accessors while ours are served by pciem, and the bus is as it
# was after ours leave.
. /pciem/tests/lib.sh
. /pciem/tests/pciem-lib.sh
load_pciem

edu=$(sysfs_dev_by_id 1234 11e8 | head -n1)
[ -n "$edu" ] || fail "QEMU's edu device is missing"
edu=$(basename $edu)
before=$(lspci -n | sort)

start_dev --attach --vendor 0x1b36 --device 0x00f7 --bar 0:4K
a1=$DEV_ADDR p1=$DEV_PID
case $a1 in 0000:00:*) echo "ok: $a1 is on bus 0000:00" ;; *) fail "$a1 is not on bus 00" ;; esac
start_dev --attach --vendor 0x1b36 --device 0x00f8 --bar 0:4K
a2=$DEV_ADDR p2=$DEV_PID
[ "$a1" != "$a2" ] || fail "two devices share $a1"

check_eq "edu vendor/device through the bus's own accessors" 11e81234 "$(cfg $edu 0x00.l)"
check_eq "edu revision via config" 10 "$(cfg $edu 0x08.b)"
check_eq "ours" 00f71b36 "$(cfg $a1 0x00.l)"
# Functions 1-7 of our slot do not exist.
slot=${a1%.*}
[ -e /sys/bus/pci/devices/$slot.1 ] && fail "$slot.1 exists"

stop_dev $p1 $a1
stop_dev $p2 $a2
check_eq "bus 0 as before" "$before" "$(lspci -n | sort)"
check_eq "edu still readable" 11e81234 "$(cfg $edu 0x00.l)"
pass
