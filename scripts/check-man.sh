#!/usr/bin/env bash
# scripts/check-man.sh: the man pages part of `make check`.
#
# Environment (from the Makefile): PCIEM_MANS, the pages `make install`
# installs (INSTALL_MANS); PCIEM_PROGRAMS, the programs it installs.
# Checks that every installed program has a page, and that each page
# renders with groff's warnings all on and none given, and with `man -l`.
# Ends with "man: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."

pass=0
fail=0
errf=$(mktemp "${TMPDIR:-/tmp}/pciem-man.XXXXXX")
trap 'rm -f "$errf"' EXIT
ok() { echo "ok: $*"; pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

mans=${PCIEM_MANS:-}
for p in ${PCIEM_PROGRAMS:-}; do
	name=$(basename "$p")
	found=
	for m in $mans; do
		case $(basename "$m") in "$name".[1-8]) found=$m ;; esac
	done
	if [ -n "$found" ]; then ok "$name: $found"; else bad "$name has no man page in INSTALL_MANS"; fi
done
case " $mans " in
*/libpciem.3\ *) ok "libpciem(3) is in INSTALL_MANS" ;;
*) bad "libpciem(3) is not in INSTALL_MANS" ;;
esac

for m in $mans; do
	if [ ! -f "$m" ]; then
		bad "$m: missing"
		continue
	fi
	warn=$(groff -mandoc -ww -z -Tutf8 "$m" 2>&1)
	if [ -n "$warn" ]; then bad "$m: groff warns: $warn"; else ok "$m: groff -ww is silent"; fi
	out=$(MANWIDTH=80 man -l "$m" 2>"$errf")
	rc=$?
	err=$(cat "$errf")
	name=$(basename "$m")
	name=${name%.*}
	if [ $rc != 0 ] || [ -n "$err" ]; then
		bad "$m: man -l exit $rc: $err"
	elif ! printf '%s\n' "$out" | grep -q "^NAME" ||
	     ! printf '%s\n' "$out" | grep -Eq "^ +$name([ ,]|$)"; then
		bad "$m: man -l does not render a NAME section naming $name"
	else
		ok "$m: man -l renders it ($(printf '%s\n' "$out" | wc -l) lines)"
	fi
done
echo "man: $pass passed, $fail failed"
[ $fail = 0 ]
