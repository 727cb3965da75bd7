#!/bin/sh
# The demo run by `make demo` (vm/demo.sh) inside the test VM, as
# /pciem/demo.sh.  The showcase: an NVMe controller emulated by a userspace
# program (pciem-nvme, examples/nvme) on which Linux's own, unmodified nvme
# driver puts an ext4 file system and does real I/O, side by side with the
# NVMe controller QEMU emulates in the same VM.

IMG=/tmp/demo/disk.img		# where our controller keeps its data
MNT=/tmp/demo/mnt
MIB=64				# MiB moved by each sequential throughput run
RR=1000				# random reads per thread (4 threads)

n=0
step() {
	n=$((n + 1))
	echo
	echo "==== $n. $1"
	shift
	for l in "$@"; do
		echo "     $l"
	done
	echo
}
run() {
	echo "# $*"
	"$@"
}
die() {
	echo
	echo "demo stopped: $*"
	[ -s /tmp/demo/nvme.err ] && cat /tmp/demo/nvme.err
	grep -q " $MNT " /proc/mounts && umount "$MNT"
	[ -n "$NVME_PID" ] && kill "$NVME_PID" 2>/dev/null && wait "$NVME_PID"
	exit 1
}
# wait_until SECONDS CMD...: poll CMD every 0.1 s.
wait_until() {
	_n=$(($1 * 10))
	shift
	while ! "$@" 2>/dev/null; do
		_n=$((_n - 1))
		[ $_n -le 0 ] && return 1
		sleep 0.1
	done
}
ctrl_of() { # the nvme controller (nvme0) of a PCI address
	for _c in /sys/bus/pci/devices/"$1"/nvme/nvme*; do
		[ -e "$_c" ] && basename "$_c" && return 0
	done
	return 1
}
has_disk() { [ -b "/dev/${1}n1" ]; }
is_live() { [ "$(cat /sys/class/nvme/"$1"/state)" = live ]; }
nonempty() { [ -s "$1" ]; }
gone() { [ ! -e "$1" ]; }
# seqio seqread|seqwrite DISK: MiB/s of $MIB MiB in 1 MiB O_DIRECT transfers
# (what dd bs=1M iflag/oflag=direct does), timed with a microsecond clock:
# QEMU's controller needs only a few hundredths of a second for them.
seqio() {
	_r=$(nvme_io "$1" "/dev/$2" $MIB | sed -n 's/.* s, \([0-9]*\)\.[0-9]* MiB\/s$/\1/p')
	[ -n "$_r" ] || die "$1 on /dev/$2 failed"
	echo "$_r"
}
ratio() { echo "$1 $2" | awk '{ printf "%.2f", $1 / $2 }'; }
iops() {
	nvme_io randread "/dev/$1" --threads 4 --count $RR --span $((MIB * 1048576)) |
		sed -n 's/.* s, \([0-9]*\) IOPS.*/\1/p'
}

mkdir -p /tmp/demo "$MNT"
echo "pciem demo: an NVMe disk emulated by a userspace program, used by the"
echo "unmodified nvme driver of Linux $(uname -r), in a QEMU VM."

step "The PCI devices the VM has before we start" \
	"All emulated by QEMU: the q35 chipset, QEMU's 'edu' teaching device and" \
	"QEMU's own NVMe controller (1b36:0010), which we will compare against."
run lspci -nn

step "Load the kernel modules" \
	"pciem.ko lets a userspace program plug in a PCIe device.  The device's BARs" \
	"live in memory the kernel does not use: a range hidden with mem=, or, with" \
	"no parameter, memory blocks pciem.ko takes from the running kernel until" \
	"it unloads.  nvme is Linux's own NVMe driver; it takes QEMU's disk at once."
[ -f /pciem/modules/pciem.ko ] || die "/pciem/modules/pciem.ko is not built yet"
# shellcheck disable=SC2046  # no parameter, or one
run insmod /pciem/modules/pciem.ko $([ -n "$PCIEM_POOL" ] && echo pciem_phys_region="$PCIEM_POOL") ||
	die "insmod failed"
run modprobe nvme || die "modprobe nvme failed"
wait_until 5 test -c /dev/pciem || die "/dev/pciem did not appear"
QEMU_ADDR=
for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor"):$(cat "$d/device")" = 0x1b36:0x0010 ] && QEMU_ADDR=$(basename "$d")
done
wait_until 20 ctrl_of "$QEMU_ADDR" >/dev/null || die "the nvme driver did not take QEMU's controller"
QEMU_CTRL=$(ctrl_of "$QEMU_ADDR")
wait_until 20 has_disk "$QEMU_CTRL" || die "QEMU's controller has no disk"
QEMU_DISK=${QEMU_CTRL}n1
echo "QEMU's controller: $QEMU_ADDR -> /dev/$QEMU_CTRL, disk /dev/$QEMU_DISK"

step "Start the emulated NVMe controller, from userspace" \
	"pciem-nvme is an ordinary program: it describes an NVMe controller to" \
	"pciem.ko, answers the driver's register writes and commands, and keeps" \
	"the disk's blocks in a plain file ($IMG, 256 MiB)." \
	"It stays running: it *is* the controller.  It prints the PCI address" \
	"the kernel gave it."
command -v pciem-nvme >/dev/null || die "pciem-nvme is not built yet"
echo "# pciem-nvme --size 256M --serial pciem-demo --model 'pciem demo NVMe' $IMG &"
pciem-nvme --size 256M --serial pciem-demo --model 'pciem demo NVMe' "$IMG" \
	>/tmp/demo/nvme.out 2>/tmp/demo/nvme.err &
NVME_PID=$!
wait_until 30 nonempty /tmp/demo/nvme.out || die "pciem-nvme did not start"
ADDR=$(head -n 1 /tmp/demo/nvme.out)
echo "pciem-nvme (pid $NVME_PID) says: $ADDR"
wait_until 30 ctrl_of "$ADDR" >/dev/null || die "the nvme driver did not take $ADDR"
CTRL=$(ctrl_of "$ADDR")
wait_until 60 has_disk "$CTRL" || die "$CTRL has no disk"
wait_until 30 is_live "$CTRL" || die "$CTRL is not live"
DISK=${CTRL}n1

step "lspci: two NVMe controllers now" \
	"1b36:0010 is QEMU's; 1b36:00f1 at $ADDR is ours, on a PCI bus of its own."
run lspci -nn
echo
run lspci -k -s "$ADDR"

step "The nvme driver took our controller" \
	"What the kernel logged, and what the driver read from our Identify data."
echo "# dmesg | grep nvme"
dmesg | grep -E "nvme|${ADDR#0000:}" | sed 's/^\[ *[0-9.]*\] //'
echo
for c in /sys/class/nvme/nvme*; do
	echo "# cat $c/model $c/serial $c/address"
	echo "  $(basename "$c"): model '$(cat "$c/model" | sed 's/ *$//')', serial '$(cat "$c/serial" | sed 's/ *$//')', at $(cat "$c/address")"
done
echo
echo "# grep nvme /proc/partitions   (size in KiB)"
grep nvme /proc/partitions

step "Make an ext4 file system on our disk and mount it"
run /usr/sbin/mke2fs -q -F -t ext4 -L pciem-demo "/dev/$DISK" || die "mke2fs failed"
run mount -t ext4 "/dev/$DISK" "$MNT" || die "mount failed"
run df -h "$MNT"

step "Write files, and remember their checksums"
run mkdir -p "$MNT/photos" "$MNT/docs"
dd if=/dev/urandom of="$MNT/photos/holiday.raw" bs=1M count=16 2>/dev/null || die "writing failed"
dd if=/dev/urandom of="$MNT/docs/report.bin" bs=1K count=300 2>/dev/null || die "writing failed"
echo "hello from an emulated NVMe disk" >"$MNT/docs/hello.txt"
echo "# (16 MiB and 300 KiB of random data, and a line of text)"
run ls -lR "$MNT/photos" "$MNT/docs"
(cd "$MNT" && md5sum photos/holiday.raw docs/report.bin docs/hello.txt) >/tmp/demo/sums
echo "# md5sum ..."
cat /tmp/demo/sums

step "Unmount, forget every cached page, mount again and verify" \
	"After drop_caches nothing is in memory: every byte below comes back" \
	"from pciem-nvme through the nvme driver."
run umount "$MNT" || die "umount failed"
echo "# echo 3 > /proc/sys/vm/drop_caches"
echo 3 >/proc/sys/vm/drop_caches
run mount -t ext4 "/dev/$DISK" "$MNT" || die "mount failed"
run cat "$MNT/docs/hello.txt"
echo "# md5sum -c"
(cd "$MNT" && md5sum -c /tmp/demo/sums) || die "checksums differ"
run umount "$MNT" || die "umount failed"

step "Throughput: our controller beside QEMU's" \
	"Same VM, same driver, raw disks with O_DIRECT (no page cache; this" \
	"overwrites the file system, the demo is done with it):" \
	"$MIB MiB in 1 MiB writes and reads, and random 4 KiB reads from" \
	"4 threads.  Everything here is emulated by QEMU's TCG without KVM," \
	"so the absolute numbers are small; the ratio is what matters."
# Both disks written once first, so that no timed write allocates space.
for d in "$QEMU_DISK" "$DISK"; do
	dd if=/dev/zero of=/dev/$d bs=1M count=$MIB oflag=direct 2>/dev/null || die "writing /dev/$d failed"
done
qw=$(seqio seqwrite "$QEMU_DISK")
ow=$(seqio seqwrite "$DISK")
qr=$(seqio seqread "$QEMU_DISK")
or=$(seqio seqread "$DISK")
qi=$(iops "$QEMU_DISK")
oi=$(iops "$DISK")
[ -n "$qi" ] && [ -n "$oi" ] || die "random reads failed"
printf '  %-34s %12s %12s %7s\n' "" "pciem-nvme" "QEMU nvme" "ratio"
printf '  %-34s %12s %12s %6sx\n' "sequential write, 1 MiB (MiB/s)" "$ow" "$qw" "$(ratio "$ow" "$qw")"
printf '  %-34s %12s %12s %6sx\n' "sequential read, 1 MiB (MiB/s)" "$or" "$qr" "$(ratio "$or" "$qr")"
printf '  %-34s %12s %12s %6sx\n' "random 4 KiB reads (IOPS)" "$oi" "$qi" "$(ratio "$oi" "$qi")"
echo "  (bench/RESULTS.md has the measured medians and where the time goes)"

step "Unplug: stop the emulator" \
	"SIGTERM: pciem-nvme lets the driver shut the controller down cleanly," \
	"flushes $IMG and leaves the bus.  Our disk and controller" \
	"go away; QEMU's stay."
klines=$(dmesg | wc -l)
run kill -TERM "$NVME_PID"
wait "$NVME_PID"
st=$?
NVME_PID=
echo "pciem-nvme exited with status $st"
wait_until 30 gone "/sys/bus/pci/devices/$ADDR" || die "$ADDR is still there"
echo "# dmesg   (what the kernel logged since the kill)"
dmesg | sed -n "$((klines + 1)),\$p" | sed 's/^\[ *[0-9.]*\] //'
echo
run ls /sys/class/nvme
echo "# grep nvme /proc/partitions"
grep nvme /proc/partitions
run lspci -nn -d ::0108
run rmmod pciem || die "rmmod pciem failed"
echo
echo "demo finished"
