#!/bin/sh
# Eight emulated functions at once, in both bus modes, each where it should
# be; all gone after their emulators end; and the same again.
. /pciem/tests/lib.sh
. /pciem/tests/pciem-lib.sh
load_pciem

for round in 1 2; do
	pids="" addrs=""
	for i in 0 1 2 3 4 5 6 7; do
		mode=""
		[ $((i % 2)) -eq 1 ] && mode=--attach
		start_dev $mode --vendor 0x1b36 --device $(printf '0x%04x' $((0x100 + i))) \
			--bar 0:$((4 << i))K --cap pcie
		pids="$pids $DEV_PID"
		addrs="$addrs $DEV_ADDR"
		check_eq "device ID of $DEV_ADDR" $(printf '0x%04x' $((0x100 + i))) "$(cat $DEV_SYSFS/device)"
	done
	info "round $round:$addrs"
	check_eq "distinct addresses" 8 "$(echo $addrs | tr ' ' '\n' | sort -u | wc -l)"
	check_eq "devices listed by lspci" 8 "$(lspci -n | grep -c '1b36:01')"
	set -- $addrs
	for pid in $pids; do
		stop_dev $pid $1
		shift
	done
	check_eq "devices left" 0 "$(lspci -n | grep -c '1b36:01')"
done
pass
