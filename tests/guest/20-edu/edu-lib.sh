# Helpers for the 20-edu tests (busybox sh); source after lib.sh.
#
# Every test runs the same checks against QEMU's "-device edu" and against
# pciem-edu (examples/edu), both driven by the edu_test kernel driver
# (tests/guest/kmod/edu_test.c) through its debugfs file:
#
#     edu_begin [pciem-edu options]     load everything, bind both devices
#     for_both FUNCTION                 FUNCTION NAME ADDR, for qemu then ours
#     edu_end                           unbind, stop, unload (checked)
#
# edu_begin installs an EXIT trap that cleans up after a failure, so the
# next test finds QEMU's edu unbound and edu_test unloaded.

. /pciem/tests/pciem-lib.sh

EDU_DBG=/sys/kernel/debug/edu_test

# e ADDR CMD...: run an edu_test command on device ADDR, print its result.
e() {
	_e_a=$1
	shift
	echo "$*" >"$EDU_DBG/$_e_a" || fail "edu_test $_e_a: '$*' failed"
	cat "$EDU_DBG/$_e_a"
}

# e_err ADDR CMD...: run a command that must fail; print nothing.
e_err() {
	_e_a=$1
	shift
	if echo "$*" >"$EDU_DBG/$_e_a" 2>/dev/null; then
		fail "edu_test $_e_a: '$*' succeeded: $(cat "$EDU_DBG/$_e_a")"
	fi
}

# check_num WHAT EXPECTED ACTUAL: numeric comparison (hex or decimal, 64-bit).
check_num() {
	if [ -z "$3" ] || [ "$(($2))" != "$(($3))" ]; then
		fail "$1: expected $(printf '%#x' "$(($2))"), got '$3'"
	fi
	echo "ok: $1 = $3"
}

# reg NAME ADDR WIDTH OFF EXPECTED [WHAT]: a BAR 0 read must return EXPECTED.
reg() {
	check_num "$1: r$3 $4${6:+ ($6)}" "$5" "$(e "$2" "r$3" "$4")"
}

# edu_bind SYSFS: hand the device to edu_test (driver_override).
edu_bind() {
	bind_driver "$1" edu_test
	wait_for "[ -e $EDU_DBG/$(pci_addr "$1") ]" 5 || fail "no edu_test file for $1"
}

# edu_quiesce ADDR: no interrupts, no DMA or factorial running, status clear.
edu_quiesce() {
	e "$1" irq none >/dev/null
	_q_n=0
	while [ $(($(e "$1" r4 0x98) & 1)) = 1 ]; do
		_q_n=$((_q_n + 1))
		[ $_q_n -lt 100 ] || fail "$1: DMA never finished"
		sleep 0.1
	done
	_q_n=0
	while [ $(($(e "$1" r4 0x20) & 1)) = 1 ]; do
		_q_n=$((_q_n + 1))
		[ $_q_n -lt 300 ] || fail "$1: factorial never finished"
		sleep 0.1
	done
	e "$1" w4 0x20 0 >/dev/null
	e "$1" w4 0x64 0xffffffff >/dev/null
	e "$1" clear >/dev/null
}

# edu_start_ours [OPTIONS]: start pciem-edu; sets OUR_PID, OUR_ADDR, OUR_EDU.
edu_start_ours() {
	rm -f "$PCIEM_TMP/edu.out"
	pciem-edu "$@" >"$PCIEM_TMP/edu.out" 2>"$PCIEM_TMP/edu.err" &
	OUR_PID=$!
	if ! wait_for "[ -s $PCIEM_TMP/edu.out ]" 30; then
		cat "$PCIEM_TMP/edu.err"
		fail "pciem-edu $* did not start"
	fi
	OUR_ADDR=$(head -n 1 "$PCIEM_TMP/edu.out")
	OUR_EDU=/sys/bus/pci/devices/$OUR_ADDR
	[ -d "$OUR_EDU" ] || fail "pciem-edu's $OUR_ADDR is not in sysfs"
	info "pciem-edu (pid $OUR_PID) at $OUR_ADDR"
}

# edu_stop_ours [SIGNAL]: stop pciem-edu (SIGTERM), which must exit with
# status 0, and wait for its device to leave.
edu_stop_ours() {
	[ -n "$OUR_PID" ] || return 0
	kill -"${1:-TERM}" "$OUR_PID"
	wait "$OUR_PID"
	_s_st=$?
	OUR_PID=
	check_eq "pciem-edu exit status after SIG${1:-TERM}" 0 "$_s_st"
	wait_for "[ ! -e /sys/bus/pci/devices/$OUR_ADDR ]" 20 ||
		fail "$OUR_ADDR still present after pciem-edu ended"
}

_edu_cleanup() {
	if [ -s "$PCIEM_TMP/edu.err" ]; then
		echo "pciem-edu said:"
		cat "$PCIEM_TMP/edu.err"
	fi
	[ -n "$QEMU_ADDR" ] && [ -e "$EDU_DBG/$QEMU_ADDR" ] && {
		echo "irq none" >"$EDU_DBG/$QEMU_ADDR"
		echo "w4 0x20 0" >"$EDU_DBG/$QEMU_ADDR"
		echo "w4 0x64 0xffffffff" >"$EDU_DBG/$QEMU_ADDR"
	} 2>/dev/null
	[ -n "$OUR_PID" ] && kill "$OUR_PID" 2>/dev/null && wait "$OUR_PID" 2>/dev/null
	if [ -n "$QEMU_EDU" ]; then
		[ "$(driver_of "$QEMU_EDU")" = edu_test ] && echo "$QEMU_ADDR" >"$QEMU_EDU/driver/unbind"
		echo >"$QEMU_EDU/driver_override"
	fi
	grep -q '^edu_test ' /proc/modules && rmmod edu_test
	grep -q '^pciem ' /proc/modules && rmmod pciem
	return 0
}

# edu_begin [attach|virtual|none]: QEMU's edu (QEMU_EDU, QEMU_ADDR) and
# pciem-edu (OUR_EDU, OUR_ADDR, OUR_PID), both bound to edu_test and
# quiesced.  pciem-edu runs with --attach on bus 0000:01, the first of the
# VM's PCIe root ports, inside the IOMMU's scope (pciem.ko refuses DMA for a
# function no IOMMU translates for); "virtual": on a host bridge of its
# own (no IOMMU: DMA refused); "none": no pciem-edu.
edu_begin() {
	QEMU_EDU=$(sysfs_dev_by_id 1234 11e8) || fail "no QEMU edu device"
	[ "$(echo "$QEMU_EDU" | wc -l | tr -d " ")" = 1 ] || fail "more than one edu before pciem-edu: $QEMU_EDU"
	QEMU_ADDR=$(pci_addr "$QEMU_EDU")
	trap _edu_cleanup EXIT
	grep -q '^edu_test ' /proc/modules && rmmod edu_test
	load_pciem pciem_attach_bus=0000:01
	insmod "$PCIEM_MODULES/edu_test.ko" || fail "insmod edu_test"
	edu_bind "$QEMU_EDU"
	edu_quiesce "$QEMU_ADDR"
	info "QEMU edu at $QEMU_ADDR"
	case ${1:-attach} in
	attach) EDU_OPTS=--attach ;;
	virtual) EDU_OPTS= ;;
	none) return 0 ;;
	*) fail "edu_begin $1?" ;;
	esac
	edu_start_ours $EDU_OPTS
	edu_bind "$OUR_EDU"
	edu_quiesce "$OUR_ADDR"
}

# for_both FUNCTION: FUNCTION qemu QEMU_ADDR, then FUNCTION ours OUR_ADDR.
for_both() {
	info "== QEMU's edu ($QEMU_ADDR)"
	"$1" qemu "$QEMU_ADDR"
	info "== pciem-edu ($OUR_ADDR)"
	"$1" ours "$OUR_ADDR"
}

# edu_end: leave QEMU's edu quiet and unbound, stop pciem-edu, unload.
edu_end() {
	edu_quiesce "$QEMU_ADDR"
	echo "$QEMU_ADDR" >"$QEMU_EDU/driver/unbind" || fail "unbind $QEMU_ADDR"
	echo >"$QEMU_EDU/driver_override"
	edu_stop_ours
	rmmod edu_test || fail "rmmod edu_test"
	unload_pciem
	trap - EXIT
	if [ -s "$PCIEM_TMP/edu.err" ]; then
		info "pciem-edu said:"
		cat "$PCIEM_TMP/edu.err"
	fi
}
