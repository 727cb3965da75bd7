#!/usr/bin/env bash
# scripts/check.sh "UNIT_TEST_PROGRAMS": the test part of `make check`.
#
# Runs the host unit tests (scripts/run-unit.sh, "unit: N passed, M failed"),
# the man page checks (scripts/check-man.sh, "man: ..."), the build's
# dependencies (scripts/check-deps.sh, "deps: ..."), the DKMS build,
# then the guest tests in the test VM (vm/run-tests.sh, "guest: N passed,
# M failed") on each Debian kernel (6.1 and 6.12; PCIEM_KERNELS overrides)
# and the pciem.ko tests on the debug kernel, and ends with the sum of all
# as the single line
#     N passed, M failed
# A runner that dies without its summary line counts as one failure.  Exit
# status 0 only when nothing failed and something passed.  The programs must
# be built already (make check does that first); each pass builds the guest
# payload for its kernel.
set -uo pipefail
cd "$(dirname "$0")/.."

units=${1:-}
total_pass=0
total_fail=0
out=$(mktemp "${TMPDIR:-/tmp}/pciem-check.XXXXXX")
trap 'rm -f "$out"' EXIT

# run_part NAME CMD...: run CMD, show its output, add its "NAME: N passed,
# M failed" line to the totals.
run_part() {
	local name=$1 rc line p f
	shift
	"$@" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	line=$(grep -E "^$name: [0-9]+ passed, [0-9]+ failed" "$out" | tail -n 1)
	if [ -z "$line" ]; then
		echo "check: $name tests gave no summary line (exit status $rc); counted as 1 failure"
		total_fail=$((total_fail + 1))
		return
	fi
	p=$(echo "$line" | sed -E 's/^[a-z]+: ([0-9]+) passed, ([0-9]+) failed.*/\1/')
	f=$(echo "$line" | sed -E 's/^[a-z]+: ([0-9]+) passed, ([0-9]+) failed.*/\2/')
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		echo "check: $name tests exited with status $rc; counted as 1 failure"
		f=1
	fi
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
}

echo "==== host unit tests"
if [ -n "${units// /}" ]; then
	# shellcheck disable=SC2086  # a list of programs
	run_part unit scripts/run-unit.sh $units
else
	echo "unit: no host test programs"
fi

# Every installed program has a man page, and every page renders cleanly.
echo
echo "==== man pages"
run_part man scripts/check-man.sh

# Every program and library is rebuilt when any file it is compiled from changes.
echo
echo "==== build dependencies"
run_part deps scripts/check-deps.sh

# DKMS (dkms.conf) builds the modules for each guest kernel's headers.
echo
echo "==== dkms build"
releases=
for k in ${PCIEM_KERNELS:-6.1 6.12}; do
	kdir=$(PCIEM_GUEST_KERNEL=$k vm/guest-kdir.sh) &&
		releases="$releases $(basename "$kdir" | sed 's/^linux-headers-//')"
done
# shellcheck disable=SC2086  # a list of kernel releases
run_part dkms scripts/dkms-check.sh "${PCIEM_VERSION:-0}" $releases

# guest_pass KERNEL TITLE [PATTERN...]: build the payload for the guest
# kernel KERNEL (vm/guest-kdir.sh) and run the guest tests on it.
guest_pass() {
	local kernel=$1 title=$2 kdir
	shift 2
	echo
	echo "==== guest tests on $title"
	if kdir=$(PCIEM_GUEST_KERNEL=$kernel vm/guest-kdir.sh) &&
		make --no-print-directory guest-payload KDIR="$kdir" >/dev/null; then
		PCIEM_GUEST_KERNEL=$kernel run_part guest vm/run-tests.sh --no-build "$@"
	else
		echo "check: no payload for the $kernel guest kernel; counted as 1 failure"
		total_fail=$((total_fail + 1))
	fi
}

# all_tests_but NAME...: every guest test's name (as vm/run-tests.sh
# matches them) except NAME...
all_tests_but() {
	local f n
	for f in tests/guest/[0-9]*/[0-9]*.sh; do
		n=${f#tests/guest/}
		n=${n%.sh}
		case " $* " in *" $n "*) ;; *) echo "$n" ;; esac
	done
}

# Known failures, by kernel, not run there until they are fixed (and said
# so below, never counted as passed):
#   6.12  20-edu/12-irq-read-under-load: with no load, a hard-irq handler's
#         read of pciem-edu's traced status register once went unanswered
#         for pciem_atomic_wait_ms (250 ms) while the emulator sat on the
#         other CPU (1 full 6.12 run in 3); it passes on 6.1 and the debug
#         kernel.  Open in issue 12.
known_failures() {
	case $1 in
	6.12) echo 20-edu/12-irq-read-under-load ;;
	esac
}

# Every guest test on each kernel of Debian 12's archive.
for k in ${PCIEM_KERNELS:-6.1 6.12}; do
	known=$(known_failures "$k")
	if [ -n "$known" ]; then
		echo
		echo "check: NOT RUN on Linux $k (known failures):" $known
		# shellcheck disable=SC2046,SC2086  # lists of test names
		guest_pass "$k" "Linux $k (Debian 12)" $(all_tests_but $known)
	else
		guest_pass "$k" "Linux $k (Debian 12)"
	fi
done

# The tests of pciem.ko's lifetimes and concurrency again on the debug
# kernel (vm/debug-kernel.sh: lockdep, KASAN, debug objects, ...), where a
# lock-order report, a KASAN report or any other warning fails the test
# that caused it: every 10-pciem test, edu and nvme bound, killed, reset,
# removed and mapped, VFIO and /dev/pci fuzzing.  Register-level checks,
# QEMU's devices, throughput and scheduling under load (20-edu/12: minutes
# under lockdep and KASAN) are left to the Debian kernels.
# PCIEM_DEBUG_TESTS overrides the list; "none" skips the pass.
debug_tests=${PCIEM_DEBUG_TESTS:-10-pciem 20-edu/01 20-edu/10 20-edu/11 20-edu/13 20-edu/14 20-edu/15 30-nvme/01 30-nvme/04 30-nvme/05 30-nvme/09 50-opae/40 60-pciio/01 60-pciio/10}
if [ "$debug_tests" != none ]; then
	if vm/debug-kernel.sh >/dev/null; then
		# shellcheck disable=SC2086  # a list of patterns
		guest_pass debug "the debug kernel" $debug_tests
	else
		echo "check: the debug kernel could not be built; counted as 1 failure"
		total_fail=$((total_fail + 1))
	fi
fi

echo
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" = 0 ] && [ "$total_pass" -gt 0 ]
