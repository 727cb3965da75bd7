#!/bin/sh
# DMA through the IOMMU: both directions, atomics, PRP lists, P2P, and no
# access to memory the driver did not map (see pciem_dma_test.c).  The
# function joins bus 01 (a root port the VM's IOMMU covers).
. /pciem/tests/lib.sh
. /pciem/tests/pciem-lib.sh
load_pciem pciem_attach_bus=0000:01
load_test_driver
pciem_dma_test || fail "pciem_dma_test reported failures"
rmmod pciem_mmio_test || fail "rmmod pciem_mmio_test"
unload_pciem
pass
