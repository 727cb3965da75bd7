#!/bin/sh
# timeout: 180
# pciconf -l prints FreeBSD's line for every device, matching sysfs byte for
# byte ("none" plus a running count without a driver); -ll, -l SELECTOR,
# -lv, -lb (BARs against sysfs resources), -lc (capability lists against a
# walk with setpci), -le, -lB and -lV all run.
. /pciem/tests/lib.sh
. "$PCIEM_TEST_DIR/pciio-lib.sh"
load_pciio
modprobe nvme 2>/dev/null

pciconf -l >out || fail "pciconf -l failed"
check_eq "line count" "$(ls /sys/bus/pci/devices | wc -l)" "$(wc -l <out)"
none=0
tab=$(printf '\t')
while IFS= read -r line; do
	sel=${line%%:$tab*}
	sel=${sel#*@}
	addr=$(linux_addr "$sel")
	d=/sys/bus/pci/devices/$addr
	[ -d "$d" ] || fail "no sysfs device for '$line' ($addr)"
	drv=$(driver_of "$d")
	if [ -n "$drv" ]; then
		name=$(echo "$drv" | cut -c1-16)
		unit=$(unit_of "$addr" "$drv")
	else
		name=none unit=$none
		none=$((none + 1))
	fi
	want=$(printf '%s%d@%s:\tclass=%s rev=%s hdr=%s vendor=%s device=%s subvendor=%s subdevice=%s' \
		"$name" "$unit" "$sel" "$(cat "$d/class")" "$(cat "$d/revision")" \
		"$(hdr_type "$d")" "$(cat "$d/vendor")" "$(cat "$d/device")" \
		"$(cat "$d/subsystem_vendor")" "$(cat "$d/subsystem_device")")
	[ "$line" = "$want" ] || fail "pciconf -l: '$line', expected '$want'"
	check_eq "selector of $addr" "$sel" "$(bsd_sel "$addr")" >/dev/null

	# The same device alone, by address and by Linux address.
	one=$(pciconf -l "$sel") || fail "pciconf -l $sel"
	[ -n "$drv" ] || want="none0@${want#*@}"
	[ "$one" = "$want" ] || fail "pciconf -l $sel: '$one', expected '$want'"
	[ "$(pciconf -l "$addr")" = "$want" ] || fail "pciconf -l $addr"
done <out
info "$(wc -l <out) lines match sysfs"

# By driver name and unit.
nvme=$(sysfs_dev_by_id 1b36 0010) || fail "no nvme device"
check_eq "nvme driver" nvme "$(driver_of "$nvme")"
grep "^nvme0@" out >want0
check_eq "pciconf -l nvme0" "$(cat want0)" "$(pciconf -l nvme0)"
pciconf -l nvme99 2>err && fail "pciconf -l nvme99 succeeded"
check_eq "unknown device" "pciconf: Device not found" "$(cat err)"
pciconf -l pcix:1 2>err && fail "bad selector accepted"
check_eq "bad selector" "pciconf: cannot parse selector pcix:1" "$(cat err)"

# -ll: a header, then one row per device in the same order.
pciconf -ll >ll || fail "pciconf -ll"
check_eq "-ll header" "$(printf 'drv\tselector\tclass    rev  hdr  vendor device subven subdev')" "$(head -n 1 ll)"
check_eq "-ll rows" "$(wc -l <out)" "$(($(wc -l <ll) - 1))"
check_eq "-ll first column" "$(cut -f1 out)" "$(tail -n +2 ll | cut -f1)"

# -lv: class names always; vendor names when pci.ids is there.
pciconf -lv nvme0 >v || fail "pciconf -lv"
grep -qx '    class      = mass storage' v || fail "-lv class: $(cat v)"
grep -qx '    subclass   = NVM' v || fail "-lv subclass: $(cat v)"
if [ -f /usr/share/misc/pci.ids ] || [ -f /usr/share/hwdata/pci.ids ]; then
	grep -qx "    vendor     = 'Red Hat, Inc.'" v || fail "-lv vendor: $(cat v)"
	grep -q "^    device     = 'QEMU NVM Express" v || fail "-lv device: $(cat v)"
fi

# -lb: each BAR line against the sysfs resource of that BAR, and no BAR
# with a sysfs resource is missing.
pciconf -lb >lb || fail "pciconf -lb"
nbars=0
for d in /sys/bus/pci/devices/*; do
	addr=$(basename "$d")
	sel=$(bsd_sel "$addr")
	sed -n "/@$sel:$tab/,/^[^ ]/p" lb | grep '^    bar' >bars
	cmd=$(setpci -s "$addr" COMMAND)
	hdr=$(hdr_type "$d")
	max=5
	[ "$hdr" = 0x01 ] && max=1
	[ "$hdr" = 0x02 ] && max=0
	i=0 nwant=0
	while [ $i -le $max ]; do
		set -- $(sed -n "$((i + 1))p" "$d/resource")
		start=$(($1)) end=$(($2)) flags=$(($3))
		reg=$(printf '%02x' $((0x10 + 4 * i)))
		i=$((i + 1))
		got=$(grep "^    bar   \[$reg\]" bars)
		if [ $flags -eq 0 ] || [ $end -le $start ]; then
			[ -z "$got" ] || fail "$addr: unexpected '$got'"
			continue
		fi
		if [ $((flags & 0x100)) -ne 0 ]; then
			type="I/O Port" range=32 en=$((0x$cmd & 1))
		else
			type=Memory range=32 en=$((0x$cmd & 2))
			[ $((flags & 0x2000)) -ne 0 ] && type="Prefetchable Memory"
			[ $((flags & 0x100000)) -ne 0 ] && range=64
		fi
		base=0
		[ $start -ne 0 ] && base=$(printf '0x%x' $start)
		state=disabled
		[ $en -ne 0 ] && state=enabled
		want=$(printf '    bar   [%s] = type %s, range %2d, base %s, size %d, %s' \
			"$reg" "$type" $range "$base" $((end - start + 1)) $state)
		[ "$got" = "$want" ] || fail "$addr: '$got', expected '$want'"
		nwant=$((nwant + 1))
	done
	[ "$(grep -c . bars)" = $nwant ] || fail "$addr: extra BAR lines: $(cat bars)"
	nbars=$((nbars + nwant))
done
info "$nbars BAR lines match sysfs"
[ $nbars -ge 2 ] || fail "too few BARs seen"

# -lc: the capability chain as setpci walks it.
pciconf -lc >lc || fail "pciconf -lc"
ncaps=0
for d in /sys/bus/pci/devices/*; do
	addr=$(basename "$d")
	sel=$(bsd_sel "$addr")
	sed -n "/@$sel:$tab/,/^[^ ]/p" lc | grep -o '^    e\{0,1\}cap [0-9a-f]*\[[0-9a-f]*\]' >caps
	: >walk
	if [ $((0x$(setpci -s "$addr" STATUS) & 0x10)) -ne 0 ]; then
		ptr=$((0x$(setpci -s "$addr" 34.b) & 0xff))
		n=0
		while [ $ptr -ne 0 ] && [ $ptr -ne 255 ] && [ $n -lt 48 ]; do
			id=$((0x$(setpci -s "$addr" "$(printf %x $ptr).b")))
			printf '    cap %02x[%02x]\n' $id $ptr >>walk
			ptr=$((0x$(setpci -s "$addr" "$(printf %x $((ptr + 1))).b")))
			n=$((n + 1))
		done
		if grep -q '^    cap 10\[' walk; then
			ptr=256
			e=$((0x$(setpci -s "$addr" 100.l)))
			while [ $e -ne 0 ] && [ $e -ne $((0xffffffff)) ]; do
				printf '    ecap %04x[%03x]\n' $((e & 0xffff)) $ptr >>walk
				ptr=$((e >> 20))
				[ $ptr -lt 256 ] && break
				e=$((0x$(setpci -s "$addr" "$(printf %x $ptr).l")))
			done
		fi
	fi
	if ! cmp -s walk caps; then
		diff walk caps
		fail "$addr: pciconf -lc capability list differs from setpci's walk"
	fi
	ncaps=$((ncaps + $(wc -l <walk)))
done
info "$ncaps capabilities match setpci"
grep -q 'MSI-X supports' lc || fail "no MSI-X line in -lc output"
grep -q 'PCI-Express' lc || fail "no PCI-Express line in -lc output"

for opt in -le -lB -lV -lcc -lbBcevV; do
	pciconf $opt >o 2>e || fail "pciconf $opt failed: $(cat e)"
	[ -s e ] && fail "pciconf $opt wrote to stderr: $(cat e)"
	check_eq "pciconf $opt device lines" "$(wc -l <out)" "$(grep -c '@pci' o)"
done
info "pciconf -lbBcevV:"
cat o
pass
