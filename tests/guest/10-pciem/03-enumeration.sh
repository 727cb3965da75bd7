#!/bin/sh
# The PCI core enumerates exactly what was described: IDs, class, revision,
# subsystem IDs, BAR sizes and flags, and the capability chains.
. /pciem/tests/lib.sh
. /pciem/tests/pciem-lib.sh
load_pciem

start_dev --vendor 0x1b36 --device 0x00f0 --subvendor 0x1af4 --subdevice 0x1100 \
	--rev 0x42 --class 0x058000 \
	--bar 0:16K --bar 2:1M:64,prefetch --bar 4:64K:64 \
	--cap msi:3,64,mask --cap msix:0:0x2000:0x3000:16 --cap pm --cap pcie \
	--cap pasid:20,exec --cap vsec:0x1234:2:24
a=$DEV_ADDR
d=$DEV_SYSFS
info "device at $a"

check_eq vendor 0x1b36 "$(cat $d/vendor)"
check_eq device 0x00f0 "$(cat $d/device)"
check_eq subsystem_vendor 0x1af4 "$(cat $d/subsystem_vendor)"
check_eq subsystem_device 0x1100 "$(cat $d/subsystem_device)"
check_eq class 0x058000 "$(cat $d/class)"
check_eq revision 0x42 "$(cat $d/revision)"
check_eq "config space size" 4096 "$(wc -c < $d/config)"

# BARs: line N of "resource" is "start end flags" (flags: IORESOURCE_* plus
# the BAR's own type bits).
bar_line() { sed -n "$(($1 + 1))p" $d/resource; }
check_bar() {
	set -- $1 $2 $3 $(bar_line $1)
	check_eq "BAR $1 size" "$2" "$(($5 - $4 + 1))"
	check_eq "BAR $1 flags" "$3" "$6"
}
check_bar 0 16384 0x0000000000040200
check_bar 2 1048576 0x000000000014220c
check_bar 4 65536 0x0000000000140204
for n in 1 3 5; do
	check_eq "BAR $n (absent/upper half)" "0x0000000000000000 0x0000000000000000 0x0000000000000000" \
		"$(bar_line $n)"
done
# Each BAR lies inside the BAR pool, claimed in /proc/iomem.
pool_entries | grep -q "$a" || fail "BARs not claimed in the pool: $(pool_entries)"

# Standard capability chain, in the order added.
ids=""
off=$(cfg $a 0x34.b)
n=0
while [ "$off" != "00" ] && [ $n -lt 48 ]; do
	ids="$ids $(cfg $a 0x$off.b)"
	off=$(cfg $a $(printf '0x%x' $((0x$off + 1))).b)
	n=$((n + 1))
done
check_eq "standard capability IDs" " 05 11 01 10" "$ids"
check_eq "Status.Capabilities List" 10 "$(printf '%02x' $((0x$(cfg $a 0x06.w) & 0x10)))"

# Extended chain from 0x100: PASID (0x1b) then VSEC (0x0b).
ids=""
off=256
n=0
while [ $off -ne 0 ] && [ $n -lt 16 ]; do
	hdr=$((0x$(cfg $a $(printf '0x%x' $off).l)))
	ids="$ids $(printf '%04x' $((hdr & 0xffff)))"
	off=$((hdr >> 20))
	n=$((n + 1))
done
check_eq "extended capability IDs" " 001b 000b" "$ids"

# What lspci decodes.
lspci -vvv -s $a > $PCIEM_TMP/lspci.txt 2>&1 || fail "lspci"
cat $PCIEM_TMP/lspci.txt
for want in "MSI: Enable- Count=1/8 Maskable+ 64bit+" \
	    "MSI-X: Enable- Count=16 Masked-" \
	    "Vector table: BAR=0 offset=00002000" \
	    "PBA: BAR=0 offset=00003000" \
	    "Power Management version 3" \
	    "Express (v2) Endpoint" \
	    "FLReset+" \
	    "Process Address Space ID (PASID)" \
	    "Vendor Specific Information: ID=1234 Rev=2 Len=018" \
	    "Region 2: Memory at" ; do
	grep -qF "$want" $PCIEM_TMP/lspci.txt || fail "lspci -vvv does not show '$want'"
	echo "ok: lspci shows '$want'"
done
grep -q "Subsystem: .*1af4.*1100\|Subsystem: Red Hat, Inc.* \[1af4:1100\]" $PCIEM_TMP/lspci.txt ||
	lspci -nn -vvv -s $a | grep -q "Subsystem: .*\[1af4:1100\]" || fail "subsystem IDs in lspci"

stop_dev $DEV_PID $a
pool_entries | grep -q "$a" && fail "BARs still claimed after removal"
pass
