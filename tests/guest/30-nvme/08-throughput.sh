#!/bin/sh
# timeout: 300
# Throughput of both controllers in the same VM, same run: sequential
# 1 MiB O_DIRECT writes and reads (32 MiB) and 4 KiB O_DIRECT reads.
# Informational (printed, not judged): under TCG the numbers say more
# about the emulation than about either controller.  Fails only if I/O does.
# (The kernel copies pciem's DMA with "rep movsb" when the CPU has ERMS or
# FSRM, which TCG runs a byte at a time: PCIEM_VM_APPEND="clearcpuid=erms,fsrm"
# makes pciem-nvme's transfers about three times faster.)
. /pciem/tests/lib.sh
. /pciem/tests/30-nvme/nvme-lib.sh

# secs CMD...: wall time of CMD in centiseconds (fails if CMD fails).
cs() {
	_t0=$(cut -d' ' -f1 /proc/uptime)
	"$@" 2>/dev/null || fail "$*"
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
	echo "$who: write 1M $(rate 32 $w) MiB/s, read 1M $(rate 32 $r) MiB/s, read 4K $(rate 8 $r4) MiB/s" | tee -a rates
}

nvme_begin
nvme_start_ours --size 64M "$NVME_FILE"
for_both measure
# Once more, now that FILE's pages exist (the first writes allocate them).
measure "ours again" "$OUR_DISK"
cat rates
nvme_end
pass
