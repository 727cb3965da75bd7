#!/bin/sh
# /init of the pciem test VM (busybox sh, PID 1).  Built into the initramfs
# by vm/build-initramfs.sh; see vm/README.md.
#
# Kernel command line switches (all optional):
#   pciem.mode=tests|demo|shell  what to do (default tests)
#   pciem.tests=PAT[,PAT...]     run only tests whose name matches a pattern
#                                (ignored when /pciem/run-list exists)
#   pciem.pool=ADDR:SIZE         BAR memory pool for pciem.ko ($PCIEM_POOL)
#   pciem.pool=ram               none: pciem.ko takes its pool from RAM
#                                ($PCIEM_POOL empty)
#   pciem.timeout=N              default per-test timeout in seconds (180)
#   pciem.hung=N                 hung_task_timeout_secs (20)
#   pciem.fuzz=N                 fuzz for N seconds ($PCIEM_FUZZ_SECONDS for the
#                                fuzz test; every test's timeout grows by N)
#
# Protocol (console, and the same marker lines on /dev/ttyS1 for the host):
#   PCIEM-TEST START <name>
#   PCIEM-TEST PASS <name>
#   PCIEM-TEST FAIL <name> (<reason>)
#   PCIEM-RESTART (<reason>)   the kernel is damaged: the host boots again
#   PCIEM-DONE

export PATH=/pciem/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mount -t debugfs debugfs /sys/kernel/debug
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
[ -e /dev/stdin ] || ln -s /proc/self/fd/0 /dev/stdin
[ -e /dev/stdout ] || ln -s /proc/self/fd/1 /dev/stdout
[ -e /dev/stderr ] || ln -s /proc/self/fd/2 /dev/stderr
hostname pciem-guest
ip link set lo up 2>/dev/null

MODE=tests PATTERNS= POOL=0x70000000:0x08000000 DEF_TIMEOUT=180 HUNG=20
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	pciem.mode=*)    MODE=${arg#*=} ;;
	pciem.tests=*)   PATTERNS=$(echo "${arg#*=}" | tr ',' ' ') ;;
	pciem.pool=ram)  POOL= ;;
	pciem.pool=*)    POOL=${arg#*=} ;;
	pciem.timeout=*) DEF_TIMEOUT=${arg#*=} ;;
	pciem.hung=*)    HUNG=${arg#*=} ;;
	pciem.fuzz=*)    export PCIEM_FUZZ_SECONDS=${arg#*=} ;;
	esac
done
export PCIEM_POOL=$POOL
export PCIEM_TESTS=/pciem/tests PCIEM_LIB=/pciem/tests/lib.sh
echo "$HUNG" > /proc/sys/kernel/hung_task_timeout_secs
echo -1 > /proc/sys/kernel/hung_task_warnings 2>/dev/null

RES=/dev/ttyS1
if [ -c $RES ]; then
	stty -F $RES raw -echo 2>/dev/null
else
	RES=/dev/null
fi

# mark LINE: a protocol line, on the console and on the results port.
mark() {
	[ "$MODE" = demo ] || echo "$*"
	echo "$*" >$RES
}

uptime_s() {
	read -r up _ </proc/uptime
	echo "${up%.*}"
}

finish() {
	sync
	mark "PCIEM-DONE"
	sleep 0.3
	poweroff -f
	sleep 10
}

case "$MODE" in
shell)
	echo "pciem guest shell: PCIEM_POOL=$PCIEM_POOL; 'poweroff -f' to leave"
	setsid cttyhack sh -l
	finish
	;;
demo)
	dmesg -n 1
	cd /tmp
	sh /pciem/demo.sh
	rc=$?
	mark "PCIEM-DEMO-EXIT $rc"
	finish
	;;
esac

# ---------------------------------------------------------------- tests --

# Kernel log lines that fail a test.
KPAT='(^|[^A-Za-z_])BUG([^A-Za-z_]|$)|WARNING:|Oops|hung task|blocked for more than|soft lockup|Call Trace|general protection|UBSAN:|detected stalls'

# matches NAME: does NAME match $PATTERNS (none = all)?  A pattern with a
# glob character is a shell glob on the whole name; a plain word matches
# any name containing it.
matches() {
	[ -z "$PATTERNS" ] && return 0
	for p in $PATTERNS; do
		case "$p" in
		*[*?[]*) case "$1" in $p) return 0 ;; esac ;;
		*) case "$1" in *"$p"*) return 0 ;; esac ;;
		esac
	done
	return 1
}

if [ -f /pciem/run-list ]; then
	LIST=$(cat /pciem/run-list)
else
	LIST=
	for t in $(ls /pciem/tests/*/*.sh 2>/dev/null | sort); do
		[ -x "$t" ] || continue
		n=${t#/pciem/tests/}
		n=${n%.sh}
		matches "$n" && LIST="$LIST $n"
	done
fi

prefix() {
	while IFS= read -r l || [ -n "$l" ]; do
		printf '[%s] %s\n' "$1" "$l"
		l=
	done
}

taint() { cat /proc/sys/kernel/tainted; }

# group_alive PGID: does the process group still have a live (non-zombie)
# process?  (kill -0 also counts zombies, which PID 1 may not have reaped.)
group_alive() {
	_pg=$1
	for s in /proc/[0-9]*/stat; do
		{ read -r line <"$s"; } 2>/dev/null || continue
		set -- ${line##*) }
		[ "$3" = "$_pg" ] && [ "$1" != Z ] && return 0
	done
	return 1
}

mkdir -p /run/pciem
echo "pciem guest: $(uname -r), PCIEM_POOL=$PCIEM_POOL, tests:" $LIST
for name in $LIST; do
	t=/pciem/tests/$name.sh
	to=$(sed -n 's/^#[[:space:]]*timeout:[[:space:]]*\([0-9][0-9]*\).*/\1/p' "$t" 2>/dev/null | head -n 1)
	to=$(( ${to:-$DEF_TIMEOUT} + ${PCIEM_FUZZ_SECONDS:-0} ))
	rcf=/run/pciem/rc pgf=/run/pciem/pgid pdf=/run/pciem/pdone
	rm -f $rcf $pgf $pdf
	export PCIEM_TEST_NAME=$name PCIEM_TEST_DIR=${t%/*}
	export PCIEM_TMP=/tmp/pciem-test/$name
	rm -rf "$PCIEM_TMP"
	mkdir -p "$PCIEM_TMP"
	klines=$(dmesg | wc -l)
	taint0=$(taint)
	mark "PCIEM-TEST START $name"
	echo "[$name] timeout ${to}s"
	start=$(uptime_s)
	(
		cd "$PCIEM_TMP" || { echo 126 >$rcf; exit; }
		setsid sh -c 'echo $$ >"$1"; exec "$2"' sh "$pgf" "$t" </dev/null 2>&1
		echo $? >$rcf
	) | { prefix "$name"; : >$pdf; } &
	pp=$!
	reasons= restart=
	while [ ! -e $rcf ]; do
		if [ $(($(uptime_s) - start)) -ge "$to" ]; then
			reasons="timeout after ${to}s"
			break
		fi
		sleep 0.2
	done
	pg=$(cat $pgf 2>/dev/null)
	if [ -n "$pg" ] && group_alive "$pg"; then
		# The test, or what it left running: TERM, then KILL.
		kill -TERM "-$pg" 2>/dev/null
		i=0
		while group_alive "$pg" && [ $i -lt 20 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		kill -KILL "-$pg" 2>/dev/null
		i=0
		while group_alive "$pg" && [ $i -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		if group_alive "$pg"; then
			echo "[$name] processes that cannot be killed:"
			ps -o pid,stat,args 2>/dev/null | prefix "$name"
			restart="unkillable processes left by $name"
		fi
	fi
	# Let the output drain; whatever escaped the process group and still
	# holds the pipe gets cut off.
	i=0
	while [ ! -e $pdf ] && [ $i -lt 30 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill $pp 2>/dev/null
	wait $pp 2>/dev/null
	dur=$(($(uptime_s) - start))
	if [ -z "$reasons" ]; then
		rc=$(cat $rcf 2>/dev/null)
		[ "$rc" = 0 ] || reasons="exit status ${rc:-?}"
	fi
	bad=$(dmesg | tail -n +$((klines + 1)) | grep -E "$KPAT")
	if [ -n "$bad" ]; then
		echo "[$name] kernel log lines that fail the test:"
		echo "$bad" | prefix "$name] [kernel"
		reasons="${reasons:+$reasons; }kernel log: $(echo "$bad" | head -n 1 | sed 's/^\[[ 0-9.]*\] //' | cut -c1-80)"
	fi
	taint1=$(taint)
	# Taint bits D (oops, 128) and L (soft lockup, 16384): later tests
	# would run on a damaged kernel.
	if [ $((taint1 & 16512)) != $((taint0 & 16512)) ]; then
		restart="kernel oops or lockup during $name"
	fi
	echo "[$name] ${dur}s"
	if [ -z "$reasons" ]; then
		mark "PCIEM-TEST PASS $name"
	else
		mark "PCIEM-TEST FAIL $name ($reasons)"
	fi
	if [ -n "$restart" ]; then
		mark "PCIEM-RESTART ($restart)"
		sleep 0.3
		poweroff -f
		sleep 10
	fi
	cd /
	rm -rf "$PCIEM_TMP"
done
finish
