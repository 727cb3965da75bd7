#!/bin/sh
# Killing the emulator while a driver is hammering its traced BAR from two
# CPUs: the device goes away, the driver's accesses finish (reads all ones),
# nothing warns, nothing hangs.
. /pciem/tests/lib.sh
. /pciem/tests/pciem-lib.sh
load_pciem
load_test_driver
serve_trap_device
emu=$EMU_PID addr=$EMU_ADDR f=$MT_FILE
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
