#!/bin/sh
# Print the kernel build directory the test VM's modules must be built
# against: the newest Debian /usr/src/linux-headers-<abi>-amd64.  The guest
# boots the Debian kernel of that same <abi> (see vm/guest-kernel.sh), so a
# module built here always matches the kernel it is loaded into.
# Exits 1 (printing nothing) when no such directory exists.
newest=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1)
[ -n "$newest" ] || exit 1
echo "$newest"
