#!/bin/sh
# Run host test programs and sum their results.
#
#   scripts/run-unit.sh PROGRAM...
#
# Each program prints its own output, ending with a line
# "NAME: N passed, M failed".  A program that crashes, exits non-zero
# without reporting a failure, or prints no such line counts as one failure.
# The last line printed here is "unit: N passed, M failed" (the sums); the
# exit status is 0 when nothing failed.
#
# UNIT_TIMEOUT (seconds, default 600) bounds each program when timeout(1)
# is available.

timeout_s=${UNIT_TIMEOUT:-600}
total_pass=0
total_fail=0
out=$(mktemp "${TMPDIR:-/tmp}/run-unit.XXXXXX") || exit 1
trap 'rm -f "$out"' EXIT INT TERM

for prog in "$@"; do
	if [ ! -x "$prog" ]; then
		echo "run-unit: $prog: not found or not executable"
		total_fail=$((total_fail + 1))
		continue
	fi
	if command -v timeout >/dev/null 2>&1; then
		timeout "$timeout_s" "$prog" >"$out" 2>&1
	else
		"$prog" >"$out" 2>&1
	fi
	rc=$?
	cat "$out"
	summary=$(grep -E '^[A-Za-z0-9_.+-]+: [0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1)
	if [ -z "$summary" ]; then
		echo "run-unit: $prog: no summary line (exit status $rc)"
		total_fail=$((total_fail + 1))
		continue
	fi
	p=$(echo "$summary" | sed -E 's/^.*: ([0-9]+) passed, ([0-9]+) failed$/\1/')
	f=$(echo "$summary" | sed -E 's/^.*: ([0-9]+) passed, ([0-9]+) failed$/\2/')
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "run-unit: $prog: exit status $rc"
		f=1
	fi
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
done

echo "unit: $total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
