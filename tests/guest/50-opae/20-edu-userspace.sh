#!/bin/sh
# timeout: 300
# A userspace edu driver on libopaevfio (opae_edu, written only against the
# OPAE opae_vfio_* API) against QEMU's edu: registers, DMA round trips through
# library buffers, MSI and INTx through eventfds, mask/unmask, huge and
# preallocated buffers, every error path.  Run without huge pages (4 KiB
# fallback), with a 2 MiB pool, in portable mode, and as an unprivileged user
# who was given the group node; then release the device and check that
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

info "run 4: as uid 1000 after opaevfio -u 1000 -g 1000"
check opaevfio -i "$ea" -u 1000 -g 1000
opae_edu -U 1000:1000 "$ea" >user.log 2>&1 || { cat user.log; fail "opae_edu as uid 1000 failed"; }
grep -E '^# running|opae_edu:' user.log
info "uid 1000 without access to the group node"
check opaevfio -i "$ea" -u 0 -g 0
opae_edu -n EACCES -U 1000:1000 "$ea" || fail "open without access did not fail with EACCES"

check opaevfio -r "$ea"
check_eq "edu driver after release" "" "$(driver_of "$edu")"
info "open of the released device"
opae_edu -n ENXIO "$ea" || fail "open of an unbound device did not fail with ENXIO"
pass
