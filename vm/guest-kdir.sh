#!/bin/sh
# Print the kernel build directory the test VM's modules must be built
# against, for the guest kernel PCIEM_GUEST_KERNEL names:
#   6.1 (default)    Debian 12's kernel: the newest installed
#                    /usr/src/linux-headers-6.1.*-amd64
#   6.12             the 6.12 LTS Debian 12's archive also carries: the newest
#                    installed /usr/src/linux-headers-6.12.*-amd64
#   debug            the debug kernel vm/debug-kernel.sh built (lockdep,
#                    KASAN, ...): $PCIEM_CACHE/guest-<release>/build
# The guest boots the Debian kernel of the same ABI (vm/guest-kernel.sh), so
# a module built here always matches the kernel it is loaded into.  Kernels
# are chosen by name, never "whatever is newest": installing other headers
# on the build host changes nothing.  vm/setup-host.sh installs the newest
# headers of each series the archive has.  Exits 1 (printing nothing) when
# no such directory exists.
#
# --headers-regex prints the extended regex that the names of the series'
# header packages (and /usr/src directories) match, for vm/setup-host.sh.
kernel=${PCIEM_GUEST_KERNEL:-6.1}
# Debian's ABI names: 6.1.0-57-amd64, 6.12.118+deb12-amd64.
re="^linux-headers-$(echo "$kernel" | sed 's/\./\\./g')\\.[0-9]+(-[0-9]+)?(\\+deb[0-9]+)?-amd64\$"
if [ "${1:-}" = --headers-regex ]; then
	case $kernel in
	6.1|6.12) echo "$re"; exit 0 ;;
	*) exit 1 ;;
	esac
fi
case $kernel in
debug)
	cache=${PCIEM_CACHE:-${HOME:-/root}/.cache/pciem}
	rel=$(cat "$cache/debug.release" 2>/dev/null) || exit 1
	[ -d "$cache/guest-$rel/build" ] || exit 1
	echo "$cache/guest-$rel/build"
	;;
6.1|6.12)
	newest=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sed 's|.*/||' |
		grep -E "$re" | sort -V | tail -n 1)
	[ -n "$newest" ] || exit 1
	echo "/usr/src/$newest"
	;;
*)
	echo "vm/guest-kdir.sh: PCIEM_GUEST_KERNEL=$kernel: expected 6.1, 6.12 or debug" >&2
	exit 1
	;;
esac
