#!/bin/sh
# timeout: 180
# pciem-edu only (QEMU 7.2's edu aborts the whole VM on these): a transfer
# whose device range is not inside [0x40000, 0x41000) is refused — nothing
# moves either way, the start bit clears, no interrupt, a message on
# stderr — and the device carries on.  Transfers that end exactly at
# 0x41000 (the whole 4 KiB buffer, the very last byte) are in range.  A
# transfer to RAM the driver did not map fails in pciem.ko and completes
# like a bus error.
. /pciem/tests/lib.sh
. /pciem/tests/20-edu/edu-lib.sh

edu_begin
a=$OUR_ADDR
iova=$(e $a iova)

e $a fill 0 4096 55 >/dev/null
check_num "whole buffer RAM -> device (ends at 0x41000)" 0 "$(e $a dma 0 0x40000 0 4096 0)"
e $a set 8192 4096 0 >/dev/null
check_num "whole buffer device -> RAM" 0x2 "$(e $a dma 1 0x40000 8192 4096 0)"
check_num "whole buffer round trip: bytes that differ" 0 "$(e $a check 8192 4096 55)"
e $a set 8192 1 0 >/dev/null
check_num "last byte alone (0x40fff + 1)" 0x2 "$(e $a dma 1 0x40fff 8192 1 0)"
check_num "last byte: differs" 0 "$(e $a check 8192 1 55 4095)"

# buffer_intact: the device buffer still holds pattern 55.
buffer_intact() {
	e $a set 8192 4096 0 >/dev/null
	e $a dma 1 0x40000 8192 4096 0 >/dev/null
	check_num "device buffer unchanged $1: bytes that differ" 0 "$(e $a check 8192 4096 55)"
}

refused=0
for t in 0x3ffff:16 0x40ff8:9 0x41000:1 0x40000:4097 0x40000:0 0x0:16 0x41001:16 0x80000:16; do
	dev=${t%%:*} len=${t#*:}
	# device -> RAM: nothing written to RAM.
	e $a fill 8192 16 77 >/dev/null
	check_num "device $dev+$len -> RAM refused: command after" 0x2 "$(e $a dma 1 $dev 8192 $len 0)"
	check_num "RAM untouched after $dev+$len: bytes that differ" 0 "$(e $a check 8192 16 77)"
	# RAM -> device: nothing written to the device.
	e $a fill 0 4096 99 >/dev/null
	check_num "RAM -> device $dev+$len refused: command after" 0 "$(e $a dma 0 $dev 0 $len 0)"
	refused=$((refused + 2))
done
buffer_intact "after refused transfers"

# A count that wraps around 2^64: refused.
e $a fill 12288 16 77 >/dev/null
e $a w8 0x80 0x40010 >/dev/null
e $a w8 0x88 $((iova + 12288)) >/dev/null
e $a w8 0x90 0xfffffffffffffff8 >/dev/null
e $a w4 0x98 3 >/dev/null
check_num "wrapping count refused: command after" 0x2 "$(e $a dmawait 0)"
check_num "RAM untouched: bytes that differ" 0 "$(e $a check 12288 16 77)"
refused=$((refused + 1))

# With the interrupt bit: no interrupt for a refused transfer.
e $a irq msi hard ack >/dev/null
e $a clear >/dev/null
e $a dmastart 1 0x41000 12288 1 1 >/dev/null
check_num "refused with the interrupt bit: command after" 0x6 "$(e $a dmawait 0)"
sleep 0.3
check_eq "no interrupt for a refused transfer" "0 0 0x0" "$(e $a stats)"
refused=$((refused + 1))

# A bus error: device -> RAM at an address the driver did not map (just
# past its 16 KiB buffer; pciem.ko lets a device reach only what its driver
# mapped).  pciem-edu reports it and completes the command, interrupt
# included, as QEMU's edu does when the IOMMU blocks it.
e $a clear >/dev/null
e $a w8 0x80 0x40000 >/dev/null
e $a w8 0x88 $((iova + 16384)) >/dev/null
e $a w8 0x90 64 >/dev/null
e $a w4 0x98 7 >/dev/null
check_num "transfer to an unmapped address: command after" 0x6 "$(e $a dmawait 1)"
sleep 0.2
check_eq "its interrupt (calls, bits)" "1 0x100" "$(e $a stats | cut -d' ' -f1,3)"
grep -q 'DMA of 64 bytes to .* failed' "$PCIEM_TMP/edu.err" ||
	fail "no message for the transfer to an unmapped address"

# The device carries on.
reg ours $a 4 0x00 0x010000ed "identification"
e $a w4 0x04 0x1234 >/dev/null
reg ours $a 4 0x04 0xffffedcb "liveness"
check_num "10! afterwards" 0x375f00 "$(e $a fact 10)"
e $a fill 0 4096 66 >/dev/null
e $a dma 0 0x40000 0 4096 1 >/dev/null
e $a set 8192 4096 0 >/dev/null
check_num "a good transfer afterwards, with its interrupt" 0x6 "$(e $a dma 1 0x40000 8192 4096 1)"
check_num "good transfer: bytes that differ" 0 "$(e $a check 8192 4096 66)"
e $a irq none >/dev/null

n=$(grep -c 'DMA refused' "$PCIEM_TMP/edu.err")
check_eq "refusals reported on stderr" $refused "$n"
kill -0 $OUR_PID || fail "pciem-edu is gone"
edu_end
pass
