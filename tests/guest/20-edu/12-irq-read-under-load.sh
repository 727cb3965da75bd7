#!/bin/sh
# timeout: 300
# Interrupt handlers that read the device while every CPU is busy.
#
# edu_test's handler reads the interrupt status (0x24) and acknowledges
# what it read.  On pciem-edu that read is answered by the emulator, a
# userspace process, while the handler waits for it with interrupts off.
# The scheduler must never leave the emulator queued behind that wait
# (pciem's wake_away, kernel/pciem/events.c): a CPU spinning in an interrupt
# on top of its idle task looks idle to the wake-up path, and before that
# was handled about one read in three timed out here under load.
#
# For a hard-irq and a threaded handler, with no load, with one CPU-bound
# process and with one per CPU: ROUNDS rounds of 16 MSIs raised one at a
# time, each round exactly "16 calls, no empty call, all 16 bits seen", and
# no read that went unanswered (pciem's kernel log line).
# Same checks, same expectations, QEMU's edu and pciem-edu.
. /pciem/tests/lib.sh
. /pciem/tests/20-edu/edu-lib.sh

ROUNDS=25
HOGS=
stop_hogs() {
	for h in $HOGS; do
		kill "$h" 2>/dev/null
		wait "$h" 2>/dev/null
	done
	HOGS=
}
start_hogs() {
	_i=0
	while [ $_i -lt "$1" ]; do
		(while :; do :; done) &
		HOGS="$HOGS $!"
		_i=$((_i + 1))
	done
}

under_load() {
	who=$1 a=$2
	before=$(unanswered_reads)
	for hogs in 0 1 $(grep -c ^processor /proc/cpuinfo); do
		start_hogs $hogs
		for kind in hard thread; do
			e $a irq msi $kind ack >/dev/null
			bad=0 r=0 last=
			while [ $r -lt $ROUNDS ]; do
				e $a clear >/dev/null
				st=$(e $a raise 16)
				[ "$st" = "16 0 0xffff" ] || { bad=$((bad + 1)); last=$st; }
				r=$((r + 1))
			done
			e $a irq none >/dev/null
			check_eq "$who: $kind handler, $hogs CPU hogs: rounds of 16 raises not '16 0 0xffff'${last:+ (last: $last)}" 0 "$bad"
		done
		stop_hogs
	done
	check_eq "$who: reads left unanswered" "$before" "$(unanswered_reads)"
	reg $who $a 4 0x24 0 "interrupt status"
}

edu_begin
trap 'stop_hogs; _edu_cleanup' EXIT
for_both under_load
edu_end
pass
