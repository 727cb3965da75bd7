#!/bin/sh
# timeout: 120
# Every register with 4-byte accesses, interrupts off (Interrupt Disable):
# identification, liveness, status (0x80 writable, 0x01 read-only),
# interrupt status / raise / acknowledge, the DMA registers (full 64 bits,
# 4-byte writes clear the upper half), the DMA command ignoring writes
# without the start bit, write-only and undefined registers reading all
# ones.  Same checks, same expectations, QEMU's edu and pciem-edu.
. /pciem/tests/lib.sh
. /pciem/tests/20-edu/edu-lib.sh

registers() {
	who=$1 a=$2
	reg $who $a 4 0x00 0x010000ed "identification"
	e $a w4 0x00 0x12345678 >/dev/null
	reg $who $a 4 0x00 0x010000ed "identification is read-only"

	for v in 0x12345678 0 0xffffffff 0xa5a5a5a5 0x00000001; do
		e $a w4 0x04 $v >/dev/null
		reg $who $a 4 0x04 $((~v & 0xffffffff)) "liveness after $v"
	done

	e $a w4 0x20 0x80 >/dev/null
	reg $who $a 4 0x20 0x80 "status after 0x80"
	e $a w4 0x20 0x01 >/dev/null
	reg $who $a 4 0x20 0x00 "status after 0x01 (busy is read-only, 0x80 cleared)"
	e $a w4 0x20 0xffffffff >/dev/null
	reg $who $a 4 0x20 0x80 "status after all ones"
	e $a w4 0x20 0 >/dev/null
	reg $who $a 4 0x20 0x00 "status after 0"

	e $a w4 0x64 0xffffffff >/dev/null
	reg $who $a 4 0x24 0 "interrupt status after acknowledging everything"
	e $a w4 0x60 0x5 >/dev/null
	reg $who $a 4 0x24 0x5 "after raise 0x5"
	e $a w4 0x60 0x100 >/dev/null
	reg $who $a 4 0x24 0x105 "after raise 0x100"
	e $a w4 0x60 0 >/dev/null
	reg $who $a 4 0x24 0x105 "after raise 0"
	e $a w4 0x24 0 >/dev/null
	reg $who $a 4 0x24 0x105 "interrupt status is read-only"
	e $a w4 0x64 0x4 >/dev/null
	reg $who $a 4 0x24 0x101 "after acknowledge 0x4"
	e $a w4 0x64 0x2 >/dev/null
	reg $who $a 4 0x24 0x101 "after acknowledge of a clear bit"
	e $a w4 0x60 0x80000000 >/dev/null
	reg $who $a 4 0x24 0x80000101 "after raise 0x80000000"
	e $a w4 0x64 0xffffffff >/dev/null
	reg $who $a 4 0x24 0 "after acknowledge of all"
	reg $who $a 4 0x60 0xffffffff "raise is write-only"
	reg $who $a 4 0x64 0xffffffff "acknowledge is write-only"

	for r in 0x80 0x88 0x90; do
		e $a w8 $r 0x123456789abcdef0 >/dev/null
		reg $who $a 8 $r 0x123456789abcdef0 "8-byte write, 8-byte read"
		reg $who $a 4 $r 0x9abcdef0 "4-byte read: low half"
		reg $who $a 4 $((r + 4)) 0xffffffff "4-byte read of the high half: undefined"
		e $a w4 $((r + 4)) 0x55 >/dev/null
		reg $who $a 8 $r 0x123456789abcdef0 "4-byte write to the high half is ignored"
		e $a w4 $r 0x11223344 >/dev/null
		reg $who $a 8 $r 0x11223344 "4-byte write replaces all 64 bits"
		e $a w8 $r 0 >/dev/null
		reg $who $a 8 $r 0 "cleared"
	done
	cmd=$(e $a r8 0x98)
	check_num "$who DMA idle" 0 $((cmd & 1))
	e $a w4 0x98 0x6 >/dev/null
	reg $who $a 8 0x98 $cmd "command without the start bit is ignored"
	e $a w8 0x98 0x6 >/dev/null
	reg $who $a 8 0x98 $cmd "8-byte command without the start bit is ignored"

	for r in 0x0c 0x10 0x1c 0x28 0x40 0x5c 0x68 0x7c 0xa0 0xfc 0x1000 0x40000 0xffffc; do
		reg $who $a 4 $r 0xffffffff "undefined register"
	done
	for r in 0xa0 0x100 0x40000 0xffff8; do
		reg $who $a 8 $r 0xffffffffffffffff "undefined register"
	done
	e $a w4 0x100 0x1234 >/dev/null
	reg $who $a 4 0x100 0xffffffff "write to an undefined register has no effect"
	reg $who $a 4 0x00 0x010000ed "identification at the end"
}

edu_begin
for_both registers
edu_end
pass
