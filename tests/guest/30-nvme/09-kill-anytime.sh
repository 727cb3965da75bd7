#!/bin/sh
# timeout: 600
# pciem-nvme killed (SIGKILL) at a random moment, 60 times (30 on the debug
# kernel): while the nvme driver probes it, during direct I/O, during
# controller resets, and while sysfs removes it.  Each time the controller
# leaves the bus and whatever was using it ends; nothing warns or hangs.  At the end the BAR pool is
# empty, QEMU's controller still reads, and pciem.ko unloads.
. /pciem/tests/lib.sh
. /pciem/tests/30-nvme/nvme-lib.sh

nvme_begin
# A controller reset in flight when the emulator dies has admin commands
# (Delete SQ/CQ) outstanding under the driver's shutdown lock, and waits
# for them until the nvme driver's admin timeout (60 s), as it would for a
# real controller pulled in the middle of a reset; meanwhile the removal
# waits for that lock.  10 s keeps such a wait short of the hung-task
# detector's 20 s.
at=$(cat /sys/module/nvme_core/parameters/admin_timeout)
echo 10 > /sys/module/nvme_core/parameters/admin_timeout
rounds=$(rounds 60)
i=0
while [ $i -lt $rounds ]; do
	phase=$(random_below 4)
	delay=$(random_below 2).$(random_below 10)
	bg=
	case $phase in
	0)	what="probe"
		rm -f "$PCIEM_TMP/nvme.out"
		pciem-nvme "$NVME_FILE" >"$PCIEM_TMP/nvme.out" 2>>"$PCIEM_TMP/nvme.err" &
		OUR_PID=$!
		wait_for "[ -s $PCIEM_TMP/nvme.out ]" 30 || fail "pciem-nvme did not start"
		OUR_ADDR=$(head -n 1 "$PCIEM_TMP/nvme.out")
		OUR_PCI=/sys/bus/pci/devices/$OUR_ADDR
		delay=0.$(random_below 10)
		;;
	1)	what="direct I/O"
		nvme_start_ours >/dev/null
		(while dd if=/dev/$OUR_DISK of=/dev/null bs=1M count=16 iflag=direct 2>/dev/null &&
			dd if=/dev/zero of=/dev/$OUR_DISK bs=64k count=64 oflag=direct 2>/dev/null; do :; done) &
		bg=$!
		;;
	2)	what="controller resets"
		nvme_start_ours >/dev/null
		(while echo 1 > /sys/class/nvme/$OUR_CTRL/reset_controller; do sleep 0.1; done) 2>/dev/null &
		bg=$!
		;;
	3)	what="sysfs remove"
		nvme_start_ours >/dev/null
		(echo 1 > $OUR_PCI/remove) 2>/dev/null &
		bg=$!
		;;
	esac
	sleep $delay
	echo "round $i: killing pciem-nvme after ${delay}s of $what"
	# After a sysfs remove pciem-nvme may have ended by itself (EPIPE).
	stop_dev $OUR_PID $OUR_ADDR KILL 60
	OUR_PID=
	if [ -n "$bg" ]; then
		wait_for "! kill -0 $bg 2>/dev/null" 60 || fail "round $i: the $what did not end after the kill"
		wait $bg 2>/dev/null
	fi
	i=$((i + 1))
done
check_eq "BARs claimed in the pool afterwards" 0 "$(pool_entries | wc -l)"
check dd if=/dev/$QEMU_DISK of=/dev/null bs=1M count=4 iflag=direct
echo $at > /sys/module/nvme_core/parameters/admin_timeout
nvme_end
pass
