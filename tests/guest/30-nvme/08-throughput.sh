#!/bin/sh
# timeout: 400
# Throughput of both controllers in the same VM, same run: sequential
# 1 MiB O_DIRECT writes and reads (32 MiB), 4 KiB O_DIRECT reads one at a
# time (dd) and random 4 KiB reads from four threads (nvme_io randread);
# pciem-nvme also without shadow doorbells, with --stats showing where its
# work went.  Informational (printed, not judged): under TCG the numbers say
# more about the emulation than about either controller.  Fails only if
# I/O does.
# (The kernel copies pciem's DMA with "rep movsb" when the CPU has ERMS or
# FSRM, which TCG runs a byte at a time: PCIEM_VM_APPEND="clearcpuid=erms,fsrm"
# makes pciem-nvme's transfers about three times faster.)
. /pciem/tests/lib.sh
. /pciem/tests/30-nvme/nvme-lib.sh

# cs CMD...: wall time of CMD in centiseconds (fails if CMD fails).
cs() {
	_t0=$(cut -d' ' -f1 /proc/uptime)
	"$@" >/dev/null 2>&1 || fail "$*"
	_t1=$(cut -d' ' -f1 /proc/uptime)
	echo "$_t0 $_t1" | awk '{ printf "%d", ($2 - $1) * 100 }'
}

rate() {
	# MiB/s from MiB and centiseconds
	echo "$1 $2" | awk '{ if ($2 < 1) $2 = 1; printf "%.1f", $1 * 100 / $2 }'
}

measure() {
	who=$1 disk=$2
	w=$(cs dd if=/dev/zero of=/dev/$disk bs=1M count=32 oflag=direct)
	r=$(cs dd if=/dev/$disk of=/dev/null bs=1M count=32 iflag=direct)
	r4=$(cs dd if=/dev/$disk of=/dev/null bs=4k count=2048 iflag=direct)
	iops=$(nvme_io randread /dev/$disk --threads 4 --count 1000 --span 33554432 | sed -n 's/.* s, \([0-9]*\) IOPS.*/\1/p')
	[ -n "$iops" ] || fail "$who: randread"
	echo "$who: write 1M $(rate 32 $w) MiB/s, read 1M $(rate 32 $r) MiB/s, read 4K QD1 $(rate 8 $r4) MiB/s, random 4K reads x4 $iops IOPS" | tee -a rates
}

nvme_begin
nvme_start_ours --size 64M --stats "$NVME_FILE"
# The first writes allocate FILE's pages; measure with them in place.
dd if=/dev/zero of=/dev/$OUR_DISK bs=1M count=32 oflag=direct 2>/dev/null
for_both measure
: >"$PCIEM_TMP/nvme.err"
nvme_stop_ours
cat "$PCIEM_TMP/nvme.err"
nvme_start_ours --stats --no-shadow-doorbells "$NVME_FILE"
measure "ours without shadow doorbells" "$OUR_DISK"
info "rates:"
cat rates
nvme_end
pass
