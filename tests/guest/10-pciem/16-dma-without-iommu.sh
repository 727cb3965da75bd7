#!/bin/sh
# A function no IOMMU translates for (a virtual host bridge outside QEMU's
# DMAR scope) may not do DMA at all: pciem refuses rather than reach any
# physical memory.
. /pciem/tests/lib.sh
. /pciem/tests/pciem-lib.sh
load_pciem
pciem_dma_probe || fail "DMA without an IOMMU was not refused"
pass
