#!/bin/sh
# timeout: 400
# pciem-edu killed (SIGKILL) at a random moment of whatever its driver and
# the PCI core are doing, 120 times (60 on the debug kernel): while edu_test
# probes it, in the middle of driver traffic (DMA, factorials, MSI or INTx
# interrupts), during a function level reset, and while sysfs removes it.  Each time the function
# leaves the bus, background work ends, nothing warns or hangs.  At the
# end the BAR pool is empty, QEMU's edu still works, and edu_test and
# pciem.ko unload.
. /pciem/tests/lib.sh
. /pciem/tests/20-edu/edu-lib.sh

edu_begin none
rounds=$(rounds 120)
i=0
while [ $i -lt $rounds ]; do
	mode=$(random_below 2)
	[ $mode = 0 ] && opts=--attach || opts=
	edu_start_ours $opts >/dev/null
	a=$OUR_ADDR
	phase=$(random_below 4)
	delay=0.$(random_below 10)$(random_below 10)
	case $phase in
	0)	what="probe"
		(bind_driver "$OUR_EDU" edu_test) >/dev/null 2>&1 &
		;;
	1)	edu_bind "$OUR_EDU"
		irq=msi; [ $(random_below 2) = 0 ] && irq=intx
		what="traffic ($irq)"
		echo "irq $irq hard ack" > $EDU_DBG/$a
		(echo "stress 100000" > $EDU_DBG/$a) 2>/dev/null &
		;;
	2)	edu_bind "$OUR_EDU"
		what="reset"
		(while echo 1 > $OUR_EDU/reset; do :; done) 2>/dev/null &
		;;
	3)	what="sysfs remove"
		(echo 1 > $OUR_EDU/remove) 2>/dev/null &
		;;
	esac
	bg=$!
	sleep $delay
	echo "round $i: killing pciem-edu ${opts:---virtual} after ${delay}s of $what"
	stop_dev $OUR_PID $a KILL 30
	OUR_PID=
	wait_for "! kill -0 $bg 2>/dev/null" 30 || fail "round $i: the $what did not end after the kill"
	wait $bg 2>/dev/null
	i=$((i + 1))
done
check_eq "BARs claimed in the pool afterwards" 0 "$(pool_entries | wc -l)"
reg qemu $QEMU_ADDR 4 0x00 0x010000ed "QEMU's edu still answers"
check_num "QEMU's edu 5!" 0x78 "$(e $QEMU_ADDR fact 5)"
edu_end
pass
