#!/bin/sh
# Configuration writes through sysfs (setpci) obey the PCI rules: read-only
# bits hold, W1C bits never set, writable bits take the value, and the BAR
# sizing protocol reads back the right masks.
. /pciem/tests/lib.sh
. /pciem/tests/pciem-lib.sh
load_pciem
start_dev --vendor 0x1b36 --device 0x00f3 --class 0x018000 \
	--bar 0:16K --bar 2:1M:64,prefetch --cap msi:2,64,mask --cap pm --cap pcie
a=$DEV_ADDR

# Read-only header fields.
cfg_write $a 0x00.l=0xdeadbeef
check_eq "vendor/device after write" 00f31b36 "$(cfg $a 0x00.l)"
cfg_write $a 0x08.l=0xffffffff
check_eq "class/revision after write" 01800000 "$(cfg $a 0x08.l)"
cfg_write $a 0x0e.b=0xff
check_eq "header type after write" 00 "$(cfg $a 0x0e.b)"
cfg_write $a 0x2c.l=0x12345678
check_eq "subsystem IDs after write" 00000000 "$(cfg $a 0x2c.l)"
cfg_write $a 0x34.b=0x80
check_eq "capability pointer after write" 40 "$(cfg $a 0x34.b)"
cfg_write $a 0x3d.b=0x04
check_eq "interrupt pin after write" 01 "$(cfg $a 0x3d.b)"

# Writable ones.
cfg_write $a 0x3c.b=0x5a
check_eq "interrupt line" 5a "$(cfg $a 0x3c.b)"
cfg_write $a 0x0c.b=0x10
check_eq "cache line size" 10 "$(cfg $a 0x0c.b)"
cfg_write $a 0x0d.b=0xff
check_eq "latency timer (RO 0 on PCIe)" 00 "$(cfg $a 0x0d.b)"

# COMMAND: only Memory, Bus Master, Parity, SERR#, INTx Disable are writable.
orig_cmd=$(cfg $a 0x04.w)
cfg_write $a 0x04.w=0xffff
check_eq "COMMAND after 0xffff" 0546 "$(cfg $a 0x04.w)"
cfg_write $a 0x04.w=0x$orig_cmd

# STATUS: W1C bits cannot be set from software; Capabilities List stays.
cfg_write $a 0x06.w=0xffff
check_eq "STATUS after 0xffff" 0010 "$(cfg $a 0x06.w)"

# BAR sizing: write all ones, read the size mask with the type bits, restore.
sizing() {
	reg=$1 want=$2
	orig=$(cfg $a $reg.l)
	cfg_write $a $reg.l=0xffffffff
	check_eq "sizing $reg" $want "$(cfg $a $reg.l)"
	cfg_write $a $reg.l=0x$orig
	check_eq "restore $reg" $orig "$(cfg $a $reg.l)"
}
cfg_write $a 0x04.w=0x0000	# decoding off while sizing, as the PCI core does
sizing 0x10 ffffc000	# BAR 0: 16 KiB, 32-bit
sizing 0x18 fff0000c	# BAR 2: 1 MiB, 64-bit prefetchable (low dword)
sizing 0x1c ffffffff	# BAR 2: high dword
sizing 0x14 00000000	# BAR 1: not implemented
sizing 0x20 00000000	# BAR 4: not implemented
sizing 0x30 00000000	# no expansion ROM
cfg_write $a 0x04.w=0x$orig_cmd

# MSI: Enable writable; Multiple Message Enable clamped to Capable (4 vectors).
msi=0x40
mc=$(printf '0x%x' $((msi + 2)))
check_eq "MSI control" 0184 "$(cfg $a $mc.w)"
cfg_write $a $mc.w=0x0071
check_eq "MSI control after enable + MME=7" 01a5 "$(cfg $a $mc.w)"
cfg_write $a $mc.w=0x0000
check_eq "MSI mask bits (4 vectors)" 0000000f \
	"$(cfg_write $a $(printf '0x%x' $((msi + 0x10))).l=0xffffffff; cfg $a $(printf '0x%x' $((msi + 0x10))).l)"

# PM: D3hot accepted, unsupported D1 ignored, back to D0.
pm=$(printf '0x%x' $((msi + 0x18)))
check_eq "PM capability ID" 01 "$(cfg $a $pm.b)"
pmcsr=$(printf '0x%x' $((pm + 4)))
cfg_write $a $pmcsr.w=0x0003
check_eq "PMCSR D3hot" 0003 "$(printf '%04x' $((0x$(cfg $a $pmcsr.w) & 3)))"
cfg_write $a $pmcsr.w=0x0001
check_eq "PMCSR after D1 (unsupported)" 0003 "$(printf '%04x' $((0x$(cfg $a $pmcsr.w) & 3)))"
cfg_write $a $pmcsr.w=0x0000
check_eq "PMCSR D0" 0000 "$(printf '%04x' $((0x$(cfg $a $pmcsr.w) & 3)))"

stop_dev $DEV_PID $a
pass
