#!/bin/sh
# Every ioctl's bad-input table of docs/ioctl.md, against the real module.
. /pciem/tests/lib.sh
load_pciem
pciem_ioctl_test || fail "pciem_ioctl_test reported failures"
pass
