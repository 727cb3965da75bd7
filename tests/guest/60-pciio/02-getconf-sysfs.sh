#!/bin/sh
# timeout: 120
# PCIOCGETCONF lists every PCI device exactly as sysfs describes it: IDs,
# class, revision, header type, bound driver and unit (index among that
# driver's devices by address; empty name and unit 0 without a driver).
. /pciem/tests/lib.sh
. "$PCIEM_TEST_DIR/pciio-lib.sh"
load_pciio
modprobe nvme 2>/dev/null

pciio-test list >raw || fail "pciio-test list"
sort raw >got
expected_list >want
n=$(wc -l <want)
info "$n devices in sysfs, $(lspci -n | wc -l) in lspci"
check_eq "device count" "$n" "$(wc -l <got)"
check_eq "device count (lspci)" "$n" "$(lspci -n | wc -l)"
if ! cmp -s want got; then
	diff want got
	fail "PCIOCGETCONF differs from sysfs"
fi
# No device twice, and a driver's units are 0..k-1.
check_eq "distinct addresses" "$n" "$(cut -d' ' -f1 got | sort -u | wc -l)"
awk '$9 != "-" { print $9, $10 }' got | sort -u | wc -l >named
check_eq "distinct name+unit" "$(awk '$9 != "-"' got | wc -l)" "$(cat named)"
grep -q ' nvme 0$' got || fail "nvme0 not listed: $(cat got)"
pass
