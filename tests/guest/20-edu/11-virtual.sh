#!/bin/sh
# timeout: 180
# pciem-edu --attach: the same device on the VM's own bus 0000:00, beside
# QEMU's edu.  The essentials once more: identity, registers, factorial,
# MSI and INTx one at a time, a DMA round trip; then it leaves cleanly.
. /pciem/tests/lib.sh
. /pciem/tests/20-edu/edu-lib.sh

edu_begin --attach
a=$OUR_ADDR
case $a in
0000:00:*) ;;
*) fail "--attach put the device at $a, not on bus 0000:00" ;;
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
e $a irq none >/dev/null
e $a fill 0 1000 5 >/dev/null
e $a dma 0 0x40010 0 1000 0 >/dev/null
e $a set 8192 1000 0 >/dev/null
e $a dma 1 0x40010 8192 1000 0 >/dev/null
check_num "DMA round trip: bytes that differ" 0 "$(e $a check 8192 1000 5)"
edu_end
pass
