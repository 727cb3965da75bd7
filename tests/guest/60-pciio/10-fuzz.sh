#!/bin/sh
# timeout: 180
# 20000 calls with random arguments to every ioctl, on real and made-up
# devices, from read-only and writable descriptors (writes only to QEMU's
# edu, where they are harmless): no kernel warning, and /dev/pci still
# answers exactly as before.
. /pciem/tests/lib.sh
. "$PCIEM_TEST_DIR/pciio-lib.sh"
load_pciio
modprobe nvme 2>/dev/null

edu=$(sysfs_dev_by_id 1234 11e8) || fail "no edu device"
a=$(pci_addr "$edu")
[ -z "$(driver_of "$edu")" ] || echo "$a" >"$edu/driver/unbind"
setpci -s "$a" COMMAND=0002:0002
line=$(setpci -s "$a" 3c.b)
pciio-test list >before || fail "list"
dmesg -c >/dev/null
pciio-test fuzz "$a" 20000 || fail "fuzz"
dmesg >log
if grep -qiE 'warn|bug|oops|error|PAT' log; then
	cat log
	fail "kernel log after the fuzz"
fi
pciio-test list >after || fail "list after the fuzz"
cmp -s before after || fail "device list changed"
setpci -s "$a" 3c.b="$line"
pciio-test errors "$a" - - >errs || { cat errs; fail "errno table after the fuzz"; }
tail -n 1 errs
pass
