#!/bin/sh
# timeout: 120
# The generation changes when a device goes away and when one comes: QEMU's
# edu is removed through sysfs and found again by a rescan.  A caller paging
# with the old generation gets PCI_GETCONF_LIST_CHANGED (1), and pciconf -l
# follows the device list.
. /pciem/tests/lib.sh
. "$PCIEM_TEST_DIR/pciio-lib.sh"
load_pciio

edu=$(sysfs_dev_by_id 1234 11e8) || fail "no edu device"
addr=$(pci_addr "$edu")
sel=$(bsd_sel "$addr")
n0=$(pciio-test list | wc -l)
g0=$(pciio-test gen)
check_eq "generation is stable" "$g0" "$(pciio-test gen)"
check_eq "same generation: paging goes on" "status 2" \
	"$(pciio-test changed "$g0" | cut -d' ' -f1-2)"

echo 1 >"$edu/remove" || fail "remove $addr"
wait_for "[ ! -e /sys/bus/pci/devices/$addr ]" 10 || fail "$addr still there"
g1=$(pciio-test gen)
[ "$g1" != "$g0" ] || fail "generation $g0 unchanged after removing $addr"
check_eq "devices after remove" $((n0 - 1)) "$(pciio-test list | wc -l)"
check_eq "old generation" "status 1 matches 0 offset 1 generation $g0" \
	"$(pciio-test changed "$g0")"
# As on FreeBSD, a selector that matches nothing lists nothing.
check_eq "pciconf -l $sel" "" "$(pciconf -l "$sel")"
pciconf -l | grep -q "@$sel:" && fail "pciconf -l still lists $sel"
info "removed $addr: generation $g0 -> $g1"

echo 1 >/sys/bus/pci/rescan || fail "rescan"
wait_for "[ -e /sys/bus/pci/devices/$addr ]" 10 || fail "$addr did not come back"
g2=$(pciio-test gen)
[ "$g2" != "$g1" ] && [ "$g2" != "$g0" ] ||
	fail "generation after rescan is $g2 (before: $g0, $g1)"
check_eq "devices after rescan" "$n0" "$(pciio-test list | wc -l)"
check_eq "generation $g1 is stale" "status 1" \
	"$(pciio-test changed "$g1" | cut -d' ' -f1-2)"
pciconf -l "$sel" | grep -q "vendor=0x1234 device=0x11e8" ||
	fail "pciconf -l $sel after rescan"
info "rescan: generation $g1 -> $g2"

# An emulated pciem device, when pciem.ko and pciemctl can make one.
# Optional: its absence or failure to load is not this test's business.
if [ -f "$PCIEM_MODULES/pciem.ko" ] && command -v pciemctl >/dev/null &&
	(load_pciem) >/dev/null 2>&1; then
	pciemctl create --vendor 0x1b36 --device 0x00e1 >ctl.out 2>&1 &
	ctl=$!
	if wait_for 'pciio-test list | grep -q " 0x1b36 0x00e1 "' 20; then
		g3=$(pciio-test gen)
		[ "$g3" != "$g2" ] || fail "generation unchanged by a pciem device"
		pciconf -l | grep -q 'vendor=0x1b36 device=0x00e1' ||
			fail "pciconf -l misses the pciem device"
		info "pciem device: generation $g2 -> $g3"
		kill $ctl
		wait $ctl 2>/dev/null
		wait_for '! pciio-test list | grep -q " 0x1b36 0x00e1 "' 20 ||
			fail "pciem device still listed"
		[ "$(pciio-test gen)" != "$g3" ] || fail "generation unchanged on removal"
	else
		info "pciemctl made no device (skipped): $(cat ctl.out)"
		kill $ctl 2>/dev/null
		wait $ctl 2>/dev/null
	fi
	(unload_pciem) >/dev/null 2>&1 || info "pciem.ko stays loaded"
fi
pass
