#!/usr/bin/env bash
# scripts/check-deps.sh: does the build know every program's inputs?
#
# For each program and library built from C (make print-c-targets), the
# commands that build it from nothing (make -n -B) name the C files it is
# compiled from and their flags; the compiler (cc -MM) lists every source
# and header of this tree they read.  Each must be a prerequisite, direct
# or not: `make -q -W FILE TARGET` (as if FILE had just changed) must find
# TARGET out of date.  A miss is a program that goes stale, as examples
# once did when libpciem changed.  Ends with "deps: N passed, M failed"
# (one check per target).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
CC=${CC:-cc}
CXX=${CXX:-g++}

pass=0
fail=0
for t in $(make -s --no-print-directory print-c-targets); do
	inputs=
	while read -r line; do
		read -ra w <<<"$line"
		case ${w[0]:-} in "$CC" | "$CXX") ;; *) continue ;; esac
		flags=()
		srcs=()
		for a in "${w[@]:1}"; do
			case $a in
			-I* | -D* | -std=* | -include) flags+=("$a") ;;
			*.c | *.cpp) srcs+=("$a") ;;
			esac
		done
		for s in "${srcs[@]}"; do
			deps=$("${w[0]}" "${flags[@]}" -MM "$s" 2>/dev/null) || {
				echo "FAIL: $t: cc -MM $s failed"
				fail=$((fail + 1))
				continue 3
			}
			inputs="$inputs $(echo "$deps" | tr ' \\' '\n\n' | sed -n "s|^$root/||; /^[^/].*\.\(c\|h\|cpp\)\$/p" |
				xargs -r realpath -m --relative-to=.)"
		done
	done < <(make -n -B --no-print-directory "$t" 2>/dev/null | sed -e ':a' -e '/\\$/N; s/\\\n//; ta')
	missing=
	n=0
	for f in $(echo "$inputs" | tr ' ' '\n' | sort -u); do
		n=$((n + 1))
		# Generated sources are named by their absolute $(BUILD) path in rules.
		w=$f
		case $f in build/*) w=$root/$f ;; esac
		make -q --no-print-directory -W "$w" "$t" >/dev/null 2>&1
		[ $? = 1 ] || missing="$missing $f"
	done
	if [ $n = 0 ]; then
		echo "FAIL: ${t#$root/}: no C inputs found"
		fail=$((fail + 1))
	elif [ -n "$missing" ]; then
		echo "FAIL: ${t#$root/} is not rebuilt when these change:$missing"
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
done
echo "deps: $pass passed, $fail failed"
[ $fail = 0 ]
