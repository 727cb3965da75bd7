#!/bin/sh
# timeout: 480
# trinity, Debian's system call fuzzer, against /dev/pciem (as root, which
# opening it needs: ioctl, mmap, read, write, poll and friends with random
# arguments on fds of that node only) and against /dev/pci (as an
# unprivileged user, who can open it only read-only: trinity must not
# rewrite the configuration space of the VM's real devices).  The kernel log must stay
# clean (the runner checks it), and pciem.ko must unload afterwards.
. /pciem/tests/lib.sh
. /pciem/tests/pciem-lib.sh
. /pciem/tests/60-pciio/pciio-lib.sh
command -v trinity >/dev/null || fail "trinity is not in the VM (vm/guest-tools.list)"
load_pciem
load_pciio

# trinity walks one victim directory; give it a node of each device alone.
node() {	# node DIR DEV MODE
	mkdir -p "$1"
	set -- "$1" "$2" "$3" "$(stat -c '%t %T' "$2")"
	mknod -m "$3" "$1/$(basename "$2")" c $((0x${4% *})) $((0x${4#* }))
}
node "$PCIEM_TMP/pciem" /dev/pciem 0600
node "$PCIEM_TMP/pci" /dev/pci 0444

SYSCALLS="-c ioctl -c mmap -c munmap -c mremap -c read -c write -c pread64 -c pwrite64 -c poll -c lseek -c dup -c fcntl"
NOFDS=--disable-fds=sockets,pipes,perf,epoll,eventfd,pseudo,timerfd,testfile,memfd,drm

# run_trinity LOG ARGS...: 3000 system calls (1500 on the debug kernel)
# from two children.  trinity
# itself sometimes stops making progress; after 120 s it is interrupted
# (SIGINT, its ctrl-c) and what it did counts.  The judges are the kernel
# log and what must still work afterwards.
run_trinity() {
	_log=$1
	shift
	timeout -s INT 120 ${RUNAS:-} trinity -q -l off -T WARN,DIE,BAD_PAGE,MACHINE_CHECK -C 2 -N "$(rounds 3000)" \
		$NOFDS $SYSCALLS "$@" >"$_log" 2>&1
	_st=$?
	grep -E "iterations|Ran [0-9]+ syscalls|taint|Bailing" "$_log" | tail -n 3
	[ $_st = 0 ] || [ $_st = 124 ] || [ $_st = 130 ] || { tail -n 20 "$_log"; fail "trinity $* ended with status $_st"; }
	grep -Eq "[0-9]+ iterations|Ran [0-9]+ syscalls" "$_log" || { tail -n 20 "$_log"; fail "trinity made no system calls"; }
}
cd "$PCIEM_TMP"
info "trinity on /dev/pciem"
run_trinity pciem.log --dangerous -s 7 -V "$PCIEM_TMP/pciem"
info "trinity on /dev/pci, as an unprivileged user"
mkdir -p "$PCIEM_TMP/nobody" && chmod 777 "$PCIEM_TMP/nobody"
cd "$PCIEM_TMP/nobody"
RUNAS="runas 65534 65534"
run_trinity pci.log -s 11 -V "$PCIEM_TMP/pci"
RUNAS=
check_eq "BARs claimed in the pool afterwards" 0 "$(pool_entries | wc -l)"
unload_pciem
pass
