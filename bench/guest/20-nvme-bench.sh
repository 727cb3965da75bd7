#!/bin/sh
# NVMe benchmark (issue 4): pciem-nvme (examples/nvme) against QEMU's
# "-device nvme" in the same VM, same run, both driven by the in-tree nvme
# driver.  Five rounds, the two controllers taking turns in each round:
#   sequential write, 1 MiB O_DIRECT (nvme_io seqwrite, 128 MiB)
#   sequential read,  1 MiB O_DIRECT (nvme_io seqread, 128 MiB)
#   random 4 KiB O_DIRECT reads, 4 threads (nvme_io randread, 4 x 2000)
# The medians go out as BENCH-NVME lines (bench/run.sh makes the table).
# Then the profile: pciem-nvme --stats for each workload alone, with and
# without shadow doorbells (BENCH-NVMEPROF lines).
# Not a test: it fails only when a measurement could not be taken.
# timeout: 900
. /pciem/tests/lib.sh
. /pciem/tests/30-nvme/nvme-lib.sh

MIB=128
RR_COUNT=2000
SPAN=$((MIB * 1024 * 1024))

median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }

# seqwrite|seqread DISK: MiB/s of 1 MiB O_DIRECT transfers (what dd bs=1M
# oflag/iflag=direct does), timed by nvme_io with the monotonic clock: at
# QEMU's 1.6-2.3 GiB/s, 128 MiB take 0.06-0.08 s, which /proc/uptime's
# centiseconds would round by 12-17 %.
seqio() {
	_r=$(nvme_io "$1" /dev/"$2" $MIB | sed -n 's/.* s, \([0-9.]*\) MiB\/s$/\1/p')
	[ -n "$_r" ] || fail "$1 on $2"
	echo "$_r"
}
seqwrite() { seqio seqwrite "$1"; }
seqread() { seqio seqread "$1"; }
randread() {
	_i=$(nvme_io randread /dev/"$1" --threads 4 --count $RR_COUNT --span $SPAN --seed "${2:-1}" |
		sed -n 's/.* s, \([0-9]*\) IOPS.*/\1/p')
	[ -n "$_i" ] || fail "randread on $1"
	echo "$_i"
}

nvme_begin
nvme_start_ours --size 256M "$NVME_FILE"
# Both backing stores fully allocated before anything is timed (QEMU's is a
# sparse file on the host, ours a sparse file in the guest's tmpfs).
for d in "$QEMU_DISK" "$OUR_DISK"; do
	dd if=/dev/zero of=/dev/"$d" bs=1M count=$MIB oflag=direct 2>/dev/null || fail "prefill $d"
done

qw='' qr='' qi='' ow='' or='' oi=''
for round in 1 2 3 4 5; do
	a=$(seqwrite "$QEMU_DISK"); qw="$qw $a"
	b=$(seqwrite "$OUR_DISK"); ow="$ow $b"
	c=$(seqread "$QEMU_DISK"); qr="$qr $c"
	d=$(seqread "$OUR_DISK"); or="$or $d"
	e=$(randread "$QEMU_DISK" $round); qi="$qi $e"
	f=$(randread "$OUR_DISK" $round); oi="$oi $f"
	echo "round $round: write MiB/s qemu $a ours $b; read MiB/s qemu $c ours $d; randread IOPS qemu $e ours $f"
	echo "BENCH-NVMERUN|$round|$b / $a|$d / $c|$f / $e"
done
nvme_stop_ours

line() { # NAME UNIT OURS QEMU TARGET
	_r=$(echo "$3 $4" | awk '{ printf "%.2f", $1 / $2 }')
	_m=—
	[ "$5" != — ] && { _m=no; awk "BEGIN { exit !($_r >= 0.5) }" && _m=yes; }
	echo "BENCH-NVME|$1|$3 $2|$4 $2|${_r}×|$5|$_m"
}
# shellcheck disable=SC2086  # word lists
{
	line "sequential write, 1 MiB O_DIRECT" MiB/s "$(median $ow)" "$(median $qw)" —
	line "sequential read, 1 MiB O_DIRECT" MiB/s "$(median $or)" "$(median $qr)" "≥ 0.5×"
	line "random 4 KiB read, 4 threads" IOPS "$(median $oi)" "$(median $qi)" "≥ 0.5×"
}

# Profile: one workload per pciem-nvme run, so --stats counts only it.
prof() { # LABEL WORKLOAD [pciem-nvme options]
	_l=$1 _w=$2
	shift 2
	: >"$PCIEM_TMP/nvme.err"
	nvme_start_ours --stats "$@" "$NVME_FILE"
	_v=$($_w "$OUR_DISK")
	nvme_stop_ours
	_s=$(grep 'commands in\|queue threads' "$PCIEM_TMP/nvme.err" | sed 's/^pciem-nvme: //' |
		tr '\n' ' ')
	echo "BENCH-NVMEPROF|$_l|$_v|$_s"
}
prof "sequential write (MiB/s)" seqwrite
prof "sequential write (MiB/s), no shadow doorbells" seqwrite --no-shadow-doorbells
prof "sequential read (MiB/s)" seqread
prof "sequential read (MiB/s), no shadow doorbells" seqread --no-shadow-doorbells
prof "random read (IOPS)" randread
prof "random read (IOPS), no shadow doorbells" randread --no-shadow-doorbells
prof "sequential read (MiB/s), 1 I/O queue" seqread --queues 1
prof "sequential read (MiB/s), doorbells through the main thread" seqread --no-ioeventfd
prof "sequential read (MiB/s), polling 500 µs (--poll-us 500)" seqread --poll-us 500
prof "random read (IOPS), polling 500 µs (--poll-us 500)" randread --poll-us 500
: >"$PCIEM_TMP/nvme.err"
nvme_end
pass
