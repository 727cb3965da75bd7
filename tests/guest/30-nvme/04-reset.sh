#!/bin/sh
# timeout: 400
# A controller reset the driver performs (sysfs reset_controller) while
# O_DIRECT I/O runs from four threads: the reset completes, the controller
# is live again and the I/O finishes without an error and reads back
# intact.  Three resets in a row, then a file system survives one too.
. /pciem/tests/lib.sh
. /pciem/tests/30-nvme/nvme-lib.sh

reset_during_io() {
	who=$1 disk=$2 ctrl=$3
	nvme_io rw /dev/$disk --threads 4 --count 1500 --seed 21 --span 33554432 >io.$who 2>&1 &
	io=$!
	sleep 1
	for n in 1 2 3; do
		echo 1 > /sys/class/nvme/$ctrl/reset_controller || fail "$who: reset_controller"
		wait_for "[ \$(cat /sys/class/nvme/$ctrl/state) = live ]" 30 ||
			fail "$who: not live after reset $n: $(cat /sys/class/nvme/$ctrl/state)"
		echo "ok: $who: live after reset $n"
		sleep 0.5
	done
	wait $io
	st=$?
	cat io.$who
	check_eq "$who: I/O across the resets" 0 "$st"
	check nvme_io verify /dev/$disk --threads 4 --count 1500 --seed 21 --span 33554432
}

fs_reset() {
	who=$1 disk=$2 ctrl=$3
	MNT=$PCIEM_TMP/mnt
	mkdir -p "$MNT"
	mkfs_dev /dev/$disk
	check mount -t $FSTYPE /dev/$disk "$MNT"
	dd if=/dev/urandom of="$MNT/a" bs=1M count=8 2>/dev/null
	echo 1 > /sys/class/nvme/$ctrl/reset_controller || fail "$who: reset_controller"
	dd if=/dev/urandom of="$MNT/b" bs=1M count=8 2>/dev/null
	sum=$(cat "$MNT/a" "$MNT/b" | md5sum)
	sync
	wait_for "[ \$(cat /sys/class/nvme/$ctrl/state) = live ]" 30 || fail "$who: not live"
	check umount "$MNT"
	echo 3 > /proc/sys/vm/drop_caches
	check mount -t $FSTYPE /dev/$disk "$MNT"
	check_eq "$who: files written around a reset" "$sum" "$(cat "$MNT/a" "$MNT/b" | md5sum)"
	check umount "$MNT"
}

nvme_begin
nvme_start_ours "$NVME_FILE"
for_both reset_during_io
for_both fs_reset
nvme_end
pass
