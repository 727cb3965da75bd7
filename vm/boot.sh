# shellcheck shell=bash
# vm_boot: boot the test VM once (sourced by run-tests.sh and demo.sh).
#
#   vm_boot INITRD SCRATCH CONSOLE_LOG APPEND...
#
# Streams the guest console (ttyS0) to stdout and to CONSOLE_LOG.  The guest
# writes protocol lines (PCIEM-...) to its second serial port (ttyS1); each is
# passed to the caller's `on_marker LINE` as it arrives.  Every 2 s of
# silence, and after every console line, the caller's `on_tick` runs; when it
# returns non-zero with a reason in VM_KILL_REASON, QEMU is killed.  After
# QEMU is gone, VM_EXIT tells how: "exit <status>" or "killed: <reason>", and
# VM_PANIC is 1 when the console showed a kernel panic.  Console lines
# matching the bash pattern in VM_QUIET go to the log only.
#
# Globals used: KERNEL (vmlinuz path), QEMU_ARGS from qemu_base_args.

VM_QEMU_PID=

# vm_out LINE: to stdout and to the console log (fd 9).
vm_out() {
	printf '%s\n' "$1"
	printf '%s\n' "$1" >&9
}

vm_cleanup() {
	if [ -n "$VM_QEMU_PID" ] && kill -0 "$VM_QEMU_PID" 2>/dev/null; then
		kill "$VM_QEMU_PID" 2>/dev/null
		sleep 0.5
		kill -KILL "$VM_QEMU_PID" 2>/dev/null
	fi
	VM_QEMU_PID=
	if [ -n "${VM_BOOT_WORK:-}" ]; then
		rm -rf "$VM_BOOT_WORK"
		VM_BOOT_WORK=
	fi
}

vm_boot() {
	shopt -s extglob
	local initrd=$1 scratch=$2 log=$3
	shift 3
	# preempt=full: a driver spinning on a trapped MMIO read stays
	# preemptible, so the emulator gets a CPU even when every CPU waits for
	# it (docs/ARCHITECTURE.md, "MMIO trapping").
	# clearcpuid=erms,fsrm: QEMU's TCG runs "rep movsb" a byte at a time,
	# which no real CPU does; without ERMS/FSRM the kernel copies (DMA,
	# copy_to_user) with 8-byte moves instead (bench/RESULTS.md).
	local append="console=ttyS0,115200 intel_iommu=on $(guest_pool_append) preempt=full clearcpuid=erms,fsrm panic=1 log_buf_len=8M rdinit=/init $*"
	local work res fifo line partial= mline mpartial= st
	work=$(mktemp -d "$VM_OUT/.boot.XXXXXX")
	VM_BOOT_WORK=$work
	res=$work/ttyS1
	fifo=$work/console
	mkfifo "$fifo"
	: >"$res"
	qemu_base_args "$scratch"
	qemu-system-x86_64 "${QEMU_ARGS[@]}" \
		-kernel "$KERNEL" -initrd "$initrd" -append "$append" \
		-serial stdio -serial "file:$res" \
		</dev/null >"$fifo" 2>&1 &
	VM_QEMU_PID=$!
	exec 7<"$fifo" 8<"$res" 9>>"$log"
	VM_EXIT= VM_PANIC=0 VM_KILL_REASON=
	while :; do
		if IFS= read -r -t 2 line <&7; then
			line=$partial$line
			partial=
			line=${line%$'\r'}
			if [[ $line == *$'\e'* ]]; then
				# terminal control sequences (firmware, tests): drop them
				line=${line//$'\e'[\[]*([0-9;?])[A-Za-z]/}
				line=${line//$'\e'?/}
			fi
			if [ -n "${VM_QUIET:-}" ] && [[ $line == $VM_QUIET ]]; then
				printf '%s\n' "$line" >&9
			else
				vm_out "$line"
			fi
			case "$line" in *"Kernel panic"*) VM_PANIC=1 ;; esac
		else
			st=$?
			if [ $st -le 128 ]; then
				# EOF: QEMU is gone.
				[ -z "$partial$line" ] || vm_out "$partial$line"
				break
			fi
			partial=$partial$line
		fi
		# protocol lines from ttyS1
		while IFS= read -r mline <&8 || { mpartial=$mpartial$mline; false; }; do
			mline=$mpartial$mline
			mpartial=
			on_marker "${mline%$'\r'}"
		done
		if [ -z "$VM_EXIT" ] && ! on_tick; then
			VM_EXIT="killed: $VM_KILL_REASON"
			vm_out "vm: $VM_KILL_REASON: stopping the guest"
			vm_cleanup
		fi
	done
	if [ -n "$VM_QEMU_PID" ]; then
		wait "$VM_QEMU_PID" && st=0 || st=$?
		VM_QEMU_PID=
		[ -n "$VM_EXIT" ] || VM_EXIT="exit $st"
	fi
	# Markers written just before QEMU went away.
	while IFS= read -r mline <&8 || [ -n "$mline" ]; do
		mline=$mpartial$mline
		mpartial=
		on_marker "${mline%$'\r'}"
	done
	exec 7<&- 8<&- 9>&-
	rm -rf "$work"
	VM_BOOT_WORK=
}
