#!/bin/sh
# timeout: 180
# Factorial, polled (no interrupts): results mod 2^32 for small and large
# operands; with the largest operand (4294967295, billions of
# multiplications) the busy bit is seen set, 0x08 still reads the operand,
# a second operand written while busy is ignored, status bit 0x80 can be
# changed while busy (busy itself stays read-only), and the result is 0.
# Same checks, same expectations, QEMU's edu and pciem-edu.
. /pciem/tests/lib.sh
. /pciem/tests/20-edu/edu-lib.sh

factorial() {
	who=$1 a=$2
	for t in 0:0x1 1:0x1 2:0x2 5:0x78 10:0x375f00 12:0x1c8cfc00 13:0x7328cc00 \
		 20:0x82b40000 33:0x80000000 34:0 100:0 65536:0; do
		check_num "$who $((${t%%:*}))! mod 2^32" ${t#*:} "$(e $a fact ${t%%:*})"
	done
	reg $who $a 4 0x24 0 "no interrupt status without 0x80"

	e $a w4 0x20 0 >/dev/null
	e $a w4 0x08 0xffffffff >/dev/null
	reg $who $a 4 0x20 0x01 "busy right after 4294967295 was written"
	reg $who $a 4 0x08 0xffffffff "0x08 reads the operand while busy"
	e $a w4 0x08 5 >/dev/null
	e $a w4 0x20 0x80 >/dev/null
	reg $who $a 4 0x20 0x81 "status 0x80 set while busy"
	e $a w4 0x20 0x00 >/dev/null
	reg $who $a 4 0x20 0x01 "status 0x80 cleared while busy, busy still set"
	start=$(date +%s)
	n=0
	while [ $(($(e $a r4 0x20) & 1)) = 1 ]; do
		n=$((n + 1))
		[ $n -lt 600 ] || fail "$who: still busy after 60 s"
		sleep 0.1
	done
	info "$who: 4294967295! took about $(($(date +%s) - start)) s"
	reg $who $a 4 0x08 0 "4294967295! mod 2^32 (the 5 written while busy was ignored)"
	reg $who $a 4 0x24 0 "no interrupt status without 0x80"
	check_num "$who 7! after that" 0x13b0 "$(e $a fact 7)"
}

edu_begin
for_both factorial
edu_end
pass
