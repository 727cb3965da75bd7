#!/bin/sh
# A function no IOMMU translates for (a virtual host bridge outside QEMU's
# DMAR scope): DMA reaches exactly what its driver mapped through the DMA
# API, in the mapped direction, and nothing else — not even before a driver
# binds.
. /pciem/tests/lib.sh
load_pciem
pciem_dma_probe || fail "DMA to unmapped memory was not refused"
insmod /pciem/modules/pciem_mmio_test.ko || fail "insmod pciem_mmio_test"
pciem_dma_test virtual || fail "pciem_dma_test virtual reported failures"
rmmod pciem_mmio_test || fail "rmmod pciem_mmio_test"
pass
