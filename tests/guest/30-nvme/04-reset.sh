#!/bin/sh
# timeout: 400
# A controller reset the driver performs (sysfs reset_controller) while
# O_DIRECT I/O runs from four threads: the reset completes, the controller
# is live again and the I/O finishes without an error and reads back
# intact.  Three resets in a row, then a file system survives one too, and
# I/O goes on after a PCI function reset.
#
# QEMU 7.2's controller is reset between I/O runs instead: reset in the
# middle of I/O it loses commands (they time out, Abort reports success,
# and they time out again after every reset the driver then does), which
# hangs the writer for good.
. /pciem/tests/lib.sh
. /pciem/tests/30-nvme/nvme-lib.sh

# reset_ctrl WHO CTRL N
reset_ctrl() {
	echo 1 > /sys/class/nvme/$2/reset_controller || fail "$1: reset_controller"
	wait_for "[ \$(cat /sys/class/nvme/$2/state) = live ]" 30 ||
		fail "$1: not live after reset $3: $(cat /sys/class/nvme/$2/state)"
	echo "ok: $1: live after reset $3"
}

reset_between_io() {
	who=$1 disk=$2 ctrl=$3
	check nvme_io rw /dev/$disk --threads 4 --count 300 --seed 20 --span 33554432
	for n in 1 2 3; do
		reset_ctrl $who $ctrl $n
	done
	check nvme_io rw /dev/$disk --threads 4 --count 300 --seed 21 --span 33554432
	check nvme_io verify /dev/$disk --threads 4 --count 300 --seed 21 --span 33554432
}

reset_during_io() {
	who=$1 disk=$2 ctrl=$3
	if [ $who = qemu ]; then
		reset_between_io "$@"
		return
	fi
	nvme_io rw /dev/$disk --threads 4 --count 1500 --seed 21 --span 33554432 >io.$who 2>&1 &
	io=$!
	sleep 1
	for n in 1 2 3; do
		reset_ctrl $who $ctrl $n
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
	sync
	reset_ctrl $who $ctrl 4
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

# A PCI function reset (sysfs "reset": Function Level Reset for ours): the
# driver quiesces, the function resets, the driver brings the controller
# back, I/O goes on.
fn_reset() {
	who=$1 disk=$2 ctrl=$3
	pci=$(readlink -f /sys/class/nvme/$ctrl/device)
	info "$who: reset methods: $(cat $pci/reset_method 2>/dev/null)"
	echo 1 > $pci/reset || fail "$who: function reset"
	wait_for "[ \$(cat /sys/class/nvme/$ctrl/state) = live ]" 30 || fail "$who: not live after the function reset"
	echo "ok: $who: live after a function reset"
	check nvme_io rw /dev/$disk --threads 2 --count 100 --seed 22 --span 33554432
}

nvme_begin
nvme_start_ours "$NVME_FILE"
for_both reset_during_io
for_both fs_reset
for_both fn_reset
nvme_end
pass
