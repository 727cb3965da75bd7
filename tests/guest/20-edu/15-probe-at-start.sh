#!/bin/sh
# A driver that talks to its device in probe binds as the device starts:
# pciem runs drivers' probes after START has returned, while the emulator
# serves.  edu_test reads the identification register and checks liveness
# (writes a value, reads back its inverse) in probe, and matches pciem-edu
# --subsystem 1234:5ed0 by ID, so it probes the function as soon as it is
# on the bus.  Were
# the probe run inside the emulator's START ioctl, nobody would answer those
# reads and the probe would fail.
. /pciem/tests/lib.sh
. /pciem/tests/pciem-lib.sh

load_pciem
insmod "$PCIEM_MODULES/edu_test.ko" || fail "insmod edu_test"
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid"
	rmmod edu_test 2>/dev/null
}
trap cleanup EXIT

for mode in virtual attach; do
	opt=
	[ $mode = attach ] && opt=--attach
	rm -f "$PCIEM_TMP/edu.out"	# not the last round's address
	pciem-edu $opt --subsystem 1234:5ed0 >"$PCIEM_TMP/edu.out" 2>"$PCIEM_TMP/edu.err" &
	pid=$!
	wait_for "[ -s $PCIEM_TMP/edu.out ]" 30 || { cat "$PCIEM_TMP/edu.err"; fail "$mode: pciem-edu did not start"; }
	addr=$(head -n 1 "$PCIEM_TMP/edu.out")
	# pciem-edu prints its address once the probe is over.
	check_eq "$mode: driver when pciem-edu reports the device" edu_test \
		"$(driver_of /sys/bus/pci/devices/$addr)"
	dmesg | grep -q "$addr: edu_test bound" || fail "$mode: edu_test's probe did not finish"
	echo "r4 4" >/sys/kernel/debug/edu_test/$addr || fail "$mode: read liveness"
	check_eq "$mode: liveness after probe" $((0xa112edcb)) \
		"$(($(cat /sys/kernel/debug/edu_test/$addr)))"
	kill "$pid"
	wait "$pid" || fail "$mode: pciem-edu exit status $?"
	pid=
	wait_for "[ ! -e /sys/bus/pci/devices/$addr ]" 20 || fail "$mode: $addr stayed"
done
rmmod edu_test || fail "rmmod edu_test"
trap - EXIT
unload_pciem
pass
