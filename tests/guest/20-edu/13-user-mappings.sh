#!/bin/sh
# timeout: 120
# A process that maps BAR 0 itself reaches the device, not BAR memory: the
# sysfs resource0 file (pcibar) and /dev/pci's PCIOCBARMMAP (pciconf -D)
# read the identification register and the liveness register's complement
# of what was written, also across the two mappings.  On pciem-edu those
# registers live in the emulator (BAR memory holds none of it), so every
# access must reach it (pciem takes remap_pfn_range()'s place for traced
# BARs: kernel/pciem/trap.c).  The kernel lets processes map a BAR only
# while no driver has claimed it, so edu_test lets go of each device for
# the checks.  Same checks, same expectations, QEMU's edu and pciem-edu.
. /pciem/tests/lib.sh
. /pciem/tests/20-edu/edu-lib.sh
. /pciem/tests/60-pciio/pciio-lib.sh

user_mappings() {
	who=$1 a=$2 s=/sys/bus/pci/devices/$2
	r=$s/resource0 sel=$(bsd_sel "$2")
	echo "$a" >"$s/driver/unbind" || fail "$who: unbind"
	setpci -s "$a" COMMAND=0002:0002
	check_num "$who: identification through resource0" 0x010000ed "$(pcibar $r read 0)"
	for v in 0x12345678 0xa5a5a5a5; do
		check pcibar $r write 0x04 $v
		check_num "$who: liveness after $v through resource0" $((~v & 0xffffffff)) \
			"$(pcibar $r read 0x04)"
	done
	check_eq "$who: identification through /dev/pci" 010000ed \
		"$(pciconf -D "$sel" 0x10 0 1 | od -An -tx4 | tr -d ' ')"
	check pcibar $r write 0x04 0x0f0f0f0f
	check_eq "$who: liveness written through resource0, read through /dev/pci" f0f0f0f0 \
		"$(pciconf -D "$sel" 0x10 1 1 | od -An -tx4 | tr -d ' ')"
	edu_bind "$s"
}

load_pciio
edu_begin
for_both user_mappings
edu_end
pass
