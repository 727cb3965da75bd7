#!/bin/sh
# MMIO trapping: a kernel driver's accesses to a traced BAR reach the
# emulator exactly (see pciem_trap_test.c), with two CPUs at once.
. /pciem/tests/lib.sh
load_pciem
insmod /pciem/modules/pciem_mmio_test.ko || fail "insmod pciem_mmio_test"
pciem_trap_test || fail "pciem_trap_test reported failures"
rmmod pciem_mmio_test || fail "rmmod pciem_mmio_test"
pass
