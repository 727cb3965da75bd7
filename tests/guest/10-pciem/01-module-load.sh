#!/bin/sh
# pciem.ko loads only with a usable BAR pool and parameters it understands,
# says why otherwise, and unloads cleanly when no device exists.  Without
# pciem_phys_region it takes its pool from RAM and gives it back at unload.
. /pciem/tests/lib.sh
. /pciem/tests/pciem-lib.sh
KO=/pciem/modules/pciem.ko

unload_pciem
for bad in garbage 0x70000000 0x70000000:0 0x70000001:0x100000 0x1000000:0x100000; do
	insmod $KO pciem_phys_region=$bad 2>/dev/null && fail "pciem_phys_region=$bad was accepted"
	echo "ok: pciem_phys_region=$bad refused"
done
dmesg | grep -q "overlaps System RAM" || fail "no message explaining the RAM overlap"
# shellcheck disable=SC2046
insmod $KO $(pool_param) pciem_attach_bus=zz 2>/dev/null &&
	fail "pciem_attach_bus=zz was accepted"
for bad in garbage 12Q; do
	insmod $KO pciem_pool_size=$bad 2>/dev/null && fail "pciem_pool_size=$bad was accepted"
	echo "ok: pciem_pool_size=$bad refused"
done

# More RAM than the VM can give: refused, saying what to do, nothing taken.
mem_before=$(sed -n 's/^MemTotal: *//p' /proc/meminfo)
insmod $KO pciem_pool_size=64G 2>/dev/null && fail "a 64 GiB pool was accepted"
dmesg | grep -Eq "could not take 65536 MiB of RAM|cannot remove memory" ||
	fail "no message explaining the refusal"
check_eq "MemTotal after the refusal" "$mem_before" "$(sed -n 's/^MemTotal: *//p' /proc/meminfo)"

# Without a pool: loads, devices without BARs work, BARs get ENOSPC.
insmod $KO pciem_pool_size=0 || fail "insmod without a pool"
start_dev --vendor 0x1b36 --device 0x00f1
stop_dev $DEV_PID $DEV_ADDR
pciemctl create --vendor 0x1b36 --device 0x00f1 --bar 0:4K >$PCIEM_TMP/nopool.log 2>&1 &&
	fail "a BAR without a pool was accepted"
grep -q "register:" $PCIEM_TMP/nopool.log || fail "no clear error: $(cat $PCIEM_TMP/nopool.log)"
rmmod pciem || fail "rmmod"

load_pciem
check_eq "/dev/pciem mode" "crw-------" "$(ls -l /dev/pciem | cut -c1-10)"
grep -q "pciem BAR pool" /proc/iomem || fail "pool not in /proc/iomem"
start_dev --vendor 0x1b36 --device 0x00f2 --bar 0:64K
rmmod pciem 2>/dev/null && fail "rmmod succeeded while a device exists"
stop_dev $DEV_PID $DEV_ADDR
unload_pciem
grep -q "pciem BAR pool" /proc/iomem && fail "pool still in /proc/iomem after unload"

if [ -z "$PCIEM_POOL" ]; then
	# The pool is RAM the kernel lent: gone while loaded, back after
	# unloading, every time.
	for i in 1 2 3; do
		insmod $KO || fail "round $i: insmod (pool from RAM)"
		dmesg | tail -n 5 | grep -q "taken from RAM until unload" || fail "round $i: no pool from RAM"
		loaded=$(sed -n 's/^MemTotal: *\([0-9]*\).*/\1/p' /proc/meminfo)
		[ "$loaded" -lt "${mem_before% kB}" ] || fail "round $i: MemTotal did not shrink"
		start_dev --vendor 0x1b36 --device 0x00f3 --bar 0:1M
		stop_dev $DEV_PID $DEV_ADDR
		rmmod pciem || fail "round $i: rmmod"
		# Back in full (a block that held boot-time reservations comes
		# back with all its pages, so it can be a little more).
		after=$(sed -n 's/^MemTotal: *\([0-9]*\).*/\1/p' /proc/meminfo)
		[ "$after" -ge "${mem_before% kB}" ] ||
			fail "round $i: MemTotal $after kB after unloading, $mem_before before"
		echo "ok: round $i: MemTotal $loaded kB while loaded, $after kB after"
	done

	# All but 256 MiB of the VM's available memory pinned for DMA (as
	# VFIO pins a userspace driver's buffers), and a 512 MiB pool asked
	# for, so that the blocks tried hold pages that cannot move (a block
	# given back is onlined at the tail of the free lists, used last, so
	# a 128 MiB pool would find it free).  Loading takes blocks that can
	# be emptied, or fails with ENOSPC, and either way at once: the
	# kernel's offlining alone would retry a pinned page until the
	# loading process is killed.
	avail=$(sed -n 's/^MemAvailable: *\([0-9]*\).*/\1/p' /proc/meminfo)
	pin=$(((avail / 1024 - 256) / 64 * 64))
	pinmem $pin >"$PCIEM_TMP/pin.out" 2>&1 &
	PIN=$!
	wait_for 'grep -q pinned "$PCIEM_TMP/pin.out"' 60 || fail "pinmem: $(cat "$PCIEM_TMP/pin.out")"
	info "$(cat "$PCIEM_TMP/pin.out") of $((avail / 1024)) MiB available"
	insmod $KO pciem_pool_size=512M 2>"$PCIEM_TMP/ins.err" &
	INS=$!
	if ! wait_for '! kill -0 $INS 2>/dev/null' 60; then
		kill -9 $INS
		wait $INS
		kill $PIN
		fail "insmod still running after 60 s with $pin MiB pinned"
	fi
	if wait $INS; then
		echo "ok: with $pin MiB pinned, 512 MiB could still be taken"
		rmmod pciem || fail "rmmod after the pinned load"
	else
		dmesg | tail -n 5 | grep -q "could not take 512 MiB of RAM" ||
			fail "insmod with $pin MiB pinned failed without saying why: $(cat "$PCIEM_TMP/ins.err")"
		echo "ok: with $pin MiB pinned, no block could be emptied: refused at once"
	fi
	kill $PIN
	wait $PIN 2>/dev/null
fi
load_pciem
pass
