#!/bin/sh
# timeout: 120
# pciconf -r/-w at widths 1, 2 and 4 against setpci on QEMU's edu device
# (Interrupt Line, 0x3c), register ranges in FreeBSD's layout, name
# selectors, Linux addresses, and pciconf -a.
. /pciem/tests/lib.sh
. "$PCIEM_TEST_DIR/pciio-lib.sh"
load_pciio
modprobe nvme 2>/dev/null

edu=$(sysfs_dev_by_id 1234 11e8) || fail "no edu device"
a=$(pci_addr "$edu")
sel=$(bsd_sel "$a")
saved=$(setpci -s "$a" 3c.b)

# Writes with pciconf, reads with setpci, and the other way round.
for v in 5a a5 0f; do
	pciconf -w -b "$sel" 0x3c 0x$v || fail "pciconf -w -b"
	check_eq "byte written by pciconf" $v "$(setpci -s "$a" 3c.b)"
done
setpci -s "$a" 3c.b=33
check_eq "pciconf -r -b" "33 " "$(pciconf -r -b "$sel" 0x3c)"
pin=$(setpci -s "$a" 3d.b)
pciconf -w -h "$sel" 0x3c 0x0044 || fail "pciconf -w -h"
check_eq "word written by pciconf (pin is read-only)" "${pin}44" "$(setpci -s "$a" 3c.w)"
check_eq "pciconf -r -h" "${pin}44 " "$(pciconf -r -h "$sel" 0x3c)"
pciconf -w "$sel" 0x3c 0x00000077 || fail "pciconf -w"
check_eq "dword via setpci" "$(setpci -s "$a" 3c.l)" "$(pciconf -r "$sel" 0x3c | tr -d ' ')"
check_eq "low byte" 77 "$(setpci -s "$a" 3c.b)"
pciconf -w -b "$a" 0x3c 0x$saved || fail "pciconf -w with a Linux address"
check_eq "restored" "$saved" "$(setpci -s "$a" 3c.b)"

# A range: the header as dwords, 4 per line, FreeBSD's layout.
pciconf -r "$sel" 0:0x3c >r || fail "pciconf -r range"
check_eq "range lines" 4 "$(wc -l <r)"
i=0
for v in $(cat r); do
	check_eq "dword $i" "$(setpci -s "$a" "$(printf %x $((i * 4))).l")" "$v" >/dev/null
	i=$((i + 1))
done
check_eq "dwords" 16 $i
check_eq "line 2 ends in a space" "x " "$(sed -n 2p r | sed 's/.*\(.\)$/x\1/')"
pciconf -r -b "$sel" 0:0xf >rb || fail "pciconf -r -b range"
check_eq "bytes" "$(setpci -s "$a" 0.b 1.b 2.b 3.b 4.b 5.b 6.b 7.b 8.b 9.b a.b b.b c.b d.b e.b f.b | tr '\n' ' ')" \
	"$(tr -s ' \n' ' ' <rb)"
check_eq "past config space" "ffffffff " "$(pciconf -r "$sel" 0x100)"

# Errors pciconf reports.
pciconf -r "$sel" 0x3d 2>err && fail "unaligned read succeeded"
check_eq "unaligned" "pciconf: ioctl(PCIOCREAD): Invalid argument" "$(cat err)"
pciconf -r pci0:255:31:7 0 2>err && fail "read of no device succeeded"
check_eq "no device" "pciconf: ioctl(PCIOCREAD): No such device" "$(cat err)"
pciconf -w "$sel" 0x3c zz 2>err && fail "bad value accepted"

# Name selectors and -a.
nvme=$(sysfs_dev_by_id 1b36 0010) || fail "no nvme"
nsel=$(bsd_sel "$(pci_addr "$nvme")")
check_eq "nvme0 = $nsel" "$(pciconf -r "$nsel" 0:0xc)" "$(pciconf -r nvme0 0:0xc)"
check_eq "-a nvme0" "nvme0: attached" "$(pciconf -a nvme0)"
out=$(pciconf -a "$sel")
rc=$?
check_eq "-a edu" "$sel: not attached" "$out"
check_eq "-a exit status without driver" 2 $rc
pass
