#!/bin/sh
# timeout: 400
# A file system on each controller: mke2fs (ext4; ext2 if the VM has only
# busybox's), mount, write files, sync,
# unmount, drop caches, mount again and verify every checksum; e2fsck finds
# it clean.  pciem-nvme is then stopped (SIGTERM: the driver shuts the
# controller down, FILE is flushed) and started again on the same FILE: the
# files are still there.
. /pciem/tests/lib.sh
. /pciem/tests/30-nvme/nvme-lib.sh

MNT=$PCIEM_TMP/mnt
mkdir -p "$MNT" data
i=0
for size in 1 7 300 2048 5000; do
	dd if=/dev/urandom of=data/f$i bs=1K count=$size 2>/dev/null || fail "making data"
	i=$((i + 1))
done
(cd data && md5sum f*) > sums

writefs() {
	who=$1 disk=$2
	mkfs_dev /dev/$disk
	check mount -t $FSTYPE /dev/$disk "$MNT"
	mkdir -p "$MNT/d/e"
	cp data/f* "$MNT/d/e/" || fail "$who: copying files"
	# A file larger than the page cache would like to keep.
	dd if=/dev/urandom of="$MNT/big" bs=1M count=24 2>/dev/null || fail "$who: big file"
	md5sum <"$MNT/big" | cut -d' ' -f1 > big.$who
	sync
	check umount "$MNT"
	echo 3 > /proc/sys/vm/drop_caches
}

verifyfs() {
	who=$1 disk=$2
	check mount -t $FSTYPE /dev/$disk "$MNT"
	(cd "$MNT/d/e" && md5sum -c "$PCIEM_TMP/sums") || fail "$who: checksums differ"
	check_eq "$who: big file" "$(cat big.$who)" "$(md5sum <"$MNT/big" | cut -d' ' -f1)"
	check umount "$MNT"
	fsck_dev $who /dev/$disk
}

both() {
	writefs "$@"
	verifyfs "$@"
}

nvme_begin
nvme_start_ours --size 128M "$NVME_FILE"
for_both both

info "restarting pciem-nvme on the same file"
nvme_stop_ours
nvme_start_ours "$NVME_FILE"
check_eq "namespace size after restart (sectors)" 262144 "$(cat /sys/block/$OUR_DISK/size)"
verifyfs ours "$OUR_DISK"
nvme_end
pass
