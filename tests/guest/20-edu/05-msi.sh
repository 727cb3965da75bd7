#!/bin/sh
# timeout: 180
# MSI.  Defined precisely, because interrupts from one device can merge:
#  - one at a time: raise a bit, wait until the handler has run (it reads
#    0x24 and acknowledges what it read), then the next: 16 raises are
#    exactly 16 handler calls, each finding its bit, and no extra call;
#    with a hard-irq handler and with a threaded one;
#  - every raise sends a message, even while the status is already
#    non-zero (a handler that does not acknowledge sees 3 calls for 3
#    raises, and a raise of 0 with bits pending sends one more); a raise
#    of 0 with nothing pending sends none;
#  - a burst of 8 raises written back to back: the messages may merge
#    (QEMU's edu can merge them at the APIC), so 1 to 8 handler calls, but
#    every bit is seen and the status ends at 0.
# Same checks, same expectations, QEMU's edu and pciem-edu.
. /pciem/tests/lib.sh
. /pciem/tests/20-edu/edu-lib.sh

msi() {
	who=$1 a=$2
	for kind in hard thread; do
		irq=$(e $a irq msi $kind ack)
		[ $((irq)) -gt 0 ] || fail "$who: no MSI interrupt"
		info "$who: MSI, $kind handler, Linux irq $((irq))"
		e $a clear >/dev/null
		check_eq "$who MSI ($kind): 16 raises one at a time -> calls, empty calls, bits" \
			"16 0 0xffff" "$(e $a raise 16)"
		reg $who $a 4 0x24 0 "all acknowledged"
	done

	e $a irq msi hard noack >/dev/null
	e $a clear >/dev/null
	check_eq "$who MSI: 3 raises, not acknowledged" "3 0 0x7" "$(e $a raise 3)"
	reg $who $a 4 0x24 0x7 "interrupt status"
	e $a w4 0x60 0 >/dev/null
	reg $who $a 4 0x24 0x7 "after raise 0"
	wait_for "[ \"\$(e $a stats)\" = '4 0 0x7' ]" 3
	check_eq "$who MSI: raise 0 with bits pending sends a message" "4 0 0x7" "$(e $a stats)"
	e $a w4 0x64 0x7 >/dev/null
	reg $who $a 4 0x24 0 "acknowledged"
	e $a w4 0x60 0 >/dev/null
	reg $who $a 4 0x24 0 "after raise 0"
	sleep 0.3
	check_eq "$who MSI: raise 0 with nothing pending sends none" "4 0 0x7" "$(e $a stats)"

	e $a irq msi hard ack >/dev/null
	e $a clear >/dev/null
	st=$(e $a burst 8)
	info "$who MSI burst of 8: calls, empty calls, bits: $st"
	set -- $st
	check_eq "$who MSI burst: every bit seen" 0xff "$3"
	[ $(($1 + $2)) -ge 1 ] && [ $(($1 + $2)) -le 8 ] && [ $1 -ge 1 ] ||
		fail "$who MSI burst: $1 + $2 handler calls, expected 1 to 8"
	reg $who $a 4 0x24 0 "all acknowledged after the burst"
	sleep 1
	info "$who MSI burst of 8, 1 s later: $(e $a stats)"
	e $a irq none >/dev/null
}

edu_begin
for_both msi
edu_end
pass
