#!/bin/sh
# timeout: 400
# pciem-nvme killed (SIGKILL) while four threads write to it, each flushing
# (fdatasync) every 8 writes and logging what is durable: the controller
# leaves the bus, the driver fails the I/O in flight and what follows
# (the writer ends with errors), nothing warns or hangs.  pciem-nvme started
# again on the same FILE has every write that was flushed before the kill.
. /pciem/tests/lib.sh
. /pciem/tests/30-nvme/nvme-lib.sh

nvme_begin
nvme_start_ours "$NVME_FILE"
a=$OUR_ADDR
nvme_io write /dev/$OUR_DISK --threads 4 --count 0 --sync 8 --seed 31 --log durable.log >io.out 2>&1 &
io=$!
sleep 3
[ -s durable.log ] || fail "nothing made durable within 3 s"
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
nvme_end
pass
