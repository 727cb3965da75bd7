#!/bin/sh
# The demo run by `make demo` (vm/demo.sh) inside the test VM, as
# /pciem/demo.sh.  It shows, step by step, what a user sees when a PCIe
# device emulated from userspace appears on the machine.

# ===================== the emulated device (edit here) =====================
# How the demo creates its device.  The device ID is one pci.ids does not
# name, so lspci shows the description, not some other product's name.
DEMO_VENDOR=1b36
DEMO_DEVICE=00f0
demo_create_device() {
	pciemctl create --vendor 0x$DEMO_VENDOR --device 0x$DEMO_DEVICE \
		--class 0x018000 \
		--bar 0:16K --bar 2:1M:64,prefetch \
		--cap msi:2,64,mask --cap msix:0:0x2000:0x3000:8 \
		--cap pm --cap pcie --cap pasid:20 --cap vsec &
	DEMO_PID=$!
}
DEMO_CMD_TEXT='pciemctl create --vendor 0x1b36 --device 0x00f0 --class 0x018000
      --bar 0:16K --bar 2:1M:64,prefetch
      --cap msi:2,64,mask --cap msix:0:0x2000:0x3000:8
      --cap pm --cap pcie --cap pasid:20 --cap vsec &'
# ===========================================================================

n=0
step() {
	n=$((n + 1))
	echo
	echo "==== $n. $1"
	shift
	for l in "$@"; do
		echo "     $l"
	done
	echo
}
run() {
	echo "# $*"
	"$@"
}
die() {
	echo
	echo "demo stopped: $*"
	exit 1
}

echo "pciem demo: a PCIe device emulated by a userspace program, seen by"
echo "an unmodified Linux kernel ($(uname -r)) running in a QEMU VM."

step "The PCI devices the VM has before we start" \
	"All emulated by QEMU: the q35 chipset (host bridge, ISA bridge, SATA," \
	"SMBus), QEMU's 'edu' teaching device and an NVMe disk."
run lspci -nn

step "Load the pciem kernel module" \
	"pciem.ko gets a piece of RAM the kernel does not use (hidden with mem=" \
	"on the kernel command line) to back the emulated device's BARs:" \
	"pciem_phys_region=$PCIEM_POOL (start:size).  It creates /dev/pciem."
[ -f /pciem/modules/pciem.ko ] || die "/pciem/modules/pciem.ko is not built yet"
run insmod /pciem/modules/pciem.ko pciem_phys_region="$PCIEM_POOL" ||
	die "insmod failed"
i=0
while [ ! -c /dev/pciem ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
run ls -l /dev/pciem || die "/dev/pciem did not appear"

step "Describe a device and plug it in, from userspace" \
	"pciemctl opens /dev/pciem and declares the device: IDs, class, two" \
	"BARs (16 KiB, and 1 MiB 64-bit prefetchable) and a list of PCI" \
	"capabilities.  It stays running: it *is* the device."
echo "# $DEMO_CMD_TEXT"
command -v pciemctl >/dev/null || die "pciemctl is not built yet"
demo_create_device
dev=
i=0
while [ -z "$dev" ] && [ $i -lt 100 ]; do
	for d in /sys/bus/pci/devices/*; do
		if [ "$(cat "$d/vendor")" = "0x$DEMO_VENDOR" ] &&
			[ "$(cat "$d/device")" = "0x$DEMO_DEVICE" ]; then
			dev=$d
		fi
	done
	[ -n "$dev" ] && break
	kill -0 "$DEMO_PID" 2>/dev/null || die "pciemctl exited"
	sleep 0.1
	i=$((i + 1))
done
[ -n "$dev" ] || die "no $DEMO_VENDOR:$DEMO_DEVICE device appeared within 10 s"
addr=$(basename "$dev")
echo "the device appeared at $addr"

step "lspci lists it next to the real devices" \
	"Same command as in step 1: the new line is our emulated device."
run lspci -nn

step "The kernel reads its configuration space" \
	"lspci -vvv decodes every capability pciemctl declared (MSI, MSI-X," \
	"power management, PCI Express, PASID, vendor-specific), and shows the" \
	"BAR addresses the PCI core assigned."
run lspci -vvv -s "$addr"

step "The BARs, as the kernel assigned them" \
	"sysfs 'resource': one line per BAR (0-5) then the ROM: start, end and" \
	"flags (0x200 = memory, 0x2000 = prefetchable, 0x100000 = 64-bit)."
echo "# cat $dev/resource"
i=0
while read -r s e f; do
	case $i in 6) what=ROM ;; [0-5]) what="BAR$i" ;; *) break ;; esac
	if [ "$s" != 0x0000000000000000 ]; then
		echo "  $what: $s-$e flags $f ($(( (e - s + 1) / 1024 )) KiB)"
	fi
	i=$((i + 1))
done <"$dev/resource"

step "Bind a real, unmodified driver to it" \
	"Any PCI driver can take the device.  Here the generic UIO driver:" \
	"driver_override names the driver, drivers_probe binds it."
run modprobe uio_pci_generic
echo "# echo uio_pci_generic > $dev/driver_override"
echo uio_pci_generic >"$dev/driver_override"
echo "# echo $addr > /sys/bus/pci/drivers_probe"
echo "$addr" >/sys/bus/pci/drivers_probe
run lspci -k -s "$addr"
if [ -e "$dev/driver" ]; then
	echo "bound: $(basename "$(readlink "$dev/driver")"); /dev/$(ls "$dev/uio" 2>/dev/null | head -n 1) created"
else
	echo "uio_pci_generic did not bind (it needs INTx with the Interrupt Disable bit):"
	dmesg | grep -i uio | tail -n 3
fi

step "What the kernel logged about it"
dmesg | grep -E "pciem[: ]|${addr#0000:}" | tail -n 25

step "Unplug: stop the emulator, unload the module" \
	"When the program that owns the device exits, the device goes away," \
	"even with a driver bound."
run kill "$DEMO_PID"
wait "$DEMO_PID" 2>/dev/null
i=0
while [ -e "$dev" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -e "$dev" ] && die "$addr is still there after pciemctl exited"
echo "$addr is gone"
run rmmod pciem || die "rmmod pciem failed"
echo
echo "demo finished"
