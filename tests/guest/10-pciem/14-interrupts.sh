#!/bin/sh
# Interrupts: INTx (level), MSI and MSI-X reach a kernel driver's handlers,
# one call per message, masks and pending bits honoured, irqfd, MSI_ACK
# (see pciem_irq_test.c).  The INTx handler reads the status register, which
# the emulator answers while the handler spins in hard-irq context: none of
# those reads may go unanswered (pciem's "no answer" kernel log line), which
# pciem_irq_test itself cannot see (an unanswered read returns all ones,
# and bit 0 set reads as "ours").
. /pciem/tests/lib.sh
. /pciem/tests/pciem-lib.sh

load_pciem
load_test_driver
before=$(unanswered_reads hardirq)
pciem_irq_test || fail "pciem_irq_test reported failures"
check_eq "hard-irq reads the emulator never answered" 0 $(($(unanswered_reads hardirq) - before))
rmmod pciem_mmio_test || fail "rmmod pciem_mmio_test"
pass
