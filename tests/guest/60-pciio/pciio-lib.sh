# Helpers for the 60-pciio guest tests (sourced after /pciem/tests/lib.sh).

# load_pciio: insmod pciio.ko unless it is loaded; wait for /dev/pci.
load_pciio() {
	if ! grep -q '^pciio ' /proc/modules; then
		insmod "$PCIEM_MODULES/pciio.ko" || fail "insmod pciio.ko failed"
	fi
	wait_for '[ -c /dev/pci ]' 5 || fail "/dev/pci did not appear"
}

# hdr_type SYSFS_DIR: header type without the multi-function bit, 0x%02x.
hdr_type() {
	_h=$(od -An -tx1 -j14 -N1 "$1/config" | tr -d ' \n')
	printf '0x%02x' $((0x$_h & 0x7f))
}

# unit_of ADDR DRIVER: the device's index among DRIVER's devices, by address.
unit_of() {
	_n=$(ls "/sys/bus/pci/drivers/$2" | grep '^[0-9a-f]\{4\}:' | sort |
		grep -n "^$1\$" | cut -d: -f1)
	[ -n "$_n" ] || fail "$1 is not among $2's devices"
	echo $((_n - 1))
}

# expected_conf SYSFS_DIR: what "pciio-test list" prints for the device.
expected_conf() {
	_d=$1
	_a=$(basename "$_d")
	_drv=$(driver_of "$_d")
	if [ -n "$_drv" ]; then
		_name=$(echo "$_drv" | cut -c1-16)
		_unit=$(unit_of "$_a" "$_drv")
	else
		_name=- _unit=0
	fi
	echo "$_a $(cat "$_d/vendor") $(cat "$_d/device")" \
		"$(cat "$_d/subsystem_vendor") $(cat "$_d/subsystem_device")" \
		"$(cat "$_d/class") $(cat "$_d/revision") $(hdr_type "$_d")" \
		"$_name $_unit"
}

# expected_list: expected_conf for every PCI device, sorted by address.
expected_list() {
	for _d in /sys/bus/pci/devices/*; do
		expected_conf "$_d"
	done | sort
}

# bsd_sel ADDR: FreeBSD selector pciD:B:S:F (decimal) for 0000:00:03.0.
bsd_sel() {
	_ifs=$IFS
	IFS=':.'
	# shellcheck disable=SC2086
	set -- $1
	IFS=$_ifs
	echo "pci$((0x$1)):$((0x$2)):$((0x$3)):$((0x$4))"
}

# linux_addr SEL: 0000:00:03.0 for the FreeBSD selector pci0:0:3:0.
linux_addr() {
	_ifs=$IFS
	IFS=':'
	# shellcheck disable=SC2086
	set -- ${1#pci}
	IFS=$_ifs
	printf '%04x:%02x:%02x.%x\n' "$1" "$2" "$3" "$4"
}
