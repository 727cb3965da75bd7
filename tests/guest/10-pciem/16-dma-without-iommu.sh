#!/bin/sh
# A function no IOMMU translates for (a virtual host bridge outside QEMU's
# DMAR scope): DMA reaches exactly what its driver mapped through the DMA
# API, in the mapped direction, and nothing else — not even before a driver
# binds.
. /pciem/tests/lib.sh
. /pciem/tests/pciem-lib.sh
load_pciem
pciem_dma_probe || fail "DMA to unmapped memory was not refused"
load_test_driver
pciem_dma_test virtual || fail "pciem_dma_test virtual reported failures"
# It freed buffers with the wrong size: pciem said so, and freed the right one.
dmesg | grep -q "freeing .* as 786432 bytes, allocated as 8192" ||
	fail "no warning about the mis-sized dma_free_coherent()"
rmmod pciem_mmio_test || fail "rmmod pciem_mmio_test"
pass
