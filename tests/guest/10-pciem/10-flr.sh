#!/bin/sh
# Function Level Reset through the PCI Express capability: Linux offers it
# as a reset method, the Initiate FLR bit reads back 0, and the function's
# registers return to their power-on values (PASID Control, which Linux does
# not save and restore, shows it).
. /pciem/tests/lib.sh
. /pciem/tests/pciem-lib.sh
load_pciem
start_dev --vendor 0x1b36 --device 0x00f9 --bar 0:4K --cap pcie --cap pasid:16
a=$DEV_ADDR
d=$DEV_SYSFS

grep -qw flr $d/reset_method || fail "flr not among reset methods: $(cat $d/reset_method)"
# PASID is the first extended capability: control register at 0x106.
check_eq "PASID capability" 001b "$(cfg $a 0x100.w)"
cfg_write $a 0x106.w=0x0001
check_eq "PASID enable set" 0001 "$(cfg $a 0x106.w)"
cfg_write $a 0x3c.b=0x33
echo flr > $d/reset_method || fail "select flr"
echo 1 > $d/reset || fail "reset"
check_eq "PASID enable after FLR" 0000 "$(cfg $a 0x106.w)"
check_eq "interrupt line restored by Linux after FLR" 33 "$(cfg $a 0x3c.b)"
devctl=$(cfg $a 0x48.w)
check_eq "Initiate FLR reads 0" 0 "$((0x$devctl & 0x8000))"
stop_dev $DEV_PID $a
pass
