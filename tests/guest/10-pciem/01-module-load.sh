#!/bin/sh
# pciem.ko loads only with a usable BAR pool and parameters it understands,
# says why otherwise, and unloads cleanly when no device exists.
. /pciem/tests/lib.sh
. /pciem/tests/pciem-lib.sh
KO=/pciem/modules/pciem.ko

unload_pciem
for bad in garbage 0x70000000 0x70000000:0 0x70000001:0x100000 0x1000000:0x100000; do
	insmod $KO pciem_phys_region=$bad 2>/dev/null && fail "pciem_phys_region=$bad was accepted"
	echo "ok: pciem_phys_region=$bad refused"
done
dmesg | grep -q "overlaps System RAM" || fail "no message explaining the RAM overlap"
insmod $KO pciem_phys_region=$PCIEM_POOL pciem_attach_bus=zz 2>/dev/null &&
	fail "pciem_attach_bus=zz was accepted"

# Without a pool: loads, devices without BARs work, BARs get ENOSPC.
insmod $KO || fail "insmod without a pool"
start_dev --vendor 0x1b36 --device 0x00f1
stop_dev $DEV_PID $DEV_ADDR
pciemctl create --vendor 0x1b36 --device 0x00f1 --bar 0:4K >$PCIEM_TMP/nopool.log 2>&1 &&
	fail "a BAR without a pool was accepted"
grep -q "register:" $PCIEM_TMP/nopool.log || fail "no clear error: $(cat $PCIEM_TMP/nopool.log)"
rmmod pciem || fail "rmmod"

load_pciem
check_eq "/dev/pciem mode" "crw-------" "$(ls -l /dev/pciem | cut -c1-10)"
grep -q "pciem BAR pool" /proc/iomem || fail "pool not in /proc/iomem"
start_dev --vendor 0x1b36 --device 0x00f2 --bar 0:64K
rmmod pciem 2>/dev/null && fail "rmmod succeeded while a device exists"
stop_dev $DEV_PID $DEV_ADDR
unload_pciem
grep -q "pciem BAR pool" /proc/iomem && fail "pool still in /proc/iomem after unload"
load_pciem
pass
