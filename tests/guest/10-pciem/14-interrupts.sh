#!/bin/sh
# Interrupts: INTx (level), MSI and MSI-X reach a kernel driver's handlers,
# one call per message, masks and pending bits honoured, irqfd, MSI_ACK
# (see pciem_irq_test.c).
. /pciem/tests/lib.sh
. /pciem/tests/pciem-lib.sh
load_pciem
load_test_driver
pciem_irq_test || fail "pciem_irq_test reported failures"
rmmod pciem_mmio_test || fail "rmmod pciem_mmio_test"
pass
