#!/bin/sh
# timeout: 180
# pciem-edu without --attach: on a host bridge of its own, outside the
# IOMMU's scope.  Identity, registers, factorial, MSI and INTx one at a
# time, DMA both ways (pciem.ko lets the device reach what the driver
# mapped with the DMA API) work as on bus 01; a transfer to memory the
# driver did not map fails in pciem.ko, and pciem-edu reports it and
# completes the command like a bus error.  SIGINT ends it (status 0) and
# its device leaves the bus.
. /pciem/tests/lib.sh
. /pciem/tests/20-edu/edu-lib.sh

edu_begin virtual
a=$OUR_ADDR
case $a in
0000:00:*|0000:01:*) fail "pciem-edu without --attach is at $a, on an existing bus" ;;
esac
check_eq "class" 0x00ff00 "$(cat $OUR_EDU/class)"
check_eq "interrupt pin" 01 "$(cfg $a INTERRUPT_PIN.b)"
reg ours $a 4 0x00 0x010000ed "identification"
e $a w4 0x04 0x5a5a0000 >/dev/null
reg ours $a 4 0x04 0xa5a5ffff "liveness"
check_num "12!" 0x1c8cfc00 "$(e $a fact 12)"
e $a irq msi hard ack >/dev/null
e $a clear >/dev/null
check_eq "MSI: 8 raises one at a time" "8 0 0xff" "$(e $a raise 8)"
e $a irq intx hard ack >/dev/null
e $a clear >/dev/null
st=$(e $a raise 8)
check_eq "INTx: 8 raises one at a time (calls, bits)" "8 0xff" "$(echo $st | cut -d' ' -f1,3)"

e $a irq msi hard ack >/dev/null
e $a fill 0 4095 21 >/dev/null
check_num "RAM -> device with its interrupt" 0x4 "$(e $a dma 0 0x40000 0 4095 1)"
e $a set 8192 4095 0 >/dev/null
check_num "device -> RAM with its interrupt" 0x6 "$(e $a dma 1 0x40000 8192 4095 1)"
check_num "round trip: bytes that differ" 0 "$(e $a check 8192 4095 21)"

# Past the driver's buffer: not mapped for the device, so pciem.ko refuses.
iova=$(e $a iova)
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
reg ours $a 4 0x00 0x010000ed "identification afterwards"
e $a irq none >/dev/null
edu_stop_ours INT
edu_end
pass
