#!/bin/sh
# timeout: 60
# The VM is what guest tests are promised: mounts, environment, Debian
# modules, tools, a clean boot log, and a BAR memory pool that is neither
# System RAM nor used by anything else.
. /pciem/tests/lib.sh

for m in /proc /sys /dev /tmp /sys/kernel/debug; do
	grep -q " $m " /proc/mounts || fail "$m is not mounted"
done
check_eq hung_task_timeout_secs 20 "$(cat /proc/sys/kernel/hung_task_timeout_secs)"
case ":$PATH:" in *:/pciem/bin:*) ;; *) fail "/pciem/bin not in PATH ($PATH)" ;; esac
[ "$(pwd)" = "$PCIEM_TMP" ] || fail "not in PCIEM_TMP"
grep -q intel_iommu=on /proc/cmdline || fail "intel_iommu=on missing"
[ -n "$(ls /sys/kernel/iommu_groups)" ] || fail "no IOMMU groups"

# Debian modules resolve through modprobe (dependencies included).
check modprobe vfio-pci
check modprobe uio_pci_generic
check modprobe ext4
grep -q '^vfio_pci ' /proc/modules || fail "vfio_pci not loaded"
lspci >/dev/null || fail "lspci does not run"

if [ -z "$PCIEM_POOL" ]; then
	# Pool from RAM: nothing hidden with mem=, all 2 GiB are System RAM.
	grep -q " mem=" /proc/cmdline && fail "mem= on the command line in RAM pool mode"
	mem_kb=$(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo)
	[ "$mem_kb" -gt $((1900 * 1024)) ] || fail "MemTotal ${mem_kb} kB: RAM hidden in RAM pool mode"
	pass
fi

# The pool: inside the RAM hidden by mem=, absent from /proc/iomem.
pool_start=$((${PCIEM_POOL%%:*}))
pool_end=$((pool_start + ${PCIEM_POOL##*:} - 1))
info "pool $(printf '%#x-%#x' $pool_start $pool_end)"
while IFS= read -r line; do
	range=$(echo "$line" | sed 's/^ *\([0-9a-f]*\)-\([0-9a-f]*\) : .*/\1 \2/')
	s=$((0x${range% *}))
	e=$((0x${range#* }))
	if [ $s -le $pool_end ] && [ $e -ge $pool_start ]; then
		fail "the pool overlaps /proc/iomem entry: $line"
	fi
done </proc/iomem
dmesg | grep -E 'e820: remove|user: .*usable' | head -n 10
mem_kb=$(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo)
[ $((mem_kb * 1024)) -lt $pool_start ] || fail "MemTotal ${mem_kb} kB reaches into the pool"

# Nothing bad happened while booting.
bad=$(dmesg | grep -E '(^|[^A-Za-z_])BUG([^A-Za-z_]|$)|WARNING:|Oops|Call Trace|general protection')
[ -z "$bad" ] || fail "boot kernel log: $bad"
pass
