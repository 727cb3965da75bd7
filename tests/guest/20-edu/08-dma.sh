#!/bin/sh
# timeout: 240
# DMA through a dma_alloc_coherent() buffer (28-bit DMA mask, behind the
# IOMMU): RAM -> device and device -> RAM, polled and with the completion
# interrupt (MSI and INTx: one interrupt, status bit 0x100), at offsets in
# the device buffer; the command register afterwards (start bit clear,
# direction and interrupt bits kept); the registers ignored while a
# transfer runs; RAM addresses clamped to 28 bits.  Transfers stay below
# 0x40fff: QEMU 7.2's edu aborts on one that ends exactly at the end of its
# buffer (09-dma-range.sh covers that for pciem-edu).
# Same checks, same expectations, QEMU's edu and pciem-edu.
. /pciem/tests/lib.sh
. /pciem/tests/20-edu/edu-lib.sh

dma() {
	who=$1 a=$2
	e $a irq none >/dev/null
	iova=$(e $a iova)
	info "$who: DMA buffer at bus address $iova"
	[ $((iova)) -lt $((1 << 28)) ] || fail "$who: DMA buffer above the 28-bit mask"

	e $a fill 0 4095 11 >/dev/null
	check_num "$who RAM -> device, 4095 bytes: command after" 0 "$(e $a dma 0 0x40000 0 4095 0)"
	e $a set 8192 4095 0 >/dev/null
	check_num "$who device -> RAM, 4095 bytes: command after" 0x2 "$(e $a dma 1 0x40000 8192 4095 0)"
	check_num "$who round trip of 4095 bytes: bytes that differ" 0 "$(e $a check 8192 4095 11)"
	reg $who $a 8 0x80 0x40000 "source after"
	reg $who $a 8 0x88 $((iova + 8192)) "destination after"
	reg $who $a 8 0x90 4095 "count after"

	e $a fill 100 1000 22 >/dev/null
	check_num "$who RAM -> device 0x40801" 0 "$(e $a dma 0 0x40801 100 1000 0)"
	e $a set 5000 1000 0 >/dev/null
	check_num "$who device 0x40801 -> RAM" 0x2 "$(e $a dma 1 0x40801 5000 1000 0)"
	check_num "$who round trip at 0x40801: bytes that differ" 0 "$(e $a check 5000 1000 22)"
	e $a set 8192 0x801 0 >/dev/null
	e $a dma 1 0x40000 8192 0x801 0 >/dev/null
	check_num "$who bytes before 0x40801 untouched" 0 "$(e $a check 8192 0x801 11)"
	e $a set 8192 16 0 >/dev/null
	e $a dma 1 0x40fef 8192 16 0 >/dev/null
	check_num "$who 0x40fef-0x40ffe read back: bytes that differ" 0 "$(e $a check 8192 16 11 4079)"

	check_num "$who registers ignored while a transfer runs (bit mask)" 0x3f "$(e $a dmaprobe 0 256)"

	e $a fill 0 256 33 >/dev/null
	e $a dma 0 0x40000 0 256 0 >/dev/null
	e $a set 12288 256 0 >/dev/null
	check_num "$who device -> RAM with bit 28 and 40 set in the RAM address" 0x2 \
		"$(e $a dma 1 0x40000 12288 256 0 0x10010000000)"
	check_num "$who clamped to 28 bits: bytes that differ" 0 "$(e $a check 12288 256 33)"

	for mode in msi intx; do
		e $a irq $mode hard ack >/dev/null
		e $a fill 0 512 44 >/dev/null
		check_num "$who RAM -> device with a $mode interrupt: command after" 0x4 \
			"$(e $a dma 0 0x40100 0 512 1)"
		sleep 0.2
		check_eq "$who $mode: one interrupt, bit 0x100" "1 0x100" "$(e $a stats | cut -d' ' -f1,3)"
		e $a set 8192 512 0 >/dev/null
		check_num "$who device -> RAM with a $mode interrupt: command after" 0x6 \
			"$(e $a dma 1 0x40100 8192 512 1)"
		sleep 0.2
		check_eq "$who $mode: one interrupt, bit 0x100" "1 0x100" "$(e $a stats | cut -d' ' -f1,3)"
		check_num "$who $mode round trip: bytes that differ" 0 "$(e $a check 8192 512 44)"
		reg $who $a 4 0x24 0 "acknowledged"
	done
	e $a irq none >/dev/null
}

edu_begin
for_both dma
edu_end
pass
