#!/bin/sh
# timeout: 420
# pciem_fuzz against /dev/pciem and /dev/pci: a bounded pass of 10 seeds
# (5 on the debug kernel) x 25000 calls
# (ioctls, mmaps, answers, config accesses, sysfs remove/rescan, forks that
# are killed, closes from other threads).  Every errno must be one
# docs/ioctl.md lists, and the kernel log must stay clean (checked after
# each seed, and by the runner).  Afterwards nothing is left: the pool is
# empty and pciem.ko unloads.  `make fuzz FUZZ_SECONDS=N` runs this test
# alone for N seconds instead (PCIEM_FUZZ_SECONDS).
. /pciem/tests/lib.sh
. /pciem/tests/pciem-lib.sh
. /pciem/tests/60-pciio/pciio-lib.sh
load_pciem
load_pciio
if [ -n "$PCIEM_FUZZ_SECONDS" ]; then
	check pciem_fuzz --kmsg --seconds "$PCIEM_FUZZ_SECONDS"
else
	check pciem_fuzz --kmsg --seed 0x5eed1 --seeds "$(rounds 10)" --calls 25000
fi
check_eq "BARs claimed in the pool afterwards" 0 "$(pool_entries | wc -l)"
rmmod pciio || fail "rmmod pciio"
unload_pciem
pass
