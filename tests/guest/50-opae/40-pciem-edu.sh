#!/bin/sh
# timeout: 300
# The same userspace driver (opae_edu, written only against the OPAE API)
# against pciem-edu bound to vfio-pci: the emulated device gets an IOMMU group
# (attached behind a root port the VM's IOMMU covers), its BAR accesses
# through VFIO's mmap reach the emulator (reads answered synchronously), DMA
# goes to buffers from opae_vfio_buffer_allocate, MSI arrives through
# opae_vfio_irq_enable and INTx with mask/unmask as on QEMU's edu (vfio-pci's
# INTx handler and unmask read configuration space, which waits for the
# acknowledging MMIO write before it: pciem must never leave the emulator
# queued behind that wait); an out-of-range DMA is refused while the device
# carries on (-o); and VFIO's region read/write (no mmap) reaches it too,
# as it does QEMU's edu.
. /pciem/tests/lib.sh
load_pciem pciem_attach_bus=0000:01

pciem-edu --attach >edu.out 2>edu.err &
emu=$!
wait_for "[ -s edu.out ]" 30 || { cat edu.err; fail "pciem-edu did not start"; }
ea=$(head -n 1 edu.out)
info "pciem-edu at $ea"
[ -e /sys/bus/pci/devices/$ea/iommu_group ] || fail "no IOMMU group for $ea"

check opaevfio -i "$ea"
check_eq "driver" vfio-pci "$(basename "$(readlink /sys/bus/pci/devices/$ea/driver)")"
opae_edu -o "$ea" || fail "opae_edu against pciem-edu failed"
vfio_region_rw "$ea" || fail "VFIO region read/write of pciem-edu failed"
check_eq "QEMU's edu the same way" 0 "$(opaevfio -i $(basename $(sysfs_dev_by_id 1234 11e8)) >/dev/null &&
	vfio_region_rw $(basename $(sysfs_dev_by_id 1234 11e8)) >/dev/null; echo $?)"
opaevfio -r "$(basename $(sysfs_dev_by_id 1234 11e8))" >/dev/null
check opaevfio -r "$ea"

kill -TERM $emu
wait $emu
wait_for "[ ! -e /sys/bus/pci/devices/$ea ]" 20 || fail "$ea still present"
unload_pciem
pass
