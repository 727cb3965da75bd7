#!/bin/sh
# timeout: 180
# pciem-edu killed (SIGKILL) while its driver is busy with it — liveness
# writes and reads, raises and acknowledges, DMA both ways, interrupts on
# (MSI, then INTx): the device leaves the bus, the driver's command
# finishes (reads all ones from then on), its remove() runs, nothing warns
# or hangs, edu_test unloads; QEMU's edu, bound to the same driver, is
# unaffected.
. /pciem/tests/lib.sh
. /pciem/tests/20-edu/edu-lib.sh

edu_begin
for mode in msi intx; do
	[ -n "$OUR_PID" ] || { edu_start_ours $EDU_OPTS; edu_bind "$OUR_EDU"; }
	a=$OUR_ADDR
	e $a irq $mode hard ack >/dev/null
	f=$EDU_DBG/$a
	(echo "stress 15000" >$f; echo "status $?" >stress.done) &
	stresser=$!
	sleep 2
	ops=$(cat $EDU_DBG/stress_ops)
	[ "$ops" -gt 0 ] || fail "no traffic after 2 s"
	info "$mode: killing pciem-edu (pid $OUR_PID) after $ops driver iterations"
	kill -9 $OUR_PID
	wait $OUR_PID 2>/dev/null
	OUR_PID=
	wait_for "[ ! -e /sys/bus/pci/devices/$a ]" 60 || fail "$a still present 60 s after the kill"
	wait_for "[ -e stress.done ]" 30 || fail "the driver's command did not finish"
	wait $stresser
	info "$(cat stress.done), $(cat $EDU_DBG/stress_ops) iterations in all"
	rm -f stress.done
	[ ! -e $f ] || fail "debugfs file of $a still there"
	reg qemu $QEMU_ADDR 4 0x00 0x010000ed "QEMU's edu still answers"
	check_num "QEMU's edu 5!" 0x78 "$(e $QEMU_ADDR fact 5)"
done
edu_end
pass
