# Helpers for tests of pciem.ko (busybox sh); source after lib.sh.

_SD_N=0

# start_dev ARGS...: run `pciemctl create ARGS` in the background until it has
# started its device.  Sets DEV_PID, DEV_ADDR (DDDD:BB:SS.F) and DEV_SYSFS.
start_dev() {
	_SD_N=$((_SD_N + 1))
	_sd_ready=$PCIEM_TMP/ready.$_SD_N
	_sd_log=$PCIEM_TMP/pciemctl.$_SD_N.log
	rm -f "$_sd_ready"
	pciemctl create "$@" --ready "$_sd_ready" >"$_sd_log" 2>&1 &
	DEV_PID=$!
	if ! wait_for "[ -s $_sd_ready ]" 30; then
		cat "$_sd_log"
		fail "pciemctl create $* did not start a device"
	fi
	DEV_ADDR=$(cat "$_sd_ready")
	DEV_SYSFS=/sys/bus/pci/devices/$DEV_ADDR
	[ -d "$DEV_SYSFS" ] || fail "$DEV_ADDR is not in sysfs"
}

# stop_dev PID ADDR [SIGNAL [TIMEOUT]]: end an emulator (a pciemctl by
# default) and wait up to TIMEOUT seconds (20) for its device to leave.
stop_dev() {
	kill -"${3:-TERM}" "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	wait_for "[ ! -e /sys/bus/pci/devices/$2 ]" "${4:-20}" || fail "$2 still present after its emulator ended"
}

# cfg ADDR REG: a configuration register as setpci prints it (hex, no 0x).
cfg() {
	setpci -s "$1" "$2" || fail "setpci -s $1 $2 failed"
}

# cfg_write ADDR REG=VALUE
cfg_write() {
	setpci -s "$1" "$2" || fail "setpci -s $1 $2 failed"
}

# pool_entries: lines of /proc/iomem inside the pciem BAR pool (BARs claimed).
pool_entries() {
	awk '/pciem BAR pool/ { inpool = 1; depth = match($0, /[^ ]/); next }
	     inpool && match($0, /[^ ]/) > depth { print; next }
	     { inpool = 0 }' /proc/iomem
}

# load_test_driver: (re)load the pciem_mmio_test driver, whatever an earlier
# test left behind.
# unanswered_reads [CONTEXT]: how many reads pciem has logged as never
# answered by the emulator ("no answer to a read"), all or those made in
# CONTEXT (hardirq, softirq, idle or a command name).
unanswered_reads() {
	dmesg | grep -c "no answer to a read.*${1:-}"
}

load_test_driver() {
	rmmod pciem_mmio_test 2>/dev/null
	insmod /pciem/modules/pciem_mmio_test.ko || fail "insmod pciem_mmio_test"
}

# serve_trap_device: run `pciem_trap_test --serve` (1b36:00e2, BAR 0 traced
# for reads and writes) in the background, with pciem_mmio_test bound to it
# (load_test_driver first).  Sets EMU_PID, EMU_ADDR and MT_FILE (the
# driver's debugfs command file).
serve_trap_device() {
	pciem_trap_test --serve > $PCIEM_TMP/serve.out 2>&1 &
	EMU_PID=$!
	wait_for "[ -s $PCIEM_TMP/serve.out ]" 30 || fail "emulator did not start"
	EMU_ADDR=$(head -n1 $PCIEM_TMP/serve.out)
	MT_FILE=/sys/kernel/debug/pciem_mmio_test/$EMU_ADDR
	wait_for "[ -e $MT_FILE ]" 10 || fail "driver did not bind to $EMU_ADDR"
}
