#!/bin/sh
# timeout: 180
# INTx, level-triggered.  With Interrupt Disable set, configuration Status
# bit 3 (Interrupt Status) shows the device's line: raised while any status
# bit is set, low again only when all are acknowledged.  With a handler
# that reads 0x24 and acknowledges it: 16 raises one at a time are exactly
# 16 handler calls that found their bit (calls that found nothing on the
# shared line are not counted: the line is level-triggered and may be
# looked at again), hard-irq and threaded.
# Same checks, same expectations, QEMU's edu and pciem-edu.
. /pciem/tests/lib.sh
. /pciem/tests/20-edu/edu-lib.sh

# line ADDR: configuration Status.Interrupt Status (0 or 1).
line() {
	echo $(((0x$(cfg "$1" STATUS.w) >> 3) & 1))
}

# step WHO ADDR WRITE_OFF VALUE STATUS LINE: a write, a read of 0x24 (which
# also flushes the write), then the line.
step() {
	e $2 w4 $3 $4 >/dev/null
	reg $1 $2 4 0x24 $5 "after writing $4 to $3"
	check_eq "$1 INTx line after writing $4 to $3" $6 "$(line $2)"
}

intx() {
	who=$1 a=$2
	e $a irq none >/dev/null
	check_eq "$who Interrupt Disable set" 1 $(((0x$(cfg $a COMMAND.w) >> 10) & 1))
	check_eq "$who INTx line at rest" 0 "$(line $a)"
	step $who $a 0x60 0x1 0x1 1
	step $who $a 0x60 0x2 0x3 1
	step $who $a 0x64 0x1 0x2 1
	step $who $a 0x60 0x0 0x2 1
	step $who $a 0x64 0x2 0x0 0
	step $who $a 0x60 0x0 0x0 0
	step $who $a 0x64 0xffffffff 0x0 0

	for kind in hard thread; do
		irq=$(e $a irq intx $kind ack)
		[ $((irq)) -gt 0 ] || fail "$who: no INTx interrupt"
		info "$who: INTx, $kind handler, Linux irq $((irq))"
		check_eq "$who Interrupt Disable clear" 0 $(((0x$(cfg $a COMMAND.w) >> 10) & 1))
		e $a clear >/dev/null
		st=$(e $a raise 16)
		info "$who INTx ($kind): calls, not-ours calls, bits: $st"
		set -- $st
		check_eq "$who INTx ($kind): 16 raises one at a time -> handler calls" 16 "$1"
		check_eq "$who INTx ($kind): bits seen" 0xffff "$3"
		reg $who $a 4 0x24 0 "all acknowledged"
		check_eq "$who INTx line after the handler acknowledged" 0 "$(line $a)"
	done
	e $a irq none >/dev/null
}

edu_begin
for_both intx
edu_end
pass
