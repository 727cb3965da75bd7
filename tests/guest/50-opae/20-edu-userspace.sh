#!/bin/sh
# timeout: 300
# A userspace edu driver on libopaevfio (opae_edu, written only against the
# OPAE opae_vfio_* API) against QEMU's edu: registers, DMA round trips through
# library buffers, MSI and INTx through eventfds, mask/unmask, huge and
# preallocated buffers, every error path.  Run without huge pages (4 KiB
# fallback) and with a 2 MiB pool, then release the device and check that
# opening it fails cleanly.
. /pciem/tests/lib.sh

edu=$(sysfs_dev_by_id 1234 11e8) || fail "no QEMU edu device"
ea=$(pci_addr "$edu")
hp=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages

check opaevfio -i "$ea"
check_eq "edu driver" vfio-pci "$(driver_of "$edu")"

echo 0 >$hp
info "run 1: no huge pages"
opae_edu "$ea" || fail "opae_edu (no huge pages) failed"

echo 4 >$hp
check_eq "2 MiB huge pages" 4 "$(cat $hp)"
info "run 2: four 2 MiB huge pages"
opae_edu "$ea" || fail "opae_edu (huge pages) failed"
check_eq "huge pages all free again" 4 \
	"$(cat /sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages)"
echo 0 >$hp

info "run 3: portable mode (non-zero checks only)"
opae_edu -p "$ea" >portable.log 2>&1 || { cat portable.log; fail "opae_edu -p failed"; }
tail -n 1 portable.log

check opaevfio -r "$ea"
check_eq "edu driver after release" "" "$(driver_of "$edu")"
info "open of the released device"
opae_edu -n "$ea" || fail "open of an unbound device did not fail cleanly"
pass
