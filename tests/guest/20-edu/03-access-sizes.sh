#!/bin/sh
# timeout: 120
# Access widths: 4 bytes below 0x80, 4 or 8 from 0x80; a write of any
# other width changes nothing.  What other widths read is what QEMU's edu
# reads: 8 bytes below 0x80 all ones (the device model's answer), 1 and 2
# bytes 0 (QEMU's memory core refuses them before the device sees them:
# the region is valid for 4 and 8 bytes only, and a refused read is 0).
# Misaligned accesses are not checked: QEMU's TCG splits them into aligned
# ones, which is the CPU model's doing, not the device's.
# Same checks, same expectations, QEMU's edu and pciem-edu.
. /pciem/tests/lib.sh
. /pciem/tests/20-edu/edu-lib.sh

sizes() {
	who=$1 a=$2
	e $a w4 0x04 0x0f0f0f0f >/dev/null
	live=0xf0f0f0f0
	for r in 0x00 0x04 0x08 0x20 0x24; do
		reg $who $a 1 $r 0 "1-byte read"
		reg $who $a 2 $r 0 "2-byte read"
	done
	for r in 0x00 0x08 0x20 0x60; do
		reg $who $a 8 $r 0xffffffffffffffff "8-byte read below 0x80"
	done
	for r in 0x80 0x88 0x90 0x98 0x100 0xffffc; do
		reg $who $a 1 $r 0 "1-byte read"
		reg $who $a 2 $r 0 "2-byte read"
	done

	e $a w1 0x04 0x55 >/dev/null
	e $a w2 0x04 0x5555 >/dev/null
	e $a w8 0x00 0x5555555555555555 >/dev/null
	reg $who $a 4 0x04 $live "liveness after 1-, 2- and 8-byte writes"

	e $a w1 0x60 1 >/dev/null
	e $a w2 0x60 1 >/dev/null
	e $a w8 0x60 1 >/dev/null
	reg $who $a 4 0x24 0 "interrupt status after 1-, 2- and 8-byte raises"
	e $a w8 0x20 0x80 >/dev/null
	e $a w1 0x20 0x80 >/dev/null
	reg $who $a 4 0x20 0 "status after 1- and 8-byte writes"
	e $a w1 0x08 5 >/dev/null
	e $a w2 0x08 5 >/dev/null
	e $a w8 0x08 5 >/dev/null
	reg $who $a 4 0x20 0 "no factorial started by 1-, 2- or 8-byte writes"

	e $a w8 0x80 0x1122334455667788 >/dev/null
	e $a w1 0x80 0xaa >/dev/null
	e $a w2 0x80 0xaaaa >/dev/null
	e $a w1 0x87 0xaa >/dev/null
	reg $who $a 8 0x80 0x1122334455667788 "DMA source after 1- and 2-byte writes"
	e $a w8 0x80 0 >/dev/null
	cmd=$(e $a r8 0x98)
	e $a w1 0x98 1 >/dev/null
	e $a w2 0x98 1 >/dev/null
	reg $who $a 8 0x98 $cmd "no DMA started by 1- or 2-byte commands"
}

edu_begin
for_both sizes
edu_end
pass
