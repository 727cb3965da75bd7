#!/bin/sh
# The event ring: CONFIG_READ/CONFIG_WRITE/RESET events, seq, poll, eventfd,
# back-pressure and drop accounting, DRIVER (see pciem_events_test.c).
. /pciem/tests/lib.sh
load_pciem
modprobe uio_pci_generic || fail "modprobe uio_pci_generic"
pciem_events_test || fail "pciem_events_test reported failures"
pass
