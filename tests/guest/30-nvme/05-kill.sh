#!/bin/sh
# timeout: 400
# pciem-nvme killed (SIGKILL) while four threads write to it, each flushing
# (fdatasync) every 8 writes and logging what is durable: the controller
# leaves the bus, the driver fails the I/O in flight and what follows
# (the writer ends with errors), nothing warns or hangs.  pciem-nvme started
# again on the same FILE has every write that was flushed before the kill.
# The same with a mounted file system that is being written when the kill
# comes: it can be unmounted, and after the restart it mounts again with
# every file that was synced before the kill.
. /pciem/tests/lib.sh
. /pciem/tests/30-nvme/nvme-lib.sh

nvme_begin
# 1 GiB (sparse): the writer never gets to the end before the kill.
nvme_start_ours --size 1G "$NVME_FILE"
a=$OUR_ADDR
nvme_io write /dev/$OUR_DISK --threads 4 --count 0 --sync 8 --seed 31 --log durable.log >io.out 2>&1 &
io=$!
wait_for "[ -s durable.log ] && [ \$(wc -l <durable.log) -ge 200 ]" 30 || fail "not 200 flushes within 30 s"
kill -0 $io 2>/dev/null || { cat io.out; fail "the writer ended before the kill"; }
info "killing pciem-nvme (pid $OUR_PID) with $(wc -l <durable.log) flushes done"
kill -9 $OUR_PID
wait $OUR_PID 2>/dev/null
OUR_PID=
wait_for "[ ! -e /sys/bus/pci/devices/$a ]" 60 || fail "$a still present 60 s after the kill"
wait_for "! kill -0 $io 2>/dev/null" 60 || fail "the writer did not finish after the kill"
wait $io
st=$?
cat io.out
[ $st != 0 ] || fail "the writer saw no error"
grep -q "Input/output error\|No such device\|No such device or address" io.out || fail "no I/O error reported"
echo "ok: the writer failed with I/O errors"
[ ! -e /sys/class/nvme/$OUR_CTRL ] || fail "$OUR_CTRL still there"

info "restarting pciem-nvme on the same file"
nvme_start_ours "$NVME_FILE"
check nvme_io verify /dev/$OUR_DISK --threads 4 --count 0 --seed 31 --log durable.log

info "a mounted file system"
MNT=$PCIEM_TMP/mnt
mkdir -p "$MNT"
mkfs_dev /dev/$OUR_DISK
check mount -t $FSTYPE /dev/$OUR_DISK "$MNT"
for f in 1 2 3; do
	dd if=/dev/urandom of="$MNT/f$f" bs=64k count=$((f * 16)) 2>/dev/null || fail "writing f$f"
done
(cd "$MNT" && md5sum f1 f2 f3) > fs.sums
sync
(n=0; while [ $n -lt 2000 ] && dd if=/dev/urandom of="$MNT/junk$((n % 4))" bs=64k count=32 conv=fsync 2>/dev/null; do
	n=$((n + 1)); done; echo "$n" > fs.writes) &
writer=$!
sleep 2
a=$OUR_ADDR
info "killing pciem-nvme (pid $OUR_PID) while the file system is written"
kill -9 $OUR_PID
wait $OUR_PID 2>/dev/null
OUR_PID=
wait_for "[ ! -e /sys/bus/pci/devices/$a ]" 60 || fail "$a still present 60 s after the kill"
wait_for "! kill -0 $writer 2>/dev/null" 60 || fail "the file system writer did not stop after the kill"
info "the writer stopped after $(cat fs.writes) files"
umount "$MNT" 2>/dev/null || umount -l "$MNT" || fail "cannot unmount the dead file system"
echo "ok: unmounted"
nvme_start_ours "$NVME_FILE"
check mount -t $FSTYPE /dev/$OUR_DISK "$MNT"
(cd "$MNT" && md5sum -c "$PCIEM_TMP/fs.sums") || fail "files synced before the kill differ"
check umount "$MNT"
# With a journal (ext4) the file system is consistent again once mounted;
# ext2 (busybox's mke2fs) keeps stale bitmaps after a crash, as it would on
# any disk.
[ $FSTYPE = ext4 ] && fsck_dev ours /dev/$OUR_DISK
nvme_end
pass
