#!/bin/sh
# A BAR is one piece of memory seen by the emulator (its mmap) and by the
# kernel at the BAR's physical address (sysfs resourceN, like a driver's
# ioremap); it starts zeroed and goes back to the pool when the device goes.
. /pciem/tests/lib.sh
. /pciem/tests/pciem-lib.sh
load_pciem

start_dev --vendor 0x1b36 --device 0x00f4 --bar 0:64K --bar 2:4K:64 --fill 0xab
a=$DEV_ADDR
check pcibar $DEV_SYSFS/resource0 check 0 65536 0xab
check pcibar $DEV_SYSFS/resource2 check 0 4096 0xab
check_eq "dword at 0x100" 0xabababab "$(pcibar $DEV_SYSFS/resource0 read 0x100)"
check pcibar $DEV_SYSFS/resource0 write 0x200 0x1122334455667788 8
check_eq "qword written and read back" 0x1122334455667788 "$(pcibar $DEV_SYSFS/resource0 read 0x200 8)"
check_eq "byte" 0x66 "$(pcibar $DEV_SYSFS/resource0 read 0x202 1)"
stop_dev $DEV_PID $a

# The same pool memory given to the next device is zeroed.
start_dev --vendor 0x1b36 --device 0x00f4 --bar 0:64K --bar 2:4K:64
check pcibar $DEV_SYSFS/resource0 check 0 65536 0
check pcibar $DEV_SYSFS/resource2 check 0 4096 0
stop_dev $DEV_PID $DEV_ADDR
pass
