#!/bin/sh
# timeout: 180
# libopaevfio on QEMU's nvme (a second device type): BAR0 holds the MSI-X
# table; vfio-pci (since Linux 4.16) lets it be mapped whole and reports that
# with the MSIX_MAPPABLE region capability, so the library walks a real
# capability chain (and finds no sparse-mmap capability).  Read the NVMe
# version register through the mapping, enable and disable MSI-X vectors (of
# 65), check INTx can be enabled afterwards, and hand the device back to the
# nvme driver.  (Sparse mapping itself is covered by the host test
# test_opaevfio_caps: vfio-pci no longer produces it for PCI BARs.)
. /pciem/tests/lib.sh

nvme=$(sysfs_dev_by_id 1b36 0010) || fail "no QEMU nvme device"
na=$(pci_addr "$nvme")
modprobe nvme

check opaevfio -i "$na"
check_eq "nvme driver" vfio-pci "$(driver_of "$nvme")"
# VS (0x08) = NVMe 1.4
opae_regions -x 3 -x 64 "$na" 0:8=00010400 || fail "opae_regions on nvme"
check opaevfio -r "$na"
wait_for "[ \"\$(driver_of $nvme)\" = nvme ]" 10 || fail "nvme did not get its driver back"
wait_for '[ -b /dev/nvme0n1 ]' 30 || fail "/dev/nvme0n1 did not come back"
pass
