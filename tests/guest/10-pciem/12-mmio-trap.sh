#!/bin/sh
# MMIO trapping: a kernel driver's accesses to a traced BAR reach the
# emulator exactly (see pciem_trap_test.c), with two CPUs at once.
. /pciem/tests/lib.sh
. /pciem/tests/pciem-lib.sh
load_pciem
load_test_driver
pciem_trap_test || fail "pciem_trap_test reported failures"
rmmod pciem_mmio_test || fail "rmmod pciem_mmio_test"
pass
