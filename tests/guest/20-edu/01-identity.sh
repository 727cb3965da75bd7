#!/bin/sh
# timeout: 120
# Configuration space: pciem-edu looks like QEMU's edu to the PCI core and
# lspci — IDs, subsystem, revision, class 00ff, header type 0, INTA,
# BAR 0 as 1 MiB of 32-bit non-prefetchable memory and nothing else, one
# capability (MSI: 64-bit, one vector, no per-vector masking), no PCI
# Express capability.
. /pciem/tests/lib.sh
. /pciem/tests/20-edu/edu-lib.sh

# caps ADDR: the capability IDs in list order, space-separated.
caps() {
	_p=$(cfg "$1" CAPABILITIES.b)
	_ids= _n=0
	while [ "$((0x$_p & 0xfc))" != 0 ] && [ $_n -lt 48 ]; do
		_p=$(printf '%x' $((0x$_p & 0xfc)))
		_ids="$_ids $(cfg "$1" "$_p.b")"
		_p=$(cfg "$1" "$(printf '%x' $((0x$_p + 1))).b")
		_n=$((_n + 1))
	done
	echo $_ids
}

identity() {
	who=$1 a=$2 s=/sys/bus/pci/devices/$2
	check_eq "$who vendor" 0x1234 "$(cat $s/vendor)"
	check_eq "$who device" 0x11e8 "$(cat $s/device)"
	check_eq "$who subsystem vendor" 0x1af4 "$(cat $s/subsystem_vendor)"
	check_eq "$who subsystem device" 0x1100 "$(cat $s/subsystem_device)"
	check_eq "$who revision" 0x10 "$(cat $s/revision)"
	check_eq "$who class" 0x00ff00 "$(cat $s/class)"
	check_eq "$who header type" 00 "$(cfg "$a" HEADER_TYPE.b)"
	check_eq "$who interrupt pin" 01 "$(cfg "$a" INTERRUPT_PIN.b)"
	check_eq "$who status: capability list" 10 \
		"$(printf '%02x' $((0x$(cfg "$a" STATUS.w) & 0x10)))"
	# BAR 0: 1 MiB, memory, 32-bit, not prefetchable; BARs 1-5 and ROM absent.
	bar0=$(sed -n 1p $s/resource)
	set -- $bar0
	check_num "$who BAR 0 size" 0x100000 $(($2 - $1 + 1))
	check_eq "$who BAR 0 register type bits" 0 "$(($(printf '0x%s' "$(cfg "$a" BASE_ADDRESS_0.l)") & 0xf))"
	for i in 2 3 4 5 6 7; do
		check_eq "$who resource line $i" "0x0000000000000000 0x0000000000000000 0x0000000000000000" \
			"$(sed -n ${i}p $s/resource)"
	done
	check_eq "$who capabilities" 05 "$(caps "$a")"
	msi=$(printf '%x' $((0x$(cfg "$a" CAPABILITIES.b) & 0xfc)))
	ctl=$(cfg "$a" "$(printf '%x' $((0x$msi + 2))).w")
	check_eq "$who MSI 64-bit" 1 $(((0x$ctl >> 7) & 1))
	check_eq "$who MSI per-vector masking" 0 $(((0x$ctl >> 8) & 1))
	check_eq "$who MSI multiple message capable" 0 $(((0x$ctl >> 1) & 7))
	lspci -vv -s "$a" > lspci.$who
	if grep -q 'Express' lspci.$who; then
		cat lspci.$who
		fail "$who has a PCI Express capability"
	fi
	lspci -n -s "$a" | cut -d' ' -f2- > lspci-n.$who
	cat lspci-n.$who
	grep 'Capabilities:' lspci.$who | sed 's/^[[:space:]]*Capabilities: \[[0-9a-f]*\] //' > caps.$who
	cat caps.$who
}

edu_begin
for_both identity
check_eq "lspci -n (without the address)" "$(cat lspci-n.qemu)" "$(cat lspci-n.ours)"
check_eq "lspci capability lines" "$(cat caps.qemu)" "$(cat caps.ours)"
edu_end
pass
