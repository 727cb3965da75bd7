#!/bin/sh
# timeout: 180
# opaevfio(8): usage errors, missing devices, binding QEMU's edu to vfio-pci
# with ownership of /dev/vfio/N, releasing it, and taking nvme away from its
# driver and giving it back with -r -d.
. /pciem/tests/lib.sh

edu=$(sysfs_dev_by_id 1234 11e8) || fail "no QEMU edu device"
nvme=$(sysfs_dev_by_id 1b36 0010) || fail "no QEMU nvme device"
ea=$(pci_addr "$edu")
na=$(pci_addr "$nvme")
info "edu at $ea, nvme at $na"

# expect_rc RC PATTERN CMD...: CMD exits with RC and says PATTERN on stderr.
expect_rc() {
	_rc=$1 _pat=$2
	shift 2
	"$@" >out 2>err
	_got=$?
	cat out err
	[ "$_got" = "$_rc" ] || fail "$*: exit $_got, expected $_rc"
	grep -q -- "$_pat" err || fail "$*: no '$_pat' in the message"
	echo "ok: $* -> $_rc ($_pat)"
}

expect_rc 2 "give exactly one" opaevfio
expect_rc 2 "give exactly one" opaevfio -i "$ea" -r "$ea"
expect_rc 2 "bad PCI address" opaevfio -i 00:1f.9
expect_rc 2 "bad PCI address" opaevfio -r 0000:00:20.0
expect_rc 2 "go with" opaevfio -i "$ea" -d nvme
expect_rc 2 "go with" opaevfio -r "$ea" -u 0
expect_rc 2 "bad driver name" opaevfio -r "$ea" -d ../x
expect_rc 1 "no PCI device 0000:00:1f.6" opaevfio -i 00:1f.6
expect_rc 1 "no PCI device" opaevfio -r 0000:ff:1f.7
expect_rc 1 "no such user" opaevfio -i "$ea" -u nosuchuser
expect_rc 1 "no such group" opaevfio -i "$ea" -g nosuchgroup
check_eq "edu untouched by the failures" "" "$(driver_of "$edu")"

# bind, with ownership
check opaevfio -i "$ea" -u 1000 -g 1001
check_eq "edu driver" vfio-pci "$(driver_of "$edu")"
check_eq "driver_override" vfio-pci "$(cat "$edu/driver_override")"
group=$(basename "$(readlink -f "$edu/iommu_group")")
[ -c /dev/vfio/$group ] || fail "/dev/vfio/$group missing"
check_eq "owner of /dev/vfio/$group" "1000:1001 660" "$(stat -c '%u:%g %a' /dev/vfio/$group)"
# again, short address form: already bound, so only the ownership changes
check opaevfio -i "$(echo "$ea" | cut -d: -f2-)" -u 0
check_eq "owner after -u 0" "0:1001" "$(stat -c '%u:%g' /dev/vfio/$group)"

# release: no in-tree driver for edu, so it ends up unbound
opaevfio -r "$ea" >out 2>&1 || { cat out; fail "opaevfio -r $ea"; }
cat out
grep -q "no driver bound" out || fail "-r did not report the result"
check_eq "edu driver after -r" "" "$(driver_of "$edu")"
check_eq "driver_override after -r" "(null)" "$(cat "$edu/driver_override")"
wait_for "[ ! -e /dev/vfio/$group ]" 5 || fail "/dev/vfio/$group still there"
check opaevfio -r "$ea"		# releasing an unbound device is fine

# nvme: its driver is bound; -r refuses, -i takes it, -r -d gives it back
modprobe nvme
wait_for "[ \"\$(driver_of $nvme)\" = nvme ]" 10 || fail "nvme not bound to nvme"
expect_rc 1 "is bound to nvme, not vfio-pci" opaevfio -r "$na"
check opaevfio -i "$na"
check_eq "nvme driver after -i" vfio-pci "$(driver_of "$nvme")"
expect_rc 1 "nosuchdrv driver is missing" opaevfio -r "$na" -d nosuchdrv
check_eq "still vfio-pci after a failed -r" vfio-pci "$(driver_of "$nvme")"
check opaevfio -r "$na" -d nvme
check_eq "nvme driver after -r -d nvme" nvme "$(driver_of "$nvme")"
wait_for '[ -b /dev/nvme0n1 ]' 30 || fail "/dev/nvme0n1 did not come back"
# -r without -d: the kernel probes nvme again by itself
check opaevfio -i "$na"
check opaevfio -r "$na"
check_eq "nvme driver after -r" nvme "$(driver_of "$nvme")"
pass
