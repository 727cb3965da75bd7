# Helpers for guest tests (busybox sh).  A test starts with
#
#     #!/bin/sh
#     # timeout: 60            (optional; default 180 seconds)
#     . /pciem/tests/lib.sh
#
# and exits 0 to pass; anything else (or a kernel BUG/WARNING/Oops/hung
# task in the kernel log while it runs) fails it.  The runner (vm/guest-init.sh)
# sets PCIEM_POOL, PATH (/pciem/bin first), PCIEM_TEST_NAME, PCIEM_TEST_DIR
# (the test's directory) and PCIEM_TMP (a fresh scratch directory, also the
# working directory).

PCIEM_MODULES=${PCIEM_MODULES:-/pciem/modules}

# pass [MSG]: report success and exit 0.
pass() {
	echo "PASS${1:+: $*}"
	exit 0
}

# fail MSG: report failure and exit 1.
fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# info MSG: a progress line.
info() {
	echo "-- $*"
}

# check_eq WHAT EXPECTED ACTUAL: fail unless EXPECTED = ACTUAL (as strings).
check_eq() {
	if [ "$2" != "$3" ]; then
		fail "$1: expected '$2', got '$3'"
	fi
	echo "ok: $1 = '$3'"
}

# check CMD...: run CMD, fail if it fails.
check() {
	"$@" || fail "command failed (status $?): $*"
}

# wait_for CMD TIMEOUT: run the shell command CMD every 0.1 s until it
# succeeds; return 1 (without failing) after TIMEOUT seconds.
wait_for() {
	_wf_cmd=$1
	_wf_n=$((${2:-10} * 10))
	while [ $_wf_n -gt 0 ]; do
		eval "$_wf_cmd" && return 0
		sleep 0.1
		_wf_n=$((_wf_n - 1))
	done
	eval "$_wf_cmd"
}

# pool_param: pciem.ko's pool parameter in this VM: the reserved range, or
# nothing when the pool comes from RAM (PCIEM_POOL empty).
pool_param() {
	[ -n "$PCIEM_POOL" ] && echo "pciem_phys_region=$PCIEM_POOL"
}

# load_pciem [PARAM=VALUE...]: (re)load pciem.ko with the VM's BAR memory
# pool and the given extra module parameters.
load_pciem() {
	[ -f "$PCIEM_MODULES/pciem.ko" ] || fail "$PCIEM_MODULES/pciem.ko is missing"
	if grep -q '^pciem ' /proc/modules; then
		unload_pciem
	fi
	# shellcheck disable=SC2046  # no parameter, or one
	insmod "$PCIEM_MODULES/pciem.ko" $(pool_param) "$@" ||
		fail "insmod pciem.ko $(pool_param) $* failed"
	wait_for '[ -c /dev/pciem ]' 5 || fail "/dev/pciem did not appear"
}

# unload_pciem: remove pciem.ko (if loaded); fail if it will not go.
unload_pciem() {
	grep -q '^pciem ' /proc/modules || return 0
	rmmod pciem || fail "rmmod pciem failed"
}

# sysfs_dev_by_id VENDOR DEVICE: print the sysfs directory of every PCI
# device with these IDs (hex, with or without 0x), one per line.  Returns 1
# when there is none.
sysfs_dev_by_id() {
	_v=$(printf '0x%04x' "0x${1#0x}")
	_d=$(printf '0x%04x' "0x${2#0x}")
	_found=1
	for _dev in /sys/bus/pci/devices/*; do
		[ "$(cat "$_dev/vendor")" = "$_v" ] || continue
		[ "$(cat "$_dev/device")" = "$_d" ] || continue
		readlink -f "$_dev"
		_found=0
	done
	return $_found
}

# pci_addr SYSFS_DIR: the device's address (0000:00:03.0).
pci_addr() {
	basename "$1"
}

# driver_of SYSFS_DIR: name of the bound driver, empty when none.
driver_of() {
	[ -e "$1/driver" ] && basename "$(readlink -f "$1/driver")"
}

# bind_driver SYSFS_DIR DRIVER: bind the device to DRIVER (driver_override).
bind_driver() {
	_a=$(basename "$1")
	[ -e "$1/driver" ] && echo "$_a" >"$1/driver/unbind"
	echo "$2" >"$1/driver_override"
	modprobe "$2" 2>/dev/null
	echo "$_a" >/sys/bus/pci/drivers_probe
	[ "$(driver_of "$1")" = "$2" ] || fail "$2 did not bind to $_a"
}

# on_debug_kernel: is this the debug kernel (vm/debug-kernel.sh)?
on_debug_kernel() {
	case $(uname -r) in
	*-pciem-debug) return 0 ;;
	*) return 1 ;;
	esac
}

# rounds N: how many rounds a randomised test runs: N on Debian's kernels,
# N / 2 on the debug kernel, where each round takes two to three times as
# long and is checked by lockdep and KASAN as well.
rounds() {
	if on_debug_kernel; then
		echo $(($1 / 2))
	else
		echo "$1"
	fi
}

# random_below N: a random number in [0, N), from /dev/urandom.
random_below() {
	echo $(( $(od -An -N2 -tu2 /dev/urandom) % $1 ))
}
