#!/bin/sh
# timeout: 60
# pciconf -D maps a memory BAR (PCIOCBARMMAP) and dumps it: edu's
# identification register, 4-byte and narrow elements, start and count.
. /pciem/tests/lib.sh
. "$PCIEM_TEST_DIR/pciio-lib.sh"
load_pciio

edu=$(sysfs_dev_by_id 1234 11e8) || fail "no edu device"
a=$(pci_addr "$edu")
sel=$(bsd_sel "$a")
setpci -s "$a" COMMAND=0002:0002

check_eq "ID register" "010000ed" "$(pciconf -D "$sel" 0x10 0 1 | od -An -tx4 | tr -d ' ')"
pciconf -D "$sel" 0x10 0 64 >dump || fail "pciconf -D"
check_eq "64 elements" 256 "$(wc -c <dump)"
# Narrow elements (what edu answers to them is edu's business).
check_eq "byte elements" 4 "$(pciconf -D -b "$sel" 0x10 0 4 | wc -c)"
check_eq "word elements" 6 "$(pciconf -D -h "$sel" 0x10 0 3 | wc -c)"
check_eq "8-byte element" 8 "$(pciconf -D -x "$sel" 0x10 16 1 | wc -c)"
# Past the BAR's end: clipped.
check_eq "clipped" 4 "$(pciconf -D "$sel" 0x10 262143 10 | wc -c)"
pciconf -D -v "$sel" 0x10 0 1 2>err >/dev/null || fail "pciconf -D -v"
grep -q "^Dumping $sel BAR 10 mapped base 0x[0-9a-f]* off 0 length 0x100000 from 0 count 0x1 in 4-bytes\$" err ||
	fail "-v line: $(cat err)"
pciconf -D "$sel" 0x14 2>err && fail "BAR 0x14 (absent) dumped"
check_eq "absent BAR" "pciconf: ioctl(PCIOCBARMMAP): Invalid argument" "$(cat err)"
pass
