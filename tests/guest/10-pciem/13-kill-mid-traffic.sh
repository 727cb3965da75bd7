#!/bin/sh
# Killing the emulator while a driver is hammering its traced BAR from two
# CPUs: the device goes away, the driver's accesses finish (reads all ones),
# nothing warns, nothing hangs.
. /pciem/tests/lib.sh
. /pciem/tests/pciem-lib.sh
load_pciem
load_test_driver
pciem_trap_test --serve > $PCIEM_TMP/serve.out 2>&1 &
emu=$!
wait_for "[ -s $PCIEM_TMP/serve.out ]" 30 || fail "emulator did not start"
addr=$(head -n1 $PCIEM_TMP/serve.out)
f=/sys/kernel/debug/pciem_mmio_test/$addr
wait_for "[ -e $f ]" 10 || fail "driver did not bind to $addr"
(echo "stress 0x1000 200000" > $f) &
writer=$!
(echo "hammer 0x0 20000" > $f) &
reader=$!
sleep 2
kill -9 $emu
wait $emu 2>/dev/null
wait_for "[ ! -e /sys/bus/pci/devices/$addr ]" 60 || fail "$addr still present"
wait $writer $reader
info "driver traffic finished after the emulator died"
rmmod pciem_mmio_test || fail "rmmod pciem_mmio_test"
unload_pciem
pass
