#!/usr/bin/env bash
# vm/run-tests.sh [--no-build] [PATTERN...]
#
# Run the guest tests (tests/guest/*/*.sh, as collected in build/guest/tests
# by `make guest-payload`) in the test VM and end with
#     guest: N passed, M failed
# Exit status 0 only when at least one test ran and none failed.
#
# PATTERN selects tests by name ("00-harness/02-qemu-devices"): a shell glob
# on the whole name, or a plain word contained in the name.
#
# Unless --no-build is given or it runs from make (MAKELEVEL set; `make
# guest` and `make check` build the payload first), it runs
#     make guest-payload KDIR=$(vm/guest-kdir.sh)
# itself so that the payload is current.
#
# One boot runs all the tests; when the guest dies (panic, hang, a test
# that damaged the kernel) the test in progress fails and the VM boots again
# for the remaining ones.
#
# Environment:
#   PCIEM_CACHE          cache root (default ~/.cache/pciem)
#   PCIEM_GUEST_DIR      payload directory (default build/guest)
#   PCIEM_TEST_TIMEOUT   default per-test timeout in seconds (180)
#   PCIEM_VM_TIMEOUT     wall-clock limit for the whole run (3600)
#   PCIEM_BOOT_TIMEOUT   seconds from boot until the first test starts (240)
#   PCIEM_VM_APPEND      extra kernel command line
#   PCIEM_FUZZ_SECONDS   run the fuzz test for this long (make fuzz); every
#                        test's timeout, and the wall-clock limit, grow by it
set -uo pipefail
. "$(dirname "$0")/common.sh"
. "$VM_DIR/boot.sh"

build=1
[ -n "${MAKELEVEL:-}" ] && build=0
patterns=()
for a in "$@"; do
	case "$a" in
	--no-build) build=0 ;;
	-h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) patterns+=("$a") ;;
	esac
done

TEST_TIMEOUT=${PCIEM_TEST_TIMEOUT:-180}
WALL=$(( ${PCIEM_VM_TIMEOUT:-3600} + ${PCIEM_FUZZ_SECONDS:-0} ))
BOOT_TIMEOUT=${PCIEM_BOOT_TIMEOUT:-240}
GRACE=${PCIEM_VM_GRACE:-60}	# host-side slack over a test's own timeout
IDLE=180	# no test running and nothing from the guest for this long

abi=$(guest_abi) || exit 1
mkdir -p "$VM_OUT/logs"
stamp=$(date +%Y%m%d-%H%M%S)-$$
LOG=$VM_OUT/logs/tests-$stamp.log
ln -sfn "logs/tests-$stamp.log" "$VM_OUT/tests-latest.log"
: >"$LOG"
work=$(mktemp -d "$VM_OUT/.run.XXXXXX")
scratch=$CACHE_ROOT/scratch-$$.img
# Scratch disks of runs that were killed before they could clean up.
for f in "$CACHE_ROOT"/scratch-*.img; do
	p=${f##*/scratch-}
	p=${p%.img}
	[ -e "$f" ] && ! kill -0 "$p" 2>/dev/null && rm -f "$f"
done
cleanup() {
	vm_cleanup
	rm -rf "$work"
	rm -f "$scratch"
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

t0=$SECONDS
[ $build = 1 ] || echo "vm: using the payload in $GUEST_DIR as it is"
if ! prepare_guest $build "$work/base.cpio"; then
	echo "guest: 0 passed, 1 failed"
	exit 1
fi
KERNEL=$CACHE_ROOT/guest-$abi/vmlinuz

# The tests, in the order the guest runs them.
matches() {
	local n=$1 p
	[ ${#patterns[@]} = 0 ] && return 0
	for p in "${patterns[@]}"; do
		case "$p" in
		*[*?[]*) [[ $n == $p ]] && return 0 ;;
		*) [[ $n == *"$p"* ]] && return 0 ;;
		esac
	done
	return 1
}
tests=()
declare -A tmo=() result=()
while IFS= read -r f; do
	[ -x "$f" ] || continue
	n=${f#"$GUEST_DIR/tests/"}
	n=${n%.sh}
	matches "$n" || continue
	tests+=("$n")
	t=$(sed -n 's/^#[[:space:]]*timeout:[[:space:]]*\([0-9][0-9]*\).*/\1/p' "$f" | head -n 1)
	tmo[$n]=$(( ${t:-$TEST_TIMEOUT} + ${PCIEM_FUZZ_SECONDS:-0} ))
done < <(ls "$GUEST_DIR"/tests/*/*.sh 2>/dev/null | LC_ALL=C sort)
if [ ${#tests[@]} = 0 ]; then
	echo "vm: no guest test matches${patterns[*]:+ ${patterns[*]}}"
	echo "guest: 0 passed, 0 failed"
	exit 1
fi

truncate -s 256M "$scratch"

# Markers from the guest (see vm/guest-init.sh).
on_marker() {
	local l=$1 n
	case "$l" in
	"PCIEM-TEST START "*)
		[ "$started" = 0 ] && vm_out "vm: guest up $((SECONDS - boot_start))s after starting QEMU"
		cur=${l#PCIEM-TEST START }
		cur_start=$SECONDS
		started=$((started + 1))
		;;
	"PCIEM-TEST PASS "*)
		n=${l#PCIEM-TEST PASS }
		result[$n]=PASS
		cur=
		last_event=$SECONDS
		;;
	"PCIEM-TEST FAIL "*)
		n=${l#PCIEM-TEST FAIL }
		n=${n%% *}
		result[$n]="FAIL ${l#PCIEM-TEST FAIL "$n" }"
		cur=
		last_event=$SECONDS
		;;
	"PCIEM-RESTART"*) restart_reason=${l#PCIEM-RESTART } ;;
	"PCIEM-DONE") done_seen=1 ;;
	esac
}
on_tick() {
	if [ $((SECONDS - t0)) -ge "$WALL" ]; then
		VM_KILL_REASON="wall-clock limit of ${WALL}s reached"
		wall_hit=1
		return 1
	fi
	if [ -n "$cur" ]; then
		if [ $((SECONDS - cur_start)) -ge $((tmo[$cur] + GRACE)) ]; then
			VM_KILL_REASON="$cur gave no result within $((tmo[$cur] + GRACE))s"
			return 1
		fi
	elif [ "$started" = 0 ]; then
		if [ $((SECONDS - boot_start)) -ge "$BOOT_TIMEOUT" ]; then
			VM_KILL_REASON="no test started ${BOOT_TIMEOUT}s after boot"
			return 1
		fi
	elif [ $((SECONDS - last_event)) -ge "$IDLE" ]; then
		VM_KILL_REASON="guest idle for ${IDLE}s"
		return 1
	fi
	return 0
}

boots=0 wall_hit=0
while :; do
	remaining=()
	for n in "${tests[@]}"; do
		[ -n "${result[$n]:-}" ] || remaining+=("$n")
	done
	[ ${#remaining[@]} = 0 ] && break
	if [ $wall_hit = 1 ]; then
		for n in "${remaining[@]}"; do result[$n]="FAIL (not run: wall-clock limit)"; done
		break
	fi
	# Per-boot overlay: the list of tests to run.
	rm -rf "$work/ov" && mkdir -p "$work/ov/pciem"
	printf '%s\n' "${remaining[@]}" >"$work/ov/pciem/run-list"
	(cd "$work/ov" && find . -mindepth 1 | cpio -o -H newc -R 0:0 --quiet) >"$work/ov.cpio"
	cat "$work/base.cpio" "$work/ov.cpio" >"$work/boot.cpio"

	boots=$((boots + 1))
	echo "vm: boot $boots: ${#remaining[@]} test(s); console log: $LOG"
	cur= started=0 done_seen=0 restart_reason= boot_start=$SECONDS last_event=$SECONDS
	vm_boot "$work/boot.cpio" "$scratch" "$LOG" \
		"loglevel=5 pciem.mode=tests pciem.timeout=$TEST_TIMEOUT ${PCIEM_FUZZ_SECONDS:+pciem.fuzz=$PCIEM_FUZZ_SECONDS} ${PCIEM_VM_APPEND:-}"
	if [ -n "$cur" ]; then
		why=$VM_EXIT
		[ "$VM_PANIC" = 1 ] && why="kernel panic"
		result[$cur]="FAIL (guest died during the test: $why)"
		echo "PCIEM-TEST FAIL $cur (guest died during the test: $why)" | tee -a "$LOG"
	elif [ "$started" = 0 ]; then
		# The guest never got to the tests: booting again will not help.
		why=$VM_EXIT
		[ "$VM_PANIC" = 1 ] && why="kernel panic"
		for n in "${remaining[@]}"; do result[$n]="FAIL (not run: guest did not start the tests: $why)"; done
		break
	fi
	[ -n "$restart_reason" ] && echo "vm: guest asked for a fresh boot $restart_reason"
done

pass=0 failn=0
echo
echo "guest test results:"
for n in "${tests[@]}"; do
	r=${result[$n]}
	if [ "$r" = PASS ]; then
		pass=$((pass + 1))
	else
		failn=$((failn + 1))
	fi
	printf '  %-4s %s%s\n' "${r%% *}" "$n" "$([ "$r" = PASS ] || echo " ${r#FAIL }")"
done
echo "vm: $boots boot(s), $((SECONDS - t0))s; console log: $LOG"
echo "guest: $pass passed, $failn failed"
[ $failn = 0 ] && [ $pass -gt 0 ]
