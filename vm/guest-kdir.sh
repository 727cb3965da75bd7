#!/bin/sh
# Print the kernel build directory the test VM's modules must be built
# against, for the guest kernel PCIEM_GUEST_KERNEL names:
#   stock (default)  the newest Debian /usr/src/linux-headers-<abi>-amd64;
#                    the guest boots the Debian kernel of that same <abi>
#                    (see vm/guest-kernel.sh)
#   debug            the debug kernel vm/debug-kernel.sh built (lockdep,
#                    KASAN, ...): $PCIEM_CACHE/guest-<release>/build
# so a module built here always matches the kernel it is loaded into.
# Exits 1 (printing nothing) when no such directory exists.
case ${PCIEM_GUEST_KERNEL:-stock} in
stock)
	newest=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1)
	[ -n "$newest" ] || exit 1
	echo "$newest"
	;;
debug)
	cache=${PCIEM_CACHE:-${HOME:-/root}/.cache/pciem}
	rel=$(cat "$cache/debug.release" 2>/dev/null) || exit 1
	[ -d "$cache/guest-$rel/build" ] || exit 1
	echo "$cache/guest-$rel/build"
	;;
*)
	echo "vm/guest-kdir.sh: PCIEM_GUEST_KERNEL=$PCIEM_GUEST_KERNEL: expected stock or debug" >&2
	exit 1
	;;
esac
