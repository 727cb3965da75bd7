#!/bin/sh
# timeout: 150
# An emulator that stops answering cannot lock up the kernel.
#  - It never drains its ring and traces configuration reads: reading its
#    configuration space over and over costs one bounded wait, then events
#    are dropped and counted at once (each access used to spin with
#    interrupts off for pciem_ring_wait_ms: 24 x 1024 accesses, hours).
#  - A read nobody can answer (a P2P read of the emulator thread's own
#    traced BAR) reads all ones at once instead of waiting
#    pciem_read_timeout_ms for each 4-byte element.
#  - A stopped (SIGSTOP) emulator whose driver reads a traced register from
#    every CPU: each read times out (all ones), nothing hangs, and after
#    SIGCONT it answers again.
. /pciem/tests/lib.sh
. /pciem/tests/pciem-lib.sh
load_pciem
check pciem_lifetime_test stall-config 24
check pciem_lifetime_test p2p-self

load_test_driver
serve_trap_device
emu=$EMU_PID f=$MT_FILE
drv() { echo "$1" > $f && cat $f; }
check_eq "a traced read answered" 0x1234abcd "$(drv 'r4 0')"
kill -STOP $emu
# Reads from every CPU with the emulator stopped: each times out (all ones).
ncpu=$(grep -c ^processor /proc/cpuinfo)
check_eq "reads done with the emulator stopped" "$(printf '%#x' $((5 * ncpu)))" \
	"$(drv 'hammer 0 5')"
kill -CONT $emu
check_eq "answered again after SIGCONT" 0x1234abcd "$(drv 'r4 0')"
kill $emu
wait $emu
rmmod pciem_mmio_test
unload_pciem
pass
