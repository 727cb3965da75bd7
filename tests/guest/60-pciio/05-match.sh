#!/bin/sh
# timeout: 120
# PCIOCGETCONF patterns: every match flag (domain, bus, slot, function,
# name, unit, vendor, device, class, and combinations), taken from every
# device, returns exactly the devices the same filter picks from the full
# list; NO_MATCH matches nothing; two patterns are an OR.
. /pciem/tests/lib.sh
. "$PCIEM_TEST_DIR/pciio-lib.sh"
load_pciio
modprobe nvme 2>/dev/null

pciio-test match || fail "pattern matching"
pass
