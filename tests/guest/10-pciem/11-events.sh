#!/bin/sh
# The event ring: CONFIG_READ/CONFIG_WRITE/RESET events, seq, poll, eventfd,
# back-pressure and drop accounting (see pciem_events_test.c).
. /pciem/tests/lib.sh
load_pciem
pciem_events_test || fail "pciem_events_test reported failures"
pass
