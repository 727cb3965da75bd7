#!/bin/sh
# timeout: 400
# O_DIRECT random 4 KiB writes, each read back at once, from four threads
# at the same time (so several I/O queues are busy together), then all of
# them read back again; a second run with another seed over the same blocks
# overwrites every one (pciem-nvme also from sixteen threads).  QEMU's
# controller and pciem-nvme, the latter also
# with 4096-byte logical blocks and with a single I/O queue.
. /pciem/tests/lib.sh
. /pciem/tests/30-nvme/nvme-lib.sh

rw() {
	who=$1 disk=$2
	check nvme_io rw /dev/$disk --threads 4 --count 300 --seed 11 --span 16777216
	check nvme_io rw /dev/$disk --threads 4 --count 300 --seed 12 --span 16777216
	check nvme_io verify /dev/$disk --threads 4 --count 300 --seed 12 --span 16777216
}

nvme_begin
nvme_start_ours "$NVME_FILE"
for_both rw
# Sixteen threads: deeper queues, completions posted in batches.
check nvme_io rw /dev/$OUR_DISK --threads 16 --count 100 --seed 13 --span 33554432
# Spread over the CPUs' queues: both I/O queues took commands.
for q in /sys/block/$OUR_DISK/mq/*; do
	info "queue $(basename $q): dispatched $(cat $q/*/dispatched 2>/dev/null | head -1)"
done
nvme_stop_ours

info "4096-byte logical blocks"
rm -f "$NVME_FILE"
nvme_start_ours --block-size 4096 "$NVME_FILE"
check_eq "logical block size" 4096 "$(cat /sys/block/$OUR_DISK/queue/logical_block_size)"
rw ours "$OUR_DISK"
nvme_stop_ours

info "one I/O queue"
nvme_start_ours --queues 1 "$NVME_FILE"
check_eq "I/O queues" 1 "$(ls -d /sys/block/$OUR_DISK/mq/* | wc -l)"
rw ours "$OUR_DISK"
nvme_end
pass
