# Helpers for the 30-nvme tests (busybox sh); source after lib.sh.
#
# pciem-nvme (examples/nvme) and QEMU's "-device nvme" (1b36:0010), both
# driven by the unmodified in-tree nvme driver, go through the same checks:
#
#     nvme_begin                  modprobe nvme, load pciem.ko, find QEMU's
#                                 controller (QEMU_PCI, QEMU_CTRL, QEMU_DISK)
#     nvme_start_ours [OPTS] FILE start pciem-nvme; wait until the driver has
#                                 bound and the namespace is there (OUR_PID,
#                                 OUR_ADDR, OUR_PCI, OUR_CTRL, OUR_DISK)
#     nvme_stop_ours [SIGNAL]     SIGTERM: exit status 0, the controller leaves
#     for_both FUNCTION           FUNCTION qemu DISK CTRL, then ours
#     nvme_end                    stop pciem-nvme, unload pciem.ko (checked)
#
# nvme_begin installs an EXIT trap that stops pciem-nvme and unloads
# pciem.ko after a failure.

. /pciem/tests/pciem-lib.sh

NVME_FILE=$PCIEM_TMP/nvme.img

# nvme_ctrl_of SYSFS_PCI_DIR: the controller's name (nvme0), empty if none.
nvme_ctrl_of() {
	for _c in "$1"/nvme/nvme*; do
		[ -e "$_c" ] && basename "$_c" && return 0
	done
	return 1
}

# nvme_disk_of CTRL: the first namespace's block device name (nvme0n1).
nvme_disk_of() {
	for _n in /sys/class/nvme/"$1"/nvme*n1 /sys/class/nvme/"$1"/nvme*c*n1; do
		[ -e "$_n" ] || continue
		_b=$(basename "$_n")
		# With multipath the disk is nvmeXnY, the path nvmeXcZnY.
		case $_b in
		*c*n*) _b=$(echo "$_b" | sed 's/c[0-9]*n/n/') ;;
		esac
		[ -b /dev/$_b ] && echo "$_b" && return 0
	done
	return 1
}

_nvme_cleanup() {
	if [ -s "$PCIEM_TMP/nvme.err" ]; then
		echo "pciem-nvme said:"
		cat "$PCIEM_TMP/nvme.err"
	fi
	grep -q " $PCIEM_TMP/mnt " /proc/mounts && umount -f "$PCIEM_TMP/mnt" 2>/dev/null
	[ -n "$OUR_PID" ] && kill "$OUR_PID" 2>/dev/null && wait "$OUR_PID" 2>/dev/null
	grep -q '^pciem ' /proc/modules && rmmod pciem
	return 0
}

nvme_begin() {
	trap _nvme_cleanup EXIT
	modprobe nvme || fail "modprobe nvme"
	load_pciem "$@"
	QEMU_PCI=$(sysfs_dev_by_id 1b36 0010) || fail "no QEMU nvme controller (1b36:0010)"
	wait_for "nvme_ctrl_of $QEMU_PCI >/dev/null && nvme_disk_of \$(nvme_ctrl_of $QEMU_PCI) >/dev/null" 30 ||
		fail "QEMU's controller has no namespace"
	QEMU_CTRL=$(nvme_ctrl_of "$QEMU_PCI")
	QEMU_DISK=$(nvme_disk_of "$QEMU_CTRL")
	info "QEMU's nvme: $(pci_addr "$QEMU_PCI") $QEMU_CTRL /dev/$QEMU_DISK"
}

# nvme_start_ours [OPTIONS] [FILE]: the file defaults to $NVME_FILE, 64 MiB.
nvme_start_ours() {
	rm -f "$PCIEM_TMP/nvme.out"
	_file=
	for _a in "$@"; do _file=$_a; done
	case $_file in
	/*) ;;
	*) set -- "$@" "$NVME_FILE" ;;
	esac
	pciem-nvme "$@" >"$PCIEM_TMP/nvme.out" 2>>"$PCIEM_TMP/nvme.err" &
	OUR_PID=$!
	if ! wait_for "[ -s $PCIEM_TMP/nvme.out ]" 30; then
		cat "$PCIEM_TMP/nvme.err"
		fail "pciem-nvme $* did not start"
	fi
	OUR_ADDR=$(head -n 1 "$PCIEM_TMP/nvme.out")
	OUR_PCI=/sys/bus/pci/devices/$OUR_ADDR
	[ -d "$OUR_PCI" ] || fail "pciem-nvme's $OUR_ADDR is not in sysfs"
	wait_for "nvme_ctrl_of $OUR_PCI >/dev/null" 30 || fail "the nvme driver did not take $OUR_ADDR"
	OUR_CTRL=$(nvme_ctrl_of "$OUR_PCI")
	wait_for "nvme_disk_of $OUR_CTRL >/dev/null" 60 || fail "$OUR_CTRL has no namespace"
	OUR_DISK=$(nvme_disk_of "$OUR_CTRL")
	wait_for "[ \$(cat /sys/class/nvme/$OUR_CTRL/state) = live ]" 30 ||
		fail "$OUR_CTRL is $(cat /sys/class/nvme/$OUR_CTRL/state), not live"
	info "pciem-nvme (pid $OUR_PID) at $OUR_ADDR: $OUR_CTRL /dev/$OUR_DISK"
}

# nvme_stop_ours [SIGNAL]: SIGTERM (default) must end pciem-nvme with
# status 0; its controller must leave the bus.
nvme_stop_ours() {
	[ -n "$OUR_PID" ] || return 0
	kill -"${1:-TERM}" "$OUR_PID"
	wait "$OUR_PID"
	_st=$?
	OUR_PID=
	check_eq "pciem-nvme exit status after SIG${1:-TERM}" 0 "$_st"
	wait_for "[ ! -e $OUR_PCI ]" 30 || fail "$OUR_ADDR still present after pciem-nvme ended"
}

# for_both FUNCTION: FUNCTION qemu QEMU_DISK QEMU_CTRL, then ours.
for_both() {
	info "== QEMU's controller ($QEMU_CTRL, /dev/$QEMU_DISK)"
	"$1" qemu "$QEMU_DISK" "$QEMU_CTRL"
	info "== pciem-nvme ($OUR_CTRL, /dev/$OUR_DISK)"
	"$1" ours "$OUR_DISK" "$OUR_CTRL"
}

nvme_end() {
	nvme_stop_ours
	unload_pciem
	trap - EXIT
	if [ -s "$PCIEM_TMP/nvme.err" ]; then
		info "pciem-nvme said:"
		cat "$PCIEM_TMP/nvme.err"
	fi
}

# mkfs_dev DEVICE: a fresh file system; sets FSTYPE.  ext4 with e2fsprogs'
# mke2fs when the VM has it, else ext2 with busybox's (the ext4 driver
# mounts both).  Busybox's sh runs its own applet for a bare "mke2fs", so
# e2fsprogs' is called by its path.
mkfs_dev() {
	for _m in /usr/sbin/mke2fs /sbin/mke2fs ""; do
		[ -n "$_m" ] && [ -x "$_m" ] && "$_m" -V >/dev/null 2>&1 && break
	done
	if [ -n "$_m" ]; then
		FSTYPE=ext4
		"$_m" -q -F -t ext4 "$1" || fail "mke2fs -t ext4 $1"
	else
		FSTYPE=ext2
		mke2fs -F "$1" >/dev/null || fail "mke2fs $1"
	fi
	echo "ok: $FSTYPE file system on $1"
}

# fsck_dev WHO DEVICE: e2fsck -fn must find nothing (skipped without e2fsprogs).
fsck_dev() {
	if ! e2fsck -V >/dev/null 2>&1; then
		info "$1: no e2fsck in the VM, not checked"
		return 0
	fi
	e2fsck -fn "$2" >"$PCIEM_TMP/fsck.$1" 2>&1 || { cat "$PCIEM_TMP/fsck.$1"; fail "$1: e2fsck found errors"; }
	echo "ok: $1: e2fsck clean"
}
