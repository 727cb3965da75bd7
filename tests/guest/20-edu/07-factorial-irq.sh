#!/bin/sh
# timeout: 180
# Factorial with the completion interrupt (status 0x80): exactly one
# interrupt with status bit 0x01, for MSI and for INTx; 0x80 stays set
# until cleared; without 0x80 no interrupt at all.
# Same checks, same expectations, QEMU's edu and pciem-edu.
. /pciem/tests/lib.sh
. /pciem/tests/20-edu/edu-lib.sh

factirq() {
	who=$1 a=$2
	for mode in msi intx; do
		e $a irq $mode hard ack >/dev/null
		check_num "$who 10! with a $mode interrupt" 0x375f00 "$(e $a fact 10 1)"
		sleep 0.2
		st=$(e $a stats)
		set -- $st
		check_eq "$who $mode: interrupts for one factorial" 1 "$1"
		check_eq "$who $mode: bits seen" 0x1 "$3"
		reg $who $a 4 0x20 0x80 "0x80 stays set"
		check_num "$who 12! with a $mode interrupt" 0x1c8cfc00 "$(e $a fact 12 1)"
		e $a clear >/dev/null
		check_num "$who 13! without interrupt" 0x7328cc00 "$(e $a fact 13)"
		reg $who $a 4 0x20 0 "0x80 cleared by fact without interrupt"
		sleep 0.2
		check_eq "$who $mode: no interrupt without 0x80" "0 0 0x0" "$(e $a stats)"
		reg $who $a 4 0x24 0 "interrupt status"
	done
	e $a irq none >/dev/null
}

edu_begin
for_both factirq
edu_end
pass
