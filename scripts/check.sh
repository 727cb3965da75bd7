#!/usr/bin/env bash
# scripts/check.sh "UNIT_TEST_PROGRAMS": the test part of `make check`.
#
# Runs the host unit tests (scripts/run-unit.sh, "unit: N passed, M failed"),
# then the guest tests in the test VM (vm/run-tests.sh, "guest: N passed,
# M failed"), and ends with the sum of both as the single line
#     N passed, M failed
# A runner that dies without its summary line counts as one failure.  Exit
# status 0 only when nothing failed and something passed.  The programs and
# the guest payload must be built already (make check does that first).
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

echo
echo "==== guest tests (test VM)"
run_part guest vm/run-tests.sh --no-build

# The same tests of pciem.ko on the debug kernel (vm/debug-kernel.sh:
# lockdep, KASAN, debug objects, ...), where a lock-order report, a KASAN
# report or any other warning fails the test that caused it.  The tests
# of QEMU's devices, of throughput and of scheduling under load
# (20-edu/12: minutes under lockdep and KASAN) are left to the stock
# kernel.  PCIEM_DEBUG_TESTS overrides the list; "none" skips the pass.
debug_tests=${PCIEM_DEBUG_TESTS:-10-pciem 20-edu/0 20-edu/10 20-edu/11 20-edu/13 20-edu/14 30-nvme/01 30-nvme/04 30-nvme/05 30-nvme/09 50-opae/40 60-pciio/0 60-pciio/10}
if [ "$debug_tests" != none ]; then
	echo
	echo "==== guest tests on the debug kernel"
	if vm/debug-kernel.sh >/dev/null && kdir=$(PCIEM_GUEST_KERNEL=debug vm/guest-kdir.sh) &&
		make --no-print-directory guest-payload KDIR="$kdir" >/dev/null; then
		# shellcheck disable=SC2086  # a list of patterns
		PCIEM_GUEST_KERNEL=debug run_part guest vm/run-tests.sh --no-build $debug_tests
	else
		echo "check: the debug kernel or its payload could not be built; counted as 1 failure"
		total_fail=$((total_fail + 1))
	fi
fi

echo
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" = 0 ] && [ "$total_pass" -gt 0 ]
