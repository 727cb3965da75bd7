#!/bin/sh
# timeout: 60
# pciio.ko loads on its own (no pciem.ko), makes /dev/pci (mode 0644, a
# misc device), unloads and loads again cleanly.
. /pciem/tests/lib.sh
. "$PCIEM_TEST_DIR/pciio-lib.sh"

if grep -q '^pciio ' /proc/modules; then
	rmmod pciio || fail "rmmod pciio"
fi
grep -q '^pciem ' /proc/modules && unload_pciem
load_pciio
grep -q '^pciem ' /proc/modules && fail "pciio.ko pulled in pciem.ko"
check_eq "depends" "" "$(modinfo -F depends "$PCIEM_MODULES/pciio.ko" 2>/dev/null)"

mode=$(ls -l /dev/pci | cut -c1-10)
check_eq "/dev/pci mode" "crw-r--r--" "$mode"
major=$(stat -c %t /dev/pci)
check_eq "/dev/pci is a misc device (major 10)" a "$major"
grep -q ' pci$' /proc/misc || fail "pci missing from /proc/misc"

pciio-test list >/dev/null || fail "PCIOCGETCONF after load"
rmmod pciio || fail "rmmod pciio"
wait_for '[ ! -e /dev/pci ]' 5 || fail "/dev/pci stayed after rmmod"
load_pciio
pciio-test list >/dev/null || fail "PCIOCGETCONF after reload"
pass
