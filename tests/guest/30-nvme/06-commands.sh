#!/bin/sh
# timeout: 300
# Commands the driver does not send on its own, through the passthrough
# ioctls: bad commands get the NVMe status the specification gives them
# (printed for QEMU's controller as well, and held to the same code where
# QEMU follows the specification), log pages and features answer;
# Dataset Management (deallocate) and Write Zeroes leave zeroes on the
# namespace and holes in FILE; a --read-only namespace refuses writes
# with "Namespace is Write Protected".
. /pciem/tests/lib.sh
. /pciem/tests/30-nvme/nvme-lib.sh

# st WHO DEV KIND OPC [NSID CDW10 CDW11 CDW12 LEN]: the status word.
st() {
	_who=$1
	shift
	_r=$(nvme_io "$@") || fail "$_who: nvme_io $*"
	echo "$_r"
}

# expect WHAT WHO EXPECTED KIND DEV OPC ...: compare the status (and DNR).
expect() {
	_what=$1 _who=$2 _want=$3
	shift 3
	_r=$(st "$_who" "$@")
	_s=$(echo "$_r" | cut -d' ' -f2-3 | sed 's/ result.*//')
	check_eq "$_who: $_what" "$_want" "$_s"
}

spec() {
	who=$1 disk=$2 ctrl=$3 C=/dev/$3 D=/dev/$2
	# Admin commands.
	expect "reserved admin opcode 0x3f" $who "0x001 dnr" admin $C 0x3f
	expect "Identify, reserved CNS 0x1f" $who "0x002 dnr" admin $C 0x06 0 0x1f 0 0 4096
	expect "Identify controller" $who "0x000" admin $C 0x06 0 0x01 0 0 4096
	expect "Identify namespace 1" $who "0x000" admin $C 0x06 1 0x00 0 0 4096
	expect "Identify active namespace list" $who "0x000" admin $C 0x06 0 0x02 0 0 4096
	expect "Create I/O CQ with queue ID 0" $who "0x101 dnr" admin $C 0x05 0 0x00ff0000 1 0 4096
	expect "Delete I/O SQ 0" $who "0x101 dnr" admin $C 0x00 0 0
	expect "Get Features, reserved FID 0x7f" $who "0x002 dnr" admin $C 0x0a 0 0x7f
	expect "Get Log Page SMART (512 bytes)" $who "0x000" admin $C 0x02 0xffffffff 0x007f0002 0 0 512
	expect "Get Log Page error information" $who "0x000" admin $C 0x02 0 0x000f0001 0 0 64
	expect "Get Log Page firmware slots" $who "0x000" admin $C 0x02 0 0x007f0003 0 0 512
	expect "Get Features volatile write cache" $who "0x000" admin $C 0x0a 0 0x06
	expect "Get Features number of queues" $who "0x000" admin $C 0x0a 0 0x07
	# I/O commands.
	nsze=$(($(cat /sys/block/$disk/size) * 512 / $(cat /sys/block/$disk/queue/logical_block_size)))
	expect "Read past the end" $who "0x080 dnr" io $D 0x02 1 $nsze 0 0 4096
	expect "Read straddling the end" $who "0x080 dnr" io $D 0x02 1 $((nsze - 1)) 0 1 8192
	expect "Read of the last block" $who "0x000" io $D 0x02 1 $((nsze - 1)) 0 0 4096
	expect "reserved I/O opcode 0x7e" $who "0x001 dnr" io $D 0x7e 1
	expect "Flush" $who "0x000" io $D 0x00 1
}

ours_only() {
	who=ours C=/dev/$OUR_CTRL D=/dev/$OUR_DISK
	# Where QEMU 7.2 answers otherwise, the specification's status.
	expect "Delete I/O CQ 0 (QEMU: 0x100)" $who "0x101 dnr" admin $C 0x04 0 0
	expect "Get Log Page, unsupported log 0x7f (Invalid Log Page)" $who "0x109 dnr" admin $C 0x02 0 0x000f007f 0 0 64
	expect "Identify namespace 2 (beyond NN)" $who "0x00b dnr" admin $C 0x06 2 0x00 0 0 4096
	expect "Create I/O SQ 4 on CQ 4, which does not exist" $who "0x100 dnr" admin $C 0x01 0 0x003f0004 0x40001 0 4096
	expect "Create I/O CQ 4 with interrupt vector 100" $who "0x108 dnr" admin $C 0x05 0 0x003f0004 0x640003 0 4096
	expect "Create I/O SQ 1, in use" $who "0x101 dnr" admin $C 0x01 0 0x003f0001 0x10001 0 4096
	r=$(st $who admin $C 0x08 0 0xffff0000)
	check_eq "Abort of an unknown command: not aborted" "status 0x000 result 0x00000001" "$r"
	r=$(st $who admin $C 0x0a 0 0x07)
	check_eq "Number of Queues (4 offered)" "status 0x000 result 0x00030003" "$r"
}

nvme_begin
nvme_start_ours "$NVME_FILE"
for_both spec
ours_only

info "Dataset Management (deallocate) and Write Zeroes"
D=/dev/$OUR_DISK
dd if=/dev/urandom of=$D bs=1M count=8 oflag=direct 2>/dev/null || fail "filling"
sync
before=$(stat -c %b "$NVME_FILE")
check nvme_io discard $D 1048576 4194304
check nvme_io zeroout $D 6291456 1048576
# (Measured before anything reads the holes: on tmpfs a read through
# pciem-nvme's mapping of FILE fills a hole with a page of zeroes.)
after=$(stat -c %b "$NVME_FILE")
echo 3 > /proc/sys/vm/drop_caches
zero=$(dd if=/dev/zero bs=1M count=4 2>/dev/null | md5sum)
check_eq "deallocated range reads zeroes" "$zero" "$(dd if=$D bs=1M skip=1 count=4 iflag=direct 2>/dev/null | md5sum)"
check_eq "FILE holds zeroes there" "$zero" "$(dd if=$NVME_FILE bs=1M skip=1 count=4 2>/dev/null | md5sum)"
zero1=$(dd if=/dev/zero bs=1M count=1 2>/dev/null | md5sum)
check_eq "zeroed range reads zeroes" "$zero1" "$(dd if=$D bs=1M skip=6 count=1 iflag=direct 2>/dev/null | md5sum)"
info "FILE: $before blocks allocated before, $after after"
[ "$after" -lt "$before" ] || fail "no hole punched in FILE"
nvme_stop_ours

info "read-only namespace"
nvme_start_ours --read-only "$NVME_FILE"
check_eq "read-only disk" 1 "$(cat /sys/block/$OUR_DISK/ro)"
expect "Write to a write-protected namespace" ours "0x020 dnr" io /dev/$OUR_DISK 0x01 1 0 0 0 4096
expect "Read from it" ours "0x000" io /dev/$OUR_DISK 0x02 1 0 0 0 4096
dd if=/dev/$OUR_DISK of=/dev/null bs=1M count=4 2>/dev/null || fail "reading a read-only namespace"
nvme_end
pass
